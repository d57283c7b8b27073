"""Durable file-system primitives every writer uses (DESIGN.md "Safety rules").

Atomic write: a dotted temp file in the same directory (O_EXCL, O_NOFOLLOW,
0600) is written, fsynced, chmod/chowned on the descriptor, renamed over the
final name, and the directory is fsynced. The final name is never opened for
writing, so a crash leaves either the old or the new bytes there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flexgit import faults
from flexgit.errors import FlexgitError, IntegrityError, Locked, WriteFailed

TEMP_PREFIX = ".flexgit-tmp-"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        faults.point("fsync")
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_name(directory: Path) -> Path:
    return directory / f"{TEMP_PREFIX}{secrets.token_hex(6)}"


# A temp file younger than this is never taken for a leftover: it may be one
# that is not flock'ed (a lock's, a symlink's) or one a microsecond old.
TEMP_GRACE_SECONDS = 10


def open_temp(directory: Path) -> tuple[Path, BinaryIO]:
    """A new 0600 temp file beside the final name, opened exclusively.

    It is flock'ed until renamed or closed: the kernel drops the lock when the
    writer dies (even by kill -9), which is how `stale_temps` tells a killed
    writer's leftover from a live writer's file, with no pid that may be reused."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    tmp = _temp_name(directory)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError as e:  # name the user's directory, not our temp file in it
        raise OSError(e.errno, e.strerror, str(directory)) from None
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else holds it
    return tmp, os.fdopen(fd, "wb")


def writable_dir_problem(path: Path) -> str | None:
    """Why files cannot be written into `path` (created if missing), or None.
    Asked before work whose result would go there: a snapshot taken for a
    backup that then cannot be written is work done for nothing."""
    probe = path
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a directory"
    if probe != path:  # created later: its nearest existing parent must take it
        if not os.access(probe, os.W_OK | os.X_OK) or (
                os.statvfs(probe).f_flag & os.ST_RDONLY):
            return f"{probe} is not writable"
        return None
    try:
        tmp, f = open_temp(path)
    except OSError as e:
        return e.strerror or str(e)
    f.close()
    remove_quietly(tmp)
    return None


def stale_temps(directory: Path) -> list[Path]:
    """Temp files in `directory` that no live process writes: not flock'ed by
    anyone, and older than TEMP_GRACE_SECONDS."""
    out: list[Path] = []
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return out
    now = time.time()
    for e in entries:
        if not e.name.startswith(TEMP_PREFIX) or not e.is_file(follow_symlinks=False):
            continue
        try:
            if now - e.stat(follow_symlinks=False).st_mtime <= TEMP_GRACE_SECONDS:
                continue
            fd = os.open(e.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live writer holds it
        finally:
            os.close(fd)
        out.append(Path(e.path))
    return out


def remove_stale_temps(directory: Path) -> list[Path]:
    """Remove `stale_temps(directory)`; the paths removed."""
    found = stale_temps(directory)
    for p in found:
        remove_quietly(p)
    return found


def _discard(tmp: Path, f: BinaryIO, final: Path, e: BaseException) -> BaseException:
    """Drop a temp file after a failed write; the error to raise: an OSError
    becomes WriteFailed naming the final path (the rename has not happened,
    so that file is as it was)."""
    with contextlib.suppress(OSError):
        f.close()  # closing flushes: the disk may still be full
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    if isinstance(e, WriteFailed):
        return e
    if isinstance(e, OSError):
        return WriteFailed(e.errno, e.strerror, str(final))
    return e


def commit_temp(
    tmp: Path,
    f: BinaryIO,
    final: Path,
    *,
    mode: int = 0o644,
    uid: int | None = None,
    gid: int | None = None,
) -> None:
    """Finish a temp file from open_temp: fsync, set mode/owner, rename, fsync dir."""
    try:
        f.flush()
        faults.point("fsync")
        os.fsync(f.fileno())
        if uid is not None or gid is not None:
            os.fchown(f.fileno(), -1 if uid is None else uid, -1 if gid is None else gid)
        os.fchmod(f.fileno(), mode)
        faults.point("replace")
        # Renamed while still open, so its lock covers it until it has its
        # final name (a cleaner never sees an unlocked temp of a live writer).
        os.replace(tmp, final)
        f.close()
    except BaseException as e:
        raise _discard(tmp, f, final, e) from None
    fsync_dir(final.parent)


def atomic_write(
    final: Path,
    data: bytes,
    *,
    mode: int = 0o644,
    uid: int | None = None,
    gid: int | None = None,
) -> None:
    tmp, f = open_temp(final.parent)
    try:
        faults.point("write")
        f.write(data)
    except BaseException as e:
        raise _discard(tmp, f, final, e) from None
    commit_temp(tmp, f, final, mode=mode, uid=uid, gid=gid)


def atomic_symlink(final: Path, target: str) -> None:
    """Point the symlink `final` at `target`, replacing what is there atomically."""
    tmp = _temp_name(final.parent)
    try:
        os.symlink(target, tmp)
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(final)) from None
    try:
        faults.point("replace")
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(final.parent)


