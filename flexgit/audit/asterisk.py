"""Asterisk: PINs and passwords that are positional arguments, where no key
names them. Dialplan applications in every dialplan syntax (extensions.conf,
AEL, Lua: `Authenticate(1234)`, `app.authenticate("1234")`, `DISA(1234,ctx)`,
`MeetMe(room,opts,PIN)`, `VMAuthenticate`, `CONFBRIDGE(user,pin)=N`,
`MYSQL(Connect id host user PASSWORD db)`), meetme.conf rooms
(`conf => room,pin,adminpin`) and voicemail.conf mailboxes
(`2001 => [-]pin,Full Name,email,...`).

A PIN is 4 to 12 digits; a variable, a path (Authenticate's password file),
`no-password` and the stand-ins of documentation (1234, 0000) are not findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.keywords import shaped
from flexgit.audit.placeholders import is_placeholder, stand_in

RULE = "asterisk.pin"
# The applications' names go to the scanner's word automaton (a
# case-insensitive alternation tried at every offset costs more than all else);
# the line forms stay a regex.
WORDS = ("authenticate", "disa", "meetme", "confbridge", "mysql")
TRIGGER = r"(?m:^[ \t]*(?:conf[ \t]*=>|\d{2,}[ \t]*=>[ \t]*-?\d))"
_ARGS = re.compile(r"(?i)\b(v?m?authenticate|disa|meetme)\s*\(\s*([^)]*)\)")
# ConfBridge(conference,bridge_profile,user_profile,menu): a number among the
# profile and menu arguments is a PIN put where a name belongs.
_CONFBRIDGE_APP = re.compile(r"(?i)\bconfbridge\s*\(\s*[^,()]*,([^()]*)\)")
_CONFBRIDGE = re.compile(r"(?i)confbridge\s*\(\s*\w+\s*,\s*(?:admin_)?pin\s*\)\s*=\s*(\w+)")
_MYSQL = re.compile(r"(?i)mysql\s*\(\s*connect\s+\S+\s+\S+\s+\S+\s+(\S+)")
_ROOM = re.compile(r"^\s*conf\s*=>\s*([^;]*)")
_MAILBOX = re.compile(r"^\s*\d{2,}\s*=>\s*-?(\d+)\s*(?:,|$)")
_PIN = re.compile(r"\d{4,12}")
# Which argument holds the PIN: Authenticate(pin,...), DISA(pin,...),
# MeetMe(room,options,pin).
_POSITION = {"authenticate": 0, "vmauthenticate": 0, "mauthenticate": 0, "disa": 0,
             "meetme": 2}


def pin(value: str) -> bool:
    value = value.strip().strip("\"'")
    return _PIN.fullmatch(value) is not None and not stand_in(value) \
        and not is_placeholder(value)


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _ARGS.finditer(line):
        args = m.group(2).split(",")
        at = _POSITION.get(m.group(1).lower(), 0)
        if at < len(args) and pin(args[at]):
            yield RULE, args[at].strip().strip("\"'")
    for m in _CONFBRIDGE_APP.finditer(line):
        for arg in m.group(1).split(","):
            if pin(arg):
                yield RULE, arg.strip().strip("\"'")
    for m in _CONFBRIDGE.finditer(line):
        if pin(m.group(1)):
            yield RULE, m.group(1)
    for m in _MYSQL.finditer(line):
        if shaped(m.group(1), pin=True):
            yield "keyword.secret", m.group(1)
    room = _ROOM.match(line)
    if room:
        for arg in room.group(1).split(",")[1:3]:
            if pin(arg):
                yield RULE, arg.strip()
    box = _MAILBOX.match(line)
    if box and pin(box.group(1)):
        yield RULE, box.group(1)
