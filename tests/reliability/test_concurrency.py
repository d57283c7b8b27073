"""Concurrent use: many snapshots into one store, two restores into one
target. Each run completes or reports the lock (exit 11, naming the holder);
no commit is lost; the store stays fsck-clean; a killed holder's lock is
recovered automatically."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flexgit import sample
from tests.reliability.conftest import flexgit, fsck_clean, head


def _install(base: Path) -> tuple[Path, Path, Path]:
    home, root = base / "home" / "flexpbx", base / "root"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root)
    return home, root, base / "store.git"


def _spawn(home: Path, root: Path, repo: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FLEXGIT_CRASH_AT", None)
    return subprocess.Popen([sys.executable, "-m", "flexgit", "--home", str(home), "--root",
                             str(root), "--repo", str(repo), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_ten_snapshots_at_once(tmp_path: Path) -> None:
    home, root, repo = _install(tmp_path)
    assert flexgit(home, root, repo, "init").returncode == 0
    procs = []
    for i in range(10):
        (home / "public_html" / f"p{i}.php").write_text(f"<?php echo {i};\n")
        procs.append(_spawn(home, root, repo, "--json", "snapshot", "-m", f"run {i}"))
    made, locked = [], 0
    for p in procs:
        out, err = p.communicate(timeout=120)
        if p.returncode == 11:
            locked += 1
            assert "is locked by pid " in err and err.count("\n") == 1
        else:
            assert p.returncode == 0, err
            sha = json.loads(out)["id"]
            if sha:
                made.append(sha)
    history = json.loads(flexgit(home, root, repo, "--json", "log").stdout)
    ids = {e["id"] for e in history}
    assert set(made) <= ids, "a snapshot that said it committed is in the history"
    assert len(made) + locked >= 1
    fsck_clean(repo)
    # Whatever was locked out, one more run catches everything up.
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    tree = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only", "main"],
                          capture_output=True, text=True, check=True).stdout
    assert all(f"home/public_html/p{i}.php" in tree for i in range(10))


def test_two_restores_into_one_target(tmp_path: Path) -> None:
    home, root, repo = _install(tmp_path)
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    for p in (home / "public_html").rglob("*.php"):
        if not p.is_symlink():
            p.write_text(p.read_text() + "// drift\n")
    a = _spawn(home, root, repo, "-y", "restore", "latest")
    b = _spawn(home, root, repo, "-y", "restore", "latest")
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in (a, b)]
    codes = sorted(c for c, _ in results)
    assert codes in ([0, 0], [0, 11]), results
    for code, err in results:
        if code == 11:
            assert "restore target" in err and "is locked by pid " in err
    drift = [p for p in (home / "public_html").rglob("*.php")
             if not p.is_symlink() and "// drift" in p.read_text()]
    assert drift == []


def test_lock_of_a_killed_process_is_recovered(tmp_path: Path) -> None:
    home, root, repo = _install(tmp_path)
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    (home / "public_html" / "big").mkdir()
    for i in range(3000):
        (home / "public_html" / "big" / f"f{i}.php").write_text(f"<?php echo {i};\n" * 20)
    p = _spawn(home, root, repo, "snapshot")
    deadline = time.time() + 30
    while not (repo / "flexgit.lock").exists() and time.time() < deadline:
        time.sleep(0.005)
    assert (repo / "flexgit.lock").exists(), "the snapshot took the lock"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    assert (repo / "flexgit.lock").exists(), "a killed process leaves its lock behind"
    before = head(repo)
    r = flexgit(home, root, repo, "snapshot")
    assert r.returncode == 0, r.stderr
    assert head(repo) != before
    assert not (repo / "flexgit.lock").exists()
    fsck_clean(repo)
