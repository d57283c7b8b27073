"""The account's sudoers rules as flexgit writes them, and the check that a
sudoers file grants nothing beyond them.

sudoers is a language with aliases, Defaults, includes hidden in comments
(`#include`), user IDs that look like comments (`#0`), netgroups, Runas lists
and wildcards; `visudo -c` says only that a file parses. Instead of
interpreting all of it, the check accepts a narrow grammar, the one flexgit
and the original tool write, and reads everything else as "grants more"
(docs/decisions.md "Privileged files from a backup").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.profile import Profile
from flexgit.restore import accounts

ASTERISK = "/usr/sbin/asterisk"
# The profile's allowed commands: Asterisk's remote console with -rx, and the
# helper scripts the profile's system_scripts category manages.
ASTERISK_RX = f"{ASTERISK} -rx *"
SCRIPTS_CATEGORY = "system_scripts"

_ALIAS = re.compile(r"Cmnd_Alias\s+([A-Z][A-Z0-9_]*)\s*=\s*(.+)")
# Exactly `USER ALL=(root) [NOPASSWD:] cmds`: no user list, host list, Runas
# list, group, uid or other tag.
_RULE = re.compile(r"(\S+)\s+ALL\s*=\s*\(root\)\s*(NOPASSWD:\s*)?(.+)")
_DEFAULTS = re.compile(r"Defaults:(\S+)\s+!requiretty")
# A comment is `#` then blank or text that is not a digit (`#0` is uid 0) and
# not an include (`#include`, `#includedir` are directives).
_COMMENT = re.compile(r"#(?:$|[ \t#].*|[^0-9-].*|-(?:$|[^0-9].*))")  # `#-1` is a uid too
_INCLUDE = re.compile(r"[#@]\s*include", re.IGNORECASE)
# Arguments of an allowed command: words, quotes and the `*` wildcard only;
# no `,`/`:`/`=` that would start another command or alias, no `\` escapes,
# no `!` negation.
_ARGS = re.compile(r"[A-Za-z0-9 _*'\"./-]*")
_SCRIPT_NAME = re.compile(r"[A-Za-z0-9_*-]+")


def script_globs(profile: Profile) -> list[str]:
    """The absolute globs of the helper scripts (`/usr/local/bin/flexpbx-*`)."""
    out = []
    for cat in profile.categories:
        if cat.name == SCRIPTS_CATEGORY and cat.side == "system":
            out += ["/" + p.lstrip("/") for p in cat.include]
    return out


def allowed_commands(profile: Profile) -> list[str]:
    return [ASTERISK_RX, *script_globs(profile)]


def flexgit_rules(user: str, profile: Profile) -> bytes:
    """The sudoers file flexgit writes for the account `user`. No Cmnd_Alias:
    an alias name is global across sudoers.d, and two accounts on one host
    would define it twice."""
    cmds = ", ".join(allowed_commands(profile))
    return (f"# FlexPBX: what the web account {user} may run as root, without a password.\n"
            f"# Written by flexgit from its profile's allowed commands.\n"
            f"Defaults:{user} !requiretty\n"
            f"{user} ALL=(root) NOPASSWD: {cmds}\n").encode()


def _logical_lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(first line number, text, is a comment). A comment is one physical line
    (sudo ends it at the newline even after a backslash); a rule continues
    over lines ending in a backslash."""
    buf: list[str] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip(" \t")
        if not buf and stripped.startswith("#"):
            yield n, stripped, True
            continue
        if not buf:
            start = n
        if stripped.endswith("\\"):
            buf.append(stripped[:-1])
            continue
        buf.append(stripped)
        yield start, " ".join(buf), False
        buf = []
    if buf:
        yield start, " ".join(buf), False


def _command_ok(cmd: str, profile: Profile) -> bool:
    cmd = " ".join(cmd.split())
    if cmd.startswith(ASTERISK + " -rx ") or cmd == ASTERISK + " -rx":
        return _ARGS.fullmatch(cmd[len(ASTERISK) + 5:]) is not None
    path, _, args = cmd.partition(" ")
    if _ARGS.fullmatch(args) is None:
        return False
    for glob in script_globs(profile):
        prefix = glob.rstrip("*")
        if glob.endswith("*") and path.startswith(prefix) and \
                _SCRIPT_NAME.fullmatch(path[len(prefix):]):
            return True
        if path == glob:
            return True
    return False


def beyond(data: bytes, user: str, profile: Profile, installed: bytes | None = None) -> str | None:
    """Why `data` grants more than flexgit's rules for `user` (the first line
    that does, quoted), or None when every line is one flexgit could write
    or one the `installed` file already holds (a migrate beside another
    account keeps that account's rules: installing them again grants
    nothing)."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return "it is not plain ASCII"
    live: set[str] = set()
    if installed is not None:
        live = {line for _n, line, comment in
                _logical_lines(installed.decode("ascii", "replace")) if not comment and line}
    bad = next((c for c in text if not (c.isprintable() or c in "\t\n")), None)
    if bad is not None:
        return f"it holds the control character U+{ord(bad):04X}"
    aliases: set[str] = set()
    for n, line, comment in _logical_lines(text):
        shown = f"line {n}: `{line[:80]}`"
        if comment:
            if _INCLUDE.match(line) or not _COMMENT.fullmatch(line):
                return f"{shown} is a directive, not a comment"
            continue
        if not line:
            continue
        if line in live or any(accounts.narrows(line, wider) for wider in live):
            if (m := _ALIAS.fullmatch(line)) is not None:
                aliases.add(m.group(1))
            continue
        if _INCLUDE.match(line):
            return f"{shown} includes other files"
        m = _DEFAULTS.fullmatch(line)
        if m is not None:
            if m.group(1) != user:
                return f"{shown} sets Defaults for another user than {user}"
            continue
        m = _ALIAS.fullmatch(line)
        if m is not None:
            # Alias names are global to all of sudoers: one defined here may
            # already mean something else in /etc/sudoers (sudo keeps the
            # first), or clash with another file and break sudo host-wide.
            # flexgit's rules use none; one the installed file has is kept.
            return f"{shown} defines an alias (alias names are global to all sudoers files)"
        m = _RULE.fullmatch(line)
        if m is None:
            return f"{shown} is not a rule flexgit writes"
        if m.group(1) != user:
            return f"{shown} is a rule for another user than {user}"
        for cmd in m.group(3).split(","):
            if cmd.strip() not in aliases and not _command_ok(cmd, profile):
                return f"{shown} allows a command flexgit does not allow: {cmd.strip()[:60]}"
    return None


def commands_in(data: bytes) -> list[str]:
    """Every absolute path a sudoers text names where a command can stand:
    the files it would let someone run. Over-inclusive on purpose (a path in
    a comment counts): it only decides what needs trust."""
    text = data.decode("utf-8", "replace")
    return re.findall(r"(?<![A-Za-z0-9_.-])(/[^\s,:=()!\\\"']+)", text)
