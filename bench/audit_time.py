"""Seconds the audit takes on the benchmark installation (10,000 files).

    python bench/audit_time.py [--dir DIR] [--runs N]

Builds bench/gen.py's installation (seed 1, 10,000 files, 100 MB) in DIR,
takes one ordinary (sanitized) snapshot into DIR/store.git, then audits that
snapshot N times (what every export does) and prints the best CPU seconds and
the megabytes of text audited. With an existing DIR/store.git the build and
snapshot are skipped, so that before/after runs audit the same store.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from flexgit import audit  # noqa: E402
from flexgit.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    top = args.dir or Path(tempfile.mkdtemp(prefix="flexgit-audit-time-"))
    repo = top / "store.git"
    if not repo.exists():
        import gen

        gen.build(top / "home", top / "root", files=10000, mb=100, seed=1)
        subprocess.run([sys.executable, "-m", "flexgit", "-q", "--home", str(top / "home"),
                        "--root", str(top / "root"), "--repo", str(repo), "snapshot"],
                       check=True)
    with Store.open(repo) as store:
        sha = store.resolve("latest")
        tree = store.read_tree(sha)
        size = sum(len(store.read_blob(e.sha)) for e in tree.values())
        best, found = float("inf"), 0
        for _ in range(args.runs):
            start = time.process_time()
            found = len(audit.audit_snapshot(store, sha))
            best = min(best, time.process_time() - start)
    print(f"{top}: {len(tree)} files, {size / 1e6:.1f} MB; audit best of {args.runs}: "
          f"{best:.2f} CPU s, {found} finding(s)")


if __name__ == "__main__":
    main()
