"""The scanner: a prefilter over the whole text picks the lines worth a look,
and only there do the detectors' Python rules run.

The prefilter is one Aho-Corasick automaton (pyahocorasick) over the
lowercased text for the literal marks (secret keywords, person-name keys,
`@`), a few regexes with cheap starts (long tokens, hash prefixes, phone
shapes, three vendor marks), and the remaining vendor patterns over just the
lines that hold a long token. Most lines hit nothing and cost only the scans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from flexgit import content
from flexgit.audit import (
    archives,
    asterisk,
    credentials,
    encoded,
    entropy,
    hashes,
    keywords,
    people,
    personal,
    shape,
    tables,
    urls,
    vendor,
)

Find = Callable[[list[str], int], Iterator[tuple[str, str]]]


@dataclass(frozen=True)
class Hit:
    line: int  # 1-based
    rule: str
    value: str


@dataclass(frozen=True)
class _Prefilter:
    automaton: Any  # ahocorasick.Automaton: word -> the finds it calls for
    regexes: tuple[tuple[re.Pattern[str], Find], ...]  # over the whole text
    long_token: re.Pattern[str]
    gated: tuple[tuple[re.Pattern[str], Find], ...]  # over the long-token lines
    slow_keywords: re.Pattern[str]  # when lowercasing changes the text's length


@cache
def _prefilter() -> _Prefilter:
    import ahocorasick

    words: dict[str, tuple[Find, ...]] = {}
    groups: tuple[tuple[tuple[Find, ...], tuple[str, ...]], ...] = (
        ((keywords.find,), keywords.WORDS),
                         ((personal.find_names,), personal.NAME_WORDS),
        ((personal.find_emails, credentials.find), personal.EMAIL_WORDS),
        ((asterisk.find,), asterisk.WORDS), ((urls.find,), urls.WORDS),
        ((credentials.find_joined,), credentials.JOINED_WORDS), ((people.find,), people.WORDS))
    for finds, group in groups:
        for w in group:
            words[w] = words.get(w, ()) + finds
    automaton = ahocorasick.Automaton()
    for w, finds in words.items():
        automaton.add_word(w, finds)
    automaton.make_automaton()
    plugins = vendor.plugins()
    regexes: list[tuple[re.Pattern[str], Find]] = [(re.compile(hashes.TRIGGER), hashes.find),
               (re.compile(personal.PHONE_TRIGGER), personal.find_phones),
               (re.compile(shape.TRIGGER), shape.find),
               (re.compile(asterisk.TRIGGER), asterisk.find),
               (re.compile(tables.TRIGGER), tables.find),
               (re.compile(people.TRIGGER), people.find),
               (re.compile(encoded.TRIGGER), encoded.find),
               ]
    regexes += [(re.compile(p.trigger), p.find) for p in plugins if p.whole_text]
    gated = tuple((re.compile(p.trigger), p.find) for p in plugins if not p.whole_text)
    return _Prefilter(automaton, tuple(regexes), re.compile(entropy.TRIGGER), gated,
                      re.compile(keywords.TRIGGER))


_DIGIT = re.compile("[0-9]")


class _Lines:
    """Line indexes of offsets that come in increasing order (one pass of a
    scanner): counting newlines since the last offset, in C."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._at = 0
        self._line = 0

    def index(self, offset: int) -> int:
        if offset < self._at:  # a new pass starts over
            self._at = self._line = 0
        self._line += self.text.count("\n", self._at, offset)
        self._at = offset
        return self._line


