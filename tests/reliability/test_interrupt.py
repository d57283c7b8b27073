"""A real Ctrl-C (the terminal's ^C: SIGINT to the whole foreground process
group, workers included) to flexgit running in a pty, mid-way through a large
snapshot, export, import and restore: exit 130 within 2 s, no traceback, no
worker left, the store fsck-clean and no half-written file."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from flexgit import sample
from flexgit.fsutil import TEMP_PREFIX
from tests.reliability.conftest import files_of, flexgit, fsck_clean, head
from tests.reliability.test_kill import _no_survivors


@dataclass
class Interrupted:
    code: int | None
    after: float  # seconds from the ^C to the exit
    output: str


def _read(fd: int, until: float, out: bytearray) -> bool:
    """Read the pty until `until`; True when it closed."""
    while time.monotonic() < until:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return True
            if not data:
                return True
            out += data
    return False


def ctrl_c(home: Path, root: Path, repo: Path, *args: str, after: str,
           delay: float, presses: int = 1) -> Interrupted:
    """Run flexgit in a pty, press ^C `delay` seconds after `after` appeared
    in its output (the command is at work; "" for: at the start), and wait
    up to 10 s for it to end."""
    argv = [sys.executable, "-m", "flexgit", "--home", str(home), "--root", str(root),
            "--repo", str(repo), *args]
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session leader whose terminal is the pty
        os.environ.update(NO_COLOR="1")
        # As an interactive shell starts a command: ^C at its default. A runner
        # started in the background by a script (`cmd &`) ignores SIGINT, and an
        # ignored SIGINT is inherited: Python would then never see the ^C.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execv(argv[0], argv)
    out = bytearray()
    start = time.monotonic()
    while after.encode() not in out and time.monotonic() < start + 60:
        if _read(fd, time.monotonic() + 0.05, out):
            break
    _read(fd, time.monotonic() + delay, out)
    assert after.encode() in out, out.decode(errors="replace")
    code = None
    try:
        os.write(fd, b"\x03")  # the tty sends SIGINT to the foreground group
        pressed = time.monotonic()
        for _ in range(presses - 1):  # an impatient user
            _read(fd, time.monotonic() + 0.03, out)
            os.write(fd, b"\x03")
        while time.monotonic() < pressed + 10:
            _read(fd, time.monotonic() + 0.02, out)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
        elapsed = time.monotonic() - pressed
        _read(fd, time.monotonic() + 0.2, out)
    finally:
        if code is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    return Interrupted(code, elapsed, out.decode(errors="replace"))


def _temp_files(*dirs: Path) -> list[Path]:
    return [p for d in dirs for p in d.rglob(f"{TEMP_PREFIX}*")]


def _assert_clean_cancel(r: Interrupted, repo: Path, *dirs: Path) -> None:
    assert r.code == 130, r.output
    assert r.after < 2.0, f"{r.after:.2f} s after ^C"
    assert "Traceback" not in r.output and "KeyboardInterrupt" not in r.output, r.output
    assert "Error: cancelled" in r.output
    _no_survivors(repo)
    if (repo / "HEAD").exists():
        fsck_clean(repo)
    assert _temp_files(repo, *dirs) == []


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The large sample plus 600 generated PHP modules: a snapshot takes
    seconds on two cores, so a ^C lands while workers sanitize."""
    base = tmp_path_factory.mktemp("interrupt")
    home, root = base / "home" / "flexpbx", base / "root"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root, size="large")
    gen = home / "public_html" / "gen"
    gen.mkdir()
    for i in range(600):
        gen.joinpath(f"mod{i}.php").write_text("<?php\n" + "".join(
            f"function f{i}_{j}($a) {{ return $a * {j}; }}\n" for j in range(100)))
    return home, root, base / "store.git"


