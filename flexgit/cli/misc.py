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

    base = demo_mod.run(Path(directory) if directory else None, ctx.out.info)
    ctx.out.data({"directory": str(base)})
    return OK


COMMANDS = [completion, demo]
