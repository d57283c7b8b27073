"""Phone provisioning files (flexgit/sanitize/provisioning.py): the names a
handset shows, in key = value lines, elements and attributes."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

P = "home/public_html/provisioning/"
NAME = "FlexPBX User"


@pytest.mark.parametrize(("path", "text", "expected"), [
    (P + "001565a1b2c3.cfg", "account.1.label = Margaret Okonkwo",
     f"account.1.label = {NAME}"),
    (P + "001565a1b2c3.cfg", "account.2.display_name = Priya Nakashima",
     f"account.2.display_name = {NAME}"),
    (P + "cfg000b82a1b2c3.xml", "<config>\n<P3>Margaret Okonkwo</P3>\n<P270>Ewa Brennan</P270>",
     f"<config>\n<P3>{NAME}</P3>\n<P270>{NAME}</P270>"),
    (P + "cfg000b82a1b2c3.xml", "<P407>Haruto Iwasaki</P407>", f"<P407>{NAME}</P407>"),
    (P + "0004f2a1b2c3.cfg", '<reg reg.1.label="Margaret Okonkwo" reg.1.address="2004"/>',
     f'<reg reg.1.label="{NAME}" reg.1.address="2004"/>'),
    (P + "snom.xml", '<user_realname idx="1" perm="">Margaret Okonkwo</user_realname>',
     f'<user_realname idx="1" perm="">{NAME}</user_realname>'),
    (P + "spa.xml", '<Display_Name_1_ ua="na">Margaret Okonkwo</Display_Name_1_>',
     f'<Display_Name_1_ ua="na">{NAME}</Display_Name_1_>'),
])
def test_display_names_are_replaced(path: str, text: str, expected: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == expected + "\n"


@pytest.mark.parametrize(("path", "text"), [
    (P + "001565a1b2c3.cfg", "account.1.auth_name = 2003\naccount.1.user_name = 2003\n"
     "account.2.label = 2004\naccount.3.label = Front Desk\naccount.4.label = Lobby"),
    (P + "cfg000b82a1b2c3.xml", "<P35>2003</P35>\n<P47>pbx.example.com</P47>\n<P3>2003</P3>"),
    (P + "snom.xml", '<user_name idx="1" perm="">2001</user_name>'),
    (P + "0004f2a1b2c3.cfg", '<reg reg.1.label="Reception" reg.1.displayName="2004"/>'),
    ("home/public_html/music/index.html", "<p>mp3 = Night Mode</p>"),
])
def test_extensions_places_and_look_alikes_stay(path: str, text: str) -> None:
    assert sanitize(path, (text + "\n").encode()).data.decode() == text + "\n"


def test_passwords_in_the_same_files_still_go() -> None:
    text = "account.1.label = Margaret Okonkwo\naccount.1.password = Kx8#aP2qLm9z\n"
    out = sanitize(P + "001565a1b2c3.cfg", text.encode()).data.decode()
    assert out == f"account.1.label = {NAME}\naccount.1.password = FLEXGIT-REDACTED\n"
