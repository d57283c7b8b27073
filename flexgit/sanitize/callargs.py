"""Secrets passed to calls nobody listed: by the argument's place and shape.

:mod:`.php` and :mod:`.js` know the credential position of the calls of
common libraries. Code calls its own and everybody else's the same way,
``new Manager('127.0.0.1', 5038, 'admin', 'X')``, ``login('admin', 'X')``,
``pbx_connect('localhost', 'ops', 'X')``, so this layer reads the shape the
table cannot list (rule ``code.argument``, in any text file: code is pasted
into docs too):

* **a user/password pair**: two adjacent literal arguments, a user name
  (``admin``, ``ops@corp.example``: a word, no host, no path) and then the
  secret, when the value is the last literal of the run (``('pbx', 'crm',
  'X')``: crm is the user) and no route or sentence, and the callee's name
  says it takes credentials: a login (login, signin, auth, bind, credential:
  any such value, ``login('admin', 'secret')``) or a service (connect,
  client, manager, session, account, smtp, ldap, mysql...: a value that is
  no plain word, so ``$bus->connect('event', 'handler')`` stays). Under any
  other name, or earlier in the run, only a password-shaped value
  (:func:`.shape.password_shaped`).
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
from flexgit.sanitize.keys import words
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.shape import password_shaped
from flexgit.sanitize.text import LIT_ONLY, lit, split_args

RULE = "code.argument"

# Two scans, each cheap where nothing is: (1) calls named for credentials,
# whose arguments are read pair by pair; (2) under any name, the comma
# between two literals whose second could be password-shaped (both cases,
# 8-64 characters without spaces), the literals read from there. A regex
# for the whole pair would read every string of a file from each quote.
_CALL_NAME = re.compile(r"(?P<name>[A-Za-z_$][\w$]*)[ \t]*\(")
_SHAPED_SEPARATOR = prefilter.compile(
    r"['\"][ \t]*,[ \t]*(?=['\"][^'\"\s\\]*[A-Z])(?=['\"][^'\"\s\\]*[a-z])"
    r"(?=['\"][^'\"\s\\]{8,64}['\"])['\"]")
_VALUE = re.compile(rf"{lit('v')}(?=[ \t]*[,)])")
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
# What a callee's name holds when it takes credentials (in any case, joined
# or not: PbxClient, pbx_connect, signIn, AMIManager): a login, or a service
# whose arguments are also names and words.
_LOGIN_STEMS = ("login", "logon", "signin", "auth", "bind", "credential")
_SERVICE_STEMS = ("connect", "client", "manager", "session", "account", "smtp", "ftp", "ssh",
                  "imap", "ldap", "mysql", "pgsql", "database", "pdo", "redis", "mqtt", "xmpp")
_CREDENTIAL_STEMS = _LOGIN_STEMS + _SERVICE_STEMS
_PLAIN_WORD = re.compile(r"[A-Za-z_]+")
# The prefilter's word list: only lines holding a stem can hold such a call.
_STEM_WORDS = prefilter.words("credential-callees", _CREDENTIAL_STEMS)
_ROUTE = re.compile(r"[\w.-]*(?:/[\w.:-]*)+|[\w.-]+\.\w{2,4}")
_INTERPOLATION = re.compile(r"\$[\w{]|\{\$")


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


def _credential_callee(name: str) -> int:
    """2 when a callee's (last) name holds a login stem, 1 a service stem, else 0."""
    last = name.replace("_", "").lower()
    if any(stem in last for stem in _LOGIN_STEMS):
        return 2
    return 1 if any(stem in last for stem in _SERVICE_STEMS) else 0


def _user(value: str) -> bool:
    """A user name: no constant or setting name (DB_PASSWORD), no placeholder."""
    return (_USER.fullmatch(value) is not None and value.lower() not in _NOT_USERS
            and _CONSTANT.fullmatch(value) is None and not patterns.keep_value(value))


def _secret_value(value: str, callee: int) -> bool:
    """Whether a value in a password's place is one, for a callee of that
    strength (:func:`_credential_callee`; 0: the shape alone decides)."""
    if _INTERPOLATION.search(value) or patterns.keep_value(value) or not plausible(value):
        return False
    if password_shaped(value):
        return True
    if callee == 0 or " " in value.strip() or _ROUTE.fullmatch(value):
        return False
    return callee == 2 or _PLAIN_WORD.fullmatch(value) is None


class CallArguments:
    def __init__(self, editor: Editor) -> None:
        self.editor = editor
        self.text = editor.text

    def run(self) -> None:
        text = self.text
        for start, stop in prefilter.lines(_STEM_WORDS, text):
            for m in _CALL_NAME.finditer(text, start, stop):
                if strength := _credential_callee(m.group("name")):
                    self.arguments(split_args(text, m.end()), strength)
        for m in prefilter.finditer(_SHAPED_SEPARATOR, text):
            self.pair(m.start(), m.end() - 1)
        for m in prefilter.finditer(_ENCODE, text):
            self.encoded(m)

    def arguments(self, args: list[tuple[int, int]], strength: int) -> None:
        """Adjacent literal arguments of a call named for credentials."""
        lits = [LIT_ONLY.fullmatch(self.text, *span) for span in args]
        for i in range(len(lits) - 1):
            user, value = lits[i], lits[i + 1]
            if user is None or value is None or not self.first(user.start("v"), user.end("v")):
                continue
            last = i + 2 >= len(lits) or lits[i + 2] is None
            if _secret_value(value.group("v"), strength if last else 0):
                self.claim(value.start("v"), value.end("v"))

    def pair(self, close: int, opening: int) -> None:
        """Two literals, the first closing at close and the second opening at
        opening, under any callee: a user and a password-shaped secret."""
        text = self.text
        start = text.rfind(text[close], max(0, close - 65), close) + 1
        if start <= 0 or not self.first(start, close):
            return
        before = text[max(0, start - 41) : start - 1].rstrip(" \t")
        m = _VALUE.match(text, opening)
        if not before.endswith(("(", ",")) or m is None:
            return
        name = _callee(text, start)
        if name is None or name.lower() in _CONTROL or name.lower() in _SETTERS:
            return
        if _secret_value(m.group("v"), 0):
            self.claim(m.start("v"), m.end("v"))

    def first(self, start: int, end: int) -> bool:
        """Whether text[start:end], a literal's content, is a user name that
        no rule took as a secret already (PDO's password, then the database)."""
        return _user(self.text[start:end]) and self.editor.is_free(start, end)

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
