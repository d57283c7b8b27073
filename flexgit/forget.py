"""Retention for the store: restic's `forget` and `--prune`, for snapshots.

The policy is the one exports have (retention.py, restic's semantics): each
`--keep-*` rule keeps the newest snapshot of each of its last N periods that
hold one, and a snapshot is kept when any rule keeps it. Tags pin: a tagged
snapshot stays unless its tag is forgotten by name (`flexgit forget TAG`) or,
with `--keep-tag PATTERN`, does not match a pattern.

Snapshots are a chain of git commits, so forgetting one in the middle means
the next kept snapshot gets a new parent, and it and every later one new
commit ids (same tree, author, time and message). Tags move with them.
Nothing is removed from disk until `--prune`: it drops the reflogs and
repacks what the refs still reach, so the forgotten snapshots' objects (and
any secret a later rule would have swept) are really gone, which C git's
`fsck --strict` confirms.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flexgit import history, retention
from flexgit.errors import UsageError
from flexgit.snapshot.statcache import CACHE_NAME
from flexgit.store import Store


@dataclass(frozen=True)
class Decision:
    id: str
    created: str
    message: str
    tags: tuple[str, ...]
    reasons: tuple[str, ...]  # empty: forgotten

    @property
    def keep(self) -> bool:
        return bool(self.reasons)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "created": self.created, "message": self.message,
                "tags": list(self.tags), "keep": self.keep, "reasons": list(self.reasons)}


@dataclass
class Forgotten:
    decisions: list[Decision]
    dry_run: bool
    rewritten: dict[str, str] = field(default_factory=dict)  # old id -> new id
    tags_deleted: list[str] = field(default_factory=list)
    pruned_objects: int = 0
    size_before: int = 0
    size_after: int | None = None  # after --prune

    def as_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "snapshots": [d.as_json() for d in self.decisions],
                "rewritten": self.rewritten, "tags_deleted": self.tags_deleted,
                "pruned_objects": self.pruned_objects, "size_before": self.size_before,
                "size_after": self.size_after}


def decide(store: Store, policy: retention.Policy, *, names: tuple[str, ...] = (),
           keep_tags: tuple[str, ...] = ()) -> list[Decision]:
    """What the policy keeps, newest first; `names` (tags or revisions) are
    forgotten unless a rule keeps them anyway."""
    chain = list(store.history())
    tags_of: dict[str, list[str]] = {}
    for tag, sha in store.tags().items():
        tags_of.setdefault(sha, []).append(tag)
    named: set[str] = set()
    for n in names:
        named.add(store.resolve(n))
    snaps = [retention.Backup(c.id, datetime.fromtimestamp(c.time), 0, "snapshot", "")
             for c in chain]
    by_rule = retention.decide(snaps, policy)
    out = []
    for c in chain:
        tags = tuple(sorted(tags_of.get(c.id, ())))
        reasons = list(by_rule.get(c.id, ()))
        if c.id not in named:
            pinned = [t for t in tags if not keep_tags or any(fnmatch.fnmatchcase(t, p)
                                                              for p in keep_tags)]
            reasons += [f"tag {t}" for t in pinned]
        out.append(Decision(c.id, history.created_of(c), c.summary, tags, tuple(reasons)))
    return out


def forget(store: Store, policy: retention.Policy, *, names: tuple[str, ...] = (),
           keep_tags: tuple[str, ...] = (), dry_run: bool = False,
           prune: bool = False) -> Forgotten:
    if policy.empty and not names:
        raise UsageError("give a --keep-* rule or the snapshots to forget (a policy that "
                         "keeps nothing would forget every snapshot)")
    decisions = decide(store, policy, names=names, keep_tags=keep_tags)
    res = Forgotten(decisions, dry_run, size_before=store.disk_size())
    if not decisions:
        return res
    if not any(d.keep for d in decisions):
        raise UsageError("this would forget every snapshot; keep at least one (--keep-last 1)")
    if dry_run:
        return res
    tag_names = set(store.tags())
    by_name = {n for n in names if n in tag_names}  # a tag forgotten by name goes
    head = decisions[0].id
    new_head = _rewrite(store, decisions, res)
    if new_head != head:
        store.move_head(head, new_head, message="forget")
        # The stat cache names blobs of the old head's snapshots: it goes (always safe).
        (Path(store.path) / CACHE_NAME).unlink(missing_ok=True)
    for d in decisions:
        for tag in d.tags:
            if not d.keep or tag in by_name:
                store.delete_tag(tag)
                res.tags_deleted.append(tag)
            elif d.id in res.rewritten:
                store.move_tag(tag, d.id, res.rewritten[d.id])
    if prune:
        res.pruned_objects = store.collect_garbage()
        res.size_after = store.disk_size()
    return res


def _rewrite(store: Store, decisions: list[Decision], res: Forgotten) -> str:
    """The kept snapshots as a chain again, oldest first; the new head. A
    kept snapshot below the first forgotten one keeps its id."""
    parent: str | None = None
    changed = False
    w = store.writer()
    try:
        for d in reversed(decisions):
            if not d.keep:
                changed = True
                continue
            if changed:
                new = store.recommit(w, d.id, parent)
                res.rewritten[d.id] = new
                parent = new
            else:
                parent = d.id
        w.finish()
    except BaseException:
        w.abort()
        raise
    assert parent is not None
    return parent
