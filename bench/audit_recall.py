"""Audit recall and false positives on the red-team corpus.

    python bench/audit_recall.py [SEED ...] [--misses FILE] [--outside DIR ...]

For each SEED (default 101 202 303) builds the red-team installation of
tests/sanitize/redteam and takes two snapshots of it:

* `--include-data` (nothing sanitized, the private store): recall, how many
  planted locations (file and line) the audit flags, with the misses by class;
* the ordinary sanitized snapshot: every finding is either a leak (a planted
  value the sanitizer left on that line: a true positive, listed) or a false
  positive (the sanitizer redacted; the audit should have been quiet).

--outside DIR measures the same on an installation the outside red team's
generator laid out (`build.py build SEED DIR`: DIR/home/pbxuser, DIR/root and
DIR/plan.json, which names each plant's file and value but not its line): a
plant counts as found when the audit flags a line of its file that holds the
value in one of the generator's forms (plain, base64, URL-encoded). DIR is
copied first, so the snapshots leave it as it was.

Prints the seconds the audit took on each tree. --misses FILE writes the
missed plants and the false positives with their lines, values included, for a
developer's eyes only (the corpus' values are random, not real secrets).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flexgit import audit, content  # noqa: E402
from flexgit.app import private_repo_of  # noqa: E402
from flexgit.audit.findings import LINE, NAME  # noqa: E402
from flexgit.profile import Profile  # noqa: E402
from flexgit.store import Store  # noqa: E402
from tests.sanitize.redteam.generator import build  # noqa: E402

SEEDS = (101, 202, 303, 404, 505)


@dataclass
class Result:
    name: str
    found: int = 0
    total: int = 0
    planted: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    leaks: list[audit.Finding] = field(default_factory=list)
    false: list[audit.Finding] = field(default_factory=list)
    private_s: float = 0.0
    shared_s: float = 0.0
    files: int = 0


def _snapshot(home: Path, root: Path, repo: Path, *extra: str) -> None:
    subprocess.run([sys.executable, "-m", "flexgit", "--home", str(home), "--root", str(root),
                    "--repo", str(repo), "snapshot", "-t", "flxx", *extra],
                   check=False, capture_output=True)


def _text(data: bytes) -> list[str]:
    """A file's lines as the audit reads them (content.decode: UTF-16, Latin-1)."""
    text = content.decode(data)
    return (text.text if text else data.decode("utf-8", "surrogateescape")).split("\n")


def _audit(repo: Path) -> tuple[list[audit.Finding], dict[str, list[str]], float]:
    """(findings, path -> lines, seconds the audit took) of the latest snapshot."""
    with Store.open(repo) as store:
        sha = store.resolve("latest")
        tree = store.read_tree(sha)
        start = time.perf_counter()
        findings = audit.audit_snapshot(store, sha)
        seconds = time.perf_counter() - start
        texts = {p: _text(store.read_blob(e.sha)) for p, e in tree.items()}
    return findings, texts, seconds


def _line(texts: dict[str, list[str]], path: str, n: int) -> str:
    lines = texts.get(path, [])
    return lines[n - 1] if 0 < n <= len(lines) else ""


class _Flagged:
    """Where the findings of one audit are: (path, line), and the paths that a
    name, link-target or binary finding flags as a whole (a name finding's
    path is shown masked, `…` in place of the value)."""

    def __init__(self, findings: list[audit.Finding]) -> None:
        self.lines = {(f.where, f.line) for f in findings if f.kind == LINE}
        self.whole = {f.where for f in findings if f.kind not in (LINE, NAME)}
        self.names = [re.compile(".+".join(re.escape(p) for p in f.where.split("…")))
                      for f in findings if f.kind == NAME]

    def file(self, path: str) -> bool:
        return path in self.whole or any(rx.fullmatch(path) for rx in self.names)


def _measure(r: Result, plants: list[tuple[str, str, str, set[int]]],
             flagged: _Flagged, texts: dict[str, list[str]], log: list[str]) -> None:
    """Recall over (class, label, file, lines holding the value) plants."""
    for cls, label, file, lines in plants:
        r.total += 1
        r.planted[cls] += 1
        if flagged.file(file) or any((file, n) in flagged.lines for n in lines):
            r.found += 1
            continue
        r.missed[cls] += 1
        shown = "\n    ".join(_line(texts, file, n)[:300] for n in sorted(lines)[:2])
        log.append(f"{r.name} MISS {label} {file}:{','.join(map(str, sorted(lines)))}\n"
                   f"    {shown}")


def _false_positives(r: Result, shared: list[audit.Finding], texts: dict[str, list[str]],
                     leaked: list[str], log: list[str]) -> None:
    """A finding on the sanitized store is a leak (a planted value the
    sanitizer left there, in its file or copied elsewhere, e.g. into the
    manifest's defaults) or a false positive."""
    for f in shared:
        line = _line(texts, f.where, f.line)
        if f.kind != LINE or _holds(line, leaked):
            r.leaks.append(f)
            log.append(f"{r.name} LEAK {f.describe()}")
        else:
            r.false.append(f)
            log.append(f"{r.name} FALSE {f.where}:{f.line} {f.rule}\n    {line[:300]}")


