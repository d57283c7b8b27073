"""The fixed values the sanitizer writes in place of secrets and personal data.

Every placeholder is a constant, so sanitizing is deterministic and restore can
tell a placeholder from a live value with :func:`is_placeholder`. Each one keeps
the type and shape of what it replaces: an email stays an address, a password
hash stays a hash of the same scheme (so code that parses it still works), a
number stays a number.
"""

from __future__ import annotations

import base64
import hashlib
import re
from types import MappingProxyType
from typing import Final

# Restore looks for this exact marker: `fresh` replaces it with a new strong
# secret, `merge` keeps the live value.
SECRET_PLACEHOLDER: Final = "FLEXGIT-REDACTED"
# What the original FlexPBX tools wrote into account templates.
LEGACY_HASH_PLACEHOLDER: Final = "HASHED_PLACEHOLDER"

# FlexPBX itself treats these two addresses as "not configured yet".
EMAIL_PLACEHOLDER: Final = "user@example.com"
ADMIN_EMAIL_PLACEHOLDER: Final = "admin@example.com"

NAME_PLACEHOLDER: Final = "FlexPBX User"
FIRST_NAME_PLACEHOLDER: Final = "FlexPBX"
LAST_NAME_PLACEHOLDER: Final = "User"

# 555-0100..0199 are reserved for fiction in the North American plan.
PHONE_PLACEHOLDER: Final = "+15555550100"
PHONE_NUMBER_PLACEHOLDER: Final = "15555550100"  # phone stored as a JSON number
NUMBER_PLACEHOLDER: Final = "0"  # numeric secret stored as a JSON number (a PIN)

# Hash placeholders are built from readable markers so a human spots them in a
# diff; the salt and digest of the argon2 one decode to "FLEXGIT-REDACTED...".
_B64_SALT = base64.b64encode(b"FLEXGIT-REDACTED").decode().rstrip("=")
_B64_HASH = base64.b64encode(b"FLEXGIT-REDACTED-PLACEHOLDERHASH").decode().rstrip("=")
_CRYPT_BODY = "FLEXGITREDACTEDPLACEHOLDERHASH" * 3  # only ./0-9A-Za-z characters


def _argon2(variant: str) -> str:
    # PHP's password_hash() defaults: m=65536, t=4, p=1.
    return f"${variant}$v=19$m=65536,t=4,p=1${_B64_SALT}${_B64_HASH}"


def _b64(n: int, *, adapted: bool = False) -> str:
    """n bytes of the marker in base64 (passlib's adapted form: "." for "+", unpadded)."""
    text = base64.b64encode((b"FLEXGIT-REDACTED-" * 5)[:n]).decode()
    return text.replace("+", ".").rstrip("=") if adapted else text


# Hex digests cannot spell a marker: they are digests *of* the marker, so they
# never occur by chance and the MySQL one is PASSWORD('FLEXGIT-REDACTED').
_HEX = {name: hashlib.new(name, b"FLEXGIT-REDACTED").hexdigest() for name in ("md5", "sha1",
                                                                              "sha256", "sha512")}
_MYSQL = hashlib.sha1(hashlib.sha1(b"FLEXGIT-REDACTED").digest()).hexdigest().upper()
_DJANGO_SALT = "FLEXGITREDACTEDPLACEHO"
_OTHER_HASHES = {
    # LDAP/htpasswd/Dovecot {SCHEME}base64: digest (+ 8 salt bytes when salted).
    **{f"ldap_{s.lower()}": f"{{{s}}}" + _b64(n) for s, n in (
        ("MD5", 16), ("SMD5", 24), ("SHA", 20), ("SSHA", 28), ("SHA256", 32), ("SSHA256", 40),
        ("SHA384", 48), ("SSHA384", 56), ("SHA512", 64), ("SSHA512", 72))},
    # 13 crypt characters; the last one's two low bits are zero, as DES leaves them.
    "des_crypt": "FLEXGITREDACE",
    "pbkdf2": f"$pbkdf2$131000${_b64(16, adapted=True)}${_b64(20, adapted=True)}",
    "pbkdf2_sha256": f"$pbkdf2-sha256$29000${_b64(16, adapted=True)}${_b64(32, adapted=True)}",
    "pbkdf2_sha512": f"$pbkdf2-sha512$25000${_b64(16, adapted=True)}${_b64(64, adapted=True)}",
    "scrypt": f"$scrypt$ln=16,r=8,p=1${_b64(16, adapted=True)}${_b64(32, adapted=True)}",
    "scrypt7": "$7$CU..../....FLEXGITREDACTED$" + _CRYPT_BODY[:43],
    "sha1crypt": "$sha1$40000$FLEXGITR$" + _CRYPT_BODY[:28],
    "django_pbkdf2_sha256": f"pbkdf2_sha256$870000${_DJANGO_SALT}${_b64(32)}",
    "django_pbkdf2_sha1": f"pbkdf2_sha1$870000${_DJANGO_SALT}${_b64(20)}",
    "django_scrypt": f"scrypt$16384${_DJANGO_SALT}$8$1${_b64(64)}",
    "django_sha1": f"sha1$FLEXGIT${_HEX['sha1']}",
    "django_md5": f"md5$FLEXGIT${_HEX['md5']}",
    "werkzeug_pbkdf2": f"pbkdf2:sha256:600000$FLEXGITREDACTED${_HEX['sha256']}",
    "werkzeug_scrypt": f"scrypt:32768:8:1$FLEXGITREDACTED${_HEX['sha512']}",
    "mysql_native": "*" + _MYSQL,
    "md5_hex": _HEX["md5"],  # Asterisk md5secret/md5_cred, Kamailio ha1
}  # fmt: skip

