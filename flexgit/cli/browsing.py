"""Commands that read one path of a snapshot: ls, dump."""

from __future__ import annotations

import base64

import click

from flexgit import browse, selection
from flexgit.app import Context
from flexgit.errors import OK

pass_ctx = click.make_pass_decorator(Context)


@click.command("ls")
@click.argument("rev", default="latest")
@click.argument("path", required=False)
@pass_ctx
def ls_cmd(ctx: Context, rev: str, path: str | None) -> int:
    """List the files of a snapshot, or those at and below PATH (like restic ls).

    Each line: mode, size in bytes, tree path. PATH is a tree path
    (home/public_html/api, system/etc/asterisk) or an absolute one
    (/etc/asterisk). A directory's mode is `?`s where no snapshot records it.

    \b
    Example:
      flexgit ls latest system/etc/asterisk
      flexgit --json ls latest~1 home/public_html/api
    """
    tp = selection.tree_path(path, home=ctx.home, root=ctx.root) if path else ""
    with ctx.open_store() as store:
        sha, entries = browse.ls(store, rev, tp, path)
    ctx.out.data({"id": sha, "path": tp, "entries": [e.as_json() for e in entries]})
    for e in entries:
        ctx.out.raw(e.line() + "\n")
    return OK


@click.command("dump")
@click.argument("rev")
@click.argument("path")
@pass_ctx
def dump_cmd(ctx: Context, rev: str, path: str) -> int:
    """Write one file of a snapshot to stdout, byte for byte (like restic dump).

    The bytes are those the snapshot holds: sanitized, with the placeholders
    where secrets were. A symlink gives its target.

    \b
    Example:
      flexgit dump latest system/etc/asterisk/pjsip.conf > pjsip.conf
      flexgit dump latest~2 home/flexpbx-config.json | jq .
    """
    tp = selection.tree_path(path, home=ctx.home, root=ctx.root)
    with ctx.open_store() as store:
        sha, entry, data = browse.dump(store, rev, tp, path)
    ctx.out.data({"id": sha, **entry.as_json(),
                  "content_base64": base64.b64encode(data).decode("ascii")})
    ctx.out.raw_bytes(data)
    return OK


COMMANDS = [ls_cmd, dump_cmd]
