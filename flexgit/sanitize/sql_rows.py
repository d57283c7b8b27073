"""The rows of an SQL dump or script, cell by cell, with the column each cell is in.

For :mod:`.sql`, which decides what a cell holds. Read here:

* ``INSERT|REPLACE [IGNORE] INTO t [(cols)] VALUES (...), (...)``, one row or
  many, over any number of lines;
* ``COPY t [(cols)] FROM stdin;`` and its tab-separated rows up to ``\\.``
  (PostgreSQL's pg_dump);
* ``UPDATE t SET col = v, col2 = f('v') [WHERE ...]`` (and MySQL's
  ``INSERT INTO t SET col = v, ...``).

A cell's column comes from the statement's column list or, without one, from
a ``CREATE TABLE t (...)`` of the same text (a mysqldump writes the table
before its rows); a row of a table the text does not define has cells without
columns, and the caller decides by their values. A cell that is a function
call (``MD5('x')``, ``crypt('x', gen_salt('bf'))``) is the first string inside
it. Statements are found with prefiltered regexes: a text without
``INSERT``/``COPY``/``UPDATE`` costs one Hyperscan pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flexgit.sanitize import prefilter

_NAME = r"[`\"\[]?(?:\w+[`\"\]]?\.[`\"\[]?)?(?P<t>\w+)[`\"\]]?"
_CREATE = prefilter.compile(
    rf"(?i)\bCREATE\s+(?:TEMPORARY\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s*\("
)
_INSERT = prefilter.compile(
    rf"(?i)\b(?:INSERT|REPLACE)\s+(?:(?:IGNORE|DELAYED|LOW_PRIORITY|HIGH_PRIORITY)\s+)?"
    rf"(?:INTO\s+)?{_NAME}\s*(?:\((?P<c>[^()]*)\)\s*)?VALUES\s*"
)
_COPY = prefilter.compile(rf"(?i)^COPY\s+{_NAME}\s*(?:\((?P<c>[^()]*)\)\s*)?FROM\s+stdin[^\n]*\n",
                          re.M)
# UPDATE t SET ..., and MySQL's INSERT INTO t SET a = 'x', b = 'y'
_UPDATE = prefilter.compile(
    rf"(?i)\b(?:UPDATE\s+(?:ONLY\s+)?|(?:INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO\s+){_NAME}\s+SET\s+")
_ASSIGN = re.compile(r"""\s*[`"\[]?(?P<c>\w+)[`"\]]?\s*=\s*""")
_STRING = re.compile(r"'((?:[^'\\]|\\.|'')*)'", re.S)
_OTHER = re.compile(r"[^,()'\s]+")
_CALL = re.compile(r"\w+\s*\(")
_CONSTRAINTS = frozenset({"primary", "key", "unique", "constraint", "index", "foreign", "check",
                          "fulltext", "spatial", "exclude", "like", "period"})
_MAX_CELLS = 4096  # one row; a longer one is not a row this module reads


@dataclass(frozen=True, slots=True)
class Cell:
    column: str | None  # as written, without quotes; None: not known
    start: int  # offsets of the value in the text (inside the quotes)
    end: int
    quoted: bool  # a string literal or a COPY field (else a number, NULL, a keyword)

    def value(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Row:
    table: str
    cells: tuple[Cell, ...]
    columns_known: bool  # from a column list or a CREATE TABLE


def schemas(text: str) -> dict[str, list[str]]:
    """Table name (lower-case) -> its column names, from every CREATE TABLE."""
    out: dict[str, list[str]] = {}
    for m in prefilter.finditer(_CREATE, text):
        columns = []
        for part in _split_top(text, m.end()):
            word = part.strip().split(None, 1)
            if word:
                name = word[0].strip("`\"[]")
                if name.lower() not in _CONSTRAINTS and re.fullmatch(r"\w+", name):
                    columns.append(name)
        out[m.group("t").lower()] = columns
    return out


def _split_top(text: str, pos: int) -> list[str]:
    """The comma-separated parts of a parenthesised list opened before pos."""
    parts, depth, start, i = [], 0, pos, pos
    while i < len(text) and i - pos < 100_000:
        c = text[i]
        if c == "'":
            m = _STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                parts.append(text[start:i])
                return parts
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    return []


def _columns(listed: str | None, table: str, tables: dict[str, list[str]]) -> list[str] | None:
    if listed is not None:
        return [c.strip().strip("`\"[]") for c in listed.split(",")]
    return tables.get(table.lower())


def _value(text: str, pos: int, column: str | None) -> tuple[Cell | None, int]:
    """The cell at pos and where it ends; (None, pos) when no value starts there."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    m = _STRING.match(text, pos)
    if m is not None:
        return Cell(column, m.start(1), m.end(1), True), m.end()
    call = _CALL.match(text, pos)
    if call is not None:
        inner = _split_top(text, call.end())
        end = call.end() + sum(len(p) + 1 for p in inner)
        if not inner:
            return None, pos
        s = _STRING.search(text, call.end(), end)
        cell = Cell(column, s.start(1), s.end(1), True) if s is not None else None
        return cell or Cell(column, pos, pos, False), end
    m = _OTHER.match(text, pos)
    if m is not None:
        return Cell(column, m.start(), m.end(), False), m.end()
    return None, pos


def _tuples(text: str, pos: int, table: str, columns: list[str] | None) -> Iterator[Row]:
    """The rows of VALUES (...), (...) from pos."""
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "(":
            return
        pos += 1
        cells: list[Cell] = []
        while len(cells) < _MAX_CELLS:
            column = columns[len(cells)] if columns and len(cells) < len(columns) else None
            cell, pos = _value(text, pos, column)
            if cell is None:
                return
            cells.append(cell)
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            if pos < len(text) and text[pos] == ")":
                pos += 1
                break
            return
        yield Row(table, tuple(cells), columns is not None)


def _copy(text: str, pos: int, table: str, columns: list[str] | None) -> Iterator[Row]:
    """The tab-separated rows of a COPY ... FROM stdin block from pos."""
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].rstrip("\r")
        if line == "\\.":
            return
        cells, start = [], pos
        for i, field in enumerate(line.split("\t")):
            column = columns[i] if columns and i < len(columns) else None
            if field != "\\N":
                cells.append(Cell(column, start, start + len(field), True))
            start += len(field) + 1
        yield Row(table, tuple(cells), columns is not None)
        pos = end + 1


def _update(text: str, pos: int, table: str) -> Iterator[Row]:
    cells: list[Cell] = []
    while (m := _ASSIGN.match(text, pos)) is not None and len(cells) < _MAX_CELLS:
        cell, pos = _value(text, m.end(), m.group("c"))
        if cell is None:
            break
        cells.append(cell)
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text) or text[pos] != ",":
            break
        pos += 1
    if cells:
        yield Row(table, tuple(cells), True)


def rows(text: str, wanted: Callable[[str], bool] = lambda _: True) -> Iterator[Row]:
    """Every row of every INSERT, COPY and UPDATE in text; of a statement
    whose columns are known, only when `wanted` accepts one of them (a CDR
    table of numbers and extensions is not read cell by cell)."""
    tables = schemas(text)
    for regex, read in ((_INSERT, _tuples), (_COPY, _copy)):
        for m in prefilter.finditer(regex, text):
            table = m.group("t")
            columns = _columns(m.group("c"), table, tables)
            if columns is None or any(wanted(c) for c in columns):
                yield from read(text, m.end(), table, columns)
    for m in prefilter.finditer(_UPDATE, text):
        yield from _update(text, m.end(), m.group("t"))
