"""Restore, rollback and undo: source -> plan -> [confirm] -> pre-restore
private snapshot -> apply (atomic writes, journal)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flexgit import hooks
from flexgit.app import Context, private_repo_of
from flexgit.errors import Cancelled, FlexgitError, HookFailed, UsageError
from flexgit.restore import accounts, rootstate, trust, undoing
from flexgit.restore.apply import JOURNAL, Applied, Undone, open_private, target_lock
from flexgit.restore.plan import MODES, Plan, Target, build

__all__ = ["Outcome", "Plan", "restore", "rollback", "undo"]
from flexgit.progress import Progress
from flexgit.restore.source import Source, from_commit, looks_like_file
from flexgit.selection import Selection
from flexgit.store import Files, Store


@dataclass
class Outcome:
    plan: Plan
    applied: Applied | None  # None for a dry run
    warnings: list[str] = field(default_factory=list)  # failed post-restore hooks


def _target(ctx: Context, mode: str, user: str | None) -> Target:
    as_root = os.geteuid() == 0
    if mode == "migrate":
        if not user:
            raise UsageError("migrate needs the target user: -u USER")
        acct = accounts.lookup(user)
        if not as_root and acct.uid != os.geteuid():
            raise FlexgitError(f"migrating to {acct.name} needs root to set file ownership; "
                               f"run it with sudo (e.g. `sudo flexgit restore -m migrate "
                               f"-u {acct.name} …`)")
        home = ctx.root / acct.home.lstrip("/")
        return Target(home, ctx.root, acct, acct.home, as_root)
    if user:
        raise UsageError("-u/--user only goes with -m migrate")
    owner: accounts.Account | None = None
    if as_root:
        try:
            st = ctx.home.stat()
            # Asked now, not from scan's cache: the sudoers rules are written
            # for this name (restore/trust.py).
            owner = accounts.Account(accounts.name_of(st.st_uid), st.st_uid, st.st_gid,
                                     str(ctx.home))
        except OSError:
            owner = None
    return Target(ctx.home, ctx.root, owner, str(ctx.home), as_root)


def load_source(ctx: Context, spec: str, *, force: bool = False) -> tuple[Source, Store | None]:
    """The source and, when it is a revision of the shareable store, that store."""
    path = Path(spec).expanduser()
    if path.is_file() or (looks_like_file(spec) and not _is_revision(ctx, spec)):
        from flexgit.restore.backupfile import source_from_file

        return source_from_file(ctx, path, force=force), None
    store = ctx.open_store()
    commit = store.resolve(spec)
    return from_commit(store, commit, spec), store


def _is_revision(ctx: Context, spec: str) -> bool:
    try:
        store = ctx.open_store()
    except FlexgitError:
        return False
    try:
        store.resolve(spec)
        return True
    except FlexgitError:
        return False
    finally:
        store.close()


def _base(ctx: Context) -> tuple[Store, Files] | None:
    try:
        store = ctx.open_store()
    except FlexgitError:
        return None
    head = store.head()
    if head is None:
        return None
    files = {p: e for p, e in store.read_tree(head).items() if not p.startswith(".flexgit/")}
    return store, files


def restore(ctx: Context, spec: str, *, mode: str = "merge", user: str | None = None,
            source_user: str | None = None, dry_run: bool = False, force: bool = False,
            skip_sudoers: bool = False, trust_privileged: bool = False,
            confirm: Callable[[Plan], bool] | None = None,
            progress: Progress | None = None,
            select: Selection | None = None, target_dir: Path | None = None) -> Outcome:
    """Restore `spec` (a revision or a backup file) into the installation.

    `source_user` (migrate) names the account the source installation
    belongs to, where its snapshot recorded another owner (a home owned by root).
    `select` restores that part alone (plan, save, undo and hooks of the part);
    `target_dir` writes plain files into that directory instead (target_dir.py)."""
    if mode not in MODES:
        raise UsageError(f"Invalid mode: {mode} (use fresh, merge or migrate)")
    if source_user is not None and mode != "migrate":
        raise UsageError("-s/--source-user only goes with -m migrate")
    if target_dir is not None:
        if mode != "merge" or user or trust_privileged:
            raise UsageError("--target writes the snapshot's plain files into a directory; "
                             "-m, -u and --trust-privileged are for the installation")
        return _restore_into(ctx, spec, target_dir, select, dry_run=dry_run, force=force,
                             progress=progress)
    target = _target(ctx, mode, user)
    if not dry_run and mode != "migrate":
        ctx.installation.check()
    source, src_store = load_source(ctx, spec, force=force)
    base = None
    try:
        _check_part(source, select)
        base = _base(ctx)
        if mode == "migrate":
            if source_user is not None:
                accounts.check_user_name(source_user)
                source.manifest.account = source_user
            # Before any plan: the account renamed in sudoers must be a login account.
            accounts.check_source_account(source.manifest.account)
        return _restore(ctx, source, target, mode, base, dry_run=dry_run, force=force,
                        skip_sudoers=skip_sudoers, trust_privileged=trust_privileged,
                        confirm=confirm, progress=progress, select=select)
    finally:
        source.close()
        if src_store is not None:
            src_store.close()
        if base is not None:
            base[0].close()


def _check_part(source: Source, select: Selection | None) -> None:
    """Every PATH is in the source and every --include matches (exit 2)."""
    if select is None or select.whole:
        return
    where = source.label if source.scratch is not None else f"snapshot {source.commit[:12]}"
    select.check([*source.files, *(f"{d}/.keep" for d in source.manifest.empty_dirs)], where)


def _restore_into(ctx: Context, spec: str, directory: Path, select: Selection | None, *,
                  dry_run: bool, force: bool,
                  progress: Progress | None) -> Outcome:
    """restore --target: no lock of the installation, no save, no hooks (it
    is not touched); the plan is printed and applied as any other."""
    from flexgit.restore import target_dir
    from flexgit.restore.apply import write_only

    directory = target_dir.check_dir(directory, home=ctx.home, root=ctx.root,
                                     profile=ctx.profile)
    source, src_store = load_source(ctx, spec, force=force)
    try:
        _check_part(source, select)
        plan = target_dir.build(source, directory, select=select, force=force)
        if dry_run:
            return Outcome(plan, None)
        for base in {plan.target.abspath(a.path)[0] for a in plan.changes}:
            base.mkdir(mode=0o750, parents=True, exist_ok=True)
        written = write_only(plan, progress=progress)
        return Outcome(plan, Applied("", written, 0, None))
    finally:
        source.close()
        if src_store is not None:
            src_store.close()


def _restore(ctx: Context, source: Source, target: Target, mode: str,
             base: tuple[Store, Files] | None, *, dry_run: bool, force: bool,
             skip_sudoers: bool, trust_privileged: bool, confirm: Callable[[Plan], bool] | None,
             progress: Progress | None,
             select: Selection | None = None) -> Outcome:
    if dry_run:
        plan = _plan(ctx, source, target, mode, base, force=force, skip_sudoers=skip_sudoers,
                     trust_privileged=trust_privileged, select=select)
        if (private_repo_of(target.home, ctx.profile) / JOURNAL).exists():
            plan.notes.insert(0, "a previous restore was interrupted; the next restore or "
                              "`flexgit undo` first puts back what it changed")
        return Outcome(plan, None)
    made_home = False
    if mode == "migrate" and not target.home.exists() and target.account is not None:
        target.home.mkdir(mode=0o750, parents=True)
        made_home = True
        if target.as_root:
            os.chown(target.home, target.account.uid, target.account.gid)
    runner = hooks.for_context(ctx)
    facts = _hook_facts(source, target, mode, select)
    try:
        applied, plan = _locked_restore(ctx, source, target, mode, base, runner, facts,
                                        force=force, skip_sudoers=skip_sudoers,
                                        trust_privileged=trust_privileged,
                                        confirm=confirm, progress=progress, select=select)
    except BaseException:
        if made_home:  # made for this restore, refused or cancelled: leave no trace
            with contextlib.suppress(OSError):
                target.home.rmdir()  # only while empty: never what was written
        raise
    warnings = runner.post("post-restore", **facts, pre_restore=applied.pre_restore,
                           written=applied.written, deleted=applied.deleted)
    return Outcome(plan, applied, warnings)


def _hook_facts(source: Source, target: Target, mode: str,
                select: Selection | None = None) -> dict[str, object]:
    from_file = source.scratch is not None
    part = select if select is not None and not select.whole else None
    return {"mode": mode, "source": source.label, "home": target.home,
            "file": source.label if from_file else None,
            "snapshot": None if from_file else source.commit,
            "user": target.account.name if mode == "migrate" and target.account else None,
            # A partial restore says which part, one tree path or pattern a line.
            "paths": "\n".join(part.paths) if part and part.paths else None,
            "include": "\n".join(part.include) if part and part.include else None,
            "exclude": "\n".join(part.exclude) if part and part.exclude else None}


def _locked_restore(ctx: Context, source: Source, target: Target, mode: str,
                    base: tuple[Store, Files] | None, runner: hooks.Runner,
                    facts: dict[str, object], *, force: bool, skip_sudoers: bool,
                    trust_privileged: bool, confirm: Callable[[Plan], bool] | None,
                    progress: Progress | None,
                    select: Selection | None = None) -> tuple[Applied, Plan]:
    with target_lock(target.home):
        _finish_interrupted(ctx, target)
        plan = _plan(ctx, source, target, mode, base, force=force, skip_sudoers=skip_sudoers,
                     trust_privileged=trust_privileged, select=select)
        if confirm is not None and not confirm(plan):
            raise Cancelled("restore cancelled; nothing was changed")
        # After the question, before the pre-restore save and any write.
        runner.pre("pre-restore", **facts)
        private = open_private(private_repo_of(target.home, ctx.profile))
        try:
            with private.locked("flexgit restore"):
                applied = apply_plan(plan, private, progress)
        finally:
            private.close()
        if mode == "migrate" and target.as_root and target.account is not None:
            # The new account owns its private store, so it can `flexgit undo` itself.
            _chown_tree(private.path.parent, target.account.uid, target.account.gid)
    return applied, plan


def _plan(ctx: Context, source: Source, target: Target, mode: str,
          base: tuple[Store, Files] | None, *, force: bool, skip_sudoers: bool,
          trust_privileged: bool, select: Selection | None = None) -> Plan:
    """The plan, reviewed for what a source may write without being trusted."""
    trusted = trust.own_snapshot(source, ctx.home)
    # Credential values are the source's only when it is this installation's
    # own, or the admin vouches for it (--trust-privileged, flexpbx-migrate).
    plan = build(source, mode, target, ctx.profile, base=base, skip_sudoers=skip_sudoers,
                 verbose=ctx.out.verbose > 0, force=force, select=select,
                 own_values=trusted or trust_privileged)
    if select is not None and not select.whole:
        # The plan, the prompt and the undo record name the part.
        plan.source = f"{plan.source} {select.describe()}"
    trust.review(plan, source, ctx.profile, trusted=trusted,
                 trust_privileged=trust_privileged)
    return plan


def _finish_interrupted(ctx: Context, target: Target) -> None:
    """A restore that died half-way is undone before anything is planned, so
    the plan sees the installation as it was (never a mix nobody can explain)."""
    path = private_repo_of(target.home, ctx.profile)
    if not (path / JOURNAL).exists():
        return
    from flexgit.restore.apply import finish_interrupted

    rootstate.check_store(path, "the interrupted restore was not put back; nothing was "
                                "restored")
    with Store.open(path) as private, private.locked("flexgit restore"):
        todo = undoing.pending(private)
        if todo is not None:
            undoing.check_owner(todo, target.home, target.root, path)
        done = finish_interrupted(private)
    if done is not None:
        ctx.out.warn(f"a previous restore was interrupted; put back {done.restored} files "
                     f"and removed {done.removed} from before it")


def _chown_tree(top: Path, uid: int, gid: int) -> None:
    os.chown(top, uid, gid, follow_symlinks=False)
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            os.chown(os.path.join(dirpath, name), uid, gid, follow_symlinks=False)


def apply_plan(plan: Plan, private: Store,
               progress: Progress | None) -> Applied:
    from flexgit.restore.apply import apply

    return apply(plan, private, progress=progress)


def undo(ctx: Context, *, confirm: Callable[[undoing.Pending], bool] | None = None) -> Undone:
    """Put the installation back as it was before the last restore. Refused
    when that save is another installation's; `confirm` is asked first."""
    from flexgit.restore.apply import undo_last

    path = ctx.private_repo
    if not (path / "flexgit").exists():
        raise UsageError(f"nothing to undo: no private store at {path}")
    rootstate.check_store(path)
    private = Store.open(path)
    try:
        with target_lock(ctx.home), private.locked("flexgit undo"):
            todo = undoing.pending(private)
            if todo is None:
                raise UsageError("nothing to undo: no restore since the last undo")
            undoing.check_owner(todo, ctx.home, ctx.root, path)
            if confirm is not None and not confirm(todo):
                raise Cancelled("undo cancelled; nothing was changed")
            return undo_last(private)
    finally:
        private.close()


