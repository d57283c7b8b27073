"""PHP, JavaScript, shell, Markdown and other text: secret-named literals.

Only string literals assigned to a secret-named key are replaced, and only their
contents (the quotes stay), so code keeps parsing. Code references such as
``$password = $_POST['password']`` or ``'password' => $hash`` have no literal
and are left alone. Literal forms (each a rule name):

* ``text.php_literal``: ``'db_password' => '...'``, ``define('DB_PASS', '...')``,
  ``$secret = "..."``, ``private $secret = '...'``, ``$this->password = '...'``,
  ``$cfg['db_pass'] = '...'`` and the password argument of ``new PDO(...)``,
  ``new mysqli(...)``, ``mysqli_connect(...)``.
* ``text.js_literal``: ``password: '...'``, ``"password": "..."`` (JSON in
  docs), ``const API_KEY = "..."``, ``this.token = '...'``, ``pass='...'`` kwargs.
* ``text.shell_assign``: ``DB_PASS=...`` / ``export API_TOKEN="..."`` at a line
  start, and ``UPPER_CASE=...`` anywhere (``Environment=DB_PASS=...``, ``-e``).
* ``text.config_value``: unquoted ``key = value`` / ``key: value`` in
  ini/cnf/env/yaml/toml files, Apache ``SetEnv``, php-fpm ``env[KEY] = ...``,
  nginx ``fastcgi_param KEY value;``.

Double-quoted or unquoted values that interpolate (``"$prefix"``, ``${VAR}``,
``$(cmd)``) are code, not literals, and stay. So do empty values and
documentation stand-ins (``YOUR_PASSWORD_HERE``, ``<password>``, ``xxxx``).
Names are not looked for in code (they live in JSON and .conf files); emails
are found by the shared value patterns.
"""

from __future__ import annotations

import posixpath
import re

from flexgit.sanitize import patterns
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.anchored import Anchored, LineStart, anchored
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import (
    Kind,
    classify,
    is_admin_context,
    looks_like_label,
    normalize,
    words,
)
from flexgit.sanitize.rules import Rules


def _lit(name: str) -> str:
    """A one-line quoted literal; the content is group <name>, the quote <name>_q."""
    return rf"(?P<{name}_q>['\"])(?P<{name}>(?:(?!(?P={name}_q))[^\\\n]|\\.)*)(?P={name}_q)"


Searcher = re.Pattern[str] | Anchored | LineStart

_LIT = _lit("v")
_KEY = r"(?P<key>[A-Za-z_][\w.\-]*)"
_IDENT = r"(?P<key>[A-Za-z_]\w*)"
_UNQUOTED = r"(?P<u>(?![$`(])[^\s;&|()<>'\"`]+)"
_SHELL_PREFIX = r"[ \t]*(?:(?:export|local|readonly|typeset|declare(?:[ \t]+-\w+)*)[ \t]+)?"
_SHELL_LINE = _SHELL_PREFIX + _IDENT + "="

