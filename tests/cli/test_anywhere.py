"""Global options work after the subcommand too, with the same meaning
(issue 14, point 5): every subcommand with every global option after it parses
to the same command line as with the option before it; the issue's examples
run through the installed console script."""

from __future__ import annotations

import json
import warnings

import click
import pytest

from flexgit.cli import cli
from tests.conftest import Env

# Each global option with a value to give it (None: a flag).
GLOBAL = [("--repo", "/tmp/x.git"), ("--home", "/tmp/h"), ("--root", "/tmp/r"),
          ("--config", "/tmp/p.toml"), ("--json", None), ("-v", None), ("--verbose", None),
          ("-q", None), ("-y", None), ("--no-color", None), ("--no-hooks", None)]


def _leaves() -> list[list[str]]:
    """Every subcommand's words: `log`, `remote add`, ..."""
    ctx = click.Context(cli)
    out: list[list[str]] = []
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        assert cmd is not None
        if isinstance(cmd, click.Group):
            out.extend([name, sub] for sub in sorted(cmd.commands))
        else:
            out.append([name])
    return out


def _parsed(args: list[str]) -> tuple[dict[str, object], list[str]]:
    """What the group makes of a command line: its options and what it hands on."""
    ctx = cli.make_context("flexgit", list(args), resilient_parsing=True)
    with warnings.catch_warnings():  # click 8.2 deprecates protected_args, 9.0 merges it
        warnings.simplefilter("ignore", DeprecationWarning)
        return dict(ctx.params), [*ctx.protected_args, *ctx.args]


@pytest.mark.parametrize("words", _leaves(), ids=" ".join)
def test_every_global_option_after_every_subcommand(words: list[str]) -> None:
    for opt, value in GLOBAL:
        given = [opt] if value is None else [opt, value]
        before = _parsed([*given, *words])
        after = _parsed([*words, *given])
        assert after == before, f"flexgit {' '.join(words)} {' '.join(given)}"
        if value is not None:  # the --opt=value spelling too
            assert _parsed([*words, f"{opt}={value}"]) == before


def test_values_of_the_subcommands_own_options_stay_values() -> None:
    params, rest = _parsed(["snapshot", "-m", "--json"])
    assert not params["json_mode"] and rest == ["snapshot", "-m", "--json"]
    params, rest = _parsed(["diff", "latest", "--", "-q"])
    assert not params["quiet"] and rest == ["diff", "latest", "--", "-q"]


def test_short_flags_cluster_after_the_subcommand() -> None:
    params, rest = _parsed(["status", "-vv", "-qy"])
    assert params["verbose"] == 2 and params["quiet"] and params["yes"]
    assert rest == ["status"]


def test_the_issues_examples_through_the_console_script(env: Env) -> None:
    where = env.args()
    assert env.console("snapshot", *where, "-q", "-m", "first", at=False).returncode == 0
    (env.home / "flexpbx-config.json").write_text('{"changed": true}\n')
    r = env.console("snapshot", "-m", "second", *where, "-q", at=False)
    assert r.returncode == 0 and r.stdout == ""
    r = env.console("log", *where, "--json", at=False)
    assert r.returncode == 0, r.stderr
    assert [s["message"] for s in json.loads(r.stdout)] == ["second", "first"]
    r = env.console("status", *where, "-v", at=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout == env.console(*where, "-v", "status", at=False).stdout
    r = env.console("restore", "latest~1", *where, "-y", "--dry-run", at=False)
    assert r.returncode == 0, r.stderr
    r = env.console("audit", "latest", *where, "--verbose", at=False)
    assert r.returncode == 0, r.stderr
