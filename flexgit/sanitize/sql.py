"""SQL dumps and scripts: passwords of database accounts, and the rows of tables.

* account statements: ``IDENTIFIED BY 'X'`` (MySQL/MariaDB ``CREATE USER``,
  ``GRANT``, ``ALTER USER ... IDENTIFIED WITH plugin BY 'X'``), ``PASSWORD('X')``,
  ``SET PASSWORD ... = 'X'``, PostgreSQL ``[ENCRYPTED] PASSWORD 'X'``;
* rows (:mod:`.sql_rows`: ``INSERT`` with one or many rows, ``COPY ... FROM
  stdin``, ``UPDATE ... SET``), cell by cell, by the column a cell is in (from
  the statement's column list or the file's ``CREATE TABLE``): a column named
  for a credential (``password``, ``secret``, ``pin``, ``api_key``...; also
  inside ``MD5('X')``) loses its value (rule ``label.value``, a hash its
  scheme's placeholder), a person-name column its name (``personal.name``:
  ``full_name``, ``first_name``; a plain ``name`` in a table of people or
  beside an email/phone column, and only a value shaped like a name, so
  ``'Reception'`` and ``'2001'`` stay), a phone column its number
  (``personal.phone``: any run of seven digits or more). A cell whose column
  is not known (``INSERT INTO t VALUES`` of a table the file does not define)
  is judged by its value: a whole valid phone number (libphonenumber, as in
  :mod:`.phones`) or a full name of two words or more;
* key/value rows: ``('smtp_password', 'X')``.
"""

from __future__ import annotations

import functools
import re

from flexgit.sanitize import contacts, phones, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import Kind, classify, normalize
from flexgit.sanitize.labels import LABEL, claim_value, is_credential
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.sql_rows import Cell, rows

_STRING = r"'(?P<v>(?:[^'\\\n]|\\.|'')*)'"
_ACCOUNT = prefilter.compile(
    r"(?i)\b(?:IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY(?:\s+PASSWORD)?|PASSWORD\s*\(|"
    r"SET\s+PASSWORD\b[^;=\n]*=(?:\s*PASSWORD\s*\()?|(?:ENCRYPTED\s+|UNENCRYPTED\s+)?"
    rf"PASSWORD(?=\s+'))\s*{_STRING}"
)
_COLUMN_NAME = re.compile(rf"(?i)^[`\"\s]*\w*?(?:{LABEL})\w*[`\"\s]*$")
# UPDATE t SET password_sha1 = 'X', key_hash = 'Y'
_SET = prefilter.compile(rf"(?i)(?:\bSET\b|,)\s*[`\"]?(?P<col>\w+)[`\"]?\s*=\s*{_STRING}")


def _is_secret_column(name: str) -> bool:
    """A column named for a credential: by label word, or as keys.classify
    judges a key (key_hash, password_sha1, api_token)."""
    norm = normalize(name.strip("`\" \t\r\n"))
    return bool(_COLUMN_NAME.match(name)) or \
        classify(norm) in (Kind.SECRET, Kind.TOKEN, Kind.HASH)
_PAIR = prefilter.compile(rf"(?i)\(\s*'\w*?(?:{LABEL})\w*'\s*,\s*{_STRING}\s*\)")
# A file speaks SQL's credentials only with one of these (and key/value rows
# such as ('TOKEN_TTL', '3600') in PHP are no SQL rows without them).
_HINT = prefilter.compile(
    r"(?im)password|identified|insert\s+into|pass'|\bset\b|^copy\s|replace\s+into")
_PHONE = re.compile(r"\+?[\d\s().\-/]{7,}")
_NAMES = {Kind.NAME: ph.NAME_PLACEHOLDER, Kind.FIRST_NAME: ph.FIRST_NAME_PLACEHOLDER,
          Kind.LAST_NAME: ph.LAST_NAME_PLACEHOLDER}


def _claim(editor: Editor, m: re.Match[str]) -> None:
    value = m.group("v")
    if value and is_credential(value) and editor.is_free(m.start("v"), m.end("v")):
        claim_value(editor, m.start("v"), m.end("v"), value, "label.value")


@functools.lru_cache(maxsize=4096)
def _column(column: str) -> Kind | str | None:
    """What a column holds: "secret", a name or phone Kind, MAYBE_NAME, or None."""
    if _is_secret_column(column):
        return "secret"
    kind = classify(normalize(column))
    return kind if kind in (*_NAMES, Kind.MAYBE_NAME, Kind.PHONE) else None


def _wanted(column: str) -> bool:
    return _column(column) is not None or contacts.is_person_hint(column)


def _cell(editor: Editor, cell: Cell, people: bool) -> None:
    """Claim one cell by what its column (or, unknown, its value) says it holds."""
    kind = _column(cell.column) if cell.column is not None else None
    if kind is None and cell.column is not None:
        return  # an id, a username, a date: nothing to decide
    value = cell.value(editor.text)
    if not value or not editor.is_free(cell.start, cell.end):
        return
    if cell.column is None:
        if not cell.quoted:
            return  # a number or NULL of an unknown column: an id, a count, a date
        if phones.whole_number(value):
            editor.claim(cell.start, cell.end, ph.PHONE_PLACEHOLDER, "personal.phone")
        elif len(value.split()) >= 2:
            contacts.name_cell(_claimer(editor), cell.start, value, ph.NAME_PLACEHOLDER,
                               strict=True)
        return
    if kind == "secret":
        if cell.quoted and is_credential(value):
            claim_value(editor, cell.start, cell.end, value, "label.value")
    elif kind in _NAMES or (kind is Kind.MAYBE_NAME and people):
        placeholder = _NAMES.get(kind, ph.NAME_PLACEHOLDER)
        contacts.name_cell(_claimer(editor), cell.start, value, placeholder, strict=False)
    elif kind is Kind.PHONE and _PHONE.fullmatch(value.strip()) and \
            sum(c.isdigit() for c in value) >= 7:
        editor.claim(cell.start, cell.end,
                     ph.PHONE_PLACEHOLDER if cell.quoted else ph.PHONE_NUMBER_PLACEHOLDER,
                     "personal.phone")


def _claimer(editor: Editor) -> contacts.Claim:
    def claim(start: int, end: int, replacement: str) -> None:
        if editor.is_free(start, end):
            editor.claim(start, end, replacement, "personal.name")
    return claim


def _rows(editor: Editor) -> None:
    for row in rows(editor.text, _wanted):
        people = row.table.lower() in contacts.PEOPLE_TABLES or any(
            c.column is not None and contacts.is_person_hint(c.column) for c in row.cells)
        for cell in row.cells:
            _cell(editor, cell, people)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim account passwords and credential columns of SQL statements."""
    text = editor.text
    if prefilter.search(_HINT, text) is None:
        return
    for m in prefilter.finditer(_ACCOUNT, text):
        _claim(editor, m)
    for m in prefilter.finditer(_PAIR, text):
        _claim(editor, m)
    _rows(editor)
    for m in prefilter.finditer(_SET, text):
        if _is_secret_column(m.group("col")):
            _claim(editor, m)
