"""The `flexgit` command: global options, error handling, subcommands."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

import click

from flexgit import __version__, runlog
from flexgit.app import Context
from flexgit.errors import CANCELLED, ERROR, FlexgitError
from flexgit.output import Output

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def handle_errors(call: Callable[[], Any]) -> int:
    """Run `call` (a click main in non-standalone mode) and turn every outcome
    into an exit code: FlexgitError -> its message and code, Ctrl-C -> 130,
    anything unexpected -> one line and the path of a log with the traceback."""
    try:
        rv = call()
    except FlexgitError as e:
        Output().error(e.message)
        return e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        Output().error("cancelled")
        return CANCELLED
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except OSError as e:
        # A full disk, a read-only target, an I/O error: say where, once, and
        # stop. Nothing here knows what was written before the failure (only
        # the atomic writer does, with WriteFailed, caught above), so claim nothing.
        where = f"{e.filename}: " if e.filename else ""
        Output().error(f"{where}{e.strerror or e}; the command stopped here (`flexgit check` "
                       f"shows the store's state)")
        return ERROR
    except Exception:
        fd, path = tempfile.mkstemp(prefix="flexgit-crash-", suffix=".log")
        with os.fdopen(fd, "w") as f:
            traceback.print_exc(file=f)
        exc = sys.exc_info()[1]
        Output().error(f"unexpected {type(exc).__name__} (traceback in {path}; please report it)")
        return ERROR
    return rv if isinstance(rv, int) else 0


# The context of the running command, for the run log.
_current: list[Context] = []


def _log_run(argv: list[str] | None, prog: str, code: int) -> None:
    if _current:
        ctx = _current.pop()
        if not ctx.log_run:
            return
        runlog.append(ctx.home, [prog, *(argv if argv is not None else sys.argv[1:])], code,
                      ctx.summary)


# Subcommands by module, imported only when used: a start-up that loads every
# module (dulwich, deepdiff, the sanitizer) for `flexgit log` would cost more
# than the work itself.
LAZY_COMMANDS = {
    "init": "snapshots", "snapshot": "snapshots", "status": "snapshots", "log": "snapshots",
    "show": "snapshots", "diff": "snapshots", "tag": "snapshots", "profile": "snapshots",
    "export": "files", "import": "files", "verify": "files", "audit": "files",
    "prune": "files", "forget": "forgetting", "restore": "restoring",
    "rollback": "restoring", "undo": "restoring",
    "completion": "misc", "demo": "misc", "check": "misc", "remote": "remotes",
    "push": "remotes", "fetch": "remotes", "hooks": "hooks_cmd", "schedule": "schedule_cmd",
    "ls": "browsing", "dump": "browsing",
}


class HandledGroup(click.Group):
    """A group whose main() reports errors the flexgit way, also under CliRunner,
    and loads its subcommands lazily."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*LAZY_COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            module = importlib.import_module(f"flexgit.cli.{LAZY_COMMANDS[cmd_name]}")
            for cmd in module.COMMANDS:
                self.commands.setdefault(cmd.name or "", cmd)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and self.get_command(ctx, name) is None and not name.startswith("-"):
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from flexgit.cli.anywhere import hoist

        return super().parse_args(ctx, hoist(self, ctx, args))

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        _current.clear()
        code = handle_errors(lambda: super(HandledGroup, self).main(
            args, prog_name, complete_var, standalone_mode=False, **extra))
        _log_run(args, prog_name or "flexgit", code)
        sys.exit(code)


class HandledCommand(click.Command):
    """The same for single commands (the flexpbx-* tools)."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        _current.clear()
        code = handle_errors(lambda: super(HandledCommand, self).main(
            args, prog_name, complete_var, standalone_mode=False, **extra))
        _log_run(args, prog_name or self.name or "flexpbx", code)
        sys.exit(code)



@click.group(cls=HandledGroup, context_settings=CONTEXT_SETTINGS)
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
@click.option("--no-hooks", is_flag=True,
              help="Run no lifecycle hooks (also when FLEXGIT_NO_HOOKS is set).")
@click.version_option(__version__, "--version")
@click.pass_context
def cli(ctx: click.Context, repo: str | None, home: str | None, root: str | None,
        config: str | None, json_mode: bool, verbose: int, quiet: bool, yes: bool,
        no_color: bool, no_hooks: bool) -> None:
    """Sanitized, versioned backups of a FlexPBX installation in git.

    \b
    Example:
      flexgit snapshot -m "before upgrade" && flexgit log
    """
    out = Output(json_mode=json_mode, quiet=quiet, verbose=verbose,
                 color=False if no_color else None)
    ctx.obj = Context.from_options(home=home, root=root, repo=repo, config=config, yes=yes,
                                   out=out)
    ctx.obj.hooks = not no_hooks
    if not ctx.resilient_parsing and ctx.invoked_subcommand not in (None, "completion"):
        _current.append(ctx.obj)




def main() -> None:
    cli.main(prog_name="flexgit")
