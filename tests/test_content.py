"""Text or binary, decoded losslessly (flexgit/content.py), and the text
images carry (what decides whether an image may enter a shareable snapshot)."""

from __future__ import annotations

import os
import random
import struct
import zlib

import pytest

from flexgit import content
from flexgit.snapshot import binary_problem


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(*chunks: bytes) -> bytes:
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", bytes(13)) + b"".join(chunks)
            + _chunk(b"IDAT", zlib.compress(os.urandom(64))) + _chunk(b"IEND", b""))


@pytest.mark.parametrize("data", [
    "password=abc\n".encode("utf-16"), "password=abc\n".encode("utf-16-be"),
    "password=abc\n".encode("utf-32"), "caf\xe9\n".encode("latin-1"),
    b"line one\x00 of some text\n",
    b"\xef\xbb\xbfbom\n", b"\xff\xfe" + b"torn",
])
def test_text_round_trips_byte_for_byte(data: bytes) -> None:
    text = content.decode(data)
    assert text is not None and text.encode(text.text) == data


@pytest.mark.parametrize(("data", "kind"), [
    (_png(), "image"), (b"\xff\xd8\xff\xe0" + os.urandom(200), "image"),
    (b"SQLite format 3\x00" + os.urandom(200), "database"),
    (b"PK\x03\x04" + os.urandom(200), "archive"), (os.urandom(4096), "data"),
    (b"\x89PNG\r\n\x1a\n" + b"\npassword=Xx81!qqLz\n" * 5, None),  # text behind a magic number
])
def test_binary_kinds(data: bytes, kind: str | None) -> None:
    assert content.binary_kind(data) == kind


def test_an_image_with_secrets_in_its_metadata_stays_out() -> None:
    assert binary_problem(_png(_chunk(b"tEXt", b"Software\x00GIMP 2.10"))) is None
    for leaky in (_png(_chunk(b"tEXt", b"Comment\x00admin password: Qq81!zzLp")),
                  _png(_chunk(b"zTXt", b"Author\x00\x00" + zlib.compress(b"anna.berg@libero.it"))),
                  b"\xff\xd8\xff\xfe" + struct.pack(">H", 30) + b"Call +44 20 7946 0958 now"
                  + b"\xff\xda" + os.urandom(64)):
        assert binary_problem(leaky) is not None


def test_random_bytes_are_data_whatever_the_draw() -> None:
    # Random bytes hold controls at about the text threshold: before the UTF-8
    # check, one draw in eight of 4 KiB passed for text and was sanitized as such.
    rng = random.Random(20261202)
    for size in (200, 600, 4096, 20000):
        for _ in range(400):
            assert content.binary_kind(rng.randbytes(size)) == "data"
