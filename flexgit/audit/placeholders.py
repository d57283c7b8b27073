"""The sanitizer's placeholders, as the audit recognises them.

Kept here on purpose rather than imported from `flexgit.sanitize`: the audit
must not share a line of the code it checks. A value that contains one of these
markers, or is one of these fixed values, is what a sanitized file is meant to
hold and never a finding.
"""

from __future__ import annotations

import hashlib
import itertools

# Substrings: the secret placeholder, the body of the hash placeholders (cut
# to 12 characters in a 13-character DES field), the original tools' template
# marker, and base64 of a value that starts with "FLEXGIT-REDACTE" (the salt
# and hash of the argon2 and LDAP placeholders).
MARKERS = ("FLEXGIT-REDACTED", "FLEXGITREDAC", "HASHED_PLACEHOLDER",
           "RkxFWEdJVC1SRURBQ1RFR")
EMAILS = frozenset({"user@example.com", "admin@example.com"})
NAMES = frozenset({"FlexPBX User"})
# The stand-in people of documentation (Asterisk's samples, READMEs): like
# 1234 for a PIN, they say "a name goes here".
DOC_NAMES = frozenset({"John Doe", "Jane Doe", "John Smith", "Jane Smith", "Joe Schmoe",
                       "Lorem Ipsum", "My Name", "Your Name", "Full Name", "First Last",
                       "Firstname Lastname"})
PHONES = frozenset({"+15555550100", "15555550100"})
_SECRET = b"FLEXGIT-REDACTED"
# The digests of the placeholder: what a sanitizer writes where a hash must
# stay a well-formed hash (MD5 ha1, SHA-1 columns, MySQL native `*HEX`).
DIGESTS = frozenset({hashlib.md5(_SECRET).hexdigest(), hashlib.sha1(_SECRET).hexdigest(),
                     hashlib.sha256(_SECRET).hexdigest(),
                     "*" + hashlib.sha1(hashlib.sha1(_SECRET).digest()).hexdigest().upper()})
_FIXED = EMAILS | NAMES | PHONES | DOC_NAMES


def is_placeholder(value: str) -> bool:
    """True for a placeholder the sanitizer writes, or a value built from one."""
    return value in _FIXED or any(m in value for m in MARKERS) \
        or value.lower() in DIGESTS or value in DIGESTS


def stand_in(digits: str) -> bool:
    """A number documentation writes for "your PIN here": one digit repeated
    (0000) or a run up or down (1234, 123456, 9876)."""
    if len(set(digits)) == 1:
        return True
    steps = {int(b) - int(a) for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {-1})
