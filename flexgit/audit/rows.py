"""People in SQL rows: a name or a phone number is a cell, and the column it
stands in says what it is. The columns come from the statement's column list
(`INSERT INTO contacts (id, first_name, mobile) VALUES` and its rows on the
lines below, `COPY public.staff (id, display_name, phone) FROM stdin;` and its
tab-separated rows), else from the `CREATE TABLE` of the same table earlier in
the dump; a row of a table of people (`people`, `contacts`, `staff`, ...) with
no columns known is read by the cells' shapes.

A name cell is one or more capitalized words (one in a first or last name
column), not a placeholder and not a functional label (`Reception`); a phone
cell is a number valid in its international form or in a national one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.personal import first_names, functional, valid_somewhere
from flexgit.audit.placeholders import is_placeholder

WORDS = ("insert ", "replace into", "copy ", "update ")
_IDENT = r"[`\"\[]?([\w.]+?)[`\"\]]?"
_INSERT = re.compile(rf"(?i)\b(?:insert(?:\s+(?:ignore|low_priority|delayed|high_priority))?|"
                     rf"replace)\s+into\s+{_IDENT}\s*(?:\(([^)]*)\))?\s*values\b(.*)$")
# Assignments: UPDATE t SET col = 'v', ... and MySQL's INSERT INTO t SET ...
_SET = re.compile(rf"(?i)\b(?:update(?:\s+(?:low_priority|ignore))*|insert(?:\s+ignore)?\s+into|"
                  rf"replace\s+into)\s+{_IDENT}\s+set\s+(.*?)(?:\bwhere\b|$)")
_ASSIGNED = re.compile(r"""[`"\[]?(\w+)[`"\]]?\s*=\s*(?:'((?:[^'\\]|\\.|'')*)'|"""
                       r""""((?:[^"\\]|\\.)*)"|([\w+.\-]+))""")
_COPY = re.compile(rf"(?i)^\s*copy\s+{_IDENT}\s*\(([^)]*)\)\s+from\s+stdin\b")
_TUPLE_ROW = re.compile(r"^\s*\(.*\)\s*[,;]?\s*$")
# A row in parentheses, with quoted cells and a call's parentheses (NOW()) in it.
_TUPLE = re.compile(r"""\((?:'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[^()'"]|\([^()]*\))*\)""")
_CELL = re.compile(r"'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.)*)\"|([^,()'\"\s][^,()]*)")
_CREATE = r"(?i)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?[`\"\[]?(?:\w+\.)?{}[`\"\]]?\s*\("
_COLUMN_DEF = re.compile(r"^\s*[`\"\[]?(\w+)[`\"\]]?\s+\w")
_NOT_COLUMN = frozenset({"primary", "key", "unique", "constraint", "index", "foreign", "check",
                         "fulltext"})
_NAME_COLUMN = re.compile(r"(?i)^(?:(?:full|display|real|contact|caller_?id|owner)_?)?name$|"
                          r"^(?:first|last|given|family|sur|middle)(?:_?name)?$|^fn$|^cn$")
_PART_COLUMN = re.compile(r"(?i)^(?:first|last|given|family|sur|middle)")
_PHONE_COLUMN = re.compile(r"(?i)phone|mobile|cell|^tel|fax|msisdn|gsm|^cid_?num")
_PEOPLE_TABLE = re.compile(r"(?i)(?:^|[._])(?:people|persons?|contacts?|staff|employees?|users?|"
                           r"directory|phonebook|customers?|clients?|members?|agents?)$")
_NAME = re.compile(r"[A-Z\u00c0-\u00de][\w\u00c0-\u024f'\u2019\-]+"
                   r"(?:[ \t]+[A-Z\u00c0-\u00de][\w\u00c0-\u024f'\u2019.\-]*){0,3}")
_PHONE = re.compile(r"\+?[0-9][0-9 .\-()]{5,18}[0-9]")
_LOOK_BACK = 400  # lines between a dump's CREATE TABLE and its INSERT
_ROWS = 2000  # rows of one statement read back to its header


def _tuples(values: str) -> list[list[str]]:
    """The cells of each row of `values` (`(1,'A'),(2,'B')`: two rows)."""
    return [[next(g for g in m.groups() if g is not None).strip()
             for m in _CELL.finditer(t.group()[1:-1])] for t in _TUPLE.finditer(values)]


def _columns(listed: str) -> list[str]:
    return [c.strip().strip("`\"[]").lower() for c in listed.split(",")]


