"""Importing a backup file into the shareable store as a snapshot.

Every entry is validated and re-sanitized while the file streams by; its blob
goes into the import's pack at once. The pack becomes visible and the branch
moves only after the last entry passed, through the same `commit_files` a
snapshot uses; any problem aborts the pack and nothing is committed.

The sweep (flexgit.sanitize.sweep) works across the entries as a snapshot's
does across files. Its values are what any entry's rules removed and what the
installation's records in the file hold (``users/``, ``admins/``,
``temp_passwords/``...: sanitized only to collect them, never stored), plus
the settings and templates. A value is known only once the entry revealing
it went by, so after the read the file is read again without sanitizing, to
see whether an entry already packed holds a value learnt after it; if one does,
the pack is aborted and the file imported again knowing every value, so no
object holding one is ever written. Messages, the file's name, settings and
templates are swept with everything learnt. A private import sweeps nothing.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import known, names, sanitize
from flexgit.errors import BadInput, FlexgitError
from flexgit.formats import legacy
from flexgit.formats.flx import TEMPLATE_FIELDS
from flexgit.formats.limits import Limits
from flexgit.formats.reader import FileEntry, Header, Reader
from flexgit.profile import Profile
from flexgit.sanitize import sweep
from flexgit.snapshot import (
    binary_problem,
    commit_files,
    init_worker,
    resanitize_chunk,
    worker_pool,
)
from flexgit.snapshot.manifest import Manifest, Meta
from flexgit.store import BRANCH, EXEC, FILE, LINK, Entry, Files, PackWriter, Store, incompressible

SETTINGS_PATH = "home/templates/settings_template.json"


@dataclass
class ImportResult:
    file: str
    id: str | None  # None when the file equals the latest snapshot
    parent: str | None
    tree: str
    files: int
    changed: int
    resanitized: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # force: entries whose content does not match their hash, left out (tree
    # path -> the problem); a restore keeps the file on disk for each.
    damaged: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "id": self.id, "parent": self.parent, "tree": self.tree,
                "files": self.files, "changed": self.changed, "resanitized": self.resanitized,
                "skipped": self.skipped, "warnings": self.warnings}


IMPORTS = b"refs/heads/imports"
BATCH_BYTES = 4 << 20
# A read learns every value of the file, so the second one knows them all; a
# third is needed only when the file changed between the reads.
_READS = 3


class _Holder(Exception):
    """An entry already packed holds a value learnt after it (stops the check)."""


def _is_record(root: str, path: str) -> bool:
    """Whether an entry is one of the installation's records (flexgit.known)."""
    if root == "home":
        return path in known.HOME_FILES or path.split("/", 1)[0] in known.HOME_RECORDS
    return any(path.startswith(d + "/") for d in known.SYSTEM_DIRS)


def sensitive_error(name: str) -> BadInput:
    return BadInput(f"{name}: holds private user data (sensitive_data_included), which belongs "
                    f"in the private store, not the shareable one; put it back with "
                    f"`flexgit restore {name}` and keep such data with --include-data snapshots")


def _one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


