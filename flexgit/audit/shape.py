"""Password-shaped tokens, wherever they stand and whatever (if anything)
names them: the layer that does not need to understand the syntax.

A password a person or a generator made mixes letters of both cases with
digits or punctuation in a way no name does (`Kx9.mQ!r2T`); the names,
versions and identifiers of configuration and code are built from clean runs
(`en_US.UTF-8`, `x86_64`, `getUserName2`, `G.711`). A token is split at its
punctuation into alphanumeric runs; it is password-shaped when it is 8 to 64
characters long, mixes three of the four classes (lower, upper, digit,
punctuation), and at least one run is not clean: digits inside letters
(`C99Mjd`, `Oy8i`), case that flips more than camelCase does (`ealJk`), or
punctuation no identifier uses (`!^~*%+&`) next to letters and digits.

Not findings: placeholders, variables and templates (`$`, `{`, `}`), URL
escapes (`%2F`), base64 and hex blobs (entropy.py decides those), and tokens
made of words.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterator

from flexgit.audit import entropy
from flexgit.audit.placeholders import is_placeholder
from flexgit.audit.words import word_share

RULE = "shape.password"
# Where a token ends: space, quotes, brackets, and the separators of keys,
# userinfo and paths (`user:pw@host`, `-U user%pw` stays whole: % is in values).
TRIGGER = r"""[^\s"'`<>()\[\]{},;=|:@/\\\x00-\x1f\x7f]{8,}"""
_TOKEN = re.compile(TRIGGER)
_RUN = re.compile(r"[A-Za-z0-9]+")
# Clean runs: a word in one case, Capitalized, camelCase humps, an acronym,
# digits, a word with a trailing number (sha256, utf8, x86), a number with a
# unit (10ms, 2nd, 64k).
_CLEAN = re.compile(r"[a-z]+\d*|[A-Z]+\d*|[A-Z][a-z]+\d*|\d+[a-z]{0,4}|\d+[A-Z]{0,3}"
                    r"|(?:[a-z]{2,}|[A-Z][a-z]+|[A-Z]{2,})(?:[A-Z][a-z]{2,}|[A-Z]{2,}(?![a-z]))+\d*"
                    r"|[a-z]+(?:[A-Z][a-z]{2,}|[A-Z]{2,4}(?![a-z]))+\d*")
_ODD_PUNCT = frozenset("!^~*+&#?%")
# How far below a string of all-distinct characters (log2 of its length) the
# token's Shannon entropy may fall: a made-up 12-character secret repeats a
# character or two (about 0.3 bits below), a stand-in or a word repeats more.
_REPEATS = 0.7
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_BLOB = 40
_HEXISH = re.compile(r"[0-9a-fA-F]+")
_URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_TRIM = ".-_!?*"


def classes(token: str) -> int:
    return (any(c.islower() for c in token) + any(c.isupper() for c in token)
            + any(c.isdigit() for c in token) + any(not c.isalnum() for c in token))


def password_shaped(token: str) -> bool:
    """Whether `token` (already cut at separators) reads as a made-up secret."""
    if not 8 <= len(token) <= 64 or not token.isascii() or not token.isprintable():
        return False
    if token.islower() or token.isupper():
        return False  # one case only (the test below, first because most tokens fail it)
    if is_placeholder(token) or "$" in token:
        return False
    if len(_URL_ESCAPE.findall(token)) >= 2:  # URL-encoded text, not a `%` in a secret
        token = _URL_ESCAPE.sub("", token)
        if len(token) < 8:
            return False
    if _HEXISH.fullmatch(token):
        return False  # a digest or an id: entropy.py and hashes.py judge those
    if _encodes_words(token):
        return False  # base64 of plain words ('aGVsbG8gd29ybGQ='): encoded.py reads inside
    upper, lower = any(c.isupper() for c in token), any(c.islower() for c in token)
    if not (upper and lower) or classes(token) < 3:
        return False  # one case only: host names, file names, MAC-named files
    if not (any(c.isdigit() for c in token) or set(token) & _ODD_PUNCT):
        return False  # Named-ACLs, Core-Configuration: words and a hyphen
    if entropy.shannon(token) < math.log2(len(token)) - _REPEATS:
        return False  # repeats no generator makes: AAAAx1y2z3, Pass1111
    if word_share(token, acronyms=False) >= 0.5:
        return False  # mostly words: T38FaxMaxDatagram, IPv4-mapped, Grandstream1
    runs = _RUN.findall(token)
    odd = [r for r in runs if not _CLEAN.fullmatch(r) and not _HEXISH.fullmatch(r)]
    punct = {c for c in token if not c.isalnum()}
    if sum(len(r) for r in odd) >= 3:
        return True
    # Clean runs: still a password when punctuation no name uses joins letters
    # and digits (`Pass+2024!`, `b6+cV%I^*20a`).
    return bool(punct & _ODD_PUNCT) and any(c.isdigit() for c in token)


def _encodes_words(token: str) -> bool:
    """A base64 token whose bytes are printable text of words: what it
    says is judged by encoded.py (which decodes and scans it), not its shape."""
    body = token.rstrip("=")  # the cut at separators may have taken the padding
    if len(body) < 12 or not set(body) <= _BASE64 or len(body) % 4 == 1:
        return False
    try:
        text = base64.b64decode(body + "=" * (-len(body) % 4), validate=True).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return False
    return text.isprintable() and word_share(text.replace(" ", ""), acronyms=False) >= 0.8


def _in_blob(line: str, start: int, end: int) -> bool:
    """Whether the token is a piece of a long base64 run (a key body, a
    certificate): entropy.py judges the run as a whole."""
    while start > 0 and line[start - 1] in _BASE64:
        start -= 1
    while end < len(line) and line[end] in _BASE64:
        end += 1
    return end - start >= _BLOB


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _TOKEN.finditer(line):
        token = m.group().strip(_TRIM)
        if password_shaped(token) and not _in_blob(line, m.start(), m.end()):
            yield RULE, token
