"""Differences between two snapshots, or a snapshot and the installation on
disk: per path status, unified diffs for text, key paths for JSON (deepdiff)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flexgit import content
from flexgit.content import is_binary as is_binary
from flexgit.store import Entry, Files

Reader = Callable[[str, Entry], bytes]


@dataclass(frozen=True)
class Change:
    path: str
    status: str  # A added, M modified, D deleted, T type or mode changed
    old: Entry | None
    new: Entry | None

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status}


def changes(a: Files, b: Files, paths: tuple[str, ...] = ()) -> list[Change]:
    out = []
    for p in sorted(set(a) | set(b)):
        if paths and not any(p == q or p.startswith(q.rstrip("/") + "/") for q in paths):
            continue
        old, new = a.get(p), b.get(p)
        if old == new:
            continue
        if old is None:
            out.append(Change(p, "A", None, new))
        elif new is None:
            out.append(Change(p, "D", old, None))
        elif old.sha == new.sha:
            out.append(Change(p, "T", old, new))
        else:
            out.append(Change(p, "M", old, new))
    return out


def _lines(data: bytes) -> list[str]:
    text = content.decode(data)
    return text.text.splitlines(keepends=True) if text is not None else []


def line_stat(old: bytes, new: bytes) -> tuple[int, int]:
    if is_binary(old) or is_binary(new):
        return 0, 0
    added = removed = 0
    for line in difflib.unified_diff(_lines(old), _lines(new), n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed


@dataclass(frozen=True)
class KeyChange:
    """One key-path change between two JSON documents."""

    op: str  # added, removed, changed, or deepdiff's name for it (type_changes, ...)
    key: str  # deepdiff's path: root['sip']['port']
    old: Any = None
    new: Any = None

    def text(self) -> str:
        def js(v: Any) -> str:
            return json.dumps(v, ensure_ascii=False)
        if self.op == "added":
            return f"+ {self.key} = {js(self.new)}"
        if self.op == "removed":
            return f"- {self.key} (was {js(self.old)})"
        if self.op == "changed":
            return f"~ {self.key}: {js(self.old)} -> {js(self.new)}"
        return f"~ {self.key}: {self.op}"

    def as_json(self) -> dict[str, Any]:
        return {"op": self.op, "key": self.key, "old": self.old, "new": self.new}


def json_key_changes(old: bytes, new: bytes) -> list[KeyChange] | None:
    """Key-path changes between two JSON documents, None if either is not JSON."""
    try:
        a, b = json.loads(old or b"null"), json.loads(new or b"null")
    except ValueError:
        return None
    from deepdiff import DeepDiff  # heavy: only when a JSON file is shown

    dd = DeepDiff(a, b, verbose_level=2)
    out: list[KeyChange] = []
    for kind, items in dd.items():
        if isinstance(items, dict):
            for key, value in items.items():
                if kind.endswith("_added"):
                    out.append(KeyChange("added", key, new=value))
                elif kind.endswith("_removed"):
                    out.append(KeyChange("removed", key, old=value))
                elif isinstance(value, dict) and "old_value" in value:
                    out.append(KeyChange("changed", key, value["old_value"], value["new_value"]))
                else:
                    out.append(KeyChange(kind, key))
        else:
            out.extend(KeyChange(kind, key) for key in items)
    return sorted(out, key=lambda k: k.key)


def json_changes(old: bytes, new: bytes) -> list[str] | None:
    """The same as lines of text: `+ key = v`, `- key (was v)`, `~ key: a -> b`."""
    keys = json_key_changes(old, new)
    return None if keys is None else [k.text() for k in keys]


def detail(change: Change, old: bytes, new: bytes, *, label_a: str,
           label_b: str) -> dict[str, Any]:
    """What `render` shows, as data (`diff --json`): the mode change, the sizes
    of a binary file, JSON key changes, or the unified diff and its counts."""
    out: dict[str, Any] = change.as_json()
    if change.status == "T":
        assert change.old is not None and change.new is not None
        out["mode"] = {"old": f"{change.old.mode:o}", "new": f"{change.new.mode:o}"}
        return out
    if is_binary(old) or is_binary(new):
        out["binary"] = {"old_size": len(old), "new_size": len(new)}
        return out
    keys = json_key_changes(old, new) if change.path.endswith(".json") else None
    if keys is not None:
        out["keys"] = [k.as_json() for k in keys]
        return out
    out["added"], out["removed"] = line_stat(old, new)
    out["unified"] = _unified(change, old, new, label_a, label_b)
    return out


def _unified(change: Change, old: bytes, new: bytes, label_a: str, label_b: str) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), f"{label_a}/{change.path}",
                                 f"{label_b}/{change.path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def render(change: Change, old: bytes, new: bytes, *, label_a: str, label_b: str) -> str:
    """The human diff of one path."""
    head = f"diff {change.status} {change.path}\n"
    if change.status == "T":
        return head + f"  mode {change.old.mode:o} -> {change.new.mode:o}\n"  # type: ignore[union-attr]
    if is_binary(old) or is_binary(new):
        return head + f"  binary file ({len(old)} -> {len(new)} bytes)\n"
    if change.path.endswith(".json"):
        keys = json_changes(old, new)
        if keys is not None:
            return head + "".join(f"  {k}\n" for k in keys)
    return head + _unified(change, old, new, label_a, label_b)
