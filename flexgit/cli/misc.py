"""Commands about flexgit itself: shell completion."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from flexgit.app import Context
from flexgit.errors import OK

pass_ctx = click.make_pass_decorator(Context)


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion(cctx: click.Context, shell: str) -> int:
    """Print the shell completion script for bash, zsh or fish.

    \b
    Example:
      flexgit completion bash > /etc/bash_completion.d/flexgit
      eval "$(flexgit completion zsh)"
    """
    root = cctx.find_root().command
    cls = get_completion_class(shell)
    assert cls is not None  # the Choice above only lets known shells through
    script = cls(root, {}, "flexgit", "_FLEXGIT_COMPLETE").source()
    click.echo(script)
    return OK


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@pass_ctx
def demo(ctx: Context, directory: str | None) -> int:
    """Run snapshot, export, diff, restore and rollback on a sample installation.

    Lays out a small realistic FlexPBX installation (fake secrets included) in
    DIRECTORY (default: a new temporary directory) and shows each step.

    \b
    Example:
      flexgit demo
      flexgit demo /tmp/flexgit-demo
    """
    from pathlib import Path

    from flexgit import demo as demo_mod

    ctx.log_run = False  # the demo leaves the real home alone, its log included
    base = demo_mod.run(Path(directory) if directory else None, ctx.out.info)
    ctx.out.data({"directory": str(base)})
    return OK


@click.command()
@click.option("--read-data", is_flag=True, help="Also re-hash every object and pack.")
@click.option("--repair", is_flag=True,
              help="Remove what is safe to remove: stale locks, leftover temp files.")
@click.option("--private", "private", is_flag=True, help="Check the private store instead.")
@pass_ctx
def check(ctx: Context, read_data: bool, repair: bool, private: bool) -> int:
    """Check the store: refs, commits, trees, manifests, leftovers of crashes.

    Exit 4 when anything is wrong (after --repair: anything left).

    \b
    Example:
      flexgit check --read-data
      flexgit check --repair
    """
    from flexgit import check as check_mod
    from flexgit.errors import INTEGRITY, NoRepository

    path = ctx.private_repo if private else ctx.repo
    if not (path / "flexgit").exists():
        raise NoRepository(f"no flexgit repository at {path}; run `flexgit init` or pass --repo")
    report = check_mod.check(path, read_data=read_data, repair=repair,
                             export_dir=ctx.home / ctx.profile.backup_dir)
    ctx.out.data(report.as_json())
    for r in report.repaired:
        ctx.out.info(f"repaired: {r}")
    if report.in_use:
        ctx.out.warn(f"the store is in use by {report.in_use}; leftovers were not touched")
    for p in report.problems:
        ctx.out.info(f"{p.path}: {p.problem}")
    what = f"{report.commits} commits" + (f", {report.objects} objects" if read_data else "")
    if report.ok:
        ctx.out.success(f"{path}: ok ({what})")
        return OK
    ctx.out.info(f"{path}: {len(report.problems)} problem(s) ({what})")
    return INTEGRITY


COMMANDS = [completion, demo, check]
