"""Importing a backup file into the shareable store as a snapshot.

Every entry is validated and re-sanitized while the file streams by; its blob
goes into the import's pack at once. The pack becomes visible and the branch
moves only after the last entry passed, through the same `commit_files` a
snapshot uses; any problem aborts the pack and nothing is committed.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import names, sanitize
from flexgit.errors import BadInput, FlexgitError
from flexgit.formats import legacy
from flexgit.formats.flx import TEMPLATE_FIELDS
from flexgit.formats.limits import Limits
from flexgit.formats.reader import FileEntry, Reader
from flexgit.manifest import Meta
from flexgit.profile import Profile
from flexgit.snapshot import (
    binary_problem,
    commit_files,
    init_worker,
    resanitize_chunk,
    worker_pool,
)
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

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "id": self.id, "parent": self.parent, "tree": self.tree,
                "files": self.files, "changed": self.changed, "resanitized": self.resanitized,
                "skipped": self.skipped, "warnings": self.warnings}


IMPORTS = b"refs/heads/imports"
BATCH_BYTES = 4 << 20


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
        self.reader = Reader(path, limits=limits, name=name, keep_bad_hash=force)
        self.name = self.reader.name
        self.writer = store.writer()
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

    def problem(self, label: str, problem: str) -> None:
        raise BadInput(f"{self.name}: {label}: {problem}")

    def entry(self, e: FileEntry) -> None:
        if e.hash_problem:
            self.warnings.append(f"{e.label}: {e.hash_problem} (kept: --force)")
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
            self.pool = worker_pool(self.profile)
        self.batches_seen += 1
        if self.pool is None:
            init_worker(self.profile.rules, False)
            self.settle(meta, resanitize_chunk(items))
            return
        self.inflight.append((meta, self.pool.submit(resanitize_chunk, items)))
        while len(self.inflight) > 2 * (os.cpu_count() or 1):
            m, fut = self.inflight.pop(0)
            self.settle(m, fut.result())

    def settle(self, meta: list[tuple[str, int, dict[str, int]]], results: list[Any]) -> None:
        for (path, mode, counts), (changed, size, new_counts, binsha, comp) in \
                zip(meta, results, strict=True):
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
        raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
        res = sanitize.sanitize(path, raw, self.profile.rules)
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

    def run(self, message: str | None) -> ImportResult:
        try:
            header = self.reader.read(self.entry, self.problem)
            self.drain()
        finally:
            self.close_pool()
        if header.sensitive and not self.private:
            raise sensitive_error(self.name)
        if header.file_count is not None and header.file_count != header.entries:
            self.warnings.append(f"file_count says {header.file_count} but the file holds "
                                 f"{header.entries} entries; imported the entries")
        manifest, extra_templates = legacy.manifest_head(header, self.name,
                                                         self.reader.empty_dir_problem)
        manifest.files = self.metas
        manifest.sensitive = header.sensitive
        f = header.fields
        manifest.default_settings = self.sanitize_json(f.get("default_settings") or {},
                                                       SETTINGS_PATH)
        templates = {name: self.sanitize_json(value, f"home/templates/{name}.json")
                     for name, value in extra_templates.items()}
        for key in TEMPLATE_FIELDS:
            if isinstance(f.get(key), dict):
                templates[key] = self.sanitize_json(f[key], f"home/templates/{key}.json")
        manifest.templates = templates
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
            base, counts = names.clean_message(base, self.profile.rules)
            if counts:
                self.warnings.append(names.message_warning("the backup file's name", counts))
            if message:
                message, counts = names.clean_message(message, self.profile.rules)
                if counts:
                    self.warnings.append(names.message_warning("the import message", counts))
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
                            self.resanitized, self.skipped, self.warnings)


def import_file(store: Store, path: Path, *, profile: Profile, message: str | None = None,
                limits: Limits | None = None, name: str | None = None, private: bool = False,
                force: bool = False) -> ImportResult:
    """Import the backup file at `path` as a new snapshot of `store` (which the
    caller has locked). Nothing is committed when any entry is bad.

    private=True is how a restore reads a file: into the private store's
    `imports` branch, as it is (user data kept, nothing re-sanitized);
    force=True keeps entries whose hash does not match, with a warning."""
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
    created = not (repo / "flexgit").exists()
    store = Store.init(repo) if created else Store.open(repo)
    try:
        with store.locked("flexgit import"):
            return import_file(store, path, profile=profile, message=message, name=name)
    except BaseException:
        if created and store.head() is None:
            store.close()
            shutil.rmtree(repo, ignore_errors=True)
        raise
    finally:
        store.close()
