"""Commit-graph helpers: parents and ancestry of snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dulwich.objects import Commit

from flexgit.errors import UsageError

if TYPE_CHECKING:
    from flexgit.store.repo import Store


def commit_parents(store: Store, sha: str) -> list[str]:
    c = store._object(sha)
    if not isinstance(c, Commit):
        raise UsageError(f"{sha} is not a commit")
    return [p.decode() for p in c.parents]


def is_ancestor(store: Store, ancestor: str, descendant: str) -> bool:
    """True when `ancestor` is `descendant` or one of its ancestors (both
    known to the store; an unknown id is no ancestor)."""
    if not store.has_object(ancestor) or not store.has_object(descendant):
        return False
    todo, seen = [descendant], set()
    while todo:
        sha = todo.pop()
        if sha == ancestor:
            return True
        if sha in seen:
            continue
        seen.add(sha)
        todo.extend(commit_parents(store, sha))
    return False

