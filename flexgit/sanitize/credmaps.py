"""Maps of credentials in PHP and JavaScript: arrays and objects bound to secrets.

Part of the place-bound finders of :mod:`.bindings`, for :mod:`.php` and :mod:`.js`.
A container named as a map of secrets (a plural: ``$passwords``, ``'pins' =>``,
``api_keys:``, ``PASSWORDS = {``) has every string value at any depth replaced
(``['2001' => '...']``, lists too), except under keys that name a setting
(``'expires' =>``) or other data (``'email' =>``). A credentials record
(``credentials``, ``creds``, ``auth``, ``basic_auth``) is read by its keys,
which the keyed forms already handle, except that its ``users``/``accounts``
sub-map is a map of secrets, a list's second element is a password (Guzzle's
``'auth' => ['user', '...']``) and a value under an extension number is a PIN.
A map of accounts (``$users``, ``logins:``, ``*_users``) holds user name =>
password: a value is replaced unless it reads as data (an extension, a name,
an address, a word). A flat map under any other name is a map of passwords when
every one of its two or more values is password-shaped (:mod:`.shape`).
The scan lexes from the opening bracket (strings, comments, brackets), so a
container may span any number of lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flexgit.sanitize.bindings import BINDING_KINDS, SETTING_WORDS, Finder
from flexgit.sanitize.keys import classify, normalize, words
from flexgit.sanitize.shape import password_shaped
from flexgit.sanitize.text import LIT, LIT_ONLY


class CredentialMaps:
    """Claims the values of maps of credentials, for one finder's language."""

    def __init__(self, finder: Finder) -> None:
        self.finder = finder
        self.text = finder.text

    def run(self) -> None:
        """Find the containers by their opening brackets and walk the named ones."""
        text = self.text
        # One regex per separator, each led by its literal: re finds those
        # fast, where one alternation would be tried at every position.
        for opener in (_OPEN_ARROW if self.finder.php else _OPEN_COLON, _OPEN_ASSIGN):
            for m in opener.finditer(text):
                sep = m.group("sep")
                if sep == "=" and m.start() and text[m.start() - 1] in _OPERATOR_CHARS:
                    continue  # "+= [", "<= [", "?: {"
                key = _CONTAINER_KEY.search(text, max(0, m.start() - 80), m.start())
                if key is None:
                    continue
                if self.finder.php != self.php_form(sep, key.group("sig")):
                    continue
                name = key.group("qk") or key.group("ik")
                mode = container_mode(name)
                if mode is not None:
                    self.walk(m.end() - 1, mode, name)
                else:
                    self.shaped_map(m.end())

    def php_form(self, sep: str, sig: str | None) -> bool:
        """Whether a binding is PHP's: ``=>``, ``$x =``, ``->x =``; a bare
        ``const X = [`` is the file's language."""
        if sep in ("=>", ":"):
            return sep == "=>"
        if sig is not None:
            return sig != "."
        return self.finder.php_file

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

    def shaped_map(self, pos: int) -> None:
        """A flat map under a neutral name (``$allowed = ['root' => '...',
        'backup' => '...']``): a map of passwords when it has two entries or
        more and every value is password-shaped."""
        entries: list[re.Match[str]] = []
        while (m := _ENTRY.match(self.text, pos)) is not None:
            entries.append(m)
            pos = m.end()
            if not m.group("comma"):
                break
        if len(entries) >= 2 and all(password_shaped(e.group("v")) for e in entries):
            for e in entries:
                self.finder.claim(e, e.group("k") or e.group("k2"))

    def entry(self, frame: _Frame, key: str | None, tok: re.Match[str]) -> None:
        lit = LIT_ONLY.fullmatch(self.text, tok.start(), tok.end())
        if lit is None:
            return  # a multi-line string: too rare to be worth a line-keeping replacement
        if frame.mode == "users":
            # ['admin' => '...']: a password, unless the value reads as data
            # (an extension, a name, an address, a word) or the key names a
            # setting (Laravel's 'users' => ['provider' => ..., 'table' => ...]).
            if key is not None and _map_value(key) and _user_secret(lit.group("v")):
                self.finder.claim(lit, "password")
        elif frame.mode == "map" and (key is None or _map_value(key)):
            self.finder.claim(lit, frame.name)
        elif frame.mode == "record" and (
            (key is None and frame.index == 1) or (key is not None and key.isdigit())
        ):
            # ['user', 'pass'] (Guzzle's 'auth'), ['2001' => '1234'] (a PIN per extension)
            self.finder.claim(lit, "password")


