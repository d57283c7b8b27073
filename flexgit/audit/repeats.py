"""The audit's own sweep: a value one of its detectors found in one place is
a secret or a person wherever else it stands, where no detector would see it
(`Mailbox 2120 now uses 859984.` in a guide, a user's name in a comment, a
password in an XML note). So every value found is looked for, after all
files were read, in every text of the audit, plain, base64 and URL-encoded,
with one Aho-Corasick pass (pyahocorasick).

The values are the audit's own findings, never the sanitizer's records: the
two stay independent. Values shorter than MIN_LENGTH, numbers of fewer than
six digits (extensions, ports, years) and single lower-case words are not
looked for: they stand everywhere for other reasons. The texts are kept
until the end up to MAX_TEXT characters in all; beyond that the sweep reads
only the texts it kept (each file's own detectors still ran).
"""

from __future__ import annotations

import base64
import bisect
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

from flexgit.audit.placeholders import is_placeholder

MIN_LENGTH = 6
MAX_TEXT = 256 << 20
RULE = "repeated"
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Repeat:
    where: str
    obj: str | None
    line: int  # 1-based
    rule: str  # repeated.<the rule that found the value>
    value: str


def sweepable(value: str) -> bool:
    value = value.strip()
    if len(value) < MIN_LENGTH or is_placeholder(value) or _WORD.fullmatch(value):
        return False
    return not value.isdigit() or len(value) >= 6


class Repeats:
    def __init__(self) -> None:
        self._texts: list[tuple[str, str | None, str]] = []
        self._size = 0
        self._values: dict[str, str] = {}

    def text(self, where: str, obj: str | None, text: str) -> None:
        if self._size + len(text) <= MAX_TEXT:
            self._texts.append((where, obj, text))
            self._size += len(text)

    def learn(self, rule: str, value: str) -> None:
        value = value.strip()
        if sweepable(value):
            self._values.setdefault(value, rule)

    def find(self) -> Iterator[Repeat]:
        if not self._values or not self._texts:
            return
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for value, rule in self._values.items():
            forms = {value, urllib.parse.quote(value, safe="")}
            if len(value) >= 8:
                forms.add(base64.b64encode(value.encode("utf-8", "surrogateescape")).decode()
                          .rstrip("="))
            for form in forms:
                automaton.add_word(form, (len(form), value, rule))
        automaton.make_automaton()
        for where, obj, text in self._texts:
            newlines: list[int] | None = None
            for end, (length, value, rule) in automaton.iter(text):
                start = end - length + 1
                if (start > 0 and text[start - 1].isalnum()) or \
                        (end + 1 < len(text) and text[end + 1].isalnum()):
                    continue  # part of a longer word or number
                if newlines is None:
                    newlines = [m.start() for m in re.finditer("\n", text)]
                line = bisect.bisect_left(newlines, start) + 1
                yield Repeat(where, obj, line, f"{RULE}.{rule}", value)
