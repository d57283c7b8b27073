"""The sweep: every secret and personal value the installation is known to
hold, removed from every file wherever it occurs, in all its encodings.

The rules find a value by where it stands. The sweep finds it by what it is:
once any rule removed a trunk password from ``pjsip.conf``, or the
installation's own records (``users/``, ``admins/``, ``temp_passwords/``, the
Asterisk auth sections, voicemail mailboxes, ``flexpbx-config.json``) hold it,
the same string is removed from a setup guide, a comment or a script where no
rule would have recognised it. Each value is looked for plain, base64 (at each
of the three byte alignments, so it is found inside a longer ``user:pass``
blob), URL-encoded, JSON-escaped and HTML-escaped, with one Aho-Corasick pass
(pyahocorasick) over the text.

Never swept, because they are short or common and would take functional text
with them: values under 6 characters; numbers of any length (extensions,
PINs, ports, account numbers: the rules handle those where they stand, and
the phone rule finds phone numbers anywhere), except a known number of 4 to
12 digits on a line of a prose file (Markdown, text, HTML) that names a
credential or a mailbox ("the DISA code is 389485", "mailbox 2120 now uses
7391"): there a PIN is a PIN, and no dialplan or CSS class can break; lower-case words under
10 letters and common words (``password``, ``asterisk``, ``default``...); anything
with a line break or over 256 characters (a key block is the rules' job);
placeholders. Names and emails are matched case-insensitively and only as
whole words; secrets exactly, anywhere.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import re
import urllib.parse
from collections.abc import Iterable
from functools import cached_property

import ahocorasick

from flexgit import content
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import words

MIN_LENGTH = 6
MAX_LENGTH = 256
# Base64 of a value inside a longer blob cannot hold "-": an alphanumeric marker.
_B64_PLACEHOLDER = "FLEXGITREDACTED"
_COMMON = words(
    "password passwd secret default asterisk flexpbx changeme admin administrator "
    "welcome letmein qwerty abc123 123456 1234567 12345678 monkey dragon master "
    "public private localhost example testing support office reception operator "
    "voicemail extension internal external"
)
_LOWER_WORD = re.compile(r"[a-z]+")
_WORDISH = re.compile(r"[A-Za-z]+(?:[-_.][A-Za-z]+)*")  # letters and word joiners only
_CALL = re.compile(r"^[A-Za-z_][\w.]*\(|\)$")
_DIGITS = re.compile(r"\+?[\d\s().-]+")
_WORD_CHAR = re.compile(r"\w")
_PIN = re.compile(r"\d{4,12}")
_PIN_LABEL = re.compile(r"(?i)\b(?:pins?|passcodes?|passwords?|passwort|codes?|mailbox(?:es)?|"
                        r"voicemail|secrets?|disa|access)\b")
_NUMBER = re.compile(r"(?<![\w.+-])\d{4,12}(?![\w-]|[.,]\d)")
PROSE_SUFFIXES = (".md", ".markdown", ".txt", ".rst", ".adoc", ".html", ".htm")


def sweepable(value: str) -> bool:
    """Whether `value` is distinctive enough to remove wherever it occurs."""
    v = value.strip()
    if len(v) < MIN_LENGTH or len(v) > MAX_LENGTH or "\n" in v or "\r" in v:
        return False
    if v.lower() in _COMMON or ph.is_placeholder(v) or ph.is_redacted(v):
        return False
    if ph.SECRET_PLACEHOLDER in v or "FLEXGITREDACTED" in v:
        return False
    if _DIGITS.fullmatch(v):
        # Numbers are functional as often as personal (a trunk's account
        # number is both its username= and its callerid): phone numbers are
        # the phone rule's, found by shape wherever they stand.
        return False
    if "@" in v or " " in v:
        return True  # an address, a person's name
    # A word, a word-ish identifier or a call ("conference", "same-origin",
    # "Hangup()") that a rule took by mistake would, swept, break CSS classes
    # and dialplans everywhere: only a value with the shape of a secret is swept.
    if _WORDISH.fullmatch(v):
        return (len(v) >= 16 and not v.islower()) or len(v) >= 20
    return not _CALL.search(v)


def _is_personal(value: str) -> bool:
    return "@" in value or " " in value.strip()


def _base64_forms(value: str) -> list[str]:
    """The base64 text that encodes `value` at each byte offset, without the
    characters that depend on the bytes around it."""
    raw = value.encode("utf-8", "surrogateescape")
    out = []
    for k in range(3):
        enc = base64.b64encode(b"\0" * k + raw).decode().rstrip("=")
        first = -(-8 * k // 6)  # the first character made of value bits only
        last = (8 * (k + len(raw))) // 6  # characters wholly inside the value
        form = enc[first:last]
        if len(form) >= 8:
            out.append(form)
    return out


def variants(value: str) -> dict[str, str]:
    """Each encoded form of `value` -> the placeholder it becomes."""
    marker = ph.EMAIL_PLACEHOLDER if "@" in value else (
        ph.NAME_PLACEHOLDER if _is_personal(value) else ph.SECRET_PLACEHOLDER)
    forms = {value: marker}
    # Undecodable bytes (lone surrogates) are quoted as the bytes they were.
    for form in (urllib.parse.quote(value, safe="", errors="surrogateescape"),
                 urllib.parse.quote_plus(value, errors="surrogateescape"),
                 json.dumps(value)[1:-1], json.dumps(value)[1:-1].replace("/", "\\/"),
                 html.escape(value), html.escape(value).replace("&#x27;", "&#39;")):
        forms.setdefault(form, marker)
    if not _is_personal(value):
        for form in _base64_forms(value):
            forms.setdefault(form, _B64_PLACEHOLDER)
    return forms


class Sweep:
    """A set of values to sweep, compiled once (pickled to worker processes
    as the values alone)."""

    def __init__(self, values: Iterable[str] = (), regions: tuple[str, ...] = ()) -> None:
        values = [bare(v) for v in values]
        self.values = frozenset(v for v in values if sweepable(v))
        self.pins = frozenset(v for v in values if _PIN.fullmatch(v))
        # Not values: the installation's countries (known.regions), which the
        # phone rule reads national numbers in. They travel with what the
        # installation is known to hold.
        self.regions = regions

    def __reduce__(self) -> tuple[type[Sweep], tuple[tuple[str, ...], tuple[str, ...]]]:
        return Sweep, (tuple(sorted(self.values | self.pins)), self.regions)

    def __or__(self, other: Iterable[str]) -> Sweep:
        return Sweep(self.values | self.pins | frozenset(other), self.regions)

    def __bool__(self) -> bool:
        return bool(self.values or self.pins)

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for region in self.regions:
            h.update(b"region:" + region.encode() + b"\0")
        for v in sorted(self.values | self.pins):
            h.update(v.encode("utf-8", "surrogateescape") + b"\0")
        return h.hexdigest()

    @cached_property
    def _exact(self) -> ahocorasick.Automaton | None:
        return _automaton({f: (len(f), r) for v in self.values if not _is_personal(v)
                           for f, r in variants(v).items()})

    @cached_property
    def _folded(self) -> ahocorasick.Automaton | None:
        return _automaton({f.lower(): (len(f), r) for v in self.values if _is_personal(v)
                           for f, r in variants(v).items()})

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, placeholder) of every occurrence, longest first where
        two overlap."""
        found: list[tuple[int, int, str]] = []
        if self._exact is not None:
            for end, (length, repl) in self._exact.iter(text):
                found.append((end + 1 - length, end + 1, repl))
        if self._folded is not None:
            low = text.lower()
            if len(low) == len(text):  # lower() kept every index (nearly all text)
                for end, (length, repl) in self._folded.iter(low):
                    start = end + 1 - length
                    if _whole_word(text, start, end + 1):
                        found.append((start, end + 1, repl))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        return found

    def apply(self, editor: Editor, *, json_text: bool = False, prose: bool = False) -> None:
        """Claim every occurrence. In JSON an occurrence that holds a quote
        not escaped would cross a string's end: it is left alone. In `prose`,
        known PINs too, on lines that name a credential or a mailbox."""
        if prose and self.pins:
            self._pins(editor)
        personal_rule = "sweep.personal"
        for start, end, repl in self.matches(editor.text):
            if json_text and _UNESCAPED_QUOTE.search(editor.text, start, end):
                continue
            rule = "sweep.secret" if repl in (ph.SECRET_PLACEHOLDER, _B64_PLACEHOLDER) \
                else personal_rule
            editor.claim(start, end, repl, rule)

    def _pins(self, editor: Editor) -> None:
        text = editor.text
        for line in _PIN_LABEL.finditer(text):
            start = text.rfind("\n", 0, line.start()) + 1
            end = text.find("\n", line.end())
            for m in _NUMBER.finditer(text, start, len(text) if end < 0 else end):
                if m.group() in self.pins:
                    editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, "sweep.secret")

    def present(self, text: str) -> set[str]:
        """Which of the values occur in `text`, in any form (for the check
        that decides which files a new value forces to be sanitized again)."""
        if not self.values:
            return set()
        low = text.lower()
        return {v for (s, e, _r) in self.matches(text)
                for v in (self._by_form.get(text[s:e]), self._by_form.get(low[s:e])) if v}

    @cached_property
    def _by_form(self) -> dict[str, str]:
        by_form: dict[str, str] = {}
        for v in self.values:
            for form in variants(v):
                by_form.setdefault(form.lower() if _is_personal(v) else form, v)
        return by_form


