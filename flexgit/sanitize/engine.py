"""Collects replacements over one text and applies them.

Rules run in priority order and *claim* spans of the text; the first claim on a
span wins and later, overlapping claims are refused. A claim whose replacement
equals the original text changes nothing but still protects its span, which is
what makes sanitizing idempotent: on already sanitized text the structural rule
still claims the placeholder, so no weaker pattern can grab part of it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

_NEWLINE = re.compile(r"\r?\n")


@dataclass(frozen=True, slots=True)
class Change:
    start: int
    end: int
    text: str
    counts: Mapping[str, int]


@dataclass
class Editor:
    text: str
    disabled: frozenset[str] = frozenset()
    changes: list[Change] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)
    # Set when a second pass over the result might find more (see settled()):
    # a refused claim reached past the span that beat it (two rules disagree
    # on where a value ends), a rule changed what decides other rules (a JSON
    # key, a value judged by its content), or text rules ran at all.
    unsettled: bool = False
    # The installation's countries (ISO 3166 codes, most likely first): where a
    # phone number written without + is read as a national number.
    regions: tuple[str, ...] = ()

    def is_free(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)
        return i == 0 or self._ends[i - 1] <= start

    def claim(self, start: int, end: int, replacement: str, rule: str | Mapping[str, int]) -> bool:
        """Replace text[start:end] unless the rule is off or the span is taken."""
        counts: Mapping[str, int] = {rule: 1} if isinstance(rule, str) else rule
        if isinstance(rule, str) and rule in self.disabled:
            return False
        if start >= end:
            return False
        if not self.is_free(start, end):
            if not self.unsettled and not self._inside_claim(start, end):
                self.unsettled = True
            return False
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        original = self.text[start:end]
        if replacement != original and counts:
            self.changes.append(Change(start, end, _keep_lines(original, replacement), counts))
        return True

    def _inside_claim(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start) - 1
        return i >= 0 and self._ends[i] >= end

    def settled(self) -> bool:
        """Whether sanitizing the result again is known to change nothing.

        Only the JSON rules leave an editor settled: what they decide about a
        value depends on the keys around it and on the value itself, and
        they replace a value either by the fixed placeholder of its key's
        kind (which the next pass keeps) or, when the value's own content
        decided, mark the editor unsettled, as they do when a key changes.
        Text rules decide by context that another rule may change in the same
        pass, so they always leave it unsettled. Checked beyond the argument:
        every golden input, and millions of generated JSON documents.
        """
        return not self.unsettled

    def protect(self, start: int, end: int) -> None:
        """Claim a span for no rule (an existing placeholder)."""
        self.claim(start, end, self.text[start:end], {})

    def result(self) -> str:
        if not self.changes:
            return self.text
        parts: list[str] = []
        pos = 0
        for change in sorted(self.changes, key=lambda c: c.start):
            parts.append(self.text[pos : change.start])
            parts.append(change.text)
            pos = change.end
        parts.append(self.text[pos:])
        return "".join(parts)

    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for change in self.changes:
            total.update(change.counts)
        return dict(sorted(total.items()))

    def removed(self) -> Iterator[str]:
        """The original text of every change (what the sweep looks for elsewhere)."""
        for change in self.changes:
            yield self.text[change.start : change.end]

    def findings(self) -> Iterator[tuple[str, int]]:
        """(rule, 1-based line) of every change."""
        line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        for change in self.changes:
            line = bisect.bisect_right(line_starts, change.start)
            for rule in change.counts:
                yield rule, line


def _keep_lines(original: str, replacement: str) -> str:
    """Pad a replacement with the original's line breaks so line counts survive."""
    missing = original.count("\n") - replacement.count("\n")
    if missing <= 0:
        return replacement
    breaks = _NEWLINE.findall(original)
    return replacement + "".join(breaks[-missing:])
