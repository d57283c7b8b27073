"""What a file's bytes are: text (in which encoding) or binary (of which kind).

The one place that decides it, for the sanitizer, the audit, diffs and the
restore. Decoding never decides *whether* a file is sanitized: any text is
decoded losslessly and written back in its own encoding, so a Latin-1 byte,
invalid UTF-8 or a stray NUL changes nothing about what the rules see.

* UTF-8 (with or without BOM); any other 8-bit text (Latin-1, cp1252, or a
  file with invalid UTF-8) is read as Latin-1, one character a byte, so every
  byte comes back as it was and accented names are letters to the rules.
* UTF-16 and UTF-32 with a BOM, or UTF-16 without one when every other byte
  is NUL: decoded in that encoding (surrogatepass keeps unpaired halves).
* Binary: a known magic number, or many control bytes in the first 8 KiB.
  ``binary_kind`` says what it is, so the snapshot can keep harmless static
  assets (images, fonts) and leave out the rest with a warning.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import zlib
from dataclasses import dataclass

_PROBE = 8192

# Encodings with a byte-order mark, longest first (UTF-32-LE's BOM starts
# with UTF-16-LE's).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# (magic at offset 0, kind). Kinds in ASSET_KINDS are static web assets that
# cannot hold a secret of the installation's; every other kind is user data
# or a secret by what it is (databases, audio, archives, key stores).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"BM", "image"),
    (b"\x00\x00\x01\x00", "image"),  # .ico
    (b"wOFF", "font"),
    (b"wOF2", "font"),
    (b"OTTO", "font"),
    (b"\x00\x01\x00\x00\x00", "font"),  # TrueType
    (b"SQLite format 3\x00", "database"),
    (b"RIFF", "audio"),  # WAV (and WebP, checked below)
    (b"OggS", "audio"),
    (b"ID3", "audio"),
    (b"fLaC", "audio"),
    (b"#!AMR", "audio"),
    (b"PK\x03\x04", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"BZh", "archive"),
    (b"\xfd7zXZ\x00", "archive"),
    (b"7z\xbc\xaf\x27\x1c", "archive"),
    (b"Rar!", "archive"),
    (b"%PDF", "document"),
    (b"\xd0\xcf\x11\xe0", "document"),  # OLE (old Office)
    (b"\x7fELF", "program"),
    (b"\x30\x82", "keystore"),  # DER: PKCS#12, certificates, keys
    (b"\xfe\xed\xfe\xed", "keystore"),  # Java keystore
)
ASSET_KINDS = frozenset({"image", "font"})

# Bytes that never occur in text: C0 controls but tab, LF, FF, CR, ESC, BS.
_CONTROL = bytes(b for b in range(32) if b not in (8, 9, 10, 12, 13, 27)) + b"\x7f"
_DELETE_CONTROL = bytes.maketrans(b"", b"")


@dataclass(frozen=True, slots=True)
class Text:
    """A decoded text and how to turn it back into the same bytes."""

    text: str
    encoding: str  # a Python codec name
    bom: bytes  # written back in front

    def encode(self, text: str) -> bytes:
        errors = "surrogateescape" if self.encoding == "utf-8" else "surrogatepass"
        return self.bom + text.encode(self.encoding, errors)


def binary_kind(data: bytes) -> str | None:
    """The kind of a binary file ("image", "audio", "database", ...; "data"
    for an unknown one), or None when the bytes are text."""
    if _bom(data) is not None or _utf16_without_bom(data) is not None:
        return None
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if magic == b"RIFF" and data[8:12] == b"WEBP":
                kind = "image"
            # Text behind the magic number of a kind that is kept as it is
            # ("\x89PNG...\npassword=x") is text, sanitized as text: a real
            # image or font is mostly not printable. Other kinds stay out anyway.
            if kind in ASSET_KINDS and _mostly_text(data[len(magic):]):
                return None
            return kind
    head = data[:_PROBE]
    if not head:
        return None
    controls = len(head) - len(head.translate(_DELETE_CONTROL, _CONTROL))
    # A NUL or two in a PHP file is still a PHP file; a tenth of them is not.
    if controls * 10 > len(head):
        return "data"
    # Random bytes hold controls at 11 % on average, so a probe of them falls
    # under a tenth now and then; they are never UTF-8, while text in a legacy
    # 8-bit code page holds next to no controls.
    if controls * 33 > len(head) and not _utf8_prefix(head):
        return "data"
    return None


def _utf8_prefix(head: bytes) -> bool:
    """Whether `head` is valid UTF-8 (a character cut at its end allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


_PRINTABLE = bytes(range(32, 127)) + b"\t\r\n"


def _mostly_text(rest: bytes) -> bool:
    head = rest[:_PROBE]
    if len(head) < 16:
        return False
    return len(head.translate(None, _PRINTABLE)) * 20 < len(head)


def image_text(data: bytes) -> str:
    """The text an image carries besides its pixels (PNG tEXt/iTXt/zTXt
    chunks, JPEG comments and EXIF/XMP segments, GIF comments): where a
    name, an address or a password can hide in a "harmless" asset."""
    parts: list[bytes] = []
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        pos = 8
        while pos + 8 <= len(data):
            length = int.from_bytes(data[pos:pos + 4], "big")
            kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
            if kind in (b"tEXt", b"iTXt"):
                parts.append(body)
            elif kind == b"zTXt":
                with contextlib.suppress(zlib.error):
                    # keyword, NUL, compression method (one byte), deflated text
                    parts.append(zlib.decompress(body.partition(b"\0")[2][1:]))
            elif kind == b"IEND":
                break
            pos += 12 + length
    elif data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 4 <= len(data) and data[pos] == 0xFF:
            marker = data[pos + 1]
            if marker == 0xDA:  # start of scan: pixels follow
                break
            length = int.from_bytes(data[pos + 2:pos + 4], "big")
            if marker == 0xFE or 0xE1 <= marker <= 0xEF:  # COM, APP1..APP15
                parts.append(data[pos + 4:pos + 2 + length])
            pos += 2 + length
    elif data.startswith((b"GIF87a", b"GIF89a")):
        parts.extend(m for m in re.findall(rb"\x21\xfe((?:[\x01-\xff][^\x00]*?)+)\x00", data))
    runs = re.findall(rb"[\x20-\x7e\t\n]{4,}", b"\n".join(parts))
    return b"\n".join(runs).decode("ascii")


def is_binary(data: bytes) -> bool:
    return binary_kind(data) is not None


def decode(data: bytes) -> Text | None:
    """The text of `data`, losslessly, or None for a binary file."""
    if binary_kind(data) is not None:
        return None
    found = _bom(data) or _utf16_without_bom(data)
    if found is None:
        try:
            return Text(data.decode("utf-8"), "utf-8", b"")
        except UnicodeDecodeError:
            # Not UTF-8: a legacy 8-bit file, read as Latin-1 (every byte one
            # character, so it is written back byte for byte) so that names
            # such as "Wójcik" are letters to the rules, not undecodable bytes.
            return Text(data.decode("latin-1"), "latin-1", b"")
    bom, encoding = found
    body = data[len(bom):]
    if encoding == "utf-8":
        return Text(body.decode("utf-8", "surrogateescape"), "utf-8", bom)
    try:
        return Text(body.decode(encoding, "surrogatepass"), encoding, bom)
    except UnicodeDecodeError:
        # A torn UTF-16/32 file (odd length, a bad code unit): still text, read
        # byte for byte so that nothing in it escapes the rules.
        return Text(data.decode("utf-8", "surrogateescape"), "utf-8", b"")


def _bom(data: bytes) -> tuple[bytes, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return bom, encoding
    return None


def _utf16_without_bom(data: bytes) -> tuple[bytes, str] | None:
    """UTF-16 of mostly ASCII text, as Windows tools write it: every other
    byte NUL, on one side only."""
    head = data[:_PROBE]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) * 10 >= len(odd) * 9 and even.count(0) == 0:
        return b"", "utf-16-le"
    if even.count(0) * 10 >= len(even) * 9 and odd.count(0) == 0:
        return b"", "utf-16-be"
    return None
