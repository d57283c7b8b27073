"""flexpbx-backup, flexpbx-restore, flexpbx-migrate: the original tools'
command lines, exactly their options, over the flexgit library. They take no
--home/--root/--repo; FLEXGIT_HOME, FLEXGIT_ROOT and FLEXGIT_REPO still apply."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from flexgit import restore as restore_mod
from flexgit import seedtools
from flexgit.app import Context
from flexgit.cli import HandledCommand, _current
from flexgit.cli.restoring import confirmer, report
from flexgit.errors import OK, WARNINGS, BadInput, UsageError
from flexgit.output import Output

SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
MODES = ("fresh", "merge", "migrate")
WARNINGS_TEXT = {
    "fresh": "WARNING: This will delete all existing FlexPBX data!",
    "merge": "Merging system files with the existing installation (user data is kept).",
    "migrate": "Installing FlexPBX for user {user}.",
}


def _context(verbose: bool, yes: bool = False) -> Context:
    ctx = Context.from_options(home=os.environ.get("FLEXGIT_HOME"),
                               root=os.environ.get("FLEXGIT_ROOT"),
                               repo=os.environ.get("FLEXGIT_REPO"),
                               config=os.environ.get("FLEXGIT_CONFIG"), yes=yes,
                               out=Output(verbose=1 if verbose else 0))
    _current.append(ctx)
    return ctx


@click.command(cls=HandledCommand, context_settings=SETTINGS)
@click.option("-t", "--type", "backup_type", type=click.Choice(["flx", "flxx"]), default="flx",
              show_default=True,
              help="Backup type of the file (the snapshot behind it holds both).")
@click.option("-o", "--output", type=click.Path(file_okay=False), metavar="PATH",
              help="Output directory [default: ~/backup/].")
@click.option("-c", "--compress", is_flag=True, help="Compress backup with gzip.")
@click.option("-v", "--verbose", is_flag=True, help="Verbose output.")
@click.option("-d", "--include-data", is_flag=True,
              help="Include user data (private: never share the result).")
@click.option("--include-voicemail", is_flag=True, help="With -d: include voicemail.")
def backup(backup_type: str, output: str | None, compress: bool, verbose: bool,
           include_data: bool, include_voicemail: bool) -> int:
    """Create a FlexPBX system backup (.flx or .flxx).

    \b
    Examples:
      flexpbx-backup
      flexpbx-backup -t flxx -c
      flexpbx-backup -o /tmp/backups -v
    """
    ctx = _context(verbose)
    b = seedtools.backup(ctx, backup_type=backup_type,
                         out_dir=Path(output).expanduser() if output else None,
                         compress=compress, include_data=include_data,
                         include_voicemail=include_voicemail, progress=ctx.out.progress)
    ctx.out.progress_done()
    for w in b.warnings:
        ctx.out.warn(w)
    ctx.summary = f"backup={b.path.name} files={b.files} snapshot={b.snapshot[:12]}"
    if verbose:
        ctx.out.info(f"snapshot {b.snapshot[:12]}"
                     f"{'' if b.changed else ' (no changes since the last backup)'}")
    ctx.out.success(f"Backup created: {b.path} ({b.files} files)")
    if b.sensitive:
        ctx.out.warn("this backup contains personal user data (names, emails, password "
                     "hashes). It is NOT safe to share: keep it private (mode 0600) and "
                     "encrypt it if it leaves this machine")
    ctx.out.info(f"Restore with: flexpbx-restore {b.path}")
    return WARNINGS if b.warnings else OK




@click.command(cls=HandledCommand, context_settings=SETTINGS)
@click.option("-m", "--mode", default="merge", show_default=True, metavar="fresh|merge|migrate",
              help="fresh: overwrite everything; merge: keep user data; migrate: new user.")
@click.option("-u", "--user", metavar="USERNAME", help="Target username for migration.")
@click.option("-v", "--verbose", is_flag=True, help="Verbose output.")
@click.option("-y", "--yes", is_flag=True, help="Skip confirmation prompts.")
@click.option("--trust-privileged", is_flag=True,
              help="Install the backup's sudoers rules and root-run scripts even where they "
              "differ from what flexgit writes (after the confirmation).")
@click.argument("backup_file", metavar="BACKUP_FILE")
def restore(mode: str, user: str | None, verbose: bool, yes: bool, trust_privileged: bool,
            backup_file: str) -> int:
    """Restore FlexPBX from a .flx or .flxx backup file (.gz accepted).

    \b
    Examples:
      flexpbx-restore ~/backup/latest.flx.gz
      flexpbx-restore -m fresh -y backup.flx
      flexpbx-restore -m fresh -y --trust-privileged backup.flx
      flexpbx-restore -m migrate -u flexpbx2 backup.flx
    """
    if mode not in MODES:
        raise UsageError(f"Invalid mode: {mode} (use fresh, merge or migrate)")
    path = Path(backup_file).expanduser()
    if not path.is_file():
        raise BadInput(f"Backup file not found: {backup_file}")
    if mode == "migrate" and not user:
        raise UsageError("migrate mode needs the target user: -u USERNAME")
    ctx = _context(verbose, yes)
    outcome = restore_mod.restore(ctx, str(path), mode=mode, user=user,
                                  trust_privileged=trust_privileged,
                                  confirm=confirmer(ctx, mode, user, prompts=WARNINGS_TEXT,
                                                    full_plan=verbose),
                                  progress=ctx.out.progress)
    ctx.out.progress_done()
    code = report(ctx, outcome)
    home = outcome.plan.target.home
    ctx.out.info("Next steps:")
    ctx.out.info("  - reload Asterisk: asterisk -rx 'core reload'")
    ctx.out.info(f"  - check the portal files: ls -la {home}/public_html/service-worker.js")
    if outcome.plan.temp_admin:
        ctx.out.info("  - log in with the temporary admin password above and change it")
    elif outcome.plan.generated:
        ctx.out.info("  - put the new secrets above where they are needed (phones, trunks)")
    ctx.out.info("  - not what you wanted? `flexgit undo` puts everything back")
    return code


@click.command(cls=HandledCommand, context_settings=SETTINGS)
@click.option("-s", "--source", metavar="USERNAME", help="Source username [default: current user].")
@click.option("-b", "--backup-dir", type=click.Path(file_okay=False), metavar="PATH",
              help="Custom backup directory.")
@click.option("-k", "--keep-backup", is_flag=True, help="Keep backup after migration.")
@click.option("-v", "--verbose", is_flag=True, help="Verbose output.")
@click.option("-y", "--yes", is_flag=True, help="Skip confirmation prompts.")
@click.argument("target", metavar="TARGET_USERNAME")
def migrate(source: str | None, backup_dir: str | None, keep_backup: bool, verbose: bool,
            yes: bool, target: str) -> int:
    """Migrate FlexPBX from one user account to another.

    \b
    Examples:
      flexpbx-migrate newuser
      flexpbx-migrate -s olduser newuser
      flexpbx-migrate -k -v newuser
    """
    ctx = _context(verbose, yes)

    def confirm(question: str) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            raise UsageError("refusing to migrate without confirmation: no terminal to ask "
                             "on; pass -y to confirm")
        return click.confirm(question, default=False, err=True)

    kept = seedtools.migrate(ctx, target, source=source,
                             backup_dir=Path(backup_dir).expanduser() if backup_dir else None,
                             keep_backup=keep_backup, confirm=confirm, say=ctx.out.info)
    ctx.summary = f"migrate target={target} kept={kept or ''}"
    ctx.out.success(f"Migration to {target} complete.")
    return OK


__all__ = ["backup", "migrate", "restore"]
