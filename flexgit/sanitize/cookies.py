"""Cookies that carry a session or a token, wherever code or docs write them.

``document.cookie = "session=...; path=/"``, ``header('Set-Cookie:
auth_token=...; HttpOnly')``, ``curl -H 'Cookie: PHPSESSID=...'``: a cookie is
``name=value`` pairs separated by ``;``, and a cookie named for a session or
a secret (:func:`.bindings.secret_kind`: ``session``, ``PHPSESSID``,
``auth_token``, ``remember_token``...) holds a credential. Only that value is
replaced; the attributes (``path``, ``HttpOnly``), other cookies (``theme=dark``)
and code (``"session=" + sid``, ``${sid}``) stay. Rule ``http.cookie``.
"""

from __future__ import annotations

import re

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.bindings import secret_kind
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.text import LIT

RULE = "http.cookie"
_ASSIGNED = prefilter.compile(rf"cookie[ \t]*=(?!=)[ \t]*{LIT}")
_HEADER = prefilter.compile(r"(?i)(?<![\w-])(?:set-)?cookie:[ \t]*(?P<v>[^\r\n'\"`]+)")
_PAIR = re.compile(r"[ \t]*(?P<name>[\w.\-]+)[ \t]*=[ \t]*(?P<value>[^;,\s]*)")
_CODE = re.compile(r"[$`{}<>%]|\+")
# Names of session cookies that name no secret word (PHP's, ASP.NET's, Java's).
_SESSION_NAMES = frozenset({"sid", "sessid", "jsessionid", "aspsessionid", "connect.sid",
                            "laravel_session", "ci_session", "wordpress_logged_in"})


def _secret_cookie(name: str) -> bool:
    low = name.lower()
    return low in _SESSION_NAMES or low.startswith("wordpress_logged_in") \
        or secret_kind(name, broad=True) is not None


def _pairs(editor: Editor, start: int, cookie: str) -> None:
    pos = 0
    for part in cookie.split(";"):
        m = _PAIR.match(part)
        if m is not None and _secret_cookie(m.group("name")):
            value = m.group("value")
            if value and not _CODE.search(value) and not patterns.keep_value(value):
                at = start + pos + m.start("value")
                editor.claim(at, at + len(value), ph.SECRET_PLACEHOLDER, RULE)
        pos += len(part) + 1


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the values of session and token cookies in editor.text."""
    text = editor.text
    for m in prefilter.finditer(_ASSIGNED, text):
        _pairs(editor, m.start("v"), m.group("v"))
    for m in prefilter.finditer(_HEADER, text):
        _pairs(editor, m.start("v"), m.group("v"))
