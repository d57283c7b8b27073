"""Progress lines (issue 14, point 7): bytes, rate and time left, on a
terminal only."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from flexgit.progress import line
from tests.conftest import Env, in_pty


def test_line_with_bytes_rate_and_eta() -> None:
    text = line("restore", 4200, 10000, done_bytes=38_100_000, total_bytes=101_000_000,
                elapsed=3.1)
    assert text.startswith("restore [#########---------------]  37%")
    assert "4,200/10,000 files" in text and "38.1 MB/101.0 MB" in text
    assert "12.3 MB/s" in text and "ETA 0:05" in text


def test_line_without_totals_falls_back_to_files() -> None:
    text = line("export", 50, 200, done_bytes=2_000_000, elapsed=10.0)
    assert " 25%" in text and "2.0 MB  " in text and "200.0 KB/s" in text
    assert "ETA 0:30" in text
    assert "ETA" not in line("export", 1, 200, elapsed=0.0)  # too early to say
    assert line("x", 1, 2, elapsed=7300, done_bytes=1, total_bytes=2).endswith("ETA 2:01:40")


def test_a_snapshot_on_a_terminal_shows_bytes_rate_and_eta(env: Env) -> None:
    exe = Path(sys.executable).parent / "flexgit"
    code, out = in_pty([str(exe), *env.args(), "snapshot", "-m", "first"], b"", prompt=b"\0")
    assert code == 0, out
    final = [p for p in re.split(r"\r|\n", out) if p.startswith("\x1b[Ksnapshot [")][-1]
    assert re.search(r"100%  \d+/\d+ files  [\d.]+ KB/[\d.]+ KB", final), final
    # (rate and time left need 0.2 s of work: the line's own test covers them)


def test_no_progress_when_not_a_terminal(env: Env) -> None:
    r = env.run("snapshot", "-m", "first")
    assert r.exit_code == 0 and "snapshot [" not in r.stderr
