"""Declared sizes bound the reading: a content far longer than its `size` is
refused after about `size` bytes, in time and memory that do not grow with
what the file would inflate to (issue 13, point 6)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from flexgit.formats.reader import ENTRY_FIELDS, TOP_FIELD, Invalid, Reader
from flexgit.verify import verify_file
from tests.conftest import Env
from tests.formats import bombs

GiB, MiB = bombs.GiB, bombs.MiB
SIZE_LINE = "public_html/index.php: content is longer than its declared size of 1 bytes"


def _read(path: Path) -> None:
    Reader(path).read(lambda e: None, lambda label, problem: None)


FORMS: dict[str, Any] = {
    "flx.gz 10 GiB": lambda d: bombs.write_gzip(d / "b.flx.gz", 10 * GiB, legacy=False),
    "legacy flx.gz 10 GiB": lambda d: bombs.write_gzip(d / "b.flx.gz", 10 * GiB, legacy=True),
    "flxx.gz 10 GiB": lambda d: bombs.write_gzip(d / "b.flxx.gz", 10 * GiB, legacy=False,
                                                 backup_type="extended"),
    "plain flx 64 MiB": lambda d: bombs.write_plain(d / "b.flx", 64 * MiB, legacy=False),
    "legacy plain flxx 64 MiB": lambda d: bombs.write_plain(d / "b.flxx", 64 * MiB,
                                                            legacy=True, backup_type="extended"),
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_bomb_is_refused_at_its_declared_size(env: Env, form: str) -> None:
    path = FORMS[form](env.tmp)
    assert env.run("snapshot").exit_code == 0
    before = env.git("rev-parse", "main")
    start = time.perf_counter()
    r = env.run("import", str(path))
    took = time.perf_counter() - start
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines() == [f"Error: {path}: {SIZE_LINE}; refused without reading "
                                     f"further"]
    assert took < 5, took
    assert env.git("rev-parse", "main") == before
    # verify names the same entry, as a finding (exit 4)
    r = env.run("verify", str(path))
    assert r.exit_code == 4, r.output
    assert SIZE_LINE in r.output


def test_the_gzip_bomb_is_real_gzip(tmp_path: Path) -> None:
    path = bombs.write_gzip(tmp_path / "b.flx.gz", 4 * MiB, legacy=True)
    text = bombs.check_inflates(path, 3 * MiB)
    assert text.startswith(b'{\n  "version": "1.0"') and text.endswith(b"A" * MiB)


def test_a_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = bombs.write_gzip(tmp_path / "b.flx.gz", GiB, legacy=True)
    tracemalloc.start()
    try:
        with pytest.raises(Invalid, match=SIZE_LINE):
            _read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB, peak


def test_content_before_its_size_is_capped(tmp_path: Path) -> None:
    path = bombs.sorted_keys_gzip(tmp_path / "b.flx.gz", 10 * GiB)
    start = time.perf_counter()
    with pytest.raises(Invalid, match=r"files\[1\]: content comes before a valid 'size' and "
                                      r"is longer than 33554432 bytes; write 'size' before"):
        _read(path)
    assert time.perf_counter() - start < 5


def _one_entry(path: Path, data: bytes, content: str | None = None, **extra: Any) -> Path:
    entry = {"path": "public_html/big.bin", "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
             "size": len(data), **extra}
    text = json.dumps({"version": "1.0", "files": [entry]})
    body = content if content is not None else base64.b64encode(data).decode()
    # content last, as every writer we know puts it
    size = f'"size": {len(data)}'
    path.write_text(text.replace(size, f'{size}, "content": "{body}"', 1))
    return path


def test_a_large_real_file_reads_in_linear_time(tmp_path: Path) -> None:
    # ijson's C parser re-lexed a string spanning its buffers from the start:
    # 32 MiB of base64 took seconds, 128 MiB 42 s.
    data = bytes(range(256)) * (48 * MiB // 256)  # 64 MiB of base64: ijson took 12.7 s
    path = _one_entry(tmp_path / "big.flx", data)
    got: list[bytes] = []
    start = time.perf_counter()
    Reader(path).read(lambda e: got.append(e.data), lambda label, p: pytest.fail(p))
    assert time.perf_counter() - start < 4
    assert got == [data]


def test_php_escaped_slashes_in_content_are_read(tmp_path: Path) -> None:
    data = bytes([0xFF, 0xFF, 0xFF]) * 1000  # base64 "////..."
    b64 = base64.b64encode(data).decode()
    path = _one_entry(tmp_path / "php.flx", data, content=b64.replace("/", "\\/"))
    got: list[bytes] = []
    Reader(path).read(lambda e: got.append(e.data), lambda label, p: pytest.fail(p))
    assert got == [data]


def _gz_doc(path: Path, before: bytes, filler: bytes, n: int) -> Path:
    """A gzip of `before` + `filler` * n MiB, never closed (no end needed)."""
    import zlib

    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        f.write(c.compress(before))
        block = filler * (MiB // len(filler))
        for _ in range(n):
            f.write(c.compress(block))
        f.write(c.flush())
    return path


@pytest.mark.parametrize("name, before, filler, line", [
    ("setting string", b'{"version": "1.0", "default_settings": {"a": "', b"A",
     f"field 'default_settings' is larger than the limit of {TOP_FIELD} bytes"),
    ("path", b'{"files": [{"path": "', b"a",
     f"files[0]: the entry's fields are larger than {ENTRY_FIELDS} bytes"),
    ("whitespace between entries", b'{"files": [{"path": "a"}', b" ",
     f"files[0]: the entry's fields are larger than {ENTRY_FIELDS} bytes"),
    ("a long key", b'{"', b"k", f"a top-level key is longer than {TOP_FIELD} bytes"),
])
def test_other_long_tokens_are_refused_early(tmp_path: Path, name: str, before: bytes,
                                             filler: bytes, line: str) -> None:
    path = _gz_doc(tmp_path / "t.flx.gz", before, filler, 200)
    start = time.perf_counter()
    report = verify_file(path)
    assert report.problems[-1].problem == line, name  # the last: reading stopped there
    assert time.perf_counter() - start < 5


def test_a_long_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.flx"
    path.write_text('{"files": [{"path": "a", "size": ' + "9" * 5000 + "}]}")
    with pytest.raises(Invalid, match="not valid JSON: parse error: number of more than 64"):
        _read(path)