# (rule, needle, regex) in priority order; a text without the needle cannot
# match, which spares a regex scan of most files for most forms.
_FORMS_RE: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (rule, needle, re.compile(regex, re.M))
    for rule, needle, regex in (
        ("text.php_literal", "=>", rf"(?P<kq>['\"]){_KEY}(?P=kq)\s*=>\s*{_LIT}"),
        ("text.php_literal", "define",
         rf"define(?<![\w$]define)\s*\(\s*(?P<kq>['\"]){_KEY}(?P=kq)\s*,\s*{_LIT}"),
        ("text.php_literal", "$", rf"(?:\$|->|::\$){_IDENT}\s*=(?![=>])\s*{_LIT}"),
        ("text.php_literal", "[",
         rf"\[\s*(?P<kq>['\"]){_KEY}(?P=kq)\s*\]\s*=(?![=>])\s*{_LIT}"),
        ("text.shell_assign", "=", rf"^{_SHELL_LINE}(?:{_LIT}|{_UNQUOTED})"),
        ("text.shell_assign", "=",
         rf"(?<![\w$.\-/])(?P<key>[A-Z_][A-Z0-9_]*)=(?:{_LIT}|{_UNQUOTED})"),
        ("text.js_literal", ":", rf"(?P<kq>['\"]){_KEY}(?P=kq)\s*:\s*{_LIT}"),
        ("text.js_literal", "",
         rf"(?<![\w$>\-]){_IDENT}\s*(?::|=(?![=>]))\s*{_LIT}"),
        ("text.config_value", "SetEnv",
         rf"^[ \t]*SetEnv[ \t]+{_IDENT}[ \t]+(?:{_LIT}|{_UNQUOTED})"),
        ("text.config_value", "fastcgi_param",
         rf"^[ \t]*fastcgi_param[ \t]+{_IDENT}[ \t]+(?:{_LIT}|(?P<u2>[^\s;]+))"),
        ("text.config_value", "env[",
         rf"^[ \t]*env\[{_IDENT}\][ \t]*=[ \t]*(?:{_LIT}|{_UNQUOTED})"),
    )
)  # fmt: skip
# The forms that start with a key are searched from their separator (see
# .anchored): the scans that dominated the time on PHP and JavaScript.
_ANCHORS: dict[int, Anchored] = {
    0: anchored(_FORMS_RE[0][2], r"=>\s*['\"]", "dotted", spaces=True, quoted=True),
    5: anchored(_FORMS_RE[5][2], r"=(?<=[A-Z0-9_]=)", "upper", spaces=False),
    6: anchored(_FORMS_RE[6][2], r":\s*['\"]", "dotted", spaces=True, quoted=True),
    7: anchored(_FORMS_RE[7][2], r"(?::|=(?![=>]))\s*['\"]", "word", spaces=True),
}
_LINE_STARTS: dict[int, LineStart] = {
    4: LineStart(_FORMS_RE[4][2], re.compile(rf"\n{_SHELL_PREFIX}{_IDENT}=")),
}
_FORMS: tuple[tuple[str, str, Searcher], ...] = tuple(
    (rule, needle, _ANCHORS.get(i) or _LINE_STARTS.get(i) or regex)
    for i, (rule, needle, regex) in enumerate(_FORMS_RE)
)

_LITERAL_DOLLAR_EXTENSIONS = tuple(
    sorted(
        "." + ext for ext in words("js mjs cjs ts json py yml yaml toml ini cnf xml html htm css")
    )
)
_CONFIG_EXTENSIONS = (".ini", ".cnf", ".env", ".properties", ".cfg", ".toml", ".yml", ".yaml")
_CONFIG_LINE = re.compile(
    rf"^[ \t]*{_KEY}[ \t]*[=:][ \t]*(?P<u>[^\s#;'\"][^\n#;]*?)[ \t\r]*(?:[#;].*)?$", re.M
)
# A .env line, as dotenv reads it: an unquoted value runs to the end of the
# line or a " #" comment, spaces and "#" inside included ("correct horse
# battery", "a#b"); the shell form alone would stop at the first space. A
# commented-out line is read the same way: it still holds a password. A
# value with "$" or "`" (interpolation) is left to the shell forms.
_ENV_LINE = re.compile(
    rf"^[ \t]*(?:#[ \t]*)?(?:export[ \t]+)?{_IDENT}[ \t]*=[ \t]*"
    r"(?P<u>[^\s'\"#$`](?:[^\n#$`]|(?<=\S)#)*?)(?:[ \t]+#.*)?[ \t\r]*$",
    re.M,
)
_CONNECT = re.compile(
    r"(?:\bnew\s+\\?(?P<pdo>PDO|mysqli)|\b(?P<fn>mysqli_connect|mysql_connect|"
    r"mysqli_real_connect))\s*\(",
    re.I,
)
_CONNECT_NEEDLE = re.compile(r"(?i)pdo|mysql")


def _may_connect(text: str) -> bool:
    """Whether _CONNECT can match; its case-insensitive "\\b"-led scan is slow.

    Substring tests on the lower-cased text are exact for ASCII only (re.I
    folds some non-ASCII letters to ASCII ones), so other text takes the regex.
    """
    if not text.isascii():
        return _CONNECT_NEEDLE.search(text) is not None
    low = text.lower()
    return ("new" in low and ("pdo" in low or "mysqli" in low)) or (
        "mysql" in low and "_connect" in low
    )
_LIT_ONLY = re.compile(rf"\s*{_LIT}\s*")
_INTERPOLATION = re.compile(r"\$[\w{(@*#?!$-]|`")
# Asterisk expands only ${VAR} and $[expr]: "Pa$sw0rd" in sip.conf is a password.
_ASTERISK_INTERPOLATION = re.compile(r"\$[{\[]")


