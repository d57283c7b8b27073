"""Dialplan: PINs and passwords that are arguments of dialplan applications.

Run by :mod:`.asterisk` over every Asterisk file (``extensions*.conf``,
``#include``d files and ``.inc`` files alike, comments too: a commented-out
line still holds the PIN it was written with). Rule ``asterisk.app_pin``:

* ``Authenticate(1234[,opts])``: the password; a path (``/etc/asterisk/pins``,
  one PIN per line, or an astdb family with option ``d``) is kept;
* ``DISA(1234,context)``: the passcode; a path and ``no-password`` are kept;
* ``MeetMe(room,opts,PIN)``: the third argument;
* ``ConfBridge(room,bridge,user,menu)``: the fourth argument when it is
  digits (a PIN written where the menu goes; a menu is a named section);
* ``Set(CURLOPT(userpwd)=user:X)``, ``proxyuserpwd``: the password;
* ``Set()``/``MSet()`` of a secret: a variable named for one (``Set(PIN=1234)``,
  ``Set(__AMI_SECRET=x)``, ``Set(GLOBAL(TRUNK_PASS)=x)``), a ConfBridge PIN
  (``Set(CONFBRIDGE(user,pin)=1234)``, ``admin_pin``), an astdb key under a
  secret-named family or key (``Set(DB(vmpin/2001)=1234)``,
  ``Set(DB(AMPUSER/2001/password)=x)``);
* expressions comparing a secret variable with a literal:
  ``GotoIf($["${PIN}" = "1234"]?ok)``.

``database put FAMILY KEY X`` (the CLI, from any file: :func:`apply`) when the
family or the key names a secret (``SECRETS``, ``AMPUSER/2001 password``).

Kept: ``VMAuthenticate`` and ``VoiceMailMain`` (``mailbox@context`` names a
box, and their options hold no password), variables (``Authenticate(${PIN})``),
extensions, contexts, priorities and patterns. Dial strings with credentials
(``IAX2/user:secret@host``) are the patterns' ``asterisk.dialstring``.
"""

from __future__ import annotations

import re

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import Kind, classify, normalize
from flexgit.sanitize.rules import Rules

RULE = "asterisk.app_pin"
# application (lower case) -> index of its secret argument
_APPS = {"authenticate": 0, "disa": 0, "meetme": 2, "confbridge": 3}
_APP = re.compile(r"(?<![\w$])(?P<app>authenticate|disa|meetme|confbridge|m?set)[ \t]*\(", re.I)
_NEEDLES = ("authenticate", "disa", "meetme", "confbridge", "set", "$[")
# CURLOPT() options whose value is user:password.
_CURL_CREDENTIALS = frozenset({"userpwd", "proxyuserpwd"})
_FUNCTION = re.compile(r"(?P<fn>[A-Za-z_]+)\((?P<args>[^()]*)\)\Z")
_COMPARED = re.compile(
    r"\$\{(?P<key>\w+)\}\"?[ \t]*!?=[ \t]*\"?(?P<v>[^\"\s\]?:&|()]+)"
    r"|\"?(?P<v2>[^\"\s\[$?:&|()=]+)\"?[ \t]*!?=[ \t]*\"?\$\{(?P<key2>\w+)\}"
)
_SECRET_KINDS = (Kind.SECRET, Kind.TOKEN, Kind.HASH)


def _secret_name(name: str, extra: tuple[str, ...]) -> bool:
    # Dialplan names join words: VMPIN, userpin (classify knows joined passwords).
    norm = normalize(name.lstrip("_"))
    return classify(norm, extra) in _SECRET_KINDS or norm.endswith("pin")


def _args(text: str, pos: int, end: int) -> list[tuple[int, int]]:
    """Spans of the top-level arguments (``,`` or Asterisk 1.4's ``|``) of a
    call whose "(" ends before pos; ``${...}`` and ``$[...]`` nest."""
    spans: list[tuple[int, int]] = []
    depth, start, quote = 0, pos, False
    for i in range(pos, end):
        char = text[i]
        if char == '"':
            quote = not quote
        elif quote:
            continue
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                spans.append((start, i))
                return spans
            depth -= 1
        elif char in ",|" and depth == 0:
            spans.append((start, i))
            start = i + 1
    return []  # unterminated (a line cut short): nothing to judge


