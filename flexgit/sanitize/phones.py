"""Phone numbers in text, for :mod:`.personal` (rule ``personal.phone``).

Found by Google's libphonenumber (``phonenumbers.PhoneNumberMatcher``) with
leniency VALID: the number must be a valid number of its country (length and prefix by
the metadata), which alone refuses IP addresses, dates, times, versions and
most timestamps. Default region US (FlexPBX installs are NANP; the benchmark's
are New York): numbers written with ``+`` are found for every country; on a line
that names a phone, GB, DE, FR and AU national formats are tried too. A match
is accepted when it is written with ``+``, or with separators (``415-555-0142``,
``(415) 555 0142``), or its line names a phone (phone, tel, mobile, cell, fax,
sms, call…/callerid, followme, forward, emergency, number, contact): a bare
``4155550100`` elsewhere is an account, an id or a count as often as a phone.
Functional numbers stay byte-identical: extensions, short codes and
dialplan patterns are never valid numbers; what stands in a longer token (hex,
base64, a path, ``1.2.3.4567``) or before ``@`` (``sip:4155550100@…``,
``PJSIP/14155550142@trunk``: a trunk account or a URI) is not a match; values of
trunk-account and id keys (``username=``, ``defaultuser=``, ``fromuser=``,
``authuser=``, ``contact_user=``, ``*_uri``, ``accountcode=``, ``did``…) and the
extension of an ``exten =>`` line are kept; a DID is the company's public
number and routes inbound calls, so it is kept like an extension. Only lines
with seven digits or more reach the (slow) matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.keys import normalize, words

# Seven digits or more, with at most three separators between two of them:
# the gate in front of the matcher (about 25 us a call).
_RUN = re.compile(r"\+?\(?\d(?:[ \t().\-/]{0,3}\d){6,}")
_PHONE_WORD = re.compile(
    r"(?i)phone|\btel|mobile|\bcell|fax|\bsms|whatsapp|call|cid|follow-?me|forward|emergency"
    r"|number|\bnum\b|contact"
)
_KEY_BEFORE = re.compile(r"""([A-Za-z_][\w.\-/]*)['"]?\]?[ \t]*(?:=>|=|:)[^=:]*\Z""")
_KEEP_KEYS = words(
    "user username defaultuser fromuser authuser auth aors outbound_auth uri accountcode "
    "account did dids id uid pid serial version port exten same"
)
_EXTEN_KEYS = frozenset({"exten", "same"})
_REGIONS = ("US",)
_LABELLED_REGIONS = ("US", "GB", "DE", "FR", "AU")
_PLACEHOLDER_DIGITS = frozenset({ph.PHONE_NUMBER_PLACEHOLDER})
_NOT_BEFORE = frozenset("._-$%#&\\")
_NOT_AFTER = frozenset("_@")


def has_digits(text: str) -> bool:
    """Whether text has a run of seven digits or more (the matcher's gate)."""
    return _RUN.search(text) is not None


def spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of every phone number in text[start:end] the module's rule accepts."""
    end = len(text) if end is None else end
    labelled: dict[int, bool] = {}
    for run in _RUN.finditer(text, start, end):
        line_start = text.rfind("\n", 0, run.start()) + 1
        line_end = text.find("\n", run.end())
        line_end = len(text) if line_end < 0 else line_end
        if line_start not in labelled:
            labelled[line_start] = _PHONE_WORD.search(text, line_start, line_end) is not None
        if _kept_by_key(text, max(line_start, run.start() - 120), run.start()):
            continue
        label = labelled[line_start]
        seen: set[tuple[int, int]] = set()
        for region in _LABELLED_REGIONS if label else _REGIONS:
            for match in PhoneNumberMatcher(run.group(), region, leniency=Leniency.VALID):
                span = (run.start() + match.start, run.start() + match.end)
                raw = match.raw_string
                if span in seen or not (raw[0] == "+" or not raw.isdigit() or label):
                    continue
                digits = phonenumbers.normalize_digits_only(raw)
                if digits not in _PLACEHOLDER_DIGITS and _stands_alone(text, *span):
                    seen.add(span)
                    yield span


def _kept_by_key(text: str, line_start: int, pos: int) -> bool:
    """Whether the number at pos is the value of a trunk-account/id key or an extension."""
    m = _KEY_BEFORE.search(text, line_start, pos)
    if m is None:
        return False
    norm = normalize(m.group(1))
    last = norm.rsplit("_", 1)[-1]
    if norm in _EXTEN_KEYS:
        return "," not in text[m.end(1) : pos]  # exten => 4155550100,1,...: the DID
    return norm in _KEEP_KEYS or last in _KEEP_KEYS or norm.endswith(("_did", "_user"))


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Not a piece of a longer token (hex, base64, path, version, IP) nor a URI user."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before.isalnum() or before in _NOT_BEFORE or after.isalnum() or after in _NOT_AFTER:
        return False
    return not (after in ".-:/" and text[end + 1 : end + 2].isalnum())
