"""Per class: planted, leaked, and where; must-keep lines changed; broken
files; user-data files stored. To drive the sanitizer's fixes:

    /tmp/venv/bin/python -m tests.sanitize.redteam.report --seeds 3

When a snapshot crashes, the report names the idioms that make it crash
(found by leaving idioms out) and measures the rest without them.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from tests.sanitize.redteam.generator import CLASSES, build
from tests.sanitize.redteam.harness import SEEDS, Outcome, error, flexgit, run


def seeds(n: int) -> list[int]:
    return [*SEEDS, *range(404, 404 + 101 * n, 101)][:n]


def crashes(seed: int, skip: tuple[str, ...]) -> str:
    """The snapshot's error output if it fails with these idioms left out, else ''."""
    with tempfile.TemporaryDirectory() as tmp:
        home, root = Path(tmp, "home", "flexpbx"), Path(tmp, "root")
        home.mkdir(parents=True)
        root.mkdir()
        corpus = build(home, root, seed, skip=skip)
        r = flexgit(corpus, Path(tmp, "store.git"), "snapshot", "-m", corpus.message)
        return "" if r.returncode in (0, 3) else (error(r) or f"exit {r.returncode}")


def isolate(seed: int, skip: tuple[str, ...]) -> tuple[str, ...]:
    """Idioms to leave out so the snapshot does not crash: whole classes first,
    then one idiom at a time put back while it still does not crash."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "h").mkdir()
        Path(tmp, "r").mkdir()
        c = build(Path(tmp, "h"), Path(tmp, "r"), seed)
    by_class: dict[str, list[str]] = defaultdict(list)
    for cls, idiom in dict.fromkeys([(p.cls, p.idiom) for p in c.plants]
                                    + [("userdata", u.idiom) for u in c.user_data]):
        by_class[cls].append(idiom)
    out: list[str] = []
    for cls in CLASSES:  # classes left out one more at a time until it runs
        out += by_class[cls]
        if not crashes(seed, (*skip, *out)):
            break
    else:
        return ()
    for idiom in list(out):
        trial = [i for i in out if i != idiom]
        if not crashes(seed, (*skip, *trial)):
            out = trial
    return tuple(out)


def all_idioms(seed: int) -> dict[str, set[str]]:
    """Class -> idiom ids of the whole corpus, the ones left out included."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "h").mkdir()
        Path(tmp, "r").mkdir()
        c = build(Path(tmp, "h"), Path(tmp, "r"), seed)
    out: dict[str, set[str]] = defaultdict(set)
    for p in c.plants:
        out[p.cls].add(p.idiom)
    for u in c.user_data:
        out["userdata"].add(u.idiom)
    return out


def measure(n: int) -> tuple[list[Outcome], list[str], tuple[str, ...]]:
    outcomes, notes = [], []
    skip: tuple[str, ...] = ()
    for seed in seeds(n):
        failure = crashes(seed, skip)
        if failure:
            found = isolate(seed, skip)
            notes.append(f"seed {seed}: snapshot crashed ({failure.splitlines()[-1]}); "
                         f"measured without {', '.join(found) or '(not isolated)'}")
            skip = (*skip, *found)
        with tempfile.TemporaryDirectory() as tmp:
            outcomes.append(run(seed, Path(tmp), skip=skip))
    return outcomes, notes, skip


def report(outcomes: list[Outcome], notes: list[str], skip: tuple[str, ...] = ()) -> str:
    lines = [f"red-team corpus, seeds {' '.join(str(o.corpus.seed) for o in outcomes)}"]
    lines += [f"  {n}" for n in notes]
    for o in outcomes:
        lines.append(f"  seed {o.corpus.seed}: {'; '.join(o.runs)}")
    idioms = all_idioms(outcomes[0].corpus.seed)
    planted: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    where: dict[tuple[str, str, str], tuple[set[int], set[str]]] = {}
    for o in outcomes:
        for p in o.corpus.plants:
            planted[p.cls] += 1
        seen = set()
        for leak in o.leaks:
            p = leak.plant
            if p not in seen:
                seen.add(p)
                leaked[p.cls] += 1
            s, places = where.setdefault((p.cls, p.idiom, p.file), (set(), set()))
            s.add(o.corpus.seed)
            places.add(leak.found_in.split(" home/")[0].split(" system/")[0])
    total = sum(len(v) for v in idioms.values())
    crashed = {cls: sum(i in skip for i in ids) for cls, ids in idioms.items()}
    lines += ["", f"{'class':<10} {'idioms':>6} {'planted':>8} {'leaked':>7} {'crash':>6}"
                  "   (planted, leaked: values over all seeds; crash: idioms left out)"]
    for cls in CLASSES:
        lines.append(f"{cls:<10} {len(idioms[cls]):>6} {planted[cls]:>8} {leaked[cls]:>7} "
                     f"{crashed.get(cls, 0):>6}")
    lines.append(f"{'total':<10} {total:>6} {sum(planted.values()):>8} {sum(leaked.values()):>7} "
                 f"{sum(crashed.values()):>6}")
    for cls in CLASSES:
        rows = sorted((k, v) for k, v in where.items() if k[0] == cls)
        if rows:
            lines += ["", f"leaked {cls} ({len(rows)} idiom/file pairs): idiom  file  [seeds]  in"]
            for (_, idiom, file), (s, places) in rows:
                lines.append(f"  {idiom}  {file}  [{' '.join(map(str, sorted(s)))}]  "
                             f"{', '.join(sorted(places))}")
    for title, attr in (("must-keep lines changed", "keeps_changed"),
                        ("broken files", "broken"), ("user-data files stored", "user_data")):
        found: dict[str, set[int]] = defaultdict(set)
        for o in outcomes:
            for item in getattr(o, attr):
                found[item].add(o.corpus.seed)
        kept = sum(len(o.corpus.keeps) for o in outcomes) if attr == "keeps_changed" else None
        lines += ["", f"{title}: {len(found)}" + (f" (of {kept} checked)" if kept else "")]
        lines += [f"  {item}  [{' '.join(map(str, sorted(s)))}]"
                  for item, s in sorted(found.items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="how many seeds (default 3)")
    args = parser.parse_args()
    outcomes, notes, skip = measure(args.seeds)
    print(report(outcomes, notes, skip))


if __name__ == "__main__":
    main()
