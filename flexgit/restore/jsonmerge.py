"""The three-way merge of a JSON file: the change from a base (the last
snapshot, or nothing) to the source is computed with deepdiff and applied onto
the live document; where live also changed a value, live wins and the path is
listed as a conflict. A value the source holds as a placeholder takes the live
value at the same key path; only a key path that live does not have gets the
placeholder (and so a new secret), and is listed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flexgit.restore import values
from flexgit.sanitize import SECRET_PLACEHOLDER, is_placeholder

_MISSING = object()


@dataclass
class JsonMerge:
    data: bytes
    conflicts: list[str] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)
    new_keys: list[str] = field(default_factory=list)  # no live value: a new secret


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
        return is_placeholder(v) or values.has_marker(v)
    if isinstance(v, dict):
        return any(_has_placeholder_value(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_placeholder_value(x) for x in v)
    return False


def _child(doc: Any, key: Any) -> Any:
    return _get(doc, [key]) if doc is not _MISSING else _MISSING


def fill(new: Any, raw: Any, san: Any, shown: str) -> tuple[Any, list[str]]:
    """`new` with each placeholder taken from the live value at the same key
    path (`raw`, whose sanitized form is `san`), and the paths that had none."""
    if raw is not _MISSING and san is not _MISSING and new == san and type(new) is type(san):
        return raw, []
    if isinstance(new, str):
        if isinstance(raw, str):
            new = values.fill(new, raw, san if isinstance(san, str) else None)
        return new, [shown] if SECRET_PLACEHOLDER in new else []
    left: list[str] = []
    if isinstance(new, dict):
        out: dict[str, Any] = {}
        for k, v in new.items():
            out[k], more = fill(v, _child(raw, k), _child(san, k), f"{shown}[{k!r}]")
            left += more
        return out, left
    if isinstance(new, list):
        items: list[Any] = []
        used: set[int] = set()
        for i, v in enumerate(new):
            j = _twin(v, i, len(new), raw, san, used)
            used.add(j)
            twin_raw, twin_san = (_MISSING, _MISSING) if j < 0 else (raw[j], san[j])
            got, more = fill(v, twin_raw, twin_san, f"{shown}[{i}]")
            items.append(got)
            left += more
        return items, left
    return new, []


def _twin(item: Any, i: int, n: int, raw: Any, san: Any, used: set[int]) -> int:
    """The live item a list item pairs with: the first unused one whose
    sanitized form it is, else the same index when both lists are as long
    (-1: none). An item taken is never taken twice."""
    if not isinstance(raw, list) or not isinstance(san, list) or len(raw) != len(san):
        return -1
    same = next((j for j, x in enumerate(san) if x == item and j not in used), None)
    if same is not None:
        return same
    return i if len(san) == n and i not in used else -1


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
        new_s = new  # as sanitized: what live's sanitized form is compared with
        if _has_placeholder_value(new):
            live_value = _get(cur, path)
            new, left = fill(new, live_value, live_s_value, shown)
            if left and live_value is not _MISSING:
                continue  # a placeholder never replaces what is live
            out.new_keys += left
        if base is None and was is not _MISSING:
            out.conflicts.append(shown)  # no base: live values stay
            continue
        if live_s_value is not _MISSING and live_s_value != was and \
                live_s_value != (new_s if new_s is not _MISSING else was):
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
