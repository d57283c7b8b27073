"""Merging a sanitized source into live files without losing live secrets.

Text: the sanitizer keeps line counts and changes only literals, so a live
line and its sanitized form correspond one to one. A source line holding a
placeholder that equals some sanitized live line takes that live line back.

JSON: the change from a base (the last snapshot, or nothing) to the source is
computed with deepdiff and applied onto the live document; where live also
changed a value, live wins and the path is listed as a conflict; a placeholder
never overwrites a live value.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flexgit import sanitize
from flexgit.sanitize import is_placeholder

_MISSING = object()


def has_placeholder(text: str) -> bool:
    return sanitize.SECRET_PLACEHOLDER in text or any(
        p in text for p in _TEXT_PLACEHOLDERS)


_TEXT_PLACEHOLDERS = tuple(v for v in sanitize.placeholders.PLACEHOLDERS.values()
                           if len(v) >= 8)


def keep_live_values(source: bytes, live: bytes, live_sanitized: bytes) -> tuple[bytes, int]:
    """Source text with each placeholder line replaced by the live line it came
    from. Returns the text and how many placeholder lines found no live twin.

    Lines are paired by aligning the source with the sanitized live text
    (difflib), so `password=` of section [2001] takes [2001]'s live password
    even when sections were added or removed around it; a line outside the
    aligned blocks only takes a live value that is the one candidate."""
    try:
        src_lines = source.decode("utf-8").splitlines(keepends=True)
        raw_lines = live.decode("utf-8").splitlines(keepends=True)
        san_lines = live_sanitized.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return source, 0
    if len(raw_lines) != len(san_lines):
        return source, 0  # not a line-preserving sanitization: nothing to pair
    src_keys = [ln.rstrip("\r\n") for ln in src_lines]
    san_keys = [ln.rstrip("\r\n") for ln in san_lines]
    aligned: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, src_keys, san_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            aligned[block.a + k] = block.b + k
    candidates: dict[str, list[int]] = defaultdict(list)
    for j, (raw, san) in enumerate(zip(raw_lines, san_lines, strict=True)):
        if raw != san:
            candidates[san_keys[j]].append(j)
    used = set(aligned.values())
    out, missing = [], 0
    for i, line in enumerate(src_lines):
        key = src_keys[i]
        if has_placeholder(key):
            twin = aligned.get(i)
            if twin is None:
                free = [c for c in candidates.get(key, []) if c not in used]
                twin = free[0] if len(free) == 1 else None
            if twin is not None and raw_lines[twin] != san_lines[twin]:
                out.append(raw_lines[twin].rstrip("\r\n") + line[len(key):])
                used.add(twin)
                continue
            missing += 1
        out.append(line)
    return "".join(out).encode("utf-8"), missing


@dataclass
class JsonMerge:
    data: bytes
    conflicts: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)


def _get(doc: Any, path: list[Any]) -> Any:
    for key in path:
        try:
            doc = doc[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return doc


def _set(doc: Any, path: list[Any], value: Any) -> bool:
    parent = _get(doc, path[:-1])
    if parent is _MISSING:
        return False
    key = path[-1]
    if isinstance(parent, dict):
        if value is _MISSING:
            parent.pop(key, None)
        else:
            parent[key] = value
        return True
    if isinstance(parent, list) and isinstance(key, int):
        if value is _MISSING:
            if key < len(parent):
                del parent[key]
            return True
        if key < len(parent):
            parent[key] = value
        else:
            parent.append(value)
        return True
    return False


def _has_placeholder_value(v: Any) -> bool:
    if isinstance(v, str):
        return is_placeholder(v)
    if isinstance(v, dict):
        return any(_has_placeholder_value(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_placeholder_value(x) for x in v)
    return False


def merge_json(base: bytes | None, source: bytes, live: bytes,
               live_sanitized: bytes) -> JsonMerge | None:
    """Three-way merge; None when one of the documents is not JSON.

    Without a base nobody can tell a local edit from an old default, so live
    values are kept and only what the live document lacks is added.
    """
    try:
        src = json.loads(source)
        cur = json.loads(live)
        cur_s = json.loads(live_sanitized)
        old = json.loads(base) if base is not None else cur_s
    except ValueError:
        return None
    from deepdiff import DeepDiff  # heavy: only when a JSON file is merged

    result = json.loads(live)
    out = JsonMerge(b"")
    delta = DeepDiff(old, src, view="tree", ignore_order=False)
    changes: dict[tuple[Any, ...], Any] = {}
    for kind in sorted(delta):
        for level in delta[kind]:
            path = level.path(output_format="list")
            # A changed list is merged as one value: item by item, indices shift
            # under each other and the wrong items go.
            k = next((n for n, p in enumerate(path) if isinstance(p, int)), None)
            if k is not None:
                changes[tuple(path[:k])] = _get(src, path[:k])
            elif kind in ("dictionary_item_removed", "iterable_item_removed"):
                changes[tuple(path)] = _MISSING
            else:
                changes[tuple(path)] = level.t2
    for key in sorted(changes, key=len):
        if any(key[:n] in changes for n in range(len(key))):
            continue  # inside a list or value already merged whole
        path, new = list(key), changes[key]
        was = _get(old, path)
        live_s_value = _get(cur_s, path)
        shown = "root" + "".join(f"[{k!r}]" for k in path)
        if _has_placeholder_value(new):
            continue  # a placeholder never replaces what is live
        if base is None and was is not _MISSING:
            out.conflicts.append(shown)  # no base: live values stay
            continue
        if live_s_value is not _MISSING and live_s_value != was and \
                live_s_value != (new if new is not _MISSING else was):
            out.conflicts.append(shown)
            continue
        if _set(result, path, new):
            out.applied.append(shown)
    text = json.dumps(result, indent=_indent_of(live), ensure_ascii=False)
    out.data = (text + ("\n" if live.endswith(b"\n") else "")).encode("utf-8")
    if result == cur:
        out.data = live
    return out


def _indent_of(data: bytes) -> int | None:
    for line in data.decode("utf-8", "replace").splitlines()[1:3]:
        stripped = line.lstrip(" ")
        if stripped and len(stripped) != len(line):
            return len(line) - len(stripped)
    return None if b"\n" not in data.strip() else 2
