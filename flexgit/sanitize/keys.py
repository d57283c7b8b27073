"""What a key name says about its value, shared by the JSON, Asterisk and text rules.

Keys are compared after normalising: camelCase is split, every run of
non-alphanumerics becomes ``_`` and the result is lower-cased, so ``apiKey``,
``API-KEY`` and ``api_key`` are one key. A kind matches a key exactly or as its
last words (``db_password`` ends in ``_password``); prefixes never match, which
keeps settings such as ``password_min_length`` or ``session_timeout`` intact.
Session keys are the exact names (``session``, ``session_id``, ``phpsessid``...),
not every ``session*``. Joined words ending in password/passwd/secret/pass
(``imappassword``, ``TRUNKPASS``) are secrets too, except English words
(``bypass``) and two Asterisk keys that name a path or a program.

Abbreviations name a credential as a key's last word too: ``pw``
(``bind_pw``, ``mysqli.default_pw``), ``pwd``, ``pass``, ``creds``/``cred``,
``auth`` (``TWILIO_AUTH``) and ``tok``. Of these, ``auth``, ``creds``/``cred``
and ``tok`` also name a method or a reference (``SMTP_AUTH=login``, pjsip's
``outbound_auth=trunk-auth``, ``CREDS=/etc/pbx/creds``): under them only a
value shaped like a secret is one (:func:`value_fits`). An index after the
words (``Display_Name_1_``, ``password_2``: phone provisioning files number
their accounts) does not change what a key names.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable


class Kind(enum.Enum):
    SECRET = "secret"  # passwords, PINs: strings and numbers are replaced
    TOKEN = "token"  # tokens, API keys, private keys: only strings are replaced
    HASH = "hash"  # password hashes: replaced by a hash of the same scheme
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    MAYBE_NAME = "maybe_name"  # plain "name": personal only inside a person record
    PUSH = "push"  # a container of web-push subscriptions


_CAMEL_1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


@functools.lru_cache(maxsize=8192)
def normalize(key: str) -> str:
    key = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", key))
    return _NON_ALNUM.sub("_", key).strip("_").lower()


def words(text: str) -> frozenset[str]:
    """A set from a space-separated word list (keeps long tables readable)."""
    return frozenset(text.split())


_EXACT: dict[Kind, frozenset[str]] = {
    Kind.SECRET: words(
        "password passwd pass pwd passphrase passcode pin secret md5secret md5_cred "
        "password_digest remotesecret vmsecret authpassword dbpass dbpassword dbpasswd "
        "bindpw adminpin credentials credential pw creds"
    ),
    Kind.TOKEN: words(
        "token api_key apikey api_secret access_token refresh_token auth_token id_token "
        "csrf_token session session_id sessionid sessid phpsessid session_token "
        "session_key session_secret private_key privkey privatekey secret_key "
        "encryption_key signing_key app_key auth_key access_key license_key master_key "
        "hmac_key jwt_key salt authorization bearer otp totp p256dh private_key_id "
        # Containers whose every value is a key or token ({"api_keys": {"portal": …}}).
        "api_keys apikeys tokens access_tokens secrets secret_keys private_keys"
    ),
    Kind.HASH: words(
        "password_hash passwd_hash pass_hash pw_hash pwd_hash pin_hash secret_hash "
        "hashed_password passwordhash ha1 ha1b key_hash token_hash api_key_hash"
    ),
    Kind.EMAIL: words("email e_mail mail email_address emailaddress emails"),
    Kind.PHONE: words(
        "phone mobile cell cellphone sms telephone tel fax msisdn phone_number phonenumber "
        "mobile_number sms_number "
        # Numbers a person is reached at (a DID is the company's public number
        # and routes inbound calls: kept, like extensions).
        "emergency_number emergency_phone followme followme_number follow_me forward_to "
        "forward_number forwarding_number callback_number callback cell_number home_phone "
        "work_phone whatsapp"
    ),
    Kind.NAME: words(
        "full_name fullname display_name displayname callerid_name caller_id_name cid_name "
        "real_name realname contact_name owner_name middle_name nickname membername "
        # The person a site, a package or mail is from ("contact" is kept out:
        # pjsip contact= and JSON "contact" hold SIP URIs).
        "admin_name administrator_name owner author maintainer manager manager_name "
        "author_name maintainer_name sender_name from_name mail_from_name contact_person "
        # The name of a person in a role (not client_name/customer_name: companies).
        "support_name agent_name staff_name tech_name technician_name employee_name "
        "person_name member_name caller_name recipient_name operator_name supervisor_name "
        "engineer_name installer_name signer_name reviewer_name approver_name on_call_name"
    ),
    Kind.FIRST_NAME: words("first_name firstname given_name givenname forename"),
    Kind.LAST_NAME: words("last_name lastname surname family_name familyname"),
    Kind.MAYBE_NAME: words("name"),
    Kind.PUSH: words(
        "push_subscription push_subscriptions subscription subscriptions "
        "web_push_subscription web_push_subscriptions webpush_subscription "
        "webpush_subscriptions"
    ),
}

_SUFFIXES: dict[Kind, tuple[str, ...]] = {
    Kind.HASH: ("_password_hash", "_pin_hash", "_passwd_hash", "_key_hash", "_token_hash",
                "_ha1"),
    Kind.SECRET: (
        "_password", "_passwd", "_pass", "_pwd", "_secret", "_pin", "_passphrase", "_passcode",
        "_pw", "_creds", "_cred", "_auth",
    ),
    Kind.TOKEN: (
        "_token", "_api_key", "_apikey", "_private_key", "_secret_key", "_access_key",
        "_auth_key", "_salt", "_session_id", "_api_keys", "_tokens", "_secrets", "_tok",
    ),
    Kind.EMAIL: ("_email", "_mail", "_email_address", "_emails"),
    Kind.PHONE: ("_phone", "_mobile", "_cell", "_sms", "_fax", "_phone_number", "_tel",
                 "_emergency_number", "_callback_number", "_forward_to"),
    Kind.NAME: ("_full_name", "_fullname", "_display_name", "_from_name", "_sender_name",
                "_admin_name", "_owner_name", "_contact_name", "_author_name", "_manager_name"),
    Kind.FIRST_NAME: ("_first_name",),
    Kind.LAST_NAME: ("_last_name",),
    Kind.PUSH: ("_push_subscription", "_push_subscriptions"),
}  # fmt: skip

# Joined words ("imappassword", "remotesecret") name secrets too; these do not.
# iax.conf dbsecret is an astdb *path*; voicemail externpass is a program.
_NOT_SECRET = frozenset({"dbsecret", "externpass"})
# pjsip's references to auth sections: a section name, never a credential.
_AUTH_REFERENCES = frozenset({"outbound_auth", "inbound_auth", "auth", "outboundauth"})
# Last words that name a credential in some keys only (see the docstring).
_AMBIGUOUS = ("_auth", "_creds", "_cred", "_tok")
_INDEX = re.compile(r"_\d+\Z")
_JOINED_SECRET = ("password", "passwd", "secret", "pass")
_JOINED_WORDS = ("bypass", "compass", "overpass", "underpass", "trespass", "surpass")

# Checked in this order: "password_hash" is a hash before it is a password.
_ORDER = (
    Kind.HASH, Kind.PUSH, Kind.SECRET, Kind.TOKEN, Kind.EMAIL, Kind.PHONE,
    Kind.FIRST_NAME, Kind.LAST_NAME, Kind.NAME, Kind.MAYBE_NAME,
)  # fmt: skip


def classify(norm: str, extra_secret_keys: Iterable[str] = ()) -> Kind | None:
    """The kind of value a normalised key holds, or None for anything else."""
    # Keys repeat endlessly across files: remember the answers.
    return _classify(norm, tuple(extra_secret_keys))


_DIGESTS = ("_sha1", "_sha256", "_sha512", "_md5", "_digest", "_hash", "_crypt")
_SECRET_HEADS = ("password", "passwd", "pass", "pwd", "pin", "secret")


@functools.lru_cache(maxsize=16384)
def _classify(norm: str, extra_secret_keys: tuple[str, ...]) -> Kind | None:
    if norm in _AUTH_REFERENCES:
        return None
    kind = _classify_words(norm, extra_secret_keys)
    if kind is None and _INDEX.search(norm):  # display_name_1, password_2
        return _classify_words(_INDEX.sub("", norm), extra_secret_keys)
    return kind


def value_fits(norm: str, value: str) -> bool:
    """Whether *value* can be what the key says: under a key named by an
    ambiguous abbreviation (``SMTP_AUTH``), only a secret-shaped value is."""
    ambiguous = (norm.endswith(_AMBIGUOUS) or norm in ("creds", "cred")) and not any(
        norm in _EXACT[kind] for kind in (Kind.SECRET, Kind.TOKEN, Kind.HASH))
    return not ambiguous or secret_shaped(value)


def secret_shaped(value: str) -> bool:
    """A value that looks random enough to be a credential and is no word,
    identifier, path or reference: 16 characters or more with letters and
    digits (hex keys, tokens), or 12 or more mixing upper and lower case with
    a digit or punctuation; never with spaces or a "/" (paths, URLs)."""
    v = value.strip().strip("\"'")
    if len(v) < 12 or "/" in v or any(c.isspace() for c in v):
        return False
    lower = any(c.islower() for c in v)
    upper = any(c.isupper() for c in v)
    digit = any(c.isdigit() for c in v)
    other = any(not c.isalnum() for c in v)
    if len(v) >= 16 and digit and (lower or upper):
        return True
    return lower and upper and (digit or other)


def _classify_words(norm: str, extra_secret_keys: tuple[str, ...]) -> Kind | None:
    if norm.endswith(_DIGESTS) and norm.startswith(_SECRET_HEADS):
        return Kind.HASH  # password_sha1, pin_md5: a secret kept as a digest
    for kind in _ORDER:
        if norm in _EXACT[kind] or norm.endswith(_SUFFIXES.get(kind, ())):
            return kind
    if norm.endswith(_JOINED_SECRET) and not (norm in _NOT_SECRET or norm.endswith(_JOINED_WORDS)):
        return Kind.SECRET
    for extra in extra_secret_keys:
        if norm == extra or norm.endswith("_" + extra):
            return Kind.SECRET
    return None


# Constant names that are secret by a word of theirs (bindings.secret_kind's
# broad reading: DB_PASS_PROD, STRIPE_KEYS).
STEMS = ("key", "keys", "salt", "salts", "secret", "secrets", "token", "tokens", "pass",
         "passwd", "password", "passwords", "passphrase", "pwd")  # fmt: skip


def vocabulary(extra_secret_keys: Iterable[str] = ()) -> frozenset[str]:
    """Words of which every key that classify() accepts holds one, lower-cased.

    A key classify() accepts equals an entry or ends in a suffix, each word of
    which is a run of letters and digits that normalize() leaves whole, so the
    raw key holds every one (the longest is listed, the last of equals): a text without any of
    these words holds no key that names a secret or a person, nor a constant
    name with a secret stem (the prefilter's word list).
    """
    entries = [*(w for ws in _EXACT.values() for w in ws),
               *(s for ss in _SUFFIXES.values() for s in ss), *extra_secret_keys]
    found = {max(reversed(normalize(e).split("_")), key=len) for e in entries}
    return frozenset(found | set(_JOINED_SECRET) | set(_SECRET_HEADS) | set(STEMS)) - {""}


def is_admin_context(norm: str) -> bool:
    return "admin" in norm


_WORD = re.compile(r"[a-z0-9]+")


def looks_like_label(norm: str, value: str) -> bool:
    """A UI label such as ``"password": "Forgot your password?"`` (i18n files).

    A value with a space that names the key's own last word, or that is the key
    itself written as words, is text for humans, not a credential.
    """
    words = _WORD.findall(value.lower())
    if "".join(words) == norm.replace("_", "") and value.strip() and not value.isdigit():
        return value[:1].isupper() or " " in value
    last = norm.rsplit("_", 1)[-1]
    return " " in value.strip() and last in words
