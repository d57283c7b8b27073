"""The original FlexPBX tools' jobs, as library functions: backup (snapshot +
export), and migrate (backup, restore into another account, check ownership,
sudoers and permissions, clean up). Their command lines are in cli/seedtools.py."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flexgit import lifecycle, restore
from flexgit.app import Context
from flexgit.errors import FlexgitError, UsageError
from flexgit.progress import Progress
from flexgit.restore import accounts

Say = Callable[[str], None]


@dataclass
class Backup:
    path: Path
    files: int
    snapshot: str
    sensitive: bool
    changed: bool  # False: nothing changed since the last snapshot
    warnings: list[str] = field(default_factory=list)


def backup(ctx: Context, *, backup_type: str = "flx", out_dir: Path | None = None,
           compress: bool = False, include_data: bool = False,
           include_voicemail: bool = False,
           progress: Progress | None = None,
           extras: bool = True) -> Backup:
    """Snapshot the installation and export that snapshot as a backup file,
    with hooks, copies and remote pushes (`extras`) as `flexgit` does them."""
    if include_voicemail and not include_data:
        raise UsageError("--include-voicemail requires -d/--include-data")
    lifecycle.check_output_dir(out_dir or ctx.home / ctx.profile.backup_dir)
    snap = lifecycle.take_snapshot(ctx, backup_type=backup_type, include_data=include_data,
                                   include_voicemail=include_voicemail, progress=progress,
                                   message=f"flexpbx-backup ({backup_type})",
                                   command="flexpbx-backup")
    exp = lifecycle.export_backup(ctx, snap.head, private=include_data,
                                  backup_type=backup_type, compress=compress, out_dir=out_dir,
                                  progress=progress, extras=extras)
    return Backup(exp.result.path, exp.result.files, snap.head, include_data,
                  snap.result.id is not None, snap.warnings + exp.warnings)


def _account_home(ctx: Context, name: str) -> tuple[accounts.Account, Path]:
    acct = accounts.lookup(name)
    return acct, ctx.root / acct.home.lstrip("/")


def migrate(ctx: Context, target: str, *, source: str | None = None,
            backup_dir: Path | None = None, keep_backup: bool = False,
            confirm: Callable[[str], bool] | None = None, say: Say = print) -> Path | None:
    """The seed's six steps; returns the kept backup file, if any."""
    src = accounts.lookup(source) if source else accounts.current()
    # Under sudo the current user is root: its name must never be renamed in sudoers.
    accounts.check_source_account(src.name)
    dst, dst_home = _account_home(ctx, target)
    if src.name == dst.name:
        raise UsageError(f"source and target are the same user ({src.name}); "
                         f"name another target")
    if os.geteuid() != 0:
        raise FlexgitError(f"migrating to {dst.name} needs root (to set ownership and "
                           f"install the sudoers file): run `sudo flexpbx-migrate {dst.name}`, "
                           f"or grant it in sudoers (see Troubleshooting in the README)")
    src_home = ctx.root / src.home.lstrip("/")
    if not src_home.is_dir():
        raise UsageError(f"source home {src_home} of {src.name} does not exist")
    if confirm is not None and not confirm(
            f"Migrate FlexPBX from {src.name} ({src_home}) to {dst.name} ({dst_home})?"):
        from flexgit.errors import Cancelled
        raise Cancelled("migration cancelled; nothing was changed")
    own_dir = backup_dir is None
    work = backup_dir or Path(tempfile.mkdtemp(prefix="flexpbx-migrate-"))
    # A store of its own in the work directory: the source account is only read.
    src_ctx = Context(home=src_home, root=ctx.root, repo=work / "flexgit.git",
                      config=ctx.config, yes=True, hooks=False, out=ctx.out)
    # An intermediate file: no hooks, copies or pushes for it.
    b = backup(src_ctx, backup_type="flxx", out_dir=work, compress=True, extras=False)
    say(f"[1/6] backup of {src.name}: {b.path} ({b.files} files)")
    dst_ctx = Context(home=dst_home, root=ctx.root, repo=dst_home / "backup" / "flexgit.git",
                      config=ctx.config, yes=True, hooks=ctx.hooks, out=ctx.out)
    # The file is this run's own, made a moment ago from the source account
    # into a private work directory: as trusted as that account's snapshot.
    out = restore.restore(dst_ctx, str(b.path), mode="migrate", user=dst.name,
                          source_user=src.name, trust_privileged=True)
    assert out.applied is not None
    say(f"[2/6] restored into {dst_home}: {out.applied.written} written")
    wrong = [p for p in _walk(dst_home) if os.lstat(p).st_uid != dst.uid]
    if wrong:
        raise FlexgitError(f"ownership check failed: {wrong[0]} is not owned by {dst.name}")
    say(f"[3/6] ownership: every file under {dst_home} belongs to {dst.name}")
    sudoers = sorted((ctx.root / "etc/sudoers.d").glob("flexpbx*"))
    for f in sudoers:
        accounts.check_sudoers(f, str(f))
    say(f"[4/6] sudoers: {', '.join(p.name for p in sudoers) or 'none'} with {dst.name}'s "
        f"rules added beside the other accounts', checked with visudo")
    unreadable = [p for p in _walk(dst_home) if not _readable_by(p, dst)]
    if unreadable:
        raise FlexgitError(f"permission test failed: {dst.name} cannot read {unreadable[0]}")
    say(f"[5/6] permissions: {dst.name} can read every restored file")
    if keep_backup:
        say(f"[6/6] backup kept: {b.path}")
        return b.path
    if own_dir:
        shutil.rmtree(work, ignore_errors=True)
    else:
        b.path.unlink(missing_ok=True)
        shutil.rmtree(work / "flexgit.git", ignore_errors=True)
        for link in work.glob("latest.*"):
            if not link.exists():
                link.unlink()
    say("[6/6] temporary backup removed (use -k to keep it)")
    return None


def _walk(home: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(home):
        rel = Path(dirpath).relative_to(home)
        if rel.parts[:1] == ("backup",):
            dirnames[:] = []
            continue
        out.extend(Path(dirpath) / n for n in dirnames + filenames)
    return out


def _readable_by(p: Path, acct: accounts.Account) -> bool:
    st = os.lstat(p)
    if stat.S_ISLNK(st.st_mode):
        return True
    bits = stat.S_IRUSR if st.st_uid == acct.uid else (
        stat.S_IRGRP if st.st_gid == acct.gid else stat.S_IROTH)
    return bool(st.st_mode & bits)
