"""Credential values from a source nobody vouches for.

A backup file (or an imported or fetched snapshot) can hold any value under
a credential key: a known AMI secret, a SIP password, a password hash. A
restore that wrote it would install a door its author can open. So every
value the sanitizer reads as a credential (its key vocabulary,
flexgit/sanitize/keys.py, and its credential patterns) becomes the secret
placeholder before the plan is built: restore/merge.py then keeps the live
value where the live file has one for that key, and a new secret is made and
listed where it has none (docs/decisions.md "Credentials from an untrusted
source")."""

from __future__ import annotations

import dataclasses

from flexgit import sanitize
from flexgit.sanitize.rules import Rules

# The sanitizer's rules for personal data (names, numbers, e-mail): a backup's
# personal data is restored as it is; only its credentials are not its own.
PERSONAL_RULES = frozenset({
    "asterisk.callerid", "asterisk.dialstring", "asterisk.email", "asterisk.name",
    "asterisk.phone", "json.email", "json.name", "json.phone", "pattern.email",
    "personal.name", "personal.phone", "sweep.personal",
})


def credential_rules(rules: Rules) -> Rules:
    """The profile's rules with the personal-data rules off."""
    return dataclasses.replace(rules, disabled=rules.disabled | PERSONAL_RULES)


def as_placeholders(path: str, data: bytes, rules: Rules) -> bytes:
    """`data` with each credential value replaced by the secret placeholder.
    `rules` come from :func:`credential_rules`."""
    return sanitize.sanitize(path, data, rules).data
