"""Every command has help with a one-line summary and an example (sqlite-utils
test_docs style), and the completion scripts are real."""

from __future__ import annotations

import subprocess

import click
import pytest
from click.testing import CliRunner

from flexgit.cli import cli


def _commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = [("flexgit", cli)]
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, f"{name} is listed but does not load"
        out.append((name, cmd))
        if isinstance(cmd, click.Group):
            out.extend((f"{name} {sub}", c) for sub, c in sorted(cmd.commands.items()))
    return out


@pytest.mark.parametrize(("name", "cmd"), _commands(), ids=[n for n, _ in _commands()])
def test_help_has_summary_and_example(name: str, cmd: click.Command) -> None:
    args = [] if name == "flexgit" else name.split()
    r = CliRunner().invoke(cli, [*args, "--help"])
    assert r.exit_code == 0, r.output
    summary = (cmd.help or "").strip().splitlines()[0]
    assert summary.endswith("."), f"{name}: one-line summary ending in a period"
    assert "Example:" in r.output, f"{name}: help shows an example"
    example = r.output.split("Example:", 1)[1]
    assert "flexgit" in example or "flexpbx-" in example


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    r = CliRunner().invoke(cli, ["completion", shell])
    assert r.exit_code == 0
    assert "_FLEXGIT_COMPLETE" in r.output
    if shell == "bash":
        subprocess.run(["bash", "-n"], input=r.output.encode(), check=True)


@pytest.mark.parametrize(("typo", "meant"), [(["snapshto"], "snapshot"), (["stauts"], "status"),
                                             (["remote", "ad"], "add")])
def test_a_mistyped_command_gets_a_suggestion(typo: list[str], meant: str) -> None:
    r = CliRunner().invoke(cli, typo)
    assert r.exit_code == 2
    assert f"No such command '{typo[-1]}'. Did you mean '{meant}'?" in r.output


def test_no_suggestion_for_a_word_unlike_any_command() -> None:
    r = CliRunner().invoke(cli, ["xyzzy"])
    assert r.exit_code == 2 and "Did you mean" not in r.output
