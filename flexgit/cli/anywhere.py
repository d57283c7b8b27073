"""Global options anywhere on the command line (`flexgit restore -y latest~1`,
`flexgit log --json`), with the meaning they have before the subcommand.

click parses a group's options only before its subcommand. Rather than copy
every global option into every subcommand (two definitions that can drift
apart, and a Context built before the subcommand's options are parsed), the
arguments are reordered: a global option found after the subcommand moves in
front of it, with its value, and click then parses one command line, the way
it always did. A subcommand's own option of the same name keeps its place,
and so does everything after `--` and every value of the subcommand's options
(`snapshot -m --json` is a message).
"""

from __future__ import annotations

import click


def _options(cmd: click.Command, ctx: click.Context) -> dict[str, bool]:
    """Every option string of `cmd` -> whether it takes a value."""
    found: dict[str, bool] = {}
    params = [*cmd.params]
    help_option = cmd.get_help_option(ctx)
    if help_option is not None:
        params.append(help_option)
    for p in params:
        if isinstance(p, click.Option):
            takes_value = not (p.is_flag or p.count)
            for opt in (*p.opts, *p.secondary_opts):
                found[opt] = takes_value
    return found


def _split(token: str) -> tuple[str, bool]:
    """`--repo=X` -> ("--repo", True); `--json` -> ("--json", False)."""
    if token.startswith("--") and "=" in token:
        return token.split("=", 1)[0], True
    return token, False


def _short_cluster(token: str, options: dict[str, bool]) -> bool:
    """`-vq`, `-vv`: single-dash flags of `options`, all of them without values."""
    if not token.startswith("-") or token.startswith("--") or len(token) < 3:
        return False
    return all(options.get(f"-{c}") is False for c in token[1:])


def hoist(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """`args` with the group's options that follow a subcommand moved before it."""
    globals_ = _options(group, ctx)
    front: list[str] = []
    i = 0
    # The group's own part: its options (and their values) up to the subcommand.
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        name, inline = _split(args[i])
        i += 2 if globals_.get(name) and not inline else 1
    if i >= len(args) or args[i] == "--":
        return list(args)
    rest = args[i + 1:]
    cmd = group.get_command(ctx, args[i])
    if cmd is None:
        return list(args)  # click says "No such command", with its suggestions
    local = _options(cmd, ctx)
    kept: list[str] = []
    j = 0
    while j < len(rest):
        token = rest[j]
        if token == "--":
            kept.extend(rest[j:])
            break
        name, inline = _split(token)
        if name in local:
            take = 2 if local[name] and not inline else 1
            kept.extend(rest[j:j + take])
            j += take
            continue
        if name in globals_ or _short_cluster(token, globals_):
            take = 2 if globals_.get(name) and not inline else 1
            front.extend(rest[j:j + take])
            j += take
            continue
        if not token.startswith("-") and isinstance(cmd, click.Group) and not kept:
            # A nested group (`remote add ...`): its subcommand's options count as local.
            sub = cmd.get_command(ctx, token)
            if sub is not None:
                local = {**_options(cmd, ctx), **_options(sub, ctx)}
        kept.append(token)
        j += 1
    return [*args[:i], *front, args[i], *kept] if front else list(args)
