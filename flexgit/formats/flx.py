"""Exporting a snapshot as a `.flx`/`.flxx` backup file (FORMAT.md).

The JSON is written by hand, piece by piece, into the (gzip) stream: one file's
content is in memory at a time, never the whole document. The file appears
under its final name only when complete (temp file + rename), and the
`latest.*` symlink is moved atomically after it (formats/latest.py).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from flexgit import crypto, fsutil
from flexgit.audit.gate import ExportGate
from flexgit.errors import FlexgitError, UsageError
from flexgit.formats import latest
from flexgit.formats.limits import clash_problem, folded_pairs
from flexgit.formats.pgzip import ParallelGzip
from flexgit.profile import Profile
from flexgit.progress import Progress
from flexgit.snapshot.manifest import MANIFEST_PATH, REPORT_PATH, Manifest, Meta
from flexgit.store import LINK, Entry, Store

FORMAT_VERSION = "1.0"
FLEXGIT_FORMAT = 1
FILE_MODE = 0o640
# What the seed lists under "includes" for a .flx, in its order.
SEED_INCLUDES = ("system_files", "api_endpoints", "service_worker", "notification_system",
                 "temp_password_system", "email_validation", "sip_status_monitoring",
                 "documentation", "asterisk_templates", "sudo_config")
# The original tools' `excludes` flags: what a sanitized backup leaves out.
EXCLUDES = ("user_data", "passwords", "sessions", "subscriptions", "cache", "logs")
TEMPLATE_FIELDS = ("user_template", "admin_template")
NAME_RE = re.compile(r"flexpbx-(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})(?:-(\d+))?"
                     r"\.(flxx?)(\.gz)?(\.gpg)?")
_B64_CHUNK = 3 << 16  # a multiple of 3, so chunks encode without inner padding


@dataclass(frozen=True)
class ExportResult:
    path: Path
    link: Path
    snapshot: str
    backup_type: str
    files: int
    bytes: int
    sha256: str
    encrypted_to: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what the file lacks of its type

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "files": self.files, "bytes": self.bytes,
                "sha256": self.sha256, "encrypted": bool(self.encrypted_to),
                "recipients": list(self.encrypted_to)}


def extension(backup_type: str, compress: bool, encrypted: bool = False) -> str:
    return f".{backup_type}" + (".gz" if compress else "") + (crypto.SUFFIX if encrypted else "")


def export_name(when: float, backup_type: str, compress: bool, n: int = 1,
                private: bool = False, encrypted: bool = False) -> str:
    """flexpbx-YYYY-MM-DD_HH-MM-SS.flx[.gz]; files with user data are named
    flexpbx-private-… so nobody shares one by mistake (and prune leaves them)."""
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S", time.localtime(when))
    prefix = "flexpbx-private-" if private else "flexpbx-"
    return (f"{prefix}{stamp}{f'-{n}' if n > 1 else ''}"
            f"{extension(backup_type, compress, encrypted)}")


class _Hashing:
    """A write-only stream that hashes and counts what passes to `inner`."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        self._inner.write(data)
        return len(data)

    def flush(self) -> None:
        self._inner.flush()


def _j(value: Any) -> bytes:
    try:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: keep them as \u escapes
        return json.dumps(value).encode("ascii")


@dataclass
class _Plan:
    """What one export writes, gathered from the snapshot before writing."""

    commit: str
    tree: str | None  # None when the export leaves part of the snapshot out
    created: str
    backup_type: str
    manifest: Manifest
    entries: list[tuple[str, Entry, Meta]]
    counts: dict[str, dict[str, int]]
    rules_digest: str
    warnings: list[str] = field(default_factory=list)


