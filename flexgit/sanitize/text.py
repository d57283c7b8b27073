"""Shell, config and other text: secret-named literals, and the scanner the code layers share.

Only literals bound to a secret-named key are replaced, and only their contents
(quotes stay), so code keeps parsing. Forms of this module (each a rule name):

* ``text.shell_assign``: ``DB_PASS=...`` / ``export API_TOKEN="..."`` at a line
  start, and ``UPPER_CASE=...`` anywhere (``Environment=DB_PASS=...``, ``-e``);
  ``.env`` lines as dotenv reads them.
* ``text.config_value``: unquoted ``key = value`` / ``key: value`` in
  ini/cnf/env/yaml/toml files, Apache ``SetEnv``, php-fpm ``env[KEY] = ...``,
  nginx ``fastcgi_param KEY value;``.

PHP forms live in :mod:`.php`, JavaScript (and JSON-in-docs) forms in
:mod:`.js`; both scan with :class:`Literals`. Double-quoted or unquoted values
that interpolate (``"$prefix"``, ``${VAR}``, ``$(cmd)``) are code, not literals,
and stay. So do empty values and documentation stand-ins
(``YOUR_PASSWORD_HERE``, ``<password>``, ``xxxx``).
"""

from __future__ import annotations

import posixpath
import re

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.anchored import Anchored, LineStart, anchored
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import (
    Kind,
    classify,
    is_admin_context,
    looks_like_label,
    normalize,
    value_fits,
    vocabulary,
    words,
)
from flexgit.sanitize.rules import Rules

# The prefilter's word list of key names (keys.vocabulary): where Literals look.
KEY_WORDS = prefilter.words("keys", vocabulary())


def lit(name: str) -> str:
    """A one-line quoted literal; the content is group <name>, the quote <name>_q."""
    return rf"(?P<{name}_q>['\"])(?P<{name}>(?:(?!(?P={name}_q))[^\\\n]|\\.)*)(?P={name}_q)"


Searcher = re.Pattern[str] | Anchored | LineStart
Form = tuple[str, str, Searcher]  # (rule, needle that must be in the text, searcher)

LIT = lit("v")
KEY = r"(?P<key>[A-Za-z_][\w.\-]*)"
IDENT = r"(?P<key>[A-Za-z_]\w*)"
LIT_ONLY = re.compile(rf"\s*{LIT}\s*")
_UNQUOTED = r"(?P<u>(?![$`(])[^\s;&|()<>'\"`]+)"
_SHELL_PREFIX = r"[ \t]*(?:(?:export|local|readonly|typeset|declare(?:[ \t]+-\w+)*)[ \t]+)?"
_SHELL_LINE = _SHELL_PREFIX + IDENT + "="

_MULTILINE_RE = re.compile(
    rf"^[ \t]*{KEY}[ \t]*=[ \t]*(?P<v_q>\'\'\'|\"\"\")"
    r"(?P<v>(?:(?!(?P=v_q))[\s\S]){0,4000}?)(?P=v_q)",
    re.M,
)
_SHELL_RE = re.compile(rf"^{_SHELL_LINE}(?:{LIT}|{_UNQUOTED})", re.M)
_UPPER_RE = re.compile(rf"(?<![\w$.\-/])(?P<key>[A-Z_][A-Z0-9_]*)=(?:{LIT}|{_UNQUOTED})", re.M)
# (rule, needle, searcher) in priority order; a text without the needle cannot
# match, which spares a regex scan of most files for most forms. The forms that
# start with a key are searched from their separator (see .anchored).
_FORMS: tuple[Form, ...] = (
    # TOML's (and Python's) multi-line strings, which no one-line literal reads.
    ("text.config_value", "\'\'\'", _MULTILINE_RE),
    ("text.config_value", '"""', _MULTILINE_RE),
    ("text.shell_assign", "=", LineStart(_SHELL_RE, re.compile(rf"\n{_SHELL_PREFIX}{IDENT}="))),
    ("text.shell_assign", "=",
     anchored(_UPPER_RE, r"=(?<=[A-Z0-9_]=)", "upper", spaces=False)),
    ("text.config_value", "SetEnv",
     re.compile(rf"^[ \t]*SetEnv[ \t]+{IDENT}[ \t]+(?:{LIT}|{_UNQUOTED})", re.M)),
    ("text.config_value", "fastcgi_param",
     re.compile(rf"^[ \t]*fastcgi_param[ \t]+{IDENT}[ \t]+(?:{LIT}|(?P<u2>[^\s;]+))", re.M)),
    ("text.config_value", "env[",
     re.compile(rf"^[ \t]*env\[{IDENT}\][ \t]*=[ \t]*(?:{LIT}|{_UNQUOTED})", re.M)),
)  # fmt: skip

