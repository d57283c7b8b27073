from __future__ import annotations

import gzip
import io
import random
import shutil
import subprocess
import zlib

import pytest

from flexgit.formats.pgzip import BLOCK, ParallelGzip


def _pgzip(pieces: list[bytes], **kw: int) -> bytes:
    out = io.BytesIO()
    with ParallelGzip(out.write, **kw) as gz:
        for p in pieces:
            gz.write(p)
    return out.getvalue()


def _text(n: int, seed: int = 1) -> bytes:
    r = random.Random(seed)
    words = [b"extension", b"queue", b"trunk", b"=>", b"\n", b"secret", b"[general]", b" "]
    out = bytearray()
    while len(out) < n:
        out += r.choice(words)
    return bytes(out[:n])


@pytest.mark.parametrize("sizes", [[], [0], [1], [BLOCK - 1], [BLOCK], [BLOCK + 1],
                                   [7] * 1000, [BLOCK // 3] * 10, [3 * BLOCK + 5]])
def test_round_trip_at_every_block_boundary(sizes: list[int]) -> None:
    r = random.Random(len(sizes))
    pieces = [_text(n, r.randrange(1000)) if i % 2 else r.randbytes(n)
              for i, n in enumerate(sizes)]
    data = b"".join(pieces)
    packed = _pgzip(pieces, threads=3)
    assert gzip.decompress(packed) == data
    # One member: zlib with gzip framing stops at its end and leaves nothing.
    d = zlib.decompressobj(31)
    assert d.decompress(packed) == data and d.eof and d.unused_data == b""


def test_compresses_about_as_well_as_one_stream() -> None:
    data = _text(5 * BLOCK)
    ours = _pgzip([data[i:i + 4096] for i in range(0, len(data), 4096)], level=6)
    plain = gzip.compress(data, compresslevel=6)
    assert len(ours) < 1.02 * len(plain)


def test_header_carries_mtime_and_gunzip_accepts_it(tmp_path: object) -> None:
    packed = _pgzip([_text(2 * BLOCK + 17)], mtime=1_700_000_000)
    assert packed[:4] == b"\x1f\x8b\x08\x00"
    assert int.from_bytes(packed[4:8], "little") == 1_700_000_000
    if shutil.which("gzip"):
        r = subprocess.run(["gzip", "-t"], input=packed, capture_output=True)
        assert r.returncode == 0, r.stderr


def test_an_error_while_writing_stops_without_a_trailer() -> None:
    out = io.BytesIO()
    with pytest.raises(RuntimeError), ParallelGzip(out.write) as gz:
        gz.write(_text(3 * BLOCK))
        raise RuntimeError("the export failed")
    with pytest.raises((EOFError, zlib.error, gzip.BadGzipFile)):
        gzip.decompress(out.getvalue())
