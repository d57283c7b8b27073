"""The sanitizer's rule set: built-in rule names plus what a profile adds or removes."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass

from flexgit.errors import BadInput
from flexgit.sanitize.keys import normalize

# Bump whenever a built-in rule changes what it replaces, so the profile digest
# (and with it every snapshot's record of how it was sanitized) changes too.
RULES_VERSION = "2"

RULE_NAMES: frozenset[str] = frozenset(
    {
        "json.email", "json.name", "json.phone", "json.password", "json.hash", "json.token",
        "json.push_subscription",
        "asterisk.secret", "asterisk.register", "asterisk.dialstring", "asterisk.mailbox",
        "asterisk.callerid", "asterisk.name", "asterisk.email", "asterisk.phone",
        "text.php_literal", "text.js_literal", "text.shell_assign", "text.config_value",
        "pattern.private_key", "pattern.jwt", "pattern.api_token", "pattern.bcrypt",
        "pattern.argon2", "pattern.sha_crypt", "pattern.md5_crypt", "pattern.phpass",
        "pattern.yescrypt", "pattern.url_credentials", "pattern.password_param",
        "pattern.email",
        # The layers over every text file (one module each, see sanitize/__init__).
        "label.value", "label.table",
        "command.credential",
        "http.authorization", "http.query_token", "http.webhook", "http.cookie",
        "vendor.token",
        "hash.ldap", "hash.des_crypt", "hash.pbkdf2", "hash.mysql", "hash.md5_hex",
        "php.binding", "js.binding", "code.argument", "code.base64",
        "asterisk.app_pin",
        "personal.name", "personal.phone",
        "sweep.secret", "sweep.personal",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Rules:
    """Sanitizer rules: the built-in ones plus what a profile TOML adds/removes."""

    extra_secret_keys: tuple[str, ...] = ()
    extra_patterns: tuple[tuple[str, str], ...] = ()
    disabled: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        names = set(RULE_NAMES)
        for name, regex in self.extra_patterns:
            if not name or name in names or any(c.isspace() for c in name):
                raise BadInput(f"sanitizer pattern name {name!r} is empty, taken or has spaces")
            names.add(name)
            try:
                _compile(regex)
            except re.error as exc:
                # The regex is the profile author's text, not a secret.
                raise BadInput(f"sanitizer pattern {name!r} is not a valid regex: {exc}") from None
        unknown = sorted(set(self.disabled) - names)
        if unknown:
            raise BadInput(f"unknown sanitizer rule(s) to disable: {', '.join(unknown)}")
        for key in self.extra_secret_keys:
            if not normalize(key):
                raise BadInput(f"sanitizer secret key {key!r} has no letters or digits")

    @property
    def digest(self) -> str:
        payload = {
            "version": RULES_VERSION,
            # Order of keys and of disabled names cannot change output; order of
            # extra patterns can (the first match wins), so it is kept.
            "extra_secret_keys": sorted({normalize(k) for k in self.extra_secret_keys}),
            "extra_patterns": [list(p) for p in self.extra_patterns],
            "disabled": sorted(self.disabled),
        }
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()

    @property
    def secret_keys(self) -> tuple[str, ...]:
        return _normalized(self.extra_secret_keys)

    @property
    def compiled_patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((name, _compile(regex)) for name, regex in self.extra_patterns)


@functools.lru_cache(maxsize=256)
def _compile(regex: str) -> re.Pattern[str]:
    return re.compile(regex)


@functools.lru_cache(maxsize=64)
def _normalized(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({normalize(k) for k in keys}))


DEFAULT_RULES = Rules()
