"""Sanitizer throughput per file kind, one core, on the benchmark's text.

    python bench/sanitize_kinds.py [--files 2000] [--mb 20] [--runs 3] [--code DIR]

Builds the large sample topped up with bench-generated files (the same tree
as tests/sanitize/bench_sanitize.py), then sanitizes every text file --runs
times and prints, per kind, the best run's MB/s. --code DIR runs the
sanitizer of another checkout (e.g. a `git worktree` of an older commit) on
the same tree, so before/after are measured side by side in one invocation.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {".php": "php", ".js": "js", ".html": "html", ".htm": "html", ".json": "json",
         ".md": "markdown", ".txt": "text", ".conf": "asterisk", ".sh": "shell",
         ".xml": "xml", ".sql": "sql", ".ini": "ini", ".css": "css"}


def kind_of(path: str) -> str:
    if path.startswith("system/etc/asterisk/"):
        return "asterisk"
    return KINDS.get(posixpath.splitext(path)[1].lower(), "other")


def measure(tree: Path, runs: int) -> dict[str, tuple[float, float]]:
    """kind -> (MB, best seconds), with the sanitizer importable now."""
    from flexgit.sanitize import is_binary, sanitize

    files: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for side in ("home", "system"):
        base = tree / side
        for dirpath, _dirs, names in os.walk(base):
            for name in names:
                p = Path(dirpath) / name
                if p.is_symlink():
                    continue
                data = p.read_bytes()
                if not is_binary(data):
                    rel = f"{side}/{p.relative_to(base)}"
                    files[kind_of(rel)].append((rel, data))
    out = {}
    for kind, items in sorted(files.items()):
        best = float("inf")
        for _ in range(runs):
            t = time.process_time()
            for path, data in items:
                sanitize(path, data)
            best = min(best, time.process_time() - t)
        out[kind] = (sum(len(d) for _, d in items) / 1e6, best)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--code", type=Path, help="another checkout to measure on the same tree")
    ap.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # the child's input
    args = ap.parse_args()
    if args.tree is not None:
        for kind, (mb, s) in measure(args.tree, args.runs).items():
            print(f"{kind}\t{mb:.3f}\t{s:.3f}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        sys.path.insert(0, str(ROOT))
        from tests.sanitize.golden_inputs import build_tree

        build_tree(tree / "home", tree / "system", extra_files=args.files, extra_mb=args.mb)
        rows: dict[str, dict[str, tuple[float, float]]] = {}
        for label, code in (("this", ROOT), ("other", args.code)):
            if code is None:
                continue
            # Each in its own process, importing its own flexgit.
            r = subprocess.run([sys.executable, __file__, "--tree", str(tree), "--runs",
                                str(args.runs)], env={**os.environ, "PYTHONPATH": str(code)},
                               capture_output=True, text=True, check=True)
            rows[label] = {k: (float(mb), float(s)) for k, mb, s in
                           (line.split("\t") for line in r.stdout.splitlines())}
        print(f"{'kind':<10} {'MB':>7} " + " ".join(f"{name + ' MB/s':>12}" for name in rows))
        total = {name: [0.0, 0.0] for name in rows}
        for kind in sorted(rows["this"]):
            mb = rows["this"][kind][0]
            cells = []
            for name, r in rows.items():
                m, s = r.get(kind, (0.0, 0.0))
                total[name][0] += m
                total[name][1] += s
                cells.append(f"{m / s if s else 0:12.1f}")
            print(f"{kind:<10} {mb:7.2f} " + " ".join(cells))
        print(f"{'all':<10} {total['this'][0]:7.2f} "
              + " ".join(f"{m / s if s else 0:12.1f}" for m, s in total.values()))


if __name__ == "__main__":
    main()