def _schema(lines: list[str], i: int, table: str) -> list[str]:
    """The columns of `table` from its CREATE TABLE above line `i`."""
    create = re.compile(_CREATE.format(re.escape(table.split(".")[-1])))
    for j in range(i, max(-1, i - _LOOK_BACK), -1):
        if create.search(lines[j]):
            out = []
            for line in lines[j + 1:i]:
                m = _COLUMN_DEF.match(line)
                if line.lstrip().startswith(")") or not m:
                    break
                if m.group(1).lower() not in _NOT_COLUMN:
                    out.append(m.group(1).lower())
            return out
    return []


def _header(lines: list[str], i: int) -> tuple[str, list[str], str] | None:
    """(table, columns, kind) of the statement whose row is line `i`: kind
    is "values" for a tuple row, "copy" for a tab-separated one."""
    line = lines[i]
    if "\t" in line and not _TUPLE_ROW.match(line):
        for j in range(i - 1, max(-1, i - _ROWS), -1):
            copy = _COPY.match(lines[j])
            if copy:
                return copy.group(1), _columns(copy.group(2)), "copy"
            if "\t" not in lines[j]:
                return None
        return None
    for j in range(i, max(-1, i - _ROWS), -1):
        insert = _INSERT.search(lines[j])
        if insert:
            table, listed = insert.group(1), insert.group(2)
            return table, _columns(listed) if listed else _schema(lines, j, table), "values"
        if j < i and not _TUPLE_ROW.match(lines[j]):
            return None
    return None


def _name(cell: str, column: str | None) -> bool:
    m = _NAME.fullmatch(cell)
    if not m or is_placeholder(cell) or functional(cell):
        return False
    if column is not None:
        return " " in cell or _PART_COLUMN.match(column) is not None
    # By shape alone: two words at least, and a first name the list knows
    # or a surname-shaped second word.
    words = cell.split()
    return len(words) >= 2 and (first_names().get_gender(words[0]) != "unknown"
                                or all(len(w) >= 3 for w in words))


def _phone(cell: str) -> bool:
    return _PHONE.fullmatch(cell) is not None and not is_placeholder(cell) \
        and sum(c.isdigit() for c in cell) >= 9 and valid_somewhere(cell)


def _cell(column: str, cell: str) -> Iterator[tuple[str, str]]:
    if _NAME_COLUMN.search(column) and _name(cell, column):
        yield "personal.name", cell
    elif _PHONE_COLUMN.search(column) and _phone(cell):
        yield "personal.phone", cell


def _judge(cells: list[str], columns: list[str], table: str) -> Iterator[tuple[str, str]]:
    if len(columns) == len(cells):
        for column, cell in zip(columns, cells, strict=True):
            yield from _cell(column, cell)
        return
    if _PEOPLE_TABLE.search(table):
        for cell in cells:
            if _name(cell, None):
                yield "personal.name", cell
            elif _phone(cell):
                yield "personal.phone", cell


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    """A statement's header line: the row it holds itself, if any."""
    assigned = _SET.search(lines[i])
    if assigned:
        for m in _ASSIGNED.finditer(assigned.group(2)):
            value = next(g for g in m.groups()[1:] if g is not None)
            yield from _cell(m.group(1).lower(), value.strip())
        return
    insert = _INSERT.search(lines[i])
    if insert:  # (in code indented with tabs too: this line is no COPY row)
        table, listed = insert.group(1), insert.group(2)
        columns = _columns(listed) if listed else _schema(lines, i, table)
        for cells in _tuples(insert.group(3)):
            yield from _judge(cells, columns, table)


class _Block:
    """The last block handed out, so that its rows find their header without
    walking back over the rows before them (a dump's long INSERT)."""

    lines: list[str] | None = None
    rows = range(0)
    header: tuple[str, list[str], str] | None = None


def block(lines: list[str], i: int) -> range:
    """The row lines that follow the header on line `i`."""
    rows = _rows(lines, i)
    if rows:
        _Block.lines, _Block.rows, _Block.header = lines, rows, _header(lines, rows[0])
    return rows


def _rows(lines: list[str], i: int) -> range:
    line = lines[i]
    if _COPY.match(line):
        end = i + 1
        while end < len(lines) and end - i < _ROWS and "\t" in lines[end]:
            end += 1
        return range(i + 1, end)
    insert = _INSERT.search(line)
    if insert and not insert.group(3).strip():
        end = i + 1
        while end < len(lines) and end - i < _ROWS and _TUPLE_ROW.match(lines[end]):
            end += 1
        return range(i + 1, end)
    return range(0)


def find_in_block(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    known = _Block.lines is lines and i in _Block.rows
    header = _Block.header if known else _header(lines, i)
    if header is None:
        return
    table, columns, kind = header
    line = lines[i]
    for cells in [line.split("\t")] if kind == "copy" else _tuples(line):
        yield from _judge([c.strip() for c in cells], columns, table)
