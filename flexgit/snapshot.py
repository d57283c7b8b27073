"""Taking a snapshot: walk -> stat cache -> sanitize -> blobs -> tree -> commit -> ref."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import multiprocessing as mp
import os
import signal
import socket
import stat
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import process as cf_process
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import content, faults, sanitize, scan
from flexgit import known as known_mod
from flexgit.errors import BadInput, FlexgitError, UsageError
from flexgit.formats.limits import clash_problem, folded_pairs
from flexgit.manifest import (
    MANIFEST_PATH,
    REPORT_PATH,
    Manifest,
    Meta,
    report_bytes,
    shared_meta,
)
from flexgit.profile import CAPTURE, TYPES, Profile
from flexgit.progress import Progress
from flexgit.sanitize import sweep as sweep_mod
from flexgit.statcache import StatCache
from flexgit.store import BRANCH, EXEC, FILE, LINK, Entry, Files, PackWriter, Store, blob_id


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


@dataclass(frozen=True)
class Installation:
    home: Path
    root: Path

    def abspath(self, tree_path: str) -> Path:
        side, _, rel = tree_path.partition("/")
        if side == "home":
            return self.home / rel
        if side == "system":
            return self.root / rel
        raise UsageError(f"{tree_path} is not an installation path")

    def check(self) -> None:
        for name, p in (("--home", self.home), ("--root", self.root)):
            if not p.is_dir():
                raise UsageError(f"{name} {p} does not exist or is not a directory")


def read_nofollow(path: str | Path) -> bytes:
    faults.check_read(path)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read()


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


# Files whose sanitized content the manifest needs (settings, templates, version).
_META_SOURCES = ("home/flexpbx-config.json", "home/templates/settings_template.json",
                 "home/templates/user_template.json", "home/templates/admin_template.json")


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


# Sanitizing is pure Python and holds the GIL: with many files to read, worker
# processes do read + sanitize + hash + compress, one per core.
PROCESS_THRESHOLD = 200
_worker_rules: sanitize.Rules | None = None
_worker_private = False
_worker_known: sanitize.Sweep | None = None


def init_worker(rules: sanitize.Rules, private: bool, parent: int | None = None,
                known: sanitize.Sweep | None = None) -> None:
    global _worker_rules, _worker_private, _worker_known
    _worker_rules, _worker_private, _worker_known = rules, private, known
    if parent is not None:
        # Ctrl-C reaches the whole process group: flexgit ends its workers
        # itself (WorkerPool), so a worker must not die printing a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with(parent)


def _die_with(parent: int) -> None:
    """Make this worker process end when flexgit does. Killed with -9, flexgit
    cannot shut its pool down, and a worker would wait for work forever
    (its own copy of the task pipe never reports the end)."""
    import ctypes  # here: only worker processes need it

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux; elsewhere a no-op
    if os.getppid() != parent:  # flexgit died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


# What a binary of each kind is, for the one line that says why it was left out.
_BINARY_KINDS = {
    "database": "a database (user data)",
    "audio": "audio (recordings and voicemail are user data)",
    "archive": "an archive (what it holds cannot be sanitized)",
    "document": "a document (PDF or Office files cannot be sanitized)",
    "program": "a compiled program",
    "keystore": "a key store (keys and certificates are secrets)",
    "data": "binary data of an unknown kind",
}


def binary_problem(data: bytes) -> str | None:
    """Why `data` never enters a shareable snapshot, or None: text is
    sanitized and static web assets (content.ASSET_KINDS) cannot hold the
    installation's secrets, but any other binary cannot be read for them."""
    kind = content.binary_kind(data)
    if kind is None:
        return None
    if kind in content.ASSET_KINDS:
        meta = content.image_text(data) if kind == "image" else ""
        if meta and sanitize.sanitize("image-metadata.txt", meta.encode()).counts:
            return ("an image whose metadata (comments, EXIF, text chunks) holds what the "
                    "sanitizer replaces; strip it (e.g. exiftool -all=) to keep the image")
        return None
    return (f"{_BINARY_KINDS.get(kind, kind)}; binaries other than images and fonts never "
            f"enter a shareable snapshot")


