"""Person names where no key names them: in comments, prose, HTML text and
table rows (`; Bogdan Thorvaldsen asked for the night mode`,
`<footer>Leilani Brennan</footer>`, `Office manager: Dagny Szczepanski`).

A name here is a first name that gender-guesser's list knows, followed by a
capitalized word (the surname; `Surname, Firstname` too, and a name in lower
case after `thanks to`, `written by` and the like), both
standing as words of text, not of code (`.Mark`, `Page Load(`). First
names that are also common English words (Will, May, Mark, Bill, Max, Night,
...) do not start a name: the words below are the ones that occur three
times or more in the English of Python's standard library's docstrings and
comments, or in Asterisk's sample configurations, and that gender-guesser
takes for first names; a few frequent in PBX text are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.personal import first_names
from flexgit.audit.placeholders import is_placeholder

RULE = "personal.name"
_L = "a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_U = "A-Z\u00c0-\u00d6\u00d8-\u00de"
TRIGGER = rf"[{_U}][{_L}]+,?[ \t]+[{_U}][{_L}]{{2}}"
# The labels of lower-case names, for the scanner's word automaton.
WORDS = ("thanks to", "written by", "maintained by", "signed", "owner:", "contact:")
_PAIR = re.compile(rf"(?<![\w$.:\\/\-@])([{_U}][{_L}]+(?:-[{_U}][{_L}]+)?)[ \t]+"
                   rf"([{_U}][{_L}'\u2019]+(?:-[{_U}][{_L}]+)?)(?![\w(\-@]|\.\w)")
_ENGLISH_TEXT = (
    "ab ablah ad ae age ai al alen alfa alice aline alo alpha alter am an ani ann ans are aren "
    "ba be besti bill bin bing bob bong brian cal can carol caron carry cat chal chance chi co "
    "conn constant coord core coro cos cu da darwin dat de deb deep del diamond do doc don done "
    "dot due ear ed edit ei el elen elif else en ep er eta even fa fair fee file fine five "
    "floor fredrik free ge gen general go greg gui guido guna gur hack hang haven he here hi "
    "his hoc honor hope hue iana ib ideal ids il in ing ini ino ints iso jim job joe julian "
    "just ke kev key lang le len lex lie lies lim line lo loc lone long lot mac made major mal "
    "man mark marko marks max may me merge meta mi mick min mo mon mu my na nan nat nest nil "
    "nine nis non nonce nu odd oh ok okay on one pat peer pen per phi ping pip prospero prune "
    "pu ran red reg rem res revert rich robin rocky ru run sa said sake save se seth sha side "
    "sig sin sjoerd skip slave so soon sub sun sup tab take te tell than the thin tie tilde "
    "till timo to tone trace trees tri uk un uri val valencia van vice way will win won xi ye "
    "yen yi you night grant rose hunter summer guy art ray page chase hope joy faith dawn iris "
    "ivy jade amber ruby pearl crystal lily daisy star miles lane gene drew jack frank sue sky "
    "rich")
_ENGLISH = frozenset(_ENGLISH_TEXT.split())
_NAMES_OF_FIRST = frozenset({"male", "female", "mostly_male", "mostly_female", "andy"})


def person(first: str, last: str) -> bool:
    if first.lower() in _ENGLISH or last.lower() in _ENGLISH:
        return False
    names = first_names()
    return names.get_gender(first.split("-")[0]) in _NAMES_OF_FIRST


# `Surname, Firstname` (a signature, a sorted list of people).
_INVERTED = re.compile(rf"(?<![\w,])([{_U}][{_L}]+(?:-[{_U}][{_L}]+)?),[ \t]+([{_U}][{_L}]+)"
                       rf"(?![\w\-]|,[ \t]*[{_U}])")
# A name written in lower case after a label that says a person follows.
_LABELLED = re.compile(r"(?i:\b(?:thanks\s+to|written\s+by|maintained\s+by|signed,?|"
                       r"owner:|contact:)\s+)([a-z]{2,})[ \t]+([a-z]{2,})\b")


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for m in _PAIR.finditer(line):
        name = f"{m.group(1)} {m.group(2)}"
        if person(m.group(1), m.group(2)) and not is_placeholder(name):
            yield RULE, m.group(0)
    names = first_names()
    for m in _INVERTED.finditer(line):
        last, first = m.group(1), m.group(2)
        if person(first, last) and names.get_gender(last.split("-")[0]) not in _NAMES_OF_FIRST:
            yield RULE, m.group(0)
    for m in _LABELLED.finditer(line):
        if person(m.group(1), m.group(2)):
            yield RULE, f"{m.group(1)} {m.group(2)}"
