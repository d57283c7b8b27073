"""The console entry points (pyproject's [project.scripts] and `python -m
flexgit`). The command's modules load inside a guard: a ^C that lands while
they do (the first few tenths of a second, longer on a busy machine) ends the
command as any other ^C does, `Error: cancelled` and exit 130, instead of a
KeyboardInterrupt traceback from the middle of an import. So this module
imports nothing of flexgit's at its top."""

from __future__ import annotations

import importlib
import sys

CANCELLED = 130  # flexgit.errors.CANCELLED, not imported: see above


def _run(module: str, name: str) -> None:
    try:
        target = getattr(importlib.import_module(module), name)
    except KeyboardInterrupt:
        sys.stderr.write("Error: cancelled\n")
        sys.exit(CANCELLED)
    target()  # from here on cli.handle_errors turns a ^C into the same line


def flexgit() -> None:
    _run("flexgit.cli", "main")


def flexpbx_backup() -> None:
    _run("flexgit.cli.seedtools", "backup")


def flexpbx_restore() -> None:
    _run("flexgit.cli.seedtools", "restore")


def flexpbx_migrate() -> None:
    _run("flexgit.cli.seedtools", "migrate")
