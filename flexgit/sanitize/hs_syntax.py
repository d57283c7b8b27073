"""A Python ``re`` pattern as a Hyperscan pattern that matches at least as much.

The prefilter (:mod:`.prefilter`) must never say "cannot match" where ``re``
would match, and Hyperscan's Unicode mode (UCP) makes a database of our
multilingual label alternations take seconds to compile. So the pattern is
rewritten from ``re``'s own parse tree into Hyperscan's ASCII syntax (UTF-8
mode, so a class or ``.`` still reads one code point), relaxed wherever the
two differ:

* every non-ASCII character a class or literal could stand for becomes "any
  non-ASCII character" (``\\w``, ``\\s``, ``\\d`` are Unicode to ``re``),
  but for characters without case (CJK, kana, Hangul), which stay exact;
* under IGNORECASE, the four non-ASCII characters ``re`` folds onto ASCII
  letters (U+0130, U+0131, U+017F, U+212A) are added to i, k and s;
* ``\\b`` also matches a non-ASCII character (taking it), ``\\s`` is
  spelled out (Unicode has few spaces);
* lookarounds, ``\\B``, ``$`` and ``\\Z`` match anywhere, and a
  back-reference any text; lazy repeats become greedy (same language);
  repeat bounds above 32 are opened, which only widens. Without the
  assertions at the end, the superset holds for a search of any slice
  ``finditer(text, pos, endpos)`` too (re treats endpos as the text's end,
  where ``$`` and lookaheads may match what the whole text refuses).

Spelled out, a class that holds non-ASCII characters (every ``\\w``) costs
Hyperscan a UTF-8 automaton of its own, and our label alternations made the
database take over a second to compile, in every process. So :func:`gate`
keeps only the most selective contiguous run of the pattern's top-level
items that holds no such class: any contiguous part of a sequence matches
wherever the whole does, so the gate is still a superset, and it compiles
in milliseconds. A pattern with no selective run gets no gate (it "can
always match").

The result is a superset by construction; tests/sanitize/test_prefilter.py
checks it against ``re`` on texts built to sit on every difference.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_ANY_NON_ASCII = r"\x{80}-\x{10ffff}"
_ANYTHING = r"[\x00-\x{10ffff}]"
_FOLDS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
_BOUND = 32
_ASCII = [chr(i) for i in range(128)]
# What each category holds among ASCII characters, to re on str.
_CATEGORY = {
    c.CATEGORY_DIGIT: re.compile(r"\d"),
    c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    c.CATEGORY_SPACE: re.compile(r"\s"),
    c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    c.CATEGORY_WORD: re.compile(r"\w"),
    c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}


# re's \\s on str is str.isspace(); no character above U+3000 is a space
# (tests/sanitize/test_prefilter.py checks every code point).
UNICODE_SPACES = frozenset(chr(i) for i in range(0x80, 0x3001) if chr(i).isspace())
# \\b to re is a Unicode word boundary; Hyperscan's is ASCII. They differ only
# beside a non-ASCII character, which this takes instead (consuming it widens).
_BOUNDARY = r"(?:\b|[\x{80}-\x{10ffff}])"


def translate(regex: re.Pattern[str]) -> str:
    """The Hyperscan pattern (UTF-8 mode, no UCP, flags passed apart) for regex."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    return _seq(parsed, bool(parsed.state.flags & re.IGNORECASE))


_WIDE = r"\x{10ffff}"  # in every class translated with non-ASCII members
_MIN_SCORE = 2.0  # about two literal characters: less would gate nothing


