"""JSON values that no key of their own names, judged by where they stand and
by their shape (for :mod:`.json_rules`).

* **Credential tuples**: an array of three to six scalars that holds a host
  (``["sip.example.com", "trunkuser", "X"]``, ``["db.internal", 3306, "u",
  "X"]``): its strings shaped like a secret (:func:`.keys.secret_shaped`) and
  not a host are passwords. Without a host an array is a list (of names, ids,
  servers) and stays; so is a pair (``[host, label]``).
* **Key rings**: an object under a key that says its children are keys
  (``keys``, ``vapid``, ``jwt``, ``signing``, ``oauth``...: ``api.keys.primary``,
  ``push.vapid.private``): its neutral children shaped like a secret are
  tokens, except those named public, an id or a description.
* **Split names**: ``first``/``last``/``given``/``family``/``middle`` in a
  person record (``"contact": {"first": …, "last": …}``), when the value is
  shaped like a name (``"last": "2024-11-03"`` stays).
* **Service accounts** (Google's ``"type": "service_account"`` key files): the
  key's id, the client's id, address and certificate URL go with the key.
* **Basic blobs**: a string that is base64 of ``user:password`` whatever its key.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Any

from flexgit.sanitize.keys import Kind, secret_shaped, words

_HOST = re.compile(
    r"(?i)(?:[a-z][a-z0-9+.-]*://)?(?:localhost|(?:[a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?::\d{1,5})?(?:/\S*)?"
)
_RING_PARENTS = words("keys key vapid jwt hmac signing encryption oauth oauth2 webpush")
_NOT_SECRET_CHILDREN = words(
    "public public_key publickey pub id kid key_id keyid name type alg algorithm label subject "
    "url uri host created updated rotated expires expiry format comment description note email"
)
SPLIT_NAMES = {"first": Kind.FIRST_NAME, "given": Kind.FIRST_NAME, "last": Kind.LAST_NAME,
               "family": Kind.LAST_NAME, "middle": Kind.NAME}
SERVICE_ACCOUNT_KEYS = frozenset({"private_key_id", "client_id", "client_email",
                                  "client_x509_cert_url"})
_BASE64 = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")
_USER_PASS = re.compile(r"[\w.@+-]{1,64}:[^\s:]{4,}")


def tuple_secrets(items: Sequence[Any]) -> list[int]:
    """Indexes of the passwords in a credential tuple (see the module docstring)."""
    if not 3 <= len(items) <= 6 or any(isinstance(i, list) for i in items):
        return []  # _Object is a list too
    strings = [(j, v) for j, v in enumerate(items) if type(v) is str]
    if not any(_HOST.fullmatch(v) for _, v in strings):
        return []
    return [j for j, v in strings if not _HOST.fullmatch(v) and secret_shaped(v)]


def is_ring(norm: str) -> bool:
    """Whether an object under this key holds keys by its children's names."""
    return norm.rsplit("_", 1)[-1] in _RING_PARENTS


def ring_secret(norm: str, value: str) -> bool:
    """Whether a neutral child of a key ring is one of its keys."""
    last = norm.rsplit("_", 1)[-1]
    return norm not in _NOT_SECRET_CHILDREN and last not in ("public", "id", "url", "uri") \
        and "@" not in value and secret_shaped(value)


def is_service_account(members: Sequence[tuple[str, Any]]) -> bool:
    return any(k == "type" and v == "service_account" for k, v in members)


def is_basic_blob(value: str) -> bool:
    """Whether *value* is base64 of ``user:password`` (an HTTP Basic credential)."""
    if len(value) % 4 or not _BASE64.fullmatch(value):
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return decoded.isprintable() and _USER_PASS.fullmatch(decoded) is not None
