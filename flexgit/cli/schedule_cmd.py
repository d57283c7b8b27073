"""Commands around regular backups: schedule install, show, run, remove."""

from __future__ import annotations

import dataclasses
import getpass

import click

from flexgit import schedrun
from flexgit import schedule as schedule_mod
from flexgit.app import Context
from flexgit.errors import OK, WARNINGS, UsageError

pass_ctx = click.make_pass_decorator(Context)


def _where(ctx: Context) -> schedule_mod.Where:
    return schedule_mod.Where(ctx.home, ctx.root, ctx.repo,
                              ctx.config.absolute() if ctx.config else None)


@click.group()
def schedule() -> None:
    """Run snapshot + export + prune regularly from cron or a systemd timer.

    \b
    Example:
      flexgit schedule install --daily --at 02:00 -c
      flexgit schedule show
    """


@schedule.command("install")
@click.option("--daily", "weekly", flag_value=False, default=True,
              help="Every day [default].")
@click.option("--weekly", "weekly", flag_value=True, help="Every Sunday.")
@click.option("--at", "at", default="02:00", show_default=True, metavar="HH:MM",
              help="Time of day.")
@click.option("-t", "--type", "backup_type", type=click.Choice(["flx", "flxx"]), default="flx",
              show_default=True, help="Backup type.")
@click.option("-c", "--compress", is_flag=True, help="Compress the exports with gzip.")
@click.option("--keep-daily", type=click.IntRange(min=0), default=7, show_default=True)
@click.option("--keep-weekly", type=click.IntRange(min=0), default=4, show_default=True)
@click.option("--keep-monthly", type=click.IntRange(min=0), default=12, show_default=True)
@click.option("--encrypt", "recipients", multiple=True, metavar="RECIPIENT",
              help="Encrypt the exports with gpg to RECIPIENT (repeatable).")
@click.option("--user", metavar="NAME", help="Install into NAME's crontab (root only).")
@click.option("--systemd", is_flag=True,
              help="Write a systemd user timer + service instead of a crontab line.")
@click.option("--notify-cmd", metavar="CMD",
              help="A shell command run when a scheduled run fails (FLEXGIT_RESULT, "
                   "FLEXGIT_EXIT, FLEXGIT_MESSAGE in its environment).")
@pass_ctx
def schedule_install(ctx: Context, weekly: bool, at: str, backup_type: str, compress: bool,
                     keep_daily: int, keep_weekly: int, keep_monthly: int,
                     recipients: tuple[str, ...], user: str | None, systemd: bool,
                     notify_cmd: str | None) -> int:
    """Install the backup job (once: installing again replaces it).

    cron mails a failed run's error line to the crontab's MAILTO; --notify-cmd
    runs a command of yours too (with --systemd through OnFailure=).

    \b
    Example:
      flexgit schedule install --daily --at 02:00 -c
      flexgit schedule install --weekly -t flxx -c --systemd
      flexgit schedule install -c --notify-cmd 'mail -s "backup failed" ops@example.com'
    """
    hour, minute = schedule_mod.Job.parse_at(at)
    job = schedule_mod.Job(weekly, hour, minute, backup_type, compress, keep_daily,
                           keep_weekly, keep_monthly, recipients)
    where = _where(ctx)
    old = schedrun.load(ctx.home, ctx.repo)
    mark = schedrun.Mark("systemd" if systemd else "cron", dataclasses.asdict(job), notify_cmd,
                         old.last if old else None)
    if systemd:
        if user:
            raise UsageError("--systemd writes this account's user units; run it as that user "
                             "instead of --user")
        paths, changed = schedule_mod.install_systemd(job, where, ctx.home, notify_cmd)
        schedrun.save(ctx.home, ctx.repo, mark)
        linger = schedrun.linger_problem(getpass.getuser())
        ctx.out.data({"systemd": [str(p) for p in paths], "changed": changed,
                      "linger": linger is None})
        ctx.out.success(f"{'wrote' if changed else 'unchanged:'} "
                        + ", ".join(str(p) for p in paths))
        ctx.out.info(f"enable it: systemctl --user daemon-reload && systemctl --user enable "
                     f"--now {schedule_mod.UNIT}.timer")
        if linger:
            ctx.out.warn(linger)
            return WARNINGS
        return OK
    line, changed = schedule_mod.install_cron(job, where, user=user)
    schedrun.save(ctx.home, ctx.repo, mark)
    ctx.out.data({"crontab": line, "user": user, "changed": changed})
    ctx.out.success(f"{'installed' if changed else 'already installed'} in the crontab"
                    f"{f' of {user}' if user else ''}:")
    ctx.out.info(line)
    return OK