def measure(seed: int, log: list[str]) -> Result:
    """Recall and false positives on our generator's installation of `seed`."""
    tmp = Path(tempfile.mkdtemp(prefix=f"audit-recall-{seed}-"))
    home, root = tmp / "home", tmp / "root"
    home.mkdir()
    root.mkdir()
    corpus = build(home, root, seed)
    _snapshot(home, root, tmp / "unused.git", "--include-data", "--include-voicemail")
    findings, texts, private_s = _audit(private_repo_of(home, Profile()))
    r = Result(f"seed {seed}", private_s=private_s, files=len(texts))
    # Messages, and user data even the private store leaves out, are not files.
    plants = [(p.cls, f"{p.cls}/{p.idiom} value={p.value!r}", p.file, {p.line})
              for p in corpus.plants if p.file in texts]
    _measure(r, plants, _Flagged(findings), texts, log)
    _snapshot(home, root, tmp / "shared.git")
    shared, stexts, r.shared_s = _audit(tmp / "shared.git")
    leaked = [f for p in corpus.plants for f in (p.value, *p.fragments) if len(f) >= 4]
    _false_positives(r, shared, stexts, leaked, log)
    shutil.rmtree(tmp, ignore_errors=True)
    return r


def _forms(value: str) -> list[str]:
    """The forms the outside generator looks for a value in (its `forms`),
    and JSON's \\u escapes of every character."""
    out = {value, base64.b64encode(value.encode()).decode(), urllib.parse.quote(value, safe=""),
           urllib.parse.quote_plus(value), "".join(f"\\u{ord(c):04x}" for c in value)}
    return [x for x in out if len(x) >= 4]


_B64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def _holds(line: str, forms: list[str]) -> bool:
    """Whether a line holds a value in one of its forms, or inside a base64
    literal (the generator's base64 of a JSON object holding it)."""
    if any(x in line for x in forms):
        return True
    for m in _B64.finditer(line):
        try:
            text = base64.b64decode(m.group() + "=" * (-len(m.group()) % 4)).decode("utf-8")
        except ValueError:
            continue
        if any(x in text for x in forms):
            return True
    return False


def _store_path(file: str) -> str:
    return "system/" + file[len("root/"):] if file.startswith("root/") else file


def measure_outside(built: Path, log: list[str]) -> Result:
    """Recall and false positives on an installation of the outside red team's
    generator (built.py build SEED DIR)."""
    plan = json.loads((built / "plan.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="audit-recall-outside-"))
    shutil.copytree(built, tmp / "in", symlinks=True)
    home, root = tmp / "in" / "home" / "pbxuser", tmp / "in" / "root"
    _snapshot(home, root, tmp / "unused.git", "--include-data", "--include-voicemail")
    findings, texts, private_s = _audit(private_repo_of(home, Profile()))
    r = Result(f"outside {built.name}", private_s=private_s, files=len(texts))
    plants = []
    for p in plan["plants"]:
        file = _store_path(p["file"])
        if file not in texts:
            continue
        forms = _forms(p["value"])
        lines = {n for n, line in enumerate(texts[file], 1) if _holds(line, forms)}
        plants.append((p["class"], f"{p['class']}/{p['idiom']} value={p['value']!r}", file,
                       lines))
    _measure(r, plants, _Flagged(findings), texts, log)
    _snapshot(home, root, tmp / "shared.git")
    shared, stexts, r.shared_s = _audit(tmp / "shared.git")
    leaked = [f for p in plan["plants"] for f in _forms(p["value"])]
    _false_positives(r, shared, stexts, leaked, log)
    shutil.rmtree(tmp, ignore_errors=True)
    return r


def report(r: Result) -> str:
    return (f"{r.name}: recall {r.found}/{r.total} planted locations "
            f"({100 * r.found / max(r.total, 1):.1f}%); missed by class: "
            + (", ".join(f"{c} {n}" for c, n in r.missed.most_common()) or "none")
            + f"\n{r.name}: by class: " + ", ".join(
                f"{c} {n - r.missed[c]}/{n}" for c, n in sorted(r.planted.items()))
            + f"\n{r.name}: sanitized store: {len(r.false)} false positive(s), "
            f"{len(r.leaks)} finding(s) on sanitizer leaks"
            + "".join(f"\n    leak: {f.describe()}" for f in r.leaks)
            + f"\n{r.name}: audit of {r.files} files took {r.private_s:.2f} s "
            f"(private), {r.shared_s:.2f} s (sanitized)")


def main() -> None:
    args = sys.argv[1:]
    out_file = None
    if "--misses" in args:
        i = args.index("--misses")
        out_file = Path(args[i + 1])
        del args[i:i + 2]
    outside: list[Path] = []
    if "--outside" in args:
        i = args.index("--outside")
        outside = [Path(a) for a in args[i + 1:]]
        del args[i:]
    seeds = [int(a) for a in args] or ([] if outside else list(SEEDS))
    log: list[str] = []
    for seed in seeds:
        print(report(measure(seed, log)), flush=True)
    for built in outside:
        print(report(measure_outside(built, log)), flush=True)
    if out_file is not None:
        out_file.write_text("\n".join(log) + "\n", encoding="utf-8", errors="backslashreplace")


if __name__ == "__main__":
    main()