def gate(regex: re.Pattern[str]) -> str | None:
    """The most selective contiguous run of regex's top-level items without a
    non-ASCII class, as a Hyperscan pattern; None when no run is selective."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    best = _best(parsed, bool(parsed.state.flags & re.IGNORECASE))
    return best[0] if best[1] >= _MIN_SCORE else None


def _best(items: Any, icase: bool) -> tuple[str, float]:
    """(pattern, score) of the best run of items. A wide item ends a run; its
    own best part (every alternative's, a group's, a repeated body's) is a
    run by itself, since it matches inside the item, not next to the rest."""
    runs: list[list[tuple[str, float]]] = [[]]
    for op, av in items:
        text = _item(op, av, icase)
        if _WIDE not in text.replace(_BOUNDARY, ""):
            runs[-1].append((text, _score(op, av)))
            continue
        inner = _inner(op, av, icase)
        runs.extend([[inner], []] if inner is not None else [[]])
    best = max(runs, key=lambda run: sum(score for _, score in run))
    return "".join(text for text, _ in best), sum(score for _, score in best)


def _inner(op: Any, av: Any, icase: bool) -> tuple[str, float] | None:
    if op is c.BRANCH:
        parts = [_best(branch, icase) for branch in av[1]]
        return "(?:" + "|".join(text for text, _ in parts) + ")", min(s for _, s in parts)
    if op is c.SUBPATTERN:
        _group, add, remove, body = av
        return _best(body, (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _best(av[2], icase)
    if op is c.ATOMIC_GROUP:
        return _best(av, icase)
    return None


def _score(op: Any, av: Any) -> float:
    """Roughly, how many literal characters an item requires."""
    if op is c.LITERAL:
        return 1.0
    if op is c.IN:
        chars, non_ascii, negate = _members(av)
        return 0.5 if not negate and not non_ascii and len(chars) <= 4 else 0.0
    if op is c.BRANCH:
        return float(min(sum(_score(o, a) for o, a in branch) for branch in av[1]))
    if op is c.SUBPATTERN:
        return float(sum(_score(o, a) for o, a in av[3]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, body = av
        return float(min(low, 3) * sum(_score(o, a) for o, a in body))
    return 0.0


def _seq(items: Any, icase: bool) -> str:
    return "".join(_item(op, av, icase) for op, av in items)


def _escape(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}"


def _class(chars: set[str], non_ascii: bool, icase: bool) -> str:
    """A class of these ASCII characters (case-folded when icase), plus every
    non-ASCII character when non_ascii."""
    if icase:
        chars = chars | {x.swapcase() for x in chars if x.isascii() and x.isalpha()}
    body = "".join(_escape(x) for x in sorted(chars))
    extra = ""
    if not non_ascii and icase:
        extra = "".join(_escape(f) for x, fs in _FOLDS.items() if x in chars for f in fs)
    if non_ascii:
        extra = _ANY_NON_ASCII
    if not body and not extra:
        raise ValueError("hs_syntax: a class that matches nothing")
    return f"[{body}{extra}]"


def _caseless(ch: str) -> bool:
    """A character that re matches as itself only, with or without IGNORECASE
    (CJK, kana, Hangul, symbols: no case)."""
    return ch.lower() == ch == ch.upper() and ch.casefold() == ch


def _members(items: Any) -> tuple[set[str], bool, bool]:
    """(members re matches as themselves: ASCII and caseless characters,
    whether any other non-ASCII character is a member, negated)."""
    chars: set[str] = set()
    non_ascii, negate = False, False
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            if av < 128 or _caseless(chr(av)):
                chars.add(chr(av))
            else:
                non_ascii = True
        elif op is c.RANGE:
            lo, hi = av
            chars.update(chr(i) for i in range(lo, min(hi, 127) + 1))
            non_ascii = non_ascii or hi >= 128
        elif op is c.CATEGORY:
            chars.update(x for x in _ASCII if _CATEGORY[av].match(x))
            if av is c.CATEGORY_SPACE:
                chars.update(UNICODE_SPACES)  # a short list: exact, cheap
            else:
                non_ascii = True  # the other categories hold many more
        else:
            raise ValueError(f"hs_syntax: class item {op} not handled")
    return chars, non_ascii, negate


def _item(op: Any, av: Any, icase: bool) -> str:
    if op is c.LITERAL:
        if av >= 128:
            return _escape(chr(av)) if _caseless(chr(av)) else f"[{_ANY_NON_ASCII}]"
        return _class({chr(av)}, False, icase) if icase and chr(av).isalpha() else _escape(chr(av))
    if op is c.NOT_LITERAL:
        return _ANYTHING  # all but one character: relaxed to any character
    if op is c.ANY:
        return "."  # DOTALL is passed as a flag, as re has it
    if op is c.IN:
        chars, non_ascii, negate = _members(av)
        if negate:
            # Under IGNORECASE a negated class excludes the other case too;
            # without folding it matches more, which is the safe side.
            # Every non-ASCII character is in (exact ones excluded or not).
            outside = set(_ASCII) - chars
            return _class(outside, True, False)
        return _class(chars, non_ascii, icase)
    if op is c.CATEGORY:
        chars, non_ascii, _ = _members([(op, av)])
        return _class(chars, non_ascii, False)
    if op is c.BRANCH:
        return "(?:" + "|".join(_seq(b, icase) for b in av[1]) + ")"
    if op is c.SUBPATTERN:
        _group, add, remove, body = av
        inner = icase
        if add & re.IGNORECASE:
            inner = True
        if remove & re.IGNORECASE:
            inner = False
        return "(?:" + _seq(body, inner) + ")"
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, body = av
        low = min(low, _BOUND)
        high_s = "" if high is c.MAXREPEAT or high > _BOUND else str(high)
        return f"(?:{_seq(body, icase)}){{{low},{high_s}}}"
    if op is c.ATOMIC_GROUP:
        return "(?:" + _seq(av, icase) + ")"
    if op is c.AT:
        if av is c.AT_BOUNDARY:
            return _BOUNDARY
        if av in (c.AT_NON_BOUNDARY, c.AT_END, c.AT_END_STRING):
            return ""
        # re's "^" and "\A" never match at a search's pos that is no line start.
        return {c.AT_BEGINNING: "^", c.AT_BEGINNING_STRING: r"\A"}[av]
    if op in (c.ASSERT, c.ASSERT_NOT):
        return ""
    if op is c.GROUPREF:
        return _ANYTHING + "*"
    if op is c.GROUPREF_EXISTS:
        _group, yes, no = av
        return "(?:" + _seq(yes, icase) + "|" + (_seq(no, icase) if no else "") + ")"
    raise ValueError(f"hs_syntax: {op} not handled")
