"""JSON: walked by key, rewritten token by token."""

from __future__ import annotations

import json
import textwrap

import pytest

from flexgit.sanitize import sanitize
from flexgit.sanitize.placeholders import HASH_PLACEHOLDERS

CONFIG = "home/flexpbx-config.json"
BCRYPT = "$2y$10$abcdefghijklmnopqrstuv1234567890abcdefghijklmnopqrstu"
BCRYPT_PH = HASH_PLACEHOLDERS["bcrypt"]


def run(text: str, path: str = CONFIG) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("before", "after", "rule"),
    [
        ('{"email": "jane@acme.io"}', '{"email": "user@example.com"}', "json.email"),
        ('{"notification_email": "j@acme.io"}', '{"notification_email": "user@example.com"}',
         "json.email"),
        ('{"admin_email": "boss@acme.io"}', '{"admin_email": "admin@example.com"}', "json.email"),
        ('{"email": "Jane Doe <jane@acme.io>"}', '{"email": "user@example.com"}', "json.email"),
        ('{"cc": ["a@acme.io", "x"]}', '{"cc": ["user@example.com", "x"]}', "json.email"),
        ('{"note": "mail sysadmin@acme.io now"}', '{"note": "mail admin@example.com now"}',
         "pattern.email"),
        ('{"first_name": "Jane", "lastName": "Doe"}',
         '{"first_name": "FlexPBX", "lastName": "User"}', "json.name"),
        ('{"callerid_name": "Jane Doe"}', '{"callerid_name": "FlexPBX User"}', "json.name"),
        ('{"displayName": "Jane"}', '{"displayName": "FlexPBX User"}', "json.name"),
        ('{"phone": "+1 (212) 555-1234"}', '{"phone": "+15555550100"}', "json.phone"),
        ('{"mobile": 12125551234}', '{"mobile": 15555550100}', "json.phone"),
        ('{"sms_number": "212-555-1234"}', '{"sms_number": "+15555550100"}', "json.phone"),
        ('{"password": "hunter2"}', '{"password": "FLEXGIT-REDACTED"}', "json.password"),
        ('{"db_password": "x1"}', '{"db_password": "FLEXGIT-REDACTED"}', "json.password"),
        ('{"md5_cred": "ab12"}', '{"md5_cred": "FLEXGIT-REDACTED"}', "json.password"),
        ('{"sip-secret": "s"}', '{"sip-secret": "FLEXGIT-REDACTED"}', "json.password"),
        ('{"pin": 1234}', '{"pin": 0}', "json.password"),
        ('{"voicemail_pin": "4321"}', '{"voicemail_pin": "FLEXGIT-REDACTED"}', "json.password"),
        (f'{{"password_hash": "{BCRYPT}"}}', f'{{"password_hash": "{BCRYPT_PH}"}}', "json.hash"),
        (f'{{"password": "{BCRYPT}"}}', f'{{"password": "{BCRYPT_PH}"}}', "json.hash"),
        ('{"password_hash": "5f4dcc3b5aa765d61d8327deb882cf99"}',
         '{"password_hash": "19f2db32762b3a09f8bcebe033a472e4"}', "json.hash"),  # md5-shaped
        (f'{{"hash": "{BCRYPT}"}}', f'{{"hash": "{BCRYPT_PH}"}}', "pattern.bcrypt"),
        ('{"token": "abc"}', '{"token": "FLEXGIT-REDACTED"}', "json.token"),
        ('{"apiKey": "abc"}', '{"apiKey": "FLEXGIT-REDACTED"}', "json.token"),
        ('{"refresh_token": "r"}', '{"refresh_token": "FLEXGIT-REDACTED"}', "json.token"),
        ('{"session_id": "s"}', '{"session_id": "FLEXGIT-REDACTED"}', "json.token"),
        ('{"vapid_private_key": "k"}', '{"vapid_private_key": "FLEXGIT-REDACTED"}', "json.token"),
        ('{"privateKey": "k"}', '{"privateKey": "FLEXGIT-REDACTED"}', "json.token"),
        ('{"url": "mysql://root:pw@db"}', '{"url": "mysql://root:FLEXGIT-REDACTED@db"}',
         "pattern.url_credentials"),
        ('{"url": "https:\\/\\/u:pw@h\\/x"}', '{"url": "https:\\/\\/u:FLEXGIT-REDACTED@h\\/x"}',
         "pattern.url_credentials"),
        ('{"trunk": "IAX2/acme:pw@iax.acme.io"}',
         '{"trunk": "IAX2/acme:FLEXGIT-REDACTED@iax.acme.io"}',
         "asterisk.dialstring"),
        ('{"caf\\u00e9@acme.io": 1}', '{"user@example.com": 1}', "json.email"),
    ],
)  # fmt: skip
def test_rule(before: str, after: str, rule: str) -> None:
    out, counts = run(before)
    assert out == after
    assert rule in counts
    assert json.loads(out)


