"""Secrets that URLs carry: userinfo with any punctuation in the password
(`redis://:pw#4@host`, `https://radio:pw!7@stream/...`; detect-secrets'
BasicAuth stops at `!`, `#` and friends), tokens in query parameters whose
name says key, token, signature or password (`?key=`, `&access_token=`,
`?sig=`), and a ping or webhook URL whose path is the secret (a UUID or a
random segment: `https://hc-ping.com/<uuid>`, `/hooks/<token>`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit import entropy
from flexgit.audit.keywords import shaped
from flexgit.audit.placeholders import is_placeholder

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_QUERY_KEY = r"[A-Za-z_]*(?:key|token|sig|signature|secret|auth|pass|pwd|password)[A-Za-z_]*"
# Words for the scanner's automaton (lower case): the scheme's mark, the ends
# of the query keys, the words of ping and hook hosts.
WORDS = ("://", "key=", "token=", "sig=", "signature=", "secret=", "auth=", "pass=", "pwd=",
         "password=", "hook", "ping", "notify", "trigger", "callback")
_USERINFO = re.compile(r"""[A-Za-z][\w+.\-]*://([^\s/@:'"`<>]*):([^\s@'"`<>]+)@[\w\-\[]""")
_QUERY = re.compile(rf"""(?i)[?&]({_QUERY_KEY})=([^&\s#"'`<>]+)""")
_HOOK = re.compile(rf"""(?i)https?://[^\s/"'<>]*(?:hook|ping|notify|trigger|callback)"""
                   rf"""[^\s"'<>]*?/({_UUID})(?![\w\-])""")
_NOT_SECRET_PARAMS = frozenset({"keyword", "keywords", "key_type", "keytype", "token_type",
                                "auth_type", "authtype", "passive"})


def _secret(value: str, *, pin: bool = False, loose: bool = True) -> bool:
    if is_placeholder(value) or value[0] in "$[<{%" or len(set(value)) == 1:
        return False  # placeholders, variables, documentation's `<password>`
    return shaped(value, pin=pin) or entropy.classify(value) is not None \
        or (loose and len(value) >= 8 and not value.isalpha() and value.isprintable())


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _USERINFO.finditer(line):
        if _secret(m.group(2), pin=True):
            yield "url.userinfo", m.group(2)
    for m in _QUERY.finditer(line):
        if m.group(1).lower() not in _NOT_SECRET_PARAMS and _secret(m.group(2), loose=False):
            yield "url.query", m.group(2)
    for m in _HOOK.finditer(line):
        if not is_placeholder(m.group(1)):
            yield "url.hook", m.group(1)
