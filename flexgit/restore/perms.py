"""Owners and modes a restore gives what it writes, whatever the source says.

A backup file is untrusted and a restore runs as root, so the manifest's
owners and modes are a wish, bounded here for every mode (fresh, merge,
migrate) and for empty directories too (docs/decisions.md):

* system side: owned by root, or by whoever owns the live file now (the
  admin chose that); the group is the live file's, else the backup's only if
  it is a system group (Asterisk reads root:asterisk 0640 files), else root;
  never writable by group or others (`& 0o755`);
* home side: owned by the account (plan._owner); never writable by others
  (`& 0o775`); files that hold live secrets or user records (the settings
  file, the user data directories, dotenv files, ~/.ssh) readable by no one
  but the account and its group (`& 0o640`, `& 0o750` if executable or a
  directory).
Set-id and sticky bits never come back from a backup.
"""

from __future__ import annotations

import functools
import grp
import os
import re

from flexgit.restore import accounts
from flexgit.restore.source import USER_DATA_DIRS

_USER_DATA = "|".join(re.escape(d) for d in USER_DATA_DIRS)
_SECRET_HOME = re.compile(
    rf"(?:flexpbx-config\.json|(?:{_USER_DATA})(?:/.*)?|\.ssh(?:/.*)?|"
    r"(?:.*/)?\.env(?:\..*)?|(?:.*/)?[^/]*\.env)\Z")


def holds_secrets(rel: str) -> bool:
    """Whether the home path `rel` is one flexgit knows holds live secrets or
    user records (its mode must not let other local users read it)."""
    return _SECRET_HOME.match(rel) is not None


def mode(path: str, wanted: int, *, is_dir: bool = False) -> int:
    """The permission bits `path` (a tree path) gets for the source's `wanted`."""
    side, _, rel = path.partition("/")
    if side == "system":
        return wanted & 0o755
    if holds_secrets(rel):
        return wanted & (0o750 if is_dir or wanted & 0o100 else 0o640)
    return wanted & 0o775


def system_owner(live: os.stat_result | None, group: str) -> tuple[int, int]:
    """Owner and group of a system file as root writes it: the live file's
    when there is one, else root and (when it is a system group) the
    source's group."""
    if live is not None:
        return live.st_uid, live.st_gid
    return 0, _system_gid(group)


@functools.lru_cache(maxsize=64)
def _system_gid(group: str) -> int:
    if not group:
        return 0
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        return 0  # unknown here: root's
    return gid if gid < accounts.uid_min(key="GID_MIN") else 0
