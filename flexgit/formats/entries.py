"""One entry of a backup file, checked: its fields, its path (formats/limits.py),
its content against its declared size and hash. What is wrong is one line
naming the problem; the reader decides what that means for the file."""

from __future__ import annotations

import binascii
import hashlib
import json
import re
import stat
from dataclasses import dataclass, field
from typing import Any

from flexgit.formats.limits import Limits, PathSet, path_problem

SYSTEM_PREFIXES = ("etc", "usr")  # the original restore's guess for paths without `root`
_HASH = re.compile(r"sha256:([0-9a-fA-F]{64})")
_MODE = re.compile(r"[0-7]{1,7}")


class Bad(Exception):
    """One entry is unusable; the message is the problem."""


@dataclass
class FileEntry:
    index: int
    label: str  # how problems name the entry: its path, escaped when unprintable
    path: str  # as written in the file
    root: str  # "home" or "system"
    tree_path: str  # "home/<path>" or "system/<path>"
    kind: str  # "file" or "symlink"
    mode: int | None  # permission bits; None when the file gives none
    data: bytes
    owner: str | None = None
    group: str | None = None
    category: str | None = None
    sanitized: dict[str, int] = field(default_factory=dict)
    hash_problem: str | None = None  # set only when the reader keeps bad-hash entries


def label_of(path: object, index: int) -> str:
    if not isinstance(path, str) or not path:
        return f"files[{index}]"
    text = path if path.isprintable() else json.dumps(path)
    return text if len(text) <= 200 else text[:200] + "…"



def check(index: int, item: dict[str, Any], limits: Limits, paths: PathSet, *,
          keep_bad_hash: bool = False) -> FileEntry:
    """The entry `item` (the `index`th) as a FileEntry, or Bad saying what is wrong."""
    for name, kind in (("path", str), ("hash", str), ("size", int), ("content", str)):
        if name not in item:
            raise Bad(f"missing field {name!r}")
        v = item[name]
        if not isinstance(v, kind) or isinstance(v, bool):
            raise Bad(f"field {name!r} must be {'a string' if kind is str else 'an integer'}")
    path, size, content = item["path"], item["size"], item["content"]
    for name in ("root", "mode", "type", "owner", "group", "category"):
        if name in item and not isinstance(item[name], str):
            raise Bad(f"field {name!r} must be a string")
    problem = path_problem(path, limits)
    if problem:
        raise Bad(problem)
    root = item.get("root")
    if root is None:
        root = "system" if path.split("/", 1)[0] in SYSTEM_PREFIXES else "home"
    elif root not in ("home", "system"):
        raise Bad(f"root must be 'home' or 'system', not {root!r}")
    kind = item.get("type", "file")
    if kind not in ("file", "symlink"):
        raise Bad(f"type must be 'file' or 'symlink', not {kind!r}")
    mode = None
    if "mode" in item:
        mode, problem = parse_mode(item["mode"], kind)
        if problem:
            raise Bad(problem)
    m = _HASH.fullmatch(item["hash"])
    if m is None:
        raise Bad("hash must be 'sha256:' and 64 hex digits")
    if size < 0:
        raise Bad("size must not be negative")
    if size > limits.max_bytes:
        raise Bad(f"size {size} is over the limit of {limits.max_bytes} bytes")
    # Bound the work before decoding: base64 of `size` bytes has one exact length.
    if len(content) != 4 * ((size + 2) // 3):
        if not _is_base64(content):
            raise Bad("content is not valid base64")
        raise Bad(f"content does not decode to {size} bytes (size)")
    try:
        data = _b64decode(content)
    except (binascii.Error, ValueError):
        raise Bad("content is not valid base64") from None
    if len(data) != size:
        raise Bad(f"content decodes to {len(data)} bytes but size says {size}")
    digest = hashlib.sha256(data).hexdigest()
    hash_problem = None
    if digest != m.group(1).lower():
        # The original tool's words, so scripts and habits keep working.
        hash_problem = (f"Hash mismatch for {path}: the content's sha256 is "
                        f"{digest[:16]}…, the file says {m.group(1)[:16].lower()}…")
        if not keep_bad_hash:
            raise Bad(hash_problem)
    if kind == "symlink" and (not data or b"\0" in data):
        raise Bad("symlink target is empty or contains a NUL byte")
    sanitized = item.get("sanitized", {})
    if not isinstance(sanitized, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0
            for n in sanitized.values()):
        raise Bad("field 'sanitized' must map rule names to counts")
    tree_path = f"{root}/{path}"
    problem = paths.add(tree_path)
    if problem:
        raise Bad(problem)
    return FileEntry(index, label_of(path, index), path, root, tree_path, kind, mode, data,
                     item.get("owner"), item.get("group"), item.get("category"),
                     dict(sanitized), hash_problem)


def _b64decode(text: str) -> bytes:
    """Strict base64 (only the alphabet, padding only at the end): the check
    b64decode(validate=True) makes, without its ASCII copy of the content."""
    return binascii.a2b_base64(text, strict_mode=True)


def _is_base64(text: str) -> bool:
    try:
        _b64decode(text)
    except (binascii.Error, ValueError):
        return False
    return True


def parse_mode(value: str, kind: str) -> tuple[int, str | None]:
    """Permission bits of a `mode` field, or a problem."""
    if not _MODE.fullmatch(value):
        return 0, f"mode {value!r} is not an octal number"
    mode = int(value, 8)
    if mode > 0o7777:
        ftype = stat.S_IFMT(mode)
        if not ((ftype == stat.S_IFREG and kind == "file")
                or (ftype == stat.S_IFLNK and kind == "symlink")) or mode & ~0o177777:
            return 0, f"mode {value} is not a regular file or symlink (device or special file)"
        mode = stat.S_IMODE(mode)
    if mode & (stat.S_ISUID | stat.S_ISGID):
        return 0, f"mode {value} has the setuid or setgid bit"
    return mode & 0o1777, None
