"""`flexgit check`: is the store whole? Refs, commits, trees, manifests; with
read_data every object re-hashed and every pack's checksums; leftovers from
crashes (temp files, orphan packs, stale locks) found and, with repair,
removed when that is safe."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import fsutil
from flexgit.errors import FlexgitError
from flexgit.snapshot.manifest import MANIFEST_PATH, Manifest
from flexgit.store import Store
from flexgit.verify import Problem, verify_snapshot


@dataclass
class CheckReport:
    repo: str
    problems: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    commits: int = 0
    objects: int = 0
    in_use: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"repo": self.repo, "ok": self.ok, "commits": self.commits,
                "objects": self.objects, "problems": [p.as_json() for p in self.problems],
                "repaired": self.repaired, "in_use": self.in_use}


def _leftovers(repo: Path) -> list[Path]:
    out: list[Path] = []
    for d in (repo, repo / "objects" / "pack", repo / "refs" / "heads", repo / "refs" / "tags"):
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            if p.name.startswith((fsutil.TEMP_PREFIX, "tmp_pack_", "tmp_idx_")) or \
                    (p.suffix == ".pack" and not p.with_suffix(".idx").exists()) or \
                    (p.name.endswith(".lock") and p.name != "flexgit.lock") or \
                    ".stale-" in p.name:
                out.append(p)
    return out


def check(path: Path, *, read_data: bool = False, repair: bool = False,
          export_dir: Path | None = None) -> CheckReport:
    """`export_dir`: where exports are written; a killed export's temp file
    there is a leftover too (a live export's is flock'ed and not touched)."""
    report = CheckReport(str(path))
    lock = path / "flexgit.lock"
    holder = fsutil.read_lock(lock) if lock.exists() else None
    if lock.exists():
        if fsutil.is_stale(holder):
            if repair:
                fsutil.remove_quietly(lock)
                report.repaired.append(f"removed stale lock of {holder.describe()}")  # type: ignore[union-attr]
            else:
                report.problems.append(Problem("flexgit.lock", "stale lock of "
                                               f"{holder.describe()}; --repair removes it"))  # type: ignore[union-attr]
        else:
            report.in_use = holder.describe() if holder else "an unknown process"
    for p in _leftovers(path):
        rel = str(p.relative_to(path))
        if repair and report.in_use is None:
            fsutil.remove_quietly(p)
            report.repaired.append(f"removed leftover {rel}")
        else:
            report.problems.append(Problem(rel, "leftover of an interrupted write"
                                           + ("" if report.in_use else "; --repair removes it")))
    for p in fsutil.stale_temps(export_dir) if export_dir is not None else []:
        if repair:
            fsutil.remove_quietly(p)
            report.repaired.append(f"removed leftover of a killed export {p}")
        else:
            report.problems.append(Problem(str(p), "leftover of a killed export; "
                                                   "--repair removes it"))
    with Store.open(path) as store:
        _check_history(store, report, read_data)
        if read_data:
            for name, problem in store.check_packs():
                report.problems.append(Problem(name, problem))
            for sha in store.object_ids():
                report.objects += 1
                bad = store.verify_object(sha)
                if bad:
                    report.problems.append(Problem(f"object {sha}", bad))
    return report


def _check_history(store: Store, report: CheckReport, read_data: bool) -> None:
    seen: set[str] = set()
    for ref, sha in sorted(store.all_refs().items()):
        todo: str | None = sha
        while todo and todo not in seen:
            seen.add(todo)
            try:
                info = store.commit_info(todo)
                tree = store.read_tree(todo)
            except FlexgitError as e:
                report.problems.append(Problem(f"{ref} @ {todo[:12]}", e.message))
                break
            except Exception as e:  # damaged objects surface as many dulwich errors
                report.problems.append(Problem(f"{ref} @ {todo[:12]}",
                                               f"unreadable: {type(e).__name__}"))
                break
            report.commits += 1
            for p, entry in tree.items():
                if not store.has_object(entry.sha):
                    report.problems.append(Problem(f"{todo[:12]}:{p}",
                                                   f"object {entry.sha} is missing"))
            if MANIFEST_PATH in tree:
                if read_data:
                    for prob in verify_snapshot(store, todo).problems:
                        report.problems.append(Problem(f"{todo[:12]}:{prob.path}", prob.problem))
                else:
                    try:
                        Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha),
                                            f"{todo[:12]}:{MANIFEST_PATH}")
                    except FlexgitError as e:
                        report.problems.append(Problem(f"{todo[:12]}:{MANIFEST_PATH}",
                                                       e.message))
            todo = info.parent

