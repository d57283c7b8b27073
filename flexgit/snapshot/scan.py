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
import os
import pwd
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flexgit import names
from flexgit.profile import Profile


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
         avoid: tuple[Path, ...] = ()) -> Iterator[Found | Skipped]:
    """Everything of `backup_type` in the installation, sorted by tree path per
    walk root. `avoid` are directories never to enter (the repository itself)."""
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
                                 backup_type, avoid_ids, seen)


def _walk_dir(profile: Profile, side: str, base: str, start: Path, prefix: str,
              depth: int | None, backup_type: str, avoid: set[tuple[int, int]],
              seen: set[str]) -> Iterator[Found | Skipped]:
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
                entries = sorted(it, key=lambda e: e.name, reverse=True)
        except OSError as e:
            yield Skipped(Path(d), e.strerror or str(e))
            continue
        if not entries and rel_dir and f"{side}/{rel_dir}" not in seen:
            cat = profile.category_of(side, rel_dir + "/.keep", backup_type)
            if cat is not None and not profile.excluded(side, rel_dir, is_dir=True):
                seen.add(f"{side}/{rel_dir}")
                yield Found(f"{side}/{rel_dir}", d, "dir", os.lstat(d), cat.name)
        subdirs = []
        for ent in reversed(entries):
            rel = f"{rel_dir}/{ent.name}" if rel_dir else ent.name
            if not _utf8(ent.name):
                # git and the JSON manifest and backup format all name files in UTF-8.
                yield Skipped(Path(ent.path), "file name is not valid UTF-8; rename it")
                continue
            try:
                est = ent.stat(follow_symlinks=False)
            except OSError as err:
                yield Skipped(Path(ent.path), err.strerror or str(err))
                continue
            if stat.S_ISDIR(est.st_mode):
                if (depth is None or level + 1 < depth) and \
                        not profile.excluded(side, rel, is_dir=True) and \
                        (est.st_dev, est.st_ino) not in avoid:
                    if (why := _personal_name(profile, ent.name)) is not None:
                        yield Skipped(Path(ent.path), why)
                        continue
                    subdirs.append((rel, level + 1))
                continue
            if f"{side}/{rel}" in seen or profile.excluded(side, rel):
                continue
            found = profile.category_of(side, rel, backup_type)
            if found is None:
                continue
            if (why := _personal_name(profile, ent.name)) is not None:
                yield Skipped(Path(ent.path), why)
                continue
            seen.add(f"{side}/{rel}")
            if stat.S_ISREG(est.st_mode):
                yield Found(f"{side}/{rel}", ent.path, "file", est, found.name)
            elif stat.S_ISLNK(est.st_mode):
                if (why := _link_problem(profile, ent.path)) is not None:
                    yield Skipped(Path(ent.path), why)
                    continue
                yield Found(f"{side}/{rel}", ent.path, "link", est, found.name)
            else:
                yield Skipped(Path(ent.path), "not a regular file or symlink")
        stack.extend(reversed(subdirs))


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
