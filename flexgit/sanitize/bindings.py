"""Literals that code binds to a secret by their place, shared by :mod:`.php` and :mod:`.js`.

A literal can be a secret without sitting right after a secret-named key: it is
compared with a password (``$pin === '1234'``), it is the fallback of a secret
environment variable, it is a value of a map of passwords (``$passwords =
['2001' => '...']``, spanning lines) or it is an argument in the password
position of a call (``ftp_login($c, 'u', '...')``). The finders here know the
shapes; each layer says which language's operands it takes (PHP operands hold
``$``) and under which rule name it claims.

Names are judged by their words (:func:`secret_kind`): the shared key kinds
first, then, for names of constants and environment variables, any word that
is or ends with key/salt/secret/token/pass/pwd (``NONCE_KEY``,
``STRIPE_KEY``), unless the last word says the value is a setting
(``PASSWORD_MIN_LENGTH``, ``AUTH_COOKIE``, ``TOKEN_TTL``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flexgit.sanitize.keys import Kind, classify, normalize, words
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
_STEMS = ("key", "keys", "salt", "salts", "secret", "secrets", "token", "tokens", "pass",
          "passwd", "password", "passwords", "passphrase", "pwd")  # fmt: skip
_NOT_STEMS = words(
    "monkey turkey hockey donkey jockey whiskey hotkey bypass compass overpass underpass "
    "trespass surpass"
)
_BINDING_KINDS = (Kind.SECRET, Kind.TOKEN, Kind.HASH)
# Words a comparison or a map holds that name a type or a switch, not a secret.
_NOT_SECRETS = words(
    "undefined null string object function number boolean bigint symbol array true false "
    "yes no on off none nil"
)


_PHP_EXTENSIONS = (".php", ".phtml", ".php3", ".php4", ".php5", ".php7", ".php8", ".inc")


def is_php(path: str, text: str) -> bool:
    """Whether a file is PHP (by name, or by its opening tag)."""
    return path.lower().endswith(_PHP_EXTENSIONS) or text.startswith("<?php")


def secret_kind(name: str, extra: tuple[str, ...] = (), *, broad: bool = False) -> Kind | None:
    """The secret kind of what a name holds; broad adds the stems of constant names."""
    norm = normalize(name)
    kind = classify(norm, extra)
    if kind is not None or not broad:
        return kind if kind in _BINDING_KINDS else None
    parts = norm.split("_")
    if parts[-1] in SETTING_WORDS:
        return None
    if any(p.endswith(_STEMS) and p not in _NOT_STEMS for p in parts):
        return Kind.SECRET
    return None


def plausible(value: str) -> bool:
    """Whether a literal found by its place (not its key) can be a secret at all."""
    low = value.strip().lower()
    return not (low in _NOT_SECRETS or low.startswith(("/", "./", "../")))


class Finder:
    """The shared finders, claiming under one layer's rule for one language."""

    def __init__(self, lits: Literals, rule: str, *, php: bool) -> None:
        self.lits = lits
        self.text = lits.text
        self.rule = rule
        self.php = php  # take PHP operands ($x) or JavaScript ones
        self.php_file = is_php(lits.path, lits.text)

    def claim(self, m: re.Match[str], name: str, kind: Kind | None = Kind.SECRET) -> None:
        """Claim group "v" of m as a secret held under name."""
        if plausible(m.group("v")):
            self.lits.quoted(m, normalize(name) or "secret", self.rule, kind=kind)

    def claim_arg(self, span: tuple[int, int], name: str = "password") -> None:
        arg = LIT_ONLY.fullmatch(self.text, *span)
        if arg is not None:
            self.claim(arg, name)

    # -- comparisons -------------------------------------------------------------

    def comparisons(self) -> None:
        """``$password === 'x'``, ``'x' == $row['pin']``, ``pass !== "x"``."""
        text = self.text
        for op in _CMP.finditer(text):
            right = _LIT_AFTER.match(text, op.end())
            if right is not None:
                self.compared(right, _LEFT.search(text, max(0, op.start() - 160), op.start()))
                continue
            left = _LIT_BEFORE.search(text, max(0, op.start() - 240), op.start())
            if left is not None:
                self.compared(left, _RIGHT.match(text, op.end()))

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

    # -- maps of credentials -----------------------------------------------------

    def containers(self) -> None:
        """Arrays and objects bound to a map of passwords or a credentials record."""
        text = self.text
        # One regex per separator, each led by its literal: re finds those
        # fast, where one alternation would be tried at every position.
        for opener in (_OPEN_ARROW if self.php else _OPEN_COLON, _OPEN_ASSIGN):
            for m in opener.finditer(text):
                sep = m.group("sep")
                if sep == "=" and m.start() and text[m.start() - 1] in _OPERATOR_CHARS:
                    continue  # "+= [", "<= [", "?: {"
                key = _CONTAINER_KEY.search(text, max(0, m.start() - 80), m.start())
                if key is None:
                    continue
                name = key.group("qk") or key.group("ik")
                mode = container_mode(name)
                if mode is not None and self.php == self.php_form(sep, key.group("sig")):
                    self.walk(m.end() - 1, mode, name)

    def php_form(self, sep: str, sig: str | None) -> bool:
        """Whether a binding is PHP's: ``=>``, ``$x =``, ``->x =``; a bare
        ``const X = [`` is the file's language."""
        if sep in ("=>", ":"):
            return sep == "=>"
        if sig is not None:
            return sig != "."
        return self.php_file

    def walk(self, start: int, mode: str, name: str) -> None:
        """Lex one container from its opening bracket, claiming by mode."""
        tokens = list(_TOKENS.finditer(self.text, start, min(len(self.text), start + 200_000)))
        frames = [_Frame(mode, _singular(name))]
        key: str | None = None
        for i, tok in enumerate(tokens[1:], 1):
            kind = tok.lastgroup
            nxt = tokens[i + 1].lastgroup if i + 1 < len(tokens) else None
            frame = frames[-1]
            if kind in ("s", "w") and nxt == "sep":
                key = tok.group()[1:-1] if kind == "s" else tok.group()
            elif kind == "s":
                self.entry(frame, key, tok)
            elif kind == "open":
                child = _child_mode(frame.mode, key)
                name = frame.name if child == "map" and frame.mode == "map" else key or frame.name
                frames.append(_Frame(child, _singular(name)))
                key = None
            elif kind == "close":
                frames.pop()
                if not frames:
                    return
            elif kind == "comma":
                frame.index += 1
                key = None

    def entry(self, frame: _Frame, key: str | None, tok: re.Match[str]) -> None:
        lit = LIT_ONLY.fullmatch(self.text, tok.start(), tok.end())
        if lit is None:
            return  # a multi-line string: too rare to be worth a line-keeping replacement
        if frame.mode == "map" and (key is None or _map_value(key)):
            self.claim(lit, frame.name)
        elif frame.mode == "record" and (
            (key is None and frame.index == 1) or (key is not None and key.isdigit())
        ):
            # ['user', 'pass'] (Guzzle's 'auth'), ['2001' => '1234'] (a PIN per extension)
            self.claim(lit, "password")

    # -- calls -------------------------------------------------------------------

    def calls(self, calls: tuple[Call, ...]) -> None:
        """Literal arguments in the password position of the calls in the table."""
        for call in calls:
            if not any(needle in self.text for needle in call.needles):
                continue
            for m in call.regex.finditer(self.text):
                index = call.position(m)
                if index is None:
                    continue
                args = split_args(self.text, m.end())
                if index == -1 or (index == AUTH and len(args) == 1):
                    index = len(args) - 1 if args else 0
                elif index == AUTH:
                    second = LIT_ONLY.fullmatch(self.text, *args[1])
                    bearer = second is None and self.text[args[1][0]:args[1][1]].strip()[:1] == "{"
                    index = 0 if bearer else 1  # superagent .auth(token, {type: 'bearer'})
                if 0 <= index < len(args):
                    self.claim_arg(args[index])


