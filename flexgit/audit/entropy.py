"""High-entropy tokens: long base64/base64url and hex strings whose Shannon
entropy says random rather than words, whatever key (if any) they stand under.

A hex body behind a short prefix (Mailgun's `key-`, DigitalOcean's
`dop_v1_`) is a token whatever its length; a token of letters only is random
when it mixes cases and holds next to no words (`rk_live_...`, an API token).

Not findings: git object ids and sha256 sums (40 and 64 hex digits) unless a
secret's key names them (`sessionkey=`, `"private_key_id":`, `Private-MAC:`),
subresource integrity and data: URIs, public keys (a line that says `public`),
tokens built from words (camelCase, kebab-case, paths) and the sanitizer's
placeholders.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator

from flexgit.audit.placeholders import is_placeholder
from flexgit.audit.words import word_share

MIN_LENGTH = 20
TRIGGER = r"[A-Za-z0-9][A-Za-z0-9+/_\-]{19,}"  # not separator lines (-----)
_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_CHECKSUM_LENGTHS = frozenset({40, 64})
_PREFIXED_HEX = re.compile(r"[A-Za-z][A-Za-z0-9]{1,7}[-_](?:v\d[-_])?([0-9a-fA-F]{24,})")
# The key of a secret right before a checksum-length hex value.
_SECRET_KEY = re.compile(r"(?i)(?:secret|private|token|key|mac|session|auth|pass|salt|sig)"
                         r"[\w.\-]*[\"']?\s*(?:=>|[:=])\s*[\"']?$")
_SKIP_BEFORE = re.compile(r"(?:base64,|\(stdin\)=\s*|sha(?:256|384|512)-|sha\d*[:=]\s*)$", re.I)
_SRI = re.compile(r"sha(?:256|384|512)-", re.I)  # integrity="sha384-..."
_PUBLIC = re.compile(r"(?i)public|\bpub\b")
HEX_BITS = 3.0
BASE64_BITS = 4.2


def shannon(s: str) -> float:
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


_CLEAN_PIECE = re.compile(r"[a-z]+\d*|[A-Z][a-z]+\d*|[A-Z]+\d*|\d+")


def _wordy(token: str) -> bool:
    """Mostly words: identifiers, file names, kebab, snake and camel case
    (`flexpbx_module_0001_rows`: pieces in one case each, as no random draw
    of mixed-case letters and digits cuts)."""
    pieces = re.split(r"[-_.]+", token.strip("-_."))
    if len(pieces) >= 2 and all(len(p) < 16 and _CLEAN_PIECE.fullmatch(p) for p in pieces):
        return True
    return word_share(token, least=4, strict=False) >= 0.5


def _path(token: str) -> bool:
    """A path or route: short components, or an absolute path of words whose
    components are short once split at `-`, `_` and `.` (a temporary
    directory's random suffix)."""
    if "/" not in token:
        return False
    if all(len(p) < 16 for p in token.split("/")):
        return True
    return token.startswith(("/", "./", "~/")) and word_share(token) >= 0.25 \
        and all(len(p) < 16 for p in re.split(r"[/\-_.]", token))


def classify(token: str, *, keyed: bool = False) -> str | None:
    """The rule a token falls under, or None when it does not look random.
    `keyed`: a secret's key stands right before it."""
    token = token.rstrip("=")
    if len(token) < MIN_LENGTH or is_placeholder(token):
        return None
    if _HEX.fullmatch(token):
        if len(token) in _CHECKSUM_LENGTHS and not keyed:
            return None
        return "entropy.hex" if shannon(token) >= HEX_BITS and len(token) >= 24 else None
    prefixed = _PREFIXED_HEX.fullmatch(token)
    if prefixed and shannon(prefixed.group(1)) >= HEX_BITS:
        return "entropy.hex"
    if _wordy(token) or _path(token):
        return None
    # Letters only: random when both cases mix and hardly a word is in it.
    if not any(c.isdigit() for c in token) and (
            token.lower() == token or token.upper() == token or word_share(token) >= 0.3):
        return None
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
        rule = classify(m.group(), keyed=_SECRET_KEY.search(line, 0, m.start()) is not None)
        if rule:
            yield rule, m.group()