def _wanted(text: str) -> dict[int, list[Find]]:
    pf = _prefilter()
    wanted: dict[int, list[Find]] = {}

    def scan(hits: Iterator[tuple[int, tuple[Find, ...]]], at: _Lines,
             lines_of: Callable[[int], int] = lambda i: i) -> None:
        last: tuple[int, tuple[Find, ...]] | None = None
        for offset, finds in hits:
            i = lines_of(at.index(offset))
            if last == (i, finds):
                continue  # the same line asked for the same finds again
            last = (i, finds)
            have = wanted.setdefault(i, [])
            have.extend(f for f in finds if f not in have)

    low = text.lower()
    if len(low) == len(text):
        scan(pf.automaton.iter(low), _Lines(text))
    else:  # a character whose lowercase is longer: offsets would not match
        scan(((m.start(), (keywords.find,)) for m in pf.slow_keywords.finditer(text)),
             _Lines(text))
    for rx, find in pf.regexes:
        scan(((m.start(), (find,)) for m in rx.finditer(text)), _Lines(text))
    at = _Lines(text)
    # A long token with neither a digit nor both cases is a name
    # (long_identifier_names_like_this); a random one holds one or the other.
    long_lines = sorted({at.index(m.start()) for m in pf.long_token.finditer(text)
                         if _DIGIT.search(m.group()) or not m.group().islower()})
    if long_lines:
        for i in long_lines:
            wanted.setdefault(i, []).extend((entropy.find, encoded.find))
        lines = text.split("\n")
        sub = "\n".join(lines[i] for i in long_lines)
        for rx, find in pf.gated:
            scan(((m.start(), (find,)) for m in rx.finditer(sub)), _Lines(sub),
                 long_lines.__getitem__)
    return wanted


def scan_text(text: str, path: str = "") -> list[Hit]:
    """Every (line, rule, value) the detectors find in `text`."""
    wanted = _wanted(text)
    password_file = hashes.PASSWORD_FILE.search(path) is not None
    if not wanted and not password_file:
        return []
    lines = text.split("\n")
    for i in [i for i, finds in wanted.items() if keywords.find in finds]:
        for j in keywords.block(lines, i):
            wanted.setdefault(j, []).append(keywords.find_in_block)
    if password_file:
        for i in range(len(lines)):
            wanted.setdefault(i, []).append(hashes.find_in_password_file)
    out: dict[tuple[int, str, str], None] = {}
    for i in sorted(wanted):
        for find in wanted[i]:
            for rule, value in find(lines, i):
                out.setdefault((i + 1, rule, value), None)
    return [Hit(line, rule, value) for line, rule, value in out]


_STRINGS = re.compile(rb"[\x20-\x7e\t]{12,}")
# In the printable strings of a binary, only rules for exact formats: random
# bytes make short runs where a keyword rule would see a value by chance.
_BINARY_RULES = ("vendor.", "hash.", "personal.email")
# ... and a keyword rule where a long key word is bound to its value
# (`password=...`, `token: ...` in a data file's strings): random bytes do not
# spell those.
_BOUND = re.compile(r"(?i)(?:passw(?:or)?d|passphrase|secret|token|api[_\-]?key)[\w\-]*\s*[=:]")


# Latin-1 text read from a Windows code page: its C1 controls are cp1252's
# quotes, dashes and the euro sign (`Password: \x93secret\x94`). Same length,
# so line numbers and offsets hold.
_CP1252 = {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}


@dataclass(frozen=True)
class Scanned:
    hits: list[Hit]
    binary: bool
    text: str | None  # the text the rules read, for the audit's sweep (repeats.py)


def scan_bytes(data: bytes, path: str = "") -> tuple[list[Hit], bool]:
    """(hits, is_binary) of scan_content."""
    s = scan_content(data, path)
    return s.hits, s.binary


def scan_content(data: bytes, path: str = "", *, nested: bool = False) -> Scanned:
    """Text is decoded losslessly by flexgit.content; a binary file that is
    a static asset (image, font) holds nothing to look for; an archive is
    read member by member (archives.py); any other binary is read as its
    printable strings, with the rules of exact formats only (vendor tokens,
    keys, hashes, emails)."""
    text = content.decode(data)
    if text is not None:
        body = text.text
        if text.encoding == "latin-1":
            body = body.translate(_CP1252)
        return Scanned(scan_text(body, path), False, body)
    kind = content.binary_kind(data)
    if kind in content.ASSET_KINDS:
        return Scanned([], True, None)
    hits: list[Hit] = []
    if kind == "archive" and not nested:
        for name, member in archives.members(data):
            hits += scan_content(member, name or path, nested=True).hits
    runs = [s.decode("ascii") for s in _STRINGS.findall(data)]
    hits += [h for h in scan_text("\n".join(runs), path) if h.rule.startswith(_BINARY_RULES)
             or (h.rule == keywords.RULE and _BOUND.search(runs[h.line - 1]))]
    return Scanned(hits, True, None)
