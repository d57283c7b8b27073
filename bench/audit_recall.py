"""Audit recall on the red-team corpus snapshotted unsanitized (the private store).

    python bench/audit_recall.py [SEED]

Builds the red-team installation of tests/sanitize/redteam for SEED, takes a
`--include-data` snapshot (nothing sanitized), audits it, and prints how many
planted locations (file and line) the audit flagged, with the misses by class.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flexgit import audit  # noqa: E402
from flexgit.app import private_repo_of  # noqa: E402
from flexgit.profile import Profile  # noqa: E402
from flexgit.store import Store  # noqa: E402
from tests.sanitize.redteam.generator import build  # noqa: E402


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 101
    tmp = Path(tempfile.mkdtemp())
    home, root = tmp / "home", tmp / "root"
    home.mkdir()
    root.mkdir()
    corpus = build(home, root, seed)
    subprocess.run([sys.executable, "-m", "flexgit", "--home", str(home), "--root", str(root),
                    "--repo", str(tmp / "s.git"), "snapshot", "-t", "flxx", "--include-data",
                    "--include-voicemail"], check=True, capture_output=True)
    with Store.open(private_repo_of(home, Profile())) as store:
        sha = store.resolve("latest")
        tree = store.read_tree(sha)
        findings = audit.audit_snapshot(store, sha)
    lines = {(f.where, f.line) for f in findings}
    whole = {f.where for f in findings if f.line == 0}  # names and link targets
    total = found = 0
    missed: Counter[str] = Counter()
    for plant in corpus.plants:
        if plant.file not in tree:
            continue  # a message, or user data even the private store leaves out
        total += 1
        if (plant.file, plant.line) in lines or plant.file in whole:
            found += 1
        else:
            missed[plant.cls] += 1
    print(f"seed {seed}: the audit flagged {found} of {total} planted locations "
          f"({100 * found / max(total, 1):.1f}%)")
    print("missed by class:", ", ".join(f"{c} {n}" for c, n in missed.most_common()))


if __name__ == "__main__":
    main()
