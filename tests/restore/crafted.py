"""Crafted backup files: an honest export of the sample installation, then
entries replaced or added as an attacker would, with their hashes and sizes
made right again so the file passes every check the reader makes."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from tests.conftest import Env


def exported(env: Env, out: Path) -> Path:
    """An honest .flx of the sample installation's latest snapshot."""
    r = env.run("--json", "snapshot")
    assert r.exit_code in (0, 3), r.output
    r = env.run("--json", "export", "-o", str(out))
    assert r.exit_code == 0, r.output
    return next(p for p in out.glob("flexpbx-*.flx") if not p.is_symlink())


def craft(src: Path, dest: Path, *, files: dict[str, bytes] | None = None,
          links: dict[str, str] | None = None, modes: dict[str, str] | None = None) -> Path:
    """A copy of the backup file `src` with `files` ("system/etc/…" or
    "home/…": content) and `links` (path: target) set, added if new."""
    doc = json.loads(src.read_text())
    entries = {f"{e['root']}/{e['path']}": e for e in doc["files"]}
    for tree_path, data in (files or {}).items():
        _put(entries, tree_path, data, "file", (modes or {}).get(tree_path, "0644"))
    for tree_path, target in (links or {}).items():
        _put(entries, tree_path, target.encode(), "symlink", "0777")
    doc["files"] = list(entries.values())
    doc["file_count"] = len(doc["files"])
    dest.write_text(json.dumps(doc))
    return dest


def _put(entries: dict[str, dict[str, object]], tree_path: str, data: bytes, kind: str,
         mode: str) -> None:
    root, _, path = tree_path.partition("/")
    old = entries.get(tree_path, {})
    category = old.get("category") or ("sudo_config" if "sudoers" in path else
                                       "system_scripts" if path.startswith("usr/") else
                                       "system_files")
    entries[tree_path] = {**old, "path": path, "root": root, "type": kind,
                          "mode": old.get("mode", mode) if kind == "file" else mode,
                          "owner": "root", "group": "root", "category": category,
                          "size": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                          "content": base64.b64encode(data).decode()}
