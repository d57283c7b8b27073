"""Faster ``regex.search`` for text-rule forms that start with a key.

A form such as ``(?<![\\w$>\\-])(?P<key>[A-Za-z_]\\w*)\\s*[:=]\\s*'...'`` starts
with a lookbehind and a character class, so ``re`` tries it at every position
of the file: on code, where identifiers are everywhere, that is the sanitizer's
most expensive scan. Every match holds a rare *separator* (``=``, ``=>``,
``:`` before a quote) that a plain regex finds fast, and the key is the run of
key characters just before it. So: find the next separator, walk back to where
the match must start, and let the real regex ``match`` there.

The result is exactly ``regex.search(text, pos)``: for these forms the key is
the *whole* run of key characters before the separator (the lookbehind refuses
a start inside a run, and what follows the key can never be a key character),
so each separator fixes the one start a match through it can have, and the
leftmost separator with a match gives the leftmost match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


def _is_word(char: str) -> bool:
    # re's Unicode \w: str.isalnum() (alpha, decimal, digit, numeric) or "_".
    return char.isalnum() or char == "_"


def _is_upper_key(char: str) -> bool:
    return char in _UPPER_KEY


def _is_dotted_key(char: str) -> bool:
    return _is_word(char) or char in ".-"


_UPPER_KEY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_KEY_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_ASCII_WORD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
# The ASCII characters each key_char accepts (it accepts no others but Unicode \w).
_ASCII_KEY: dict[Callable[[str], bool], str] = {
    _is_word: _ASCII_WORD,
    _is_upper_key: "".join(sorted(_UPPER_KEY)),
    _is_dotted_key: _ASCII_WORD + ".-",
}
_KEY_CHARS: dict[str, Callable[[str], bool]] = {
    "word": _is_word,
    "upper": _is_upper_key,
    "dotted": _is_dotted_key,
}


@dataclass(frozen=True)
class Anchored:
    """``regex`` searched through the separators ``gate`` finds.

    ``spaces``: whether whitespace may stand between the key and the separator;
    ``key_char``: the characters of the key run; ``quoted``: the key sits in
    quotes (the opening quote, same as the closing one, is where a match starts).
    """

    regex: re.Pattern[str]
    gate: re.Pattern[str]
    key_char: Callable[[str], bool]
    spaces: bool
    quoted: bool = False

    def locate(self, text: str, sep: int) -> tuple[int, str]:
        """Where a match through the separator at *sep* must start (-1 for
        none), and its key."""
        end = sep
        if self.spaces:
            while end > 0 and text[end - 1].isspace():  # re's \s
                end -= 1
        quote = ""
        if self.quoted:
            if end == 0 or text[end - 1] not in "'\"":
                return -1, ""
            quote = text[end - 1]
            end -= 1
        # The ASCII part of the key run in C (str.rstrip), the rest char by char.
        window = text[max(0, end - 64) : end]
        start = end - (len(window) - len(window.rstrip(_ASCII_KEY[self.key_char])))
        while start > 0 and self.key_char(text[start - 1]):
            start -= 1
        if start == end or text[start] not in _KEY_FIRST:
            return -1, ""
        if self.quoted and not (start > 0 and text[start - 1] == quote):
            return -1, ""
        return start - 1 if self.quoted else start, text[start:end]

    def search(self, text: str, pos: int, wanted: Callable[[str], bool] | None = None,
               end: int | None = None) -> re.Match[str] | None:
        """The first match from pos (starting before `end`, if given); with
        `wanted`, the first whose key it accepts. Skipping a match here finds
        the same next match as searching again from its value would: no other
        key can start inside a key, its separator or the spaces before the
        value's quote."""
        at = pos
        while gate := self._gate(text, at, end):
            start, key = self.locate(text, gate.start())
            if start >= pos and (wanted is None or wanted(key)):
                m = self.regex.match(text, start)
                if m is not None:
                    return m
            at = gate.start() + 1
        return None

    def _gate(self, text: str, at: int, end: int | None) -> re.Match[str] | None:
        """The next gate from `at` that starts before `end`, without reading
        past `end` (windows are searched one by one; a search to the text's
        end from each would be quadratic). A gate is a separator of at most
        two characters, spaces and a quote, so one that starts before `end`
        and ends after it starts at one of the two characters before the
        spaces that end the window."""
        if end is None:
            return self.gate.search(text, at)
        if (gate := self.gate.search(text, at, end)) is not None:
            return gate
        tail = end
        while tail > at and text[tail - 1].isspace():
            tail -= 1
        for start in range(max(at, tail - 2), min(tail, end)):
            if (gate := self.gate.match(text, start)) is not None:
                return gate
        return None


@dataclass(frozen=True)
class LineStart:
    """``regex.search`` for a form that starts with ``^`` under ``re.M``.

    ``re`` tries such a regex at every position of the text; ``gate`` is a
    newline followed by a leading part of the regex, which ``re`` finds with
    a fast scan for the newline, so the real regex only runs at the few line
    starts that can match. Same result as ``regex.search(text, pos)``: a match
    at line start s is a gate match at s - 1, and line starts are tried in
    order.
    """

    regex: re.Pattern[str]
    gate: re.Pattern[str]

    def search(self, text: str, pos: int, wanted: Callable[[str], bool] | None = None,
               end: int | None = None) -> re.Match[str] | None:
        """As Anchored.search; the gate's group "key" is the match's key (the
        key ends at the first "=" of the line, so both parse it alike)."""
        if pos == 0 and (m := self.regex.match(text, 0)) is not None \
                and (wanted is None or wanted(m.group("key"))):
            return m
        at = max(pos - 1, 0)
        # A gate is a line's start and its key: inside the window it starts in.
        while gate := self.gate.search(text, at, len(text) if end is None else end):
            if wanted is None or wanted(gate.group("key")):
                m = self.regex.match(text, gate.start() + 1)
                if m is not None:
                    return m
            at = gate.start() + 1
        return None


def anchored(
    regex: re.Pattern[str], separator: str, key_char: str, *, spaces: bool, quoted: bool = False
) -> Anchored:
    """An Anchored for regex; key_char is "word", "upper" or "dotted"."""
    return Anchored(regex, re.compile(separator), _KEY_CHARS[key_char], spaces, quoted)
