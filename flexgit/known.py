"""What the installation is known to hold: the values the sweep removes from
every file of a shareable snapshot (flexgit.sanitize.sweep).

Two sources. The installation's own records, which never enter the store but
tell us who its users are and what its secrets are: ``users/``, ``admins/``,
``temp_passwords/``, ``push_subscriptions/``, ``flexpbx-config.json``, ``.env``
files and every file under ``etc/asterisk`` (auth sections, voicemail
mailboxes, AMI users). Each is read and sanitized here only to collect what the
rules remove. And what the rules removed from any snapshotted file before: a
password labelled in one guide and repeated bare in another.

The second source is remembered between snapshots, per path, in the private
store (mode 0600, beside the unsanitized pre-restore saves, which hold the same
values): a file that did not change is not read again, yet what it held must
still be swept from a new file. Deleting the record is safe; the next snapshot
reads everything again.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from flexgit import content, fsutil, sanitize
from flexgit.profile import Profile
from flexgit.sanitize import Sweep, regions
from flexgit.store import Store

STATE_NAME = "flexgit-sweep.json"
# The records of an installation, relative to its home.
HOME_RECORDS = ("users", "admins", "temp_passwords", "push_subscriptions")
HOME_FILES = ("flexpbx-config.json", ".env", ".env.local", ".env.production")
SYSTEM_DIRS = ("etc/asterisk",)
_MAX_RECORD = 4 << 20  # a record larger than this is not a record


@dataclass
class Known:
    """The sweep set of one snapshot, and where its values were found."""

    path: Path | None  # where the state is kept (None: nowhere, e.g. status)
    records: frozenset[str] = frozenset()  # from the installation's records
    removed: dict[str, list[str]] = field(default_factory=dict)  # tree path -> values
    previous: frozenset[str] = frozenset()  # the whole set the last snapshot swept
    # The installation's countries, read from the same records (sanitize.regions).
    regions: tuple[str, ...] = ()

    @property
    def sweep(self) -> Sweep:
        return Sweep(self.records.union(*map(frozenset, self.removed.values())), self.regions)

    def save(self, present: set[str]) -> None:
        """Remember what was swept, for the paths still in the installation."""
        if self.path is None:
            return
        removed = {p: sorted(v) for p, v in sorted(self.removed.items()) if p in present and v}
        doc = {"version": 1, "swept": sorted(self.sweep.values), "removed": removed}
        # It lives in the private store, made here if this is the first need of it.
        Store.init(self.path.parent, private=True).close()
        fsutil.atomic_write(self.path, json.dumps(doc, indent=0).encode("utf-8",
                                                                        "surrogateescape"),
                            mode=0o600)


def load(home: Path, root: Path, profile: Profile, *, state_dir: Path | None) -> Known:
    """Read the installation's records and the remembered values."""
    path = state_dir / STATE_NAME if state_dir is not None else None
    texts: list[tuple[str, str]] = []
    known = Known(path, frozenset(_records(home, root, profile, texts)))
    known.regions = regions.from_texts(texts)
    if path is None:
        return known
    with contextlib.suppress(OSError, ValueError):
        doc = json.loads(path.read_bytes().decode("utf-8", "surrogateescape"))
        if doc.get("version") == 1:
            known.removed = {str(p): [str(v) for v in vs]
                             for p, vs in doc.get("removed", {}).items() if isinstance(vs, list)}
            known.previous = frozenset(str(v) for v in doc.get("swept", []))
    return known


def _records(home: Path, root: Path, profile: Profile,
             texts: list[tuple[str, str]]) -> set[str]:
    """The values the rules remove from the records; each record's text is
    appended to `texts` (for the installation's countries)."""
    values: set[str] = set()
    for side, base, rel in _record_files(home, root):
        try:
            st = os.lstat(base / rel)
            if st.st_size > _MAX_RECORD or not os.path.isfile(base / rel) or \
                    os.path.islink(base / rel):
                continue
            data = (base / rel).read_bytes()
        except OSError:
            continue
        decoded = content.decode(data)
        if decoded is None:
            continue
        texts.append((f"{side}/{rel}", decoded.text))
        values |= sanitize.sanitize(f"{side}/{rel}", data, profile.rules).removed
    return values


def _record_files(home: Path, root: Path) -> list[tuple[str, Path, str]]:
    out: list[tuple[str, Path, str]] = [("home", home, name) for name in HOME_FILES]
    for side, base, dirs in (("home", home, HOME_RECORDS), ("system", root, SYSTEM_DIRS)):
        for top in dirs:
            for dirpath, dirnames, filenames in os.walk(base / top):
                dirnames.sort()
                for name in sorted(filenames):
                    out.append((side, base, os.path.relpath(os.path.join(dirpath, name), base)))
    return out
