"""Keyword proximity: a secret keyword (password, secret, token, api key, PIN,
passphrase, auth, credential, ...) and, right after it on the same line, a
credential-shaped value, in whatever syntax binds the two (`key=value`,
`'key' => 'value'`, `"key": "value"`, `define('KEY', 'value')`, `Key: value`,
`- **Password:** value`, `$key = "value"`). A keyword that opens a block
(`"api_keys": {`) arms the block's lines too, so a value under a neutral
name (`"portal": "..."`) inside it is still seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.placeholders import MARKERS, is_placeholder, stand_in
from flexgit.audit.words import word_share

RULE = "keyword.secret"

# Long stems match inside words (authpassword, remotesecret); short ones only
# as a word or a part of a snake/kebab/camel name (DB_PASS, dbPass, md5_cred),
# so that passthrough, bypass, ping, author and oauth do not count.
_LONG = (r"passw(?:or)?d|passphrase|passcode|secret|token|credential|vmpin|pincode|"
         r"api[_\- ]?key|(?:private|secret|access|auth|app|signing|encryption|master|"
         r"license|client)[_\-]?key")
_SHORT = r"pass|pwd|pw|pin|auth|cred|salt|otp|totp"
# A short stem glued to the end of a key (dbpass=, smtppass:, rootpw =) counts
# only in a key's place, right before its assignment.
TRIGGER = (rf"(?i:{_LONG})|(?<![A-Za-z])(?i:{_SHORT})(?![a-z])"
           rf"|(?<=[a-z])(?:Pass|Pwd|Pw|Pin|Auth|Cred|Salt|Otp)(?![a-z])"
           r"""|(?<=[a-z])(?:pass|pwd|pw)(?=["'\]]?[ \t]*(?:=>|[:=]))""")
_KEYWORD = re.compile(TRIGGER)
# What the prefilter's automaton looks for (lowercased): every keyword contains one.
WORDS = ("pass", "pwd", "pw", "pin", "secret", "token", "cred", "auth", "salt", "otp",
         *(f"{a}{sep}key" for a in ("api", "private", "access", "app", "signing", "encryption",
                                    "master", "license", "client") for sep in ("", "_", "-", " ")))

# Between the keyword and its value: the rest of the key's name, quotes, the
# assignment or separator, an opening bracket or call.
# Quotes: ASCII, and the typographic ones word processors and cp1252 bring.
_Q = "\"'`\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb"
_SEP = re.compile(rf"""[\w.\-]*[{_Q}\]]*\s*\**\s*(?:=>|:=|===|==|=|:|,|\?\?|\?:|\s)?\**\s*"""
                  rf"""(?:\(\s*)?[{_Q}]?""")
# Control bytes end a value too (NULs between the fields of a data file).
_VALUE = re.compile(rf"""[^\s{_Q},;)\]}}<>\x00-\x1f\x7f]+""")
_IDENT = re.compile(r"[\w./\-]*")

# A key whose value is a name, a size or a place, not a secret.
_NEUTRAL_KEYS = frozenset({"auth", "outbound_auth", "inbound_auth", "auth_type", "authtype",
                           "token_type", "auth_method", "authmethod", "auth_mode",
                           "pin_length", "password_min_length"})
_NEUTRAL_SUFFIX = re.compile(r"(?i)[_\-.](?:length|len|min|max|min_length|max_length|"
                             r"expiry|expires|ttl|timeout|lifetime|file|path|dir|type|mode|"
                             r"policy|field|name|label|hint|placeholder|column|url|uri|"
                             r"header|param|id|count|attempts|retries|enabled|required)$")
# Variables, template fields, calls (`getenv(`, `localStorage.getItem(`), annotations.
_VARIABLE = re.compile(r"""\$\w+|\$\{[^}]*\}?|%\w+%?|\{\{.*|<[\w-]+>?|[\w$.\->:\\]+\(.*|@\w+""")
_REFERENCE = re.compile(r"(?:env|file|fd|stdin):")  # openssl's pass sources
_NUMBERS = re.compile(r"[\d.:/\-]+")  # versions, dates, times, IPs, ports
_PIN_WORDS = re.compile(r"(?i)pin|passcode|pass|pwd|secret|code")
_OPENER = re.compile(r"""[:=>(,]\s*(?:array\s*\(|[\[{(])\s*$""")
_BLOCK_VALUE = re.compile(r"""^\s*["']?[\w.\-]+["']?\s*(?:=>|:|=)\s*["'`]?([^\s"'`,;)\]}]+)""")
_BLOCK_LINES = 20
# `_near`: how far from a PIN or password keyword a bare number still belongs
# to it, a number that is no version, time, date or address, and a passphrase.
_NEAR = 40
_NUMBER = re.compile(r"(?<![\w.:/\-=$])\d{4,12}(?![\w:/\-])(?!['\"]?\s*(?::|=>))")
_NUMBERS_AROUND = re.compile(r"\.\d")
# App passwords in groups of four letters (Google's `abcd efgh ijkl mnop`, Apple's
# `abcd-efgh-ijkl-mnop`): words to no one, spaces included.
_GROUPED = re.compile(r"[a-z]{4}(?:([ \-])[a-z]{4})(?:\1[a-z]{4}){2}(?![\w\-])")
_PHRASE = re.compile(r"""[\w.\-]*["'`\]]*\s*(?:=>|:=|=|:)\s*["'`]?"""
                     r"""([a-z]{3,}(?:[ \-][a-z0-9]{2,}){3,})""")


def shaped(token: str, *, pin: bool = False) -> bool:
    """A token that looks like a credential rather than a name, number or path."""
    if len(token) < 4 or is_placeholder(token) or _VARIABLE.fullmatch(token):
        return False
    if token[0] in "@[$" or "[" in token or "@" in token or _REFERENCE.match(token):
        return False  # `password@host`, `[:password]` syntax, `env:NAME`, `file:path`
    if not token.isprintable():
        return False  # control bytes, undecodable bytes: noise in a binary-ish file
    if token.isdigit():
        return pin and 4 <= len(token) <= 12
    if len(token) < 6 or _NUMBERS.fullmatch(token):
        return False
    if token.startswith(("/", "./", "../", "~/", "http://", "https://", "file:")):
        return False
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    if has_digit and has_alpha:
        # An identifier with a digit (utf8mb4, sha256, md5_cred) is still a name.
        return not re.fullmatch(r"[a-z]+\d*[a-z]*\d*(?:_[a-z]+\d*)*", token)
    upper = any(c.isupper() for c in token)
    lower = any(c.islower() for c in token)
    odd = any(not c.isalnum() and c not in "-_." for c in token)
    # Letters only: a generated token mixes cases with hardly a word in it.
    return upper and lower and (odd or (len(token) >= 16 and word_share(token) < 0.3))


def _neutral(line: str, start: int, end: int) -> bool:
    """The keyword is part of a neutral key (auth=, pin_length) or a file name
    (.htpasswd, /etc/passwd, password.php)."""
    left = _IDENT.match(line[::-1], len(line) - start)
    head = line[len(line) - left.end():start] if left else ""
    tail = _IDENT.match(line, end)
    name = head + line[start:end] + (tail.group() if tail else "")
    if "/" in name or head.endswith(".") or name.startswith("."):
        return True
    if re.search(r"\.(?:php|js|json|html?|txt|md|conf|inc|sh|py|db|sql|log)$", name, re.I):
        return True
    key = name.strip(".-").lower()
    return key in _NEUTRAL_KEYS or _NEUTRAL_SUFFIX.search(key) is not None


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    """(rule, value) for the values bound to a keyword on line `i`."""
    line = lines[i]
    claimed = 0
    for m in _KEYWORD.finditer(line):
        if m.start() < claimed or _neutral(line, m.start(), m.end()):
            continue
        sep = _SEP.match(line, m.end())
        at = sep.end() if sep else m.end()
        grouped = _GROUPED.match(line, at)
        if grouped:
            claimed = grouped.end()
            yield RULE, grouped.group()
            continue
        v = _VALUE.match(line, at)
        if v is not None:
            claimed = v.end()
        if v is not None and shaped(v.group(), pin=_PIN_WORDS.search(m.group()) is not None):
            yield RULE, v.group()
        elif v is None or not _VARIABLE.fullmatch(v.group()):
            # no value right behind it: `if ('1234' == $_POST['pin'])`, prose
            yield from _near(line, m, _answered(line, m))


_COMMENT = re.compile(r"\s(?:;|#|//|--)\s")


def _answered(line: str, m: re.Match[str]) -> int:
    """Where a PIN may still stand when the keyword's value is a placeholder,
    right behind it or a few words on: a number before the placeholder is no
    PIN (`The SIP secret for 1001 is FLEXGIT-REDACTED`), nor one in the same
    statement after it (`... WHERE extension = '2001'`, a port); one in a
    comment after it still is (`password = FLEXGIT-REDACTED ; set 158636 for
    reset`). 0 when there is no placeholder; the line's end when no comment follows."""
    window = line[m.end():m.end() + _NEAR + 20]
    at = min((k for k in (window.find(p) for p in MARKERS) if k >= 0), default=-1)
    if at < 0:
        return 0
    comment = _COMMENT.search(line, m.end() + at)
    return comment.end() if comment else len(line)


def _near(line: str, m: re.Match[str], after: int = 0) -> Iterator[tuple[str, str]]:
    """What prose and code put a few words after a keyword rather than right
    behind it: `The conference PIN is 457572.`, `if ('1234' == $_POST['pin'])`
    (before it, too), and a passphrase of words (`Passphrase: orbit thistle
    nectar river 66`)."""
    word = m.group().lower()
    if "phrase" in word:
        p = _PHRASE.match(line, m.end())
        if p and not is_placeholder(p.group(1)):
            yield RULE, p.group(1)
        return
    if not _PIN_WORDS.search(word):
        return
    lo, hi = max(0, m.start() - _NEAR, after), min(len(line), m.end() + _NEAR)
    if after:
        hi = min(len(line), after + _NEAR)
    for n in _NUMBER.finditer(line, lo):
        if n.start() > hi:
            break
        if not stand_in(n.group()) and not _NUMBERS_AROUND.match(line, n.end()):
            yield RULE, n.group()


def find_in_block(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    """The value of line `i`, which lies inside a block a keyword line opened
    (`"api_keys": {` ... `"portal": "value"`), or stands alone under a label
    (`### Root password of the NAS`, then the value on a line of its own)."""
    v = _BLOCK_VALUE.match(lines[i]) or _LONE.match(lines[i])
    if v and shaped(v.group(1), pin=True):
        yield RULE, v.group(1)


# A line that is only a label naming a secret: a heading, `**Password:**`,
# `<dt>Secret</dt>`, `Password:`; its value may stand on the next lines.
_LABEL = re.compile(r"^\s*(?:#{1,6}\s+|[*_]{1,2}|<(?:h\d|dt|th|b|strong)>)?"
                    r"[A-Za-z][\w \-'/()]{0,60}?(?::|[*_]{1,2}|</\w+>)*\s*:?\s*$")
_LONE = re.compile(r"""^\s*(?:<(?:dd|td|code|pre)>)?[`'"]?([^\s`'"<>]{4,})[`'"]?"""
                   r"""(?:</(?:dd|td|code|pre)>)?\s*$""")
_LABEL_LINES = 3


def block(lines: list[str], i: int) -> range:
    """The lines a keyword line `i` opens as a block (`"api_keys": {`), if any."""
    line = lines[i]
    if not any(not _neutral(line, k.start(), k.end()) for k in _KEYWORD.finditer(line)):
        return range(0)
    if _LABEL.match(line) and len(line.split()) <= 10:
        return range(i + 1, min(len(lines), i + 1 + _LABEL_LINES))
    if not _OPENER.search(line):
        return range(0)
    indent = len(line) - len(line.lstrip())
    end = i + 1
    while end < len(lines) and end <= i + _BLOCK_LINES:
        nxt = lines[end]
        if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
            break
        end += 1
    return range(i + 1, end)