def _digest_file(path: str, abspath: str, packing: bool,
                 keep_data: bool) -> tuple[str, Any, dict[str, int], Any, bytes | None,
                                           frozenset[str]]:
    """In a worker: ("data", size, counts, prepared-or-blob-id, data if asked,
    values the rules removed), or ("error", why, ...) for a file that stays out."""
    try:
        raw = read_nofollow(abspath)
    except OSError as e:
        return "error", e.strerror or str(e), {}, None, None, frozenset()
    removed: frozenset[str] = frozenset()
    if _worker_private:
        data, counts = raw, {}
    elif (why := binary_problem(raw)) is not None:
        return "error", why, {}, None, None, frozenset()
    else:
        res = sanitize.sanitize(path, raw, _worker_rules or sanitize.DEFAULT_RULES,
                                _worker_known)
        data, counts, removed = res.data, res.counts, res.removed
    ready: Any = PackWriter.prepare_blob(data) if packing else blob_id(data)
    return "data", len(data), counts, ready, data if keep_data else None, removed


def resanitize_chunk(items: list[tuple[str, bytes]]) -> list[Any]:
    """In a worker: sanitize content that arrived in a backup file, sweeping
    the known values, and prepare its blob: (changed, size, counts, binary id,
    zlib stream, values the rules removed) per item."""
    out = []
    for path, raw in items:
        res = sanitize.sanitize(path, raw, _worker_rules or sanitize.DEFAULT_RULES,
                                _worker_known)
        binsha, comp = PackWriter.prepare_blob(res.data)
        out.append((res.data != raw, len(res.data), res.counts, binsha, comp, res.removed))
    return out


class WorkerPool(ProcessPoolExecutor):
    """A process pool that, when its work is abandoned (an error, Ctrl-C),
    ends its workers instead of waiting for them: a worker may be seconds
    into a chunk of files whose result nobody wants, and the interpreter's
    exit would wait for it too. Workers only compute (read, sanitize,
    compress): ending them loses nothing, every write is the parent's."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if not cancel_futures:
            super().shutdown(wait=wait)
            self._forget_wakeup()
            return
        workers = list((getattr(self, "_processes", None) or {}).values())
        super().shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            with contextlib.suppress(OSError, ValueError):
                proc.kill()
        for proc in workers:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                proc.join(timeout=2)
        super().shutdown(wait=wait)  # the manager thread sees them gone and ends
        self._forget_wakeup()

    def _forget_wakeup(self) -> None:
        """Python 3.11's exit hook for process pools writes to every pool's
        wake-up pipe, also to one its ended manager thread closed, and prints
        an OSError traceback after a Ctrl-C (fixed in later Pythons): an
        ended pool's entry is dropped."""
        thread = getattr(self, "_executor_manager_thread", None)
        if thread is not None and not thread.is_alive():
            cf_process._threads_wakeups.pop(thread, None)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.shutdown(wait=True, cancel_futures=exc_type is not None)


def worker_pool(profile: Profile, known: sanitize.Sweep | None = None) -> WorkerPool:
    """Worker processes that know the profile's sanitizer rules and the sweep
    (fork: they inherit the compiled rules and need no imports of their own)."""
    return WorkerPool(max_workers=os.cpu_count() or 1,
                      mp_context=mp.get_context("fork"), initializer=init_worker,
                      initargs=(profile.rules, profile.private, os.getpid(), known))


def _digest_chunk(chunk: list[tuple[str, str, bool, bool]]) -> list[Any]:
    return [_digest_file(*args) for args in chunk]


def _chunks(files: list[scan.Found], packing: bool,
            limit: int = 1 << 22) -> Iterator[list[tuple[str, str, bool, bool]]]:
    """Tasks for the workers: a few MB of files each, so that the cost of
    handing work to another process is paid per chunk, not per file."""
    chunk: list[tuple[str, str, bool, bool]] = []
    size = 0
    for f in files:
        chunk.append((f.path, f.abspath, packing, f.path in _META_SOURCES))
        size += f.st.st_size + 512
        if size >= limit or len(chunk) >= 256:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _digest_all(files: list[scan.Found], profile: Profile, packing: bool,
                known: sanitize.Sweep | None) -> Iterator[tuple[scan.Found, Any]]:
    """Read, sanitize, hash (and compress) every file; in worker processes, one
    per core, when there are many. Results come in the order of `files`."""
    cores = os.cpu_count() or 1
    init_worker(profile.rules, profile.private, None, known)
    if len(files) < PROCESS_THRESHOLD or cores < 2:
        for f in files:
            yield f, _digest_file(f.path, f.abspath, packing, f.path in _META_SOURCES)
        return
    with worker_pool(profile, known) as pool:
        it = iter(files)
        for results in pool.map(_digest_chunk, _chunks(files, packing)):
            for r in results:
                yield next(it), r


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
    for item in scan.walk(profile, inst.home, inst.root, CAPTURE, avoid=(store.path,)):
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
        if f.kind != "file" or f.path in _META_SOURCES or f.path in forced:
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
            if data is not None and f.path in _META_SOURCES:
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
