"""What an image or a font pushed to the central repository really holds.

A magic number is a claim, not a fact: the guard keeps a static asset only
when its bytes are a well-formed instance of the kind they claim (every
chunk, segment, block or table inside the file and the file ending where its
format says it ends), and hands back every place where text can sit inside
it -- PNG text chunks (compressed ones inflated), JPEG comments and
application segments, GIF comments, font text tables (WOFF's inflated,
WOFF2's brotli stream unpacked) -- for the detectors. Anything else (bytes
after the end, a bad checksum, a table outside the file, a part that
inflates without bound) is a problem, and the guard refuses the file: what
it cannot read for sure does not get in.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import brotli

# What one compressed chunk or table may inflate to: far beyond any real
# icon's or font's text, far below what would exhaust the server.
MAX_INFLATED = 16 << 20


class Malformed(Exception):
    """The bytes are not what their magic number claims; the reason."""


@dataclass
class Inspection:
    problem: str | None = None  # why the file is refused, or None
    texts: list[bytes] = field(default_factory=list)  # where text can hide


def inspect(data: bytes) -> Inspection:
    """The texts inside an asset, or the problem with it."""
    found = Inspection()
    for magic, reader in _READERS:
        if data.startswith(magic):
            try:
                reader(data, found.texts)
            except Malformed as e:
                found.problem = str(e)
            except (IndexError, ValueError, struct.error):
                found.problem = "it ends inside its own structure"
            return found
    found.problem = "its format is not one the guard can read"
    return found


def _inflate(raw: bytes) -> bytes:
    d = zlib.decompressobj()
    try:
        out = d.decompress(raw, MAX_INFLATED)
    except zlib.error:
        raise Malformed("a compressed part does not inflate") from None
    if d.unconsumed_tail:
        raise Malformed(f"a compressed part inflates past {MAX_INFLATED >> 20} MiB")
    return out


def _png(data: bytes, texts: list[bytes], start: int = 8) -> int:
    """Walks the chunks from `start`; returns where IEND ends."""
    pos, first = start, True
    while True:
        if pos + 12 > len(data):
            raise Malformed("it has no IEND chunk")
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise Malformed("a chunk runs past the file's end")
        crc = int.from_bytes(data[pos + 8 + length:pos + 12 + length], "big")
        if not kind.isalpha() or zlib.crc32(kind + body) != crc:
            raise Malformed(f"chunk {kind!r} is damaged (type or checksum)")
        if first and kind != b"IHDR":
            raise Malformed("it does not start with IHDR")
        first = False
        pos += 12 + length
        if kind == b"IEND":
            return pos
        if kind == b"IDAT":
            continue  # compressed pixels
        if kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            texts += [keyword, _inflate(rest[1:])]
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            compressed, rest = rest[:1] == b"\x01", rest[2:]
            lang, _, rest = rest.partition(b"\0")
            translated, _, text = rest.partition(b"\0")
            texts += [keyword, lang, translated, _inflate(text) if compressed else text]
        else:
            texts.append(body)  # tEXt, eXIf, private chunks: any may carry text


def _whole_png(data: bytes, texts: list[bytes]) -> None:
    _ends(data, _png(data, texts))


def _ends(data: bytes, end: int) -> None:
    if end != len(data):
        raise Malformed(f"{len(data) - end} byte(s) follow its end")


_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# The font tables that hold text (names, copyright, metadata); the others are
# outlines and metrics, bytes that look like anything to the detectors.
_TEXT_TABLES = frozenset({b"name", b"meta"})


def _jpeg(data: bytes, texts: list[bytes]) -> None:
    pos = 2
    while True:
        while data[pos] == 0xFF and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes
        if data[pos] != 0xFF:
            raise Malformed(f"no marker at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xD9:
            return _ends(data, pos + 2)
        if marker in _STANDALONE:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2 or pos + 2 + length > len(data):
            raise Malformed("a segment runs past the file's end")
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:  # COM, APP0..APP15
            texts.append(data[pos + 4:pos + 2 + length])
        pos += 2 + length
        if marker == 0xDA:  # entropy-coded data up to the next real marker
            while True:
                pos = data.index(b"\xff", pos)
                if data[pos + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                pos += 2


def _gif(data: bytes, texts: list[bytes]) -> None:
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while True:
        block = data[pos]
        if block == 0x3B:
            return _ends(data, pos + 1)
        if block == 0x21:
            # Comment, plain text, application, graphic control: text can sit in any.
            pos, body = _sub_blocks(data, pos + 2)
            texts.append(body)
        elif block == 0x2C:
            flags = data[pos + 9]
            pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1  # + LZW size
            pos, _pixels = _sub_blocks(data, pos)
        else:
            raise Malformed(f"unknown block {block:#x} at byte {pos}")


def _sub_blocks(data: bytes, pos: int) -> tuple[int, bytes]:
    out = bytearray()
    while (size := data[pos]) != 0:
        if pos + 1 + size > len(data):
            raise Malformed("a block runs past the file's end")
        out += data[pos + 1:pos + 1 + size]
        pos += 1 + size
    return pos + 1, bytes(out)


def _bmp(data: bytes, texts: list[bytes]) -> None:
    if int.from_bytes(data[2:6], "little") != len(data):
        raise Malformed("its size field is not its size")
    texts.append(data)  # uncompressed: its pixels are bytes as themselves


def _ico(data: bytes, texts: list[bytes]) -> None:
    count = int.from_bytes(data[4:6], "little")
    end = 6 + 16 * count
    for i in range(count):
        size, offset = struct.unpack_from("<II", data, 6 + 16 * i + 8)
        image = data[offset:offset + size]
        if len(image) != size or offset < 6 + 16 * count:
            raise Malformed("an icon image lies outside the file")
        if image.startswith(b"\x89PNG\r\n\x1a\n"):
            _whole_png(image, texts)
        end = max(end, offset + size)
    _ends(data, end)


def _riff(data: bytes, texts: list[bytes]) -> None:
    if data[8:12] != b"WEBP":
        raise Malformed("a RIFF file that is not WebP is no image")
    size = int.from_bytes(data[4:8], "little")
    _ends(data, 8 + size + (size & 1))


def _sfnt(data: bytes, texts: list[bytes]) -> None:
    count = int.from_bytes(data[4:6], "big")
    end = 12 + 16 * count
    for i in range(count):
        tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        if offset + length > len(data):
            raise Malformed("a table lies outside the file")
        if tag in _TEXT_TABLES:
            texts.append(data[offset:offset + length])
        end = max(end, offset + length)
    _ends(data, min(len(data), (end + 3) & ~3))


def _woff(data: bytes, texts: list[bytes]) -> None:
    (length, count, _res, _total, _maj, _min, meta, meta_len, _orig, priv,
     priv_len) = struct.unpack_from(">IHHIHHIIIII", data, 8)
    if length != len(data):
        raise Malformed("its length field is not its size")
    for i in range(count):
        tag, offset, comp, orig, _sum = struct.unpack_from(">4sIIII", data, 44 + 20 * i)
        table = data[offset:offset + comp]
        if len(table) != comp:
            raise Malformed("a table lies outside the file")
        # Every table inflated (a damaged one refuses the font), the text ones read.
        table = _inflate(table) if comp < orig else table
        if tag in _TEXT_TABLES:
            texts.append(table)
    if meta_len:
        texts.append(_inflate(data[meta:meta + meta_len]))
    if priv_len:
        texts.append(data[priv:priv + priv_len])


def _woff2(data: bytes, texts: list[bytes]) -> None:
    """WOFF2: one brotli stream of every table, after a directory of their
    lengths (W3C WOFF2 5.1-5.2); the stream must hold exactly those bytes."""
    (flavor, length, count, _res, _sfnt, compressed, _maj, _min, meta, meta_len, _meta_orig,
     priv, priv_len) = struct.unpack_from(">4sIHHIIHHIIIII", data, 4)
    if length != len(data):
        raise Malformed("its length field is not its size")
    if flavor == b"ttcf":
        raise Malformed("it is a font collection, which the guard does not read")
    pos, tables = 48, []
    for _ in range(count):
        flags, pos = data[pos], pos + 1
        if flags & 63 == 63:
            tag, pos = data[pos:pos + 4], pos + 4
        else:
            tag = _WOFF2_KNOWN.get(flags & 63, b"")
        stored, pos = _base128(data, pos)
        # glyf and loca are transformed unless version 3; others only when not 0.
        if (flags >> 6 != 3) if tag in (b"glyf", b"loca") else (flags >> 6 != 0):
            stored, pos = _base128(data, pos)
        tables.append((tag, stored))
    stream = data[pos:pos + compressed]
    if len(stream) != compressed:
        raise Malformed("its compressed tables run past the file's end")
    unpacked = _unbrotli(stream)
    if len(unpacked) != sum(n for _tag, n in tables):
        raise Malformed("its compressed tables are not the lengths its directory gives")
    offset = 0
    for tag, n in tables:
        if tag in _TEXT_TABLES:
            texts.append(unpacked[offset:offset + n])
        offset += n
    if meta_len:
        texts.append(_unbrotli(data[meta:meta + meta_len]))
    if priv_len:
        texts.append(data[priv:priv + priv_len])


# The numbered tags of WOFF2's table directory (5.1) that matter here.
_WOFF2_KNOWN = {5: b"name", 10: b"glyf", 11: b"loca"}


def _base128(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(5):
        byte = data[pos + i]
        if i == 0 and byte == 0x80:
            raise Malformed("a length in its directory is badly encoded")
        value = value << 7 | byte & 0x7F
        if not byte & 0x80:
            return value, pos + i + 1
    raise Malformed("a length in its directory is badly encoded")


def _unbrotli(raw: bytes) -> bytes:
    d = brotli.Decompressor()
    try:
        out: bytes = d.process(raw, output_buffer_limit=MAX_INFLATED + 1)
    except brotli.error:
        raise Malformed("a compressed part does not inflate") from None
    if len(out) > MAX_INFLATED:
        raise Malformed(f"a compressed part inflates past {MAX_INFLATED >> 20} MiB")
    if not d.is_finished():
        raise Malformed("a compressed part is cut short")
    return out


_READERS: tuple[tuple[bytes, Callable[[bytes, list[bytes]], None]], ...] = (
    (b"\x89PNG\r\n\x1a\n", _whole_png),
    (b"\xff\xd8\xff", _jpeg),
    (b"GIF87a", _gif),
    (b"GIF89a", _gif),
    (b"BM", _bmp),
    (b"\x00\x00\x01\x00", _ico),
    (b"RIFF", _riff),
    (b"wOFF", _woff),
    (b"wOF2", _woff2),
    (b"OTTO", _sfnt),
    (b"\x00\x01\x00\x00", _sfnt),
)
