"""JSON values judged by place and shape (flexgit/sanitize/json_shapes.py):
credential tuples, key rings, split names, service accounts, base64 user:pass."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
PATH = "home/public_html/config/providers.json"


def clean(doc: Any) -> Any:
    data = sanitize(PATH, json.dumps(doc, indent=2).encode()).data
    return json.loads(data)


@pytest.mark.parametrize(("doc", "expected"), [
    ([["sip.example.com", "trunkuser", "txBdZk1naUrc!9"]],
     [["sip.example.com", "trunkuser", R]]),
    ({"dbs": [["db.internal", 3306, "flexpbx", "Kx8#aP2qLm9y"]]},
     {"dbs": [["db.internal", 3306, "flexpbx", R]]}),
    ({"proxy": ["https://proxy.corp.example:3128", "svc", "HDa4UNLrExSok8aNYtKJ"]},
     {"proxy": ["https://proxy.corp.example:3128", "svc", R]}),
    ({"ldap": ["binduser", "Kx8#aP2qLm9z", "10.0.0.5"]}, {"ldap": ["binduser", R, "10.0.0.5"]}),
    ({"api": {"keys": {"primary": "HDa4UNLrExSok8aNYtKJuLoZlffYMd2I", "label": "Primary key",
                       "rotated": "2024-11-03T10:15:00Z"}}},
     {"api": {"keys": {"primary": R, "label": "Primary key", "rotated": "2024-11-03T10:15:00Z"}}}),
    ({"push": {"vapid": {"private": "hRRTc7VogDt1120sXetBZD_4SXCnoPI5YgtjPTM5G6H",
                         "public": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfck",
                         "subject": "mailto:admin@example.com"}}},
     {"push": {"vapid": {"private": R,
                         "public": "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfck",
                         "subject": "mailto:admin@example.com"}}}),
    ({"contact": {"first": "Valentin", "last": "Kowalczyk"}},
     {"contact": {"first": "FlexPBX", "last": "User"}}),
    ({"owner": {"given": "Eudoxia", "family": "Tremayne", "last": "2024-11-03"}},
     {"owner": {"given": "FlexPBX", "family": "User", "last": "2024-11-03"}}),
    ({"type": "service_account", "project_id": "pbx-transcribe",
      "private_key_id": "0123456789abcdef0123456789abcdef01234567",
      "client_id": "112233445566778899001",
      "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/t%40p.iam"},
     {"type": "service_account", "project_id": "pbx-transcribe", "private_key_id": R,
      "client_id": R, "client_x509_cert_url": R}),
    ({"webhook": {"header_value": base64.b64encode(b"provision:Kx8#aP2qLm9z").decode()}},
     {"webhook": {"header_value": R}}),
])
def test_values_by_place_and_shape(doc: Any, expected: Any) -> None:
    assert clean(doc) == expected


@pytest.mark.parametrize("doc", [
    {"stun": ["stun.l.google.com", "19302"]},
    {"hosts": ["a.example.com", "b.example.com", "backup-2"]},  # no secret shape
    {"site": ["pbx.example.com", "FlexPBX-Production1"]},  # a pair: host and label
    {"ids": ["8c2f0e5a-AbCd-1234", "XyZ-9876-qwerTY"]},  # no host: a list, not a tuple
    {"columns": {"keys": ["id", "name", "email"]}},
    {"keys": {"format": "PKCS8", "label": "Signing key 2024", "key_id": "AbCdEf0123456789xyz"}},
    {"meeting": {"first": "2024-11-03", "last": "2024-12-01"}},  # not a person record
    {"contact": {"first": "2024-11-03"}},
    {"type": "service_account_note", "client_id": "1122334455"},
    {"blob": base64.b64encode(b"just some text").decode()},
])
def test_lookalikes_stay(doc: Any) -> None:
    assert clean(doc) == doc


def test_rewrite_keeps_the_layout_and_is_a_fixed_point() -> None:
    text = json.dumps({"trunks": [["sip.example.com", "u", "txBdZk1naUrc!9"]]}, indent=4) + "\n"
    once = sanitize(PATH, text.encode()).data
    assert once.decode() == text.replace("txBdZk1naUrc!9", R)
    assert sanitize(PATH, once).data == once