_LITERAL_DOLLAR_EXTENSIONS = tuple(
    sorted(
        "." + ext for ext in words("js mjs cjs ts json py yml yaml toml ini cnf xml html htm css")
    )
)
_CONFIG_EXTENSIONS = (".ini", ".cnf", ".env", ".properties", ".cfg", ".toml", ".yml", ".yaml")
# A "#" comment opens after a space: "bind_pw = ab#9" is one value, as dotenv
# reads it (below) and configparser, which has no inline comments; ";" ends a
# value anywhere, as in php.ini.
_CONFIG_LINE = re.compile(
    rf"^[ \t]*{KEY}[ \t]*[=:][ \t]*(?P<u>[^\s#;'\"](?:[^\n#;]|(?<=\S)#)*?)[ \t\r]*"
    r"(?:(?<=\s)#.*|;.*)?$", re.M
)
# A .env line, as dotenv reads it: an unquoted value runs to the end of the
# line or a " #" comment, spaces and "#" inside included ("correct horse
# battery", "a#b"); the shell form alone would stop at the first space. A
# commented-out line is read the same way: it still holds a password. A
# value with "$" or "`" (interpolation) is left to the shell forms.
_ENV_LINE = re.compile(
    rf"^[ \t]*(?:#[ \t]*)?(?:export[ \t]+)?{IDENT}[ \t]*=[ \t]*"
    r"(?P<u>[^\s'\"#$`](?:[^\n#$`]|(?<=\S)#)*?)(?:[ \t]+#.*)?[ \t\r]*$",
    re.M,
)
_INTERPOLATION = re.compile(r"\$[\w{(@*#?!$-]|`")
# Asterisk expands only ${VAR} and $[expr]: "Pa$sw0rd" in sip.conf is a password.
_ASTERISK_INTERPOLATION = re.compile(r"\$[{\[]")
SECRET_KINDS = (Kind.SECRET, Kind.TOKEN)
# A quoted SQL value in a PHP string (password = '" . $hash . "'): the "literal"
# is the code between two strings, kept.
_CONCATENATION = re.compile(r"[\"'`]\s*[.+]\s*[$\w(]")
# The same seen from inside: "session=" + sid + "; path=/" read as a literal
# whose content is the code between two strings.
_BETWEEN_STRINGS = re.compile(r"\s*[.+]\s*[$\w(][^'\"`]*[\w)\]]\s*[.+]\s*")
# WordPress's wp-config-sample.php stand-in for every key and salt.
STAND_INS = frozenset({"put your unique phrase here"})


def _replacement(kind: Kind | None, norm: str, value: str, admin: bool) -> str | None:
    """What a literal under a key of this kind becomes; None when it stays."""
    if kind in SECRET_KINDS:
        if looks_like_label(norm, value):
            return None
        return patterns.hash_placeholder(value) or ph.SECRET_PLACEHOLDER
    if kind is Kind.HASH:
        return patterns.hash_placeholder(value) or ph.hex_digest_placeholder(value) \
            or ph.LEGACY_HASH_PLACEHOLDER
    if kind is Kind.EMAIL:
        return patterns.email_value_replacement(value, admin=admin)
    if kind is Kind.PHONE and re.fullmatch(r"\+?[\d\s().\-/]{7,}", value):
        return ph.PHONE_PLACEHOLDER
    return None


