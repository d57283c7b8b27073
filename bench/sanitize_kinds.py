"""Sanitizer throughput per file kind, one core, on the benchmark's text.

    python bench/sanitize_kinds.py [--files 2000] [--mb 20] [--runs 5] [--code DIR]

Builds the large sample topped up with bench-generated files (the same tree
as tests/sanitize/bench_sanitize.py), then sanitizes every text file --runs
times and prints, per kind, the median run's MB/s (CPU time of the process).
--code DIR runs the sanitizer of another checkout (e.g. a `git worktree` of
an older commit) on the same tree, so before/after are measured side by side
in one invocation. Each side is one long-lived process that first sanitizes
every file once (lazy imports, the prefilter's database) and then measures
one run each time it is asked; the sides' runs alternate, so a busy moment
of a shared machine falls on both alike.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import statistics
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


def load(tree: Path) -> dict[str, list[tuple[str, bytes]]]:
    """kind -> (tree path, bytes) of every text file, with the sanitizer
    importable now."""
    from flexgit.sanitize import is_binary

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
    return files


def measure(files: dict[str, list[tuple[str, bytes]]]) -> dict[str, tuple[float, float]]:
    """kind -> (MB, CPU seconds) of one run over every file."""
    from flexgit.sanitize import sanitize

    out = {}
    for kind, items in sorted(files.items()):
        t = time.process_time()
        for path, data in items:
            sanitize(path, data)
        out[kind] = (sum(len(d) for _, d in items) / 1e6, time.process_time() - t)
    return out


def serve(tree: Path) -> None:
    """The child: warm up, then one run per line read from stdin."""
    from flexgit.sanitize import sanitize

    files = load(tree)
    for items in files.values():
        for path, data in items:
            sanitize(path, data)
    print("ready", flush=True)
    for _ in sys.stdin:
        for kind, (mb, s) in measure(files).items():
            print(f"{kind}\t{mb:.3f}\t{s:.4f}")
        print("done", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--code", type=Path, help="another checkout to measure on the same tree")
    ap.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # the child's input
    args = ap.parse_args()
    if args.tree is not None:
        serve(args.tree)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp)
        sys.path.insert(0, str(ROOT))
        from tests.sanitize.golden_inputs import build_tree

        build_tree(tree / "home", tree / "system", extra_files=args.files, extra_mb=args.mb)
        sides = {label: code for label, code in (("this", ROOT), ("other", args.code))
                 if code is not None}
        children = {}
        for label, code in sides.items():
            # Each in its own process, importing its own flexgit.
            children[label] = subprocess.Popen(
                [sys.executable, __file__, "--tree", str(tree)], text=True,
                env={**os.environ, "PYTHONPATH": str(code)}, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE)
        for child in children.values():
            assert child.stdout is not None and child.stdout.readline() == "ready\n"
        runs: dict[str, dict[str, list[tuple[float, float]]]] = {
            label: defaultdict(list) for label in sides}
        for _ in range(args.runs):
            for label, child in children.items():
                assert child.stdin is not None and child.stdout is not None
                child.stdin.write("go\n")
                child.stdin.flush()
                while (line := child.stdout.readline()) != "done\n":
                    kind, mb, s = line.split("\t")
                    runs[label][kind].append((float(mb), float(s)))
        for child in children.values():
            assert child.stdin is not None
            child.stdin.close()
            child.wait()
        report(runs)


def report(runs: dict[str, dict[str, list[tuple[float, float]]]]) -> None:
    """Per kind and in all, the median run's MB/s of each side."""
    print(f"{'kind':<10} {'MB':>7} " + " ".join(f"{name + ' MB/s':>12}" for name in runs))
    kinds = sorted(runs["this"])
    for kind in [*kinds, "all"]:
        cells = []
        mb = 0.0
        for per_kind in runs.values():
            if kind == "all":  # the run's total time over every kind
                n = len(next(iter(per_kind.values())))
                mb = sum(per_kind[k][0][0] for k in per_kind)
                times = [sum(per_kind[k][i][1] for k in per_kind) for i in range(n)]
            else:
                mb = per_kind[kind][0][0] if kind in per_kind else 0.0
                times = [s for _, s in per_kind.get(kind, [])]
            s = statistics.median(times) if times else 0.0
            cells.append(f"{mb / s if s else 0:12.1f}")
        print(f"{kind:<10} {mb:7.2f} " + " ".join(cells))


if __name__ == "__main__":
    main()