class _Importer:
    def __init__(self, store: Store, path: Path, profile: Profile, limits: Limits | None,
                 name: str | None, private: bool = False, force: bool = False) -> None:
        self.store = store
        self.profile = profile
        # private: a restore's own copy of the file in the private store, kept
        # exactly as it is (user data included, nothing re-sanitized).
        self.private = private
        self.path, self.limits, self.name_given, self.force = path, limits, name, force
        self.known = sanitize.Sweep()
        self.begin()

    def open(self, *, precount: bool = True) -> Reader:
        return Reader(self.path, limits=self.limits, name=self.name_given,
                      keep_bad_hash=self.force, precount=precount)

    def begin(self) -> None:
        """The state of one read of the file, into a pack of its own."""
        self.reader = self.open()
        self.name = self.reader.name
        self.writer = self.store.writer()
        self.files: Files = {}
        self.metas: dict[str, Meta] = {}
        self.counts: dict[str, dict[str, int]] = {}
        self.resanitized: list[str] = []
        # Entries waiting to be re-sanitized, and batches out at worker processes.
        self.batch: list[tuple[str, int, dict[str, int], bytes]] = []
        self.batch_bytes = 0
        self.batches_seen = 0
        self.pool: ProcessPoolExecutor | None = None
        self.inflight: list[tuple[list[tuple[str, int, dict[str, int]]], Future[Any]]] = []
        self.skipped: list[str] = []
        self.warnings: list[str] = []
        self.damaged: dict[str, str] = {}
        # The sweep's harvest: per packed entry, what its rules removed; and
        # what the records and the settings hold.
        self.removed: dict[str, frozenset[str]] = {}
        self.harvest: set[str] = set()

    def problem(self, label: str, problem: str) -> None:
        raise BadInput(f"{self.name}: {label}: {problem}")

    def entry(self, e: FileEntry) -> None:
        if e.hash_problem:
            # Content that is not what its writer hashed is damage of unknown
            # extent: never stored, never written (restic and borg also skip
            # a damaged file and restore the rest rather than write it).
            self.damaged[e.tree_path] = e.hash_problem
            return
        if self.private:
            mode = LINK if e.kind == "symlink" else (
                EXEC if (e.mode if e.mode is not None else legacy.default_mode(e)) & 0o100
                else FILE)
            self.files[e.tree_path] = Entry(mode, self.writer.add_blob(e.data))
            self.metas[e.tree_path] = legacy.meta_for(self.profile, e)
            if e.sanitized:
                self.counts[e.tree_path] = dict(e.sanitized)
            return
        if self.reader.header.sensitive:  # refuse as soon as the file says so
            raise sensitive_error(self.name)
        if self.profile.excluded(e.root, e.path):
            if _is_record(e.root, e.path):
                self.harvest |= sanitize.sanitize(e.tree_path, e.data, self.profile.rules).removed
            self.skipped.append(e.tree_path)
            self.warnings.append(f"skipped {e.label}: private data is never imported into the "
                                 f"shareable store")
            return
        # What a snapshot leaves out, an import leaves out too: a name with
        # personal data, a link target with credentials, a non-asset binary.
        why = names.personal_in_path(e.path)
        if why is not None:
            why = f"its name holds {why} (personal data)"
        elif e.kind == "symlink":
            why = names.link_problem(e.data.decode("utf-8", "surrogateescape"),
                                     self.profile.rules)
            if why is None and sweep.unswept(self.known, e.data):
                why = "its target holds a secret"  # a target is never rewritten
        else:
            why = binary_problem(e.data)
        if why is not None:
            self.skipped.append(e.tree_path)
            self.warnings.append(f"skipped {e.label}: {why}")
            return
        self.metas[e.tree_path] = legacy.meta_for(self.profile, e)
        if e.kind == "symlink":
            # A link target is stored as it is (checked above), as a snapshot does.
            self.files[e.tree_path] = Entry(LINK, self.writer.add_blob(e.data))
            if e.sanitized:
                self.counts[e.tree_path] = dict(e.sanitized)
            return
        perm = e.mode if e.mode is not None else legacy.default_mode(e)
        mode = EXEC if perm & 0o100 else FILE
        if sanitize.is_binary(e.data) and incompressible(e.data):
            # Nothing to re-sanitize or deflate (images, fonts): stored
            # here, not sent to a worker only to have a zlib stream as large
            # as the data sent back. Compressible binaries go to the workers.
            prepared = PackWriter.prepare_blob(e.data, stored=True)
            self.files[e.tree_path] = Entry(mode, self.writer.add_blob(e.data, prepared))
            if e.sanitized:
                self.counts[e.tree_path] = dict(e.sanitized)
            return
        self.batch.append((e.tree_path, mode, dict(e.sanitized), e.data))
        self.batch_bytes += len(e.data)
        if self.batch_bytes >= BATCH_BYTES or len(self.batch) >= 256:
            self.flush()

    def flush(self) -> None:
        """Re-sanitize a batch: in worker processes once the file proves large."""
        batch, self.batch, self.batch_bytes = self.batch, [], 0
        if not batch:
            return
        items = [(path, data) for path, _mode, _counts, data in batch]
        meta = [(path, mode, counts) for path, mode, counts, _data in batch]
        if self.pool is None and self.batches_seen >= 1 and (os.cpu_count() or 1) > 1:
            self.pool = worker_pool(self.profile, self.known)
        self.batches_seen += 1
        if self.pool is None:
            init_worker(self.profile.rules, False, None, self.known)
            self.settle(meta, resanitize_chunk(items))
            return
        self.inflight.append((meta, self.pool.submit(resanitize_chunk, items)))
        while len(self.inflight) > 2 * (os.cpu_count() or 1):
            m, fut = self.inflight.pop(0)
            self.settle(m, fut.result())

    def settle(self, meta: list[tuple[str, int, dict[str, int]]], results: list[Any]) -> None:
        for (path, mode, counts), (changed, size, new_counts, binsha, comp, removed) in \
                zip(meta, results, strict=True):
            if removed:
                self.removed[path] = removed
            if changed:
                self.resanitized.append(path)
                for rule, n in new_counts.items():
                    counts[rule] = counts.get(rule, 0) + n
            self.files[path] = Entry(mode, self.writer.add_prepared(size, binsha, comp))
            if counts:
                self.counts[path] = counts

    def drain(self) -> None:
        self.flush()
        while self.inflight:
            m, fut = self.inflight.pop(0)
            self.settle(m, fut.result())

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def sanitize_json(self, value: dict[str, Any], path: str) -> dict[str, Any]:
        if self.private:
            return value
        raw = _json_bytes(value)
        res = sanitize.sanitize(path, raw, self.profile.rules, self.known)
        if res.data == raw:
            return value
        self.resanitized.append(path)
        try:
            out = json.loads(res.data)
        except ValueError:
            raise FlexgitError(f"internal: sanitizing {path} broke its JSON; please report "
                               f"it") from None
        if not isinstance(out, dict):
            raise FlexgitError(f"internal: sanitizing {path} changed its type")
        return out

    def clean(self, text: str, what: str) -> str:
        """A message or name as it may be stored: sanitized and swept."""
        text, counts = names.clean_message(text, self.profile.rules, self.known)
        if counts:
            self.warnings.append(names.message_warning(what, counts))
        return text

    def read(self) -> tuple[Header, Manifest, dict[str, tuple[str, Any]]]:
        """Read the file once, every entry checked, sanitized and packed: its
        header, the manifest's head and the JSON fields it takes (manifest
        key or template name -> (path, value))."""
        try:
            header = self.reader.read(self.entry, self.problem)
            self.drain()
        finally:
            self.close_pool()
        if header.sensitive and not self.private:
            raise sensitive_error(self.name)
        manifest, extra = legacy.manifest_head(header, self.name, self.reader.empty_dir_problem)
        f = header.fields
        fields = {"": (SETTINGS_PATH, f.get("default_settings") or {})}
        fields.update((name, (f"home/templates/{name}.json", v)) for name, v in extra.items())
        fields.update((key, (f"home/templates/{key}.json", f[key])) for key in TEMPLATE_FIELDS
                      if isinstance(f.get(key), dict))
        return header, manifest, fields

    def read_swept(self) -> tuple[Header, Manifest, dict[str, tuple[str, Any]]]:
        """`read`, again knowing every value, while a packed entry holds one
        it learnt only after the entry went by."""
        for _ in range(_READS):
            header, manifest, fields = self.read()
            if self.private:
                return header, manifest, fields
            for path, value in fields.values():
                self.harvest |= sanitize.sanitize(path, _json_bytes(value),
                                                  self.profile.rules).removed
            # One Sweep of what was learnt, compiled once for the check and
            # every entry of the next read (17,000 values: 0.75 s, 63 MB).
            learnt = sanitize.Sweep(sweep.learnt(self.known,
                                                 [self.harvest, *self.removed.values()]))
            holds = bool(learnt) and self.holds(learnt)
            self.known = sweep.union(self.known, learnt)
            if not holds:
                return header, manifest, fields
            self.writer.abort()  # nothing of this read may reach the store
            self.begin()
        raise BadInput(f"{self.name}: the file changed while it was read; import it again")

    def holds(self, learnt: sanitize.Sweep) -> bool:
        """Whether an entry packed by this read holds a `learnt` value that its
        own rules did not remove: the file read again, nothing sanitized,
        up to the first such entry."""
        def check(e: FileEntry) -> None:
            if e.tree_path in self.files and \
                    sweep.unswept(learnt, e.data, self.removed.get(e.tree_path, ())):
                raise _Holder

        try:
            self.open(precount=False).read(check, self.problem)  # counted by the first read
        except _Holder:
            return True
        return False

    def run(self, message: str | None) -> ImportResult:
        header, manifest, fields = self.read_swept()
        if header.file_count is not None and header.file_count != header.entries:
            self.warnings.append(f"file_count says {header.file_count} but the file holds "
                                 f"{header.entries} entries; imported the entries")
        manifest.files = self.metas
        manifest.sensitive = header.sensitive
        path, settings = fields.pop("")
        manifest.default_settings = self.sanitize_json(settings, path)
        manifest.templates = {name: self.sanitize_json(value, path)
                              for name, (path, value) in fields.items()}
        fg = header.flexgit or {}
        digest = fg.get("rules_digest")
        if self.resanitized or not isinstance(digest, str) or not digest:
            digest = self.profile.rules.digest
        if self.resanitized:
            self.warnings.append(f"the sanitizer changed {len(self.resanitized)} imported "
                                 f"file(s) or settings (see -v)")
        # Name the file itself, not the latest.* link that led to it.
        base = _one_line(os.path.basename(os.path.realpath(self.reader.path)))
        if not self.private:
            base = self.clean(base, "the backup file's name")
            if message:
                message = self.clean(message, "the import message")
        branch = IMPORTS if self.private else BRANCH
        parent = self.store.head(branch)
        res = commit_files(self.store, self.writer, self.files, manifest, self.counts, digest,
                           parent=parent, message=message, allow_empty=self.private,
                           summary=f"import {base}",
                           extra_trailers={"Flexgit-Import": base}, branch=branch)
        tree = self.store.commit_info(res.id or parent or "").tree
        old_tree = fg.get("tree")
        if isinstance(old_tree, str) and old_tree and old_tree != tree:
            self.warnings.append(f"the imported tree {tree[:12]} differs from the exported "
                                 f"snapshot's {old_tree[:12]}")
        return ImportResult(self.name, res.id, parent, tree, res.files, res.changed,
                            self.resanitized, self.skipped, self.warnings, self.damaged)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def import_file(store: Store, path: Path, *, profile: Profile, message: str | None = None,
                limits: Limits | None = None, name: str | None = None, private: bool = False,
                force: bool = False) -> ImportResult:
    """Import the backup file at `path` as a new snapshot of `store` (which the
    caller has locked). Nothing is committed when any entry is bad.

    private=True is how a restore reads a file: into the private store's
    `imports` branch, as it is (user data kept, nothing re-sanitized);
    force=True leaves out entries whose hash does not match instead of
    refusing the file; the result's `damaged` names them."""
    if private and not store.is_private:
        raise FlexgitError("internal: a private import needs the private store")
    imp = _Importer(store, path, profile, limits, name, private, force)
    try:
        return imp.run(message)
    except BaseException:
        imp.writer.abort()
        raise


def import_to_repo(repo: Path, path: Path, *, profile: Profile, message: str | None = None,
                   name: str | None = None) -> ImportResult:
    """import_file into the shareable store at `repo`, creating it when needed;
    a store this call created is removed again when the file is refused, so a
    bad file leaves nothing behind."""
    with Store.provisional(repo) as store, store.locked("flexgit import"):
        return import_file(store, path, profile=profile, message=message, name=name)
