"""The installation's countries (flexgit/sanitize/regions.py) and national numbers read in them."""

from __future__ import annotations

import pytest

from flexgit.sanitize import Sweep, sanitize
from flexgit.sanitize.regions import from_texts

P = "+15555550100"
MD = "home/public_html/docs/NOTES.md"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ([("system/etc/asterisk/indications.conf", "[general]\ncountry=nl\n")], ("NL",)),
        ([("system/etc/asterisk/indications.conf", "[general]\ncountry = uk\n")], ("GB",)),
        ([("home/flexpbx-config.json", '{"system": {"timezone": "Europe/Madrid"}}')], ("ES",)),
        ([("home/.env", "APP_TIMEZONE=Australia/Sydney\n")], ("AU",)),
        ([("system/etc/asterisk/pjsip.conf", "callerid=Front <+31 20 794 7100>\n"
           "callerid=Back <+31 20 794 7101>\ncallerid=HQ <+49 30 901820>\n")], ("NL", "DE")),
        ([("system/etc/asterisk/indications.conf", "[general]\ncountry=it\n"),
          ("home/flexpbx-config.json", '{"timezone": "Europe/Rome"}')], ("IT",)),
        ([("home/flexpbx-config.json", '{"timezone": "Mars/Olympus"}')], ()),
        ([("system/etc/asterisk/extensions.conf", "exten => 2001,1,Dial(PJSIP/2001)\n")], ()),
    ],
)
def test_countries_from_records(texts: list[tuple[str, str]], expected: tuple[str, ...]) -> None:
    assert from_texts(texts) == expected


@pytest.mark.parametrize(
    ("regions", "text", "expected"),
    [
        (("ES",), "If nobody answers, try 612 34 56 78 after six.",
         f"If nobody answers, try {P} after six."),
        (("NL",), "night porter 06 12345678", f"night porter {P}"),
        (("DE",), "// escalations go to 030 12345678", f"// escalations go to {P}"),
        ((), "If nobody answers, try 612 34 56 78 after six.",
         "If nobody answers, try 612 34 56 78 after six."),  # US reading: not a number
    ],
)
def test_national_numbers_in_the_installations_country(
        regions: tuple[str, ...], text: str, expected: str) -> None:
    assert sanitize(MD, text.encode(), known=Sweep((), regions)).data.decode() == expected


@pytest.mark.parametrize(
    "text",
    [
        "Released 2024-11-05, build 20241105",
        "ext 2001, port 5060, 192.168.1.10",
        "Ticket 612345678 closed",
        "exten => _6XXXXXXXX,1,Dial(PJSIP/${EXTEN}@trunk)",
    ],
)
def test_functional_numbers_stay_in_any_country(text: str) -> None:
    assert sanitize(MD, text.encode(), known=Sweep((), ("ES", "NL"))).data.decode() == text
