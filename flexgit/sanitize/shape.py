"""What a made-up secret looks like by its characters alone, for rules that
know a value's place but not its name.

A rule that finds a literal by its position (the literal after a user name in
a call, a value of a map of users, a token in the comment after a password,
a value under a key name nobody wrote down) cannot ask the key what it holds;
it asks the value. Two shapes:

* :func:`password_shaped`: 8-64 characters without spaces, letters with
  digits and both cases (or punctuation no identifier uses), and built the
  way a generator or a person making one up builds it, not from words:
  ``Kx9.mQ!r2T`` is one, ``getUserName2``, ``en_US.UTF-8``, ``x86_64``,
  ``G.711``, ``/var/lib`` and ``https://...`` are not.
* :func:`key_shaped`: a random key in hex (16+ digits) or base64/base64url
  (20+ characters), whose Shannon entropy says random rather than words.

Written for the sanitizer's own use; the audit has its own detectors
(docs/design.md: the audit shares no code with the rules it checks).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from flexgit.sanitize import patterns

# An alphanumeric run built from words: one word in one case or Capitalized,
# camelCase and PascalCase humps, an acronym, each with a trailing number
# (getUserName2, HTTPServer, utf8), or a number with a short unit (10ms, 2nd).
_CLEAN_RUN = re.compile(
    r"[a-z]+\d*|[A-Z]+\d*|[A-Z][a-z]+\d*|\d+[a-z]{0,4}|\d+[A-Z]{0,3}"
    r"|(?:[a-z]{2,}|[A-Z][a-z]+|[A-Z]{2,})(?:[A-Z][a-z]{2,}|[A-Z]{2,}(?![a-z]))+\d*"
    r"|[a-z]+(?:[A-Z][a-z]{2,}|[A-Z]{2,4}(?![a-z]))+\d*"
)
_RUN = re.compile(r"[A-Za-z0-9]+")
_ODD_PUNCT = frozenset("!^~*+&#?%")
_WORD = re.compile(r"[A-Z]?[a-z]{3,}")
_VOWEL = re.compile("[aeiouyAEIOUY]")
_HEX = re.compile(r"[0-9a-fA-F]+")
_B64 = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")
_NOT_A_VALUE = re.compile(r"://|^[./~]|^[\w.+-]+@[\w-]+\.[\w.]+$|\$\{|\{\{")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values()) if n else 0.0


def password_shaped(value: str) -> bool:
    """Whether a value reads as a made-up password (see the module docstring)."""
    if not 8 <= len(value) <= 64 or not value.isascii() or not value.isprintable():
        return False
    if " " in value or patterns.keep_value(value) or _NOT_A_VALUE.search(value):
        return False
    lower = any(c.islower() for c in value)
    upper = any(c.isupper() for c in value)
    digit = any(c.isdigit() for c in value)
    odd = bool(set(value) & _ODD_PUNCT)
    if not (lower or upper) or not (digit or odd) or not ((lower and upper) or odd):
        return False
    # A generator seldom repeats a character; a stand-in (Passw0rd1111) does.
    if entropy(value) < math.log2(len(value)) - 1.0:
        return False
    if odd:
        return True
    # Mostly words (T38FaxMaxDatagram, IPv4-mapped, Ubuntu-22.04), or words
    # and numbers in short clean runs (en_US.UTF-8): names, not secrets. A
    # random draw can look like camelCase (JgIev1) but is not made of words.
    if sum(len(w) for w in _WORD.findall(value) if _VOWEL.search(w)) * 2 >= len(value):
        return False
    runs = _RUN.findall(value)
    return not all(_CLEAN_RUN.fullmatch(r) for r in runs) or max(map(len, runs)) > 4


def key_shaped(value: str) -> bool:
    """Whether a value reads as a random key: long hex or base64 of high entropy."""
    value = value.strip()
    if _HEX.fullmatch(value):
        return len(value) >= 16 and entropy(value) >= 2.5
    if len(value) < 20 or len(value) > 512 or not _B64.fullmatch(value):
        return False
    if patterns.keep_value(value):
        return False
    # Letters alone only when long and in both cases (a random draw without
    # a digit); shorter letter runs are words and names.
    if not any(c.isdigit() for c in value) and not (
            len(value) >= 24 and value.lower() != value and value.upper() != value):
        return False
    body = value.rstrip("=")
    return entropy(body) >= min(3.8, 0.75 * math.log2(len(body))) and not all(
        _CLEAN_RUN.fullmatch(r) for r in _RUN.findall(body))
