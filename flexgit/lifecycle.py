"""Snapshot and export as whole jobs, with what goes around them: lifecycle
hooks, encryption, copies into more directories and pushes to git remotes.
`flexgit snapshot/export`, `flexpbx-backup` and rollback all come through
here, so they behave the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import copies, fsutil, hooks, names, remotes, snapshot
from flexgit.app import Context
from flexgit.errors import FlexgitError, UsageError
from flexgit.formats import flx
from flexgit.progress import Progress
from flexgit.store import Store


@dataclass
class Snapshotted:
    result: snapshot.Result
    store: Path
    private: bool
    head: str  # the latest snapshot: the new one, or the unchanged one
    hook_warnings: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [*self.result.warnings, *self.hook_warnings]


def take_snapshot(ctx: Context, *, backup_type: str = "flx", message: str | None = None,
                  allow_empty: bool = False, include_data: bool = False,
                  include_voicemail: bool = False, tag: str | None = None,
                  progress: Progress | None = None, command: str = "flexgit snapshot",
                  runner: hooks.Runner | None = None) -> Snapshotted:
    """pre-snapshot hooks -> snapshot (shareable, or private with user data)
    -> tag -> post-snapshot hooks."""
    if include_voicemail and not include_data:
        raise UsageError("--include-voicemail requires --include-data")
    if tag:
        names.check_tag_name(tag, ctx.profile.rules)  # before a snapshot is taken for it
    ctx.installation.check()
    cleaned: list[str] = []
    if message and not include_data:
        # A message is shared with the snapshot: sanitized like any text.
        known = snapshot.known_for(ctx.installation, ctx.profile).sweep
        message, counts = names.clean_message(message, ctx.profile.rules, known)
        if counts:
            cleaned.append(names.message_warning("the snapshot message", counts))
    runner = runner or hooks.for_context(ctx)
    where = ctx.private_repo if include_data else ctx.repo
    runner.pre("pre-snapshot", type=backup_type, private=include_data, store=where)
    prof = ctx.profile.with_data(voicemail=include_voicemail) if include_data else ctx.profile
    store = Store.init(where, private=True) if include_data else ctx.open_or_init_store()
    try:
        with store.locked(command):
            res = snapshot.take(store, ctx.installation, prof, backup_type=backup_type,
                                message=message, allow_empty=allow_empty, progress=progress)
            res.warnings[:0] = cleaned
            if tag:
                store.set_tag(tag, res.id or store.head() or "", rules=ctx.profile.rules)
            head = res.id or store.head() or ""
    finally:
        store.close()
    warned = runner.post("post-snapshot", snapshot=head, type=backup_type,
                         private=include_data, store=where, changed=res.id is not None)
    return Snapshotted(res, where, include_data, head, warned)


@dataclass
class Exported:
    result: flx.ExportResult
    copies: list[copies.Copy] = field(default_factory=list)
    pushed: list[remotes.Pushed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        r = self.result
        return {**r.as_json(), "snapshot": r.snapshot, "type": r.backup_type,
                "link": str(r.link), "copies": [c.as_json() for c in self.copies],
                "pushed": [p.as_json() for p in self.pushed], "warnings": self.warnings}


def check_output_dir(out: Path) -> None:
    """Refuse an output directory no backup can be written to, before any work."""
    problem = fsutil.writable_dir_problem(out)
    if problem:
        raise UsageError(f"cannot write backups to {out}: {problem}; choose another "
                         f"directory with -o/--output")


def export_backup(ctx: Context, rev: str = "latest", *, private: bool = False,
                  backup_type: str | None = None, compress: bool = False,
                  out_dir: Path | None = None, encrypt_to: Sequence[str] = (),
                  progress: Progress | None = None, extras: bool = True,
                  runner: hooks.Runner | None = None) -> Exported:
    """Export `rev` of the store (or of the private store) as a backup file
    [encrypted], then, with `extras`: copies into the profile's directories,
    pushes to its remotes (shareable store only) and post-export hooks.
    A failed copy or push is a warning: the backup itself is made."""
    out = out_dir or ctx.home / ctx.profile.backup_dir
    check_output_dir(out)
    store = Store.open(ctx.private_repo) if private else ctx.open_store()
    try:
        res = flx.export(store, rev, profile=ctx.profile, out_dir=out, backup_type=backup_type,
                         compress=compress, progress=progress, encrypt_to=encrypt_to)
    finally:
        store.close()
    done = Exported(res, warnings=list(res.warnings))
    if not extras:
        return done
    dirs = [copies.resolve_dir(d, ctx.home) for d in ctx.profile.copy_dirs]
    done.copies = copies.copy_everywhere(res.path, dirs, sha256=res.sha256, link=res.link.name)
    done.warnings += [f"copy to {c.directory} failed: {c.error}" for c in done.copies
                      if not c.ok]
    if not private and ctx.profile.copy_remotes:
        done.pushed, failed = _push_all(ctx, ctx.profile.copy_remotes)
        done.warnings += failed
    runner = runner or hooks.for_context(ctx)
    done.warnings += runner.post(
        "post-export", file=res.path, snapshot=res.snapshot, type=res.backup_type,
        private=private, encrypted=bool(res.encrypted_to),
        copies=":".join(c.path for c in done.copies if c.path))
    return done


def _push_all(ctx: Context, names: Sequence[str]) -> tuple[list[remotes.Pushed], list[str]]:
    identity = remotes.Identity.of(None, remotes.account_of(ctx.home))
    pushed: list[remotes.Pushed] = []
    failed: list[str] = []
    with ctx.open_store() as store:
        for name in names:
            try:
                p = remotes.push(store, name, identity=identity)
                p.check()
            except FlexgitError as e:
                failed.append(f"push to {name} failed: {e.message}")
            else:
                pushed.append(p)
    return pushed, failed
