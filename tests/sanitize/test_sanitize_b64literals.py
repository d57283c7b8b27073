"""Base64-wrapped literals: decoded, sanitized, re-encoded (code.base64)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from flexgit.sanitize import sanitize

PHP = "home/public_html/includes/ami.php"
R = "FLEXGIT-REDACTED"
_LIT = re.compile(r"'([^']*)'")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def decoded_literal(out: str) -> str:
    literal = _LIT.findall(out)[-1]
    return base64.b64decode(literal + "=" * (-len(literal) % 4)).decode()


@pytest.mark.parametrize("inner", [
    "Xk9.mQ!r2Tz", "api:Rk3_dP9qWmZ", "password=kYf8s2LpQz", "mysql://pbx:Kd8fP2qLm@db1/pbx",
])  # fmt: skip
def test_wrapped_secrets(inner: str) -> None:
    out = sanitize(PHP, f"<?php\n$x = base64_decode('{b64(inner)}');".encode()).data.decode()
    assert R in decoded_literal(out)


@pytest.mark.parametrize("doc", [
    {"password": "kYf8s2LpQzkYf8s2LpQz"}, {"db": {"host": "localhost", "pass": "a1B2c3D4e5"}},
])  # fmt: skip
def test_wrapped_json_is_sanitized_by_its_keys(doc: dict[str, object]) -> None:
    text = f"const c = JSON.parse(atob('{b64(json.dumps(doc))}'));"
    out = sanitize("home/public_html/js/app.js", text.encode()).data.decode()
    assert R in json.dumps(json.loads(decoded_literal(out)))
    assert "localhost" in decoded_literal(out) or "localhost" not in json.dumps(doc)


def test_padding_and_alphabet_are_kept() -> None:
    raw = base64.urlsafe_b64encode(b"token=Kd8fP2qLm??>>").decode().rstrip("=")
    out = sanitize(PHP, f"<?php\n$t = base64_decode('{raw}');".encode()).data.decode()
    literal = _LIT.findall(out)[-1]
    assert "=" not in literal and "+" not in literal and "/" not in literal
    assert R in base64.urlsafe_b64decode(literal + "=" * (-len(literal) % 4)).decode()


@pytest.mark.parametrize("literal", [
    "aGVsbG8gd29ybGQ=",  # hello world
    "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==",  # a GIF
    "getUserNameById", "sample_user_menu",
])  # fmt: skip
def test_text_and_binary_without_secrets_stay(literal: str) -> None:
    text = f"<?php\n$x = base64_decode('{literal}');"
    assert sanitize(PHP, text.encode()).data.decode() == text


def test_padded_and_json_literals_anywhere() -> None:
    padded = b64("password=kYf8s2LpQz!")
    assert padded.endswith("=")
    doc = b64(json.dumps({"token": "kYf8s2LpQzkYf8s2LpQz"}))
    text = f"<?php\n$a = ['x' => '{padded}', 'y' => \"{doc}\"];"
    out = sanitize(PHP, text.encode()).data.decode()
    assert padded not in out and doc not in out and out.count("'") == text.count("'")
