"""Asterisk ``.conf`` files, parsed line by line with Asterisk's own syntax.

``key = value`` and ``key => value``; ``;`` starts a comment unless escaped as
``\\;``; ``;-- ... --;`` is a block comment; ``[section]`` headers may carry
``(!)``, ``(template)`` or ``(+)``. Comments are parsed again as if they were
code, so a commented-out ``;secret=abc`` or ``;4200 => 1234,Name,a@b.c`` is
redacted like a live one. Only value tokens are replaced, never whitespace,
keys or the comment text around them. ``key: value`` lines (written by tools)
are read by their key. PINs given to dialplan applications: :mod:`.dialplan`.
The comment after a secret's value is read for what people leave there
(``secret = X ; old one was Y``, ``; set 123456 for reset``): its password-
and key-shaped words and PINs go too. A key whose made-up name holds a key
word (``sessionkey``, ``CRMAPITOKEN``) is a secret when its value has a random
key's shape (:mod:`.shape`); ``tlsprivatekey=/path`` and ``inkeys=name`` stay.

Decisions: ``fromstring``/``pagerfromstring`` and minivm's ``fromaddress``
(the sender label of voicemail mail) are replaced only when they are shaped
like a person's name (``The Asterisk PBX`` stays), and ``mailbox=`` is kept:
it names a system. A bare
``callerid`` without ``<number>`` is a name unless it is a number or a keyword
such as ``asreceived``. Secrets become ``FLEXGIT-REDACTED`` even where Asterisk
expects digits (voicemail and conference PINs): restore generates the new value.
"""

from __future__ import annotations

import posixpath
import re

from flexgit.sanitize import keys, patterns
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.dialplan import sanitize_dialplan
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import Kind, classify, is_admin_context, looks_like_label, normalize
from flexgit.sanitize.person_names import person
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.shape import key_shaped, password_shaped

# The sender's display name of voicemail mail (voicemail.conf, minivm.conf).
_SENDER_LABELS = frozenset({"fromstring", "pagerfromstring", "fromaddress"})

_BLOCK = re.compile(r";--(?!-)|--;")
_SECTION = re.compile(r"[ \t]*\[[^\]\n]*\]")
# "key: value" too: tools write it, and the secrets in it are as real.
_ASSIGN = re.compile(r"[ \t]*(?P<key>[\w.+\-/]+)[ \t]*(?P<op>=>?|:(?=[ \t]))[ \t]*")
_REGISTER_PREFIX = re.compile(r"(?:[^?:@/\s]+\?)?(?:[A-Za-z]+://)?")
_CALLERID = re.compile(r'[ \t]*(?:"((?:[^"\\]|\\.)*)"|([^"<]*?))[ \t]*(<[^>]*>)?[ \t]*')
_NUMBERISH = re.compile(r"[\d+*#()\s.\-]+")
_CALLERID_WORDS = frozenset(
    {"asreceived", "unknown", "anonymous", "restricted", "private", "unavailable", "none"}
)
_FLAGS = frozenset({"yes", "no", "true", "false", "on", "off"})
_NOT_MAILBOXES = frozenset({"general", "zonemessages"})
_PHONE = re.compile(r"\+?[\d\s().\-/]{7,}")
# Words of a made-up key name that say its value is a key (sessionkey,
# CRMAPITOKEN, authcookie): with a value of a random key's shape, a secret.
_KEY_WORDS = re.compile(r"key|token|secret|session|cookie|auth|nonce|salt|hmac|signature|cred")
_COMMENT_WORD = re.compile(r"[^\s\"'`;,()<>\[\]{}]+")
_PIN = re.compile(r"\d{4,12}")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _comment_secret(token: str) -> bool:
    if _PIN.fullmatch(token):
        return _YEAR.fullmatch(token) is None
    return password_shaped(token) or key_shaped(token)


def _find_semicolon(line: str, pos: int) -> int:
    """Index of the next ``;`` that is not escaped as ``\\;``, or -1."""
    while True:
        i = line.find(";", pos)
        if i <= 0 or line[i - 1] != "\\":
            return i
        pos = i + 1


def _fields(value: str, start: int, sep: str, limit: int = -1) -> list[tuple[int, str]]:
    """(absolute offset, text) of each separated field of a value."""
    out: list[tuple[int, str]] = []
    pos = start
    for part in value.split(sep, limit):
        out.append((pos, part))
        pos += len(part) + len(sep)
    return out


