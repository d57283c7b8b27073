"""The first-character guard: the same matches as the pattern it guards."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from flexgit.sanitize import labels, prefilter
from flexgit.sanitize.re_guard import first_chars, guard

from .golden_inputs import inputs


def matches(regex: re.Pattern[str], text: str, pos: int = 0,
            endpos: int | None = None) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    end = len(text) if endpos is None else endpos
    return [(m.span(), m.groupdict()) for m in regex.finditer(text, pos, end)]


# (pattern, flags, texts): each on a point where a first-character set is easy to get wrong.
CASES = [
    (r"(?<![\w$])(?:pass|secret)=(?P<v>\w+)", 0, ["pass=1 xsecret=2 secret=3", "$pass=4"]),
    (r"(?i)(?<!\w)token:\s*(?P<v>\S+)", 0, ["TOKEN: a", "\u212aey token: b"]),
    (r"(?i)kelvin|\u017fecret", 0, ["\u212aELVIN", "\u017fECRET", "Secret"]),  # re's folds
    (r"(?:x|(?i:Y))z", 0, ["yz Yz xz Xz"]),  # a scoped IGNORECASE in a case-sensitive one
    (r"(?:a|(?-i:B))z", re.I, ["Az bz Bz"]),
    (r"\b(?:pin|code)?[0-9]{4}", 0, ["pin1234 5678", "code 1234"]),  # an optional first part
    (r"(?:\*\*|_)?secret", 0, ["**secret _secret secret"]),
    (r"(?m)^[ \t]*#+ (?P<h>\w+)", 0, ["# a\n  ## b\nx # c"]),
    (r"(?im)^[ \t]*password\s*=\s*(?P<v>.+)$", 0, ["\n  PASSWORD = x\npassword=y"]),
    (r"(?s)(?=a)(?:ab|ac).", 0, ["ab\nac\nad"]),
    (r"(?<!y)[-\]^\\]x", 0, ["-x ]x ^x \\x"]),  # class members that need escaping
]


@pytest.mark.parametrize(("pattern", "flags", "texts"), CASES)
def test_guarded_finds_the_same_matches(pattern: str, flags: int, texts: list[str]) -> None:
    plain = re.compile(pattern, flags)
    guarded = guard(plain)
    assert guarded is not plain, "the case is one the guard should apply to"
    assert guarded.groupindex == plain.groupindex and guarded.flags == plain.flags
    assert any(matches(plain, text) for text in texts), "the case itself is wrong"
    for text in texts:
        for pos in range(len(text)):
            assert matches(guarded, text, pos) == matches(plain, text, pos), (text, pos)
            assert matches(guarded, text, 0, pos) == matches(plain, text, 0, pos), (text, pos)


@pytest.mark.parametrize("pattern", [
    r"a?",  # may match empty: anywhere
    r".x",  # any first character
    r"\wx", r"[^a]x", r"(?P<q>['\"])x|(?P=q)",  # categories, negation, back-references
    r"secret",  # re has its own literal prefix
    r"[ab]x",  # and its own charset prefix
])
def test_unknowable_or_useless_guards_are_not_added(pattern: str) -> None:
    plain = re.compile(pattern)
    assert guard(plain) is plain


def test_first_characters_follow_zero_width_items_and_optional_parts() -> None:
    assert first_chars(re.compile(r"(?<!\w)\b(?:-|\+)?[0-9]")) == frozenset("-+0123456789")
    assert first_chars(re.compile(r"(?:ab|cd){0,2}e")) == frozenset("ace")
    assert first_chars(re.compile(r"(?:ab|)c?")) is None


def test_the_label_forms_are_guarded() -> None:
    # The forms that cost the most when re knew nothing of their start.
    for regex in (labels._LABEL_VALUE, labels._NEXT_LINE, labels._PAIR_LABEL, *labels._PROSE):
        assert "(?=(?i:[" in regex.pattern[:24]


def test_every_guarded_pattern_matches_like_its_original(tmp_path: Path) -> None:
    """Every pattern the prefilter registered, against real texts and windows
    of them (the label forms search line windows)."""
    guarded = {regex: re.compile(_unguarded(regex.pattern), regex.flags)
               for regex in prefilter._REGISTRY.by_pattern if _unguarded(regex.pattern)}
    assert len(guarded) > 10
    rng = random.Random(12)
    seen: set[bytes] = set()
    for _key, _path, data in inputs(tmp_path, extra_files=5, extra_mb=0.02):
        if data in seen or len(seen) >= 60:
            continue
        seen.add(data)
        text = data.decode("utf-8", "surrogateescape")
        start = rng.randrange(len(text) + 1)
        stop = rng.randrange(start, len(text) + 1)
        for regex, plain in guarded.items():
            assert matches(regex, text) == matches(plain, text), regex.pattern[:60]
            assert matches(regex, text, start, stop) == matches(plain, text, start, stop)


_GUARD = re.compile(r"\A((?:\(\?[aiLmsux]+\))*)\(\?=\(\?i:\[(?:[^\]\\]|\\.)*\]\)\)")


def _unguarded(pattern: str) -> str | None:
    """The pattern without the guard guard() put in front (None: none there)."""
    m = _GUARD.match(pattern)
    return None if m is None else m.group(1) + pattern[m.end():]