AUTH = -2  # .auth(pass) / .auth(user, pass) / .auth(token, {type: 'bearer'})


@dataclass(frozen=True)
class Call:
    """Calls matched by regex (its "(" last), the secret at argument ``index``.

    index -1 is the last argument; with ``by_name``, group "rest" of the match
    (``set`` + ``Password``) must name a secret for the call to count.
    """

    needles: tuple[str, ...]  # one of them must be in the text for regex to match
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


@dataclass
class _Frame:
    mode: str  # "map": every value a secret; "record": user/pass pairs; "plain"
    name: str  # what its values are called (the singular of the container's name)
    index: int = 0  # entries seen (a list's position)


_RECORDS = words("credentials credential creds cred auth basic_auth http_auth")
_USER_MAPS = words("users accounts logins admins")


def _singular(name: str) -> str:
    norm = normalize(name)
    return norm[:-1] if norm.endswith("s") and not norm.endswith("ss") else norm


def container_mode(name: str) -> str | None:
    """"map" for a map of secrets (``passwords``, ``api_keys``), "record" for a
    credentials record, None for anything else."""
    norm = normalize(name)
    if norm in _RECORDS or norm.endswith(("_credentials", "_creds", "_auth")):
        return "record"
    single = _singular(name)
    if single != norm and single not in _RECORDS and classify(single) in _BINDING_KINDS:
        return "map"
    return None


