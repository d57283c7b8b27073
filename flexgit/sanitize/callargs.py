"""Secrets passed to calls nobody listed: by the argument's place and shape.

:mod:`.php` and :mod:`.js` know the credential position of the calls of
common libraries. Code calls its own and everybody else's the same way,
``new Manager('127.0.0.1', 5038, 'admin', 'X')``, ``login('admin', 'X')``,
``pbx_connect('localhost', 'ops', 'X')``, so this layer reads the shape the
table cannot list (rule ``code.argument``, in any text file: code is pasted
into docs too):

* **a user/password pair**: two adjacent literal arguments, a user name
  (``admin``, ``ops@corp.example``: a word, no host, no path) and then the
  secret. It is one when the callee's name says it takes credentials
  (login, auth, connect, bind, client, manager, session, account...), the
  value is the last literal of the run (``('pbx', 'crm', 'X')``: crm is the
  user) and no route or sentence; under any other name, or earlier in the
  run, only when the value is password-shaped (:func:`.shape.password_shaped`).
* **a made-up secret given to an encoder or a digest**:
  ``encodeURIComponent('X')``, ``btoa('api:X')``, ``urlencode('X')``,
  ``md5('X')``, ``sha1``, ``hash('sha256', 'X')``, when the literal (or the
  part after ``user:``) is password-shaped; ``md5('flexpbx-cdr-cache')``
  stays.

Literals with interpolation (``"$x"``, ``${x}``) are code and stay.
"""

from __future__ import annotations

import re

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.bindings import plausible
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import normalize, words
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.shape import password_shaped
from flexgit.sanitize.text import lit

RULE = "code.argument"

# The lookahead lets pairs overlap: ('localhost', 'ops', 'X') holds two.
_PAIR = prefilter.compile(rf"{lit('u')}[ \t]*,[ \t]*{lit('v')}(?=[ \t]*[,)])")
_ENCODE = prefilter.compile(
    r"(?<![\w$.>:])(?:window\.)?(?P<fn>encodeURIComponent|encodeURI|escape|btoa|urlencode"
    r"|rawurlencode|base64_encode|md5|sha1|crc32|hash)[ \t]*\([ \t]*"
    rf"(?:(?P<alg>['\"][\w-]+['\"])[ \t]*,[ \t]*)?{lit('v')}[ \t]*\)"
)
# A user name: a word or an address, never a host, a path or a number.
_USER = re.compile(r"[A-Za-z_][\w+-]{0,31}(?:@[\w-]+(?:\.[\w-]+)+)?")
_NOT_USERS = words("localhost true false null none")
_CALLEE = re.compile(r"(?:new[ \t]+)?\\?(?P<name>[A-Za-z_$][\w$\\]*(?:(?:\.|->|::)[A-Za-z_$]\w*)*)"
                     r"[ \t]*\Z")
_CONTROL = words("if elseif while for foreach switch return echo print and or not catch")
# Calls that bind a name to a value: the first literal is a name, not a user
# (the keyed rules judge the value by that name).
_SETTERS = words("define constant env getenv putenv config ini_set ini_get set_option "
                 "update_option add_option get_option setenv")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
# Words of a callee's name that say it takes credentials.
_CREDENTIAL_WORDS = words(
    "login logon signin log sign auth authenticate authorize connect bind client manager "
    "session account credential credentials ami smtp ftp sftp ssh imap pop3 ldap mysql "
    "pgsql db database pdo redis mqtt xmpp sip agent")
_ROUTE = re.compile(r"[\w.-]*(?:/[\w.:-]*)+|[\w.-]+\.\w{2,4}")
_INTERPOLATION = re.compile(r"\$[\w{]|\{\$")
_NEXT_LITERAL = re.compile(r"[ \t]*,[ \t]*['\"]")


def _callee(text: str, pos: int) -> str | None:
    """The name of the call whose argument list holds pos, if pos is at its top
    level: the innermost unmatched "(" before pos, within a line or two."""
    depth = 0
    i = pos - 1
    stop = max(0, pos - 400)
    while i >= stop:
        char = text[i]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                if char != "(":
                    return None  # inside an array or object, not a call's arguments
                m = _CALLEE.search(text, max(0, i - 120), i)
                return m.group("name") if m else None
            depth -= 1
        elif char == ";":
            return None
        i -= 1
    return None


def _credential_callee(name: str) -> bool:
    last = re.split(r"\.|->|::|\\", name)[-1]
    return not set(normalize(last).split("_")).isdisjoint(_CREDENTIAL_WORDS)


def _user(value: str) -> bool:
    """A user name: no constant or setting name (DB_PASSWORD), no placeholder."""
    return (_USER.fullmatch(value) is not None and value.lower() not in _NOT_USERS
            and _CONSTANT.fullmatch(value) is None and not patterns.keep_value(value))


def _secret_value(value: str, strong_name: bool) -> bool:
    if _INTERPOLATION.search(value) or patterns.keep_value(value) or not plausible(value):
        return False
    if password_shaped(value):
        return True
    return strong_name and " " not in value.strip() and not _ROUTE.fullmatch(value)


class CallArguments:
    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.text = editor.text

    def run(self) -> None:
        if prefilter.can_match(_PAIR, self.text):
            pos = 0
            while m := _PAIR.search(self.text, pos):
                self.pair(m)
                pos = m.start("v") - 1
        for m in prefilter.finditer(_ENCODE, self.text):
            self.encoded(m)

    def pair(self, m: re.Match[str]) -> None:
        text = self.text
        before = text[max(0, m.start() - 40) : m.start()].rstrip(" \t")
        if not before.endswith(("(", ",")) or not _user(m.group("u")):
            return
        if not self.editor.is_free(m.start("u"), m.end("u")):
            return  # the first is a secret already (PDO's password, then the database)
        name = _callee(text, m.start())
        if name is None or name.lower() in _CONTROL or name.lower() in _SETTERS:
            return
        # (host, user, password): a literal after this one makes it the user
        last = _NEXT_LITERAL.match(text, m.end()) is None
        if _secret_value(m.group("v"), last and _credential_callee(name)):
            self.claim(m.start("v"), m.end("v"))

    def encoded(self, m: re.Match[str]) -> None:
        value, start = m.group("v"), m.start("v")
        user, colon, rest = value.partition(":")
        if colon and _user(user) and rest:  # btoa('api:X'): the password half
            value, start = rest, start + len(user) + 1
        if not _INTERPOLATION.search(value) and password_shaped(value):
            self.claim(start, start + len(value))

    def claim(self, start: int, end: int) -> None:
        self.editor.claim(start, end, ph.SECRET_PLACEHOLDER, RULE)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the secrets passed to calls in editor.text (see the module docstring)."""
    CallArguments(editor).run()
