"""Commands that write to the installation: restore, rollback, undo."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click

from flexgit import restore as restore_mod
from flexgit import selection
from flexgit.app import Context
from flexgit.errors import OK, WARNINGS, UsageError
from flexgit.output import Output
from flexgit.restore.plan import Plan
from flexgit.restore.undoing import Pending

pass_ctx = click.make_pass_decorator(Context)

PROMPTS = {
    "fresh": "This will delete all existing FlexPBX data in {home} and install the backup.",
    "merge": "This will merge the backup into the existing installation in {home} "
             "(user data is kept).",
    "migrate": "This will install FlexPBX for user {user} in {home}.",
}


def print_plan(out: Output, plan: Plan, *, all_actions: bool = False) -> None:
    counts = plan.counts()
    out.info(f"restore plan ({plan.mode} from {plan.source}): " +
             ", ".join(f"{n} {a}" for a, n in sorted(counts.items())))
    for a in plan.actions:
        if a.action == "keep" and not all_actions:
            continue
        reason = f"  ({a.reason})" if a.reason else ""
        out.info(f"  {a.action:<8} {a.path}{reason}")
        if a.diff:
            out.detail(a.diff.rstrip("\n"))
    for note in plan.notes:
        out.info(f"  note: {note}")
    for p in plan.privileged:
        state = "trusted (--trust-privileged)" if p.trusted else "not trusted: skipped"
        out.info(f"  privileged {p.path}: {p.why}; {state}")
        out.info(p.diff.rstrip("\n"))
    for w in plan.warnings:
        out.warn(w)


def print_summary(out: Output, plan: Plan, *, first: int = 10) -> None:
    """What the question before a restore shows: the counts, then what matters
    most (privileged files, files that get new secrets), then the first
    changes; `-v` and `--dry-run` list every action."""
    counts = plan.counts()
    out.info(f"restore plan ({plan.mode} from {plan.source}): " +
             ", ".join(f"{n} {a}" for a, n in sorted(counts.items())))
    for p in plan.privileged:
        state = "trusted (--trust-privileged)" if p.trusted else "not trusted: skipped"
        out.info(f"  privileged {p.path}: {p.why}; {state}")
    secrets = Counter(g.path for g in plan.generated)
    if secrets:
        out.info("  new secrets in: " + ", ".join(f"{p} ({n})" for p, n in secrets.items()))
    first_shown = {p.path for p in plan.privileged}
    # Stable: within each group the plan's own order.
    changes = sorted((a for a in plan.changes if a.path not in first_shown),
                     key=lambda a: a.path not in secrets and a.path not in plan.sudoers)
    for a in changes[:first]:
        reason = f"  ({a.reason})" if a.reason else ""
        out.info(f"  {a.action:<8} {a.path}{reason}")
    if len(changes) > first:
        out.info(f"  ... and {len(changes) - first} more change(s); `-v` lists them all, "
                 f"`--dry-run` shows the plan without asking")
    for note in plan.notes:
        out.info(f"  note: {note}")
    for w in plan.warnings:
        out.warn(w)


def plan_json(plan: Plan) -> dict[str, object]:
    return {**plan.as_json(), "privileged": [
        {"path": p.path, "why": p.why, "diff": p.diff, "trusted": p.trusted}
        for p in plan.privileged]}


def confirmer(ctx: Context, mode: str, user: str | None, *, prompts: dict[str, str] = PROMPTS,
              full_plan: bool | None = None) -> Callable[[Plan], bool]:
    """The question a restore asks before it writes, after a summary of the
    plan (every action with `full_plan`, default -v); -y answers it, and with
    no terminal to ask on it refuses rather than hang."""
    def confirm(plan: Plan) -> bool:
        if ctx.yes:
            return True
        if not sys.stdin.isatty():
            raise UsageError("refusing to restore without confirmation: no terminal to ask "
                             "on; pass -y to confirm")
        if full_plan or (full_plan is None and ctx.out.verbose > 0):
            print_plan(ctx.out, plan)
        else:
            print_summary(ctx.out, plan)
        click.echo(prompts[mode].format(home=plan.target.home, user=user), err=True)
        trusted = [p.path for p in plan.privileged if p.trusted]
        if trusted:
            click.echo(f"It installs {len(trusted)} privileged file(s) flexgit did not write, "
                       f"run as root: {', '.join(trusted)} (`--dry-run` shows the diffs).",
                       err=True)
        return click.confirm("Continue?", default=False, err=True)
    return confirm


def undo_confirmer(ctx: Context) -> Callable[[Pending], bool]:
    """undo asks as restore does: -y answers, no terminal refuses."""
    def confirm(todo: Pending) -> bool:
        if ctx.yes:
            return True
        if not sys.stdin.isatty():
            raise UsageError("refusing to undo without confirmation: no terminal to ask "
                             "on; pass -y to confirm")
        kind = "interrupted restore" if todo.interrupted else "restore"
        def n(count: int, what: str) -> str:
            return f"{count} {what}" + ("" if count == 1 else "s")
        click.echo(f"This will put back {n(todo.restores, 'file')} and remove "
                   f"{n(todo.removes, 'created file')} in {ctx.home}, undoing the {kind} of "
                   f"{todo.when} from "
                   f"{todo.source} ({todo.commit[:12]}).", err=True)
        return click.confirm("Continue?", default=False, err=True)
    return confirm


def report(ctx: Context, outcome: restore_mod.Outcome, warnings: list[str] | None = None,
           extra: dict[str, object] | None = None) -> int:
    """Print what a restore did; the exit code (3 when a post-restore hook failed)."""
    applied = outcome.applied
    assert applied is not None
    plan = outcome.plan
    hook_warnings = outcome.warnings if warnings is None else warnings
    ctx.summary = (f"restore mode={plan.mode} written={applied.written} "
                   f"deleted={applied.deleted} pre_restore={applied.pre_restore[:12]}")
    ctx.out.data({**plan_json(plan), "pre_restore": applied.pre_restore,
                  "written": applied.written, "deleted": applied.deleted,
                  "secrets_file": str(applied.secrets_file) if applied.secrets_file else None,
                  "warnings": hook_warnings, **(extra or {})})
    ctx.out.success(f"restored {plan.source} ({plan.mode}): {applied.written} written, "
                    f"{applied.deleted} deleted; `flexgit undo` puts back the previous state")
    for note in plan.notes:
        ctx.out.warn(note)
    for w in plan.warnings + hook_warnings:
        ctx.out.warn(w)
    if plan.generated and not ctx.out.json_mode:
        # Shown once, on the terminal only; never logged.
        click.echo("New secrets (shown once; also saved, mode 0600, in "
                   f"{applied.secrets_file}):", err=False)
        click.echo("\n".join(f"  {g.path}:{g.line}  {g.what}: {g.value}" if g.line
                              else f"  {g.path}  {g.what}: {g.value}" for g in plan.generated))
    return WARNINGS if hook_warnings or plan.warnings else OK


@click.command("restore")
@click.argument("source")
@click.argument("paths", nargs=-1, metavar="[--] [PATH]...")
@click.option("--include", multiple=True, metavar="PATTERN",
              help="Restore only the paths PATTERN matches (gitignore syntax over tree "
                   "paths: '*.conf', 'home/**/*.php'; repeatable).")
@click.option("--exclude", multiple=True, metavar="PATTERN",
              help="Leave out the paths PATTERN matches (repeatable).")
@click.option("--target", "target_dir", metavar="DIR",
              help="Write the snapshot's plain files into DIR/home/… and DIR/system/… for "
                   "inspection; the installation is not touched.")
@click.option("-m", "--mode", type=click.Choice(["fresh", "merge", "migrate"]), default="merge",
              show_default=True, help="fresh: replace; merge: keep user data and live "
              "secrets; migrate: into another account.")
@click.option("-u", "--user", help="Target user for migrate.")
@click.option("-s", "--source-user", metavar="USER",
              help="Migrate: the account the source installation belongs to (when its "
                   "home was owned by root).")
@click.option("--dry-run", is_flag=True, help="Print the plan; write nothing.")
@click.option("--force", is_flag=True, help="Restore files whose checksum does not match.")
@click.option("--skip-sudoers", is_flag=True, help="Leave the sudoers file alone.")
@click.option("--trust-privileged", is_flag=True,
              help="Install the source's sudoers rules and root-run scripts even where they "
              "differ from what flexgit writes (after the confirmation; see --dry-run).")
@pass_ctx
def restore_cmd(ctx: Context, source: str, paths: tuple[str, ...], include: tuple[str, ...],
                exclude: tuple[str, ...], target_dir: str | None, mode: str, user: str | None,
                source_user: str | None, dry_run: bool, force: bool, skip_sudoers: bool,
                trust_privileged: bool) -> int:
    """Restore a snapshot or a backup file into the installation.

    SOURCE is a revision (latest, latest~2, a tag, an id) or a .flx/.flxx
    file, gzip-compressed or not.

    PATHs (tree paths such as system/etc/asterisk, or /etc/asterisk) and
    --include/--exclude restore a part only: its plan, its pre-restore save,
    its hooks (FLEXGIT_PATHS, FLEXGIT_INCLUDE, FLEXGIT_EXCLUDE), and an undo
    that puts back that part alone. --target DIR writes plain files as the
    snapshot holds them (sanitized) into DIR, with no root, sudoers or owners.

    A backup file's sudoers rules and helper scripts are installed only
    where flexgit would write the same; others are skipped (exit 3) until
    --trust-privileged, and --dry-run shows them as diffs.

    \b
    Example:
      flexgit restore --dry-run latest~1
      flexgit restore latest~1 -- system/etc/asterisk/pjsip.conf
      flexgit restore latest --include '*.conf' --exclude 'system/etc/asterisk/sip.conf'
      flexgit restore latest~2 --target /tmp/inspect
      flexgit -y restore -m fresh ~/backup/latest.flx.gz
      sudo flexgit -y restore -m migrate -s olduser -u newuser latest
    """
    ctx.log_run = not dry_run
    select = selection.select(paths, include, exclude, home=ctx.home, root=ctx.root)
    outcome = restore_mod.restore(ctx, source, mode=mode, user=user,
                                  source_user=source_user, dry_run=dry_run,
                                  force=force, skip_sudoers=skip_sudoers,
                                  trust_privileged=trust_privileged,
                                  confirm=confirmer(ctx, mode, user),
                                  progress=ctx.out.progress, select=select,
                                  target_dir=Path(target_dir) if target_dir else None)
    ctx.out.progress_done()
    if dry_run:
        ctx.out.data(plan_json(outcome.plan))
        print_plan(ctx.out, outcome.plan, all_actions=ctx.out.verbose > 0)
        return OK
    if target_dir is not None:
        return _report_target(ctx, outcome)
    return report(ctx, outcome)


def _report_target(ctx: Context, outcome: restore_mod.Outcome) -> int:
    plan, applied = outcome.plan, outcome.applied
    assert applied is not None
    skipped = [a for a in plan.actions if a.action == "skip"]
    ctx.summary = f"restore --target written={applied.written}"
    ctx.out.data({**plan_json(plan), "target": str(plan.target.home.parent),
                  "written": applied.written})
    ctx.out.success(f"wrote {applied.written} entries of {plan.source} into "
                    f"{plan.target.home.parent} (as the snapshot holds them: sanitized, "
                    f"placeholders where secrets were); the installation was not touched")
    for a in skipped:
        ctx.out.warn(f"{a.path} skipped: {a.reason}")
    return WARNINGS if skipped else OK


@click.command()
@click.argument("rev", required=False)
@pass_ctx
def rollback(ctx: Context, rev: str | None) -> int:
    """Go back to an earlier snapshot (default: the one before latest).

    A merge restore of REV followed by a new snapshot "rollback to <id>";
    history is never rewritten.

    \b
    Example:
      flexgit rollback before-upgrade
    """
    res = restore_mod.rollback(ctx, rev, confirm=confirmer(ctx, "merge", None),
                               progress=ctx.out.progress)
    ctx.out.progress_done()
    code = report(ctx, res.outcome, res.warnings,
                  extra={"rolled_back_to": res.target, "snapshot": res.snapshot})
    ctx.out.info(f"rolled back to {res.target[:12]}; new snapshot {(res.snapshot or '')[:12]}")
    return code


@click.command()
@pass_ctx
def undo(ctx: Context) -> int:
    """Put the installation back as it was before the last restore.

    Asks first (-y answers); refuses the save of another installation (a
    home copied with its backup/private.git).

    \b
    Example:
      flexgit undo
    """
    res = restore_mod.undo(ctx, confirm=undo_confirmer(ctx))
    ctx.out.data({"undone": res.commit, "restored": res.restored, "removed": res.removed})
    ctx.out.success(f"undid the last restore: {res.restored} files put back, "
                    f"{res.removed} created files removed")
    return OK


COMMANDS = [restore_cmd, rollback, undo]
