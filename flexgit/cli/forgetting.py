"""`flexgit forget`: retention for the snapshots in the store."""

from __future__ import annotations

import click

from flexgit import forget as forget_mod
from flexgit import retention
from flexgit.app import Context
from flexgit.errors import OK

pass_ctx = click.make_pass_decorator(Context)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@click.command()
@click.argument("names", nargs=-1, metavar="[TAG|REV]...")
@click.option("--keep-last", type=click.IntRange(min=0), default=0, help="Keep the N newest.")
@click.option("--keep-daily", type=click.IntRange(min=0), default=0,
              help="Newest of each of the last N days with a snapshot.")
@click.option("--keep-weekly", type=click.IntRange(min=0), default=0,
              help="Newest of each of the last N weeks with a snapshot.")
@click.option("--keep-monthly", type=click.IntRange(min=0), default=0,
              help="Newest of each of the last N months with a snapshot.")
@click.option("--keep-tag", "keep_tags", multiple=True, metavar="PATTERN",
              help="Tags that pin their snapshot (glob; repeatable) [default: every tag].")
@click.option("--dry-run", is_flag=True, help="Say what would be forgotten; change nothing.")
@click.option("--prune", is_flag=True,
              help="Then remove the forgotten snapshots' objects from disk for good.")
@pass_ctx
def forget(ctx: Context, names: tuple[str, ...], keep_last: int, keep_daily: int,
           keep_weekly: int, keep_monthly: int, keep_tags: tuple[str, ...], dry_run: bool,
           prune: bool) -> int:
    """Forget snapshots the policy does not keep, like restic forget.

    Tagged snapshots stay unless their tag is named (or --keep-tag leaves it
    out). Later snapshots get new ids (the same content, time and message);
    --prune then really removes what was forgotten.

    \b
    Example:
      flexgit forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run
      flexgit forget --keep-last 10 --prune
      flexgit forget before-upgrade --keep-last 5
    """
    policy = retention.Policy(keep_last, keep_daily, keep_weekly, keep_monthly)
    store = ctx.open_store()
    try:
        with store.locked("flexgit forget"):
            res = forget_mod.forget(store, policy, names=names, keep_tags=keep_tags,
                                    dry_run=dry_run, prune=prune)
    finally:
        store.close()
    ctx.out.data(res.as_json())
    would = "would forget" if dry_run else "forget"
    for d in res.decisions:
        tags = f" ({', '.join(d.tags)})" if d.tags else ""
        what = f"keep    ({', '.join(d.reasons)})" if d.keep else f"{would}"
        ctx.out.info(f"{d.id[:12]}  {d.created}  {what:<24} {d.message}{tags}")
    gone = sum(not d.keep for d in res.decisions)
    kept = len(res.decisions) - gone
    if dry_run:
        ctx.out.info(f"{kept} kept, {gone} would be forgotten")
        return OK
    ctx.out.info(f"{kept} kept, {gone} forgotten"
                 + (f"; {len(res.rewritten)} later snapshot(s) have new ids" if res.rewritten
                    else "")
                 + (f"; tags deleted: {', '.join(res.tags_deleted)}" if res.tags_deleted
                    else ""))
    if res.size_after is not None:
        ctx.out.info(f"pruned {res.pruned_objects} objects: {_mb(res.size_before)} -> "
                     f"{_mb(res.size_after)}")
    elif gone:
        ctx.out.info("their objects are still on disk: `flexgit forget --prune` removes them")
    return OK


COMMANDS = [forget]