class Dialplan:
    def __init__(self, editor: Editor, extra: tuple[str, ...]) -> None:
        self.editor = editor
        self.text = editor.text
        self.extra = extra

    def run(self) -> None:
        low = self.text.lower() if self.text.isascii() else None
        if low is not None and not any(n in low for n in _NEEDLES):
            return
        for m in _APP.finditer(self.text):
            line_end = self.text.find("\n", m.end())
            args = _args(self.text, m.end(), len(self.text) if line_end < 0 else line_end)
            app = m.group("app").lower()
            if app in _APPS:
                if len(args) > _APPS[app]:
                    self.secret(*args[_APPS[app]], app=app)
            elif args and app == "mset":
                for start, end in args:
                    self.assignment(start, end)
            elif args:  # Set's value runs to its ")": Set(X=a,b) sets "a,b"
                self.assignment(args[0][0], args[-1][1])
        if "$[" in self.text:
            for m in _COMPARED.finditer(self.text):
                group = "v" if m.group("v") is not None else "v2"
                if _secret_name(m.group("key") or m.group("key2"), self.extra):
                    self.secret(m.start(group), m.end(group))

    def assignment(self, start: int, end: int) -> None:
        """``NAME=value`` of Set(): the value when NAME says it is a secret."""
        eq = self.text.find("=", start, end)
        if eq < 0:
            return
        name = self.text[start:eq].strip()
        f = _FUNCTION.match(name)
        if f is None:
            secret = _secret_name(name, self.extra)
        else:
            fn, args = f.group("fn").upper(), f.group("args")
            parts = re.split(r"[,|/]", args)
            if fn == "CURLOPT":
                if parts[0].strip().lower() in _CURL_CREDENTIALS:
                    # user:password: the part after the first colon
                    colon = self.text.find(":", eq + 1, end)
                    self.secret(eq + 1 if colon < 0 else colon + 1, end)
                return
            if fn == "CONFBRIDGE":
                secret = len(parts) > 1 and _secret_name(parts[1], self.extra)
            elif fn == "DB":
                secret = any(_secret_name(p, self.extra) for p in parts if p)
            else:  # GLOBAL(NAME), SHARED(NAME[,chan])
                secret = fn in ("GLOBAL", "SHARED") and _secret_name(parts[0], self.extra)
        if secret:
            self.secret(eq + 1, end)

    def secret(self, start: int, end: int, *, app: str = "") -> None:
        value = self.text[start:end]
        lead = len(value) - len(value.lstrip(' \t"'))
        start, value = start + lead, value.strip(' \t"')
        if not value or (app == "confbridge" and not value.isdigit()):
            return  # ConfBridge's fourth argument is a menu, unless it is a PIN
        if (
            "${" in value or "$[" in value
            or patterns.keep_value(value)
            or (app in ("authenticate", "disa") and value.startswith("/"))
            or (app == "disa" and value.lower() == "no-password")
        ):  # fmt: skip
            self.editor.claim(start, start + len(value), value, RULE)
            return
        self.editor.claim(start, start + len(value), ph.SECRET_PLACEHOLDER, RULE)


# MYSQL(Connect connid host user PASSWORD db): app_mysql's fifth word; and
# chan_sip's auth=user:secret@realm (pjsip's auth= names a section: no colon).
_MYSQL_CONNECT = re.compile(r"(?i)\bMYSQL\(\s*Connect\s+\S+\s+\S+\s+\S+\s+(?P<v>[^\s)]+)")
_SIP_AUTH = re.compile(r"(?im)^[ \t]*auth[ \t]*=>?[ \t]*[^:@\s;#]+[:#](?P<v>[^@\s;]+)@")


# AstDB from the CLI (asterisk -rx "database put FAMILY KEY VALUE"), in
# shell, System(), PHP exec() and docs alike: the value, when the family or
# the key names a secret. The family may be a path (AMPUSER/2001).
_DATABASE_PUT = prefilter.compile(
    r"database[ \t]+put[ \t]+(?P<fq>\\?\")?(?P<family>[\w./-]+)(?:\\?\")?[ \t]+"
    r"(?:\\?\")?(?P<key>[\w./-]+)(?:\\?\")?[ \t]+(?P<v>\\?\"[^\"\n]*\"|[^\s\"'`;)]+)")


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the values of ``database put`` of secrets in any text file."""
    text = editor.text
    for m in prefilter.finditer(_DATABASE_PUT, text):
        names = [*m.group("family").split("/"), *m.group("key").split("/")]
        if any(_secret_name(n, rules.secret_keys) for n in names if n):
            start, end = m.span("v")
            if text[start] in '\\"':  # "value" or \"value\" inside a string
                start = text.index('"', start) + 1
                end = end - 1 - (text[end - 2] == "\\")
            value = text[start:end]
            if value and "${" not in value and "$" not in value[:1] \
                    and not patterns.keep_value(value):
                editor.claim(start, end, ph.SECRET_PLACEHOLDER, RULE)


def sanitize_dialplan(editor: Editor, extra: tuple[str, ...]) -> None:
    """Claim the secret arguments of dialplan applications in editor.text."""
    Dialplan(editor, extra).run()
    text = editor.text
    for regex, needle in ((_MYSQL_CONNECT, "MYSQL"), (_SIP_AUTH, "auth")):
        if needle in text or needle.lower() in text:
            for m in regex.finditer(text):
                if not m.group("v").startswith("${"):
                    editor.claim(m.start("v"), m.end("v"), ph.SECRET_PLACEHOLDER,
                                 "asterisk.app_pin")
