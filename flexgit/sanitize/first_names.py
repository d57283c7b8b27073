"""Known first names, for telling a person's name from other capitalised words.

The list is gender-guesser's (``data/nam_dict.txt``: about 45,000 first names
of 54 countries, kept by its authors), read with the library's own rule: a
name counts when its most frequent reading is male or female, not one given
to both alike ("andy": "London", "Can", "Do"). The library's ``Detector``
keeps every country column of every name for its other questions; only the
set of names is kept here, read once per process and only when a text has a
candidate name.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

_ANDY = "?"


def _weight(countries: str) -> tuple[int, int]:
    """gender-guesser's popularity of one reading: in how many countries, how often."""
    values = [ord(c) for c in countries.replace(" ", "")]
    return len(values), sum(c - 55 if c > 64 else c - 48 for c in values)


def _reading(code: str) -> str:
    # "1M"/"?M" (mostly male) and "M" are one answer here: a first name.
    return _ANDY if code == _ANDY else code[-1]


@functools.cache
def _names() -> frozenset[str]:
    data = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    readings: dict[str, dict[str, str]] = {}
    with data.open(encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in "#=":
                continue
            code, name = line.split(maxsplit=2)[:2]
            # "Marie+Claire": written joined, spaced or hyphenated.
            name = name.lower()
            for spelled in ([name.replace("+", s) for s in ("", " ", "-")] if "+" in name
                            else [name]):
                readings.setdefault(spelled, {})[code] = line[30:-1]
    names = set()
    for name, codes in readings.items():
        if len(codes) == 1:  # most names: one reading, nothing to weigh
            code, countries = next(iter(codes.items()))
            if code != _ANDY and countries.strip():
                names.add(name)
            continue
        best, top = _reading(next(iter(codes))), (0, 0)
        for code, countries in codes.items():
            weight = _weight(countries)
            if weight > top:
                best, top = _reading(code), weight
        if top[0] > 0 and best != _ANDY:
            names.add(name)
    return frozenset(names)


def is_first_name(word: str) -> bool:
    """Whether word (any case, accents or not: "Joaquín", "Zoë") is a known first name."""
    low = word.lower()
    if low in _names():
        return True
    folded = unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()
    return folded != low and folded in _names()
