"""Last verdict per attack from results.txt, as a markdown table and lists.

Early runs counted the installation's own run log (logs/flexgit.log, which
every flexgit command appends to) as a change. lib.changed leaves it out now;
a verdict whose only problem was that file is read as SAFE here."""
from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
CLASSES = {"s": 1, "p": 1, "a": 1, "l": 1, "h": 1, "c": 2, "b": 3, "f": 4, "g": 5}
LOG_ONLY = "changed: ['home/rr3a/logs/flexgit.log'] "


def load() -> dict[str, tuple[str, str]]:
    last: dict[str, tuple[str, str]] = {}
    for line in (HERE / "results.txt").read_text().splitlines():
        m = re.match(r"(SAFE|BROKEN) (\w+)[^:]*: (.*)", line)
        if not m:
            continue
        v, name, ev = m.groups()
        if v == "BROKEN" and ev.startswith(LOG_ONLY):
            v, ev = "SAFE", ev[len(LOG_ONLY):]
        last[name] = (v, ev)
    return last


def main() -> int:
    last = load()
    per: dict[int, list[int]] = {}
    for name, (v, _) in last.items():
        c = CLASSES[name[0]]
        per.setdefault(c, [0, 0])
        per[c][0] += 1
        per[c][1] += v == "BROKEN"
    print("| class | attacks | broken |\n|---|---|---|")
    for c in sorted(per):
        print(f"| {c} | {per[c][0]} | {per[c][1]} |")
    print(f"| all | {sum(p[0] for p in per.values())} | {sum(p[1] for p in per.values())} |")
    for want in ("BROKEN", "SAFE"):
        print(f"\n### {want}\n")
        for name in sorted(last, key=lambda n: (CLASSES[n[0]], n)):
            v, ev = last[name]
            if v == want:
                print(f"* `{name}`: {ev[:220]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