def _load(store: Store, sha: str, profile: Profile, backup_type: str | None) -> _Plan:
    info = store.commit_info(sha)
    tree = store.read_tree(sha)
    where = f"snapshot {sha[:12]}"
    if MANIFEST_PATH not in tree:
        raise UsageError(f"{where} has no {MANIFEST_PATH}; it was not made by flexgit "
                         f"and cannot be exported")
    manifest = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha),
                                   f"{where}:{MANIFEST_PATH}")
    rules_digest, counts = "", {}
    if REPORT_PATH in tree:
        from flexgit.snapshot.manifest import parse_report

        raw = store.read_blob(tree[REPORT_PATH].sha)
        counts = parse_report(raw, f"{where}:{REPORT_PATH}")
        doc = json.loads(raw)
        rules_digest = str(doc.get("rules_digest", "")) if isinstance(doc, dict) else ""
    target = backup_type or manifest.backup_type
    warnings = []
    if target == "flxx" and manifest.holds != "flxx":
        # Taken (or imported) as flx before snapshots held every category:
        # the .flxx is written with what there is, and says what it lacks.
        lacking = ", ".join(c.name for c in profile.categories if c.flxx_only)
        warnings.append(f"{where} was taken as flx and holds none of the flxx-only categories: "
                        f"the .flxx lacks {lacking} (a new `flexgit snapshot` holds them)")
    # A flx export of a snapshot that holds everything leaves the flxx-only
    # categories out. Otherwise the file holds the whole snapshot, manifest
    # unchanged (the file's own type is its seed-level backup_type), so its
    # import is the identical tree.
    cut = target == "flx" and manifest.holds == "flxx"
    dropped = {c.name for c in profile.categories if c.flxx_only} if cut else set()
    entries: list[tuple[str, Entry, Meta]] = []
    for path in sorted(tree):
        if path.startswith(".flexgit/"):
            continue
        side = path.split("/", 1)[0]
        if side not in ("home", "system") or "/" not in path:
            raise FlexgitError(f"{where}: {path!r} is outside home/ and system/; "
                               f"not a flexgit snapshot layout")
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            raise FlexgitError(f"{where}: a file name below {path.rsplit('/', 1)[0]!r} is not "
                               f"valid UTF-8 and cannot be written to a backup file") from None
        entry = tree[path]
        meta = manifest.files.get(path) or _default_meta(entry)
        if meta.category in dropped:
            continue
        entries.append((path, entry, meta))
    if cut:
        kept = {p for p, _, _ in entries}
        manifest.files = {p: m for p, m in manifest.files.items() if p in kept}
        manifest.empty_dirs = {p: m for p, m in manifest.empty_dirs.items()
                               if m.category not in dropped}
        manifest.templates = {}
        counts = {p: c for p, c in counts.items() if p in kept}
        # What is left is a flx snapshot's worth, and the file says so.
        manifest.backup_type, manifest.captured = "flx", None
    pairs = folded_pairs([p for p, _, _ in entries] + list(manifest.empty_dirs))
    if pairs:
        # import, verify and restore refuse such a file as a whole: never write it.
        raise FlexgitError(f"{where}: {clash_problem(pairs)}, which no backup file can hold "
                           f"(import refuses it); rename one, take a new snapshot and export "
                           f"that")
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.time))
    return _Plan(sha, None if cut else info.tree, created, target, manifest, entries,
                 counts, rules_digest, warnings)


def _default_meta(entry: Entry) -> Meta:
    mode = 0o777 if entry.mode == LINK else (0o755 if entry.mode & 0o100 else 0o644)
    return Meta(mode, "", "", "")


def _includes(plan: _Plan, profile: Profile) -> dict[str, bool]:
    present = {m.category for _, _, m in plan.entries}
    keys = list(SEED_INCLUDES)
    extra: dict[str, bool] = {}
    if plan.backup_type == "flxx":
        # The keys the original tools wrote into a .flxx.
        flx_level = {c.name for c in profile.categories if not c.flxx_only}
        extra = {"system_config": bool(present & flx_level),
                 "asterisk_configs": "asterisk_templates" in present,
                 "user_data": False, "voicemail_recordings": False}
    keys += [c.name for c in profile.categories_for(plan.backup_type)]
    keys += sorted(present - set(keys) - {""})
    out = {k: k in present for k in dict.fromkeys(keys)}
    out.update(extra)
    return out


def _manifest_head(m: Manifest) -> dict[str, Any]:
    """The manifest without what the file carries elsewhere (files, settings,
    templates): host, account, profile digest, empty directories."""
    return {"format": 1, "backup_type": m.backup_type, "sensitive_data_included": m.sensitive,
            "host": m.host, "account": m.account, "home": m.home,
            "flexpbx_version": m.flexpbx_version, "profile_digest": m.profile_digest,
            "empty_dirs": {p: v.as_json() for p, v in sorted(m.empty_dirs.items())},
            **({"captured": m.captured} if m.captured else {})}


