"""Taking a snapshot: collect (with the sweep's rounds), then tree, commit
and ref; `commit_files` is shared with import."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flexgit import known as known_mod
from flexgit import sanitize
from flexgit.errors import BadInput, FlexgitError, UsageError
from flexgit.profile import CAPTURE, TYPES, Profile
from flexgit.progress import Progress
from flexgit.sanitize import sweep as sweep_mod
from flexgit.snapshot.collector import Collected, build_manifest, collect, fingerprint
from flexgit.snapshot.install import Installation, read_nofollow
from flexgit.snapshot.manifest import (
    MANIFEST_PATH,
    REPORT_PATH,
    Manifest,
    report_bytes,
)
from flexgit.snapshot.statcache import StatCache
from flexgit.store import BRANCH, FILE, LINK, Entry, Files, PackWriter, Store


@dataclass
class Result:
    id: str | None  # None when nothing changed and no commit was made
    parent: str | None
    files: int
    changed: int
    created: str
    sanitized: int  # files the sanitizer changed
    warnings: list[str] = field(default_factory=list)
    cached: int = 0  # files taken from the stat cache

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "parent": self.parent, "files": self.files,
                "changed": self.changed, "created": self.created, "sanitized": self.sanitized,
                "warnings": self.warnings}



def take(store: Store, inst: Installation, profile: Profile, *, backup_type: str = "flx",
         message: str | None = None, allow_empty: bool = False,
         progress: Progress | None = None) -> Result:
    """Snapshot the installation into `store` (which the caller has locked).
    It holds every category; `backup_type` is the type its export defaults to."""
    if backup_type not in TYPES:
        raise UsageError(f"backup type must be flx or flxx, not {backup_type!r}")
    if profile.private and not store.is_private:
        raise UsageError(f"{store.path} is a shareable store; user data only goes into the "
                         f"private store")
    if store.is_private and not profile.private:
        raise UsageError(f"{store.path} is the private store; take sanitized snapshots into "
                         f"the shareable store")
    knowing = None if profile.private else known_for(inst, profile)
    sweep = knowing.sweep if knowing is not None else None
    cache = StatCache(store.path, cache_key(profile, sweep))
    parent = store.head()
    forced: frozenset[str] = frozenset()
    for _ in range(_SWEEP_ROUNDS):
        w = store.writer()
        try:
            c = collect(store, inst, profile, cache, w, progress,
                        known=sweep, forced=forced)
        except BaseException:
            w.abort()
            raise
        if knowing is None or sweep is None:
            break
        learnt, redo = _learnt(c, inst, knowing, sweep)
        if not redo:
            break
        # A value learnt only now stands in a file already packed: nothing of
        # this round may stay in the store, so start again knowing it.
        w.abort()
        sweep, forced = sweep | learnt, forced | redo
    if not allow_empty and not any(p.startswith("home/") for p in c.files):
        w.abort()
        raise BadInput(no_installation_message(inst, profile))
    try:
        fp = fingerprint(c, inst, profile, backup_type)
        if parent is not None and not allow_empty and cache.head == parent \
                and cache.fingerprint == fp:
            w.abort()
            result = Result(None, parent, len(c.files), 0, _now()[1], len(c.counts))
        else:
            manifest = build_manifest(c, inst, profile, backup_type)
            result = commit_files(store, w, c.files, manifest, c.counts, profile.rules.digest,
                                  parent=parent, message=message, allow_empty=allow_empty,
                                  summary=f"snapshot ({backup_type})")
    except BaseException:
        w.abort()
        raise
    result.warnings = c.warnings
    result.cached = c.cached
    cache.save(store.head(), fp)
    if knowing is not None:
        for path in c.read:
            knowing.removed[path] = sorted(c.removed.get(path, ()))
        knowing.save(set(c.files))
    return result


def no_installation_message(inst: Installation, profile: Profile) -> str:
    """Why a snapshot that found no file of the account is refused. The
    system side alone (/etc/asterisk is shared by every account) says
    nothing about this home: a cron job run for the wrong account must fail."""
    # The top-level names the profile's home patterns start with, in order.
    looked = dict.fromkeys(p.lstrip("/").split("/", 1)[0] for c in
                           profile.categories_for(CAPTURE, "home") for p in c.include
                           if not p.startswith("!"))
    return (f"no FlexPBX installation at {inst.home}: none of {', '.join(looked)} is there "
            f"(or all were excluded); pass the account's home with --home, or "
            f"--allow-empty to snapshot it anyway")


# A value can be learnt in a round only from a file that holds it, so rounds
# end quickly; the bound keeps a pathological installation from looping.
_SWEEP_ROUNDS = 4


def cache_key(profile: Profile, sweep: sanitize.Sweep | None) -> str:
    """What the stat cache's answers depend on: the profile, its rules and the
    installation's countries (they decide how its numbers read, so a file
    cached under other countries is read again)."""
    regions = "" if sweep is None or profile.private else ",".join(sweep.regions)
    return profile.digest + profile.rules.digest + regions


def known_for(inst: Installation, profile: Profile) -> known_mod.Known:
    """The sweep's knowledge of this installation (kept in its private store)."""
    return known_mod.load(inst.home, inst.root, profile,
                          state_dir=inst.home / profile.backup_dir / "private.git")


