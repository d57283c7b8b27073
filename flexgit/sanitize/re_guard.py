"""A first-character guard that lets ``re`` skip most positions of a search.

``re`` searches by trying its pattern at every position, but it skips
positions cheaply when it knows the match's first character: a leading
literal or (case-sensitive) character class. Our label and layer patterns
start with a lookbehind (``(?<![\\w$@>.:/-])``), an anchor or a
case-insensitive alternation of words, so ``re`` knows nothing and enters the
whole alternation at every character: 0.3-0.5 us per character, the cost of
the label forms on the lines they read.

:func:`guard` computes, from ``re``'s own parse tree, the set of characters a
match can start with, and puts a lookahead for that set first
(``(?=[pPsS...])``). A lookahead consumes nothing and the set holds every
first character a match can have, so the guarded pattern matches exactly
where, and what, the original matches (the same spans and groups); it only
fails faster where no match can start. The lookahead is case-insensitive
(a superset under any flags); where the set cannot be known (a pattern that may match empty,
starts with ``.``, ``\\w``, a negated class or a back-reference) or where
``re`` already has its own prefix, the pattern is returned unchanged.
"""

from __future__ import annotations

import re
from re import _compiler, _parser  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from typing import Any

_MAX_CHARS = 64  # a larger set tells too little to pay for the extra step
_LEADING_FLAGS = re.compile(r"\A(?:\(\?[aiLmsux]+\))+")
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))
_ZERO_WIDTH = (c.AT, c.ASSERT, c.ASSERT_NOT)


class _Unknown(Exception):
    """The first characters cannot be listed."""


def first_chars(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Every character a match of regex can start with (before case folding),
    or None when that cannot be listed."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    try:
        chars, nullable = _first(parsed.data)
    except _Unknown:
        return None
    return None if nullable else frozenset(chars)


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """(first characters, whether the sequence can match empty)."""
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next item is what starts the match
        chars, nullable = _item(op, av)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        return _charset(av), False
    if op is c.SUBPATTERN:
        return _first(av[-1].data)
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _first(av.data)
    if op is c.BRANCH:
        out: set[str] = set()
        nullable = False
        for alternative in av[1]:
            chars, empty = _first(alternative.data)
            out |= chars
            nullable = nullable or empty
        return out, nullable
    if op in _REPEATS:
        low, _high, body = av
        chars, empty = _first(body.data)
        return chars, empty or low == 0
    raise _Unknown  # ANY, NOT_LITERAL, CATEGORY, GROUPREF, ...


def _charset(items: list[tuple[Any, Any]]) -> set[str]:
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] < _MAX_CHARS:
            out.update(chr(i) for i in range(av[0], av[1] + 1))
        else:
            raise _Unknown  # NEGATE, CATEGORY, a wide range
    return out


def _has_own_prefix(regex: re.Pattern[str]) -> bool:
    """Whether re already skips positions for this pattern (a literal or a
    charset prefix); a lookahead first would hide that from it."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    flags = parsed.state.flags
    prefix, _skip, _all = _compiler._get_literal_prefix(parsed, flags)
    return bool(prefix) or _compiler._get_charset_prefix(parsed, flags) is not None


def guard(regex: re.Pattern[str]) -> re.Pattern[str]:
    """regex with a lookahead for its first characters in front, when that
    lets re skip positions; otherwise regex itself."""
    chars = first_chars(regex)
    if not chars or len(chars) > _MAX_CHARS or _has_own_prefix(regex):
        return regex
    pattern = regex.pattern
    lead = _LEADING_FLAGS.match(pattern)
    head = lead.group() if lead else ""  # global flags must stay first
    body = "".join(sorted(re.escape(ch) for ch in chars))
    # Case-insensitive in any case: a superset under a scoped (?i:...) too,
    # and wherever the pattern's text is embedded in another.
    return re.compile(f"{head}(?=(?i:[{body}])){pattern[len(head):]}", regex.flags)
