"""The keep-live decision: what a restore writes for a file that is live.

:func:`reconcile` is the one place that decides it, for every file a plan
holds. A sanitized source carries placeholders where its values were; each
one takes the live value of the same *key* (:mod:`.slots`: Asterisk section
and key, JSON key path, PHP/JS binding, .env/ini name), wherever its line
moved to and however the line around it was edited. Only a key that the live
file does not have keeps its placeholder, so a new secret is generated for
it, and the key is listed. Placeholders outside any key (prose, comments)
take the live line whose sanitized form they are (:func:`_line_twins`).

JSON files in a merge go through the three-way merge of :mod:`.jsonmerge`.
"""

from __future__ import annotations

import bisect
import difflib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flexgit import diff as diff_mod
from flexgit import sanitize
from flexgit.restore import accounts, sections, slots, values
from flexgit.restore.jsonmerge import JsonMerge, merge_json
from flexgit.restore.values import TEXT_PLACEHOLDERS

__all__ = ["JsonMerge", "Reconciled", "has_placeholder", "merge_json", "reconcile"]

SUDOERS_DIR = "system/etc/sudoers.d/"


def has_placeholder(text: str) -> bool:
    return sanitize.SECRET_PLACEHOLDER in text or any(p in text for p in TEXT_PLACEHOLDERS)


@dataclass
class Reconciled:
    data: bytes
    merged: bool = False  # the source's changes were merged into live (not replacing it)
    notes: list[str] = field(default_factory=list)
    # Keys (never values) whose placeholder found no live value: a new secret is made.
    new_keys: list[str] = field(default_factory=list)


def reconcile(path: str, source: bytes, live: bytes | None, base: bytes | None, *,
              mode: str, sanitized: Callable[[bytes], bytes],
              beside: bool = False) -> Reconciled:
    """What to write at `path`: the source as restored into the live file.

    `base` is the path's blob in the last snapshot (JSON three-way merges);
    `sanitized` sanitizes a text as the installation's snapshots do. Fresh
    restores and new files keep the source's placeholders (new secrets). A
    merge and a migrate keep every live value the live file has a key for.
    The shared sudoers file of a migrate keeps the other accounts' rules and
    gains the target's; `beside` (the source account's installation is on
    this machine) keeps the other shared system files as they are, since
    that account still runs on them."""
    if live is not None and path.startswith(SUDOERS_DIR) and not diff_mod.is_binary(live):
        if mode == "migrate":
            return Reconciled(accounts.merge_sudoers(live, source))
        # Any other restore: the source's rules, and the other accounts' kept.
        return Reconciled(accounts.keep_other_accounts(live, source))
    if live is None or mode == "fresh" or diff_mod.is_binary(source) or \
            diff_mod.is_binary(live):
        return Reconciled(source)
    if mode == "migrate" and beside and path.startswith("system/"):
        return Reconciled(live, notes=["kept as it is: the source account's installation "
                                       "on this machine uses it too"]) \
            if live != source else Reconciled(live)
    if live == source:
        return Reconciled(live)
    live_s = sanitized(live)
    if live_s == source:
        return Reconciled(live)
    if mode == "merge" and path.endswith(".json"):
        merged = merge_json(base, source, live, live_s)
        if merged is not None:
            out = Reconciled(merged.data, merged=True, new_keys=merged.new_keys)
            if merged.conflicts:
                out.notes.append("kept local values at " + ", ".join(merged.conflicts[:5]) +
                                 (" …" if len(merged.conflicts) > 5 else ""))
            return out
    data, new_keys, notes = keep_live_values(path, source, live, live_s)
    return Reconciled(data, new_keys=new_keys, notes=notes)


def keep_live_values(path: str, source: bytes, live: bytes,
                     live_sanitized: bytes) -> tuple[bytes, list[str], list[str]]:
    """The source with each placeholder filled from the live value of the
    same key; the keys (or lines) that kept a secret placeholder, and notes
    on values carried over from a renamed section."""
    src = source.decode("utf-8", "surrogateescape")
    raw = live.decode("utf-8", "surrogateescape")
    san = live_sanitized.decode("utf-8", "surrogateescape")
    if not has_placeholder(src):
        return source, [], []
    starts = [0] + [i + 1 for i, c in enumerate(src) if c == "\n"]
    covered: set[int] = set()  # source lines whose placeholders are decided by key
    edits: list[tuple[int, int, str]] = []
    new_keys: list[str] = []
    notes: list[str] = []
    scan = slots.scanner(path, src)
    if scan is not None:
        for slot, value in _keyed(scan, src, raw, san, notes):
            text = src[slot.start:slot.end]
            first = bisect.bisect_right(starts, slot.start) - 1
            covered.update(range(first, bisect.bisect_right(starts, slot.end)))
            filled = text if value is None else values.fill(text, *value)
            if filled != text:
                edits.append((slot.start, slot.end, filled))
            if sanitize.SECRET_PLACEHOLDER in filled:
                new_keys.append(slots.key_text(slot.key))
    twins = _line_twins(src, raw, san)
    raw_lines = _split(raw)
    for i, line in enumerate(_split(src)):
        if i in covered or not has_placeholder(line):
            continue
        j = twins.get(i)
        if j is not None:
            edits.append((starts[i], starts[i] + len(line), raw_lines[j]))
        elif sanitize.SECRET_PLACEHOLDER in line:
            new_keys.append(f"line {i + 1}")
    return _apply_edits(src, edits).encode("utf-8", "surrogateescape"), new_keys, notes


