"""Collecting: walk the installation, answer unchanged files from the stat
cache, digest the rest, and build the manifest and the fingerprint."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import socket
import stat
from dataclasses import dataclass, field
from typing import Any

from flexgit import sanitize
from flexgit.formats.limits import clash_problem, folded_pairs
from flexgit.profile import CAPTURE, Profile
from flexgit.progress import Progress
from flexgit.snapshot import scan
from flexgit.snapshot.install import META_SOURCES, Installation
from flexgit.snapshot.manifest import (
    Manifest,
    Meta,
    shared_meta,
)
from flexgit.snapshot.pool import _digest_all
from flexgit.snapshot.statcache import StatCache
from flexgit.store import EXEC, FILE, LINK, Entry, Files, PackWriter, Store, blob_id


def _settings_and_templates(contents: dict[str, bytes]) -> tuple[dict[str, Any], dict[str, Any]]:
    def load(path: str) -> Any:
        try:
            value = json.loads(contents[path])
        except (KeyError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    settings = load("home/templates/settings_template.json")
    if settings is None:
        cfg = load("home/flexpbx-config.json") or {}
        settings = cfg.get("default_settings") if isinstance(cfg.get("default_settings"), dict) \
            else {}
    templates = {}
    for name in ("user_template", "admin_template"):
        t = load(f"home/templates/{name}.json")
        if t is not None:
            templates[name] = t
    return settings or {}, templates


def _flexpbx_version(contents: dict[str, bytes]) -> str:
    try:
        cfg = json.loads(contents["home/flexpbx-config.json"])
        for key in ("flexpbx_version", "version"):
            if isinstance(cfg.get(key), str):
                return str(cfg[key])
    except (KeyError, ValueError, AttributeError):
        pass
    return "1.0"


@dataclass
class Collected:
    """The sanitized installation as it is on disk, ready to become a tree."""

    files: Files = field(default_factory=dict)
    metas: dict[str, Meta] = field(default_factory=dict)
    empty: dict[str, Meta] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    meta_contents: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    cached: int = 0
    # What the rules removed per file read this time (the sweep's memory).
    removed: dict[str, frozenset[str]] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)  # tree paths read and sanitized now



# Bumped whenever scan's decisions are made differently for the same inputs.
_DECISIONS_VERSION = "1"


def decisions_key(store: Store, inst: Installation, profile: Profile) -> str:
    """What the walk's recorded decisions depend on besides each directory's
    listing: the profile and its rules (excludes, categories, what a personal
    name or a secret link target is), the captured types, where the
    installation is and which directory is the store (never entered)."""
    try:
        st = os.stat(store.path)
        ident = f"{st.st_dev}:{st.st_ino}"
    except OSError:
        ident = ""
    return "\0".join((_DECISIONS_VERSION, profile.digest, profile.rules.digest,
                      str(profile.private), CAPTURE, str(inst.home), str(inst.root),
                      ident))


def collect(store: Store, inst: Installation, profile: Profile,
            cache: StatCache, writer: PackWriter | None,
            progress: Progress | None = None, *,
            known: sanitize.Sweep | None = None,
            forced: frozenset[str] = frozenset()) -> Collected:
    """Walk and sanitize the installation, sweeping the `known` values from
    every file read. With a writer, new blobs go into its pack; without one
    (status, diff) only their ids are computed. `forced` paths are read even
    when the stat cache knows them (a value they hold was learnt since)."""
    inst.check()
    out = Collected()
    found: list[scan.Found] = []
    # Every category, whatever type the export will be: flx leaves some out.
    decisions = cache.decisions_for(decisions_key(store, inst, profile))
    for item in scan.walk(profile, inst.home, inst.root, CAPTURE, avoid=(store.path,),
                          decisions=decisions):
        if isinstance(item, scan.Skipped):
            out.warnings.append(f"skipped {item.path}: {item.reason}")
        else:
            found.append(item)
    pairs = folded_pairs(f.path for f in found)
    if pairs:
        # Both are kept: the store is git and holds both, a restore to this
        # file system needs both; only a backup file cannot carry the pair.
        out.warnings.append(f"{clash_problem(pairs)}: both are kept in the snapshot, but "
                            f"`flexgit export` refuses it until one is renamed")

    trusted = cache.head is not None and cache.head == store.head()

    def cached(f: scan.Found) -> Any:
        if f.kind != "file" or f.path in META_SOURCES or f.path in forced:
            return None
        hit = cache.get(f.path, f.st)
        if hit is None:
            return None
        return hit if trusted or store.has_object(hit.sha) else None

    done: list[tuple[scan.Found, Any]] = []  # resolved without reading content
    todo: list[scan.Found] = []
    for f in found:
        if f.kind == "dir":
            done.append((f, None))
        elif f.kind == "link":
            # The scan left out links whose target holds a secret (names.link_problem).
            target = os.readlink(f.abspath).encode("utf-8", "surrogateescape")
            done.append((f, ("data", len(target), {},
                             writer.prepare_blob(target) if writer else blob_id(target),
                             target, frozenset())))
        elif (hit := cached(f)) is not None:
            done.append((f, ("hit", hit.sha, hit.counts, None, None, frozenset())))
        else:
            todo.append(f)
    out.read = {f.path for f in todo}
    results = itertools.chain(done, _digest_all(todo, profile, writer is not None, known))
    total_bytes, done_bytes = sum(f.st.st_size for f in found), 0
    for n, (f, result) in enumerate(results):
        done_bytes += f.st.st_size
        if progress and (n % 100 == 0 or n == len(found) - 1):
            progress("snapshot", n + 1, len(found), done_bytes=done_bytes,
                     total_bytes=total_bytes)
        meta = shared_meta(stat.S_IMODE(f.st.st_mode) & 0o1777, scan.user_name(f.st.st_uid),
                           scan.group_name(f.st.st_gid), f.category)
        if result is None:
            out.empty[f.path] = meta
            continue
        kind, value, counts, ready, data, removed = result
        if removed:
            out.removed[f.path] = removed
        if kind == "error":
            out.warnings.append(f"skipped {f.abspath}: {value}")
            continue
        if kind == "hit":
            sha = value
            out.cached += 1
        else:
            sha = writer.add_prepared(value, *ready) if writer is not None else ready
            if f.kind == "file":
                cache.put(f.path, f.st, sha, counts)
            if data is not None and f.path in META_SOURCES:
                out.meta_contents[f.path] = data
        mode = LINK if f.kind == "link" else (EXEC if f.st.st_mode & 0o100 else FILE)
        out.files[f.path] = Entry(mode, sha)
        out.metas[f.path] = meta
        if counts:
            out.counts[f.path] = counts
    return out


def build_manifest(c: Collected, inst: Installation, profile: Profile,
                   backup_type: str) -> Manifest:
    settings, templates = _settings_and_templates(c.meta_contents)
    return Manifest(
        backup_type=backup_type, host=socket.gethostname(),
        account=scan.user_name(inst.home.stat().st_uid), home=str(inst.home),
        flexpbx_version=_flexpbx_version(c.meta_contents), profile_digest=profile.digest,
        files=c.metas, empty_dirs=c.empty, default_settings=settings, templates=templates,
        sensitive=profile.private, captured=CAPTURE)


def fingerprint(c: Collected, inst: Installation, profile: Profile, backup_type: str) -> str:
    """A digest of everything the snapshot's tree is made of (files, metadata,
    rule counts, and what build_manifest reads). Equal fingerprints give equal
    trees, so a no-change snapshot can stop here instead of serialising the
    manifest and hashing every tree again."""
    h = hashlib.sha1()
    head = [backup_type, socket.gethostname(), scan.user_name(inst.home.stat().st_uid),
            str(inst.home), profile.digest, profile.rules.digest, profile.private]
    h.update(json.dumps(head).encode())
    h.update("".join(f"\n{p}\0{e.mode}\0{e.sha}\0{m.mode}\0{m.owner}\0{m.group}\0{m.category}"
                     for p, e, m in sorted((p, e, c.metas[p]) for p, e in c.files.items())
                     ).encode("utf-8", "surrogateescape"))
    h.update(json.dumps({"empty": {p: m.as_json() for p, m in c.empty.items()},
                         "counts": c.counts,
                         "meta": {p: blob_id(d) for p, d in c.meta_contents.items()}},
                        sort_keys=True).encode())
    return h.hexdigest()

