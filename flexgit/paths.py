"""Path safety for everything that turns a name from an input into a file
(DESIGN.md safety rules 4 and 6): validate tree paths, and create parents
under a base without ever following a symlink out of it."""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from pathlib import Path

from flexgit.errors import BadInput, FlexgitError

MAX_PATH = 4096
MAX_COMPONENT = 255


def check_tree_path(path: str, where: str) -> None:
    """Refuse absolute, `..`, `.`, empty, NUL/newline/backslash components and
    over-long names. `where` names the input in the message."""
    if not path:
        raise BadInput(f"{where}: empty path")
    if len(path.encode("utf-8", "surrogateescape")) > MAX_PATH:
        raise BadInput(f"{where}: path longer than {MAX_PATH} bytes: {path[:60]!r}...")
    if path.startswith("/"):
        raise BadInput(f"{where}: absolute path {path!r}")
    for bad, name in (("\0", "NUL byte"), ("\n", "newline"), ("\r", "carriage return"),
                      ("\\", "backslash")):
        if bad in path:
            raise BadInput(f"{where}: {name} in path {path!r}")
    for part in path.split("/"):
        if part in ("", ".", ".."):
            raise BadInput(f"{where}: unsafe path {path!r} ({part or 'empty'!r} component)")
        if len(part.encode("utf-8", "surrogateescape")) > MAX_COMPONENT:
            raise BadInput(f"{where}: path component longer than {MAX_COMPONENT} bytes in "
                           f"{path[:60]!r}...")
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        raise BadInput(f"{where}: drive-letter path {path!r}")


def fold(path: str) -> str:
    """The key two paths collide under on a case-insensitive or normalising
    file system."""
    return unicodedata.normalize("NFC", path).casefold()


class DuplicateGuard:
    def __init__(self, where: str) -> None:
        self._where = where
        self._seen: dict[str, str] = {}

    def add(self, path: str) -> None:
        key = fold(path)
        if key in self._seen:
            other = self._seen[key]
            same = "twice" if other == path else f"and {other!r} (same after case-folding)"
            raise BadInput(f"{self._where}: duplicate path {path!r} {same}")
        self._seen[key] = path


class UnsafeTarget(FlexgitError):
    """A restore target whose parents lead out of the installation."""


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def open_parent(base: Path, rel: str, *, create: bool = True, mode: int = 0o755,
                uid: int | None = None, gid: int | None = None) -> int:
    """A directory descriptor of the parent of base/rel, reached component by
    component with O_NOFOLLOW, so no symlink, even one swapped in while we
    walk, can lead outside `base`. Missing parents are created when `create`.
    The caller closes the descriptor."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for part in rel.split("/")[:-1]:
            try:
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                try:
                    os.mkdir(part, mode, dir_fd=fd)
                except FileExistsError:
                    pass
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
                if uid is not None or gid is not None:
                    os.fchown(nfd, -1 if uid is None else uid, -1 if gid is None else gid)
                os.fchmod(nfd, mode)
            except OSError as e:
                if e.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise UnsafeTarget(f"{base / rel}: a parent directory is a symlink or not a "
                                       f"directory; refusing to write through it") from None
                raise
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def ensure_parents(base: Path, rel: str, *, mode: int = 0o755,
                   uid: int | None = None, gid: int | None = None) -> Path:
    """Create the parent directories of base/rel, refusing any existing parent
    that is not a real directory (a symlink could lead the write outside).
    Returns the parent directory."""
    parts = rel.split("/")[:-1]
    cur = base
    for part in parts:
        cur = cur / part
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            os.mkdir(cur, mode)
            if uid is not None or gid is not None:
                os.chown(cur, -1 if uid is None else uid, -1 if gid is None else gid,
                         follow_symlinks=False)
            continue
        if stat.S_ISLNK(st.st_mode):
            raise UnsafeTarget(f"{cur} is a symlink; refusing to write {base / rel} through it")
        if not stat.S_ISDIR(st.st_mode):
            raise UnsafeTarget(f"{cur} is not a directory; cannot write {base / rel}")
    return cur


def parents_safe(base: Path, rel: str) -> str | None:
    """None when every existing parent of base/rel is a real directory,
    otherwise the reason it is not."""
    cur = base
    for part in rel.split("/")[:-1]:
        cur = cur / part
        try:
            st = os.lstat(cur)
        except FileNotFoundError:
            return None
        except OSError as e:
            return f"{cur}: {e.strerror}"
        if stat.S_ISLNK(st.st_mode):
            return f"{cur} is a symlink"
        if not stat.S_ISDIR(st.st_mode):
            return f"{cur} is not a directory"
    return None
