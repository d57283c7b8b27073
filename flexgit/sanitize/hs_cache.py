"""The prefilter's compiled Hyperscan database, cached per user.

Compiling the shared database costs 0.15-0.5 s of CPU, in every process that
sanitizes anything; loading a serialized one (``hyperscan.loadb``) costs tens
of microseconds. So the compiled database is kept in a file of the user's
cache directory (``$XDG_CACHE_HOME/flexgit`` or ``~/.cache/flexgit``), named by
a hash of everything that decides its content: the expressions, their flags
and ids, the scan mode. A changed rule gives another name.

A cache file is trusted only when it is a regular file (never through a
symlink) owned by the effective user and readable by nobody else, and its
header carries the hash of its key and of its body; anything else (another
user's file, a truncated or flipped byte, a database Hyperscan refuses) is
ignored and the database is compiled and written again. The cache is only a
speed-up: no failure to read or write it is an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path

import hyperscan

_MAGIC = b"FLXHSDB1"
_HEADER = len(_MAGIC) + 2 * hashlib.sha256().digest_size
_PREFIX = "prefilter-"
_SUFFIX = ".hsdb"
_KEEP = 8  # cache files kept per user: several flexgit versions may be in use
_MAX_BYTES = 64 << 20  # a bound on what is read; the database is ~0.2 MB


def cache_dir() -> Path | None:
    """Where the cache lives for the effective user (None: no home)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "flexgit"


def key(expressions: Sequence[bytes], flags: Sequence[int], mode: int) -> bytes:
    """The hash that names a database: what hyperscan.compile is given.
    (Hyperscan's version is not in it: ``loadb`` refuses another version's
    database, and the file is then compiled and written again.)"""
    h = hashlib.sha256(b"flexgit-prefilter\0" + str(mode).encode() + b"\0")
    for i, (expression, flag) in enumerate(zip(expressions, flags, strict=True)):
        h.update(f"{i}:{flag}:{len(expression)}:".encode() + expression)
    return h.digest()


def database(expressions: Sequence[bytes], flags: Sequence[int],
             directory: Path | None = None) -> hyperscan.Database:
    """The block-mode database of these expressions (ids 0..n-1): loaded from
    the cache when a trusted copy is there, else compiled and cached."""
    mode = hyperscan.HS_MODE_BLOCK
    directory = cache_dir() if directory is None else directory
    digest = key(expressions, flags, mode)
    path = None if directory is None else directory / f"{_PREFIX}{digest.hex()[:40]}{_SUFFIX}"
    if path is not None and (blob := _read(path, digest)) is not None:
        try:
            return hyperscan.loadb(blob, mode)
        except hyperscan.error:
            pass  # refused by Hyperscan (another platform, a bad body): compile again
    db = hyperscan.Database(mode=mode)
    count = len(expressions)
    db.compile(expressions=list(expressions), ids=list(range(count)), elements=count,
               flags=list(flags))
    if path is not None:
        _write(path, digest, hyperscan.dumpb(db))
    return db


def _read(path: Path, digest: bytes) -> bytes | None:
    """The body of a trusted cache file for this key, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid()
                or st.st_mode & 0o077 or st.st_size > _MAX_BYTES):
            return None  # another user's, or one others could have written
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(_MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    body = data[_HEADER:]
    expected = _MAGIC + digest + hashlib.sha256(body).digest()
    return body if data[:_HEADER] == expected else None


def _write(path: Path, digest: bytes, blob: bytes) -> None:
    """Write the cache file atomically (temp file, rename), 0600, best effort.

    Not through fsutil: its fault points count the store's writes for the
    crash tests, and whether this write happens depends on the cache."""
    directory = path.parent
    if not _own_dirs(directory):
        return
    tmp = directory / f".{_PREFIX}{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                     | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + digest + hashlib.sha256(blob).digest() + blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(directory, keep=path)


def _own_dirs(directory: Path) -> bool:
    """Whether directory and its parent are the effective user's directories,
    making them (0700) where missing, but only inside a directory of that
    user: root running with another user's $HOME must leave no root-owned
    ``~/.cache`` in it."""
    euid = os.geteuid()
    for d in (directory.parent, directory):
        try:
            st = d.lstat()
        except FileNotFoundError:
            try:
                if d.parent.lstat().st_uid != euid:
                    return False
                d.mkdir(mode=0o700)
                st = d.lstat()
            except OSError:
                return False
        except OSError:
            return False
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != euid:
            return False
    return True


def _prune(directory: Path, *, keep: Path) -> None:
    """Drop all but the newest cache files (rules change; old keys stay unused)."""
    try:
        mine = [e for e in os.scandir(directory)
                if e.name.startswith(_PREFIX) and e.name.endswith(_SUFFIX)
                and e.is_file(follow_symlinks=False)
                and e.stat(follow_symlinks=False).st_uid == os.geteuid()]
        mine.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
    except OSError:
        return
    for e in mine[_KEEP:]:
        if e.path != str(keep):
            with contextlib.suppress(OSError):
                os.unlink(e.path)
