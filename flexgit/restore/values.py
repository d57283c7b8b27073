"""Putting live values back into a sanitized value of the same key.

The sanitizer replaces the secret parts of a value by fixed placeholders and
leaves the rest (``acme:FLEXGIT-REDACTED@sip.example/2000``), so the live
value's sanitized form, read as a pattern, says which parts of the live value
were secrets. A source value of the same key takes those parts back in order,
placeholder by placeholder, even when the rest of it changed."""

from __future__ import annotations

import re

from flexgit import sanitize

# Markers long enough never to occur by chance inside a real value.
TEXT_PLACEHOLDERS = tuple(v for v in sanitize.placeholders.PLACEHOLDERS.values()
                          if len(v) >= 8)
MARKER = re.compile("|".join(re.escape(v) for v in sorted(TEXT_PLACEHOLDERS, key=len,
                                                          reverse=True)))


def has_marker(text: str) -> bool:
    return MARKER.search(text) is not None


def pieces(sanitized: str, raw: str) -> dict[str, list[str]] | None:
    """The live parts behind each placeholder of `sanitized`, in order, by
    placeholder; None when `raw` is not `sanitized` with placeholders filled."""
    parts = MARKER.split(sanitized)
    marks = MARKER.findall(sanitized)
    pattern = "".join(re.escape(p) + ("(.*?)" if i < len(marks) else "")
                      for i, p in enumerate(parts))
    m = re.fullmatch(pattern, raw, re.S)
    if m is None:
        return None
    out: dict[str, list[str]] = {}
    for mark, value in zip(marks, m.groups(), strict=True):
        out.setdefault(mark, []).append(value)
    return out


def fill(value: str, raw: str, sanitized: str | None) -> str:
    """`value` with its placeholders taken from the live value `raw` of the
    same key (`sanitized`: raw as the sanitizer writes it; None: unknown)."""
    if sanitized is not None and value == sanitized:
        return raw
    got = pieces(sanitized, raw) if sanitized is not None else None
    if got is None:
        # The live value's secret parts cannot be told apart: a value that
        # is one placeholder and nothing else still takes the live value whole.
        return raw if value == sanitize.SECRET_PLACEHOLDER and raw else value
    queues = {k: list(v) for k, v in got.items()}
    return MARKER.sub(lambda m: queues[m.group()].pop(0) if queues.get(m.group())
                      else m.group(), value)
