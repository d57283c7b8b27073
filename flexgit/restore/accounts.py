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
    """The account renamed in a sudoers file, only where sudoers reads a user:
    a rule's user list, ``Defaults:users``, ``User_Alias`` and ``Runas_Alias``
    members, and a Runas list where it names the account. Commands,
    comments and ``ALL=(root)`` stay as they are."""
    check_user_name(new)
    if not old or old == new:
        return data
    word = re.compile(r"(?<![A-Za-z0-9._-])" + re.escape(old) + r"(?![A-Za-z0-9._-])")
    out: list[str] = []
    for line in _logical(data.decode("utf-8", "surrogateescape")):
        out.append(_rename_in_rule(line, word, new))
    return "".join(out).encode("utf-8", "surrogateescape")


# A sudoers line as sudoers reads it: continuation lines are one rule.
_CONTINUED = re.compile(r"(?:[^\n]*\\\n)*[^\n]*(?:\n|\Z)")
_DEFAULTS = re.compile(r"(\s*Defaults[:>])([^\s]+)")
_ALIAS = re.compile(r"\s*(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\s")
_ALIAS_NAME = re.compile(r"\s*\w+\s+([A-Z][A-Z0-9_]*)\s*=")
# users, hosts = [(runas)] ...: the user list is what comes before the host list.
_SPEC = re.compile(r"(\s*)((?:[^\s,=#][^\s,=]*\s*,\s*)*[^\s,=#][^\s,=]*)\s+[^=]+?=")
_RUNAS = re.compile(r"(=\s*\()([^):]*)")


def _logical(text: str) -> list[str]:
    return [m.group() for m in _CONTINUED.finditer(text) if m.group()]


def _rename_in_rule(line: str, word: re.Pattern[str], new: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped.startswith("#"):
        return line  # a comment (or #include): not a rule
    d = _DEFAULTS.match(line)
    if d:
        return d.group(1) + word.sub(new, d.group(2)) + line[d.end():]
    a = _ALIAS.match(line)
    if a:
        if a.group(1) not in ("User_Alias", "Runas_Alias"):
            return line
        head, eq, members = line.partition("=")
        return head + eq + word.sub(new, members)
    m = _SPEC.match(line)
    if m is None:
        return line
    users = word.sub(new, m.group(2))
    rest = _RUNAS.sub(lambda r: r.group(1) + word.sub(new, r.group(2)), line[m.end(2):])
    return m.group(1) + users + rest


def merge_sudoers(live: bytes, source: bytes) -> bytes:
    """The live sudoers file with the source's rules it lacks appended: the
    accounts already there keep theirs. An alias live defines stays live's
    (sudoers refuses one defined twice); comments come from live only."""
    text = live.decode("utf-8", "surrogateescape")
    have = {_normal(line) for line in _logical(text)}
    aliases = {m.group(1) for line in _logical(text) if (m := _ALIAS_NAME.match(line))
               and _ALIAS.match(line)}
    added: list[str] = []
    for line in _logical(source.decode("utf-8", "surrogateescape")):
        norm = _normal(line)
        if not norm or norm.startswith("#") or norm in have:
            continue
        m = _ALIAS_NAME.match(line)
        if _ALIAS.match(line) and m and m.group(1) in aliases:
            continue
        have.add(norm)
        added.append(line if line.endswith("\n") else line + "\n")
    if not added:
        return live
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + "".join(added)).encode("utf-8", "surrogateescape")


def keep_other_accounts(live: bytes, source: bytes) -> bytes:
    """The source's sudoers file, plus the live rules and Defaults of the
    accounts the source does not name (another account migrated beside this
    one keeps its rule when this one restores its own backup); aliases they
    use that the source lacks come with them."""
    src_lines = _logical(source.decode("utf-8", "surrogateescape"))
    named = {u for line in src_lines for u in _users_of(line)}
    if "ALL" in named:
        return source  # it speaks for every account
    have = {_normal(line) for line in src_lines}
    src_aliases = {m.group(1) for line in src_lines
                   if _ALIAS.match(line) and (m := _ALIAS_NAME.match(line))}
    kept: list[str] = []
    for line in _logical(live.decode("utf-8", "surrogateescape")):
        users = _users_of(line)
        norm = _normal(line)
        if norm in have or not norm or norm.startswith("#"):
            continue
        alias = _ALIAS_NAME.match(line) if _ALIAS.match(line) else None
        if alias is not None:
            if alias.group(1) not in src_aliases:
                kept.append(line)
        elif users and not users & named:
            kept.append(line)
        elif users - named:
            # One line for this account and others: the others keep their part.
            rest = _without_users(line, named)
            if rest is not None:
                kept.append(rest)
    if not kept:
        return source
    text = source.decode("utf-8", "surrogateescape")
    if text and not text.endswith("\n"):
        text += "\n"
    return (text + "".join(x if x.endswith("\n") else x + "\n" for x in kept)).encode(
        "utf-8", "surrogateescape")