class AsteriskSanitizer:
    def __init__(self, editor: Editor, rules: Rules, path: str) -> None:
        self.editor = editor
        self.text = editor.text
        self.extra = rules.secret_keys
        base = posixpath.basename(path).lower()
        self.voicemail = "voicemail" in base
        self.queues = "queues" in base
        self.meetme = "meetme" in base
        self.section = ""
        self.depth = 0  # nesting of ;-- block comments --;
        self.secret_line = False  # this line's value was a secret

    def run(self) -> None:
        pos = 0
        for line in self.text.split("\n"):
            self.line(pos, line)
            pos += len(line) + 1
        sanitize_dialplan(self.editor, self.extra)  # PINs given to applications

    def line(self, base: int, line: str) -> None:
        pos = 0
        while pos < len(line):
            if self.depth > 0:
                m = _BLOCK.search(line, pos)
                end = m.start() if m else len(line)
                self.comment(base + pos, line[pos:end])
                if not m:
                    return
                self.depth += 1 if m.group() == ";--" else -1
                pos = m.end()
                continue
            i = _find_semicolon(line, pos)
            end = len(line) if i < 0 else i
            self.secret_line = False
            self.statement(base + pos, line[pos:end], commented=False)
            live_secret = self.secret_line  # a commented-out line's own value is no reason
            if i < 0:
                return
            if line.startswith(";--", i) and not line.startswith(";---", i):
                self.depth += 1
                pos = i + 3
                continue
            self.comment(base + i, line[i:])
            if live_secret:
                self.trailing(base + i, line[i:])
            return

    def trailing(self, base: int, comment: str) -> None:
        """The comment after a secret (``secret = X ; old one was Y``, ``; set
        123456 for reset``): a word of it that is password- or key-shaped, or a
        PIN (4-12 digits, not a year), is a secret too."""
        for m in _COMMENT_WORD.finditer(comment):
            word = m.group()
            cut = max(word.rfind("="), word.rfind(":")) + 1  # old=Y, was:Y
            for at, token in ((cut, word[cut:]), (0, word), (0, word.rstrip(".,:;!?)"))):
                if token and _comment_secret(token):
                    self.claim(base + m.start() + at, token, ph.SECRET_PLACEHOLDER,
                               "asterisk.secret")
                    break

    def comment(self, base: int, text: str) -> None:
        """Parse commented-out configuration: each ``;``-separated piece as a statement."""
        while text:
            lead = len(text) - len(text.lstrip("; \t"))
            rest = text[lead:]
            i = _find_semicolon(rest, 0)
            self.statement(base + lead, rest if i < 0 else rest[:i], commented=True)
            if i < 0:
                return
            base += lead + i
            text = rest[i:]

    def statement(self, base: int, code: str, *, commented: bool) -> None:
        if not commented and _SECTION.match(code):
            self.section = code.strip()[1:].split("]", 1)[0].strip().lower()
            return
        m = _ASSIGN.match(code)
        if not m:
            return
        value = code[m.end() :].rstrip(" \t\r")
        self.assignment(m.group("key"), m.group("op"), base + m.end(), value, commented)

    def is_mailbox(self, key: str, op: str) -> bool:
        # Mailboxes are written "1234 => ..."; "name=value" lines in a mailbox
        # context are per-context settings such as directoryintro=.
        return self.section not in _NOT_MAILBOXES and (op == "=>" or key.isdigit())

    def assignment(self, key: str, op: str, start: int, value: str, commented: bool) -> None:
        if not value:
            return
        if op == ":":  # a colon form: only what its key names; in a comment
            if not (commented and " " in value):  # one word, not prose
                self.keyed(normalize(key), start, value, commented)
            return
        low = key.lower()
        last = low.rsplit("/", 1)[-1]  # pjsip_wizard: inbound_auth/password
        if low == "register":
            self.register(start, value)
        elif self.voicemail and self.is_mailbox(key, op):
            self.mailbox(start, value)
        elif self.meetme and low == "conf":
            for pos, pin in self.fields(value, start, ",")[1:3]:
                self.secret(pos, pin, "asterisk.secret")
        elif self.queues and low == "member":
            # member => interface,penalty,membername: "Mobile", "Front Desk"
            # label a line, a person's name is a person's.
            for pos, name in self.fields(value, start, ",")[2:3]:
                if person(name.strip(" \t"), strict=False) is not None:
                    self.name(pos, name, "asterisk.name")
        elif last == "callerid":
            self.callerid(start, value)
        elif not (self.voicemail and low.startswith("vm-")):  # vm-password=<sound file>
            self.keyed(normalize(key), start, value, commented)

    def keyed(self, norm: str, start: int, value: str, commented: bool) -> None:
        kind = classify(norm, self.extra)
        if kind is None and _KEY_WORDS.search(norm) and key_shaped(value.strip(' \t"')):
            kind = Kind.TOKEN  # sessionkey=<40 hex>: a made-up name, a key's value
        if kind in (Kind.SECRET, Kind.TOKEN) and not keys.value_fits(norm, value):
            return  # SMTP_AUTH=login: a method, not a credential
        if kind in (Kind.SECRET, Kind.TOKEN, Kind.HASH):
            if commented and looks_like_label(norm, value):
                return  # prose such as "; password = the one from your provider"
            self.secret(start, value, "asterisk.secret")
        elif kind in (Kind.NAME, Kind.FIRST_NAME, Kind.LAST_NAME):
            self.name(start, value, "asterisk.name")
        elif norm in _SENDER_LABELS:
            if person(value.strip(" \t"), strict=True) is not None:
                self.name(start, value, "asterisk.name")
        elif kind is Kind.EMAIL or norm in ("pager", "serveremail"):
            self.email(start, value, "asterisk.email", admin=is_admin_context(norm))
        elif kind is Kind.PHONE and _PHONE.fullmatch(value):
            self.claim(start, value, ph.PHONE_PLACEHOLDER, "asterisk.phone")

    # -- value rules -----------------------------------------------------------

    def fields(self, value: str, start: int, sep: str, limit: int = -1) -> list[tuple[int, str]]:
        """Split a value into fields and protect the separators: a looser rule
        (``API_TOKEN=,`` in a name field) must not swallow a comma and merge two."""
        fields = _fields(value, start, sep, limit)
        for pos, part in fields[:-1]:
            self.editor.protect(pos + len(part), pos + len(part) + len(sep))
        return fields

    def claim(self, start: int, value: str, replacement: str, rule: str) -> None:
        self.editor.claim(start, start + len(value), replacement, rule)

    def secret(self, start: int, value: str, rule: str) -> None:
        self.secret_line = True
        lead = len(value) - len(value.lstrip(" \t"))
        start, value = start + lead, value.strip(" \t")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            start, value = start + 1, value[1:-1]
        if not value or value.startswith(("${", "[")) or patterns.keep_value(value):
            self.claim(start, value, value, rule)
            return
        self.claim(start, value, patterns.hash_placeholder(value) or ph.SECRET_PLACEHOLDER, rule)

    def name(self, start: int, value: str, rule: str) -> None:
        lead = len(value) - len(value.lstrip(" \t"))
        value = value.strip(" \t")
        if value.lower() in _FLAGS or value.isdigit():
            return  # resource_display_name=no is an option, not a name
        if value and not ph.is_placeholder(value):
            self.claim(start + lead, value, ph.NAME_PLACEHOLDER, rule)

    def email(self, start: int, value: str, rule: str, *, admin: bool = False) -> None:
        lead = len(value) - len(value.lstrip(" \t"))
        value = value.strip(" \t")
        replacement = patterns.email_value_replacement(value, admin=admin)
        if replacement is not None:
            self.claim(start + lead, value, replacement, rule)

    def register(self, start: int, value: str) -> None:
        """``register => [peer?][transport://]user[@domain][:secret[:authuser]]@host...``"""
        prefix = _REGISTER_PREFIX.match(value)
        begin = prefix.end() if prefix else 0
        at = value.rfind("@")
        if at <= begin:
            return
        parts = value[begin:at].split(":")
        # "user@domain:port:secret:authuser@host": with a port in the user part
        # both later fields must be written, so the secret is the next to last.
        index = len(parts) - 2 if "@" in parts[0] and len(parts) >= 4 else 1
        secret_at = begin + sum(len(p) + 1 for p in parts[:index])
        if len(parts) > index and "[" not in parts[index] and "]" not in parts[index]:
            # (no "[": an IAX2 [rsakey] name, or the syntax line of a doc)
            self.secret(start + secret_at, parts[index], "asterisk.register")
            left, right = secret_at, secret_at + len(parts[index])
        else:
            left = right = at
        # user@domain and the host are a SIP account and server, not an address
        # of a person: keep the email pattern off them.
        self.editor.claim(start, start + left, value[:left], "asterisk.register")
        self.editor.claim(start + right, start + len(value), value[right:], "asterisk.register")

    def mailbox(self, start: int, value: str) -> None:
        """``box => pin,Full Name,email,pager_email,opt=val|opt=val``"""
        fields = self.fields(value, start, ",", 4)
        pos, pin = fields[0]
        if pin.lstrip().startswith("-"):  # "-1234": the user may not change the PIN
            pos, pin = pos + pin.index("-") + 1, pin.lstrip()[1:]
        self.secret(pos, pin, "asterisk.mailbox")
        if len(fields) > 1:
            self.name(*fields[1], "asterisk.mailbox")
        for pos, address in fields[2:4]:
            self.email(pos, address, "asterisk.mailbox")
        if len(fields) > 4:
            for pos, option in self.fields(fields[4][1], fields[4][0], "|"):
                key, eq, val = option.partition("=")
                if eq and classify(normalize(key), self.extra) in (Kind.SECRET, Kind.TOKEN):
                    self.secret(pos + len(key) + 1, val, "asterisk.mailbox")

    def callerid(self, start: int, value: str) -> None:
        m = _CALLERID.fullmatch(value)
        if not m:
            return
        group = 1 if m.group(1) is not None else 2
        name = m.group(group)
        if not name.strip() or ph.is_placeholder(name):
            return
        if (
            m.group(3) is None
            and group == 2
            and (_NUMBERISH.fullmatch(name) or name.lower() in _CALLERID_WORDS)
        ):
            return
        self.editor.claim(
            start + m.start(group), start + m.end(group), ph.NAME_PLACEHOLDER, "asterisk.callerid"
        )


def sanitize_conf(editor: Editor, rules: Rules, path: str) -> None:
    AsteriskSanitizer(editor, rules, path).run()
