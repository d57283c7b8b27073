"""High-entropy tokens: long base64/base64url and hex strings whose Shannon
entropy says random rather than words, whatever key (if any) they stand under.

Not findings: git object ids and sha256 sums (40 and 64 hex digits), subresource
integrity and data: URIs, public keys (a line that says `public`), tokens built
from words (camelCase, kebab-case, paths) and the sanitizer's placeholders.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from flexgit.audit.placeholders import is_placeholder

MIN_LENGTH = 20
TRIGGER = r"[A-Za-z0-9][A-Za-z0-9+/_\-]{19,}"  # not separator lines (-----)
_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_CHECKSUM_LENGTHS = frozenset({40, 64})
_WORD_RUN = re.compile(r"[a-z]{4,}|[A-Z][a-z]{3,}")
_SKIP_BEFORE = re.compile(r"(?:base64,|\(stdin\)=\s*|sha(?:256|384|512)-|sha\d*[:=]\s*)$", re.I)
_SRI = re.compile(r"sha(?:256|384|512)-", re.I)  # integrity="sha384-..."
_PUBLIC = re.compile(r"(?i)public|\bpub\b")
HEX_BITS = 3.0
BASE64_BITS = 4.2


def shannon(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _wordy(token: str) -> bool:
    """Mostly words: identifiers, file names, kebab and camel case."""
    return sum(len(w) for w in _WORD_RUN.findall(token)) * 2 >= len(token)


def classify(token: str) -> str | None:
    """The rule a token falls under, or None when it does not look random."""
    token = token.rstrip("=")
    if len(token) < MIN_LENGTH or is_placeholder(token):
        return None
    if _HEX.fullmatch(token):
        if len(token) in _CHECKSUM_LENGTHS:
            return None
        return "entropy.hex" if shannon(token) >= HEX_BITS and len(token) >= 24 else None
    if not any(c.isdigit() for c in token) or _wordy(token):
        return None
    if "/" in token and all(len(p) < 16 for p in token.split("/")):
        return None  # a path or route
    bits = min(BASE64_BITS, 0.84 * math.log2(len(token)))
    return "entropy.base64" if shannon(token) >= bits else None


def _public_lines(lines: list[str], i: int) -> bool:
    """Line i is a PuTTY key's header or one of its Public-Lines (the public key)."""
    if lines[i].startswith("PuTTY-User-Key-File"):
        return True
    for j in range(i - 1, max(-1, i - 12), -1):
        m = re.match(r"Public-Lines:\s*(\d+)", lines[j])
        if m:
            return i - j <= int(m.group(1))
    return False


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    if _PUBLIC.search(line) or _public_lines(lines, i):
        return
    for m in _TOKEN.finditer(line):
        if _SKIP_BEFORE.search(line, 0, m.start()) or _SRI.match(m.group()):
            continue
        rule = classify(m.group())
        if rule:
            yield rule, m.group()
