"""Personal data: email addresses outside the reserved documentation domains,
phone numbers (Google's phonenumbers), and person names where a name is bound
to a key or field that holds one (`"name":`, `callerid=`, a queue member's or a
mailbox's full name) and its first word is a known first name (gender-guesser's
name list), so that `"name": "Main Office"` is not a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from flexgit.audit.placeholders import is_placeholder

EMAIL_WORDS = ("@",)
# [0-9], not \d: Unicode digit classes make the scan several times slower.
PHONE_TRIGGER = (r"\+[0-9]{1,3}[ .\-]?\(?[0-9]{1,4}\)?[ .\-]?[0-9]{2,}"
                 r"|[0-9]{3}(?:\)?[ .\-]{1,2}[0-9]{3}[ .\-][0-9]{4}|[0-9]{7,8})"
                 r"|(?<![0-9])0[0-9]{1,4}[ .\-/][0-9]")
NAME_WORDS = ("name", "owner", "author", "fn:", "thanks", "callerid", "caller_id", "member",
              "contact", "maintainer", "maintained", "written by", "surname",
              *(f"{k}{end}" for k in ("first", "given", "last", "family")
                for end in ('"', "'", ":", "=", "_name", "name")))

_EMAIL = re.compile(r"(?<![\w.+%-])([A-Za-z0-9][\w.+%-]*)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.([A-Za-z]{2,24}))(?![\w-])")
# RFC 2606/6761 names and what intranets use; file extensions (logo@2x.png).
_FILE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "css",
                              "map", "php", "json", "html", "htm", "txt", "md", "conf", "xml",
                              "wav", "mp3", "gz", "zip"})
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local", "lan",
                            "internal"}) | _FILE_EXTENSIONS
_RESERVED_DOMAINS = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|home\.arpa)$", re.I)
# A channel's dial string: TECH/resource@host, and `!` chains of them.
_DIAL = re.compile(r"(?i)(?:\b(?:sip|pjsip|iax2|jingle|motif|xmpp|dahdi|local)/|!)[^\s,()]*$")
_URI_SCHEMES = re.compile(r"(?i)(?:sips?|iax2?|pjsip|tel|xmpp|h323):$")

# Not `contact` or `number`: `contact_user=4155550100` is a trunk's account.
_PHONE_WORDS = re.compile(r"(?i)phone|tel\b|mobile|cell|fax|sms|callerid|caller_id|\bcid|"
                          r"followme|emergency")
_APOSTROPHES = "'\u2019"  # O'Brien, O\u2019Brien
_NAME_VALUE = (rf"([A-Z][\w{_APOSTROPHES}\-]+(?:[ \t]+(?:[A-Z][\w{_APOSTROPHES}.\-]*"
               r"|de|van|von|der|da|di|le|la)){1,3})")
_NAMES = (
    re.compile(r"""(?i:\b(?:full_?|display_?|real_?|admin_?|owner_?|contact_?|user_?|from_?|"""
               r"""first_?|staff_?|sender_?|mail_from_)?name|owner|contact|maintainer|"""
               r"""author|maintained\s+by)\b["']?\s*(?:=>|[:=])?\s*["'`]?""" + _NAME_VALUE),
    re.compile(r"""(?i:callerid|caller_?id)\s*=>?\s*["']?""" + _NAME_VALUE + r"""["']?\s*<"""),
    re.compile(r"""(?i:member)\s*=>\s*[^,\n]+,[^,\n]*,""" + _NAME_VALUE),
    re.compile(r"""^\s*\d+\s*=>\s*[^,\n]*,""" + _NAME_VALUE + r"""\s*,"""),  # voicemail.conf
)