def atomic_write_at(dir_fd: int, name: str, data: bytes, *, mode: int = 0o644,
                    uid: int | None = None, gid: int | None = None,
                    expect_sha256: str | None = None,
                    check: Callable[[str], None] | None = None) -> None:
    """atomic_write relative to a directory descriptor (see paths.open_parent):
    stage_at, fsync the temp file, rename it over `name`, fsync the directory."""
    try:
        tmp = stage_at(dir_fd, data, mode=mode, uid=uid, gid=gid, expect_sha256=expect_sha256,
                       check=check)
    except OSError as e:
        raise WriteFailed(e.errno, e.strerror, name) from None
    try:
        fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
        try:
            faults.point("fsync")
            os.fsync(fd)
        finally:
            os.close(fd)
        commit_at(dir_fd, tmp, name)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=dir_fd)
        if isinstance(e, OSError) and not isinstance(e, WriteFailed):
            raise WriteFailed(e.errno, e.strerror, name) from None  # not renamed yet
        raise
    faults.point("fsync")
    os.fsync(dir_fd)


def stage_at(dir_fd: int, data: bytes, *, mode: int = 0o644, uid: int | None = None,
             gid: int | None = None, expect_sha256: str | None = None,
             check: Callable[[str], None] | None = None) -> str:
    """The first half of atomic_write_at, without the fsync: a finished temp
    file in dir_fd, returned by name. The caller syncs many of them at once
    (git's batch mode) and then renames each into place with commit_at."""
    tmp = f"{TEMP_PREFIX}{secrets.token_hex(6)}"
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
    try:
        faults.point("write")
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        if expect_sha256 is not None:
            h = hashlib.sha256()
            off = 0
            while chunk := os.pread(fd, 1 << 20, off):
                h.update(chunk)
                off += len(chunk)
            if h.hexdigest() != expect_sha256:
                raise IntegrityError("written bytes do not match the expected sha256; "
                                     "the file was not replaced")
        if uid is not None or gid is not None:
            os.fchown(fd, -1 if uid is None else uid, -1 if gid is None else gid)
        os.fchmod(fd, mode)
        if check is not None:
            check(f"/proc/{os.getpid()}/fd/{dir_fd}/{tmp}")
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    os.close(fd)
    return tmp


def stage_symlink_at(dir_fd: int, target: str, *, uid: int | None = None,
                     gid: int | None = None) -> str:
    tmp = f"{TEMP_PREFIX}{secrets.token_hex(6)}"
    os.symlink(target, tmp, dir_fd=dir_fd)
    if uid is not None or gid is not None:
        os.chown(tmp, -1 if uid is None else uid, -1 if gid is None else gid,
                 dir_fd=dir_fd, follow_symlinks=False)
    return tmp


