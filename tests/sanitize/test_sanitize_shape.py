"""What a made-up secret looks like (flexgit.sanitize.shape)."""

from __future__ import annotations

import random

import pytest

from flexgit.sanitize.shape import key_shaped, password_shaped

NAMES = ["getUserName2", "en_US.UTF-8", "x86_64", "G.711", "HTTPServer", "MySQL-asteriskcdrdb",
         "btnPrimary2", "SIP_PJSIP-2001", "Ubuntu-22.04", "AES256-GCM", "ISO-8859-1",
         "X-Asterisk-Version", "jQuery3", "utf8mb4_unicode_ci", "/var/lib/asterisk",
         "https://api.example.com", "ops@corp.example", "FLEXGIT-REDACTED", "YOUR_PASSWORD_HERE",
         "sample_user_menu", "Front Desk", "2001", "${DB_PASS}", "someCamelCaseIdentifierName",
         "getElementsByClassName", "password_reset_tokens"]


@pytest.mark.parametrize("value", NAMES)
def test_names_are_not_passwords(value: str) -> None:
    assert not password_shaped(value)
    assert not key_shaped(value)


@pytest.mark.parametrize("value", ["Xk9.mQ!r2Tz", "n5+aVo%4_5r6", "r-5Kv0YwmyHeH9wB", "Passw0rd!"])
def test_passwords(value: str) -> None:
    assert password_shaped(value)


def test_random_keys() -> None:
    rng = random.Random(12)
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    tokens = ["".join(rng.choice(alnum) for _ in range(32)) for _ in range(200)]
    hexes = ["".join(rng.choice("0123456789abcdef") for _ in range(40)) for _ in range(200)]
    assert sum(map(key_shaped, tokens + hexes)) >= 395
    assert not key_shaped("0" * 40) and not key_shaped("someCamelCaseIdentifierName2")
