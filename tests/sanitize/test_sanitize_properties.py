"""Properties every input must keep: no exception, deterministic output, same line
count, nothing left for the audit, and planted secrets never survive.

The suite runs 120 examples per property; for a long fuzzing session run
``FLEXGIT_FUZZ_EXAMPLES=20000 pytest tests/sanitize/test_sanitize_properties.py``.
"""

from __future__ import annotations

import json
import os
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flexgit.sanitize import PLACEHOLDERS, find_secrets, sanitize
from flexgit.sanitize.patterns import keep_value

PATHS = [
    "home/php.ini",
    "home/.my.cnf",
    "home/flexpbx-config.json",
    "home/templates/admin_template.json",
    "system/etc/asterisk/pjsip.conf",
    "system/etc/asterisk/voicemail.conf",
    "system/etc/asterisk/queues.conf",
    "system/etc/asterisk/meetme.conf",
    "system/etc/httpd/conf.d/flexpbx.conf",
    "home/public_html/api/login.php",
    "home/public_html/js/app.js",
    "home/bin/backup.sh",
    "home/docs/INSTALL.md",
    "home/.env",
    "home/config.yml",
    "system/etc/sudoers.d/flexpbx-asterisk",
    "system/usr/local/bin/flexpbx-toggle-permissions",
]

# Fragments that make the rules fire, and the characters that break them.
FRAGMENTS = [
    "secret=", "password", "Password", "pin", "=>", "=", ":", ";", "\\;", ";--", "--;",
    "\n", "\r\n", " ", "\t", '"', "'", "`", "$", "${", "(", ")", "[", "]", "{", "}", ",",
    "|", "!", "?", "/", "@", ".", "-", "_", "\\", "#", "register =>", "callerid=",
    "1234 => ", "member => ", "conf => ", "IAX2/", "SIP/", "://", "sip:", "mailto:",
    "example.com", "gmail.com", "acme.io", "admin", "john", "2x.png", "[general]",
    "[default]", "$2y$10$", "$6$", "$argon2id$v=19$m=65536,t=4,p=1$", "eyJhbGciOiJIUzI1",
    ".eyJzdWIiOiIx", "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----",
    "MIIEvQIBADANBgkq", "FLEXGIT-REDACTED", "user@example.com", "HASHED_PLACEHOLDER",
    "define('DB_PASS', ", "$db_pass = ", "export API_TOKEN=", "DB_PASSWORD=", "'token' => ",
    '"email": ', '"name": ', '"phone": ', "YOUR_PASSWORD_HERE", "ghp_", "AKIA", "\u2028",
    "\u00e9", "0", "42", "+1 555 123 4567", "abcdefghijklmnopqrstuvwxyz0123456789./ABCDEF",
    "fullname=", "email=", "pager=", "md5secret=", "imappassword=", "vm-password=", "\r",
    "new PDO(", "mysqli_connect(", "SetEnv ", "env[", "fastcgi_param ", "--password=", "Pwd=",
    '"Jane" <2001>', "<", ">", "tel:", "git@", "caf\u00e9", "\u0085", "!", "~", "*", "%s",
    "-----BEGIN RSA PRIVATE KEY-----", PLACEHOLDERS["hash_bcrypt"], PLACEHOLDERS["name"],
]  # fmt: skip

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map(
    "".join
)

