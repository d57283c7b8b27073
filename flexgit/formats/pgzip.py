"""A gzip writer that deflates on every core, the way pigz does.

The stream is cut into blocks of 1 MiB that worker threads deflate at the
same time (zlib releases the GIL). Each block is a raw deflate stream primed
with the 32 KiB before it as its dictionary, so it compresses as well as one
stream would, and ends on a byte boundary (Z_SYNC_FLUSH) that is not the final
block; only the last block finishes the stream. Written in order, the blocks
are one ordinary deflate stream, so the result is a single gzip member that
gzip, gunzip and every reader take as usual. The CRC is computed in order by
the writing thread.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

BLOCK = 1 << 20
_WINDOW = 1 << 15


def _deflate(level: int, dictionary: bytes, data: bytes, last: bool) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY,
                         *([dictionary] if dictionary else []))
    return c.compress(data) + c.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class ParallelGzip:
    """`write` bytes, then `close` once; output goes to `sink` (anything with
    write()) from the calling thread only. Memory: about 2 x threads blocks."""

    def __init__(self, sink: Callable[[bytes], object], *, level: int = 6, mtime: int = 0,
                 threads: int | None = None) -> None:
        self._sink = sink
        self._level = level
        self._threads = threads or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="gzip")
        self._pending: deque[Future[bytes]] = deque()
        self._buf: list[bytes] = []
        self._buffered = 0
        self._tail = b""  # the last 32 KiB handed out: the next block's dictionary
        self._crc = 0
        self._size = 0
        xfl = 2 if level >= 9 else 4 if level == 1 else 0
        sink(b"\x1f\x8b\x08\x00" + struct.pack("<L", mtime & 0xFFFFFFFF) + bytes((xfl, 255)))

    def write(self, data: bytes) -> None:
        self._buf.append(data)
        self._buffered += len(data)
        if self._buffered >= BLOCK:
            self._submit(b"".join(self._buf), last=False)
            self._buf, self._buffered = [], 0

    def _submit(self, block: bytes, *, last: bool) -> None:
        self._crc = zlib.crc32(block, self._crc)
        self._size += len(block)
        self._pending.append(self._pool.submit(_deflate, self._level, self._tail, block, last))
        self._tail = (self._tail + block)[-_WINDOW:] if len(block) < _WINDOW else block[-_WINDOW:]
        while len(self._pending) > 2 * self._threads:
            self._sink(self._pending.popleft().result())

    def close(self) -> None:
        """Finish the stream: the last block, every block in order, the trailer."""
        try:
            self._submit(b"".join(self._buf), last=True)
            self._buf = []
            while self._pending:
                self._sink(self._pending.popleft().result())
            self._sink(struct.pack("<LL", self._crc, self._size & 0xFFFFFFFF))
        finally:
            self.abort()

    def abort(self) -> None:
        """Stop without finishing (an error elsewhere): nothing more is written."""
        for f in self._pending:
            f.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)

    def __enter__(self) -> ParallelGzip:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
