"""Stat cache: tree path -> (size, mtime_ns, ctime_ns, inode) and what the
sanitized file became (blob id, rule counts), so an unchanged file is neither
re-read nor re-sanitized. Valid only for one profile and rules digest; deleting
it is always safe (the next snapshot just reads everything again)."""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flexgit import fsutil

CACHE_NAME = "flexgit-statcache.json"
# Files modified this close to the scan may change again within the same
# timestamp tick without their stat changing ("racy git"): never cache them.
RACY_NS = 2_000_000_000


class Decisions:
    """What the profile decided for each entry of each directory walked, the
    way git's index spares it re-reading unchanged files: a directory whose
    listing (names and file types; for a link also its inode and ctime, which
    a new target changes) equals the recorded one gets the recorded
    decisions, without matching a pattern. Anything else about the entries
    (size, times, owner, mode) is read fresh every time. Valid for one
    profile, rules digest, backup type and set of avoided directories: `key`
    says which; the stat cache keeps them (see scan.walk)."""

    def __init__(self, key: str, old: dict[str, Any] | None = None) -> None:
        self.key = key
        self.old: dict[str, Any] = old or {}
        self.new: dict[str, Any] = {}
        self.rematched: list[str] = []  # directories matched again (not answered from `old`)


@dataclass(frozen=True)
class Hit:
    sha: str
    counts: dict[str, int]


def _key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class StatCache:
    def __init__(self, repo: Path, digest: str) -> None:
        self._path = repo / CACHE_NAME
        self._digest = digest
        self._old: dict[str, list[object]] = {}
        self._new: dict[str, list[object]] = {}
        self._started = time.time_ns()
        # The commit the cache was saved after: while it is still the branch
        # head, every blob the cache names is known to be in the store.
        self.head: str | None = None
        # What the snapshot at `head` was made of (snapshot.fingerprint): equal
        # now means the tree would be head's again, without building it.
        self.fingerprint: str | None = None
        self._dirs: tuple[str, dict[str, Any]] | None = None  # as loaded: (key, decisions)
        self.decisions: Decisions | None = None  # what this run decided, saved with it
        try:
            doc = json.loads(self._path.read_bytes())
            if doc.get("digest") == digest and isinstance(doc.get("entries"), dict):
                self._old = doc["entries"]
                self.head = doc.get("head") if isinstance(doc.get("head"), str) else None
                fp = doc.get("fingerprint")
                self.fingerprint = fp if isinstance(fp, str) else None
                dirs, dkey = doc.get("dirs"), doc.get("dirs_key")
                if isinstance(dirs, dict) and isinstance(dkey, str):
                    self._dirs = (dkey, dirs)
        except (OSError, ValueError):
            pass  # no cache or a damaged one: read everything

    def decisions_for(self, key: str) -> Decisions:
        """The walk's decisions recorded under `key` (none if another key),
        to be saved with this cache."""
        old = self._dirs[1] if self._dirs is not None and self._dirs[0] == key else None
        self.decisions = Decisions(key, old)
        return self.decisions

    def get(self, path: str, st: os.stat_result) -> Hit | None:
        e = self._old.get(path)
        if not isinstance(e, list) or len(e) != 6 or e[:4] != _key(st):
            return None
        sha, counts = e[4], e[5]
        if not isinstance(sha, str) or not isinstance(counts, dict):
            return None
        self._new[path] = e  # still true: carried into the next cache
        return Hit(sha, counts)

    def put(self, path: str, st: os.stat_result, sha: str, counts: dict[str, int]) -> None:
        # Any write moves mtime to "now", so only a file whose mtime is recent
        # can change again without its stat changing.
        if self._started - st.st_mtime_ns < RACY_NS:
            return
        self._new[path] = [*_key(st), sha, counts]

    def save(self, head: str | None = None, fingerprint: str | None = None) -> None:
        dirs = self._dirs if self.decisions is None else \
            (self.decisions.key, self.decisions.new)
        if self._new == self._old and head == self.head and fingerprint == self.fingerprint \
                and dirs == self._dirs:
            return
        doc: dict[str, Any] = {"digest": self._digest, "head": head,
                               "fingerprint": fingerprint, "entries": self._new}
        if dirs is not None:
            doc["dirs_key"], doc["dirs"] = dirs
        data = json.dumps(doc, separators=(",", ":")).encode()
        # A cache that cannot be written only costs speed next time.
        with contextlib.suppress(OSError):
            fsutil.atomic_write(self._path, data, mode=0o600)
