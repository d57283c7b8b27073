"""The pack writer: new objects of one snapshot go into a single pack,
objects first, then the index, so a crash leaves the previous snapshot
reachable and the repository clean."""

from __future__ import annotations

import contextlib
import hashlib
import os
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from dulwich.objects import Commit, Tree
from dulwich.pack import write_pack_index

from flexgit import faults, fsutil
from flexgit.store.objects import (
    _TYPE_BLOB,
    _TYPE_COMMIT,
    _TYPE_TREE,
    _deflate,
    _object_id,
    _pack_header,
)

if TYPE_CHECKING:
    from flexgit.store.repo import Store


class PackWriter:
    """Writes new objects of one snapshot into a single pack.

    Objects are appended as they come; `finish` fixes the object count,
    appends the checksum, fsyncs, moves the pack in and writes its index last:
    git ignores a pack without an index, so a crash before the index leaves a
    harmless orphan that `flexgit check --repair` removes.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._dir = store.path / "objects" / "pack"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._file: tuple[Path, BinaryIO] | None = None  # opened on the first new object
        self._entries: list[tuple[bytes, int, int]] = []
        self._seen: set[bytes] = set()
        self.bytes_written = 0

    def _add(self, type_num: int, data: bytes, binsha: bytes,
             compressed: bytes | None = None) -> str:
        if binsha in self._seen or self._store.has_object(binsha.hex()):
            return binsha.hex()
        return self._add_sized(type_num, len(data), binsha,
                               _deflate(data) if compressed is None else compressed)

    def _add_sized(self, type_num: int, size: int, binsha: bytes, compressed: bytes) -> str:
        if binsha in self._seen or self._store.has_object(binsha.hex()):
            return binsha.hex()
        self._seen.add(binsha)
        header = _pack_header(type_num, size)
        if self._file is None:
            self._file = fsutil.open_temp(self._dir)
            self._file[1].write(b"PACK" + struct.pack(">LL", 2, 0))
        f = self._file[1]
        offset = f.tell()
        try:
            faults.point("write")
            f.write(header)
            f.write(compressed)  # not header + compressed: no copy of a large blob
        except OSError as e:
            raise OSError(e.errno, e.strerror, str(self._store.path)) from None
        self.bytes_written += len(header) + len(compressed)
        self._entries.append((binsha, offset, zlib.crc32(compressed, zlib.crc32(header))))
        return binsha.hex()

    @staticmethod
    def prepare_blob(data: bytes, stored: bool = False) -> tuple[bytes, bytes]:
        """(binary id, compressed data) for a blob; C code that releases the GIL,
        so callers may run it in worker threads. `stored`: the caller knows
        the data to be incompressible()."""
        return _object_id(_TYPE_BLOB, data), _deflate(data, stored)

    def add_prepared(self, size: int, binsha: bytes, compressed: bytes) -> str:
        """A blob whose id and zlib stream were computed elsewhere (a worker)."""
        return self._add_sized(_TYPE_BLOB, size, binsha, compressed)

    def add_blob(self, data: bytes, prepared: tuple[bytes, bytes] | None = None) -> str:
        binsha, comp = prepared if prepared else (_object_id(_TYPE_BLOB, data), None)
        return self._add(_TYPE_BLOB, data, binsha, comp)

    def add_tree(self, tree: Tree) -> str:
        raw = tree.as_raw_string()
        return self._add(_TYPE_TREE, raw, _object_id(_TYPE_TREE, raw))

    def add_commit(self, commit: Commit) -> str:
        raw = commit.as_raw_string()
        return self._add(_TYPE_COMMIT, raw, _object_id(_TYPE_COMMIT, raw))

    def abort(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):  # closing flushes: the disk may be full
                self._file[1].close()
            fsutil.remove_quietly(self._file[0])
            self._file = None

    def finish(self) -> None:
        if self._file is None:
            return
        tmp, f = self._file
        self._file = None
        f.seek(8)
        f.write(struct.pack(">L", len(self._entries)))
        f.flush()
        h = hashlib.sha1()
        with open(tmp, "rb") as r:
            while chunk := r.read(1 << 20):
                h.update(chunk)
        checksum = h.digest()
        f.seek(0, os.SEEK_END)
        f.write(checksum)
        name = self._dir / f"pack-{checksum.hex()}"
        fsutil.commit_temp(tmp, f, name.with_suffix(".pack"), mode=0o444)
        itmp, idx = fsutil.open_temp(self._dir)
        try:
            write_pack_index(idx, sorted(self._entries), checksum, version=2)
        except BaseException:
            idx.close()
            fsutil.remove_quietly(itmp)
            raise
        fsutil.commit_temp(itmp, idx, name.with_suffix(".idx"), mode=0o444)
        self._store._refresh()

