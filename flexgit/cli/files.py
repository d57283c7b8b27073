"""Commands around backup files: export, import, verify, audit, prune."""

from __future__ import annotations

import os
from pathlib import Path

import click

from flexgit import audit as audit_mod
from flexgit import lifecycle, retention
from flexgit import verify as verify_mod
from flexgit.app import Context
from flexgit.errors import INTEGRITY, OK, WARNINGS, UsageError
from flexgit.formats import importer

pass_ctx = click.make_pass_decorator(Context)


def _backup_dir(ctx: Context, given: str | None) -> Path:
    if given:
        return Path(given).expanduser().absolute()
    return ctx.home / ctx.profile.backup_dir


def _is_file_arg(arg: str) -> bool:
    return os.path.lexists(arg) or arg.endswith((".flx", ".flxx", ".gz", ".gpg")) or "/" in arg


@click.command("export")
@click.argument("rev", default="latest")
@click.option("-t", "--type", "backup_type", type=click.Choice(["flx", "flxx"]),
              help="flx: system configuration; flxx: plus templates, schemas [default: "
                   "the snapshot's -t]. Any snapshot exports as either.")
@click.option("-c", "--compress", is_flag=True, help="Compress with gzip (.gz).")
@click.option("-o", "--output", "out_dir", metavar="DIR",
              help="Output directory [default: HOME/backup/].")
@click.option("--encrypt", "recipients", multiple=True, metavar="RECIPIENT",
              help="Encrypt with gpg to RECIPIENT (key id, fingerprint or email; repeatable): "
                   "writes ….gpg, never a plaintext file.")
@pass_ctx
def export_cmd(ctx: Context, rev: str, backup_type: str | None, compress: bool,
               out_dir: str | None, recipients: tuple[str, ...]) -> int:
    """Write a snapshot as a .flx/.flxx backup file and point latest.* at it.

    A snapshot taken before snapshots held every category exports as flxx
    with one warning naming the categories it lacks (exit 3).

    The file is also copied into the profile's [copies] dirs and the store
    pushed to its [copies] remotes; a failed copy or push is a warning (exit 3).

    \b
    Example:
      flexgit export latest -t flxx -c -o /srv/backups
      flexgit export latest~1 -t flxx
      flexgit export -c --encrypt backup@example.com
    """
    done = lifecycle.export_backup(ctx, rev, backup_type=backup_type, compress=compress,
                                   out_dir=_backup_dir(ctx, out_dir) if out_dir else None,
                                   encrypt_to=recipients, progress=ctx.out.progress)
    ctx.out.progress_done()
    res = done.result
    ctx.out.data(done.as_json())
    ctx.summary = (f"export={res.path.name} files={res.files} copies={len(done.copies)} "
                   f"warnings={len(done.warnings)}")
    enc = f", encrypted to {', '.join(res.encrypted_to)}" if res.encrypted_to else ""
    ctx.out.success(f"exported snapshot {res.snapshot[:12]} to {res.path} "
                    f"({res.files} files{enc})")
    for c in done.copies:
        if c.ok:
            ctx.out.info(f"copied to {c.path} (sha256 checked)")
    for pushed in done.pushed:
        ctx.out.info(f"pushed to {pushed.remote} ({pushed.branch})")
    for w in done.warnings:
        ctx.out.warn(w)
    return WARNINGS if done.warnings else OK


@click.command("import")
@click.argument("file")
@click.option("-m", "--message", help="Describe the snapshot [default: import FILE].")
@pass_ctx
def import_cmd(ctx: Context, file: str, message: str | None) -> int:
    """Import a .flx/.flxx backup file (ours or the original tools') as a snapshot.

    Every entry is checked and re-sanitized first; a bad file commits nothing.

    \b
    Example:
      flexgit import ~/backup/flexpbx-2025-10-14_12-00-00.flx.gz
    """
    res = importer.import_to_repo(ctx.repo, Path(file), profile=ctx.profile, message=message,
                                  name=file)
    for w in res.warnings:
        ctx.out.warn(w)
    for p in res.resanitized:
        ctx.out.detail(f"re-sanitized {p}")
    ctx.out.data(res.as_json())
    if res.id is None:
        ctx.out.info(f"no changes: {file} matches the latest snapshot "
                     f"{(res.parent or '')[:12]}")
    else:
        ctx.out.success(f"imported {file} as snapshot {res.id[:12]}: {res.files} files, "
                        f"{res.changed} changed")
    return WARNINGS if res.warnings else OK


@click.command()
@click.argument("target", metavar="FILE|REV")
@pass_ctx
def verify(ctx: Context, target: str) -> int:
    """Check a backup file (JSON, gzip, sizes, sha256) or a snapshot (every blob).

    Exits 4 when anything is wrong.

    \b
    Example:
      flexgit verify ~/backup/latest.flx.gz && flexgit verify latest
    """
    if _is_file_arg(target):
        report = verify_mod.verify_file(Path(target), name=target)
    else:
        store = ctx.open_store()
        try:
            report = verify_mod.verify_snapshot(store, target)
        finally:
            store.close()
    ctx.out.data(report.as_json())
    what = target if report.kind == "file" else f"snapshot {report.target[:12]}"
    for p in report.problems:
        ctx.out.info(f"{p.path}: {p.problem}")
    if report.ok:
        ctx.out.success(f"{what}: OK ({report.checked} "
                        f"{'entries' if report.kind == 'file' else 'objects'} verified)")
        return OK
    ctx.out.info(f"{what}: {len(report.problems)} problem(s)")
    return INTEGRITY


