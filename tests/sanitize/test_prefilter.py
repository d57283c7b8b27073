"""The shared prefilter: a superset of re, and the sanitizer's output unchanged.

flexgit.sanitize.prefilter skips a layer's re scan when its Hyperscan copy
(hs_syntax.translate) finds nothing; that is only safe if the copy matches
wherever re does. Checked three ways: constructs chosen to sit on every
difference between the two engines, every registered pattern against real
texts (the golden inputs), and sanitize() with and without the prefilter on
the red-team installation (the golden test pins the fast path on the rest).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from flexgit.sanitize import prefilter, sanitize
from flexgit.sanitize.hs_syntax import UNICODE_SPACES

from .golden_inputs import inputs
from .redteam.generator import build

# (pattern, flags, a text re matches) on every point where re and Hyperscan differ.
CASES = [
    (r"(?i)kelvin", 0, "\u212aelvin"),  # re folds KELVIN SIGN onto k
    (r"(?i)is", 0, "\u0130\u017f"),  # dotted capital I, long s
    (r"(?i)\u00f1", 0, "\u00d1"),  # a non-ASCII letter in either case
    (r"pass\w+", 0, "pass\u00e9"),  # \w is Unicode to re
    (r"a\sb", 0, "a\u00a0b"),  # so is \s (no-break space)
    (r"a\sb", 0, "a\x1cb"),  # and ASCII separators
    (r"x\d", 0, "x\u0663"),  # and \d (Arabic-Indic three)
    (r"[\w.]+@", 0, "jos\u00e9@"),  # classes holding categories
    (r"[^a]b", 0, "\u00e9b"),  # negated classes
    (r"(?i)[^a]b", 0, "Ab".replace("A", "\u00e0")),
    (r"\b\u00e9t\u00e9\b", 0, "un \u00e9t\u00e9."),  # \b beside non-ASCII letters
    (r"\bset\b", 0, "\u00a0set\u3000"),  # and beside non-ASCII spaces
    (r"x\s+y", 0, "x\u3000\u2028y"),
    (r"x[\s,]y", re.I, "X\u205fy"),
    (r"(?<=\.)login\(", 0, ".login("),  # lookbehind
    (r"(?P<q>['\"])x(?P=q)", 0, "'x'"),  # back-reference
    (r"a{,3}b", 0, "aab"),  # Python's open lower bound
    (r"a{40,50}", 0, "a" * 45),  # bounds past the relaxation limit
    (r"a.*?b", re.S, "a\nb"),  # lazy, DOTALL
    (r"^key=", re.M, "x\nkey="),  # MULTILINE
    (r"(?i:secret)=", 0, "SECRET="),  # scoped flags
    (r"(?:x|(?-i:Y))z", re.I, "Yz"),
    (r"end\Z", 0, "the end"),
    (r"(?P<a>a)?(?(a)b|c)", 0, "c"),  # conditional group
]


@pytest.mark.parametrize(("pattern", "flags", "text"), CASES)
def test_prefilter_matches_wherever_re_does(pattern: str, flags: int, text: str) -> None:
    regex = prefilter.compile(pattern, flags)
    assert regex.search(text), "the case itself is wrong"
    assert prefilter.can_match(regex, text)
    assert list(prefilter.finditer(regex, text)) != []


def test_the_spaces_hs_syntax_spells_out_are_all_of_them() -> None:
    spaces = {chr(i) for i in range(0x80, 0x110000) if re.fullmatch(r"\s", chr(i))}
    assert spaces == UNICODE_SPACES


def test_prefilter_rules_out_what_re_cannot_match() -> None:
    regex = prefilter.compile(r"(?i)identified\s+by")
    assert not prefilter.can_match(regex, "nothing of the kind here")
    assert prefilter.search(regex, "nothing of the kind here") is None
    with prefilter.disabled():
        assert prefilter.can_match(regex, "nothing of the kind here")


def test_lines_are_the_lines_holding_a_word_with_context() -> None:
    name = prefilter.words("test-words", ["secret"])
    text = "a\nb\nmy Secret\nc\nd\ne\nsecret \u00e9\u00e9 secret\n"
    spans = prefilter.lines(name, text, before=1, after=1)
    assert [text[s:e] for s, e in spans] == ["b\nmy Secret\nc", "e\nsecret \u00e9\u00e9 secret\n"]
    assert prefilter.lines(name, "none here") == []
    with prefilter.disabled():
        assert prefilter.lines(name, "none here") == [(0, 9)]


def test_lines_maps_offsets_past_surrogates_and_multibyte_text() -> None:
    name = prefilter.words("test-words-2", ["token"])
    text = "\udcff\u4e2d\u6587\n" * 3 + "x token y\n" + "\u00e9\n"
    (start, end), = prefilter.lines(name, text)
    assert text[start:end] == "x token y"


def test_every_registered_pattern_is_a_superset_on_real_texts(tmp_path: Path) -> None:
    # Texts with no match are the interesting ones: a skip there must be right.
    regexes = list(prefilter._REGISTRY.by_pattern)
    assert len(regexes) > 5
    # Only a "cannot match" needs re's word; each distinct text once.
    checked, seen = 0, set()
    for key, _path, data in inputs(tmp_path, extra_files=20, extra_mb=0.1):
        if data in seen:
            continue
        seen.add(data)
        text = data.decode("utf-8", "surrogateescape")
        for regex in regexes:
            if not prefilter.can_match(regex, text):
                assert regex.search(text) is None, (regex.pattern[:80], key)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("seed", [7, int(os.environ.get("FLEXGIT_PREFILTER_SEED", "31"))])
def test_sanitizer_output_is_the_same_without_the_prefilter(tmp_path: Path, seed: int) -> None:
    home, root = tmp_path / "home", tmp_path / "root"
    build(home, root, seed)
    compared = 0
    for side, base in (("home", home), ("system", root)):
        for p in sorted(base.rglob("*")):
            if not p.is_file() or p.is_symlink():
                continue
            path, data = f"{side}/{p.relative_to(base)}", p.read_bytes()
            fast = sanitize(path, data)
            with prefilter.disabled():
                slow = sanitize(path, data)
            assert (fast.data, fast.counts, fast.removed) == \
                (slow.data, slow.counts, slow.removed), path
            compared += 1
    assert compared > 150


def test_one_pattern_is_one_registered_object() -> None:
    # can_match looks patterns up by identity (a Pattern's hash reads its
    # whole compiled code): compiling a pattern again must give the object
    # that was registered, even once re's own cache has forgotten it.
    first = prefilter.compile(r"(?i)(?<!\w)vault[ _-]?token\s*=")
    re.purge()
    again = prefilter.compile(r"(?i)(?<!\w)vault[ _-]?token\s*=")
    assert again is first
    assert prefilter.can_match(again, "VAULT_TOKEN = x")
    assert not prefilter.can_match(again, "nothing here")