HASH_PLACEHOLDERS: Final = MappingProxyType(
    {
        # 22 salt chars ending in "O" and 31 digest chars ending in "." keep the
        # unused low bits zero, so bcrypt libraries accept it as well formed.
        "bcrypt": "$2y$10$FLEXGITREDACTEDPLACEHOFLEXGITREDACTEDPLACEHOLDERHASH.",
        "argon2id": _argon2("argon2id"),
        "argon2i": _argon2("argon2i"),
        "argon2d": _argon2("argon2d"),
        "sha512crypt": "$6$FLEXGITREDACTED$" + _CRYPT_BODY[:86],
        "sha256crypt": "$5$FLEXGITREDACTED$" + _CRYPT_BODY[:43],
        "md5crypt": "$1$FLEXGITR$" + _CRYPT_BODY[:22],
        "apr1": "$apr1$FLEXGITR$" + _CRYPT_BODY[:22],
        "phpass": "$P$BFLEXGITR" + _CRYPT_BODY[:22],
        "phpass_h": "$H$BFLEXGITR" + _CRYPT_BODY[:22],
        "yescrypt": "$y$j9T$FLEXGITREDACTEDPLACEHO$" + _CRYPT_BODY[:43],
        **_OTHER_HASHES,
        "unknown": LEGACY_HASH_PLACEHOLDER,
    }
)

PLACEHOLDERS: Final = MappingProxyType(
    {
        "secret": SECRET_PLACEHOLDER,
        "email": EMAIL_PLACEHOLDER,
        "admin_email": ADMIN_EMAIL_PLACEHOLDER,
        "name": NAME_PLACEHOLDER,
        "first_name": FIRST_NAME_PLACEHOLDER,
        "last_name": LAST_NAME_PLACEHOLDER,
        "phone": PHONE_PLACEHOLDER,
        "phone_number": PHONE_NUMBER_PLACEHOLDER,
        "number": NUMBER_PLACEHOLDER,
        **{f"hash_{scheme}": value for scheme, value in HASH_PLACEHOLDERS.items()},
    }
)

_ALL: Final = frozenset(PLACEHOLDERS.values())


def is_placeholder(value: str) -> bool:
    """True when *value* is exactly one of the placeholders sanitize() writes."""
    return value in _ALL


# Markers long enough never to occur by chance inside a real value.
_MARKERS = re.compile(
    "|".join(
        re.escape(v)
        for v in sorted(
            {SECRET_PLACEHOLDER, EMAIL_PLACEHOLDER, ADMIN_EMAIL_PLACEHOLDER,
             *HASH_PLACEHOLDERS.values()},
            key=len,
            reverse=True,
        )
    )
)  # fmt: skip


def is_redacted(value: str) -> bool:
    """True for a value made only of markers and punctuation (``X:X``, ``XX``).

    Two adjacent replacements can form such a value; it holds nothing of the
    original, so rules keep it instead of redacting it a second time.
    """
    rest, found = _MARKERS.subn("", value)
    return found > 0 and not any(c.isalnum() for c in rest)


_HEX_BY_LENGTH = {len(v): v for v in _HEX.values()}


def hex_digest_placeholder(value: str) -> str | None:
    """The placeholder digest of the same length when *value* is a bare hex
    digest (md5, sha1, sha256, sha512: ha1, password_sha1 columns), or None."""
    if len(value) in _HEX_BY_LENGTH and all(c in "0123456789abcdefABCDEF" for c in value):
        return _HEX_BY_LENGTH[len(value)]
    return None
