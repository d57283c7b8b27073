from __future__ import annotations

import io

import pytest

from flexgit.output import Output


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colours_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    err = Tty()
    Output(err=err).warn("careful")
    assert err.getvalue() == "\033[33mwarning: careful\033[0m\n"
    err = io.StringIO()
    Output(err=err).warn("careful")
    assert err.getvalue() == "warning: careful\n"
    monkeypatch.setenv("NO_COLOR", "1")
    err = Tty()
    Output(err=err).warn("careful")
    assert err.getvalue() == "warning: careful\n"
    err = Tty()
    monkeypatch.delenv("NO_COLOR")
    Output(err=err, color=False).warn("careful")  # --no-color
    assert err.getvalue() == "warning: careful\n"


def test_progress_bar_only_on_a_terminal_and_never_with_quiet_or_json() -> None:
    err = Tty()
    Output(err=err, color=False).progress("snapshot", 5, 10)
    assert err.getvalue() == "\r\033[Ksnapshot [############------------]  50%  5/10 files"
    for out in (Output(err=io.StringIO()), Output(err=Tty(), quiet=True),
                Output(err=Tty(), json_mode=True)):
        out.progress("snapshot", 5, 10)
        assert out.err.getvalue() == ""  # type: ignore[attr-defined]


def test_quiet_prints_only_errors() -> None:
    out, err = io.StringIO(), io.StringIO()
    o = Output(out=out, err=err, quiet=True, color=False)
    o.info("hello")
    o.warn("careful")
    o.error("broken")
    assert out.getvalue() == "" and err.getvalue() == "Error: broken\n"
