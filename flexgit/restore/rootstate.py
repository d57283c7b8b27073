"""What root may act on from the private store: pre-restore saves, their undo
records and the journal of an interrupted restore.

The private store lives in the account's HOME/backup/, and an undo run as
root writes whatever its record says (paths, bytes, modes, owners). So, as
root, the store is trusted only when the account cannot have written any of
it: the store and everything in it are root's, writable by no one else, and
no symlink. The account owns HOME/backup/ and so can rename the store away,
but what it puts in its place is then its own and is refused; all it could
swap back is an older store of root's own saves (docs/decisions.md). And
every record is checked as a backup file's paths are, before anything is
undone: a path with `..` or through a symlink is refused, set-id bits never
come back.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from flexgit import paths
from flexgit.errors import IntegrityError, UsageError
from flexgit.formats.limits import Limits, path_problem

# A save never holds a set-id file written by flexgit; one in a record is forged.
SAVED_MODE_MASK = 0o1777
_SIDES = ("home/", "system/")
_KINDS = ("file", "link")


def check_store(path: Path, action: str = "nothing was undone") -> None:
    """As root, refuse a private store someone other than root could have
    written, with the reason and what to do; otherwise nothing."""
    if os.geteuid() != 0:
        return  # an account acting on its own store risks only its own files
    why = _not_roots(path)
    if why is None:
        return
    raise UsageError(f"{path}: {why}, so the account could have written its saves; root "
                     f"does not act on them and {action}. Inspect it (git --git-dir {path} "
                     f"log -p pre-restore), then `chown -R root:root {path}` and "
                     f"`chmod -R go-w {path}` to undo as root, or move it away")


def _not_roots(path: Path) -> str | None:
    """Why the tree at `path` is not root's alone (None when it is)."""
    try:
        top = os.lstat(path)
    except FileNotFoundError:
        return None  # nothing there: nothing to act on
    if not stat.S_ISDIR(top.st_mode):
        return "it is a symlink" if stat.S_ISLNK(top.st_mode) else "it is not a directory"
    why = _entry_problem("it", top)
    if why is not None:
        return why
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                continue
            why = _entry_problem(p, st)
            if why is not None:
                return why
    return None


def _entry_problem(p: str, st: os.stat_result) -> str | None:
    if stat.S_ISLNK(st.st_mode):
        return f"{p} is a symlink"
    if st.st_uid != 0:
        return f"{p} belongs to uid {st.st_uid}, not root"
    if st.st_mode & 0o022:
        return f"{p} is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def check_record(record: dict[str, Any], commit: str, home: Path, root: Path) -> None:
    """Every path of an undo record is a tree path a restore could write, and
    none has a symlink among its parents now; the whole record is checked
    before anything is undone."""
    limits = Limits()

    def bad(why: str) -> IntegrityError:
        return IntegrityError(f"pre-restore snapshot {commit[:12]}: its undo record {why}; "
                              f"nothing was undone")

    saved = record.get("saved")
    lists = [record.get("created"), record.get("created_dirs", [])]
    if not isinstance(saved, dict) or not all(isinstance(x, list) for x in lists):
        raise bad("is damaged (no saved files or created lists)")
    for path in [*saved, *lists[0], *lists[1]]:
        if not isinstance(path, str) or not path.startswith(_SIDES):
            raise bad(f"names {path!r}, which is neither home/ nor system/")
        rel = path.partition("/")[2]
        why = path_problem(rel, limits)
        if why is None:
            why = paths.parents_safe(home if path.startswith("home/") else root, rel)
        if why is not None:
            raise bad(f"names {path!r}: {why}")
    for path, meta in saved.items():
        if not isinstance(meta, dict) or meta.get("kind") not in _KINDS or not all(
                isinstance(meta.get(k), int) and not isinstance(meta.get(k), bool)
                for k in ("mode", "uid", "gid")):
            raise bad(f"has damaged metadata for {path!r}")
