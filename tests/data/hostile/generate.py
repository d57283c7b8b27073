"""Writes the hostile backup files of this folder (run it to remake them).

Each is a small, otherwise valid .flx whose file entries try to escape the
target, collide, or lie about themselves. tests/reliability/test_hostile.py
restores every one of them and checks nothing outside the target changed."""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def entry(path: str, data: bytes = b"pwned\n", **extra: Any) -> dict[str, Any]:
    e: dict[str, Any] = {"path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                         "size": len(data), "content": base64.b64encode(data).decode()}
    e.update(extra)
    return e


def document(*entries: dict[str, Any]) -> dict[str, Any]:
    ok = entry("public_html/index.php", b"<?php echo 'ok';\n")
    files = [ok, *entries]
    return {"version": "1.0", "backup_type": "system_config", "created": "2025-10-14 12:00:00",
            "flexpbx_version": "1.0", "includes": {"system_files": True},
            "file_count": len(files), "files": files, "default_settings": {}}


nfc = unicodedata.normalize("NFC", "public_html/café.php")
nfd = unicodedata.normalize("NFD", "public_html/café.php")

CASES: dict[str, dict[str, Any]] = {
    "dotdot.flx": document(entry("../x")),
    "dotdot_deep.flx": document(entry("public_html/../../x")),
    "absolute.flx": document(entry("/etc/passwd")),
    "double_slash.flx": document(entry("//x")),
    "drive_letter.flx": document(entry("C:x")),
    "backslash.flx": document(entry("public_html\\..\\..\\x")),
    "nul.flx": document(entry("public_html/a\0.php")),
    "newline.flx": document(entry("public_html/a\n.php")),
    "long_name.flx": document(entry("public_html/" + "a" * 5000)),
    "duplicate.flx": document(entry("public_html/a.php"), entry("public_html/a.php")),
    "duplicate_nfc_nfd.flx": document(entry(nfc), entry(nfd)),
    "duplicate_case.flx": document(entry("public_html/A.php"), entry("public_html/a.php")),
    "symlink_then_child.flx": document(
        entry("public_html/evil", b"/tmp", type="symlink", mode="0777"),
        entry("public_html/evil/x.php")),
    "symlink_outside.flx": document(
        entry("public_html/shadow", b"/etc/shadow", type="symlink", mode="0777")),
    "setuid.flx": document(entry("usr/local/bin/flexpbx-x", b"#!/bin/sh\n", mode="4755")),
    "device.flx": document(entry("public_html/dev", b"", mode="20644")),
    "size_lie.flx": document({**entry("public_html/a.php", b"12345"), "size": 3}),
    "two_gb_claim.flx": document({**entry("public_html/a.php", b"x"), "size": 2 * 1024 ** 3}),
    "system_escape.flx": document(entry("etc/../../../tmp/x", root="system")),
}


def main() -> None:
    for name, doc in CASES.items():
        # ensure_ascii keeps NUL and newline as \u escapes: the JSON itself is valid.
        (HERE / name).write_text(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