def _without_users(line: str, drop: set[str]) -> str | None:
    """The rule or Defaults line `line` with the users of `drop` taken out of
    its user list (groups and aliases stay: they are not this account's
    name); the line as it is when the list negates anyone (taking `bob` out
    of `ALL, !bob` would grant bob)."""
    d = _DEFAULTS.match(line)
    m = d if d is not None else _SPEC.match(line)
    if m is None:
        return line
    members = [u.strip() for u in m.group(2).split(",")]
    if any(u.startswith("!") for u in members):
        return line
    rest = [u for u in members if u not in drop]
    joined = ("," if d is not None else ", ").join(rest)
    return line[:m.start(2)] + joined + line[m.end(2):]


def _split_users(line: str) -> tuple[str, list[str], str] | None:
    """A rule or Defaults line as (what comes before its user list, the
    users, what comes after, spaces normalized), or None."""
    m = _DEFAULTS.match(line) or _SPEC.match(line)
    if m is None or line.lstrip().startswith("#") or _ALIAS.match(line):
        return None
    users = [u.strip() for u in m.group(2).split(",")]
    return " ".join(line[:m.start(2)].split()), users, " ".join(line[m.end(2):].split())


def narrows(line: str, wider: str) -> bool:
    """Whether `line` is the rule or Defaults line `wider` for fewer users
    (what keep_other_accounts leaves of a line it shares): it grants less.
    Never with a negation, where fewer names can mean more users."""
    a, b = _split_users(line), _split_users(wider)
    if a is None or b is None or a[0] != b[0] or a[2] != b[2]:
        return False
    if any(u.startswith("!") for u in a[1] + b[1]):
        return False
    return set(a[1]) <= set(b[1])


def _users_of(line: str) -> set[str]:
    """The users a rule or a Defaults line is for (none for other lines)."""
    stripped = line.lstrip()
    if not stripped or stripped.startswith("#") or _ALIAS.match(line):
        return set()
    d = _DEFAULTS.match(line)
    if d:
        return {u.strip() for u in d.group(2).split(",") if u.strip()}
    m = _SPEC.match(line)
    return {u.strip() for u in m.group(2).split(",") if u.strip()} if m else set()


def _normal(line: str) -> str:
    return " ".join(line.replace("\\\n", " ").split())


def uid_min(login_defs: Path = Path("/etc/login.defs"), key: str = "UID_MIN") -> int:
    """The first uid of a login account (UID_MIN of login.defs, default 1000;
    key="GID_MIN": the first gid of a login account's group)."""
    try:
        text = login_defs.read_text(errors="replace")
    except OSError:
        return 1000
    m = re.search(rf"^\s*{key}\s+(\d+)", text, re.M)
    return int(m.group(1)) if m else 1000


def check_source_account(name: str) -> None:
    """Refuse to migrate from root or a system account: its name is not the
    FlexPBX account's, and renaming it would rewrite root's own rules."""
    hint = "pass -s USER to name the account that owns the installation"
    if name in ("root", "0"):
        raise UsageError(f"the source installation belongs to root (uid 0), not to a FlexPBX "
                         f"account; {hint}")
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        return  # an account of the machine the backup came from: only a name here
    if pw.pw_uid == 0:
        raise UsageError(f"the source account {name} has uid 0 (root); {hint}")
    first = uid_min()
    if pw.pw_uid < first:
        raise UsageError(f"the source account {name} is a system account (uid {pw.pw_uid}, "
                         f"below UID_MIN {first} of /etc/login.defs); {hint}")


def installed_here(source_home: str, target_home: str, root: Path) -> bool:
    """Whether the account a migrate comes from has its installation on this
    machine (under `root`), beside the target's: then the system files are
    that account's too, and a migrate must leave them working for it."""
    old = source_home.rstrip("/")
    if not old or old == target_home.rstrip("/"):
        return False
    return os.path.isdir(old) or os.path.isdir(root / old.lstrip("/"))


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