FAST = settings(
    max_examples=int(os.environ.get("FLEXGIT_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_invariants(path: str, data: bytes) -> bytes:
    first = sanitize(path, data)
    again = sanitize(path, data)
    assert first == again  # deterministic
    assert first.data.count(b"\n") == data.count(b"\n")
    assert find_secrets(path, first.data) == []
    assert sanitize(path, first.data).data == first.data  # idempotent
    if first.data == data:
        assert first.data is data and first.counts == {}
    else:
        assert first.counts and all(n > 0 for n in first.counts.values())
    return first.data


@FAST
@given(st.sampled_from(PATHS), st.binary(max_size=300))
def test_arbitrary_bytes(path: str, data: bytes) -> None:
    check_invariants(path, data)


@FAST
@given(st.sampled_from(PATHS), texts)
def test_rule_fragments(path: str, text: str) -> None:
    check_invariants(path, text.encode("utf-8", "surrogatepass"))


KEYS = [
    "secret", "password", "md5_cred", "callerid", "fullname", "email", "register", "member",
    "conf", "2001", "TRUNKPASS", "DB_PASS", "'db_password'", '"password"', "$secret", "pin",
    "exten", "inbound_auth/password", "imappassword", "api_key", "name", "phone", "token",
]  # fmt: skip
OPS = ["=", " = ", "=>", " => ", ": ", " :", "\t=\t", " => '", ' = "', "='"]
values = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=6).map("".join)
config_lines = st.lists(
    st.tuples(
        st.sampled_from(["", ";", ";;", " ", ";--", "export "]),
        st.sampled_from(KEYS),
        st.sampled_from(OPS),
        values,
        st.sampled_from(["", " ; comment", "'", '"', ",", ";secret=x", "\\;x", " --;"]),
    ).map("".join),
    max_size=12,
).map("\n".join)


@FAST
@given(st.sampled_from(PATHS), config_lines)
def test_config_like_lines(path: str, text: str) -> None:
    check_invariants(path, text.encode("utf-8", "surrogatepass"))


json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=12), st.sampled_from(FRAGMENTS), values,
)  # fmt: skip
json_keys = st.one_of(
    st.sampled_from(
        ["name", "email", "password", "pin", "phone", "token", "session_timeout", "hostname",
         "users", "extensions", "push_subscriptions", "endpoint", "keys", "p256dh", "auth",
         "admin_email", "first_name", "apiKey", "password_hash", "hash", "extension"]
    ),
    st.text(max_size=8),
)  # fmt: skip
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_keys, inner, max_size=5),
    max_leaves=20,
)


def key_paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every object key with its position, in document order (what must survive)."""
    out: list[tuple[object, ...]] = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            out += key_paths(item, (*prefix, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append((*prefix, key))
            out += key_paths(item, (*prefix, key))
    return out


@FAST
@given(json_values, st.sampled_from([None, 0, 2, 4]), st.booleans())
def test_json_stays_json(value: object, indent: int | None, ascii_only: bool) -> None:
    data = json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode()
    out = check_invariants("home/flexpbx-config.json", data)
    parsed = json.loads(out)
    # Containers keep their place; only a push subscription becomes null / empty.
    if not _has_push(value):
        assert [p for p in key_paths(parsed)] == key_paths(value)


def _has_push(value: object) -> bool:
    if isinstance(value, dict):
        return bool({"push_subscriptions", "endpoint"} & set(value)) or any(
            _has_push(v) for v in value.values()
        )
    if isinstance(value, list):
        return any(_has_push(v) for v in value)
    return False


# Secrets as a user might type them, without the characters that end a value
# in the syntax they are planted into (quotes, ';', whitespace, backslash).
secrets = st.text(
    alphabet=string.ascii_letters + string.digits + "!%*+-.:=?@^_~/,#&()<>|",
    min_size=8,
    max_size=24,
)
context_lines = st.lists(st.sampled_from([*FRAGMENTS, "exten => 100,1,Answer()"]), max_size=8)

PLANTS = [
    ("system/etc/asterisk/sip.conf", "secret={}"),
    ("system/etc/asterisk/pjsip.conf", "password = {}"),
    ("system/etc/asterisk/manager.conf", ";secret={}"),
    ("home/flexpbx-config.json", '{{"password": {}}}'),
    ("home/public_html/api/config.php", "$db = ['db_password' => '{}'];"),
    ("home/docs/INSTALL.md", '    "password": "{}",'),
    ("home/.env", "DB_PASSWORD='{}'"),
]


@FAST
@given(st.sampled_from(PLANTS), secrets, context_lines, context_lines)
def test_planted_secret_never_survives(
    plant: tuple[str, str], secret: str, before: list[str], after: list[str]
) -> None:
    path, template = plant
    assume(not keep_value(secret) and secret[0] not in "$[{")
    assume(not any(secret in p or p in secret for p in PLACEHOLDERS.values()))
    value = json.dumps(secret) if path.endswith(".json") else secret
    if path.endswith(".json"):
        lines = [template.format(value)]  # a JSON file must stay one document
    else:
        lines = [*before, template.format(value), *after]
    text = "\n".join(lines)
    assume(secret not in text.replace(template.format(value), "") and secret not in template)
    out = check_invariants(path, text.encode())
    assert secret.encode() not in out
