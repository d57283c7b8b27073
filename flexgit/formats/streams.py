"""The bytes of a backup file as its JSON reader sees them: gpg's plaintext
streamed in (never written to disk), gzip inflated when the content (not the
name) says so, the total bounded by FLEXGIT_MAX_BYTES."""

from __future__ import annotations

import contextlib
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flexgit import crypto
from flexgit.errors import BadInput

GZIP_MAGIC = b"\x1f\x8b"
_READ_SIZE = 1 << 16


class Invalid(BadInput):
    """The file as a whole is unusable (not JSON, damaged gzip, over a limit...)."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class Unreadable(Invalid):
    """The file cannot be opened at all (missing, a directory, no permission)."""


class Limited:
    """A read() that fails once more than `limit` bytes came out of `inner`."""

    def __init__(self, inner: Any, limit: int, file: str, what: str) -> None:
        self._inner = inner
        self._limit = limit
        self._file = file
        self._what = what
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._inner.read(_READ_SIZE if n is None or n < 0 else n)
        self.total += len(data)
        if self.total > self._limit:
            raise Invalid(self._file, f"{self._what} is larger than the limit of "
                                      f"{self._limit} bytes (FLEXGIT_MAX_BYTES)")
        return data


class Prefixed:
    """`prefix`, then the rest of `inner`: a peek at a stream that cannot seek."""

    def __init__(self, prefix: bytes, inner: Any) -> None:
        self._prefix = prefix
        self._inner = inner

    def read(self, n: int = -1) -> bytes:
        if self._prefix:
            head = self._prefix if n is None or n < 0 else self._prefix[:n]
            self._prefix = self._prefix[len(head):]
            if n is None or n < 0:
                return head + bytes(self._inner.read())
            return head
        data: bytes = self._inner.read(n)
        return data


def open_raw(path: Path, name: str) -> Any:
    """The file itself, or Unreadable saying why not (the caller closes it)."""
    try:
        return open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise Unreadable(name, "no such file") from None
    except IsADirectoryError:
        raise Unreadable(name, "is a directory, not a backup file") from None
    except OSError as e:
        raise Unreadable(name, f"cannot read: {e.strerror}") from None


def looks_encrypted(path: Path, name: str) -> bool:
    with open_raw(path, name) as raw:
        return crypto.looks_encrypted(raw.read(64))


@dataclass
class Opened:
    stream: Limited  # the JSON bytes
    encrypted: bool
    compressed: bool


def open_json(path: Path, name: str, max_bytes: int, stack: contextlib.ExitStack) -> Opened:
    """The file's JSON bytes (decrypted, inflated), bounded by `max_bytes`;
    everything opened is closed with `stack`."""
    raw = stack.enter_context(open_raw(path, name))
    source: Any = raw
    encrypted = crypto.looks_encrypted(raw.read(64))
    if encrypted:
        source = stack.enter_context(crypto.decrypting(path, name=name))
    else:
        raw.seek(0)
    magic = source.read(2)
    compressed = magic == GZIP_MAGIC
    source = Prefixed(magic, source)
    inner: Any = gzip.GzipFile(fileobj=source, mode="rb") if compressed else source
    what = "the inflated content" if compressed else "the file"
    return Opened(Limited(inner, max_bytes, name, what), encrypted, compressed)
