"""The members of an archive, for the audit to read like files: gzip, bzip2
and xz streams, tar archives (compressed or not) and zip files. A backup
tarball or a zip of configurations that slipped into a store holds the same
secrets as the files it was made of.

Bounded: at most MAX_BYTES of output in all and MAX_MEMBERS members per
archive, one level of nesting (a .tar.gz is one level); a damaged archive
yields what could be read before the damage.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

MAX_BYTES = 32 << 20
MAX_MEMBERS = 1000
_STREAMS: tuple[tuple[bytes, Callable[[io.BytesIO], Any]], ...] = (
    (b"\x1f\x8b", lambda f: gzip.GzipFile(fileobj=f)), (b"BZh", bz2.BZ2File),
    (b"\xfd7zXZ\x00", lzma.LZMAFile))
_ERRORS = (OSError, EOFError, ValueError, tarfile.TarError, zipfile.BadZipFile, lzma.LZMAError)


def _bounded(stream: Any, budget: int) -> bytes:
    out = bytearray()
    try:
        while len(out) < budget:
            chunk = stream.read(min(1 << 16, budget - len(out)))
            if not chunk:
                break
            out += chunk
    except _ERRORS:
        pass  # what was read before the damage is still read
    return bytes(out)


def _tar(data: bytes, budget: int) -> Iterator[tuple[str, bytes]]:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for n, member in enumerate(tar):
                if n >= MAX_MEMBERS or budget <= 0:
                    return
                if member.isfile():
                    f = tar.extractfile(member)
                    if f is not None:
                        body = _bounded(f, budget)
                        budget -= len(body)
                        yield member.name, body
    except _ERRORS:
        return


def members(data: bytes) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) of an archive; a lone compressed stream is one
    member named ""."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                budget = MAX_BYTES
                for info in z.infolist()[:MAX_MEMBERS]:
                    if info.is_dir() or budget <= 0:
                        continue
                    with z.open(info) as f:
                        body = _bounded(f, budget)
                    budget -= len(body)
                    yield info.filename, body
        except (*_ERRORS, RuntimeError):  # RuntimeError: an encrypted member
            return
        return
    for magic, opener in _STREAMS:
        if data.startswith(magic):
            body = _bounded(opener(io.BytesIO(data)), MAX_BYTES)
            if body[257:262] == b"ustar":
                yield from _tar(body, MAX_BYTES)
            else:
                yield "", body
            return
    if data[257:262] == b"ustar":
        yield from _tar(data, MAX_BYTES)
