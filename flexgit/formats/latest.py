"""The `latest*` links of a backup directory, with one meaning.

`latest.flx.gz` is what `flexpbx-restore ~/backup/latest.flx.gz` restores, so
it must never name an older backup than the newest of its type: after an
uncompressed export, a `latest.flx.gz` left on last week's file would restore
last week (it once undid a rollback). The type of a backup is its kind (flx or
flxx) and whether it is private; its form is compression and encryption. Each
link points at the newest backup of its type when that backup has the link's
form, and is removed otherwise: a missing link fails loudly, a stale one does
not. "Newest" is by the time in the file names (as retention reads them),
except that the file an export has just written is the newest of its type.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from flexgit import fsutil

_FILE_RE = re.compile(r"flexpbx-(private-)?(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(?:-(\d+))?"
                      r"(\.flxx?)((?:\.gz)?(?:\.gpg)?)")
_LINK_RE = re.compile(r"latest(-private)?(\.flxx?)((?:\.gz)?(?:\.gpg)?)")
FORMS = ("", ".gz", ".gpg", ".gz.gpg")


def link_names() -> list[str]:
    """Every latest* link name a backup directory can hold."""
    return [f"latest{p}{k}{f}" for p in ("", "-private") for k in (".flx", ".flxx")
            for f in FORMS]


def relink(directory: Path, written: str | None = None, *, gone: frozenset[str] = frozenset(),
           dry_run: bool = False) -> list[tuple[str, str | None]]:
    """Point or remove each latest* link of `directory`; returns what changed,
    (link, target), target None for a removed link. Files in `gone` count as
    absent (a prune's dry run: nothing is touched)."""
    newest: dict[tuple[bool, str], tuple[tuple[int, str, int], str, str]] = {}
    for entry in os.scandir(directory):
        m = _FILE_RE.fullmatch(entry.name)
        if m is None or entry.name in gone or not entry.is_file(follow_symlinks=False):
            continue
        key = (bool(m.group(1)), m.group(4))
        rank = (int(entry.name == written), m.group(2), int(m.group(3) or 1))
        if key not in newest or rank > newest[key][0]:
            newest[key] = (rank, entry.name, m.group(5))
    changed: list[tuple[str, str | None]] = []
    for name in link_names():
        m = _LINK_RE.fullmatch(name)
        assert m is not None
        link = directory / name
        best = newest.get((bool(m.group(1)), m.group(2)))
        if best is not None and best[2] == m.group(3):
            if not link.is_symlink() or os.readlink(link) != best[1]:
                if os.path.lexists(link) and not link.is_symlink():
                    continue  # a user's own file of that name is not ours to replace
                if not dry_run:
                    fsutil.atomic_symlink(link, best[1])
                changed.append((name, best[1]))
        elif link.is_symlink():
            if not dry_run:
                os.unlink(link)
            changed.append((name, None))
    if changed and not dry_run:
        fsutil.fsync_dir(directory)
    return changed
