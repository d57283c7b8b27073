"""A backup file as a restore source: read and fully validated into a scratch
store (mode 0700, removed when the restore ends), then restored like a
snapshot. Not the shareable store: a file may hold user data. Not the private
store either: a restore that is declined must leave nothing behind."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flexgit.app import Context
from flexgit.errors import BadInput
from flexgit.formats.importer import import_file
from flexgit.restore.source import Source, from_commit
from flexgit.store import Store


def source_from_file(ctx: Context, path: Path, *, force: bool = False) -> Source:
    if not path.is_file():
        raise BadInput(f"Backup file not found: {path}")
    scratch = Path(tempfile.mkdtemp(prefix="flexgit-restore-"))
    try:
        store = Store.init(scratch / "source.git", private=True)
        try:
            res = import_file(store, path, profile=ctx.profile, private=True, force=force)
            source = from_commit(store, res.id or "", str(path))
        except BaseException:
            store.close()
            raise
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    for w in res.warnings:
        ctx.out.warn(w)
    source.scratch = scratch
    source.damaged = res.damaged
    return source