def commit_at(dir_fd: int, tmp: str, name: str) -> None:
    """Rename a staged temp over its final name (the caller fsyncs dir_fd)."""
    faults.point("replace")
    os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def sync_all() -> None:
    """Every staged byte on disk before any of them is renamed into place."""
    faults.point("fsync")
    os.sync()


def symlink_at(dir_fd: int, name: str, target: str, *, uid: int | None = None,
               gid: int | None = None) -> None:
    """Atomically make `name` (in dir_fd) a symlink to `target`."""
    tmp = f"{TEMP_PREFIX}{secrets.token_hex(6)}"
    os.symlink(target, tmp, dir_fd=dir_fd)
    try:
        if uid is not None or gid is not None:
            os.chown(tmp, -1 if uid is None else uid, -1 if gid is None else gid,
                     dir_fd=dir_fd, follow_symlinks=False)
        faults.point("replace")
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    os.fsync(dir_fd)


# --- locks -----------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    host: str
    pid: int
    time: float
    command: str

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.time))
        return f"pid {self.pid} on {self.host} since {when} ({self.command})"


def read_lock(path: Path) -> LockInfo | None:
    try:
        raw = json.loads(path.read_text())
        return LockInfo(str(raw["host"]), int(raw["pid"]), float(raw["time"]), str(raw["command"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether process `pid` exists on this host (ours or another user's)."""
    if pid <= 0:  # kill(0) and kill(-1) would ask about whole groups
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(info: LockInfo | None) -> bool:
    """A lock is stale when its process on this host is gone."""
    return info is not None and info.host == socket.gethostname() and not pid_alive(info.pid)


GARBAGE_LOCK_SECONDS = 10


@contextlib.contextmanager
def lock(path: Path, *, what: str, command: str = "flexgit") -> Iterator[None]:
    """Hold an exclusive lock file at `path` (host, pid, time inside).

    The lock appears with its content in one step (a hard link of a finished
    temp file), so a process killed while locking never leaves an empty lock.
    A lock from a dead process on this host is taken over; any other holder
    is reported with exit 11.
    """
    info = LockInfo(socket.gethostname(), os.getpid(), time.time(), command)
    tmp = _temp_name(path.parent)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as e:
        raise FlexgitError(f"cannot create lock {path}: {e.strerror}") from e
    try:
        # No fsync: a lock only matters while its process lives; after a crash
        # it is stale whatever is on disk.
        os.write(fd, json.dumps(info.__dict__).encode())
    finally:
        os.close(fd)
    try:
        for _attempt in range(3):
            try:
                os.link(tmp, path)
                break
            except FileExistsError:
                holder = read_lock(path)
                if is_stale(holder) or (holder is None and _old(path)):
                    _break_stale(path, holder)
                    continue
                who = holder.describe() if holder else "an unknown process"
                raise Locked(f"{what} is locked by {who}; wait for it to finish "
                             f"(or remove {path} if that process is gone)") from None
        else:
            raise Locked(f"{what} is locked: could not take over the stale lock {path}")
    finally:
        remove_quietly(tmp)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _old(path: Path) -> bool:
    """An unreadable lock (not written by this flexgit) counts as stale once old."""
    try:
        return time.time() - os.lstat(path).st_mtime > GARBAGE_LOCK_SECONDS
    except FileNotFoundError:
        return True


def _break_stale(path: Path, holder: LockInfo | None) -> None:
    # Rename first so two processes recovering the same stale lock cannot both
    # win: only one rename of the same inode succeeds.
    grave = path.with_name(path.name + f".stale-{os.getpid()}")
    try:
        os.rename(path, grave)
    except FileNotFoundError:
        return
    if read_lock(grave) != holder:
        # Someone replaced the stale lock with a live one between our read and rename.
        with contextlib.suppress(OSError):
            os.rename(grave, path)
        return
    with contextlib.suppress(FileNotFoundError):
        os.unlink(grave)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
