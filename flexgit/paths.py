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
            try:
                nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, mode, dir_fd=fd)
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
