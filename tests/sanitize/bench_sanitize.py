"""Throughput of sanitize() on realistic content (a helper, not a test).

    /tmp/venv/bin/python -m tests.sanitize.bench_sanitize [--files 2000] [--mb 20] [--runs 3]

Builds the large sample topped up with ``--files`` bench-generated files in a
temp dir, then sanitizes every file ``--runs`` times and prints the best run in
MB/s of text (binary files are skipped by sanitize in microseconds and would
only flatter the number).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from flexgit.sanitize import sanitize

from .golden_inputs import build_tree, tree_files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home, root = Path(tmp) / "home", Path(tmp) / "root"
        build_tree(home, root, extra_files=args.files, extra_mb=args.mb)
        files = list(tree_files(home, root))
    text = [(p, d) for p, d in files if b"\0" not in d[:8192]]
    text_mb = sum(len(d) for _, d in text) / 1e6
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for path, data in files:
            sanitize(path, data)
        times.append(time.perf_counter() - t0)
    best = min(times)
    print(
        f"{len(files)} files, {len(text)} text ({text_mb:.1f} MB): "
        f"best {best:.2f} s = {text_mb / best:.2f} MB/s "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
