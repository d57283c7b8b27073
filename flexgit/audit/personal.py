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
PHONE_TRIGGER = (r"\+[0-9]{1,3}[ .\-]?\(?[0-9]{2,4}\)?[ .\-]?[0-9]{3}"
                 r"|[0-9]{3}(?:\)?[ .\-]{1,2}[0-9]{3}[ .\-][0-9]{4}|[0-9]{7,8})")
NAME_WORDS = ("name", "owner", "author", "fn:", "thanks", "callerid", "caller_id", "member",
              "contact", "maintainer", "maintained")

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


def find_phones(lines: list[str], i: int, region: str = "US") -> Iterator[tuple[str, str]]:
    pn = _phonenumbers()
    line = lines[i]
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
def _first_names() -> Any:
    # No type information; the lead adds it to pyproject's mypy overrides.
    import gender_guesser.detector  # type: ignore[import-untyped,unused-ignore]

    return gender_guesser.detector.Detector(case_sensitive=False)


# Keys that hold nothing but a person's name: there the name needs no known
# first name (Oluwaseun, Thandiwe), two or three capitalized words suffice.
_PERSON = re.compile(r"""(?i:\b(?:full_?name|display_?name|real_?name|admin_?name|"""
                     r"""owner_?name|contact_?name|sender_?name|from_?name|author|fn|"""
                     r"""thanks(?:\s+to)?)\b["']?\s*(?:=>|[:=]|content=)?"""
                     r"""\s*["'`]?|<name>\s*|callerid\(name\)\s*=\s*|callerid\s*=\s*["'])"""
                     r"""([A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+"""
                     r"""(?:[ \t]+[A-Z\u00c0-\u024f][\w\u00c0-\u024f'\-]+){1,2})""")


def find_names(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _PERSON.finditer(line):
        if not is_placeholder(m.group(1)):
            yield "personal.name", m.group(1)
    for rx in _NAMES:
        for m in rx.finditer(line):
            name = m.group(1).rstrip(".")
            if is_placeholder(name):
                continue
            first = re.split(r"[\s\-]", name, maxsplit=1)[0]
            if _first_names().get_gender(first) != "unknown":
                yield "personal.name", name
