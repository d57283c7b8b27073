"""Checking a backup file or a snapshot against its own checksums and structure,
listing every problem rather than stopping at the first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit.errors import CryptoError, FlexgitError
from flexgit.formats import legacy
from flexgit.formats.limits import Limits
from flexgit.formats.reader import FileEntry, Invalid, Reader, Unreadable
from flexgit.snapshot.manifest import MANIFEST_PATH, REPORT_PATH, Manifest, parse_report
from flexgit.store import EXEC, LINK, Store, blob_id


@dataclass(frozen=True)
class Problem:
    path: str
    problem: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "problem": self.problem}


@dataclass
class Report:
    target: str  # the file name or the snapshot id
    kind: str  # "file" or "snapshot"
    checked: int = 0  # entries or blobs checked
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [p.as_json() for p in self.problems]}


def verify_file(path: Path, *, limits: Limits | None = None, name: str | None = None) -> Report:
    """Structure, sizes, hashes, gzip integrity and file_count of a backup file."""
    reader = Reader(path, limits=limits, name=name)
    report = Report(reader.name, "file")

    def entry(_e: FileEntry) -> None:
        report.checked += 1

    def problem(label: str, text: str) -> None:
        report.problems.append(Problem(label, text))

    try:
        header = reader.read(entry, problem)
    except Unreadable:
        raise  # not a damaged backup file but a wrong argument: exit 1
    except Invalid as e:
        report.problems.append(Problem(e.file, e.problem))
        return report
    except CryptoError as e:
        if not e.damaged:
            raise  # no key here: nothing was checked, exit 1
        report.problems.append(Problem(reader.name, e.message.removeprefix(f"{reader.name}: ")))
        return report
    if header.file_count is not None and header.file_count != header.entries:
        problem("file_count", f"says {header.file_count} but the file holds "
                              f"{header.entries} entries")
    elif header.file_count is None:
        problem("file_count", "missing")
    try:
        legacy.manifest_head(header, reader.name, reader.empty_dir_problem)
    except FlexgitError as e:
        problem("flexgit", e.message.removeprefix(f"{reader.name}: "))
    return report


def verify_snapshot(store: Store, rev: str) -> Report:
    """Re-hash every blob of a snapshot; check its manifest lists exactly its files."""
    sha = store.resolve(rev)
    report = Report(sha, "snapshot")
    tree = store.read_tree(sha)
    for path, entry in sorted(tree.items()):
        try:
            data = store.read_blob(entry.sha)
        except Exception as e:  # any damage to the object is a finding, not a crash
            report.problems.append(Problem(path, f"cannot read object {entry.sha}: "
                                                 f"{type(e).__name__}: {e}"))
            continue
        report.checked += 1
        if blob_id(data) != entry.sha:
            report.problems.append(Problem(path, f"content does not match its object id "
                                                 f"{entry.sha}"))
    files = {p: e for p, e in tree.items() if not p.startswith(".flexgit/")}
    if MANIFEST_PATH not in tree:
        report.problems.append(Problem(MANIFEST_PATH, "missing"))
        return report
    try:
        m = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha), MANIFEST_PATH)
    except FlexgitError as e:
        report.problems.append(Problem(MANIFEST_PATH, e.message))
        return report
    for p in sorted(set(files) - set(m.files)):
        report.problems.append(Problem(p, "in the snapshot but not in the manifest"))
    for p in sorted(set(m.files) - set(files)):
        report.problems.append(Problem(p, "in the manifest but not in the snapshot"))
    for p in sorted(set(files) & set(m.files)):
        mode, meta = files[p].mode, m.files[p]
        if mode != LINK and (mode == EXEC) != bool(meta.mode & 0o100):
            report.problems.append(Problem(p, f"git mode {mode:o} disagrees with the "
                                              f"manifest's {meta.mode:04o}"))
    for p in sorted(m.empty_dirs):
        if p in files or any(f.startswith(p + "/") for f in files):
            report.problems.append(Problem(p, "listed as an empty directory but holds files"))
    if REPORT_PATH in tree:
        try:
            raw = store.read_blob(tree[REPORT_PATH].sha)
            counts = parse_report(raw, REPORT_PATH)
            if "rules_digest" not in json.loads(raw):
                raise KeyError("rules_digest")
        except (FlexgitError, KeyError, TypeError, ValueError) as e:
            report.problems.append(Problem(REPORT_PATH, f"damaged: {e}"))
        else:
            for p in sorted(set(counts) - set(files)):
                report.problems.append(Problem(p, "in the sanitize report but not in "
                                                  "the snapshot"))
    return report