def _learnt(c: Collected, inst: Installation, knowing: known_mod.Known,
            sweep: sanitize.Sweep) -> tuple[frozenset[str], frozenset[str]]:
    """Values the rules removed in this round that the sweep did not know, and
    the files that hold one of them unswept: a file read now is checked for
    the values learnt now; a file the stat cache answered for, for every value
    its blob was made without (all not swept by the last snapshot)."""
    learnt = sweep_mod.learnt(sweep, c.removed.values())
    unseen = (sweep.values | learnt) - knowing.previous
    if not learnt and not unseen:
        return learnt, frozenset()
    fresh, old = sanitize.Sweep(learnt), sanitize.Sweep(unseen)
    redo = set()
    for path, entry in c.files.items():
        look = fresh if path in c.read else old
        if entry.mode == LINK or not look:
            continue
        try:
            data = read_nofollow(inst.abspath(path))
        except OSError:
            continue
        if sweep_mod.unswept(look, data, c.removed.get(path, ())):
            redo.add(path)
    return learnt, frozenset(redo)


def _now() -> tuple[int, str]:
    now = int(time.time())
    return now, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))


def commit_files(store: Store, w: PackWriter, files: Files, manifest: Manifest,
                 counts: dict[str, dict[str, int]], rules_digest: str, *, parent: str | None,
                 message: str | None, allow_empty: bool, summary: str,
                 extra_trailers: dict[str, str] | None = None,
                 branch: bytes = BRANCH) -> Result:
    """Add manifest and report to `files`, write tree and commit, move the branch.

    Shared by snapshot and import. Aborts the writer and commits nothing when
    the tree equals the parent's (unless allow_empty).
    """
    all_files = dict(files)
    for path, data in ((MANIFEST_PATH, manifest.to_bytes()),
                       (REPORT_PATH, report_bytes(rules_digest, counts))):
        all_files[path] = Entry(FILE, w.add_blob(data))
    tree = store.write_tree(w, all_files)
    now, created = _now()
    old: Files = {}
    if parent is not None:
        info = store.commit_info(parent)
        if info.tree == tree and not allow_empty:
            w.abort()
            return Result(None, parent, len(files), 0, created, len(counts))
        old = {p: e for p, e in store.read_tree(parent).items() if not p.startswith(".flexgit/")}
    changed = sum(1 for p in set(old) | set(files) if old.get(p) != files.get(p))
    trailers = {"Flexgit-Type": manifest.backup_type, "Flexgit-Host": manifest.host,
                "Flexgit-Files": str(len(files)), **(extra_trailers or {})}
    if manifest.sensitive:
        trailers["Flexgit-Sensitive"] = "yes"
    head = message or summary
    body = f"{head}\n\n{len(files)} files, {changed} changed, {len(counts)} sanitized\n\n"
    body += "".join(f"{k}: {v}\n" for k, v in trailers.items())
    commit = store.make_commit(w, tree=tree, parent=parent, message=body, when=now)
    w.finish()
    store.move_head(parent, commit, message=head, branch=branch)
    return Result(commit, parent, len(files), changed, created, len(counts))


def no_changes_message(result: Result) -> str:
    if result.parent is None:
        raise FlexgitError("internal: no parent for an empty snapshot")
    return f"no changes since {result.parent[:12]}"
