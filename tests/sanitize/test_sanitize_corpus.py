"""Asterisk's own sample configs with secrets planted in realistic places.

Each planted line comes with the exact line expected after sanitizing. Every
other line must be byte-identical to the sample, except the sample lines listed
in PRISTINE_CHANGES: Asterisk's own commented-out examples (``;secret=mysecret``,
``;4200 => 9855,Mark Spencer,...``), which are redacted like live values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flexgit.sanitize import find_secrets, sanitize

CORPUS = Path(__file__).parent.parent / "data" / "corpus" / "asterisk"
R = "FLEXGIT-REDACTED"

# A line every sample gets: a commented-out secret and an escaped ';' in a value.
COMMON = [
    (";secret=Pl4ntedCommentedSecret", f";secret={R}"),
    ("password=Pl4nted\\;Semicolon ; a real comment", f"password={R} ; a real comment"),
]

# file -> [(insert after this 1-based sample line (0 = top, -1 = end), [(line, expected)])]
PLANTS: dict[str, list[tuple[int, list[tuple[str, str]]]]] = {
    "pjsip.conf": [(-1, [
        ("[2001]", "[2001]"),
        ("type=endpoint", "type=endpoint"),
        ("auth=2001-auth", "auth=2001-auth"),
        ('callerid="Jane Planted" <2001>', 'callerid="FlexPBX User" <2001>'),
        ("[2001-auth]", "[2001-auth]"),
        ("type=auth", "type=auth"),
        ("auth_type=userpass", "auth_type=userpass"),
        ("username=2001", "username=2001"),
        ("password=Pl4ntedPjsipPw", f"password={R}"),
        ("md5_cred=9f1e2d3c4b5a69788796a5b4c3d2e1f0", f"md5_cred={R}"),
    ])],
    "sip.conf": [(125, [
        ("register => 2001:Pl4ntedReg@sip.acme-voip.net/2001",
         f"register => 2001:{R}@sip.acme-voip.net/2001"),
        ("register => tls://acme?2002@acme.net:Pl4ntedReg2:auth2002@sip.acme-voip.net:5061/2002",
         f"register => tls://acme?2002@acme.net:{R}:auth2002@sip.acme-voip.net:5061/2002"),
    ]), (-1, [
        ("[acme-trunk](natted-phone)", "[acme-trunk](natted-phone)"),
        ("secret = Pl4ntedSipSecret   ; from the provider portal",
         f"secret = {R}   ; from the provider portal"),
        ("md5secret=Pl4ntedMd5", f"md5secret={R}"),
        ("callerid=Jane Planted <2125550147>", "callerid=FlexPBX User <+15555550100>"),
    ])],
    "iax.conf": [(13, [
        ("register => acmeiax:Pl4ntedIaxReg@iax.acme-voip.net",
         f"register => acmeiax:{R}@iax.acme-voip.net"),
    ]), (-1, [
        ("[acme-iax]", "[acme-iax]"),
        ("type=friend", "type=friend"),
        ("secret=Pl4ntedIaxSecret", f"secret={R}"),
    ])],
    "extensions.conf": [(123, [
        ("TRUNKPASS=Pl4ntedGlobal", f"TRUNKPASS={R}"),
        ("ACME=IAX2/acme:Pl4ntedDial@iax.acme-voip.net", f"ACME=IAX2/acme:{R}@iax.acme-voip.net"),
    ]), (-1, [
        ("[outbound]", "[outbound]"),
        ("exten => _9X.,1,Dial(SIP/acme:Pl4ntedSipDial@sip.acme-voip.net/${EXTEN:1},60)",
         f"exten => _9X.,1,Dial(SIP/acme:{R}@sip.acme-voip.net/${{EXTEN:1}},60)"),
    ])],
    "manager.conf": [(-1, [
        ("[flexpbx]", "[flexpbx]"),
        ("secret = Pl4ntedAmiSecret", f"secret = {R}"),
        ("read = system,call,agent", "read = system,call,agent"),
    ])],
    "voicemail.conf": [(24, [
        ("serveremail=pbx.planted@acme-corp.net", "serveremail=user@example.com"),
        ("authpassword=Pl4ntedSmtp", f"authpassword={R}"),
    ]), (528, [
        ("2001 => 864209,Jane Planted,jane.planted@acme-corp.net,pager.planted@acme-corp.net,"
         "attach=yes|imappassword=Pl4ntedImap|tz=eastern",
         f"2001 => {R},FlexPBX User,user@example.com,user@example.com,"
         f"attach=yes|imappassword={R}|tz=eastern"),
        (";2002 => 975310,Bob Planted,bob.planted@acme-corp.net",
         f";2002 => {R},FlexPBX User,user@example.com"),
    ])],
    "queues.conf": [(-1, [
        ("[support]", "[support]"),
        ("member => PJSIP/2001,0,Jane Planted,PJSIP/2001",
         "member => PJSIP/2001,0,FlexPBX User,PJSIP/2001"),
    ])],
    "features.conf": [],
    "musiconhold.conf": [],
}  # fmt: skip

# Sample lines (1-based) the sanitizer changes in the unmodified samples.
PRISTINE_CHANGES: dict[str, set[int]] = {
    "extensions.conf": {143, 244, 245, 307, 384},
    "features.conf": set(),
    "iax.conf": {305, 484, 526, 543, 560, 604, 610, 617, 629, 630, 631, 645},
    "manager.conf": {96},
    "musiconhold.conf": set(),
    "pjsip.conf": {235, 315, 383, 428, 597, 604, 625, 630, 631, 1122},
    "queues.conf": {571, 572, 573, 574, 575},
    "sip.conf": {51, 52, 798, 819, 824, 1400, 1423, 1424, 1471, 1473, 1475, 1486, 1519, 1531,
                 1550, 1563, 1594, 1614},
    "voicemail.conf": {45, 310, 323, 531, 532, 533, 534, 535, 536, 537, 538, 556, 563, 564,
                       572, 582, 583},
}  # fmt: skip

# Live (not commented-out) sample lines among those: the rest are ';' comments.
PRISTINE_LIVE = {
    ("extensions.conf", 307),
    ("iax.conf", 484),
    ("voicemail.conf", 531),
    ("voicemail.conf", 556),
}
PLANTED_VALUES = ["Pl4nted", "planted", "9f1e2d3c4b5a69788796a5b4c3d2e1f0", "864209", "975310"]


def sample(name: str) -> list[str]:
    return (CORPUS / f"{name}.sample").read_text().split("\n")


def build(name: str) -> tuple[list[str], list[str | int]]:
    """The planted file's lines, and per line the expected text or the sample line index."""
    lines: list[str] = []
    origin: list[str | int] = []
    pristine = sample(name)
    plants = dict(PLANTS[name])
    plants[-1] = plants.get(-1, []) + COMMON

    def insert(block: list[tuple[str, str]]) -> None:
        for line, expected in block:
            lines.append(line)
            origin.append(expected)

    insert(plants.get(0, []))
    for index, line in enumerate(pristine):
        lines.append(line)
        origin.append(index)
        insert(plants.get(index + 1, []))
    insert(plants[-1])
    return lines, origin


