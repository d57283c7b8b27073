"""Commands around regular backups: schedule install, show, remove."""

from __future__ import annotations

import click

from flexgit import schedule as schedule_mod
from flexgit.app import Context
from flexgit.errors import OK, UsageError

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
@pass_ctx
def schedule_install(ctx: Context, weekly: bool, at: str, backup_type: str, compress: bool,
                     keep_daily: int, keep_weekly: int, keep_monthly: int,
                     recipients: tuple[str, ...], user: str | None, systemd: bool) -> int:
    """Install the backup job (once: installing again replaces it).

    \b
    Example:
      flexgit schedule install --daily --at 02:00 -c
      flexgit schedule install --weekly -t flxx -c --systemd
    """
    hour, minute = schedule_mod.Job.parse_at(at)
    job = schedule_mod.Job(weekly, hour, minute, backup_type, compress, keep_daily,
                           keep_weekly, keep_monthly, recipients)
    where = _where(ctx)
    if systemd:
        if user:
            raise UsageError("--systemd writes this account's user units; run it as that user "
                             "instead of --user")
        paths, changed = schedule_mod.install_systemd(job, where, ctx.home)
        ctx.out.data({"systemd": [str(p) for p in paths], "changed": changed})
        ctx.out.success(f"{'wrote' if changed else 'unchanged:'} "
                        + ", ".join(str(p) for p in paths))
        ctx.out.info(f"enable it: systemctl --user daemon-reload && systemctl --user enable "
                     f"--now {schedule_mod.UNIT}.timer")
        return OK
    line, changed = schedule_mod.install_cron(job, where, user=user)
    ctx.out.data({"crontab": line, "user": user, "changed": changed})
    ctx.out.success(f"{'installed' if changed else 'already installed'} in the crontab"
                    f"{f' of {user}' if user else ''}:")
    ctx.out.info(line)
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
    ctx.out.data({"crontab": lines, "systemd": [str(p) for p in units]})
    for ln in lines:
        ctx.out.info(ln)
    for p in units:
        ctx.out.info(f"systemd: {p}")
    if not lines and not units:
        ctx.out.info("no flexgit schedule; add one with `flexgit schedule install`")
    return OK


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
    ctx.out.data({"removed": gone})
    for g in gone:
        ctx.out.info(f"removed: {g}")
    if not gone:
        ctx.out.info("nothing to remove")
    elif systemd:
        ctx.out.info(f"stop it: systemctl --user disable --now {schedule_mod.UNIT}.timer")
    return OK


COMMANDS = [schedule]