def test_admin_template_uses_admin_placeholders() -> None:
    out, _ = run('{"email": "root@acme.io", "password": "HASHED_PLACEHOLDER"}',
                 "home/templates/admin_template.json")  # fmt: skip
    assert out == '{"email": "admin@example.com", "password": "HASHED_PLACEHOLDER"}'


@pytest.mark.parametrize(
    "text",
    [
        '{"hostname": "pbx.acme.io", "filename": "a.wav", "context_name": "from-internal"}',
        '{"session_timeout": 3600, "password_min_length": 8, "require_password": true}',
        '{"email": "user@example.com", "password": "FLEXGIT-REDACTED", "pin": 0}',
        '{"password": "HASHED_PLACEHOLDER", "support": "help@example.org"}',
        '{"password": "", "token": null, "api_key": "YOUR_API_KEY_HERE"}',
        '{"hash": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}',
        '{"trunks": [{"name": "Callcentric", "host": "sip.callcentric.com"}]}',
        '{"queues": [{"extension": "600", "name": "Sales"}]}',
        '{"labels": {"password": "Password", "forgot_password": "Forgot your password?"}}',
        '{"phone_model": "Yealink T46S", "phone": "2001"}',
        '{"includes": {"push_subscriptions": false}, "excludes": {"subscriptions": true}}',
        '{"logo": "img/logo@2x.png", "remote": "git@github.com:acme/pbx.git"}',
    ],
)
def test_untouched(text: str) -> None:
    result = sanitize(CONFIG, text.encode())
    assert result.data == text.encode()
    assert result.counts == {}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('{"users": [{"name": "Jane Doe", "ext": "2001"}]}',
         '{"users": [{"name": "FlexPBX User", "ext": "2001"}]}'),
        ('{"extensions": {"2001": {"name": "Jane Doe"}}}',
         '{"extensions": {"2001": {"name": "FlexPBX User"}}}'),
        ('{"owner": {"name": "Jane Doe"}}', '{"owner": {"name": "FlexPBX User"}}'),
        ('{"x": [{"name": "Jane", "email": "user@example.com"}]}',
         '{"x": [{"name": "FlexPBX User", "email": "user@example.com"}]}'),
        ('{"devices": [{"extension": "2001", "name": "Jane", "secret": "s"}]}',
         '{"devices": [{"extension": "2001", "name": "FlexPBX User", '
         '"secret": "FLEXGIT-REDACTED"}]}'),
    ],
)  # fmt: skip
def test_name_is_personal_only_in_person_records(before: str, after: str) -> None:
    assert run(before)[0] == after


SETTINGS = (
    textwrap.dedent(
        """\
    {
      "version": "1.0",
      "admin": {
        "name": "Jane Doe",
        "email": "jane@acme.io",
        "password_hash": "%s"
      },
      "push_subscriptions": [
        {
          "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
          "keys": {"p256dh": "BNcR", "auth": "tBHI"}
        }
      ],
      "device": {
        "endpoint": "https://updates.push.services.mozilla.com/wpush/v2/x",
        "expirationTime": null,
        "keys": {"p256dh": "BNcR", "auth": "tBHI"}
      },
      "vapid": {"publicKey": "BPub", "privateKey": "priv"},
      "features": {"sms": true, "email_validation": true}
    }
    """
    )
    % BCRYPT
)

SETTINGS_SANITIZED = (
    textwrap.dedent(
        """\
    {
      "version": "1.0",
      "admin": {
        "name": "FlexPBX User",
        "email": "admin@example.com",
        "password_hash": "%s"
      },
      "push_subscriptions": [




      ],
      "device": null



      ,
      "vapid": {"publicKey": "BPub", "privateKey": "FLEXGIT-REDACTED"},
      "features": {"sms": true, "email_validation": true}
    }
    """
    )
    % BCRYPT_PH
)


