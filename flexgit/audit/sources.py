"""What the audit reads: every file, file name, symlink target and message of
a snapshot or commit, of a whole store (reachable or not), or of a backup file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flexgit.audit import scan
from flexgit.audit.findings import (
    BINARY,
    LINE,
    MESSAGE,
    NAME,
    TARGET,
    Finding,
    fingerprint,
    ordered,
)
from flexgit.audit.repeats import Repeats
from flexgit.errors import BadInput, UsageError
from flexgit.formats.limits import Limits
from flexgit.formats.reader import FileEntry, Reader
from flexgit.store import LINK, Store, object_kind, open_plain

_FILE_MODES = (0o100644, 0o100755)


class Auditor:
    """Collects findings; each kind of input has one method."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.repeats = Repeats()

    def _add(self, where: str, kind: str, hits: list[scan.Hit], *, obj: str | None = None,
             shown: str | None = None) -> None:
        for h in hits:
            self.findings.append(Finding(shown or where, kind, h.line if kind == LINE else 0,
                                         h.rule, fingerprint(h.rule, where, h.value), obj))
            if kind in (LINE, MESSAGE):
                self.repeats.learn(h.rule, h.value)

    def content(self, path: str, data: bytes, *, obj: str | None = None) -> None:
        s = scan.scan_content(data, path)
        self._add(path, BINARY if s.binary else LINE, s.hits, obj=obj)
        if s.text is not None:
            self.repeats.text(path, obj, s.text)

    def name(self, path: str) -> None:
        hits = scan.scan_text(path.replace("/", "\n"), "")
        self._add(path, NAME, hits, shown=_masked(path, hits) if hits else None)

    def target(self, path: str, data: bytes) -> None:
        text = data.decode("utf-8", "surrogateescape")
        # A target is a URL or a path: read whole, and one component a line as names are.
        hits = {(h.rule, h.value): h for h in
                scan.scan_text(text) + scan.scan_text(text.replace("/", "\n"))}
        self._add(path, TARGET, list(hits.values()))

    def message(self, where: str, text: str) -> None:
        self._add(where, MESSAGE, scan.scan_text(text))

    def entry(self, path: str, mode: int, data: bytes, *, obj: str | None = None) -> None:
        """A tree entry: its name, and its content or link target."""
        self.name(path)
        if mode == LINK:
            self.target(path, data)
        elif mode in _FILE_MODES:
            self.content(path, data, obj=obj)

    def field(self, key: str, value: Any) -> None:
        """A top-level value of a backup file (settings, templates, manifest)."""
        data = json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8", "surrogatepass")
        self.content(key, data)

    def result(self) -> list[Finding]:
        """The findings, with the values found repeated where no detector saw them."""
        flagged = {(f.where, f.object, f.line) for f in self.findings if f.kind == LINE}
        for r in self.repeats.find():
            if (r.where, r.obj, r.line) not in flagged:
                flagged.add((r.where, r.obj, r.line))
                self.findings.append(Finding(r.where, LINE, r.line, r.rule,
                                             fingerprint(r.rule, r.where, r.value), r.obj))
        return ordered(self.findings)


def _masked(path: str, hits: list[scan.Hit]) -> str:
    for h in hits:
        path = path.replace(h.value, "…")
    return path


def audit_commit(store: Store, sha: str, *, seen: set[tuple[str, str]] | None = None,
                 auditor: Auditor | None = None) -> list[Finding]:
    """Every entry and the message of commit `sha`, which need not be a flexgit
    snapshot nor in any history the store knows (a pushed commit, in a
    server's hook). With `seen`, a (path, blob) already audited in this run is
    not read again."""
    a = auditor or Auditor()
    info = store.commit_info(sha)
    a.message(f"commit {sha[:12]}", info.message)
    for path, entry in sorted(store.read_tree(info.tree, is_tree=True).items()):
        if entry.mode not in (LINK, *_FILE_MODES):
            continue  # gitlinks point into other repositories
        if seen is not None:
            if (path, entry.sha) in seen:
                continue
            seen.add((path, entry.sha))
        a.entry(path, entry.mode, store.read_blob(entry.sha))
    return a.result()