def _document(store: Store, plan: _Plan, profile: Profile,
              progress: Progress | None = None,
              gate: ExportGate | None = None) -> Iterator[bytes]:
    """The file's bytes, piece by piece; `gate` sees every entry and value written."""
    m = plan.manifest
    sensitive = m.sensitive
    if plan.backup_type == "flxx":
        seed_type = "extended_with_data" if sensitive else "extended"
    else:
        seed_type = "full_with_data" if sensitive else "system_config"
    head: list[tuple[str, Any]] = [
        ("version", FORMAT_VERSION), ("backup_type", seed_type), ("created", plan.created),
        ("flexpbx_version", m.flexpbx_version), ("sensitive_data_included", sensitive),
        ("includes", _includes(plan, profile)),
        ("excludes", {k: not (sensitive and k == "user_data") for k in EXCLUDES}),
        ("file_count", len(plan.entries)),
    ]
    yield b"{\n"
    for key, value in head:
        if gate:
            gate.field(key, value)
        yield b' "%s": %s,\n' % (key.encode(), _j(value))
    yield b' "files": ['
    done_bytes = 0
    for n, (path, entry, meta) in enumerate(plan.entries):
        data = store.read_blob(entry.sha)
        done_bytes += len(data)
        if progress and (n % 100 == 0 or n == len(plan.entries) - 1):
            progress("export", n + 1, len(plan.entries), done_bytes=done_bytes)
        if gate:
            gate.entry(path, entry.mode, data)
        root, _, rel = path.partition("/")
        fields: list[tuple[str, Any]] = [
            ("path", rel), ("hash", "sha256:" + hashlib.sha256(data).hexdigest()),
            ("size", len(data)), ("root", root), ("mode", f"{meta.mode:04o}"),
            ("type", "symlink" if entry.mode == LINK else "file"),
            ("owner", meta.owner), ("group", meta.group), ("category", meta.category)]
        if plan.counts.get(path):
            fields.append(("sanitized", dict(sorted(plan.counts[path].items()))))
        yield b"\n  {" if n == 0 else b",\n  {"
        yield b", ".join(b"%s: %s" % (_j(k), _j(v)) for k, v in fields)
        yield b', "content": "'
        view = memoryview(data)
        for i in range(0, len(data), _B64_CHUNK):
            yield base64.b64encode(view[i:i + _B64_CHUNK])
        yield b'"}'
    yield b"\n ],\n" if plan.entries else b"],\n"
    tail: list[tuple[str, Any]] = [("default_settings", m.default_settings)]
    tail += [(k, m.templates[k]) for k in TEMPLATE_FIELDS if isinstance(m.templates.get(k), dict)]
    head_m = _manifest_head(m)
    extra_templates = {k: v for k, v in m.templates.items()
                       if k not in TEMPLATE_FIELDS or not isinstance(v, dict)}
    if extra_templates:
        head_m["templates"] = extra_templates
    tail.append(("flexgit", {"format": FLEXGIT_FORMAT, "snapshot": plan.commit,
                             "tree": plan.tree, "rules_digest": plan.rules_digest,
                             "manifest": head_m}))
    for i, (key, value) in enumerate(tail):
        if gate:
            gate.field(key, value)
        yield b' "%s": %s%s\n' % (key.encode(), _j(value), b"," if i < len(tail) - 1 else b"")
    yield b"}\n"


def _free_name(out_dir: Path, when: float, backup_type: str, compress: bool,
               private: bool = False, encrypted: bool = False) -> Path:
    n = 1
    while True:
        p = out_dir / export_name(when, backup_type, compress, n, private, encrypted)
        if not os.path.lexists(p):
            return p
        n += 1


def export(store: Store, rev: str, *, profile: Profile, out_dir: Path,
           backup_type: str | None = None, compress: bool = False,
           now: float | None = None,
           progress: Progress | None = None,
           encrypt_to: Sequence[str] = ()) -> ExportResult:
    """Write snapshot `rev` as a backup file into `out_dir`; point latest.* at it.

    With `encrypt_to` the file is streamed through gpg to those recipients
    and named ….gpg; the plaintext never reaches the disk."""
    if backup_type not in (None, "flx", "flxx"):
        raise UsageError(f"backup type must be flx or flxx, not {backup_type!r}")
    recipients = tuple(encrypt_to)
    if recipients:
        crypto.check_recipients(recipients)
    sha = store.resolve(rev)
    plan = _load(store, sha, profile, backup_type)
    when = time.time() if now is None else now
    out_dir.mkdir(mode=0o750, parents=True, exist_ok=True)
    private = plan.manifest.sensitive
    enc = bool(recipients)
    # A shareable export is audited as it is written and refused on a finding
    # (fail closed); a private snapshot's file holds user data by design.
    gate = None if private or store.is_private else ExportGate(profile.audit_allow)
    final = _free_name(out_dir, when, plan.backup_type, compress, private, enc)
    # What a killed export left (a live one's temp is flock'ed and stays).
    fsutil.remove_stale_temps(out_dir)
    tmp, f = fsutil.open_temp(out_dir)
    try:
        with (crypto.encrypting(f, recipients) if enc else contextlib.nullcontext(f)) as target:
            sink = _Hashing(target)
            if compress:
                # gzip -6, as tar czf, on every core (see pgzip).
                with ParallelGzip(sink.write, level=6, mtime=int(when)) as gz:
                    for piece in _document(store, plan, profile, progress, gate):
                        gz.write(piece)
            else:
                for piece in _document(store, plan, profile, progress, gate):
                    sink.write(piece)
        if gate:
            gate.check(f"export of snapshot {sha[:12]}")
        size, digest = (_file_digest(tmp) if enc else (sink.size, sink.sha.hexdigest()))
        # A name taken meanwhile (another export in the same second) is not clobbered.
        if os.path.lexists(final):
            final = _free_name(out_dir, when, plan.backup_type, compress, private, enc)
    except BaseException:
        # Closing may fail again (the disk is still full): the temp goes regardless.
        with contextlib.suppress(OSError):
            f.close()
        fsutil.remove_quietly(tmp)
        raise
    fsutil.commit_temp(tmp, f, final, mode=0o600 if plan.manifest.sensitive else FILE_MODE)
    link = out_dir / (f"latest{'-private' if private else ''}"
                      f"{extension(plan.backup_type, compress, enc)}")
    # This link to the new file; the type's other forms would name an older one.
    latest.relink(out_dir, written=final.name)
    return ExportResult(final, link, sha, plan.backup_type, len(plan.entries), size, digest,
                        recipients, tuple(plan.warnings))


def _file_digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()
