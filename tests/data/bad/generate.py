"""Writes the bad backup files of this directory (run by hand: python generate.py).

Each is a small file the importer must refuse with one clear line. They are
committed so the tests read real files; this script documents how each was
made and remakes them if the cases change.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def entry(path: str, data: bytes = b"<?php echo 'ok';\n", **over: Any) -> dict[str, Any]:
    e: dict[str, Any] = {"path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                         "size": len(data), "content": base64.b64encode(data).decode()}
    e.update(over)
    return e


def doc(*entries: dict[str, Any], **top: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"version": "1.0", "backup_type": "system_config",
                         "created": "2025-10-14 12:00:00", "flexpbx_version": "1.0",
                         "includes": {"system_files": True}, "file_count": len(entries),
                         "files": list(entries), "default_settings": {"timezone": "UTC"}}
    d.update(top)
    return d


def dump(d: Any) -> bytes:
    return json.dumps(d, indent=1, ensure_ascii=False).encode()


def main() -> None:
    ok = dump(doc(entry("public_html/index.php"), entry("etc/asterisk/pjsip.conf", b"[g]\n")))
    cases: dict[str, bytes] = {
        "not_json.flx": b"FlexPBX backup\nthis is not JSON\n",
        "empty.flx": b"",
        "trailing_garbage.flx": ok + b"}\n",
        "top_not_object.flx": b"[1, 2, 3]\n",
        "files_not_array.flx": dump(doc(files={"path": "x"})),
        "truncated.flx.gz": gzip.compress(ok, mtime=0)[:-30],
        "duplicate_top_key.flx": ok.replace(b'"version": "1.0"',
                                            b'"version": "1.0", "version": "1.0"', 1),
        "duplicate_key.flx": dump(doc(entry("public_html/a.php"))).replace(
            b'"size": 17', b'"size": 17, "size": 17', 1),
        "missing_field.flx": dump(doc({k: v for k, v in entry("public_html/a.php").items()
                                       if k != "hash"})),
        "mistyped_field.flx": dump(doc(entry("public_html/a.php", size="17"))),
        "bad_base64.flx": dump(doc(entry("public_html/a.php", b"abc", content="ab$c"))),
        "size_mismatch.flx": dump(doc(entry("public_html/a.php", b"abcdefgh", size=5))),
        "hash_mismatch.flx": dump(doc(entry("public_html/a.php",
                                            hash="sha256:" + hashlib.sha256(b"x").hexdigest()))),
        "path_absolute.flx": dump(doc(entry("/etc/passwd"))),
        "path_dotdot.flx": dump(doc(entry("public_html/../../.ssh/authorized_keys"))),
        "path_dot.flx": dump(doc(entry("public_html/./index.php"))),
        "path_empty_component.flx": dump(doc(entry("public_html//index.php"))),
        "path_nul.flx": dump(doc(entry("public_html/a\0.php"))),
        "path_backslash.flx": dump(doc(entry("public_html\\index.php"))),
        "path_newline.flx": dump(doc(entry("public_html/a\n.php"))),
        "path_duplicate.flx": dump(doc(entry("public_html/a.php"), entry("public_html/a.php"))),
        "path_casefold.flx": dump(doc(entry("public_html/Index.php"),
                                      entry("public_html/index.php"))),
        "path_nfc.flx": dump(doc(entry(unicodedata.normalize("NFC", "public_html/café.php")),
                                 entry(unicodedata.normalize("NFD", "public_html/café.php")))),
        "path_file_and_dir.flx": dump(doc(entry("public_html/a"), entry("public_html/a/b.php"))),
        "path_too_long.flx": dump(doc(entry("public_html/" + "/".join(["d" * 200] * 21)))),
        "path_component_too_long.flx": dump(doc(entry("public_html/" + "x" * 256))),
        "too_many_entries.flx": dump(doc(*(entry(f"public_html/p{i}.php") for i in range(6)))),
        "mode_setuid.flx": dump(doc(entry("usr/local/bin/flexpbx-x", mode="4755"))),
        "mode_device.flx": dump(doc(entry("public_html/dev", mode="020644"))),
        "bad_root.flx": dump(doc(entry("index.php", root="elsewhere"))),
        "unknown_backup_type.flx": dump(doc(entry("public_html/a.php"), backup_type="full")),
        "sensitive.flx": dump(doc(entry("public_html/a.php"), sensitive_data_included=True)),
        "with_data.flxx": dump(doc(entry("public_html/a.php"),
                                   backup_type="extended_with_data")),
        "bomb.flx.gz": gzip.compress(b'{"files": [],' + b" " * (10 << 20) + b'"x": 1}',
                                     compresslevel=9, mtime=0),
    }
    damaged = bytearray(gzip.compress(ok, mtime=0))
    damaged[-6] ^= 0xFF  # the CRC32 in the trailer
    cases["damaged_crc.flx.gz"] = bytes(damaged)
    for name, data in cases.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
