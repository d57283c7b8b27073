"""What the central guard costs on a real first push: the sample installation
grown to 900 files (as tests/test_serverhook.py grows it), snapshotted, its
objects copied into a scratch bare repository with no ref to them (what git's
quarantine holds), and `serverhook.check` timed over them RUNS times.

    python bench/guard.py WORKDIR [RUNS]

Prints the medians (wall, and the hook's CPU) and each run in seconds. Run
it with PYTHONPATH pointing at an older checkout to compare versions.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from flexgit.serverhook.guard import check
from flexgit.serverhook.objects import ZERO_ID, Objects

SAMPLE_FILES = 34  # what a snapshot of the small sample installation holds


def main() -> None:
    work, runs = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5
    shutil.rmtree(work, ignore_errors=True)
    home, root, repo = work / "home/flexpbx", work / "root", work / "store.git"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root)
    sample.grow_modules(home, 900 - SAMPLE_FILES)
    r = CliRunner().invoke(cli, ["--home", str(home), "--root", str(root), "--repo", str(repo),
                                 "snapshot"])
    assert r.exit_code == 0, r.output
    head = subprocess.run(["git", "--git-dir", str(repo), "rev-parse", "main"],
                          capture_output=True, text=True, check=True).stdout.strip()
    scratch = work / "scratch.git"
    subprocess.run(["git", "init", "-q", "--bare", str(scratch)], check=True)
    subprocess.run(["git", "--git-dir", str(scratch), "fetch", "-q", str(repo), "main"],
                   check=True)
    took, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        with Objects(scratch) as objects:
            found = check(objects, [(ZERO_ID, head, "refs/heads/main")])
        took.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        assert not found, found
    # CPU time is the hook's own (git cat-file's is apart and the same for
    # every version); on a shared machine it is steadier than wall time.
    print(f"median {statistics.median(took):.2f} s wall, {statistics.median(cpu):.2f} s CPU; "
          f"runs: " + ", ".join(f"{t:.2f}/{c:.2f}" for t, c in zip(took, cpu, strict=True)))


if __name__ == "__main__":
    main()