def test_ctrl_c_during_a_large_snapshot(large: tuple[Path, Path, Path], tmp_path: Path) -> None:
    home, root, _ = large
    repo = tmp_path / "store.git"
    for _ in range(3):  # the hang showed in 2 of 3 tries
        r = ctrl_c(home, root, repo, "snapshot", after="snapshot [", delay=0.5)
        _assert_clean_cancel(r, repo, home)
        assert head(repo) is None  # interrupted: no snapshot, and no half of one


def test_a_second_ctrl_c_during_the_exit(large: tuple[Path, Path, Path],
                                         tmp_path: Path) -> None:
    home, root, _ = large
    repo = tmp_path / "store.git"
    r = ctrl_c(home, root, repo, "snapshot", after="snapshot [", delay=0.5, presses=3)
    # A ^C that lands in the interpreter's last steps of exiting ends it by
    # the signal itself: the shell reports that as 130 too (128 + SIGINT).
    if r.code == -signal.SIGINT:
        r.code = 130
    _assert_clean_cancel(r, repo, home)


@pytest.fixture(scope="module")
def snapshotted(large: tuple[Path, Path, Path]) -> tuple[Path, Path, Path]:
    home, root, repo = large
    r = flexgit(home, root, repo, "snapshot")
    assert r.returncode in (0, 3), r.stderr
    return large


def test_ctrl_c_during_a_large_export(snapshotted: tuple[Path, Path, Path],
                                      tmp_path: Path) -> None:
    home, root, repo = snapshotted
    out = tmp_path / "out"
    out.mkdir()
    r = ctrl_c(home, root, repo, "export", "-c", "-o", str(out), after="export", delay=0.8)
    _assert_clean_cancel(r, repo, out)
    assert list(out.iterdir()) == []  # no half a backup file, no dangling latest link


def test_ctrl_c_during_a_large_import(snapshotted: tuple[Path, Path, Path],
                                      tmp_path: Path) -> None:
    home, root, repo = snapshotted
    out = tmp_path / "out"
    r = flexgit(home, root, repo, "-q", "export", "-o", str(out))
    assert r.returncode == 0, r.stderr
    backup = next(out.glob("flexpbx-*.flx"))
    other = tmp_path / "other.git"
    # import shows no progress: ^C at a time well inside its run (~5 s)
    r = ctrl_c(home, root, other, "import", str(backup), after="", delay=1.5)
    _assert_clean_cancel(r, other)
    assert head(other) is None


def test_ctrl_c_during_a_large_restore(snapshotted: tuple[Path, Path, Path]) -> None:
    home, root, repo = snapshotted
    old = files_of(home, root)
    for p in sorted((home / "public_html" / "gen").glob("*.php")):
        p.write_text(p.read_text() + "// drift\n")
    new = files_of(home, root)
    # Writing 600 files takes well under a second: ^C at the first progress line.
    r = ctrl_c(home, root, repo, "-y", "restore", "latest", after="restore [", delay=0.0)
    _assert_clean_cancel(r, repo, home, root)
    now = files_of(home, root)
    for p in set(now) | set(old) | set(new):
        assert now.get(p) in (old.get(p), new.get(p)), f"{p} half-written"
    fsck_clean(home / "backup" / "private.git")


def test_ctrl_c_while_the_command_loads(tmp_path: Path) -> None:
    """A ^C in the first tenths of a second lands while Python imports the
    command's modules (4 of 30 imports printed a KeyboardInterrupt traceback):
    the same one line and exit 130 as later, or the signal's own end before
    Python is up (the shell says 130 for both)."""
    repo = tmp_path / "store.git"
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
        r = ctrl_c(tmp_path, tmp_path, repo, "log", after="", delay=delay)
        if "Traceback" in r.output and "/flexgit/" not in r.output:
            # Python's own start-up (site, runpy): no code of ours has run
            # yet, so its error is not ours to turn into a line.
            continue
        assert r.code in (130, -signal.SIGINT), r.output
        assert "Traceback" not in r.output and "KeyboardInterrupt" not in r.output, r.output
        if r.code == 130:
            assert r.output.replace("^C", "").strip().splitlines()[-1:] in (
                ["Error: cancelled"], []), r.output
