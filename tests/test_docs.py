"""Every command line in the README's code blocks parses: the command exists,
its options exist and take the values given (sqlite-utils' test_docs idea)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from flexgit.cli import cli, seedtools

README = Path(__file__).parent.parent / "README.md"
TOOLS: dict[str, click.Command] = {
    "flexgit": cli, "flexpbx-backup": seedtools.backup,
    "flexpbx-restore": seedtools.restore, "flexpbx-migrate": seedtools.migrate,
}


def command_lines() -> list[str]:
    text = README.read_text()
    lines: list[str] = []
    for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line.startswith("0 2 * * *"):  # a crontab line: the command after the time
                line = line.split(None, 5)[5]
            for part in re.split(r"\s*(?:&&|;|\|)\s*", line):
                words = shlex.split(part) if part else []
                if words and Path(words[0]).name in TOOLS:
                    lines.append(" ".join(shlex.quote(w) for w in
                                          [Path(words[0]).name, *words[1:]]))
    return lines


def _parse(cmd: click.Command, name: str, args: list[str],
           parent: click.Context | None = None) -> None:
    try:
        ctx = cmd.make_context(name, list(args), parent=parent)
    except click.MissingParameter:
        return  # an example may leave out a required argument on purpose
    if isinstance(cmd, click.Group):
        # click 8.2 keeps the subcommand's words apart (protected_args is deprecated).
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not rest:
            return
        sub_name, sub, sub_args = cmd.resolve_command(ctx, rest)
        assert sub is not None and sub_name is not None
        _parse(sub, sub_name, sub_args, parent=ctx)


def test_readme_has_command_examples() -> None:
    lines = command_lines()
    assert len(lines) >= 40
    assert any(line.startswith("flexpbx-migrate") for line in lines)


@pytest.mark.parametrize("line", command_lines())
def test_readme_command_parses(line: str) -> None:
    words = shlex.split(line)
    _parse(TOOLS[words[0]], words[0], words[1:])


def test_quick_start_is_exactly_two_commands_and_ci_runs_the_second() -> None:
    text = README.read_text()
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", quick, re.S)
    commands = [ln for b in blocks for ln in b.strip().splitlines()]
    assert len(commands) == 2
    assert commands[0].endswith("flexgit demo")
    ci = (README.parent / ".ci" / "run").read_text()
    assert commands[1] in ci


@pytest.mark.parametrize("line", ["flexgit snapshot --bogus", "flexgit nosuch",
                                  "flexpbx-backup -t zip", "flexgit remote frobnicate x"])
def test_the_check_catches_bad_lines(line: str) -> None:
    words = shlex.split(line)
    with pytest.raises(click.UsageError):
        _parse(TOOLS[words[0]], words[0], words[1:])
