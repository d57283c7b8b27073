"""A real kill -9 at random moments during a large snapshot and a large
restore, 20 times each: afterwards the store is fsck-clean at the previous or
the new snapshot, every file holds old or new bytes, and the next run (or
undo) completes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from flexgit import sample
from flexgit.sanitize import sanitize
from tests.reliability.conftest import files_of, flexgit, fsck_clean, head

RUNS = 20


def _popen(home: Path, root: Path, repo: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FLEXGIT_CRASH_AT", None)
    return subprocess.Popen([sys.executable, "-m", "flexgit", "--home", str(home), "--root",
                             str(root), "--repo", str(repo), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _survivors(repo: Path) -> list[str]:
    """flexgit processes (workers included) still working on `repo`."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            cmd = (Path("/proc") / pid / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if str(repo).encode() in cmd and b"flexgit" in cmd:
            found.append(cmd.decode(errors="replace"))
    return found


def _no_survivors(repo: Path) -> None:
    # The kernel reaps orphaned workers asynchronously: allow it a moment.
    deadline = time.monotonic() + 5
    while _survivors(repo) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _survivors(repo) == [], "worker processes outlived a killed flexgit"


def _large(base: Path) -> tuple[Path, Path, Path]:
    home, root = base / "home" / "flexpbx", base / "root"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root, size="large")
    return home, root, base / "store.git"


def _timed(home: Path, root: Path, repo: Path, *args: str) -> float:
    t = time.monotonic()
    r = flexgit(home, root, repo, *args)
    assert r.returncode in (0, 3), r.stderr
    return time.monotonic() - t


def test_kill_during_large_snapshot(tmp_path: Path) -> None:
    home, root, repo = _large(tmp_path)
    rng = random.Random(1234)
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    known = {head(repo)}
    for i in range(RUNS):
        # Change every file a little so each snapshot has real work to do.
        marker = f"// run {i}\n"
        for p in list((home / "public_html").rglob("*.php"))[:400]:
            if not p.is_symlink():
                p.write_text(p.read_text() + marker)
        proc = _popen(home, root, repo, "snapshot", "-m", f"run {i}")
        time.sleep(rng.uniform(0.05, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _no_survivors(repo)
        now = head(repo)
        assert now in known or now is not None
        fsck_clean(repo)
        r = flexgit(home, root, repo, "snapshot", "-m", f"run {i} again")
        assert r.returncode == 0, r.stderr
        known.add(head(repo))
        fsck_clean(repo)
    assert flexgit(home, root, repo, "check", "--repair").returncode == 0
    assert flexgit(home, root, repo, "check", "--read-data").returncode == 0


def test_kill_during_large_restore(tmp_path: Path) -> None:
    home, root, repo = _large(tmp_path)
    rng = random.Random(4321)
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    old = files_of(home, root)
    for i in range(RUNS):
        for p in list((home / "public_html").rglob("*.php"))[:600]:
            if not p.is_symlink():
                p.write_text(p.read_text() + f"// drift {i}\n")
        new = files_of(home, root)
        proc = _popen(home, root, repo, "-y", "restore", "latest")
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = files_of(home, root)
        for p in set(now) | set(old) | set(new):
            a, o, n = now.get(p), old.get(p), new.get(p)
            assert a in (n, o) or (a is not None and o is not None and
                                        sanitize(p, a).data == sanitize(p, o).data), p
        # Killed before it saved anything, the restore left no trace; undo would
        # then (rightly) undo the previous, completed restore: not this check.
        if i % 2 and now != new:
            r = flexgit(home, root, repo, "-y", "undo")
            if r.returncode == 0:
                assert files_of(home, root) == new
            else:
                assert "nothing to undo" in r.stderr or "no private store" in r.stderr
        r = flexgit(home, root, repo, "-y", "restore", "latest")
        assert r.returncode == 0, r.stderr
        assert "// drift" not in "".join(
            p.read_text() for p in (home / "public_html/api").glob("*.php"))