@click.command()
@click.argument("target", metavar="[REV|FILE]", required=False)
@click.option("--all", "all_objects", is_flag=True,
              help="Every object in the store: blobs, names, messages, refs.")
@click.option("--any-repo", is_flag=True,
              help="--repo is any bare git repository (a central one): audit the commit "
                   "REV (a full id or a ref name).")
@pass_ctx
def audit(ctx: Context, target: str | None, all_objects: bool, any_repo: bool) -> int:
    """Look for secrets and personal data the sanitizer missed.

    Its detectors are independent of the sanitizer's; it reads every file,
    name, link target and message, and prints where and which rule, never the
    value.

    Exits 4 when anything is found that the profile does not acknowledge;
    -v/--verbose prints each finding's fingerprint, for `[audit] allow`.

    \b
    Example:
      flexgit audit latest && flexgit audit --all
      flexgit audit --verbose ~/backup/latest.flx.gz
      flexgit --repo /srv/git/pbx.git audit --any-repo refs/heads/flexgit/pbx1/flexpbx
    """
    if all_objects and target:
        raise UsageError("give either REV|FILE or --all, not both")
    if any_repo:
        if not target or all_objects:
            raise UsageError("--any-repo audits one commit: give its id or a ref name")
        found, sha = audit_mod.audit_plain(ctx.repo, target)
        what = f"commit {sha[:12]} of {ctx.repo}"
    elif target is not None and _is_file_arg(target):
        found, what = audit_mod.audit_file(Path(target), name=target), target
    else:
        store = ctx.open_store()
        try:
            if all_objects:
                found, what = audit_mod.audit_store(store), f"every object in {ctx.repo}"
            else:
                sha = store.resolve(target or "latest")
                found, what = audit_mod.audit_snapshot(store, sha), f"snapshot {sha[:12]}"
        finally:
            store.close()
    findings, acknowledged = audit_mod.open_findings(found, ctx.profile.audit_allow)
    ctx.out.data([f.as_json() for f in findings])
    verbose = ctx.out.verbose > 0
    for f in findings:
        ctx.out.info(f.describe(verbose=verbose))
    ack = f" ({acknowledged} acknowledged in the profile)" if acknowledged else ""
    if findings:
        ctx.out.info(f"{what}: {len(findings)} possible secret(s) or personal data found{ack}")
        if not verbose:
            ctx.out.info("a finding that is no secret: `flexgit audit --verbose` prints "
                         "fingerprints for `[audit] allow` in the profile")
        return INTEGRITY
    ctx.out.success(f"{what}: no secrets found{ack}")
    return OK


@click.command()
@click.option("--keep-last", type=click.IntRange(min=0), help="Keep the N newest.")
@click.option("--keep-daily", type=click.IntRange(min=0), help="Newest of each of N days.")
@click.option("--keep-weekly", type=click.IntRange(min=0), help="Newest of each of N weeks.")
@click.option("--keep-monthly", type=click.IntRange(min=0),
              help="Newest of each of N months.")
@click.option("--dir", "directory", metavar="DIR", help="Backup directory [default: HOME/backup/].")
@click.option("--dry-run", is_flag=True, help="Print what would happen; change nothing.")
@click.option("--delete", is_flag=True, help="Delete instead of moving into DIR/backups/.")
@pass_ctx
def prune(ctx: Context, keep_last: int | None, keep_daily: int | None, keep_weekly: int | None,
          keep_monthly: int | None, directory: str | None, dry_run: bool, delete: bool) -> int:
    """Apply retention to exported backup files (default: 7 daily, 4 weekly, 12 monthly).

    Files not kept move into DIR/backups/ (or are deleted with --delete);
    latest.* links follow the newest remaining file.

    \b
    Example:
      flexgit prune --keep-daily 7 --keep-weekly 4 --dry-run
    """
    given = (keep_last, keep_daily, keep_weekly, keep_monthly)
    if all(v is None for v in given):
        policy = retention.DEFAULT_POLICY
    else:
        policy = retention.Policy(*(v or 0 for v in given))
    res = retention.prune(_backup_dir(ctx, directory), policy, delete=delete, dry_run=dry_run)
    ctx.out.data(res.as_json())
    would = "would " if dry_run else ""
    for name, reasons in sorted(res.kept.items()):
        ctx.out.info(f"keep    {name}  ({', '.join(reasons)})")
    for name, to in res.removed:
        if to == "delete":
            ctx.out.info(f"{would}delete  {name}")
        else:
            ctx.out.info(f"{would}move    {name} -> {os.path.relpath(to, res.directory)}")
    for link, link_target in res.links:
        if link_target is None:
            ctx.out.info(f"{would}remove  {link} (nothing left to point at)")
        else:
            ctx.out.info(f"{would}point   {link} -> {link_target}")
    done = "deleted" if delete else "moved to backups/"
    ctx.out.info(f"{len(res.kept)} kept, {len(res.removed)} "
                 + (f"would be {done}" if dry_run else done))
    return OK


COMMANDS = [export_cmd, import_cmd, verify, audit, prune]
