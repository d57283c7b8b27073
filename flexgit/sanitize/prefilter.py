"""One multi-pattern pass that tells the layers where they can match.

A layer's regexes are written for ``re``, which tries a pattern at every
position of the text; with a case-insensitive alternation that is about
10 MB/s, and most files hold nothing for most layers. So the regexes a layer
runs over whole texts are compiled here, with :func:`compile`: each is an
``re.Pattern`` as before and also joins one shared Hyperscan database as a
pattern that matches a superset of what it matches (:mod:`.hs_syntax`:
Unicode classes, lookarounds and back-references relaxed, never tightened,
and only its most selective part kept). One
scan of a text (about 1 GB/s) then gives, for every registered pattern,
whether it can match at all: :func:`finditer` and :func:`search` skip the
``re`` scan when it cannot, and otherwise run it unchanged. The answer is
exact by construction: no prefilter hit means no ``re`` match.

Word lists (:func:`words`) are the other half: the key vocabulary a rule
acts on (``keys.vocabulary``), matched case-insensitively with their
positions, so a rule keyed by name runs only on the lines that hold one
(:func:`lines`).

Texts are scanned as UTF-8 in Hyperscan's UTF-8/Unicode-property mode, so
``\\w``, ``\\s`` and ``\\d`` mean what they mean to ``re`` on ``str``; lone
surrogates (undecodable bytes, see :mod:`flexgit.content`) are scanned as
U+FFFD, which no class of ours tells apart from them.

:func:`disabled` turns the prefilter off (every pattern "can match", every
line is a hit line): the oracle the tests compare the fast path with.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import hyperscan

from flexgit.sanitize import hs_cache
from flexgit.sanitize.hs_syntax import gate, translate
from flexgit.sanitize.re_guard import guard

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BASE = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_ALLOWEMPTY


@dataclass
class _Registry:
    expressions: list[bytes] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    by_pattern: dict[re.Pattern[str], int] = field(default_factory=dict)
    # The same, by id() of the one object compile() returns for a pattern: a
    # Pattern hashes its whole compiled code on every lookup, and can_match
    # is asked per line window. The object is kept (canonical), so its id is.
    by_id: dict[int, int] = field(default_factory=dict)
    canonical: dict[re.Pattern[str], re.Pattern[str]] = field(default_factory=dict)
    word_owner: dict[int, str] = field(default_factory=dict)  # expression -> word list
    database: hyperscan.Database | None = None
    compiled: int = 0  # how many expressions the database holds


_REGISTRY = _Registry()
_ALWAYS = -1  # a pattern without a selective gate: it can always match
_LOCK = threading.Lock()
_LOCAL = threading.local()
_OFF = threading.local()


def _hs_flags(regex: re.Pattern[str], single: bool = True) -> int:
    # Case and Unicode classes are spelled out by hs_syntax.translate.
    flags = _BASE | (hyperscan.HS_FLAG_SINGLEMATCH if single else 0)
    if regex.flags & re.MULTILINE:
        flags |= hyperscan.HS_FLAG_MULTILINE
    if regex.flags & re.DOTALL:
        flags |= hyperscan.HS_FLAG_DOTALL
    return flags


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # re's name, on purpose
    """``re.compile(pattern, flags)``, registered with the shared prefilter."""
    plain = re.compile(pattern, flags)
    if plain.flags & re.VERBOSE:
        raise ValueError("prefilter: verbose patterns are not supported")
    expression = gate(plain)
    # The same matches; re skips the positions where none can start.
    regex = guard(plain)
    with _LOCK:
        known = _REGISTRY.canonical.get(regex)
        if known is not None:
            return known
        if expression is None:
            _REGISTRY.by_pattern[regex] = _ALWAYS
        else:
            _REGISTRY.by_pattern[regex] = len(_REGISTRY.expressions)
            _REGISTRY.expressions.append(expression.encode())
            _REGISTRY.flags.append(_hs_flags(regex))
        _REGISTRY.canonical[regex] = regex
        _REGISTRY.by_id[id(regex)] = _REGISTRY.by_pattern[regex]
    return regex


def words(name: str, vocabulary: Iterable[str]) -> str:
    """Register a word list (matched case-insensitively, every occurrence)
    under *name*, for :func:`lines`; returns the name."""
    with _LOCK:
        if name in _REGISTRY.word_owner.values():
            raise ValueError(f"prefilter: word list {name!r} registered twice")
        for word in sorted(set(vocabulary)):
            _REGISTRY.word_owner[len(_REGISTRY.expressions)] = name
            regex = re.compile(re.escape(word), re.IGNORECASE)
            _REGISTRY.expressions.append(translate(regex).encode())
            _REGISTRY.flags.append(_hs_flags(regex, single=False))
    return name


def _database() -> hyperscan.Database:
    with _LOCK:
        if _REGISTRY.database is None or _REGISTRY.compiled != len(_REGISTRY.expressions):
            # Compiled once per user and pattern set, not once per process.
            database = hs_cache.database(_REGISTRY.expressions, _REGISTRY.flags)
            _REGISTRY.database, _REGISTRY.compiled = database, len(_REGISTRY.expressions)
        return _REGISTRY.database


@dataclass
class _Hits:
    text: str
    present: set[int]
    ends: dict[str, list[int]]  # word list -> byte end offsets of its words
    data: bytes
    spans: dict[tuple[str, int, int], list[tuple[int, int]]] = field(default_factory=dict)


def _scan(text: str) -> _Hits:
    cached: _Hits | None = getattr(_LOCAL, "hits", None)
    if cached is not None and cached.text is text:
        return cached
    database = _database()
    scratch = getattr(_LOCAL, "scratch", None)
    if scratch is None or getattr(_LOCAL, "scratch_for", None) is not database:
        scratch = hyperscan.Scratch(database)
        _LOCAL.scratch, _LOCAL.scratch_for = scratch, database
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")
    present: set[int] = set()
    ends: dict[str, list[int]] = {}
    owner = _REGISTRY.word_owner

    def on_match(expression: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
        present.add(expression)
        name = owner.get(expression)
        if name is not None:
            ends.setdefault(name, []).append(end)

    database.scan(data, match_event_handler=on_match, scratch=scratch)
    hits = _Hits(text, present, ends, data)
    _LOCAL.hits = hits
    return hits


def _off() -> bool:
    return bool(getattr(_OFF, "on", False))


@contextmanager
def disabled() -> Iterator[None]:
    """Run every registered pattern over whole texts, as if no prefilter
    existed (in this thread): what the fast path must equal."""
    before = _off()
    _OFF.on = True
    try:
        yield
    finally:
        _OFF.on = before


def can_match(regex: re.Pattern[str], text: str) -> bool:
    """False only when *regex* (registered with :func:`compile`) cannot
    match anywhere in *text*."""
    # Asked per line window by the label forms: the common case inline.
    if _OFF.__dict__.get("on"):
        return True
    expression = _REGISTRY.by_id[id(regex)]
    if expression == _ALWAYS:
        return True
    hits = _LOCAL.__dict__.get("hits")
    if hits is None or hits.text is not text:
        hits = _scan(text)
    return expression in hits.present


_NOTHING: tuple[re.Match[str], ...] = ()


def finditer(regex: re.Pattern[str], text: str, pos: int = 0,
             endpos: int | None = None) -> Iterator[re.Match[str]]:
    """``regex.finditer(text, pos, endpos)``, skipped when the prefilter rules
    it out anywhere in text (which rules it out in every slice: hs_syntax)."""
    # Called per line window by the label forms: no generator frame.
    if can_match(regex, text):
        return regex.finditer(text, pos, len(text) if endpos is None else endpos)
    return iter(_NOTHING)


def search(regex: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``regex.search(text)``, skipped when the prefilter rules it out."""
    return regex.search(text) if can_match(regex, text) else None