@schedule.command("run")
@click.option("-t", "--type", "backup_type", type=click.Choice(["flx", "flxx"]), default="flx",
              show_default=True, help="Backup type.")
@click.option("-c", "--compress", is_flag=True, help="Compress the export with gzip.")
@click.option("--encrypt", "recipients", multiple=True, metavar="RECIPIENT",
              help="Encrypt the export with gpg to RECIPIENT (repeatable).")
@click.option("--keep-daily", type=click.IntRange(min=0), default=7, show_default=True)
@click.option("--keep-weekly", type=click.IntRange(min=0), default=4, show_default=True)
@click.option("--keep-monthly", type=click.IntRange(min=0), default=12, show_default=True)
@click.option("--no-notify", is_flag=True,
              help="Do not run the notify command on failure (systemd's OnFailure= does).")
@pass_ctx
def schedule_run(ctx: Context, backup_type: str, compress: bool, recipients: tuple[str, ...],
                 keep_daily: int, keep_weekly: int, keep_monthly: int, no_notify: bool) -> int:
    """One scheduled run: snapshot, export, prune, and a mark of how it went.

    This is what cron and the systemd timer start; `schedule show` and
    `status` print the mark (last run, result, next run).

    \b
    Example:
      flexgit schedule run -t flx -c --keep-daily 7
    """
    job = schedule_mod.Job(backup_type=backup_type, compress=compress, keep_daily=keep_daily,
                           keep_weekly=keep_weekly, keep_monthly=keep_monthly,
                           encrypt_to=recipients)
    return schedrun.run(ctx, job, notify_on_failure=not no_notify)


@schedule.command("notify", hidden=True)
@pass_ctx
def schedule_notify(ctx: Context) -> int:
    """What systemd's OnFailure= unit runs: record the failure, notify.

    \b
    Example:
      flexgit schedule notify
    """
    schedrun.failed_elsewhere(ctx.home, ctx.repo)
    return OK


@schedule.command("show")
@click.option("--user", metavar="NAME", help="NAME's crontab (root only).")
@pass_ctx
def schedule_show(ctx: Context, user: str | None) -> int:
    """Show the flexgit lines of the crontab and the systemd units.

    \b
    Example:
      flexgit schedule show
    """
    try:
        lines = schedule_mod.cron_entries(user)
    except schedule_mod.ScheduleError as e:
        lines = []
        ctx.out.warn(e.message)
    units = schedule_mod.systemd_units(ctx.home)
    mark = schedrun.load(ctx.home, ctx.repo)
    described = schedrun.describe(mark) if mark else []
    ctx.out.data({"crontab": lines, "systemd": [str(p) for p in units],
                  "last_run": mark.last if mark else None,
                  "next_run": schedrun.next_run_text(mark) if mark else None})
    for ln in lines:
        ctx.out.info(ln)
    for p in units:
        ctx.out.info(f"systemd: {p}")
    if not lines and not units:
        ctx.out.info("no flexgit schedule; add one with `flexgit schedule install`")
        return OK
    for d in described:
        ctx.out.info(d)
    code = OK
    if mark and schedrun.failed(mark):
        ctx.out.warn("the last scheduled run failed (see above and logs/flexgit.log)")
        code = WARNINGS
    if units and (linger := schedrun.linger_problem(getpass.getuser())):
        ctx.out.warn(linger)
        code = WARNINGS
    return code


@schedule.command("remove")
@click.option("--user", metavar="NAME", help="NAME's crontab (root only).")
@click.option("--systemd", is_flag=True, help="Remove the systemd user units instead.")
@click.option("--all", "all_repos", is_flag=True,
              help="Every flexgit line, not only this store's.")
@pass_ctx
def schedule_remove(ctx: Context, user: str | None, systemd: bool, all_repos: bool) -> int:
    """Remove the backup job; other crontab lines stay as they are.

    \b
    Example:
      flexgit schedule remove
    """
    if systemd:
        gone = [str(p) for p in schedule_mod.remove_systemd(ctx.home)]
    else:
        gone = schedule_mod.remove_cron(None if all_repos else _where(ctx), user=user)
    if gone:
        schedrun.save(ctx.home, ctx.repo, None)
    ctx.out.data({"removed": gone})
    for g in gone:
        ctx.out.info(f"removed: {g}")
    if not gone:
        ctx.out.info("nothing to remove")
    elif systemd:
        ctx.out.info(f"stop it: systemctl --user disable --now {schedule_mod.UNIT}.timer")
    return OK


COMMANDS = [schedule]
