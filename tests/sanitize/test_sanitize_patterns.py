"""Value patterns, the same in every file kind."""

from __future__ import annotations

import pytest

from flexgit.sanitize import find_secrets, sanitize
from flexgit.sanitize.placeholders import HASH_PLACEHOLDERS as H

R = "FLEXGIT-REDACTED"
NOTES = "home/docs/notes.txt"
C = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"  # crypt alphabet


def run(text: str, path: str = NOTES) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("before", "after", "rule"),
    [
        (f"h $2y$10${C[:53]} x", f"h {H['bcrypt']} x", "pattern.bcrypt"),
        (f"h $2b$12${C[:53]}", f"h {H['bcrypt']}", "pattern.bcrypt"),
        ("h $argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
         f"h {H['argon2id']}", "pattern.argon2"),
        ("h $argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaa",
         f"h {H['argon2i']}", "pattern.argon2"),
        (f"root:$6$saltsalt${C[:64]}{C[:22]}:19000:0:99999:7:::",
         f"root:{H['sha512crypt']}:19000:0:99999:7:::", "pattern.sha_crypt"),
        (f"u:$6$rounds=5000$salt${C[:64]}{C[:22]}:1", f"u:{H['sha512crypt']}:1",
         "pattern.sha_crypt"),
        (f"u:$5$salt${C[:43]}:1", f"u:{H['sha256crypt']}:1", "pattern.sha_crypt"),
        (f"u:$1$saltsalt${C[:22]}:1", f"u:{H['md5crypt']}:1", "pattern.md5_crypt"),
        (f"admin:$apr1$saltsalt${C[:22]}", f"admin:{H['apr1']}", "pattern.md5_crypt"),
        (f"wp $P$B{C[:30]} x", f"wp {H['phpass']} x", "pattern.phpass"),
        (f"bb $H$9{C[:30]} x", f"bb {H['phpass_h']} x", "pattern.phpass"),
        (f"u:$y$j9T$salt${C[:43]}:1", f"u:{H['yescrypt']}:1", "pattern.yescrypt"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3",
         f"Authorization: Bearer {R}", "pattern.jwt"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 end", f"token {R} end",
         "pattern.api_token"),
        ("key AKIAIOSFODNN7EXAMPLE.", f"key {R}.", "pattern.api_token"),
        ("mysql://flexpbx:dbpw@localhost:3306/pbx", f"mysql://flexpbx:{R}@localhost:3306/pbx",
         "pattern.url_credentials"),
        ("https://:tokenonly@git.acme.io/x.git", f"https://:{R}@git.acme.io/x.git",
         "pattern.url_credentials"),
        ("sip:2001:sippw@pbx.acme.io", f"sip:2001:{R}@pbx.acme.io", "pattern.url_credentials"),
        ("Dial(IAX2/acme:pw@iax.acme.io/100)", f"Dial(IAX2/acme:{R}@iax.acme.io/100)",
         "asterisk.dialstring"),
        ("dsn: Server=db;Uid=pbx;Pwd=odbcpw;", f"dsn: Server=db;Uid=pbx;Pwd={R};",
         "pattern.password_param"),
        ("Contact: jane.doe@acme-corp.net.", "Contact: user@example.com.", "pattern.email"),
        ("<a href='mailto:root@acme.io'>", "<a href='mailto:user@example.com'>", "pattern.email"),
        ("To: webadmin@acme.io", "To: admin@example.com", "pattern.email"),
        ("Kontakt: jürgen@bücher.de", "Kontakt: user@example.com", "pattern.email"),
    ],
)  # fmt: skip
def test_pattern(before: str, after: str, rule: str) -> None:
    out, counts = run(before)
    assert out == after
    assert rule in counts


def test_private_key_body_lines_replaced_line_count_kept() -> None:
    text = (
        "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE\r\n"
        "\nAAAAC3NzaC1lZDI1NTE5AAAAIHkq\n-----END OPENSSH PRIVATE KEY-----\ntail\n"
    )
    out, counts = run(text)
    assert out == (
        f"key:\n-----BEGIN OPENSSH PRIVATE KEY-----\n{R}\r\n\n{R}\n"
        "-----END OPENSSH PRIVATE KEY-----\ntail\n"
    )
    assert counts == {"pattern.private_key": 1}


def test_private_key_without_end_line() -> None:
    text = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrY\nAwEHoUQDQgAE\n(truncated)\n"
    out, _ = run(text)
    assert out == f"-----BEGIN EC PRIVATE KEY-----\n{R}\n{R}\n(truncated)\n"


def test_private_key_inside_json_string() -> None:
    text = '{"tls": {"key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n"}}'
    out, _ = run(text, "home/flexpbx-config.json")
    assert out == (
        '{"tls": {"key": "-----BEGIN PRIVATE KEY-----\\nFLEXGIT-REDACTED\\n'
        '-----END PRIVATE KEY-----\\n"}}'
    )


@pytest.mark.parametrize(
    "text",
    [
        "Mail support@example.com, ops@mail.example.org or root@localhost.",
        "Test with qa@pbx.test or x@y.invalid; user@example.com is a placeholder.",
        "Icons: logo@2x.png, sprite@3x.webp",
        "git clone git@github.com:acme/flexpbx.git",
        "contact=sip:2001@pbx.acme.io:5060 and Dial(PJSIP/2001@acme.io)",
        "public key: -----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "https://pbx.acme.io/api?page=2 and https://user@pbx.acme.io/",
        "price $2.50 and $6 and $1$ and $P$",
        "password=<your password> token=${TOKEN} secret=%s pass=",
        f"already {R} and {H['bcrypt']} and HASHED_PLACEHOLDER",
    ],
)
def test_untouched(text: str) -> None:
    result = sanitize(NOTES, text.encode())
    assert result.data == text.encode()
    assert result.counts == {}


def test_find_secrets_reports_rule_and_line_never_value() -> None:
    text = "ok\nsecret=abc\nmail jane@acme.io\n" + f"h $2y$10${C[:53]}\n"
    findings = find_secrets("system/etc/asterisk/sip.conf", text.encode())
    assert [(f.rule, f.line) for f in findings] == [
        ("asterisk.secret", 2),
        ("pattern.email", 3),
        ("pattern.bcrypt", 4),
    ]
    assert "abc" not in repr(findings) and "jane" not in repr(findings)


@pytest.mark.parametrize(("path", "line", "secret"), [
    # An outside red team's class (2026-12-02): "#" inside a URL's password.
    ("system/etc/asterisk/musiconhold.conf",
     "application=/usr/bin/mpg123 -q -s https://radio:Tz4#qp81Lm@stream.example.net/a",
     "Tz4#qp81Lm"),
    ("home/public_html/inc/cache.php", "$c = new Redis('redis://:k#Wq93xv@cache:6379');",
     "k#Wq93xv"),
    ("home/.env", "AMQP_URL=amqp://flex:Rb#7#ux2Q@mq.internal:5672/", "Rb#7#ux2Q"),
])
def test_url_passwords_with_a_hash(path: str, line: str, secret: str) -> None:
    out = sanitize(path, (line + "\n").encode()).data.decode()
    assert secret not in out and "FLEXGIT-REDACTED@" in out


def test_a_fragment_after_a_port_is_no_password() -> None:
    line = '<a href="https://docs.example.com:8443/guide#install">guide</a>\n'
    assert sanitize("home/public_html/index.html", line.encode()).data.decode() == line