def _child_mode(parent: str, key: str | None) -> str:
    if parent == "map":
        return "map" if key is None or _map_value(key) else "plain"
    if parent == "record" and key is not None:
        norm = normalize(key)
        if norm in _USER_MAPS or container_mode(key) == "map":
            return "map"
    return "plain"


def _map_value(key: str) -> bool:
    """Whether a map of secrets holds a secret under this key (not 'expires')."""
    norm = normalize(key)
    kind = classify(norm)
    if kind is not None and kind not in _BINDING_KINDS:
        return False
    return norm.rsplit("_", 1)[-1] not in SETTING_WORDS


def last_name(expr: str) -> str:
    """The name an operand ends in: ``$row['pin']`` -> pin, ``this.password`` -> password."""
    names = _NAMES.findall(expr)
    return next((n for n in reversed(names[-1]) if n), "") if names else ""


_NAMES = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"|([A-Za-z_]\w*)")
_CMP = re.compile(r"[=!]==?|<>")
_EXPR = (
    r"(?<![\w$])\$?[A-Za-z_]\w*(?:\s*(?:->|\?->|::|\?\.|\.)\s*\$?[A-Za-z_]\w*"
    r"|\s*\[\s*(?:'[^'\n]*'|\"[^\"\n]*\"|\w+)\s*\])*"
)
_OPERAND = rf"(?:(?P<fn>[A-Za-z_]\w*)\s*\(\s*(?P<inner>{_EXPR})\s*\)|(?P<expr>{_EXPR}))"
_LEFT = re.compile(rf"{_OPERAND}\s*\Z")
_RIGHT = re.compile(rf"\s*{_OPERAND}(?!\s*\()")
_LIT_AFTER = re.compile(rf"\s*{LIT}")
_LIT_BEFORE = re.compile(rf"(?<![\w'\"\\]){LIT}\s*\Z")
_TYPEOF = re.compile(r"typeof\s*\(?\s*\Z")
_NOT_VALUE_FUNCTIONS = words("gettype get_debug_type get_class strlen mb_strlen count sizeof")
_OPEN_ARROW = re.compile(r"(?P<sep>=>)\s*(?:\[|array\s*\()")
_OPEN_COLON = re.compile(r"(?P<sep>:)(?<!::)\s*[\[{]")
_OPEN_ASSIGN = re.compile(r"(?P<sep>=)(?![=>~])\s*(?:[\[{]|array\s*\()")
_OPERATOR_CHARS = frozenset("=!<>+-*/.%&|^?:")
_CONTAINER_KEY = re.compile(
    r"(?:(?<![\w$])(?P<q>['\"])(?P<qk>[\w.\- ]{1,64})(?P=q)\s*\]?"
    r"|(?P<sig>\$|->|::\$?|\.)?(?<![\w])(?P<ik>[A-Za-z_]\w{0,63}))\s*\Z"
)
_TOKENS = re.compile(
    r"(?P<s>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`\\]|\\.)*`)"
    r"|(?P<c>//[^\n]*|/\*.*?\*/|\#[^\n]*)|(?P<open>[\[({])|(?P<close>[\])}])"
    r"|(?P<sep>=>|:(?!:))|(?P<comma>,)|(?P<w>[\w$\\]+(?:::[\w$]+)*)",
    re.S,
)
