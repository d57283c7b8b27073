"""What a person's name looks like in text, for :mod:`.personal` and :mod:`.contacts`.

A name is one to four words of letters (any script; inner ``'``, ``-``, ``.``
as in ``O'Brien``, ``Mary-Jane``, ``J.``), with particles (``van der``,
``de``, ``bin``) between them. Strictly, every word but a particle starts
upper-case and a single word is not an acronym; where a key already says
"name", any case and up to six words pass. Words that name a team, a system
or a thing (``Support``, ``PBX``, ``Queue``, ``Information``, ``Us``) make it
not a person: ``Contact: FlexPBX Support`` and ``Contact Us`` stay.
"""

from __future__ import annotations

import functools
import re

from flexgit.sanitize import patterns
from flexgit.sanitize.keys import words

_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-.][^\W\d_]+)*\.?")
_PARTICLES = words("van von de der den del della da di du la le bin ibn al el st")
_NOT_PEOPLE = words(
    "team support admin admins administrator administrators staff noc helpdesk desk sales "
    "service services office reception lobby front main default system systems pbx flexpbx "
    "asterisk telecom inc ltd llc gmbh corp co company group project community contributors "
    "developers maintainers foundation department dept it ops operations engineering billing "
    "accounts accounting hr unknown none anonymous nobody root user users guest everyone all "
    "queue ivr menu conference room general info information details us here below above "
    "form list page name email phone number address the this that your our my for and of to "
    "with by on at via see mailing list true false yes no null undefined owner owners "
    "manager managers author authors contact contacts maintainer sender string str int "
    "mobile cell tel fax home work thanks thank hi hello dear regards cheers cc attn "
    "questions ask call ping escalate reach"
)
# Where an unquoted value ends: a comment, Markdown emphasis, a table cell or list.
_VALUE_END = re.compile(r"[ \t]+(?:#|//|;).*|[ \t]*(?:\*\*|__|[|,;]).*|[ \t\r]+$")
_WORDS = re.compile(r"\S+")
_TRAILING = ",.;:!?)*_\"'"


@functools.lru_cache(maxsize=8192)  # the same names repeat across rows and files
def person(value: str, *, strict: bool = True) -> tuple[int, int] | None:
    """The span of the person's name that *value* is (after a trailing comment), or None."""
    stripped = _VALUE_END.sub("", value, count=1) if value else value
    lead = len(stripped) - len(stripped.lstrip())
    name = stripped.strip()
    parts = name.split()
    if not parts or patterns.keep_value(name):
        return None
    core = [w for w in parts if w.lower() not in _PARTICLES]
    if not core or len(core) > (4 if strict else 6) or parts[0].lower() in _PARTICLES:
        return None
    if any(not _NAME_WORD.fullmatch(w) or w.lower().strip(".") in _NOT_PEOPLE for w in parts):
        return None
    if strict and (any(not w[0].isupper() for w in core) or (len(core) == 1 and core[0].isupper())):
        return None
    return lead, lead + len(name)


def leading_person(rest: str) -> tuple[int, int, int] | None:
    """(start, end, words) of the name that opens *rest*, up to the first
    punctuation (``Alice Johnson, since 2021``), or None."""
    lead = len(rest) - len(rest.lstrip(" \t*_-\u2013\u2014:"))
    found: tuple[int, int, int] | None = None
    for n, m in enumerate(_WORDS.finditer(rest, lead), 1):
        word = m.group().rstrip(_TRAILING)
        end = m.start() + len(word)
        if n > 6 or not word or person(rest[lead:end]) is None:
            break
        if word.lower() not in _PARTICLES:
            found = (lead, end, n)
        if len(word) < len(m.group()):
            break
    return found


def trailing_person(before: str, *, least: int = 1) -> int | None:
    """Where the name that ends *before* starts (``… to Alice van der Berg``), or None."""
    spans = [m.span() for m in _WORDS.finditer(before)]
    first = None
    for i in range(len(spans) - 1, max(-1, len(spans) - 7), -1):
        if before[spans[i][0] : spans[i][1]].lower() in _PARTICLES:
            continue  # "van der Berg": only a whole name decides
        if person(before[spans[i][0] :]) is None:
            break
        first = i
    if first is None or len(before[spans[first][0] :].split()) < least:
        return None
    return spans[first][0]


def line_rest(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos : len(text) if end < 0 else end]