class Literals:
    """Claims literals found by forms whose group "key" names what they hold."""

    def __init__(self, editor: Editor, rules: Rules, path: str) -> None:
        self.editor = editor
        self.text = editor.text
        self.extra = rules.secret_keys
        self.path = path
        # "$x" inside double quotes is a variable in PHP and shell only; in JS or
        # JSON it is part of the literal and must be redacted with the rest.
        name = posixpath.basename(path).lower()
        self.interpolating = not name.endswith(_LITERAL_DOLLAR_EXTENSIONS)
        self.interpolation = _ASTERISK_INTERPOLATION if path.startswith(
            "system/etc/asterisk/") else _INTERPOLATION

    def forms(self, forms: tuple[Form, ...]) -> None:
        for rule, needle, searcher in forms:
            if needle in self.text:
                self.scan(searcher, rule)

    def windows(self) -> list[tuple[int, int]]:
        """Where a key that names a secret can stand: the lines holding a word
        of the key vocabulary, with one line either side (``\\s`` may put a
        key's line break before its separator or a match's start before its
        key); the whole text when the profile adds secret keys."""
        if self.extra:
            return [(0, len(self.text))]
        return prefilter.lines(KEY_WORDS, self.text, before=1, after=1)

    def scan(self, regex: Searcher, rule: str) -> None:
        # Matches may overlap: in `"email":\n "password": "x"` the value of the
        # first candidate is the key of the real one, so search again from the
        # value instead of after the match. Only matches that start in a
        # window can have a wanted key; the rest would be read and dropped.
        pattern = regex if isinstance(regex, re.Pattern) else regex.regex
        groups = [g for g in ("v", "u", "u2") if g in pattern.groupindex]
        text, pos = self.text, 0
        ahead: re.Match[str] | None = None  # a plain search's match past its window
        for start, stop in self.windows():
            pos = max(pos, start)
            while pos < stop:
                if isinstance(regex, re.Pattern):
                    if ahead is None or ahead.start() < pos:
                        ahead = regex.search(text, pos)
                        if ahead is None:
                            return  # no match anywhere further
                    m = ahead if ahead.start() < stop else None
                else:
                    m = regex.search(text, pos, self.wanted, stop)
                if m is None:
                    break
                group = next(g for g in groups if m.group(g) is not None)
                self.literal(m, group, rule)
                pos = max(m.start() + 1, m.start(group) - 1)

    def wanted(self, key: str) -> bool:
        """Whether literals under this key can change: the rest need no match."""
        return classify(normalize(key), self.extra) is not None

    def literal(self, m: re.Match[str], group: str, rule: str) -> None:
        norm = normalize(m.group("key"))
        if classify(norm, self.extra) is None:
            return  # most keys in code: nothing to do (value() would return too)
        quote = m.group("v_q") if group == "v" else None
        k, text = m.start("key"), m.string
        if quote and k > 0 and text[k - 1] == quote and text[m.end("key")] != quote:
            # 'pw=' . urlencode($x): the name opens a string literal, and the
            # "value" quote closes it; what follows is code, not a value.
            return
        self.value(m.start(group), m.group(group), norm, rule, quote=quote)

    def quoted(self, m: re.Match[str], norm: str, rule: str, kind: Kind | None = None) -> None:
        """The literal of group "v" of m, under a key normalised to norm."""
        self.value(m.start("v"), m.group("v"), norm, rule, quote=m.group("v_q"), kind=kind)

    def value(
        self, start: int, value: str, norm: str, rule: str, *,
        quote: str | None, kind: Kind | None = None,
    ) -> None:  # fmt: skip
        """Claim one value under a key: replaced, kept on purpose, or left alone.

        kind overrides what the key classifies as (a name that is secret by
        its position, not its words)."""
        kind = kind or classify(norm, self.extra)
        if kind is None or (kind in SECRET_KINDS and not value_fits(norm, value)):
            return
        replacement = _replacement(kind, norm, value, is_admin_context(norm))
        interpolates = self.interpolating and quote != "'"
        if (
            patterns.keep_value(value)
            or value.lower() in STAND_INS
            or _CONCATENATION.search(value)
            or _BETWEEN_STRINGS.fullmatch(value)
            or (interpolates and self.interpolation.search(value))
            or (replacement is None and kind in SECRET_KINDS)
        ):
            # Recognised and deliberately kept: claim it unchanged so a looser
            # rule cannot take a different bite of the same value.
            self.editor.claim(start, start + len(value), value, rule)
        elif replacement is not None:
            self.editor.claim(start, start + len(value), replacement, rule)


class TextSanitizer(Literals):
    def run(self) -> None:
        name = posixpath.basename(self.path).lower()
        env = name.startswith(".env") or name.endswith(".env")
        if env:  # first: the shell forms' shorter bites must not win
            self.scan(_ENV_LINE, "text.shell_assign")
        self.forms(_FORMS)
        if env or name.endswith(_CONFIG_EXTENSIONS):
            self.scan(_CONFIG_LINE, "text.config_value")


def split_args(text: str, pos: int, limit: int = 2000) -> list[tuple[int, int]]:
    """Spans of the top-level arguments of a call whose "(" ends before pos."""
    args: list[tuple[int, int]] = []
    start, depth, quote = pos, 0, ""
    end = min(len(text), pos + limit)
    i = pos
    while i < end:
        char = text[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                args.append((start, i))
                return args
            depth -= 1
        elif char == "," and depth == 0:
            args.append((start, i))
            start = i + 1
        i += 1
    return args  # unterminated: the arguments seen so far


def sanitize_text(editor: Editor, rules: Rules, path: str) -> None:
    TextSanitizer(editor, rules, path).run()
