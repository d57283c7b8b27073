"""What sanitizing the benchmark's text cannot cost less than, stage by stage.

    python bench/sanitize_floor.py [--files 2000] [--mb 20] [--runs 5]

On the tree of bench/sanitize_kinds.py, MB/s of one core (CPU time, median
of --runs) for: reading every text file's bytes; decoding them
(flexgit.content); one scan of the prefilter's Hyperscan database over each
text (the shared pass every layer's regexes are gated by); sanitize() of one
empty line under each file's path (every layer called once: the fixed cost
a file, given as MB/s of the real bytes); and sanitize() itself. The gap is
the layers' Python.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sanitize_kinds import load


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from flexgit import content
    from flexgit.sanitize import prefilter, sanitize
    from tests.sanitize.golden_inputs import build_tree

    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        build_tree(tree / "home", tree / "system", extra_files=args.files, extra_mb=args.mb)
        files = [item for items in load(tree).values() for item in items]
        paths = [tree / path for path, _ in files]
        texts = [d.text for _, data in files if (d := content.decode(data)) is not None]
        mb = sum(len(data) for _, data in files) / 1e6

        def read() -> None:
            for p in paths:
                p.read_bytes()

        def decode() -> None:
            for _, data in files:
                content.decode(data)

        def scan() -> None:
            for text in texts:
                prefilter._scan(text)

        def fixed() -> None:  # every layer called once per file, on one empty line
            for path, _ in files:
                sanitize(path, b"\n")

        def full() -> None:
            for path, data in files:
                sanitize(path, data)

        full()  # warm up: lazy imports, the database
        stages: list[tuple[str, Callable[[], None]]] = [
            ("read the bytes", read), ("decode", decode), ("prefilter scan", scan),
            ("fixed cost a file", fixed), ("sanitize()", full)]
        print(f"{len(files)} text files, {mb:.2f} MB")
        for name, stage in stages:
            times = []
            for _ in range(args.runs):
                t = time.process_time()
                stage()
                times.append(time.process_time() - t)
            s = statistics.median(times)
            print(f"{name:<18} {mb / s:8.1f} MB/s  ({s:.3f} s)")


if __name__ == "__main__":
    main()
