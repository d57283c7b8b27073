"""Credentials written as `user:password@host` outside a URL with a scheme
(urls.py reads those): Asterisk register lines and dial strings
(`IAX2/user:pw@host`, `register => user:pw@host/ext`), rsync and ssh-style
targets; and the `user,pw` / `user%pw` of lftp's and smbclient's -u/-U."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.keywords import shaped
from flexgit.audit.placeholders import is_placeholder

WORDS = ("@",)
_FORM = re.compile(r"(?<![\w.:\-])([A-Za-z0-9][\w.\-]*):([^\s@/:'\"<>]+)@[A-Za-z0-9][\w\-]*")
# `sip:2001@host`, `mailto:a@b`: a scheme, not a user; `//u:p@` is a URL.
_SCHEMES = frozenset({"sip", "sips", "tel", "mailto", "iax", "iax2", "xmpp", "h323", "http",
                      "https", "ftp", "ssh", "git"})


# Command lines that join user and password with `,` or `%`: `lftp -u user,pw`,
# `smbclient -U user%pw` (also as an argv list: `'-U', 'user%pw'`).
JOINED_WORDS = ("-u ", "-u\t", "-u'", '-u"', "mysql", "mariadb")
# The MySQL tools' password glued to -p (`mysqldump -u x -pSECRET db`).
_GLUED = re.compile(r"""(?i)\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n|;&]*?"""
                    r"""\s['"]?-p(?!\s)['"]?([^\s'"]{4,})""")
_JOINED = re.compile(r"""(?:^|[\s'"])-[uU]['"]?(?:\s+|,\s*)['"]?[\w.\-]+[,%]([^\s'"]+)""")


def find_joined(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    for m in _GLUED.finditer(lines[i]):
        secret = m.group(1)
        if not is_placeholder(secret) and secret[0] not in "$[<{%`" and len(set(secret)) > 1:
            yield "credentials.userinfo", secret
    for m in _JOINED.finditer(lines[i]):
        secret = m.group(1)
        if not is_placeholder(secret) and secret[0] not in "$[<{%" and len(set(secret)) > 1 \
                and (shaped(secret, pin=True) or len(secret) >= 8):
            yield "credentials.userinfo", secret


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _FORM.finditer(line):
        if m.group(1).lower() in _SCHEMES or line[max(0, m.start() - 2):m.start()] == "//":
            continue
        secret = m.group(2)
        if is_placeholder(secret) or secret[0] in "[<{" or len(set(secret)) == 1:
            continue  # `[torkey]`, `<secret>`: the syntax of documentation; `xxxxxx`
        if shaped(secret, pin=True) or (len(secret) >= 8 and secret.isprintable()
                                        and not secret.isalpha()):
            yield "credentials.userinfo", secret