def _replacement(kind: Kind | None, norm: str, value: str, admin: bool) -> str | None:
    """What a literal under a key of this kind becomes; None when it stays."""
    if kind in (Kind.SECRET, Kind.TOKEN):
        if looks_like_label(norm, value):
            return None
        return patterns.hash_placeholder(value) or ph.SECRET_PLACEHOLDER
    if kind is Kind.HASH:
        return patterns.hash_placeholder(value) or ph.LEGACY_HASH_PLACEHOLDER
    if kind is Kind.EMAIL:
        return patterns.email_value_replacement(value, admin=admin)
    if kind is Kind.PHONE and re.fullmatch(r"\+?[\d\s().\-/]{7,}", value):
        return ph.PHONE_PLACEHOLDER
    return None


class TextSanitizer:
    def __init__(self, editor: Editor, rules: Rules, path: str) -> None:
        self.editor = editor
        self.text = editor.text
        self.extra = rules.secret_keys
        name = posixpath.basename(path).lower()
        self.env = name.startswith(".env") or name.endswith(".env")
        self.config = name.endswith(_CONFIG_EXTENSIONS) or self.env
        # "$x" inside double quotes is a variable in PHP and shell only; in JS or
        # JSON it is part of the literal and must be redacted with the rest.
        self.interpolating = not name.endswith(_LITERAL_DOLLAR_EXTENSIONS)
        self.interpolation = _ASTERISK_INTERPOLATION if path.startswith(
            "system/etc/asterisk/") else _INTERPOLATION

    def run(self) -> None:
        if self.env:  # first: the shell forms' shorter bites must not win
            self.scan(_ENV_LINE, "text.shell_assign")
        for rule, needle, regex in _FORMS:
            if needle in self.text:
                self.scan(regex, rule)
        if _may_connect(self.text):
            self.connect_calls()
        if self.config:
            self.scan(_CONFIG_LINE, "text.config_value")

    def scan(self, regex: Searcher, rule: str) -> None:
        # Matches may overlap: in `"email":\n "password": "x"` the value of the
        # first candidate is the key of the real one, so search again from the
        # value instead of after the match.
        pattern = regex if isinstance(regex, re.Pattern) else regex.regex
        groups = [g for g in ("v", "u", "u2") if g in pattern.groupindex]
        pos = 0
        while m := (regex.search(self.text, pos) if isinstance(regex, re.Pattern)
                    else regex.search(self.text, pos, self.wanted)):
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
        value = m.group(group)
        quote = m.group("v_q") if group == "v" else None
        interpolates = self.interpolating and quote != "'"
        self.value(m.start(group), value, norm, rule, interpolates=interpolates)

    def value(self, start: int, value: str, norm: str, rule: str, *, interpolates: bool) -> None:
        kind = classify(norm, self.extra)
        if kind is None:
            return
        replacement = _replacement(kind, norm, value, is_admin_context(norm))
        if (
            patterns.keep_value(value)
            or (interpolates and self.interpolation.search(value))
            or (replacement is None and kind in (Kind.SECRET, Kind.TOKEN))
        ):
            # Recognised and deliberately kept: claim it unchanged so a looser
            # rule cannot take a different bite of the same value.
            self.editor.claim(start, start + len(value), value, rule)
        elif replacement is not None:
            self.editor.claim(start, start + len(value), replacement, rule)

    def connect_calls(self) -> None:
        """The third positional argument of PDO/mysqli constructors is a password."""
        for m in _CONNECT.finditer(self.text):
            index = 3 if (m.group("fn") or "").lower() == "mysqli_real_connect" else 2
            args = _split_args(self.text, m.end())
            if len(args) <= index:
                continue
            start, end = args[index]
            arg = _LIT_ONLY.fullmatch(self.text, start, end)
            if arg is not None:
                interpolates = self.interpolating and arg.group("v_q") != "'"
                self.value(
                    arg.start("v"), arg.group("v"), "password", "text.php_literal",
                    interpolates=interpolates,
                )  # fmt: skip


def _split_args(text: str, pos: int, limit: int = 2000) -> list[tuple[int, int]]:
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
        elif char in "'\"":
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
