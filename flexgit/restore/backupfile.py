"""A backup file as a restore source: read (and fully validated) into the
private store's `imports` branch as it is, then restored like a snapshot.
The private store is the right place: a file may hold user data, and nothing
of it may reach the shareable store."""

from __future__ import annotations

from pathlib import Path

from flexgit.app import Context
from flexgit.errors import BadInput
from flexgit.formats.importer import import_file
from flexgit.restore.source import Source, from_commit
from flexgit.store import Store


def source_from_file(ctx: Context, path: Path, *, force: bool = False) -> Source:
    if not path.is_file():
        raise BadInput(f"Backup file not found: {path}")
    private = Store.init(ctx.private_repo, private=True)
    try:
        with private.locked("flexgit restore"):
            res = import_file(private, path, profile=ctx.profile, private=True, force=force)
    except BaseException:
        private.close()
        raise
    for w in res.warnings:
        ctx.out.warn(w)
    commit = res.id or ""
    return from_commit(private, commit, str(path))
