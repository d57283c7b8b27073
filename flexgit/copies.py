"""Copies of every export in more directories (the profile's `[copies] dirs`):
a second disk, a mounted share. Each copy is written atomically beside its
final name, read back and compared by sha256 before it counts; a copy that
fails is a warning, never a lost backup (the export itself is done)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flexgit import fsutil
from flexgit.errors import IntegrityError
from flexgit.formats import latest

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Copy:
    directory: str
    path: str | None  # None when the copy failed
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        return {"dir": self.directory, "path": self.path, "ok": self.ok, "error": self.error}


def resolve_dir(configured: str, home: Path) -> Path:
    """A configured directory: `~/…` and relative names are the account's."""
    if configured == "~" or configured.startswith("~/"):
        return home / configured[2:]
    p = Path(configured)
    return p if p.is_absolute() else home / p


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def copy_file(src: Path, directory: Path, *, sha256: str, link: str | None = None) -> Path:
    """Copy `src` into `directory` under its own name, with its mode; check the
    copy reads back as `sha256`; then point the `link` symlink (latest.*) at it."""
    directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    final = directory / src.name
    if final.resolve() == src.resolve():
        raise IntegrityError(f"{directory} is the export directory itself")
    mode = os.stat(src).st_mode & 0o777
    tmp, f = fsutil.open_temp(directory)
    try:
        with open(src, "rb") as r:
            while chunk := r.read(_CHUNK):
                f.write(chunk)
    except BaseException:
        f.close()
        fsutil.remove_quietly(tmp)
        raise
    fsutil.commit_temp(tmp, f, final, mode=mode)
    if _sha256(final) != sha256:
        fsutil.remove_quietly(final)
        raise IntegrityError(f"the copy in {directory} does not read back as written "
                             f"(sha256 differs); removed it")
    if link:
        latest.relink(directory, written=final.name)
    return final


def copy_everywhere(src: Path, directories: list[Path], *, sha256: str,
                    link: str | None = None) -> list[Copy]:
    out = []
    for d in directories:
        try:
            final = copy_file(src, d, sha256=sha256, link=link)
        except IntegrityError as e:
            out.append(Copy(str(d), None, e.message))
        except OSError as e:
            out.append(Copy(str(d), None, f"{e.strerror or e}"
                                          + (f": {e.filename}" if e.filename else "")))
        else:
            out.append(Copy(str(d), str(final)))
    return out
