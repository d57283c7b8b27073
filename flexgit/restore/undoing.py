"""Which pre-restore save an undo would put back, and whose it is.

A pre-restore save records the home, the system root and the host it was
taken on. A home copied from another installation brings that installation's
private store along; its saves name the other home and root, and an undo of
them would write there. So an undo (and the put-back of an interrupted
restore) refuses a save that is not of the installation it runs for.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flexgit.errors import FlexgitError, UsageError
from flexgit.restore.apply import JOURNAL, PRE_RESTORE, UNDO_PATH, UNDONE
from flexgit.store import Store


@dataclass(frozen=True)
class Pending:
    """The save an undo would put back, as its record says."""

    commit: str
    record: dict[str, Any]
    interrupted: bool  # the save of a restore that died half-way

    @property
    def restores(self) -> int:
        changed = set(self.record.get("changed", self.record.get("saved", {})))
        return sum(1 for p in self.record.get("saved", {}) if p in changed)

    @property
    def removes(self) -> int:
        return len(self.record.get("created", []))

    @property
    def source(self) -> str:
        return str(self.record.get("source", "?"))

    @property
    def when(self) -> str:
        """When that restore ran: an undo after a cancelled restore undoes an
        earlier one, and the time says which."""
        t = self.record.get("time")
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if isinstance(t, int) else "?"


def host() -> str:
    return socket.gethostname()


def pending(private: Store) -> Pending | None:
    """The save `flexgit undo` would put back now, or None."""
    journal = private.path / JOURNAL
    if journal.exists():
        try:
            commit = str(json.loads(journal.read_text())["pre_restore"])
        except (OSError, ValueError, KeyError):
            raise FlexgitError(f"{journal} is damaged; inspect it, then remove it to "
                               f"continue") from None
        return Pending(commit, _record(private, commit), True)
    head = private.head(PRE_RESTORE)
    if head is None or private.get_ref(UNDONE) == head:
        return None
    return Pending(head, _record(private, head), False)


def _record(private: Store, commit: str) -> dict[str, Any]:
    tree = private.read_tree(commit)
    if UNDO_PATH not in tree:
        raise FlexgitError(f"pre-restore snapshot {commit[:12]} has no undo record")
    doc = json.loads(private.read_blob(tree[UNDO_PATH].sha))
    if not isinstance(doc, dict):
        raise FlexgitError(f"pre-restore snapshot {commit[:12]}: its undo record is damaged")
    return doc


def _same(a: str | Path, b: str | Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def check_owner(p: Pending, home: Path, root: Path, private: Path) -> None:
    """Refuse a save of another installation, naming both."""
    rec = p.record
    rec_home, rec_root = str(rec.get("home", "")), str(rec.get("root", ""))
    rec_host = rec.get("host")
    if _same(rec_home, home) and _same(rec_root, root) and rec_host in (None, host()):
        return
    theirs = f"home {rec_home}, root {rec_root}" + (f", host {rec_host}" if rec_host else "")
    raise UsageError(f"{private}: the last restore saved there is of another installation "
                     f"({theirs}), not of this one (home {home}, root {root}, host {host()}); "
                     f"nothing was undone. A home copied from another machine brings that "
                     f"machine's saves: undo there, or remove {private} here")