@pytest.mark.parametrize("name", sorted(PLANTS))
def test_pristine_sample_changes_only_listed_lines(name: str) -> None:
    data = (CORPUS / f"{name}.sample").read_bytes()
    out = sanitize(f"system/etc/asterisk/{name}", data).data
    before, after = data.decode().split("\n"), out.decode().split("\n")
    assert len(after) == len(before)
    changed = {i + 1 for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert changed == PRISTINE_CHANGES[name]
    for number in changed:
        if (name, number) not in PRISTINE_LIVE:
            assert before[number - 1].lstrip().startswith(";")
    assert find_secrets(f"system/etc/asterisk/{name}", out) == []


@pytest.mark.parametrize("name", sorted(PLANTS))
def test_planted_secrets_removed_everything_else_identical(name: str) -> None:
    lines, origin = build(name)
    path = f"system/etc/asterisk/{name}"
    data = "\n".join(lines).encode()
    out = sanitize(path, data).data.decode()
    pristine_out = sanitize(path, (CORPUS / f"{name}.sample").read_bytes()).data.decode()
    expected_pristine = pristine_out.split("\n")
    out_lines = out.split("\n")
    assert len(out_lines) == len(lines)
    for value in PLANTED_VALUES:
        assert value.lower() not in out.lower()
    for line, source in zip(out_lines, origin, strict=True):
        expected = source if isinstance(source, str) else expected_pristine[source]
        assert line == expected
    assert find_secrets(path, data)  # the audit sees them before sanitizing
    assert find_secrets(path, out.encode()) == []
