"""Backup files whose content is far longer than their entry's declared size,
written without ever holding (or, gzip'd, writing) the content itself.

A gzip bomb is made of one deflate block of 1 MiB of "A" cut with a full
flush: after a full flush the compressor starts afresh, so the same bytes
stand for every further MiB and 10 GiB take 10 MB on disk. Its trailer's CRC
is not computed (that alone would read 10 GiB): a reader that stops at the
declared size never gets there, and one that does not is the bug.

    python -m tests.formats.bombs OUT_DIR   # the figures of docs/reliability.md
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import struct
import subprocess
import sys
import zlib
from pathlib import Path

MiB = 1 << 20
GiB = 1 << 30


def head(*, legacy: bool, backup_type: str = "system_config", size: int = 1,
         path: str = "public_html/index.php", content_first: bool = False) -> bytes:
    """A backup file up to the opening quote of the bomb's content."""
    digest = "sha256:" + hashlib.sha256(b"x" * size).hexdigest()
    start = (b'{\n  "version": "1.0",\n  "backup_type": "%s",\n  "file_count": 2,\n'
             b'  "files": [\n' % backup_type.encode())
    ok = b"<?php echo 1;\n"
    ok_hash = hashlib.sha256(ok).hexdigest()
    first = (f'    {{"path": "public_html/ok.php", "hash": "sha256:{ok_hash}", '
             f'"size": 14, "content": "{base64.b64encode(ok).decode()}"}},\n')
    extra = "" if legacy else '"root": "home", "mode": "0644", "type": "file", '
    if content_first:
        entry = '    {"content": "'
    else:
        entry = (f'    {{"path": "{path}", "hash": "{digest}", "size": {size}, {extra}'
                 f'"content": "')
    return start + first.encode() + entry.encode()


def tail() -> bytes:
    return b'"}\n  ]\n}\n'


def write_plain(target: Path, content_bytes: int, **kw: object) -> Path:
    """An uncompressed bomb: `content_bytes` of base64 "A" (written in MiB pieces)."""
    with open(target, "wb") as f:
        f.write(head(**kw))  # type: ignore[arg-type]
        chunk = b"A" * MiB
        left = content_bytes
        while left > 0:
            f.write(chunk[:min(left, MiB)])
            left -= MiB
        f.write(tail())
    return target


def write_gzip(target: Path, content_bytes: int, **kw: object) -> Path:
    """A gzip bomb inflating to `content_bytes` of "A" (a multiple of 1 MiB)."""
    assert content_bytes % MiB == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head(**kw)) + c.flush(zlib.Z_FULL_FLUSH)  # type: ignore[arg-type]
    block = c.compress(b"A" * MiB) + c.flush(zlib.Z_FULL_FLUSH)
    with open(target, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00\0\0\0\0\x02\xff" + first)
        for _ in range(content_bytes // MiB - 1):
            f.write(block)
        f.write(c.compress(b"A" * MiB + tail()) + c.flush(zlib.Z_FINISH))
        f.write(struct.pack("<LL", 0, (content_bytes + 64) & 0xFFFFFFFF))
    return target


def sorted_keys_gzip(target: Path, content_bytes: int) -> Path:
    """A bomb whose content comes before its size, as `jq -S` would order it."""
    return write_gzip(target, content_bytes, legacy=True, content_first=True)


def check_inflates(path: Path, upto: int) -> bytes:
    """The first `upto` inflated bytes (proves the bomb is real gzip)."""
    with gzip.open(path, "rb") as f:
        return f.read(upto)


def _measure(path: Path) -> tuple[float, int, str]:
    """Seconds and peak RSS (KiB) of `flexgit verify` in a fresh process."""
    code = ("import resource, sys, time\n"
            "from pathlib import Path\n"
            "from flexgit.verify import verify_file\n"
            "t = time.perf_counter()\n"
            "r = verify_file(Path(sys.argv[1]))\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " r.problems[0].path, r.problems[0].problem, sep='\\t')\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                         capture_output=True, text=True).stdout.strip().split("\t")
    return float(out[0]), int(out[1]), f"{out[2]}: {out[3]}"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for size in (128 * MiB, GiB, 10 * GiB):
        for name, kw in (("flx.gz", {"legacy": False}), ("legacy.flx.gz", {"legacy": True}),
                         ("flxx.gz", {"legacy": False, "backup_type": "extended"})):
            p = write_gzip(out / f"bomb-{size // MiB}M.{name}", size, **kw)
            secs, rss, line = _measure(p)
            print(f"{size // MiB} MiB {name} ({p.stat().st_size // 1024} KiB on disk): "
                  f"{secs:.3f} s, peak RSS {rss // 1024} MB: {line}")
            p.unlink()
    p = write_plain(out / "bomb-128M.flx", 128 * MiB, legacy=True)
    secs, rss, line = _measure(p)
    print(f"128 MiB plain .flx: {secs:.3f} s, peak RSS {rss // 1024} MB: {line}")
    p.unlink()
    p = sorted_keys_gzip(out / "bomb-10G-content-first.flx.gz", 10 * GiB)
    secs, rss, line = _measure(p)
    print(f"10 GiB content before size: {secs:.3f} s, peak RSS {rss // 1024} MB: {line}")
    p.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
