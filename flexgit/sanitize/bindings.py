"""Literals that code binds to a secret by their place, shared by :mod:`.php` and :mod:`.js`.

A literal can be a secret without sitting right after a secret-named key: it is
compared with a password (``$pin === '1234'``), it is the fallback of a secret
environment variable, it is a value of a map of passwords (``$passwords =
['2001' => '...']``, spanning lines: :mod:`.credmaps`) or it is an argument in
the password position of a call (``ftp_login($c, 'u', '...')``). The finders
here know the shapes; each layer says which language's operands it takes (PHP
operands hold ``$``) and under which rule name it claims.

Names are judged by their words (:func:`secret_kind`): the shared key kinds
first, then, for names of constants and environment variables, any word that
is or ends with key/salt/secret/token/pass/pwd (``NONCE_KEY``,
``STRIPE_KEY``), unless the last word says the value is a setting
(``PASSWORD_MIN_LENGTH``, ``AUTH_COOKIE``, ``TOKEN_TTL``) or a word says it
is public (``VAPID_PUBLIC_KEY``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flexgit.sanitize.keys import STEMS, Kind, classify, normalize, words
from flexgit.sanitize.text import LIT, LIT_ONLY, Literals, split_args

# The last word of a name whose value is a setting about a secret, not one.
SETTING_WORDS = words(
    "length len min max size timeout ttl expiry expire expires expiration lifetime age "
    "file path dir directory folder url uri endpoint host hostname port name names label "
    "labels text title hint help placeholder field column col table header cookie param "
    "type mode method algo algorithm cipher hash enabled enable disabled required policy "
    "prefix suffix user username login id uid provider driver version format scheme level "
    "count limit rounds cost attempts retries interval days hours minutes seconds strength "
    "chars pattern regex encoding bits location server domain realm lang locale prompt "
    "message msg error route action event role group scope class flag status state"
)
# Not "auth": alone it names a method or a switch (SMTP_AUTH, AUTH_GUARD), and
# WordPress's AUTH_* constants all end in KEY or SALT.
_NOT_STEMS = words(
    "monkey turkey hockey donkey jockey whiskey hotkey bypass compass overpass underpass "
    "trespass surpass"
)
BINDING_KINDS = (Kind.SECRET, Kind.TOKEN, Kind.HASH)
# A public key is published on purpose (VAPID_PUBLIC_KEY, Stripe's publishable key).
_PUBLIC = words("public pub publishable")
# Words a comparison or a map holds that name a type or a switch, not a secret.
_NOT_SECRETS = words(
    "undefined null string object function number boolean bigint symbol array true false "
    "yes no on off none nil"
)


# A route or a relative path of lower-case words ('auth/login', 'api/v1/calls').
_ROUTE = re.compile(r"[a-z0-9_.-]+(?:/[a-z0-9_.-]+)+/?")

_PHP_EXTENSIONS = (".php", ".phtml", ".php3", ".php4", ".php5", ".php7", ".php8", ".inc")


def is_php(path: str, text: str) -> bool:
    """Whether a file is PHP (by name, or by its opening tag)."""
    return path.lower().endswith(_PHP_EXTENSIONS) or text.startswith("<?php")


def secret_kind(name: str, extra: tuple[str, ...] = (), *, broad: bool = False) -> Kind | None:
    """The secret kind of what a name holds; broad adds the stems of constant names."""
    norm = normalize(name)
    kind = classify(norm, extra)
    if kind is not None or not broad:
        return kind if kind in BINDING_KINDS else None
    parts = norm.split("_")
    if parts[-1] in SETTING_WORDS or not _PUBLIC.isdisjoint(parts):
        return None
    if any(p.endswith(STEMS) and p not in _NOT_STEMS for p in parts):
        return Kind.SECRET
    return None


def plausible(value: str) -> bool:
    """Whether a literal found by its place (not its key) can be a secret at all."""
    low = value.strip().lower()
    return not (low in _NOT_SECRETS or low.startswith(("/", "./", "../"))
                or _ROUTE.fullmatch(value.strip()) is not None)


class Finder:
    """The shared finders, claiming under one layer's rule for one language."""

    def __init__(self, lits: Literals, rule: str, *, php: bool) -> None:
        self.lits = lits
        self.text = lits.text
        self.rule = rule
        self.php = php  # take PHP operands ($x) or JavaScript ones
        self.php_file = is_php(lits.path, lits.text)  # a bare ``const X = [`` is PHP's

    def claim(self, m: re.Match[str], name: str, kind: Kind | None = Kind.SECRET) -> None:
        """Claim group "v" of m as a secret held under name."""
        if plausible(m.group("v")):
            self.lits.quoted(m, normalize(name) or "secret", self.rule, kind=kind)

    def claim_arg(self, span: tuple[int, int], name: str = "password") -> None:
        arg = LIT_ONLY.fullmatch(self.text, *span)
        if arg is not None:
            self.claim(arg, name)

    def secret_operand(self, span: tuple[int, int]) -> None:
        """The literal an operand is or falls back to: ``'x'``, ``getenv('K') ??
        'x'``, ``$a ?: 'x'``, ``Buffer.from('x')``, ``hex2bin('x')``."""
        arg = LIT_ONLY.fullmatch(self.text, *span)
        if arg is not None:
            self.claim(arg, "secret")
            return
        for m in _OPERAND_LITERAL.finditer(self.text, *span):
            self.claim(m, "secret")

    # -- comparisons -------------------------------------------------------------

    def comparisons(self) -> None:
        """``$password === 'x'``, ``'x' == $row['pin']``, ``pass !== "x"``."""
        text = self.text
        for op in ("==", "!=", "<>") if self.php else ("==", "!="):
            if op not in text:
                continue
            # A literal regex each: re finds a literal much faster than a class.
            for m in _OPERATORS[op].finditer(text):
                start, end = m.start(), m.end()
                if op == "==" and start and text[start - 1] in "!=<>":
                    continue  # the tail of "!==" (found as "!=")
                if op != "<>" and text.startswith("=", end):
                    end += 1  # === and !==
                right = _LIT_AFTER.match(text, end)
                if right is not None:
                    self.compared(right, _LEFT.search(text, max(0, start - 160), start))
                elif _quote_before(text, start):
                    left = _LIT_BEFORE.search(text, max(0, start - 240), start)
                    if left is not None:
                        self.compared(left, _RIGHT.match(text, end))

    def compared(self, literal: re.Match[str], operand: re.Match[str] | None) -> None:
        if operand is None or (operand.group("fn") or "").lower() in _NOT_VALUE_FUNCTIONS:
            return
        expr = operand.group("inner") or operand.group("expr")
        if ("$" in expr) != self.php:
            return
        if _TYPEOF.search(self.text, max(0, operand.start() - 12), operand.start()):
            return  # typeof password === 'string'
        name = last_name(expr)
        kind = secret_kind(name, self.lits.extra)
        if kind is not None:
            self.claim(literal, name, kind)

    # -- calls -------------------------------------------------------------------

    def calls(self, calls: tuple[Call, ...]) -> None:
        """Literal arguments in the password position of the calls in the table."""
        present: dict[str, bool] = {"": True}
        for call in calls:
            if call.needle not in present:
                present[call.needle] = call.needle in self.text
            if not present[call.needle]:
                continue
            for m in call.regex.finditer(self.text):
                index = call.position(m)
                if index is not None:
                    self.call(index, split_args(self.text, m.end()))

    def call(self, index: int, args: list[tuple[int, int]]) -> None:
        if index == SECRETS:
            for span in args:
                self.secret_operand(span)
            return
        if index == COMPARED:
            if len(args) == 2:
                for mine, other in ((args[0], args[1]), (args[1], args[0])):
                    expr = self.text[other[0] : other[1]]
                    name = last_name(expr)
                    if ("$" in expr) == self.php and secret_kind(name, self.lits.extra):
                        self.claim_arg(mine, name)
            return
        if index == -1 or (index == AUTH and len(args) == 1):
            index = len(args) - 1
        elif index == AUTH and len(args) > 1:
            second = self.text[args[1][0] : args[1][1]]
            # superagent's .auth(token, {type: 'bearer'}): the token comes first
            index = 0 if second.strip().startswith("{") else 1
        if 0 <= index < len(args):
            self.claim_arg(args[index])