def lines(name: str, text: str, *, before: int = 0, after: int = 0) -> list[tuple[int, int]]:
    """(start, end) character spans of the lines of *text* that hold a word of
    list *name*, with *before* lines above and *after* lines below, merged, in
    order; an end is the offset of the line's newline (or the text's end).
    The whole text as one span when the prefilter is off."""
    if _off():
        return [(0, len(text))] if text else []
    hits = _scan(text)
    key = (name, before, after)
    if key not in hits.spans:
        hits.spans[key] = _spans(hits, name, before, after)
    return hits.spans[key]


def _spans(hits: _Hits, name: str, before: int, after: int) -> list[tuple[int, int]]:
    text = hits.text
    ends = sorted(hits.ends.get(name, ()))
    if not ends:
        return []
    if len(hits.data) != len(text):  # non-ASCII: byte offsets -> characters
        ends = _char_offsets(hits.data, text, ends)
    spans: list[tuple[int, int]] = []
    for end in ends:
        pos = max(end - 1, 0)
        if spans and pos < spans[-1][1]:
            continue
        start = text.rfind("\n", 0, pos) + 1
        for _ in range(before):
            if start == 0:
                break
            start = text.rfind("\n", 0, start - 1) + 1
        stop = text.find("\n", pos)
        for _ in range(after):
            if stop < 0:
                break
            stop = text.find("\n", stop + 1)
        stop = len(text) if stop < 0 else stop
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], stop)
        else:
            spans.append((start, stop))
    return spans


def _char_offsets(data: bytes, text: str, ends: list[int]) -> list[int]:
    """Byte offsets of the UTF-8 scan as character offsets of text, line by
    line (a line is the same line in both)."""
    byte_lines = [0] + [m.end() for m in re.finditer(b"\n", data)]
    char_lines = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for end in ends:
        line = bisect.bisect_right(byte_lines, end - 1) - 1
        prefix = data[byte_lines[line]:end].decode("utf-8", "replace")
        out.append(min(char_lines[line] + len(prefix), len(text)))
    return out
