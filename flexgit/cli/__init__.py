"""The `flexgit` command: global options, error handling, subcommands."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from typing import Any

import click

from flexgit import __version__
from flexgit.app import Context
from flexgit.errors import CANCELLED, ERROR, USAGE, FlexgitError
from flexgit.output import Output

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option("--repo", envvar="FLEXGIT_REPO", metavar="PATH",
              help="Snapshot store [default: HOME/backup/flexgit.git].")
@click.option("--home", envvar="FLEXGIT_HOME", metavar="DIR",
              help="The account home of the installation [default: $HOME].")
@click.option("--root", envvar="FLEXGIT_ROOT", metavar="DIR",
              help="System root holding etc/asterisk etc. [default: /].")
@click.option("--config", envvar="FLEXGIT_CONFIG", metavar="FILE",
              help="Profile TOML extending the built-in FlexPBX profile.")
@click.option("--json", "json_mode", is_flag=True, help="Print machine-readable JSON.")
@click.option("-v", "--verbose", count=True, help="Say more.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-y", "--yes", is_flag=True, help="Answer yes to every question.")
@click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set).")
@click.version_option(__version__, "--version")
@click.pass_context
def cli(ctx: click.Context, repo: str | None, home: str | None, root: str | None,
        config: str | None, json_mode: bool, verbose: int, quiet: bool, yes: bool,
        no_color: bool) -> None:
    """Sanitized, versioned backups of a FlexPBX installation in git.

    \b
    Example:
      flexgit snapshot -m "before upgrade" && flexgit log
    """
    out = Output(json_mode=json_mode, quiet=quiet, verbose=verbose,
                 color=False if no_color else None)
    ctx.obj = Context.from_options(home=home, root=root, repo=repo, config=config, yes=yes,
                                   out=out)


def _register() -> None:
    from flexgit.cli import snapshots

    for cmd in snapshots.COMMANDS:
        cli.add_command(cmd)


_register()


def run(command: click.Command, args: list[str] | None = None,
        prog_name: str | None = None) -> int:
    """Run a click command with flexgit's error handling; return the exit code."""
    try:
        rv = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    except FlexgitError as e:
        Output(color=None).error(e.message)
        return e.exit_code
    except click.exceptions.Abort:
        Output().error("cancelled")
        return CANCELLED
    except KeyboardInterrupt:
        Output().error("interrupted")
        return CANCELLED
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except Exception:
        fd, path = tempfile.mkstemp(prefix="flexgit-crash-", suffix=".log")
        with os.fdopen(fd, "w") as f:
            traceback.print_exc(file=f)
        exc = sys.exc_info()[1]
        Output().error(f"unexpected {type(exc).__name__}: {exc} "
                       f"(traceback in {path}; please report it)")
        return ERROR
    return rv if isinstance(rv, int) else 0


def main(args: list[str] | None = None) -> Any:
    code = run(cli, args, prog_name="flexgit")
    sys.exit(code if code is not None else USAGE)
