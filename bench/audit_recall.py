"""Audit recall and false positives on the red-team corpus.

    python bench/audit_recall.py [SEED ...] [--misses FILE]

For each SEED (default 101 202 303) builds the red-team installation of
tests/sanitize/redteam and takes two snapshots of it:

* `--include-data` (nothing sanitized, the private store): recall, how many
  planted locations (file and line) the audit flags, with the misses by class;
* the ordinary sanitized snapshot: every finding is either a leak (a planted
  value the sanitizer left on that line: a true positive, listed) or a false
  positive (the sanitizer redacted; the audit should have been quiet).

Prints the seconds the audit took on each tree. --misses FILE writes the
missed plants and the false positives with their lines, values included, for a
developer's eyes only (the corpus' values are random, not real secrets).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flexgit import audit  # noqa: E402
from flexgit.app import private_repo_of  # noqa: E402
from flexgit.profile import Profile  # noqa: E402
from flexgit.store import Store  # noqa: E402
from tests.sanitize.redteam.generator import build  # noqa: E402
from tests.sanitize.redteam.record import Corpus, Plant  # noqa: E402

SEEDS = (101, 202, 303)


def _snapshot(home: Path, root: Path, repo: Path, *extra: str) -> None:
    subprocess.run([sys.executable, "-m", "flexgit", "--home", str(home), "--root", str(root),
                    "--repo", str(repo), "snapshot", "-t", "flxx", *extra],
                   check=False, capture_output=True)


def _audit(repo: Path) -> tuple[list[audit.Finding], dict[str, list[str]], float]:
    """(findings, path -> lines, seconds the audit took) of the latest snapshot."""
    with Store.open(repo) as store:
        sha = store.resolve("latest")
        tree = store.read_tree(sha)
        start = time.perf_counter()
        findings = audit.audit_snapshot(store, sha)
        seconds = time.perf_counter() - start
        texts = {p: store.read_blob(e.sha).decode("utf-8", "surrogateescape").split("\n")
                 for p, e in tree.items()}
    return findings, texts, seconds


def _line(texts: dict[str, list[str]], path: str, n: int) -> str:
    lines = texts.get(path, [])
    return lines[n - 1] if 0 < n <= len(lines) else ""


def _leaked(p: Plant, line: str) -> bool:
    return p.value in line or any(f and f in line for f in p.fragments)


def measure(seed: int, log: list[str], skip: tuple[str, ...] = ()) -> dict[str, object]:
    """Recall and false positives on the corpus of `seed`; `skip`: idioms (or
    prefixes) left out of the corpus (tests/audit/test_recall.py AUDIT_OPEN)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"audit-recall-{seed}-"))
    home, root = tmp / "home", tmp / "root"
    home.mkdir()
    root.mkdir()
    corpus: Corpus = build(home, root, seed, skip=skip)
    _snapshot(home, root, tmp / "unused.git", "--include-data", "--include-voicemail")
    findings, texts, private_s = _audit(private_repo_of(home, Profile()))
    lines = {(f.where, f.line) for f in findings}
    whole = {f.where for f in findings if f.line == 0}  # names and link targets
    total = found = 0
    missed: Counter[str] = Counter()
    planted: Counter[str] = Counter()
    for p in corpus.plants:
        if p.file not in texts:
            continue  # a message, or user data even the private store leaves out
        total += 1
        planted[p.cls] += 1
        if (p.file, p.line) in lines or p.file in whole:
            found += 1
        else:
            missed[p.cls] += 1
            log.append(f"{seed} MISS {p.cls}/{p.idiom} {p.file}:{p.line} value={p.value!r}\n"
                       f"    {_line(texts, p.file, p.line)[:300]}")
    _snapshot(home, root, tmp / "shared.git")
    shared, stexts, shared_s = _audit(tmp / "shared.git")
    plants_at: dict[tuple[str, int], list[Plant]] = {}
    for p in corpus.plants:
        plants_at.setdefault((p.file, p.line), []).append(p)
    leaks, false = [], []
    for f in shared:
        line = _line(stexts, f.where, f.line)
        if any(_leaked(p, line) for p in corpus.plants if p.file == f.where):
            leaks.append(f)
        else:
            false.append(f)
            log.append(f"{seed} FALSE {f.where}:{f.line} {f.rule}\n    {line[:300]}")
    for f in leaks:
        log.append(f"{seed} LEAK {f.describe()}")
    return {"seed": seed, "found": found, "total": total, "missed": missed, "planted": planted,
            "leaks": leaks, "false": false, "private_s": private_s, "shared_s": shared_s,
            "files": len(texts)}


def main() -> None:
    args = sys.argv[1:]
    out_file = None
    if "--misses" in args:
        i = args.index("--misses")
        out_file = Path(args[i + 1])
        del args[i:i + 2]
    seeds = [int(a) for a in args] or list(SEEDS)
    log: list[str] = []
    for seed in seeds:
        r = measure(seed, log)
        found, total = int(str(r["found"])), int(str(r["total"]))
        missed: Counter[str] = r["missed"]  # type: ignore[assignment]
        leaks: list[audit.Finding] = r["leaks"]  # type: ignore[assignment]
        print(f"seed {seed}: recall {found}/{total} planted locations "
              f"({100 * found / max(total, 1):.1f}%); missed by class: "
              + (", ".join(f"{c} {n}" for c, n in missed.most_common()) or "none"))
        print(f"seed {seed}: sanitized store: {len(r['false'])} false positive(s), "  # type: ignore[arg-type]
              f"{len(leaks)} finding(s) on sanitizer leaks"
              + "".join(f"\n    leak: {f.describe()}" for f in leaks))
        print(f"seed {seed}: audit of {r['files']} files took {r['private_s']:.2f} s "
              f"(private), {r['shared_s']:.2f} s (sanitized)")
    if out_file is not None:
        out_file.write_text("\n".join(log) + "\n", encoding="utf-8", errors="backslashreplace")


if __name__ == "__main__":
    main()