def test_settings_file_in_place() -> None:
    out, counts = run(SETTINGS)
    assert out == SETTINGS_SANITIZED
    assert counts == {
        "json.email": 1, "json.hash": 1, "json.name": 1, "json.push_subscription": 2,
        "json.token": 1,
    }  # fmt: skip
    before, after = json.loads(SETTINGS), json.loads(out)
    assert list(after) == list(before)  # key order kept
    assert after["push_subscriptions"] == [] and after["device"] is None
    assert out.count("\n") == SETTINGS.count("\n")


def test_formatting_and_escapes_survive() -> None:
    text = '{\r\n\t"name":"x" ,  "password" : "p\\u00e4ss",\r\n"k":"\\u00e4"}'
    out, _ = run(text)
    assert out == '{\r\n\t"name":"x" ,  "password" : "FLEXGIT-REDACTED",\r\n"k":"\\u00e4"}'


def test_json_by_content_without_extension() -> None:
    out, _ = run('  {"password": "p"}\n', "home/.flexpbx/state")
    assert out == '  {"password": "FLEXGIT-REDACTED"}\n'


@pytest.mark.parametrize(
    ("text", "after"),
    [
        # Not JSON (trailing comma, comments): the text rules still find literals.
        ('{"password": "p",}', '{"password": "FLEXGIT-REDACTED",}'),
        ('// cfg\n{"api_key": "k"}', '// cfg\n{"api_key": "FLEXGIT-REDACTED"}'),
        ('{"password": "p"', '{"password": "FLEXGIT-REDACTED"'),
    ],
)
def test_broken_json_falls_back_to_text_rules(text: str, after: str) -> None:
    assert run(text)[0] == after


def test_deep_nesting_does_not_raise() -> None:
    text = "[" * 5000 + '{"password": "p"}' + "]" * 5000
    out, _ = run(text)
    assert "FLEXGIT-REDACTED" in out and '"p"' not in out


def test_a_number_too_long_for_int_is_still_a_pin() -> None:
    # json.loads refuses to convert >4,300 digits to int; the rules read the
    # digits as written, so such a PIN is not waved through as "not JSON".
    out, counts = run('{"pin": ' + "7" * 5000 + "}")
    assert out == '{"pin": 0}' and counts == {"json.password": 1}


def test_deep_nesting_inside_a_replaced_container() -> None:
    # What a push-subscription container holds is replaced, never walked, so
    # its depth does not send the document to the text rules.
    text = '{"password": "hunter22x", "push_subscriptions": ' + "[" * 300 + "]" * 300 + "}"
    out, counts = run(text)
    assert out == '{"password": "FLEXGIT-REDACTED", "push_subscriptions": []}'
    assert counts == {"json.password": 1, "json.push_subscription": 1}


@pytest.mark.parametrize("depth", [1, 300])
@pytest.mark.parametrize("holder", ['{"push_subscriptions": %s}',
                                    '{"device": {"endpoint": "https://push.example.net/x", '
                                    '"keys": {}, "p": %s}}'])
def test_push_rule_off_still_sanitizes_inside(holder: str, depth: int) -> None:
    # Found in review: with json.push_subscription disabled a container that
    # is not replaced must still be walked, or whatever it holds is kept.
    from flexgit.sanitize import Rules

    inner = "[" * depth + '{"password": "hunter22x", "e": "bob@corp.io"}' + "]" * depth
    rules = Rules(disabled=frozenset({"json.push_subscription"}))
    out = sanitize(CONFIG, (holder % inner).encode(), rules)
    assert b"hunter22x" not in out.data and b"bob@corp.io" not in out.data
    assert "json.push_subscription" not in out.counts


