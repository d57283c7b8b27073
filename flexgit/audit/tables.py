"""Tables: a value in a column whose header is a credential word, in a
Markdown table (`| host | user | password |` ... `| pbx1 | root | X |`) or an
HTML one (`<th>Password</th>` ... `<td>X</td>`), where the cell itself names
nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.keywords import TRIGGER as KEYWORD
from flexgit.audit.keywords import shaped

RULE = "keyword.table"
TRIGGER = r"(?m:^[ \t]*\|.*\|[ \t]*$)|(?i:<td\b)"
_KEYWORD = re.compile(KEYWORD)
_RULER = re.compile(r"^\s*\|?[\s:|\-]+\|?\s*$")
_CELL = re.compile(r"(?is)<t[dh]\b[^>]*>(.*?)</t[dh]>")
_TAG = re.compile(r"<[^>]+>")
_LOOK_BACK = 40  # rows between a header and the cell


def _cells(line: str) -> list[str]:
    if "|" in line and not _CELL.search(line):
        return [c.strip().strip("`*") for c in line.strip().strip("|").split("|")]
    return [_TAG.sub("", c).strip().strip("`*") for c in _CELL.findall(line)]


def _columns(header: list[str]) -> list[int]:
    return [k for k, cell in enumerate(header) if _KEYWORD.search(cell)]


def _header(lines: list[str], i: int) -> list[str] | None:
    """The header row of the table line `i` belongs to."""
    markdown = lines[i].lstrip().startswith("|")
    for j in range(i - 1, max(-1, i - _LOOK_BACK), -1):
        line = lines[j]
        if markdown:
            if not line.lstrip().startswith("|"):
                return None
            if _RULER.match(line) and j > 0:
                return _cells(lines[j - 1])
        elif re.search(r"(?i)<th\b", line):
            return _cells(line)
        elif re.search(r"(?i)<table\b", line):
            return None
    return None


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    if _RULER.match(line):
        return
    header = _header(lines, i)
    if not header:
        return
    cells = _cells(line)
    if cells == header:
        return
    for k in _columns(header):
        if k < len(cells) and shaped(cells[k], pin=True):
            yield RULE, cells[k]
