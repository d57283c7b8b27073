"""What the central guard costs on a real first push: the sample installation
grown to 900 files (as tests/test_serverhook.py grows it), snapshotted, its
objects copied into a scratch bare repository with no ref to them (what git's
quarantine holds), and `serverhook.check` timed over them RUNS times.

    python bench/guard.py WORKDIR [RUNS]

Prints the median and each run in seconds. Run it with PYTHONPATH pointing at
an older checkout to compare versions.
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
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        with Objects(scratch) as objects:
            found = check(objects, [(ZERO_ID, head, "refs/heads/main")])
        took.append(time.perf_counter() - started)
        assert not found, found
    print(f"median {statistics.median(took):.2f} s; runs: "
          + ", ".join(f"{t:.2f}" for t in took))


if __name__ == "__main__":
    main()
