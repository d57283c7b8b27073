"""What key names say (flexgit/sanitize/keys.py): abbreviated credential words,
the ambiguous ones only with a secret-shaped value, indexed keys; and the
config forms that read them (TOML multi-line strings, "#" inside ini values)."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize
from flexgit.sanitize.keys import Kind, classify, secret_shaped, value_fits

R = "FLEXGIT-REDACTED"


@pytest.mark.parametrize(("key", "kind"), [
    ("bind_pw", Kind.SECRET), ("mysqli_default_pw", Kind.SECRET), ("pw", Kind.SECRET),
    ("smtp_creds", Kind.SECRET), ("twilio_auth", Kind.SECRET), ("github_tok", Kind.TOKEN),
    ("private_key_id", Kind.TOKEN), ("display_name_1", Kind.NAME), ("password_2", Kind.SECRET),
    ("outbound_auth", None), ("inbound_auth", None), ("auth", None), ("pwrap", None),
    ("password_min_length", None), ("auth_method", None),
])
def test_classify(key: str, kind: Kind | None) -> None:
    assert classify(key) is kind


@pytest.mark.parametrize(("norm", "value", "fits"), [
    ("twilio_auth", "0123456789abcdef0123456789abcdef", True),
    ("smtp_auth", "login", False), ("ldap_auth", "true", False),
    ("smtp_creds", "mailer:Kx8#aP2qLm9z", True), ("aws_creds", "/etc/pbx/aws.creds", False),
    ("md5_cred", "42", True),  # an exact key: no shape needed
    ("db_password", "a", True),
])
def test_value_fits(norm: str, value: str, fits: bool) -> None:
    assert value_fits(norm, value) is fits


@pytest.mark.parametrize(("value", "shaped"), [
    ("0123456789abcdef0123456789abcdef", True), ("Kx8#aP2qLm9z", True),
    ("trunk-voipms-auth", False), ("login", False), ("correct horse battery", False),
    ("/etc/asterisk/keys", False), ("ALLUPPERCASE1234", True), ("2024-11-03T10:15:00Z", True),
])
def test_secret_shaped(value: str, shaped: bool) -> None:
    assert secret_shaped(value) is shaped


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("home/public_html/config/ldap.ini", "[ldap]\nbind_pw = Kx8#aP2qLm9z\nftp.pw = Zq8#aP2",
     f"[ldap]\nbind_pw = {R}\nftp.pw = {R}"),
    ("home/public_html/.user.ini", "mysqli.default_pw = Kx8#aP2qLm9z ; set by ops",
     f"mysqli.default_pw = {R} ; set by ops"),
    ("home/public_html/config/app.ini", "password = Kx8aP2qLm9z # rotated 2024",
     f"password = {R} # rotated 2024"),
    ("home/public_html/.env", "TWILIO_AUTH=0123456789abcdef0123456789abcdef\n"
     'SMTP_CREDS="mailer:Kx8#aP2qLm9z"', f'TWILIO_AUTH={R}\nSMTP_CREDS="{R}"'),
    ("home/public_html/config/app.toml", "[smtp]\npassword = '''Kx8#aP2qLm9z'''",
     f"[smtp]\npassword = '''{R}'''"),
    ("home/public_html/config/app.toml", '[sip]\nsecret = """\nKx8#aP2qLm9z"""\nport = 5060',
     f'[sip]\nsecret = """{R}\n"""\nport = 5060'),
])
def test_abbreviated_and_multiline_values(path: str, text: str, expected: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == expected + "\n"


@pytest.mark.parametrize(("path", "text"), [
    ("home/public_html/.env.example", "MAIL_SMTP_AUTH=login\nLDAP_AUTH=true\nAUTH_TOK=${TOKEN}"),
    ("system/etc/asterisk/pjsip.conf",
     "[trunk-voipms]\ntype=endpoint\noutbound_auth=trunk-voipms-auth\naors=trunk-voipms\n"
     "auth=2080-auth"),
    ("home/public_html/config/app.toml", "[docs]\nhelp = '''Use your password'''"),
])
def test_references_and_methods_stay(path: str, text: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == text + "\n"