_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (_WORD_CHAR.match(before) or _WORD_CHAR.match(after))


def _automaton(forms: dict[str, tuple[int, str]]) -> ahocorasick.Automaton | None:
    if not forms:
        return None
    a = ahocorasick.Automaton()
    for form, payload in forms.items():
        a.add_word(form, payload)
    a.make_automaton()
    return a


def learnt(known: Sweep, removed: Iterable[Iterable[str]]) -> frozenset[str]:
    """The sweepable values among `removed` (what rules removed, per file)
    that `known` does not sweep yet."""
    return Sweep(frozenset().union(*map(frozenset, removed))).values - known.values


def unswept(look: Sweep, data: bytes, removed: Iterable[str] = ()) -> set[str]:
    """The values of `look` that the file `data` holds and its own rules did
    not remove: what its blob, sanitized without `look`, still holds.
    Binaries hold none (they are never swept)."""
    if not look:
        return set()
    decoded = content.decode(data)
    return set() if decoded is None else look.present(decoded.text) - set(removed)


def bare(value: str) -> str:
    """`value` as it stands in any text. The JSON rules remove a string token
    with its quotes (``"s3cret"``, escapes and all): swept as it was removed,
    it would never be found bare in a guide or a script."""
    v = value.strip()
    while len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        inner = v[1:-1]
        if v[0] == '"':
            with contextlib.suppress(ValueError):
                inner = json.loads(v)
        v = inner.strip()
    return v


class _Union(Sweep):
    """Several sweeps as one, each matching with its own compiled automata."""

    def __init__(self, *parts: Sweep) -> None:
        self.parts = [p for p in parts if p]
        self.values = frozenset().union(*(p.values for p in self.parts))
        self.pins = frozenset().union(*(p.pins for p in self.parts))
        self.regions = next((p.regions for p in parts if p.regions), ())

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        found = [m for p in self.parts for m in p.matches(text)]
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        return found


def union(*parts: Sweep) -> Sweep:
    """The sweep of all `parts`, without compiling their values again: the
    known values of a snapshot (compiled once per process) with each file's
    own (a fresh Sweep of both cost ~0.8 s a file with the bench's 17,000)."""
    return _Union(*parts)
