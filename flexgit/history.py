"""Reading history: log, show, status and diff as values the CLI prints."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flexgit import diff as diff_mod
from flexgit import sanitize
from flexgit.profile import Profile
from flexgit.snapshot import Installation, cache_key, collect, known_for, read_nofollow
from flexgit.snapshot.statcache import StatCache
from flexgit.store import CommitInfo, Entry, Files, Store


@dataclass(frozen=True)
class LogEntry:
    id: str
    created: str
    message: str
    files: int
    tags: list[str]
    type: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "created": self.created, "message": self.message,
                "files": self.files, "tags": self.tags, "type": self.type}


def created_of(info: CommitInfo) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.time))


def log(store: Store, limit: int | None = None, start: str | None = None) -> list[LogEntry]:
    by_commit: dict[str, list[str]] = {}
    for name, sha in store.tags().items():
        by_commit.setdefault(sha, []).append(name)
    out = []
    for info in store.history(start, limit):
        out.append(LogEntry(info.id, created_of(info), info.summary,
                            int(info.trailers.get("Flexgit-Files", "0") or 0),
                            sorted(by_commit.get(info.id, [])),
                            info.trailers.get("Flexgit-Type", "flx")))
    return out


def snapshot_files(store: Store, rev: str) -> Files:
    """The installation files of a snapshot (without .flexgit/)."""
    return {p: e for p, e in store.read_tree(store.resolve(rev)).items()
            if not p.startswith(".flexgit/")}


class DiskSide:
    """The installation on disk as the snapshot would see it (sanitized)."""

    def __init__(self, store: Store, inst: Installation, profile: Profile) -> None:
        # The same sweep as the next snapshot's, so unchanged files compare equal.
        self._sweep = None if profile.private else known_for(inst, profile).sweep
        cache = StatCache(store.path, cache_key(profile, self._sweep))
        self.collected = collect(store, inst, profile, cache, None,
                                 known=self._sweep)
        self.files = self.collected.files
        self._inst = inst
        self._profile = profile

    def read(self, path: str, entry: Entry) -> bytes:
        p = self._inst.abspath(path)
        if entry.mode == 0o120000:
            return os.readlink(p).encode("utf-8", "surrogateescape")
        return sanitize.sanitize(path, read_nofollow(p), self._profile.rules, self._sweep).data


def store_reader(store: Store) -> diff_mod.Reader:
    return lambda _path, entry: store.read_blob(entry.sha)


def status(store: Store, inst: Installation, profile: Profile) -> tuple[str | None,
                                                                         list[diff_mod.Change],
                                                                         list[str]]:
    """(latest id, changes on disk since it, warnings)."""
    head = store.head()
    disk = DiskSide(store, inst, profile)
    old = snapshot_files(store, head) if head else {}
    return head, diff_mod.changes(old, disk.files), disk.collected.warnings


def iter_diff(changes: list[diff_mod.Change], read_a: diff_mod.Reader,
              read_b: diff_mod.Reader, label_a: str, label_b: str) -> Iterator[str]:
    for c in changes:
        old = read_a(c.path, c.old) if c.old else b""
        new = read_b(c.path, c.new) if c.new else b""
        yield diff_mod.render(c, old, new, label_a=label_a, label_b=label_b)


def split_revs_and_paths(args: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """`diff` takes [REV_A [REV_B]] [PATH…] like git: a word with a slash, or
    anything after `--`, is a path; at most two revisions come first."""
    revs: list[str] = []
    paths: list[str] = []
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word == "--":
            paths.extend(rest)
            break
        if paths or "/" in word or len(revs) == 2:
            paths.append(word)
        else:
            revs.append(word)
    return revs, tuple(paths)