def _keyed(scan: Callable[[str], list[slots.Slot]], src: str, raw: str, san: str,
           notes: list[str]) -> list[tuple[slots.Slot, tuple[str, str | None] | None]]:
    """Each source slot holding a placeholder, with the live value of its key
    (raw, sanitized) or None. Slots of one key pair by equal sanitized value
    first, then in order when both sides have as many. An Asterisk section
    renamed live lends its values to the source's (sections.renamed)."""
    raw_slots, san_slots = scan(raw), scan(san)
    live: dict[tuple[str, ...], list[tuple[str, str | None]]] = defaultdict(list)
    if len(raw_slots) == len(san_slots):
        # The sanitizer changes values, never keys: the same slots, in order.
        for r, s in zip(raw_slots, san_slots, strict=True):
            live[s.key].append((raw[r.start:r.end], san[s.start:s.end]))
    else:
        for r in raw_slots:
            live[r.key].append((raw[r.start:r.end], None))
    mine: dict[tuple[str, ...], list[slots.Slot]] = defaultdict(list)
    for slot in scan(src):
        mine[slot.key].append(slot)
    if scan is slots.conf_slots and len(raw_slots) == len(san_slots):
        texts = {key: [src[s.start:s.end] for s in group] for key, group in mine.items()}
        for ours, theirs_section in sections.renamed(texts, live, has_placeholder).items():
            carried = sorted(k for (sec, k) in texts if sec == ours and (sec, k) not in live
                             and (theirs_section, k) in live
                             and any(has_placeholder(t) for t in texts[(sec, k)]))
            for k in carried:
                live[(ours, k)] = live[(theirs_section, k)]
            if carried:
                notes.append(f"{ours} {', '.join(carried)}: kept the live value of "
                             f"{theirs_section} {', '.join(carried)} (the same section "
                             f"renamed: same type and same other keys)")
    out: list[tuple[slots.Slot, tuple[str, str | None] | None]] = []
    for key, group in mine.items():
        theirs = live.get(key, [])
        pairs = _pair([src[s.start:s.end] for s in group], [v[1] for v in theirs])
        for slot, j in zip(group, pairs, strict=True):
            if has_placeholder(src[slot.start:slot.end]):
                out.append((slot, theirs[j] if j is not None else None))
    return out


def _pair(mine: list[str], theirs: list[str | None]) -> list[int | None]:
    got: list[int | None] = [None] * len(mine)
    used: set[int] = set()
    for i, v in enumerate(mine):
        j = next((j for j, t in enumerate(theirs) if j not in used and t == v), None)
        if j is not None:
            got[i] = j
            used.add(j)
    rest = [i for i, g in enumerate(got) if g is None]
    free = [j for j in range(len(theirs)) if j not in used]
    if len(rest) == len(free):
        for i, j in zip(rest, free, strict=True):
            got[i] = j
    return got


def _apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    pos = 0
    for start, end, new in sorted(edits):
        parts += (text[pos:start], new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _split(text: str) -> list[str]:
    """Lines without their ends, split where the offsets in keep_live_values are."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _line_twins(src: str, raw: str, san: str) -> dict[int, int]:
    """Source line -> the live line whose sanitized form it is, for lines
    with a placeholder. Lines pair by aligning the source with the sanitized
    live text (difflib); a line outside the aligned blocks only takes a live
    line that is its one candidate."""
    src_keys, san_keys, raw_lines = _split(src), _split(san), _split(raw)
    if len(raw_lines) != len(san_keys):
        return {}  # not a line-preserving sanitization: nothing to pair
    aligned: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, src_keys, san_keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            aligned[block.a + k] = block.b + k
    candidates: dict[str, list[int]] = defaultdict(list)
    for j, (r, s) in enumerate(zip(raw_lines, san_keys, strict=True)):
        if r != s:
            candidates[s].append(j)
    used = set(aligned.values())
    out: dict[int, int] = {}
    for i, key in enumerate(src_keys):
        if not has_placeholder(key):
            continue
        twin = aligned.get(i)
        if twin is None:
            free = [c for c in candidates.get(key, []) if c not in used]
            twin = free[0] if len(free) == 1 else None
        if twin is not None and raw_lines[twin] != san_keys[twin]:
            out[i] = twin
            used.add(twin)
    return out
