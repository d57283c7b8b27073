"""Key rings and person records in ini/TOML sections and YAML blocks
(flexgit/sanitize/sections.py)."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
KEY = "HDa4UNLrExSok8aNYtKJuLoZlffYMd2I"
VAPID = "hRRTc7VogDt1120sXetBZD_4SXCnoPI5YgtjPTM5G6H"


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("home/public_html/config/app.toml", f'[api.keys]\nprimary = "{KEY}"\nlabel = "Primary key"',
     f'[api.keys]\nprimary = "{R}"\nlabel = "Primary key"'),
    ("home/public_html/config/app.ini", f"[vapid]\nprivate = {VAPID}\npublic = BEl62iUYgUivx-Ib9",
     f"[vapid]\nprivate = {R}\npublic = BEl62iUYgUivx-Ib9"),
    ("home/deploy/app.yml", f"push:\n  vapid:\n    private: {VAPID}\n    subject: mailto:a@b.c\n"
     "  topic: Alerts2024Channel", f"push:\n  vapid:\n    private: {R}\n    subject: mailto:a@b.c\n"
     "  topic: Alerts2024Channel"),
    ("home/deploy/app.yaml", f"keys:\n  primary: '{KEY}'\n  rotated: 2024-11-03",
     f"keys:\n  primary: '{R}'\n  rotated: 2024-11-03"),
])
def test_neutral_children_of_a_key_ring(path: str, text: str, expected: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == expected + "\n"


@pytest.mark.parametrize(("path", "text"), [
    ("home/public_html/config/app.toml", f'[smtp]\nhost = "smtp.example.com"\nrelay = "{KEY}"'),
    ("home/deploy/app.yml", "keys:\n  - id\n  - name\nindex:\n  primary: Id2024Users"),
    ("home/deploy/app.yml", f"signing:\n  nested:\n    value: {KEY}\n  algorithm: RS256"),
    ("home/public_html/docs/keys.md", f"[keys]\nprimary = {KEY}"),  # not a config file
])
def test_outside_a_ring_or_a_config_file_stays(path: str, text: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == text + "\n"


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("home/deploy/site.yml", "owner:\n  first: Valentin\n  last: Kowalczyk\n  since: 2021",
     "owner:\n  first: FlexPBX\n  last: User\n  since: 2021"),
    ("home/public_html/config/app.toml", '[contact]\ngiven = "Eudoxia"\nfamily = "Tremayne"',
     '[contact]\ngiven = "FlexPBX"\nfamily = "User"'),
])
def test_split_names_of_a_person_record(path: str, text: str, expected: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == expected + "\n"


@pytest.mark.parametrize("text", ["backup:\n  first: 2024-11-03\n  last: 2024-12-01",
                                  "owner:\n  first: 2024-11-03\n  team: Support"])
def test_split_names_elsewhere_stay(text: str) -> None:
    assert sanitize("home/deploy/site.yml", (text + "\n").encode()).data.decode() == text + "\n"