def find_emails(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _EMAIL.finditer(line):
        value, domain, tld = m.group(), m.group(2), m.group(3).lower()
        if tld in _FILE_EXTENSIONS and domain.count(".") >= 2:
            # alice@acme.net.png, an avatar named after its owner: the address ends before
            value, domain = value[:-len(tld) - 1], domain[:-len(tld) - 1]
            tld = domain.rsplit(".", 1)[1].lower()
        if tld in _RESERVED_TLDS or _RESERVED_DOMAINS.search(domain) or is_placeholder(value):
            continue
        if _URI_SCHEMES.search(line, 0, m.start()) or _DIAL.search(line, 0, m.start()):
            continue  # sip:4155550100@provider, SIP/sales@proxy: an account, a destination
        if line[max(0, m.start() - 1):m.start()] == ":" and \
                not line[:m.start()].lower().endswith("mailto:"):
            continue  # user:secret:authuser@host: the userinfo of a register line
        yield "personal.email", value


@cache
def _phonenumbers() -> Any:
    import phonenumbers

    return phonenumbers


_EXTEN = re.compile(r"\s*(?:exten|same)\s*=>?\s*_?$", re.I)


# A number in a national format (trunk prefix 0) or with the international
# prefix 00, in groups: read in the regions where people write it that way,
# so that `07721 119027` (GB), `06 95 28 79 26` (FR), `01512 3454400` (DE),
# `010 128 5085` (NL) and `090-4150-5112` (JP) are numbers, not digits.
_NATIONAL = re.compile(r"(?<![\w+.:/=\-])0[1-9][0-9]{0,4}(?:[ .\-/][0-9]{2,8}){1,5}"
                       r"(?![\w:\-]|\.\d)")
_INTERNATIONAL = re.compile(r"(?<![\w+.:/=\-])(?:00|\+)[1-9][0-9 .\-()]{6,18}[0-9]"
                            r"(?![\w:\-]|\.\d)")
_REGIONS = ("GB", "DE", "FR", "NL", "ES", "IT", "BE", "AT", "CH", "SE", "DK", "NO", "PL",
            "PT", "IE", "AU", "NZ", "JP", "BR", "IN", "ZA", "MX")
# A full number dialled through a channel (Dial(PJSIP/15035550100@trunk),
# a queue member's Local/number@context): a person's or a business's number.
_DIALLED = re.compile(r"(?i)\b(?:pjsip|sip|iax2|local|dahdi/[gr]?\d*)/(\+?[0-9]{10,15})@")


def _valid_somewhere(pn: Any, raw: str) -> bool:
    digits = re.sub(r"[^0-9]", "", raw)
    if raw.startswith(("00", "+")):
        # Written in groups with the country code, a possible number is one
        # even where the plan says the range is not assigned (yet).
        return _parses(pn, "+" + digits[2 if raw.startswith("00") else 0:], None,
                       possible=len(digits) >= 9)
    return any(_parses(pn, digits, region) for region in _REGIONS)


def _parses(pn: Any, number: str, region: str | None, *, possible: bool = False) -> bool:
    try:
        parsed = pn.parse(number, region)
    except pn.NumberParseException:
        return False
    return bool(pn.is_valid_number(parsed) or (possible and pn.is_possible_number(parsed)))


def find_phones(lines: list[str], i: int, region: str = "US") -> Iterator[tuple[str, str]]:
    pn = _phonenumbers()
    line = lines[i]
    seen: list[str] = []
    for rx in (_INTERNATIONAL, _NATIONAL):
        for m in rx.finditer(line):
            raw = m.group().strip()
            if is_placeholder(raw) or any(raw in s for s in seen) \
                    or _URI_SCHEMES.search(line, 0, m.start()) or line[m.end():m.end() + 1] == "@" \
                    or _EXTEN.match(line[:m.start()]):
                continue  # sip:+4930...@host, exten => +4930...: an account, a routed DID
            if _valid_somewhere(pn, raw):
                seen.append(raw)
                yield "personal.phone", raw
    for m in _DIALLED.finditer(line):
        number = m.group(1)
        if _parses(pn, number, region) \
                and not _EXTEN.match(line[:m.start()]):
            yield "personal.phone", number
    for m in pn.PhoneNumberMatcher(line, region, leniency=pn.Leniency.VALID):
        raw = m.raw_string
        dialled = raw.startswith("+") and re.search(r"(?:/|tel:)$", line[:m.start]) is not None
        if is_placeholder(raw) or (not dialled and (_URI_SCHEMES.search(line, 0, m.start)
                                                    or line[m.end:m.end + 1] == "@")):
            continue
        if raw.isdigit() and not _PHONE_WORDS.search(line):
            continue  # a bare run of digits is a phone number only where the line says so
        if _EXTEN.match(line[:m.start]):
            continue  # exten => +4930...,1,...: the company's DID routed, not a person's
        yield "personal.phone", raw


@cache
def first_names() -> Any:
    # No type information; the lead adds it to pyproject's mypy overrides.
    import gender_guesser.detector  # type: ignore[import-untyped,unused-ignore]

    return gender_guesser.detector.Detector(case_sensitive=False)


# Keys that hold nothing but a person's name: there the name needs no known
# first name (Oluwaseun, Thandiwe), two or three capitalized words suffice.
_PERSON = re.compile(r"""(?i:\b(?:full_?name|display_?name|real_?name|admin_?name|"""
                     r"""owner_?name|contact_?name|sender_?name|from_?name|author|fn|"""
                     r"""thanks(?:\s+to)?)\b["']?\s*(?:=>|[:=]|content=)?"""
                     r"""\s*["'`]?|<name>\s*|callerid\(name\)\s*=\s*|callerid\s*=\s*["']|"""
                     r"""callerid\s*=\s*(?=[^<\n]+<)|(?:written|maintained)\s+by\s+|"""
                     r"""member\s*=>\s*[^,\n]+,[^,\n]*,)"""
                     r"""([A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+"""
                     r"""(?:[ \t]+[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+){1,2})""")


# A list or map of people (`"staff": [`, `authors:`, `contacts = {`): a
# `name` inside it is a person's even when the first name is not on the list.
_PEOPLE = re.compile(r"""(?i)^\s*["']?(?:staff|authors?|team|members?|contacts?|people|users|"""
                     r"""employees|owners?|admins?|maintainers?|contributors?|agents|"""
                     r"""directory|phonebook)["']?\s*(?:=>|[:=])\s*(?:array\s*\(|[\[{(])?\s*$""")
_NAME_KEY = re.compile(r"""(?i)^\s*(?:-\s*)?["']?name["']?\s*(?:=>|[:=])\s*["']?"""
                       r"""([A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+"""
                       r"""(?:[ \t]+[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+){1,2})["']?,?\s*$""")
# First and last name under keys of their own ("first": "Ada", "last": "Lovelace").
_FIRST_KEY = re.compile(r"""(?i)["']?(?:first|given)(?:_?name)?["']?\s*(?:=>|[:=])\s*["']?"""
                        r"""([A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+)["']?\s*,?\s*$""")
_LAST_KEY = re.compile(r"""(?i)["']?(?:last|family|sur)(?:_?name)?["']?\s*(?:=>|[:=])\s*["']?"""
                       r"""([A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+)["']?\s*,?\s*$""")
_LOOK_BACK = 15


def _in_people(lines: list[str], i: int) -> bool:
    indent = len(lines[i]) - len(lines[i].lstrip())
    for j in range(i - 1, max(-1, i - _LOOK_BACK), -1):
        line = lines[j]
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) < indent:
            if _PEOPLE.match(line):
                return True
            indent = len(line) - len(line.lstrip())
            if indent == 0:
                return False
    return False


def _first_and_last(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    first = _FIRST_KEY.search(lines[i])
    if first and first_names().get_gender(first.group(1)) != "unknown":
        yield "personal.name", first.group(1)
    last = _LAST_KEY.search(lines[i])
    if last and any(_FIRST_KEY.search(lines[j]) for j in range(max(0, i - 3), i + 4)
                    if j < len(lines) and j != i):
        yield "personal.name", last.group(1)


def find_names(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    yield from _first_and_last(lines, i)
    named = _NAME_KEY.match(line)
    if named and not is_placeholder(named.group(1)) and _in_people(lines, i):
        yield "personal.name", named.group(1)
    for m in _PERSON.finditer(line):
        if not is_placeholder(m.group(1)):
            yield "personal.name", m.group(1)
    for rx in _NAMES:
        for m in rx.finditer(line):
            name = m.group(1).rstrip(".")
            if is_placeholder(name):
                continue
            first = re.split(r"[\s\-]", name, maxsplit=1)[0]
            if first_names().get_gender(first) != "unknown":
                yield "personal.name", name