@pytest.mark.parametrize(("off", "text", "gone"), [
    # Found in review: a table of secrets hid its values' own keys from their
    # rules, so with the table's rule off nothing looked at them.
    ("json.token", '{"secrets": {"db_password": "hunter2", '
                   '"password_hash": "5f4dcc3b5aa765d61d28f8b2b9c5b0a1"}}',
     ["hunter2", "5f4dcc3b5aa765d61d28f8b2b9c5b0a1"]),
    ("json.password", '{"credentials": {"full_name": "Bob Smith", "phone": "+1 202 555 0199", '
                      '"api_token": "tok_abcdef123456"}}',
     ["Bob Smith", "202 555 0199", "tok_abcdef123456"]),
    # An address that json.email may not replace still goes past the patterns.
    ("json.email", '{"remote_user": "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB@github.com"}',
     ["ghp_abcdefghijklmnopqrstuvwxyz0123456789AB"]),
    (None, '{"note": "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB@example.com"}',
     ["ghp_abcdefghijklmnopqrstuvwxyz0123456789AB"]),
])
def test_one_rule_off_leaves_the_others_working(off: str | None, text: str,
                                                gone: list[str]) -> None:
    from flexgit.sanitize import Rules

    out = sanitize(CONFIG, text.encode(), Rules(disabled=frozenset({off} if off else ())))
    assert not [g for g in gone if g.encode() in out.data], out.data


def test_table_of_secrets_reaches_lists_and_own_keys() -> None:
    out, _ = run('{"api_keys": {"portal": ["abc123portal"], "pin": 1234}, '
                 '"secrets": {"db_password": ["hunter2"], "mobile": "not a phone"}}')
    for kept in ("abc123portal", "1234", "hunter2", "not a phone"):
        assert kept not in out, out


def test_placeholders_already_there_cost_no_token_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    from flexgit.sanitize import json_rules

    def no_tree(*args: object) -> None:
        raise AssertionError("the token tree was built for a document that stays as it is")

    monkeypatch.setattr(json_rules, "_tree", no_tree)
    text = '{"pin": 0, "mobile": 15555550100, "password": "FLEXGIT-REDACTED"}'
    assert run(text) == (text, {})


def test_nested_arrays_cost_one_frame_per_level() -> None:
    import sys

    def deep(n: int) -> tuple[str, dict[str, int]]:
        # Called with most of the stack already used, as from a deep caller.
        return run("[" * 200 + '{"pin": 1234}' + "]" * 200) if n == 0 else deep(n - 1)

    assert deep(sys.getrecursionlimit() - 450)[1] == {"json.password": 1}


def test_utf8_bom() -> None:
    out, _ = run('\ufeff{"password": "p"}')
    assert out == '\ufeff{"password": "FLEXGIT-REDACTED"}'


def test_table_of_keys_under_a_secret_parent_key() -> None:
    from flexgit.sanitize import sanitize

    src = b'{\n  "api_keys": {\n    "portal": "fxp_live_abc123XYZ",\n    "n": 7\n  },\n' \
          b'  "tokens": ["tok_9f8e7d6c5b4a"],\n  "name": "FlexPBX"\n}\n'
    out = sanitize("home/flexpbx-config.json", src)
    assert b"fxp_live_abc123XYZ" not in out.data and b"tok_9f8e7d6c5b4a" not in out.data
    assert b'"n": 7' in out.data and b'"name": "FlexPBX"' in out.data
    assert out.data.count(b"\n") == src.count(b"\n")


def test_a_settings_row_named_for_a_secret_and_a_user_pass_string() -> None:
    import json as _json

    from flexgit.sanitize import sanitize as _sanitize

    doc = {"settings": [{"key": "ami_secret", "value": "Mm8!vv0Lq"},
                        {"key": "theme", "value": "dark"},
                        {"name": "password_min_length", "value": "10"}],
           "provisioning": {"auth": "provision:Xq81!pp2z"}, "login": "admin"}
    out = _json.loads(_sanitize("home/api/settings.json", _json.dumps(doc).encode()).data)
    assert out["settings"][0]["value"] == "FLEXGIT-REDACTED"
    assert out["settings"][1:] == doc["settings"][1:]
    assert out["provisioning"]["auth"] == "provision:FLEXGIT-REDACTED"
    assert out["login"] == "admin"


def test_json_strings_meet_the_value_layers_whatever_their_key() -> None:
    import json as _json

    from flexgit.sanitize import sanitize as _sanitize

    doc = {"slack": "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/q8Zr71mKp02xLsQ9vN3wE5tY",
           "sync": "sshpass -p 'Ss8!hp1Lq' rsync -a /srv nas:/srv",
           "note": "see https://example.org/docs"}
    out = _json.loads(_sanitize("home/flexpbx-config.json", _json.dumps(doc).encode()).data)
    assert "q8Zr71mKp02xLsQ9vN3wE5tY" not in out["slack"] and "hooks.slack.com" in out["slack"]
    assert "Ss8!hp1Lq" not in out["sync"]
    assert out["note"] == doc["note"]
