"""Run attacks: `python3 run.py [MODULE[:NAME] ...]`; prints SAFE/BROKEN lines
and appends them to results.txt next to this script."""
from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import lib

MODULES = ["attacks_priv", "attacks_creds", "attacks_bounds", "attacks_fail", "attacks_guard"]


def main(argv: list[str]) -> int:
    wanted = argv or MODULES
    for w in wanted:
        mod, _, name = w.partition(":")
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError:
            continue
        for n, fn in m.ATTACKS.items():
            if name and not n.startswith(name):
                continue
            try:
                fn()
            except Exception as e:  # the harness's own failure, not a verdict
                print(f"ERROR {n}: {type(e).__name__}: {e}")
                traceback.print_exc()
    with open(Path(__file__).parent / "results.txt", "a") as f:
        for r in lib.RESULTS:
            f.write(f"{r[1]} {r[0]}: {r[2]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
