"""Running flexgit in a subprocess that can be crashed at the k-th write,
fsync, rename or ref update (FLEXGIT_CRASH_AT, see flexgit/faults.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CRASHED = 99


def flexgit(home: Path, root: Path, repo: Path, *args: str, crash: str | None = None,
            extra_env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", **(extra_env or {})}
    env.pop("FLEXGIT_CRASH_AT", None)
    if crash:
        env["FLEXGIT_CRASH_AT"] = crash
    return subprocess.run([sys.executable, "-m", "flexgit", "--home", str(home), "--root",
                           str(root), "--repo", str(repo), *args], capture_output=True,
                          text=True, env=env, timeout=timeout)


def head(repo: Path) -> str | None:
    r = subprocess.run(["git", "--git-dir", str(repo), "rev-parse", "--verify", "-q",
                        "refs/heads/main"], capture_output=True, text=True)
    return r.stdout.strip() or None


def fsck_clean(repo: Path) -> None:
    r = subprocess.run(["git", "--git-dir", str(repo), "fsck", "--strict", "--no-dangling"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def files_of(*dirs: Path) -> dict[str, bytes]:
    """Regular files and links (as their target) under dirs, flexgit's bookkeeping
    (the stores, logs, locks, temp files) left out."""
    out: dict[str, bytes] = {}
    for d in dirs:
        for dirpath, dirnames, filenames in os.walk(d):
            dirnames[:] = [n for n in dirnames if n not in ("backup", "logs")]
            for n in filenames + [x for x in dirnames if os.path.islink(os.path.join(dirpath, x))]:
                if n.startswith(".flexgit"):
                    continue
                p = os.path.join(dirpath, n)
                out[p] = (b"->" + os.readlink(p).encode()) if os.path.islink(p) else \
                    Path(p).read_bytes()
    return out
