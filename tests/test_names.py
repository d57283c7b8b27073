"""Snapshot messages and tag names (flexgit/names.py): a person's name in prose goes."""

from __future__ import annotations

import pytest

from flexgit.errors import UsageError
from flexgit.names import check_tag_name, clean_message
from flexgit.sanitize import Rules

P = "FlexPBX User"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("agreed with Annelise Eriksdottir on the new trunk",
         f"agreed with {P} on the new trunk"),
        ("Reset for Jean-Luc Picard.", f"Reset for {P}."),
        ("Maria Schmidt asked for it; Thaddeus Drummond approved",
         f"{P} asked for it; {P} approved"),
        ("queue fix (thanks Niamh Oyelaran)", f"queue fix (thanks {P})"),
    ],
)
def test_message_loses_the_names_of_people(message: str, expected: str) -> None:
    cleaned, counts = clean_message(message)
    assert cleaned == expected
    assert counts["personal.name"] == expected.count(P)


@pytest.mark.parametrize(
    "message",
    [
        "Fixed the Queue Timeout for Sales Team",
        "Upgrade to Asterisk 20 before Monday",
        "New IVR Menu for Front Desk",
        "weekly snapshot",
        "Moved Main Office trunk to PJSIP",
    ],
)
def test_message_without_people_is_kept(message: str) -> None:
    assert clean_message(message) == (message, {})


def test_disabled_name_rule_keeps_names() -> None:
    rules = Rules(disabled=frozenset({"personal.name"}))
    assert clean_message("agreed with Annelise Eriksdottir", rules)[0] == \
        "agreed with Annelise Eriksdottir"


def test_tag_name_with_a_person_is_refused() -> None:
    with pytest.raises(UsageError, match="refused the tag name"):
        check_tag_name("before Annelise Eriksdottir left")
