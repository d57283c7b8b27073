"""What in an Asterisk configuration file runs commands, or decides who runs them.

Asterisk reads /etc/asterisk as root and runs as its `runuser`; the account
may restart it (flexgit's own sudoers rule), so a configuration line that runs
a program is as privileged as a root helper script. :func:`added` lists the
kinds of such lines a new text has that the installed one lacks, so
restore/trust.py reviews them like the sudoers snippets (docs/decisions.md
"Asterisk configuration that runs commands").

The match is on words, not on a parse of every Asterisk format: `System` as a
word in extensions.conf, extensions.ael and extensions.lua alike, in the
`System(x)` and the old `System,x` syntax, and in a comment too (a line
flagged for nothing only asks for a review). Lines are compared within their
section, so a `write = all` that the live file has for one AMI user does not
vouch for the same line under a new user. In the few files whose every line
decides what runs or who connects (asterisk.conf, modules.conf, manager.conf,
...) any change counts.
"""

from __future__ import annotations

import re

ASTERISK_DIR = "system/etc/asterisk/"

# Dialplan applications and functions that run a program, or run any
# application or expression a variable names (a way around the words above).
_WORDS = re.compile(
    r"(?<![\w#-])(system|trysystem|shell|exec|execif|tryexec|eval|eval_exten|agi|eagi|"
    r"deadagi|externalivr|monitor_exec)(?!\w)", re.IGNORECASE)
# MixMonitor's third argument is a shell command run when the call ends.
_MIXMONITOR = re.compile(r"mixmonitor\s*\([^,)]*,[^,)]*,", re.IGNORECASE)
# Preprocessor lines: #exec runs a shell command as root while the file is read;
# an include from outside /etc/asterisk reads a file the account may write.
_EXEC = re.compile(r"^\s*#\s*(?:try)?exec\b", re.IGNORECASE)
_INCLUDE = re.compile(r"^\s*#\s*(?:try)?include\s+[\"<]?\s*(\S+?)[\">]?\s*$", re.IGNORECASE)
# Keys that name who Asterisk runs as, what it loads, which program it starts,
# or who may reach the console and the manager.
_KEYS = re.compile(
    r"^\s*(run(?:user|group)|execincludes|astctl\w*|ast\w*dir|mailcmd|externnotify|"
    r"externpass\w*|application|live_dangerously|"
    r"read|write|writetimeout|permit|deny|acl|bindaddr|tlsbindaddr|"
    r"enabled|webenabled|tlsenable|displayconnects)\s*=",
    re.IGNORECASE)
# The manager and HTTP keys matter only in the files that define AMI users and
# the HTTP server (a pjsip endpoint has permit/deny of its own).
_NETWORK_KEYS = {"permit", "deny", "acl", "bindaddr", "tlsbindaddr", "enabled",
                 "webenabled", "tlsenable", "displayconnects", "writetimeout"}
# Files where every line decides what runs, as whom, or who may connect:
# extensions.lua is a program (os.execute); modules.conf loads app_system;
# logger.conf writes files where it names them (as root, with runuser root);
# http.conf serves the manager and writes uploads (post_mappings).
_WHOLE = {"asterisk.conf", "modules.conf", "logger.conf", "cli_permissions.conf",
          "extensions.lua"}
_SECTION = re.compile(r"^\s*\[([^\]]*)\]")


def is_asterisk_config(path: str) -> bool:
    return path.lower().startswith(ASTERISK_DIR)


def _kinds(path: str, line: str) -> list[str]:
    """The kinds of command-running content on one line."""
    found: list[str] = []
    if _EXEC.match(line):
        found.append("#exec")
    inc = _INCLUDE.match(line)
    if inc:
        target = inc.group(1)
        if (target.startswith("/") and not target.startswith("/etc/asterisk/")) or \
                ".." in target.split("/"):
            found.append("#include from outside /etc/asterisk")
    found += sorted({f"{m.group(1)}()" for m in _WORDS.finditer(line)}, key=str.lower)
    if _MIXMONITOR.search(line):
        found.append("MixMonitor() command")
    key = _KEYS.match(line)
    if key:
        name = key.group(1).lower()
        name_of_file = path.rsplit("/", 1)[-1].lower()
        manager = name_of_file.startswith(("manager", "http"))
        if name not in _NETWORK_KEYS or manager:
            found.append(f"{name}=")
    return found


def lines(path: str, data: bytes) -> dict[tuple[str, str], list[str]]:
    """(section, line with its spaces normalized) -> kinds, for each line
    of `data` that runs commands or decides who may."""
    text = data.decode("utf-8", "surrogateescape")
    section = ""
    out: dict[tuple[str, str], list[str]] = {}
    for raw in text.replace("\r", "\n").split("\n"):
        head = _SECTION.match(raw)
        if head:
            section = head.group(1).strip().lower()
        kinds = _kinds(path, raw)
        if kinds:
            out[(section, " ".join(raw.split()).lower())] = kinds
    return out


def added(path: str, data: bytes, live: bytes | None) -> list[str]:
    """The kinds of command-running lines `data` has that `live` lacks (all of
    them where nothing is installed), each kind once, in the order found."""
    if not is_asterisk_config(path):
        return []
    have = lines(path, live) if live is not None else {}
    kinds: list[str] = []
    for key, found in lines(path, data).items():
        if key not in have:
            kinds += [k for k in found if k not in kinds]
    name = path.rsplit("/", 1)[-1].lower()
    if not kinds and data != live and (name in _WHOLE or name.startswith(("manager", "http"))):
        # A removed line counts too here (a `noload => app_system.so`, a `deny`).
        kinds.append(f"any change to {name}")
    return kinds


_PATH = re.compile(r"(?<![\w.-])(/[^\s,;:=()'\"|<>]+)")


def named_paths(path: str, data: bytes) -> list[str]:
    """Every absolute path on a line of `data` that runs commands: the
    programs Asterisk would start (System(/etc/asterisk/x.sh), AGI(/…)).
    Over-inclusive on purpose: it only decides what needs trust."""
    if not is_asterisk_config(path):
        return []
    return [p for section, line in lines(path, data) for p in _PATH.findall(line)]
