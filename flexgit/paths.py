"""Path safety on the target side of a restore: reach and create parent
directories under a base without ever following a symlink out of it
(DESIGN.md safety rule 4; input paths are validated by formats.limits)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from flexgit.errors import FlexgitError


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
            nfd = _open_child(fd, part, base, rel, create, mode, uid, gid)
            os.close(fd)
            fd = nfd
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_child(fd: int, part: str, base: Path, rel: str, create: bool, mode: int,
                uid: int | None, gid: int | None) -> int:
    try:
        return os.open(part, _DIR_FLAGS, dir_fd=fd)
    except FileNotFoundError:
        if not create:
            raise
    except OSError as e:
        raise _unsafe(e, base, rel) from None
    with contextlib.suppress(FileExistsError):
        os.mkdir(part, mode, dir_fd=fd)
    try:
        nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
    except OSError as e:
        raise _unsafe(e, base, rel) from None
    try:
        if uid is not None or gid is not None:
            os.fchown(nfd, -1 if uid is None else uid, -1 if gid is None else gid)
        os.fchmod(nfd, mode)
    except BaseException:
        os.close(nfd)
        raise
    return nfd


def _unsafe(e: OSError, base: Path, rel: str) -> Exception:
    if e.errno in (errno.ELOOP, errno.ENOTDIR):
        return UnsafeTarget(f"{base / rel}: a parent directory is a symlink or not a "
                            f"directory; refusing to write through it")
    return e


class ParentDirs:
    """open_parent() for many paths under one base, visited in sorted order:
    the descriptors of the last path's directories are kept, so a path in the
    same or a nearby directory opens only what differs (a restore asks for
    thousands of directories). The returned descriptor is only borrowed: it
    stays valid until the next call or close()."""

    def __init__(self, base: Path, *, create: bool = True) -> None:
        self.base = base
        self.create = create
        self._parts: list[str] = []
        self._fds: list[int] = []  # _fds[0] is base, _fds[i] is _parts[:i]

    def open(self, rel: str, *, mode: int = 0o755, uid: int | None = None,
             gid: int | None = None) -> int:
        """The directory of base/rel (rel names a file in it)."""
        parts = rel.split("/")[:-1]
        if not self._fds:
            self._fds.append(os.open(self.base, os.O_RDONLY | os.O_DIRECTORY
                                     | getattr(os, "O_CLOEXEC", 0)))
        keep = 0
        while keep < min(len(parts), len(self._parts)) and parts[keep] == self._parts[keep]:
            keep += 1
        while len(self._parts) > keep:
            self._parts.pop()
            os.close(self._fds.pop())
        for part in parts[keep:]:
            self._fds.append(_open_child(self._fds[-1], part, self.base, rel, self.create,
                                         mode, uid, gid))
            self._parts.append(part)
        return self._fds[-1]

    def close(self) -> None:
        while self._fds:
            os.close(self._fds.pop())
        self._parts.clear()

    def __enter__(self) -> ParentDirs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parents_safe(base: Path, rel: str) -> str | None:
    """None when every existing parent of base/rel is a real directory,
    otherwise the reason it is not."""
    cur = str(base)  # str, not Path: a restore asks this for every file
    for part in rel.split("/")[:-1]:
        cur = f"{cur}/{part}"
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