@dataclass
class RolledBack:
    outcome: Outcome
    target: str
    snapshot: str | None
    warnings: list[str] = field(default_factory=list)  # hooks; the restore's included


def rollback(ctx: Context, rev: str | None = None, *,
             confirm: Callable[[Plan], bool] | None = None,
             progress: Progress | None = None) -> RolledBack:
    """Merge-restore an earlier snapshot (default: the one before latest), then
    record the result as a new snapshot. History is never rewritten."""
    from flexgit import lifecycle

    store = ctx.open_store()
    try:
        commit = store.resolve(rev or "latest~1")
        btype = store.commit_info(commit).trailers.get("Flexgit-Type", "flx")
    finally:
        store.close()
    outcome = restore(ctx, commit, mode="merge", confirm=confirm, progress=progress)
    warnings = list(outcome.warnings)
    try:
        snap = lifecycle.take_snapshot(ctx, backup_type=btype, allow_empty=True,
                                       message=f"rollback to {commit[:12]}",
                                       command="flexgit rollback")
    except HookFailed as e:
        # The restore is done; only its record is missing.
        warnings.append(f"restored, but the rollback snapshot was not taken: {e.message}; "
                        f"run `flexgit snapshot` once the hook passes")
        return RolledBack(outcome, commit, None, warnings)
    return RolledBack(outcome, commit, snap.result.id, warnings + snap.warnings)