@dataclass
class _Frame:
    mode: str  # "map": every value a secret; "record": user/pass pairs; "plain"
    name: str  # what its values are called (the singular of the container's name)
    index: int = 0  # entries seen (a list's position)


_RECORDS = words("credentials credential creds cred auth basic_auth http_auth")
_USER_MAPS = words("users accounts logins admins")
# A top-level map named for accounts: user name => password.
_ACCOUNT_MAPS = words("users accounts logins admins operators agents allowed_users api_users")
_IDENTIFIER = re.compile(r"[A-Za-z_.-]+")  # a word or a name: password_reset_tokens
_NOT_SECRET_VALUE = re.compile(r"\d+|[^@\s]+@[^@\s]+|.*\s.*|[a-z0-9_.-]+(?:/[a-z0-9_.-]+)+")


def _singular(name: str) -> str:
    norm = normalize(name)
    return norm[:-1] if norm.endswith("s") and not norm.endswith("ss") else norm


def container_mode(name: str) -> str | None:
    """Mode "map" for a map of secrets (``passwords``, ``api_keys``), "record" for a
    credentials record, "users" for a map of accounts, None for anything else."""
    norm = normalize(name)
    if norm in _RECORDS or norm.endswith(("_credentials", "_creds", "_auth")):
        return "record"
    if norm in _ACCOUNT_MAPS or norm.endswith(("_users", "_accounts", "_logins")):
        return "users"
    single = _singular(name)
    if single != norm and single not in _RECORDS and classify(single) in BINDING_KINDS:
        return "map"
    return None


def _user_secret(value: str) -> bool:
    """Whether a value of a map of accounts is a password: password-shaped, or
    at least no number, address, sentence, route or plain word."""
    if password_shaped(value):
        return True
    v = value.strip()
    return (len(v) >= 6 and _NOT_SECRET_VALUE.fullmatch(v) is None
            and _IDENTIFIER.fullmatch(v) is None and any(c.isalpha() for c in v))


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
    if kind is not None and kind not in BINDING_KINDS:
        return False
    return norm.rsplit("_", 1)[-1] not in SETTING_WORDS


_OPEN_ARROW = re.compile(r"(?P<sep>=>)\s*(?:\[|array\s*\()")
_OPEN_COLON = re.compile(r"(?P<sep>:)(?<!::)\s*[\[{]")
_OPEN_ASSIGN = re.compile(r"(?P<sep>=)(?![=>~])\s*(?:[\[{]|array\s*\()")
_OPERATOR_CHARS = frozenset("=!<>+-*/.%&|^?:")
_CONTAINER_KEY = re.compile(
    r"(?:(?<![\w$])(?P<q>['\"])(?P<qk>[\w.\- ]{1,64})(?P=q)\s*\]?"
    r"|(?P<sig>\$|->|::\$?|\.)?(?<![\w])(?P<ik>[A-Za-z_]\w{0,63}))\s*\Z"
)
# One entry of a flat map: 'key' => 'value', key: "value", then "," or the end.
_ENTRY = re.compile(
    r"\s*(?:(?P<kq>['\"])(?P<k>[\w.@-]{1,32})(?P=kq)|(?P<k2>[A-Za-z_]\w{0,31}))\s*(?:=>|:)\s*"
    rf"{LIT}\s*(?P<comma>,)?"
)
_TOKENS = re.compile(
    r"(?P<s>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`\\]|\\.)*`)"
    r"|(?P<c>//[^\n]*|/\*.*?\*/|\#[^\n]*)|(?P<open>[\[({])|(?P<close>[\])}])"
    r"|(?P<sep>=>|:(?!:))|(?P<comma>,)|(?P<w>[\w$\\]+(?:::[\w$]+)*)",
    re.S,
)


def containers(finder: Finder) -> None:
    """Claim the secrets of the maps of credentials in finder's text."""
    CredentialMaps(finder).run()
