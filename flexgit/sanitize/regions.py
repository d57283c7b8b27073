"""The countries of an installation, for reading its national phone numbers.

A number written without ``+`` (``06 12345678``, ``612 34 56 78``) is only a
phone number in its country. An installation says where it is in three ways,
tried in this order and all kept (most likely first):

* Asterisk's ``indications.conf``: ``country=nl`` in ``[general]`` picks the
  ring and busy tones of the country the PBX is in;
* a timezone in its settings (``"timezone": "Europe/Amsterdam"``, PHP's
  ``date.timezone``), mapped to a country by the system's ``zone.tab``
  (tzdata: where ``zoneinfo`` finds it);
* the country codes of the numbers its own records write with ``+``
  (callerids, trunk DIDs, follow-me numbers), the most frequent first.

US is added after them by the phone rule (:mod:`.phones`), so an installation
that says nothing is read as before.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import phonenumbers

_COUNTRY = re.compile(r"(?im)^[ \t]*country[ \t]*=[ \t]*([a-z]{2})\b")
_TIMEZONE = re.compile(
    r"""(?i)(?<![a-z])(?:time_?zone|tz|date\.timezone)["']?[ \t]*[:=]>?[ \t]*["']?"""
    r"""(?P<tz>[A-Z][A-Za-z_]+/[A-Za-z_/+-]+)""")
_E164 = re.compile(r"(?<![\w+])\+[1-9][0-9 ().-]{6,18}[0-9]")
_MAX = 3  # countries kept: an installation is in one, maybe near a border


@functools.cache
def _zone_countries() -> dict[str, str]:
    """Timezone name -> ISO country code, from the first zone.tab on TZPATH."""
    for base in zoneinfo.TZPATH:
        path = Path(base) / "zone.tab"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        table: dict[str, str] = {}
        for line in lines:
            fields = line.split("\t")
            if len(fields) >= 3 and not line.startswith("#"):
                table[fields[2]] = fields[0].upper()
        return table
    return {}


def _supported(code: str) -> bool:
    return code in phonenumbers.SUPPORTED_REGIONS


def from_texts(texts: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The countries that (path, text) pairs of an installation's records name."""
    tones: list[str] = []
    zones: list[str] = []
    codes: Counter[str] = Counter()
    for path, text in texts:
        if path.endswith("indications.conf"):
            tones += [m.group(1).upper() for m in _COUNTRY.finditer(text)]
        zones += [m.group("tz") for m in _TIMEZONE.finditer(text)]
        for m in _E164.finditer(text):
            try:
                number = phonenumbers.parse(m.group(), None)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                region = phonenumbers.region_code_for_number(number)
                if region:
                    codes[region] += 1
    # indications.conf says "uk" for GB.
    found = ["GB" if t == "UK" else t for t in tones]
    found += [c for z in zones if (c := _zone_countries().get(z))]
    found += [region for region, _ in codes.most_common()]
    return tuple(dict.fromkeys(c for c in found if _supported(c)))[:_MAX]
