"""Asterisk sections renamed live, found for a merge (issue 13 leftovers, c05).

A merge keeps a live secret by its key: section and key. When the live file
renamed a section (``[acme-trunk-auth]`` became ``[acme-trunk-auth-v2]``),
the source's section has no live twin by name, and its password would be
generated anew although the live file still holds it. A live section stands
for a source section that has no twin by name when it is the *only* live
section that could be it, and the source section the only one that could be
the live one:

- the same ``type=`` (auth, aor, endpoint...; a section without one never
  matches, being too vague to tell apart);
- the same set of keys;
- every value the source did not sanitize equal to the live value, and at
  least one such value besides ``type=`` (a ``username=``, ``server_uri=``,
  ``realm=``): a section of placeholders alone identifies nothing;
- a section name the source does not use, and a source section name the
  live file does not use.

Then nothing but the secrets differs, and a secret of the same host's live
file moves from one name to the other within that file: it never leaves the
file, and a wrong pairing (two sections alike in every other key) would give a
section a password a section with the same username at the same server uses,
which is no worse than the new one generated instead. The plan names the
section it took each value from, never the value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

Texts = dict[tuple[str, ...], list[str]]  # (section, key) -> the values, in order
Live = dict[tuple[str, ...], list[tuple[str, str | None]]]  # -> (raw, sanitized)


def renamed(source: Texts, live: Live, placeholder: Callable[[str], bool]) -> dict[str, str]:
    """Source section -> the live section it is, renamed, for every source
    section that has no live section of its name and exactly one live
    section that matches it (and that live section no other)."""
    ours = _sections({k: list[str | None](v) for k, v in source.items()})
    theirs = _sections({k: [san for _raw, san in v] for k, v in live.items()})
    orphans = [s for s in ours if s not in theirs and _type(s) and any(
        v is not None and placeholder(v) for vals in ours[s].values() for v in vals)]
    free = [t for t in theirs if t not in ours]
    matches: dict[str, list[str]] = {s: [t for t in free if _same(ours[s], theirs[t], s, t,
                                                                 placeholder)]
                                     for s in orphans}
    claimed: dict[str, int] = defaultdict(int)
    for cands in matches.values():
        for t in cands:
            claimed[t] += 1
    return {s: cands[0] for s, cands in matches.items()
            if len(cands) == 1 and claimed[cands[0]] == 1}


def _sections(values: dict[tuple[str, ...], list[str | None]],
              ) -> dict[str, dict[str, list[str | None]]]:
    """section -> key -> its values (None: not known sanitized)."""
    out: dict[str, dict[str, list[str | None]]] = defaultdict(dict)
    for key, vals in values.items():
        if len(key) == 2:
            out[key[0]][key[1]] = vals
    return out


def _type(section: str) -> str:
    """The `(type)` conf_slots appends to a section's name, or ""."""
    return section[section.rfind("(") + 1:-1] if section.endswith(")") and "(" in section else ""


def _same(src: dict[str, list[str | None]], live: dict[str, list[str | None]], s: str, t: str,
          placeholder: Callable[[str], bool]) -> bool:
    if _type(s) != _type(t) or set(src) != set(live):
        return False
    told = 0  # identifying values compared
    for key, values in src.items():
        theirs = live[key]
        if len(values) != len(theirs):
            return False
        for mine, other in zip(values, theirs, strict=True):
            if mine is None or other is None:
                return False
            if placeholder(mine):
                continue
            if mine != other:
                return False
            told += key.lower() != "type"
    return told > 0
