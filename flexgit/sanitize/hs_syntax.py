"""A Python ``re`` pattern as a Hyperscan pattern that matches at least as much.

The prefilter (:mod:`.prefilter`) must never say "cannot match" where ``re``
would match, and Hyperscan's Unicode mode (UCP) makes a database of our
multilingual label alternations take seconds to compile. So the pattern is
rewritten from ``re``'s own parse tree into Hyperscan's ASCII syntax (UTF-8
mode, so a class or ``.`` still reads one code point), relaxed wherever the
two differ:

* every non-ASCII character a class or literal could stand for becomes "any
  non-ASCII character" (``\\w``, ``\\s``, ``\\d`` are Unicode to ``re``);
* under IGNORECASE, the four non-ASCII characters ``re`` folds onto ASCII
  letters (U+0130, U+0131, U+017F, U+212A) are added to i, k and s;
* lookarounds, ``\\b``/``\\B`` and back-references match anything (a
  back-reference: any text); lazy repeats become greedy (same language);
  repeat bounds above 32 are opened, which only widens.

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


def translate(regex: re.Pattern[str]) -> str:
    """The Hyperscan pattern (UTF-8 mode, no UCP, flags passed apart) for regex."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    return _seq(parsed, bool(parsed.state.flags & re.IGNORECASE))


def _seq(items: Any, icase: bool) -> str:
    return "".join(_item(op, av, icase) for op, av in items)


def _escape(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}"


def _class(chars: set[str], non_ascii: bool, icase: bool) -> str:
    """A class of these ASCII characters (case-folded when icase), plus every
    non-ASCII character when non_ascii."""
    if icase:
        chars = chars | {x.swapcase() for x in chars if x.isalpha()}
    body = "".join(_escape(x) for x in sorted(chars))
    extra = ""
    if not non_ascii and icase:
        extra = "".join(_escape(f) for x, fs in _FOLDS.items() if x in chars for f in fs)
    if non_ascii:
        extra = _ANY_NON_ASCII
    if not body and not extra:
        raise ValueError("hs_syntax: a class that matches nothing")
    return f"[{body}{extra}]"


def _members(items: Any) -> tuple[set[str], bool, bool]:
    """(ASCII members, whether any non-ASCII character is a member, negated)."""
    chars: set[str] = set()
    non_ascii, negate = False, False
    for op, av in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            if av < 128:
                chars.add(chr(av))
            else:
                non_ascii = True
        elif op is c.RANGE:
            lo, hi = av
            chars.update(chr(i) for i in range(lo, min(hi, 127) + 1))
            non_ascii = non_ascii or hi >= 128
        elif op is c.CATEGORY:
            chars.update(x for x in _ASCII if _CATEGORY[av].match(x))
            non_ascii = True  # every category holds non-ASCII characters
        else:
            raise ValueError(f"hs_syntax: class item {op} not handled")
    return chars, non_ascii, negate


def _item(op: Any, av: Any, icase: bool) -> str:
    if op is c.LITERAL:
        if av >= 128:
            return f"[{_ANY_NON_ASCII}]"
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
        if av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
            return ""
        return {c.AT_BEGINNING: "^", c.AT_BEGINNING_STRING: r"\A", c.AT_END: "$",
                c.AT_END_STRING: r"\z"}[av]
    if op in (c.ASSERT, c.ASSERT_NOT):
        return ""
    if op is c.GROUPREF:
        return _ANYTHING + "*"
    if op is c.GROUPREF_EXISTS:
        _group, yes, no = av
        return "(?:" + _seq(yes, icase) + "|" + (_seq(no, icase) if no else "") + ")"
    raise ValueError(f"hs_syntax: {op} not handled")
