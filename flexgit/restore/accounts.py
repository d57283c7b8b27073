"""Accounts for migrate: looking up the target user, rewriting home paths by
whole path components, and rebuilding the sudoers snippet for another user."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flexgit.errors import FlexgitError, UsageError

USER_RE = re.compile(r"^[a-z_][a-z0-9_-]*$")


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str  # the home as the system knows it (/home/alice)


def check_user_name(name: str) -> None:
    if len(name) > 32 or not USER_RE.match(name):
        raise UsageError(f"invalid user name {name!r}: use lower-case letters, digits, '_' "
                         f"and '-', starting with a letter or '_'")


def lookup(name: str) -> Account:
    check_user_name(name)
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        raise UsageError(f"Target user does not exist: {name}; create it first "
                         f"(e.g. `useradd -m {name}`)") from None
    return Account(pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir)


def name_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def current() -> Account:
    pw = pwd.getpwuid(os.geteuid())
    return Account(pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir)


def rewrite_home(data: bytes, old: str, new: str) -> tuple[bytes, int]:
    """Replace the absolute home `old` by `new` wherever it stands as whole path
    components: /home/bob/x and "/home/bob" change, /home/bobby does not."""
    old_s = old.rstrip("/")
    if not old_s or old_s == new.rstrip("/"):
        return data, 0
    pattern = re.compile(re.escape(old_s.encode()) + rb"(?![A-Za-z0-9._~+-])")
    out, n = pattern.subn(new.rstrip("/").encode().replace(b"\\", b"\\\\"), data)
    return out, n


def rewrite_user(data: bytes, old: str, new: str) -> bytes:
    """The account name as a whole word (sudoers user lists, Runas specs)."""
    check_user_name(new)
    if not old or old == new:
        return data
    pattern = re.compile(rb"(?<![A-Za-z0-9._-])" + re.escape(old.encode()) +
                         rb"(?![A-Za-z0-9._-])")
    return pattern.sub(new.encode(), data)


def visudo() -> str | None:
    """visudo on PATH, or None. Only PATH counts: a restore that cannot run it
    skips the sudoers file, and an admin (or a test) decides that by PATH."""
    return shutil.which("visudo")


def check_sudoers(path: Path | str, name_for_errors: str) -> None:
    """Run `visudo -c -f` on a candidate file; raise naming the file if it fails."""
    exe = visudo()
    if exe is None:
        raise FlexgitError("visudo not found: install the sudo package, or pass "
                           "--skip-sudoers to leave the sudoers file alone")
    r = subprocess.run([exe, "-c", "-q", "-f", str(path)], capture_output=True, text=True)
    if r.returncode != 0:
        detail = (r.stderr or r.stdout).strip().splitlines()
        raise FlexgitError(f"{name_for_errors}: visudo rejected the rebuilt sudoers file "
                           f"({detail[0] if detail else 'no detail'}); nothing was installed")
