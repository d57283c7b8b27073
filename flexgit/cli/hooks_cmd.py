"""Commands around lifecycle hooks: hooks list, hooks install."""

from __future__ import annotations

from pathlib import Path

import click

from flexgit import hooks as hooks_mod
from flexgit.app import Context
from flexgit.errors import OK, UsageError

pass_ctx = click.make_pass_decorator(Context)


def _directory(ctx: Context) -> Path:
    return hooks_mod.directory_for(ctx.repo, ctx.home, ctx.profile.hooks_dir)


@click.group()
def hooks() -> None:
    """List and install lifecycle hooks (pre/post snapshot, restore, export).

    Hooks are executables in HOOKS/<event>.d/, run in name order; HOOKS is
    REPO/hooks or the profile's hooks_dir.

    \b
    Example:
      flexgit hooks install post-restore && flexgit hooks list
    """


@hooks.command("list")
@pass_ctx
def hooks_list(ctx: Context) -> int:
    """Show the hooks installed for each event, and the shipped ones.

    \b
    Example:
      flexgit hooks list
    """
    d = _directory(ctx)
    events = {e: hooks_mod.installed(d, e) for e in hooks_mod.EVENTS}
    shipped = sorted(hooks_mod.shipped())
    ctx.out.data({"dir": str(d), "enabled": ctx.hooks,
                  "events": {e: [{"name": h.name, "path": str(h.path), "runs": h.runnable}
                                 for h in hs] for e, hs in events.items()},
                  "shipped": shipped})
    ctx.out.info(f"hooks in {d}" + ("" if ctx.hooks else " (off: --no-hooks)"))
    for event, hs in events.items():
        names = ", ".join(h.name + ("" if h.runnable else " (not executable: skipped)")
                          for h in hs)
        ctx.out.info(f"  {event:<14} {names or '-'}")
    ctx.out.info(f"shipped: {', '.join(shipped)} (`flexgit hooks install NAME`; pre-receive "
                 f"is for a central repository: --server REPO)")
    return OK


@hooks.command("install")
@click.argument("name", required=False)
@click.option("--server", "server", metavar="REPO",
              help="Install the pre-receive audit hook into the bare repository REPO.")
@click.option("--force", is_flag=True, help="Replace a different hook of that name.")
@pass_ctx
def hooks_install(ctx: Context, name: str | None, server: str | None, force: bool) -> int:
    """Install a shipped hook (post-restore, post-snapshot) or the server's pre-receive.

    post-restore reloads Asterisk; post-snapshot pushes to the remote;
    --server REPO makes a central repository reject pushes that hold secrets.

    \b
    Example:
      flexgit hooks install post-restore
      flexgit hooks install --server /srv/git/flexpbx.git
    """
    if server:
        if name not in (None, "pre-receive"):
            raise UsageError("--server installs the pre-receive hook; give no other NAME")
        target, changed = hooks_mod.install_server(Path(server).expanduser().absolute(),
                                                   force=force)
    else:
        if not name:
            raise UsageError(f"name the hook to install: one of "
                             f"{', '.join(sorted(hooks_mod.shipped()))}")
        if not ctx.profile.hooks_dir:
            ctx.open_or_init_store().close()  # REPO/hooks/ belongs to the store: make it first
        target, changed = hooks_mod.install(name, _directory(ctx), force=force)
    ctx.out.data({"path": str(target), "changed": changed})
    ctx.out.success(f"{'installed' if changed else 'already installed:'} {target}")
    return OK


COMMANDS = [hooks]
