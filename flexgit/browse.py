"""Reading one path of a snapshot, as restic's ls and dump and git's
`show REV:dir` and `log -- PATH` do: listings, raw bytes, the snapshots
in which a path changed. Paths are checked by flexgit/selection.py."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flexgit.errors import UsageError
from flexgit.selection import Selection, Tree
from flexgit.snapshot.manifest import MANIFEST_PATH, Manifest, Meta
from flexgit.store import EXEC, LINK, Files, Store

if TYPE_CHECKING:  # history loads the whole capture side; ls and dump need none of it
    from flexgit import history

_KIND_CHAR = {"file": "-", "link": "l", "dir": "d"}


@dataclass(frozen=True)
class Listed:
    """One entry of a listing, as the snapshot recorded it."""

    path: str
    kind: str  # file, link or dir
    mode: int | None  # permission bits; None for a directory whose mode no snapshot keeps
    size: int  # bytes of the file, or of a link's target; 0 for a directory
    owner: str
    group: str

    @property
    def permissions(self) -> str:
        """As `ls -l` prints them; a mode not recorded is `?`s, as ls shows what it cannot stat."""
        if self.mode is None:
            return _KIND_CHAR[self.kind] + "?" * 9
        return _KIND_CHAR[self.kind] + stat.filemode(self.mode)[1:]

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "type": self.kind,
                "mode": None if self.mode is None else f"{self.mode:04o}",
                "permissions": self.permissions, "size": self.size, "owner": self.owner,
                "group": self.group}

    def line(self, name: str | None = None) -> str:
        shown = name if name is not None else self.path
        return f"{self.permissions}  {self.size:>10}  {shown}{'/' if self.kind == 'dir' else ''}"


class View:
    """One snapshot's files (without .flexgit/) and their recorded metadata."""

    def __init__(self, store: Store, rev: str) -> None:
        self.store = store
        self.id = store.resolve(rev)
        full = store.read_tree(self.id)
        self.files: Files = {p: e for p, e in full.items() if not p.startswith(".flexgit/")}
        self.manifest: Manifest | None = None
        if MANIFEST_PATH in full:
            self.manifest = Manifest.from_bytes(store.read_blob(full[MANIFEST_PATH].sha),
                                                f"snapshot {self.id[:12]}:{MANIFEST_PATH}")
        empty = self.manifest.empty_dirs if self.manifest else {}
        self.tree = Tree([*self.files, *(f"{d}/.keep" for d in empty)])
        self.tree.files -= {f"{d}/.keep" for d in empty}
        self.where = f"snapshot {self.id[:12]}"

    def kind(self, path: str, typed: str) -> str:
        """"file" or "dir" for a path of this snapshot; UsageError (exit 2) otherwise."""
        return self.tree.require(path, typed, self.where)

    def entry(self, path: str) -> Listed:
        e = self.files.get(path)
        if e is None:  # a directory
            meta = self.manifest.empty_dirs.get(path) if self.manifest else None
            return Listed(path, "dir", meta.mode if meta else None, 0,
                          meta.owner if meta else "", meta.group if meta else "")
        recorded = self.manifest.files.get(path) if self.manifest else None
        meta = recorded or Meta(0o777 if e.mode == LINK else 0o755 if e.mode == EXEC else 0o644,
                                "", "", "")
        size = len(self.store.read_blob(e.sha))
        return Listed(path, "link" if e.mode == LINK else "file", meta.mode, size, meta.owner,
                      meta.group)

    def below(self, path: str) -> list[str]:
        """Every file and directory under directory `path` ("" for all), sorted."""
        prefix = path + "/" if path else ""
        return sorted(p for p in self.tree.files | self.tree.dirs
                      if p and p.startswith(prefix))

    def children(self, path: str) -> list[str]:
        prefix = path + "/" if path else ""
        return [p for p in self.below(path) if "/" not in p[len(prefix):]]


def ls(store: Store, rev: str, path: str = "", typed: str | None = None
       ) -> tuple[str, list[Listed]]:
    """(snapshot id, the entries at and below `path`), like `restic ls`."""
    view = View(store, rev)
    if not path:
        return view.id, [view.entry(p) for p in view.below("")]
    kind = view.kind(path, typed or path)
    found = [path] + (view.below(path) if kind == "dir" else [])
    return view.id, [view.entry(p) for p in found]


def directory(view: View, path: str) -> list[Listed]:
    """The entries directly in directory `path` (show REV DIR)."""
    return [view.entry(p) for p in view.children(path)]


def dump(store: Store, rev: str, path: str, typed: str | None = None) -> tuple[str, Listed, bytes]:
    """The bytes of one file as the snapshot holds them (sanitized,
    placeholders and all); a link gives its target."""
    view = View(store, rev)
    if not path or view.kind(path, typed or path) == "dir":
        raise UsageError(f"{typed or path or '/'} is a directory in {view.where}; "
                         f"`flexgit ls {rev} {typed or path}` lists it")
    return view.id, view.entry(path), store.read_blob(view.files[path].sha)


@dataclass(frozen=True)
class PathChange:
    entry: history.LogEntry
    added: int
    modified: int
    deleted: int

    def as_json(self) -> dict[str, Any]:
        return {**self.entry.as_json(), "added": self.added, "modified": self.modified,
                "deleted": self.deleted}


def changed_in(store: Store, sel: Selection, limit: int | None = None) -> list[PathChange]:
    """The snapshots, newest first, in which a file of `sel` was added,
    changed (content, mode or type) or deleted against the snapshot before.
    Each PATH must be in one snapshot of the history at least (exit 2)."""
    from flexgit import history

    entries = history.log(store)
    if not entries:
        raise UsageError("no snapshots yet; run `flexgit snapshot`")
    missing = dict(zip(sel.paths, sel.given or sel.paths, strict=True))
    out: list[PathChange] = []
    newer: tuple[history.LogEntry, Files] | None = None
    # Newest to oldest, one pair of trees at a time: each snapshot against the one before.
    for e in [*entries, None]:
        part: Files = {}
        if e is not None:
            part = {p: x for p, x in store.read_tree(e.id).items()
                    if not p.startswith(".flexgit/") and sel.wants(p)}
            for path in [m for m in missing if _holds(part, m)]:
                del missing[path]
        if newer is not None:
            change = _compare(newer[0], newer[1], part)
            if change is not None and (limit is None or len(out) < limit):
                out.append(change)
        if e is None or (limit is not None and len(out) >= limit and not missing):
            break
        newer = (e, part)
    for path, typed in missing.items():
        latest = Tree(p for p in store.read_tree(entries[0].id) if not p.startswith(".flexgit/"))
        raise UsageError(f"{typed} is in no snapshot of the history{latest.suggest(path)}")
    return out


def _holds(part: Files, path: str) -> bool:
    return not path or path in part or any(p.startswith(path + "/") for p in part)


def _compare(entry: history.LogEntry, new: Files, old: Files) -> PathChange | None:
    added = sum(1 for p in new if p not in old)
    deleted = sum(1 for p in old if p not in new)
    modified = sum(1 for p in new if p in old and old[p] != new[p])
    return PathChange(entry, added, modified, deleted) if added or deleted or modified else None
