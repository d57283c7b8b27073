"""Phone numbers in text, for :mod:`.personal` (rule ``personal.phone``).

Found by Google's libphonenumber (``phonenumbers.PhoneNumberMatcher``):

* Leniency VALID: the number must be a valid number of its country (length and
  prefixes from the metadata). That alone refuses IP addresses, dates, times,
  versions, most timestamps and the placeholder ``+15555550100`` itself (555
  is no NANP area code), which POSSIBLE does not; STRICT_GROUPING would miss
  numbers written in a grouping their country does not use.
* Regions: the installation's own countries first (``known.regions``: its
  Asterisk ``indications.conf`` country, its timezone, the country codes of
  the numbers its records hold), then US (FlexPBX installations mostly dial
  NANP numbers; the sample and the benchmark are New York). A number written
  with ``+`` is found whatever its country. On a line that names a phone, a
  number opening with the trunk prefix 0 is also tried as a national number
  of the countries that dial one (GB, DE, FR, AU, NL, BE, IT, CH, AT, SE, IE,
  NZ, ZA, JP, IN).

A valid match is replaced when it is written with ``+``, or with separators
(``415-555-0142``, ``(415) 555 0142``), or its line names a phone (phone, tel,
mobile, cell, fax, sms, call…/callerid, cid, followme, forward, emergency,
number, contact): a bare ``4155550100`` elsewhere is as often an account, an
id or a count. Functional numbers stay byte-identical: extensions, short codes
(``911``) and dialplan patterns are never valid numbers; a number inside a
longer token (hex, base64, a path, ``1.2.3.4567``) or before ``@``
(``sip:4155550100@…``, ``IAX2/4155550100@host/2001``: a trunk account or a
URI) is not a match, but a ``Local/4155550100@from-internal`` channel (queue
members, ``Dial()``) dials the number, so it is one; values of trunk-account
and id keys (``username=``, ``defaultuser=``, ``fromuser=``, ``authuser=``,
``contact_user=``, ``*_uri``, ``accountcode=``, ``did``…) and the extension of
an ``exten =>`` line are kept: a DID is the company's public number and routes
inbound calls, like an extension. Only runs of seven digits or more reach the (slow) matcher, and
its answer per run is cached (the same numbers repeat across files).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.keys import normalize, words

# A run of digits and separators: the gate in front of the matcher (about
# 25 us a call) lets only runs with seven digits or more through. A plain
# character-class run, not "digit (separators digit){6,}": re scans it four
# times faster, and the digits are counted in C (str.translate) after.
_RUN = re.compile(r"[0-9][0-9 ().\-/]{6,}")  # (with a tab in the class: twice as slow)
_NOT_DIGITS = str.maketrans("", "", " ().-/")
_IP = re.compile(r"(?<![0-9])[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?![0-9])")
_PHONE_WORD = re.compile(
    r"(?i)phone|\btel|mobile|\bcell|fax|\bsms|whatsapp|call|cid|follow-?me|forward|emergency"
    r"|number|\bnum\b|contact|dial"
)
_KEY_BEFORE = re.compile(r"""([A-Za-z_][\w.\-/]*)['"]?\]?[ \t]*(?:=>|=|:)[^=:]*\Z""")
_KEEP_KEYS = words(
    "user username defaultuser fromuser authuser auth aors outbound_auth uri accountcode "
    "account did dids id uid pid serial version port exten same"
)
_EXTEN_KEYS = frozenset({"exten", "same"})
_REGIONS = ("US",)
# Countries whose national numbers open with the trunk prefix 0.
_LABELLED_REGIONS = ("US", "GB", "DE", "FR", "AU", "NL", "BE", "IT", "CH", "AT", "SE", "IE",
                     "NZ", "ZA", "JP", "IN")
_PLACEHOLDER_DIGITS = frozenset({ph.PHONE_NUMBER_PLACEHOLDER})
_NOT_BEFORE = frozenset("._-$%#&\\")
_NOT_AFTER = frozenset("_")
_HOST_PATH = re.compile(r"@[\w.\-:\[\]]+/")


def _runs(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """(offset, text) of each run with seven digits or more, with a leading + or (."""
    for m in _RUN.finditer(text, start, end):
        run = m.group().rstrip(" (.-/")
        if len(run.translate(_NOT_DIGITS)) < 7:
            continue
        pos = m.start()
        while pos > start and text[pos - 1] in "+(" and m.start() - pos < 2:
            pos -= 1
        yield pos, text[pos : m.start()] + run


@functools.lru_cache(maxsize=4096)
def _matches(run: str, region: str) -> tuple[tuple[int, str], ...]:
    """(offset, raw text) of the valid numbers in a run (runs repeat across files)."""
    if _IP.search(run):
        return ()  # an address or a netmask: the matcher would try each piece
    return tuple((m.start, m.raw_string)
                 for m in PhoneNumberMatcher(run, region, leniency=Leniency.VALID))


_SHAPE = re.compile(r"\+?\(?[0-9][0-9 ().\-/]{6,}")


def whole_number(value: str) -> bool:
    """Whether *value* is one valid phone number and nothing else (an SQL cell
    of an unknown column): written with +, in national form (US) or, opening
    with the trunk prefix 0, a GB, DE, FR or AU national number."""
    v = value.strip()
    if not _SHAPE.fullmatch(v) or len(v.translate(_NOT_DIGITS).lstrip("+")) < 7:
        return False
    if phonenumbers.normalize_digits_only(v) in _PLACEHOLDER_DIGITS:
        return False
    regions = _LABELLED_REGIONS if v.lstrip("(")[:1] == "0" else _REGIONS
    return any(raw == v for region in regions for _, raw in _matches(v, region))


def has_digits(text: str) -> bool:
    """Whether text has a run of seven digits or more (the matcher's gate)."""
    return next(_runs(text, 0, len(text)), None) is not None


def spans(text: str, start: int = 0, end: int | None = None, *,
          regions: tuple[str, ...] = ()) -> Iterator[tuple[int, int]]:
    """(start, end) of every phone number in text[start:end] the module's rule
    accepts; `regions`: the installation's countries, tried first."""
    end = len(text) if end is None else end
    plain = tuple(dict.fromkeys((*regions, *_REGIONS)))
    labelled_regions = tuple(dict.fromkeys((*regions, *_LABELLED_REGIONS)))
    labelled: dict[int, bool] = {}
    for pos, run in _runs(text, start, end):
        line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", pos + len(run))
        line_end = len(text) if line_end < 0 else line_end
        if line_start not in labelled:
            labelled[line_start] = _PHONE_WORD.search(text, line_start, line_end) is not None
        if _kept_by_key(text, max(line_start, pos - 120), pos):
            continue
        # Local/<number>@context dials the number: a Local channel names no account.
        label = labelled[line_start] or _local_channel(text, pos)
        seen: set[tuple[int, int]] = set()
        # National numbers of many countries open with their trunk prefix 0;
        # tried on a phone line, or when written in groups (01 23 45 67 89).
        national = run.lstrip("(")[:1] == "0" and (label or not run.isdigit())
        for region in labelled_regions if national else plain:
            for offset, raw in _matches(run, region):
                if region not in plain and raw.lstrip("(")[:1] != "0":
                    continue  # "00 (1760436902)": not the national number the 0 opened
                span = (pos + offset, pos + offset + len(raw))
                if span in seen or not (raw[0] == "+" or not raw.isdigit() or label):
                    continue
                digits = phonenumbers.normalize_digits_only(raw)
                if digits not in _PLACEHOLDER_DIGITS and _stands_alone(text, *span):
                    seen.add(span)
                    yield span


def _local_channel(text: str, pos: int) -> bool:
    return text[max(0, pos - 6) : pos].lower() == "local/"


def _kept_by_key(text: str, line_start: int, pos: int) -> bool:
    """Whether the number at pos is the value of a trunk-account/id key or an extension."""
    m = _KEY_BEFORE.search(text, line_start, pos)
    if m is None:
        return False
    norm = normalize(m.group(1))
    last = norm.rsplit("_", 1)[-1]
    if norm in _EXTEN_KEYS:
        return "," not in text[m.end(1) : pos]  # exten => 4155550100,1,...: the DID
    if "call" in norm or "cid" in norm:
        return False  # caller_id=, callerid_num=: the caller's number
    return norm in _KEEP_KEYS or last in _KEEP_KEYS or norm.endswith(("_did", "_user"))


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Not a piece of a longer token (hex, base64, path, version, IP) nor a URI user."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or before in _NOT_BEFORE or after.isalnum() or after in _NOT_AFTER:
        return False
    if after == "@":  # Dial(PJSIP/+14155550142@trunk) dials the number, but
        if _local_channel(text, start):
            return True
        lead = text[max(0, start - 5) : start].lower()
        if lead.endswith(("sip:", "sips:")):
            return False  # sip:4155550100@host is an account or an AOR,
        return not (lead.endswith("/") and _HOST_PATH.match(text, end))  # so is IAX2/u@h/exten
    return not (after in ".-:/" and text[end + 1 : end + 2].isalnum())