AUTH = -2  # .auth(pass) / .auth(user, pass) / .auth(token, {type: 'bearer'})
COMPARED = -3  # strcmp(a, b): a literal compared with an operand named for a secret
# hash_equals(a, b), timingSafeEqual(a, b): made to compare secrets, so every
# literal operand is one, whatever the other is named.
SECRETS = -4


@dataclass(frozen=True)
class Call:
    """Calls matched by regex (its "(" last), the secret at argument ``index``.

    The regexes start with a literal (a lookbehind after it checks what comes
    before), which re finds as fast as a substring test.

    index -1 is the last argument, or AUTH, or COMPARED; with ``by_name``,
    group "rest" of the match (``set`` + ``Password``) must name a secret for
    the call to count.
    """

    needle: str  # must be in the text for regex to match ("": none; calls share the test)
    regex: re.Pattern[str]
    index: int
    by_name: bool = False

    def position(self, m: re.Match[str]) -> int | None:
        if not self.by_name:
            return self.index
        rest = normalize(m.group("rest"))
        if rest in _PAIR_NAMES:
            return 1  # setCredentials('user', 'pass'), withBasicAuth('user', 'pass')
        return -1 if secret_kind(rest) is not None else None


_PAIR_NAMES = words("credentials auth basic_auth digest_auth")


def _quote_before(text: str, pos: int) -> bool:
    """Whether the last non-blank character before pos closes a quote."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    return i >= 0 and text[i] in "'\""


def last_name(expr: str) -> str:
    """The name an operand ends in: ``$row['pin']`` -> pin, ``this.password`` -> password."""
    names = _NAMES.findall(expr)
    return next((n for n in reversed(names[-1]) if n), "") if names else ""


_NAMES = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"|([A-Za-z_]\w*)")
_OPERATORS = {op: re.compile(re.escape(op)) for op in ("==", "!=", "<>")}
_EXPR = (
    r"(?<![\w$])\$?[A-Za-z_]\w*(?:\s*(?:->|\?->|::|\?\.|\.)\s*\$?[A-Za-z_]\w*"
    r"|\s*\[\s*(?:'[^'\n]*'|\"[^\"\n]*\"|\w+)\s*\])*"
)
_OPERAND = rf"(?:(?P<fn>[A-Za-z_]\w*)\s*\(\s*(?P<inner>{_EXPR})\s*\)|(?P<expr>{_EXPR}))"
_LEFT = re.compile(rf"{_OPERAND}\s*\Z")
_RIGHT = re.compile(rf"\s*{_OPERAND}(?!\s*\()")
_LIT_AFTER = re.compile(rf"\s*{LIT}")
_OPERAND_LITERAL = re.compile(
    rf"(?:\?\?|\?:|\|\||(?:Buffer\.from|hex2bin|strval|trim|String)\s*\()\s*{LIT}")
_LIT_BEFORE = re.compile(rf"(?<![\w'\"\\]){LIT}\s*\Z")
_TYPEOF = re.compile(r"typeof\s*\(?\s*\Z")
_NOT_VALUE_FUNCTIONS = words("gettype get_debug_type get_class strlen mb_strlen count sizeof")
