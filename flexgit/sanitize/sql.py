"""SQL dumps and scripts: passwords of database accounts and rows of tables.

* account statements: ``IDENTIFIED BY 'X'`` (MySQL/MariaDB ``CREATE USER``,
  ``GRANT``, ``ALTER USER ... IDENTIFIED WITH plugin BY 'X'``), ``PASSWORD('X')``,
  ``SET PASSWORD ... = 'X'``, PostgreSQL ``[ENCRYPTED] PASSWORD 'X'``;
* ``INSERT INTO t (cols) VALUES (...), (...)``: every value in a column named
  for a credential (``password``, ``secret``, ``pin``, ``api_key``...);
* key/value rows: ``('smtp_password', 'X')``.

Hashes in those places are replaced by the hash placeholder of their scheme
(labels.claim_value). Rule ``label.value``.
"""

from __future__ import annotations

import re

from flexgit.sanitize import prefilter
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import Kind, classify, normalize
from flexgit.sanitize.labels import LABEL, claim_value, is_credential
from flexgit.sanitize.rules import Rules

_STRING = r"'(?P<v>(?:[^'\\\n]|\\.|'')*)'"
_ACCOUNT = prefilter.compile(
    r"(?i)\b(?:IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY(?:\s+PASSWORD)?|PASSWORD\s*\(|"
    r"SET\s+PASSWORD\b[^;=\n]*=(?:\s*PASSWORD\s*\()?|(?:ENCRYPTED\s+|UNENCRYPTED\s+)?"
    rf"PASSWORD(?=\s+'))\s*{_STRING}"
)
_INSERT = prefilter.compile(r"(?is)\bINSERT\s+INTO\s+[`\"\w.]+\s*\((?P<cols>[^()]*)\)\s*VALUES\s*")
_VALUE = re.compile(rf"\s*(?:{_STRING}|(?P<other>[^,()']*))\s*(?P<end>[,)])")
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
_HINT = prefilter.compile(r"(?i)password|identified|insert\s+into|pass'|\bset\b")


def _claim(editor: Editor, m: re.Match[str]) -> None:
    value = m.group("v")
    if value and is_credential(value) and editor.is_free(m.start("v"), m.end("v")):
        claim_value(editor, m.start("v"), m.end("v"), value, "label.value")


def _rows(editor: Editor, m: re.Match[str]) -> None:
    """The credential columns of every row of one INSERT."""
    columns = [i for i, c in enumerate(m.group("cols").split(",")) if _is_secret_column(c)]
    if not columns:
        return
    text, pos = editor.text, m.end()
    while pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "(":
            return
        pos += 1
        index = 0
        while (v := _VALUE.match(text, pos)) is not None:
            if index in columns and v.group("v") is not None:
                _claim(editor, v)
            pos, index = v.end(), index + 1
            if v.group("end") == ")":
                break
        else:
            return


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim account passwords and credential columns of SQL statements."""
    text = editor.text
    if prefilter.search(_HINT, text) is None:
        return
    for m in prefilter.finditer(_ACCOUNT, text):
        _claim(editor, m)
    for m in prefilter.finditer(_PAIR, text):
        _claim(editor, m)
    for m in prefilter.finditer(_INSERT, text):
        _rows(editor, m)
    for m in prefilter.finditer(_SET, text):
        if _is_secret_column(m.group("col")):
            _claim(editor, m)
