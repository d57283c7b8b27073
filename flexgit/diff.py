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


def json_changes(old: bytes, new: bytes) -> list[str] | None:
    """Key-path changes between two JSON documents, None if either is not JSON."""
    try:
        a, b = json.loads(old or b"null"), json.loads(new or b"null")
    except ValueError:
        return None
    from deepdiff import DeepDiff  # heavy: only when a JSON file is shown

    dd = DeepDiff(a, b, verbose_level=2)
    out: list[str] = []
    for kind, items in dd.items():
        if isinstance(items, dict):
            for key, value in items.items():
                if kind.endswith("_added"):
                    out.append(f"+ {key} = {json.dumps(value, ensure_ascii=False)}")
                elif kind.endswith("_removed"):
                    out.append(f"- {key} (was {json.dumps(value, ensure_ascii=False)})")
                elif isinstance(value, dict) and "old_value" in value:
                    out.append(f"~ {key}: {json.dumps(value['old_value'], ensure_ascii=False)}"
                               f" -> {json.dumps(value['new_value'], ensure_ascii=False)}")
                else:
                    out.append(f"~ {key}: {kind}")
        else:
            for key in items:
                out.append(f"~ {key}: {kind}")
    return sorted(out, key=lambda s: s[2:])


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
    lines = difflib.unified_diff(_lines(old), _lines(new), f"{label_a}/{change.path}",
                                 f"{label_b}/{change.path}")
    body = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return head + body