def audit_snapshot(store: Store, rev: str) -> list[Finding]:
    """Every file, name, link target and the message of a snapshot."""
    return audit_commit(store, store.resolve(rev))


def audit_store(store: Store) -> list[Finding]:
    """Every object in the store, reachable or not: blobs (named by their first
    path in a snapshot or tag), tree entry names, commit and tag messages, and
    every ref name."""
    a = Auditor()
    paths: dict[str, tuple[str, int]] = {}
    seen: set[str] = set()
    for start in [s for s in (store.head(), *store.tags().values()) if s]:
        for info in store.history(start):
            if info.id in seen:
                break
            seen.add(info.id)
            for path, entry in store.read_tree(info.tree, is_tree=True).items():
                paths.setdefault(entry.sha, (path, entry.mode))
    for ref in store.all_refs():
        a.message(f"ref {ref}", ref)
    for sha, kind, data in store.iter_objects():
        if kind == "blob":
            path, mode = paths.get(sha, ("", 0o100644))
            if mode == LINK:
                a.target(path, data)
            else:
                a.content(path, data, obj=sha)
        elif kind == "tree":
            for name in _tree_names(data):
                a.name(name)
        elif kind in ("commit", "tag"):
            head, _, body = data.partition(b"\n\n")
            text = body.decode("utf-8", "replace")
            if kind == "tag":
                text = "\n".join(h[4:] for h in head.decode("utf-8", "replace").split("\n")
                                 if h.startswith("tag ")) + "\n" + text
            a.message(f"{kind} {sha[:12]}", text)
    return a.result()


def _tree_names(raw: bytes) -> list[str]:
    """The entry names of a raw git tree object ("<mode> <name>\\0<20-byte id>"...)."""
    out, i = [], 0
    while i < len(raw):
        space = raw.index(b" ", i)
        nul = raw.index(b"\0", space)
        out.append(raw[space + 1:nul].decode("utf-8", "surrogateescape"))
        i = nul + 21
    return out


def audit_file(path: Path, *, limits: Limits | None = None,
               name: str | None = None) -> list[Finding]:
    """Every entry (content, name, link target) of a backup file, and every
    top-level value: settings, templates, the flexgit manifest."""
    reader = Reader(path, limits=limits, name=name)
    a = Auditor()

    def entry(e: FileEntry) -> None:
        a.entry(e.tree_path, LINK if e.kind == "symlink" else 0o100644, e.data)

    def problem(label: str, text: str) -> None:
        raise BadInput(f"{reader.name}: {label}: {text}; run `flexgit verify` on it")

    header = reader.read(entry, problem)
    for key, value in header.fields.items():
        if key != "files":
            a.field(key, value)
    return a.result()


def resolve_plain(store: Store, rev: str) -> str:
    """A commit id from a full id or a ref name (main, refs/heads/…, a tag) of
    a plain repository, where flexgit's `latest~N` names mean nothing."""
    refs = store.all_refs()
    for name in (rev, f"refs/heads/{rev}", f"refs/tags/{rev}"):
        if name in refs:
            return refs[name]
    low = rev.lower()
    if len(low) == 40 and all(c in "0123456789abcdef" for c in low) and \
            object_kind(store, low) == "commit":
        return low
    raise UsageError(f"{rev!r} is no commit id or ref of {store.path}; give a full 40-digit "
                     f"commit id or a ref name")


def audit_plain(repo: Path, rev: str) -> tuple[list[Finding], str]:
    """audit_commit on any bare repository (not a flexgit store); (findings, id)."""
    store = open_plain(repo)
    try:
        sha = resolve_plain(store, rev)
        return audit_commit(store, sha), sha
    finally:
        store.close()
