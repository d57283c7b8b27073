"""Records of people by their own structure: vCards, CSV phone books, SQL rows.

For :mod:`.personal` (rule ``personal.name``); the numbers in them are found by
:mod:`.phones` (``TEL`` and a ``Number``/``Phone`` column name the phone).

* vCard (``BEGIN:VCARD``): ``FN:`` and ``N:`` values (every ``;`` part), and the
  address of ``EMAIL:`` (``pattern.email``: the patterns read ``EMAIL:x@y`` as a
  ``sip:``-style URI and keep it).
* CSV (a ``*.csv`` file, or a first line of comma-separated column names):
  cells under a column whose name says person name (``name`` only beside an
  email/phone column, or in a table of people).
* SQL rows are :mod:`.sql`'s (it reads them with :mod:`.sql_rows`), with
  :func:`name_cell` and these tables and column hints.

A cell or literal is replaced only when it looks like a name (letters, any
case, up to six words): ``Reception``, ``Sales Queue`` and ids stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flexgit.sanitize import patterns
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import Kind, classify, normalize, words
from flexgit.sanitize.person_names import person

Claim = Callable[[int, int, str], None]

_VCARD_LINE = re.compile(r"(?im)^(?P<k>FN|N|EMAIL)(?:;[^:\n]*)?:(?P<v>[^\r\n]*)")
PEOPLE_TABLES = words(
    "users admins contacts people persons staff employees members agents customers "
    "phonebook directory extensions accounts"
)
_HINTS = words("email mail e_mail phone mobile number extension ext tel cell")
_PLACEHOLDER = {
    Kind.NAME: ph.NAME_PLACEHOLDER, Kind.FIRST_NAME: ph.FIRST_NAME_PLACEHOLDER,
    Kind.LAST_NAME: ph.LAST_NAME_PLACEHOLDER,
}  # fmt: skip


def _columns(names: list[str], people: bool) -> dict[int, str]:
    """Column index -> placeholder, for the columns that hold people's names."""
    norms = [normalize(n.strip().strip("`\"'[]")) for n in names]
    people = people or any(_hint(n) for n in norms)
    out: dict[int, str] = {}
    for i, norm in enumerate(norms):
        kind = classify(norm)
        if kind is Kind.MAYBE_NAME and people:
            kind = Kind.NAME
        if kind in _PLACEHOLDER:
            out[i] = _PLACEHOLDER[kind]
    return out


def _hint(norm: str) -> bool:
    return norm in _HINTS or norm.endswith(("_email", "_phone"))


def is_person_hint(column: str) -> bool:
    """Whether a column beside a plain ``name`` says the row is a person's."""
    return _hint(normalize(column.strip().strip("`\"'[]")))


def name_cell(claim: Claim, start: int, value: str, placeholder: str, *,
              strict: bool = False) -> None:
    """Claim a cell that holds a person's name (`strict`: capitalised words only)."""
    if "''" in value or "\\'" in value:  # SQL's escaped quotes: O''Brien, O\'Brien
        if person(value.replace("''", "'").replace("\\'", "'"), strict=strict) is not None:
            claim(start, start + len(value), placeholder)
        return
    span = person(value, strict=strict)
    if span is not None and not ph.is_placeholder(value.strip()):
        claim(start + span[0], start + span[1], placeholder)


def _vcard(editor: Editor, claim: Claim) -> None:
    for m in _VCARD_LINE.finditer(editor.text):
        start, value = m.start("v"), m.group("v")
        if m.group("k").upper() == "EMAIL":
            new = patterns.email_replacement(value.strip()) if "@" in value else None
            if new is not None:
                editor.claim(start, start + len(value.strip()), new, "pattern.email")
            continue
        pos = start
        for part in value.split(";"):  # N:Last;First;Middle;Prefix;Suffix
            if part.strip():
                name_cell(claim, pos, part, ph.NAME_PLACEHOLDER)
            pos += len(part) + 1


def _csv(text: str, claim: Claim) -> None:
    first_end = text.find("\n")
    header = text[: first_end if first_end >= 0 else len(text)].rstrip("\r")
    columns = _columns(header.split(","), people=False)
    if not columns or first_end < 0:
        return
    pos = first_end + 1
    for line in text[pos:].split("\n"):
        cell_pos = pos
        for i, cell in enumerate(line.rstrip("\r").split(",")):
            if i in columns:
                name_cell(claim, cell_pos + (1 if cell.startswith('"') else 0), cell.strip('"'),
                      columns[i])
            cell_pos += len(cell) + 1
        pos += len(line) + 1


def apply(editor: Editor, path: str, claim: Claim, *, vcard: bool) -> None:
    """Claim the names (and vCard addresses) in the records of editor.text;
    `vcard` says whether ``BEGIN:VCARD`` occurs (any case)."""
    text = editor.text
    if vcard:
        _vcard(editor, claim)
    first = text[:200].split("\n", 1)[0]
    if path.lower().endswith(".csv") or ("," in first and "name" in first.lower()):
        _csv(text, claim)
