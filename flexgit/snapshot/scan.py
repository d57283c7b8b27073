"""Walking an installation under a profile.

Yields what belongs to a backup of one type, as tree paths (`home/…`,
`system/…`) with the stat result, without reading any content. Reading and
sanitizing is the snapshot's job; the stat result lets it skip unchanged files.
What the profile excludes is never entered; a file or directory whose name
holds personal data (an email address, a phone number), or a symlink whose
target does, is a `Skipped` with its reason, outside the private store.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flexgit import names
from flexgit.profile import Profile
from flexgit.snapshot.statcache import Decisions


@dataclass(frozen=True)
class Found:
    path: str  # tree path: "home/<rel>" or "system/<rel>"
    abspath: str  # a str, not a Path: building 10,000 Paths costs a no-change snapshot ~20 %
    kind: str  # "file", "link" or "dir" (an empty directory)
    st: os.stat_result
    category: str


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


@lru_cache(maxsize=256)
def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


@lru_cache(maxsize=256)
def group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def bases(home: Path, root: Path) -> dict[str, Path]:
    return {"home": home, "system": root}


def walk(profile: Profile, home: Path, root: Path, backup_type: str, *,
         avoid: tuple[Path, ...] = (),
         decisions: Decisions | None = None) -> Iterator[Found | Skipped]:
    """Everything of `backup_type` in the installation, sorted by tree path per
    walk root. `avoid` are directories never to enter (the repository itself).
    `decisions`: what earlier walks decided, consulted and updated."""
    avoid_ids = set()
    for p in avoid:
        try:
            st = p.stat()
            avoid_ids.add((st.st_dev, st.st_ino))
        except OSError:
            pass
    seen: set[str] = set()
    for side, base in bases(home, root).items():
        plan = profile.walk_plan(side)
        for prefix in sorted(plan):
            start = base / prefix if prefix else base
            yield from _walk_dir(profile, side, str(base), start, prefix, plan[prefix],
                                 backup_type, avoid_ids, seen, decisions)


# A directory's decisions: [digest of its listing, the category of the
# directory itself when it is empty and kept, one decision per entry]. The
# listing names each entry with its file type (and the inode of a directory,
# which the avoided store is known by; the inode and ctime of a link, which
# a new target changes); a decision is "" (left out), "d" (entered), "f"/"l"
# + category (a file or link of that category) or "s" + reason (Skipped).
def _listing(entries: list[os.DirEntry[str]], stats: list[os.stat_result | OSError]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for ent, est in zip(entries, stats, strict=True):
        if isinstance(est, OSError):
            h.update(b"?")
            continue
        extra = f"{est.st_ino}\0{est.st_ctime_ns}" if stat.S_ISLNK(est.st_mode) else \
            str(est.st_ino) if stat.S_ISDIR(est.st_mode) else ""
        h.update(f"{ent.name}\0{stat.S_IFMT(est.st_mode)}\0{extra}\n".encode(
            "utf-8", "surrogateescape"))
    return h.hexdigest()


def _walk_dir(profile: Profile, side: str, base: str, start: Path, prefix: str,
              depth: int | None, backup_type: str, avoid: set[tuple[int, int]],
              seen: set[str], decisions: Decisions | None) -> Iterator[Found | Skipped]:
    try:
        st = os.lstat(start)
    except FileNotFoundError:
        return
    except OSError as e:
        yield Skipped(start, e.strerror or str(e))
        return
    if not stat.S_ISDIR(st.st_mode):
        return
    stack: list[tuple[str, int]] = [(prefix, 0)]
    while stack:
        rel_dir, level = stack.pop()
        d = f"{base}/{rel_dir}" if rel_dir else base
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield Skipped(Path(d), e.strerror or str(e))
            continue
        stats: list[os.stat_result | OSError] = []
        for ent in entries:
            try:
                stats.append(ent.stat(follow_symlinks=False))
            except OSError as err:
                stats.append(err)
        # The same directory can be walked from two prefixes of the plan, at
        # different levels: the level is part of what decides (the depth).
        key = f"{side}\0{prefix}\0{level}\0{rel_dir}"
        listing = _listing(entries, stats)
        old = decisions.old.get(key) if decisions is not None else None
        if isinstance(old, list) and len(old) == 3 and old[0] == listing:
            empty, decided = old[1], old[2]
        else:
            empty, decided = _decide(profile, side, rel_dir, level, depth, backup_type, avoid,
                                     entries, stats)
            if decisions is not None:
                decisions.rematched.append(f"{side}/{rel_dir}")
        if decisions is not None and all(not isinstance(est, OSError) for est in stats):
            decisions.new[key] = [listing, empty, decided]
        if empty is not None and f"{side}/{rel_dir}" not in seen:
            seen.add(f"{side}/{rel_dir}")
            yield Found(f"{side}/{rel_dir}", d, "dir", os.lstat(d), empty)
        subdirs = []
        for ent, est, what in zip(entries, stats, decided, strict=True):
            rel = f"{rel_dir}/{ent.name}" if rel_dir else ent.name
            if isinstance(est, OSError):
                yield Skipped(Path(ent.path), "file name is not valid UTF-8; rename it"
                              if not _utf8(ent.name) else est.strerror or str(est))
                continue
            if what == "d":
                subdirs.append((rel, level + 1))
                continue
            if not what or (not stat.S_ISDIR(est.st_mode) and f"{side}/{rel}" in seen):
                continue
            if what[0] == "s":
                yield Skipped(Path(ent.path), what[1:])
                continue
            seen.add(f"{side}/{rel}")
            yield Found(f"{side}/{rel}", ent.path, "file" if what[0] == "f" else "link", est,
                        what[1:])
        stack.extend(reversed(subdirs))


def _decide(profile: Profile, side: str, rel_dir: str, level: int, depth: int | None,
            backup_type: str, avoid: set[tuple[int, int]], entries: list[os.DirEntry[str]],
            stats: list[os.stat_result | OSError]) -> tuple[str | None, list[str]]:
    """The profile's decisions for one directory's entries (see _listing):
    (the category of the directory itself when it is empty and kept, the
    decision for each entry). Nothing here depends on what other directories
    hold: `seen` is applied by the caller."""
    empty = None
    if not entries and rel_dir:
        cat = profile.category_of(side, rel_dir + "/.keep", backup_type)
        if cat is not None and not profile.excluded(side, rel_dir, is_dir=True):
            empty = cat.name
    decided = []
    for ent, est in zip(entries, stats, strict=True):
        decided.append("" if isinstance(est, OSError) else
                       _decide_one(profile, side, rel_dir, level, depth, backup_type, avoid,
                                   ent, est))
    return empty, decided


def _decide_one(profile: Profile, side: str, rel_dir: str, level: int, depth: int | None,
                backup_type: str, avoid: set[tuple[int, int]], ent: os.DirEntry[str],
                est: os.stat_result) -> str:
    rel = f"{rel_dir}/{ent.name}" if rel_dir else ent.name
    if not _utf8(ent.name):
        # git and the JSON manifest and backup format all name files in UTF-8.
        return "sfile name is not valid UTF-8; rename it"
    if stat.S_ISDIR(est.st_mode):
        if (depth is None or level + 1 < depth) and \
                not profile.excluded(side, rel, is_dir=True) and \
                (est.st_dev, est.st_ino) not in avoid:
            if (why := _personal_name(profile, ent.name)) is not None:
                return "s" + why
            return "d"
        return ""
    if profile.excluded(side, rel):
        return ""
    found = profile.category_of(side, rel, backup_type)
    if found is None:
        return ""
    if (why := _personal_name(profile, ent.name)) is not None:
        return "s" + why
    if stat.S_ISREG(est.st_mode):
        return "f" + found.name
    if stat.S_ISLNK(est.st_mode):
        if (why := _link_problem(profile, ent.path)) is not None:
            return "s" + why
        return "l" + found.name
    return "snot a regular file or symlink"


def _personal_name(profile: Profile, name: str) -> str | None:
    """Why a name keeps its file or directory out of a shareable snapshot: a
    tree entry is a name anyone with the backup reads (an avatar named after
    its owner's address). The private store keeps such files."""
    if profile.private:
        return None
    found = names.personal_in_name(name)
    if found is None:
        return None
    return (f"its name holds {found} (personal data), so it never enters a shareable "
            f"snapshot; rename it to back it up")


def _link_problem(profile: Profile, path: str) -> str | None:
    """Why a symlink stays out of a shareable snapshot: its target is stored
    as it is, so one that holds credentials or an address cannot be.
    Decided here, not when the snapshot reads it, so that a restore, which
    walks the same way, does not take the link for one it manages."""
    if profile.private:
        return None
    try:
        target = os.readlink(path)
    except OSError:
        return None  # the snapshot's own read reports it
    why = names.link_problem(target, profile.rules)
    return None if why is None else f"{why}, so it never enters a shareable snapshot"


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
