"""Object ids, file modes and pack headers: what git's object format fixes,
computed without dulwich (hashlib and zlib), so code that only hashes files
(a restore's target check, a no-change snapshot) need not import it."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

FILE = 0o100644
EXEC = 0o100755
LINK = 0o120000
_TYPE_BLOB, _TYPE_TREE, _TYPE_COMMIT = 3, 2, 1
_TYPE_NAMES = {_TYPE_BLOB: b"blob", _TYPE_TREE: b"tree", _TYPE_COMMIT: b"commit"}


@dataclass(frozen=True, slots=True)
class Entry:
    mode: int  # FILE, EXEC or LINK
    sha: str  # hex blob id


Files = dict[str, Entry]


@dataclass(frozen=True)
class CommitInfo:
    id: str
    parent: str | None
    tree: str
    message: str
    time: int
    tz: int
    trailers: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return self.message.split("\n", 1)[0]


# What dulwich, zlib and struct raise for a damaged pack, index or loose

def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _object_id(type_num: int, data: bytes) -> bytes:
    h = hashlib.sha1(_TYPE_NAMES[type_num] + b" %d\0" % len(data))
    h.update(data)
    return h.digest()


def _pack_header(type_num: int, size: int) -> bytes:
    out = bytearray()
    c = (type_num << 4) | (size & 0x0F)
    size >>= 4
    while size:
        out.append(c | 0x80)
        c = size & 0x7F
        size >>= 7
    out.append(c)
    return bytes(out)


_PROBE = 1 << 14


def incompressible(data: bytes) -> bool:
    """Whether a probe of the start shows the data does not shrink: images,
    fonts and audio are compressed already, and deflating them again costs
    most of a snapshot's zlib time for nothing."""
    return len(data) > 2 * _PROBE and len(zlib.compress(data[:_PROBE], 1)) > _PROBE * 0.97


def _deflate(data: bytes, stored: bool = False) -> bytes:
    """zlib at level 1, or stored (level 0) for incompressible data."""
    return zlib.compress(data, 0 if stored or incompressible(data) else 1)


def parse_trailers(message: str) -> dict[str, str]:
    last = message.rstrip("\n").split("\n\n")[-1]
    out = {}
    for line in last.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Flexgit-"):
            out[key] = value
    return out

