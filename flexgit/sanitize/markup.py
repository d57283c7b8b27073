"""HTML and XML: credentials in elements, attributes, tables and definition
lists, in any file that holds markup (admin pages, provisioning files, docs).

* an element named for a credential: ``<password>X</password>``,
  ``<smtpPassword><![CDATA[X]]></smtpPassword>``, Grandstream's P-values for
  SIP and admin passwords (``<P34>X</P34>``, ``<P2>X</P2>``);
* an attribute named for one: ``password="X"``, ``data-sip-password="X"``,
  ``reg.1.auth.password="X"``;
* a generic element whose name or key says it: ``<param name="password"
  value="X"/>``, ``<entry key="secret">X</entry>``, ``<input type="password"
  name="pw" value="X">``, ``<input name="api_key" value="X">``;
* text after a label element: ``<strong>Password:</strong> X``,
  ``<dt>Secret</dt><dd>X</dd>``, ``<b>PIN</b>: <code>X</code>``;
* a table cell under a ``<th>`` that names a credential.

Rule ``label.value`` (``label.table`` for tables): the same judgement of what
is a credential as the label layer (labels.is_credential).
"""

from __future__ import annotations

import re

from flexgit.sanitize.engine import Editor
from flexgit.sanitize.labels import (
    LABEL,
    claim_value,
    hint_spans,
    is_credential,
    is_policy_name,
)
from flexgit.sanitize.rules import Rules

_NAME = rf"[\w.:-]*?(?:{LABEL})[\w.:-]*"
_ELEMENT = re.compile(
    rf"<(?P<tag>{_NAME})(?:\s[^<>]*)?>\s*"
    r"(?:<!\[CDATA\[(?P<cdata>[^\]]*)\]\]>|(?P<text>[^<>\s][^<>]*?))\s*</(?P=tag)\s*>",
    re.I,
)
# Grandstream configuration: P2 admin password, P34/P404/P504... SIP passwords.
_GRANDSTREAM = re.compile(r"<(?P<tag>P(?:2|34|404|504|604|704|804|1504|1604))>"
                          r"(?P<text>[^<>\s][^<>]*?)</(?P=tag)>")
_ATTRIBUTE = re.compile(
    rf"(?<![\w.:-])(?P<name>{_NAME})\s*=\s*(?P<q>[\"'])(?P<value>[^\"'<>]*)(?P=q)", re.I)
_TAG = re.compile(r"<(?P<tag>[A-Za-z][\w.:-]*)(?P<attrs>\s[^<>]*?)?/?>(?P<text>[^<>]*)")
_ATTR = re.compile(r"(?P<name>[\w.:-]+)\s*=\s*(?P<q>[\"'])(?P<value>[^\"'<>]*)(?P=q)")
_KEY_ATTRS = ("name", "key", "id", "type", "param", "setting", "option", "property", "field")
_LABEL_ONLY = re.compile(rf"(?i)^[\s\w-]{{0,30}}\b(?:{LABEL})s?\b[\s\w()-]{{0,20}}:?\s*$")
# Text of an element that may be a label, then tags (not a new table row) or a
# colon on the same line, then the value.
_TEXT = re.compile(r">(?P<label>[^<>\n]{1,60})(?=<)")
_AFTER_LABEL = re.compile(
    r"(?:[ \t]*</(?!tr\b|table\b)\w+[ \t]*>|[ \t]*<(?!/|tr\b|table\b)\w+[^<>\n]*>|[ \t]*:)+"
    r"[ \t]*(?P<value>[^<>\s][^<>\n]*?)[ \t]*(?=<|$)",
    re.M,
)
_OPEN_TAG = re.compile(r"<(\w+)")
_ROW = re.compile(r"<tr\b[^>]*>(?P<cells>.*?)</tr\s*>", re.I | re.S)
_CELL = re.compile(r"<t(?P<kind>[hd])\b[^>]*>(?P<text>.*?)</t[hd]\s*>", re.I | re.S)


def _names_label(text: str) -> bool:
    """Whether a key, a header or a label element names a credential
    ("admin_pin", "SIP password:", "Root password")."""
    return _LABEL_ONLY.match(text.replace("_", " ").replace("-", " ")) is not None \
        and not is_policy_name(text)


def _claim(editor: Editor, start: int, value: str, rule: str = "label.value") -> None:
    stripped = value.strip()
    if not stripped:
        return
    start += value.index(stripped)
    if is_credential(stripped) and editor.is_free(start, start + len(stripped)):
        claim_value(editor, start, start + len(stripped), stripped, rule)


def _elements(editor: Editor, start: int, stop: int) -> None:
    text = editor.text
    for m in _ELEMENT.finditer(text, start, stop):
        if is_policy_name(m.group("tag")):
            continue  # <PasswordMinLength>: about a credential, not one
        group = "cdata" if m.groupdict().get("cdata") is not None else "text"
        _claim(editor, m.start(group), m.group(group))
    for m in _ATTRIBUTE.finditer(text, start, stop):
        if not is_policy_name(m.group("name")) and \
                m.group("name").lower() not in ("autocomplete", "class", "for", "id", "name"):
            _claim(editor, m.start("value"), m.group("value"))


def _generic_elements(editor: Editor, start: int, stop: int) -> None:
    """<param name="password" value="X"/>, <entry key="secret">X</entry>."""
    for m in _TAG.finditer(editor.text, start, stop):
        attrs = m.group("attrs") or ""
        pairs = {a.group("name").lower(): a for a in _ATTR.finditer(attrs)}
        named = any(k in pairs and _names_label(pairs[k].group("value")) for k in _KEY_ATTRS)
        if not named:
            continue
        base = m.start("attrs")
        for key in ("value", "content", "data", "default"):
            if key in pairs:
                _claim(editor, base + pairs[key].start("value"), pairs[key].group("value"))
        if m.group("text").strip():
            _claim(editor, m.start("text"), m.group("text"))


def _after_labels(editor: Editor, start: int, stop: int) -> None:
    """Text that follows an element whose text is only a label (a table
    header's <th> is the tables' business)."""
    text = editor.text
    for m in _TEXT.finditer(text, start, stop):
        if not _names_label(m.group("label")):
            continue
        tag = _OPEN_TAG.match(text, text.rfind("<", 0, m.start()))
        if tag is not None and tag.group(1).lower() == "th":
            continue
        if (v := _AFTER_LABEL.match(text, m.end())) is not None:
            _claim(editor, v.start("value"), v.group("value"))


def _tables(editor: Editor) -> None:
    columns: list[int] = []
    for row in _ROW.finditer(editor.text):
        cells = list(_CELL.finditer(row.group("cells")))
        if cells and all(c.group("kind").lower() == "h" for c in cells):
            columns = [i for i, c in enumerate(cells) if _names_label(c.group("text"))]
            continue
        base = row.start("cells")
        for i in columns:
            if i < len(cells) and "<" not in cells[i].group("text"):
                _claim(editor, base + cells[i].start("text"), cells[i].group("text"),
                       "label.table")


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim credentials that markup puts in elements, attributes and tables."""
    text = editor.text
    if "<" not in text:
        return
    # Near a label word only (labels.hint_spans), but for the tags whose
    # number says what they hold (Grandstream's P-values).
    for start, stop in hint_spans(text, after=2):
        _elements(editor, start, stop)
        _generic_elements(editor, start, stop)
        _after_labels(editor, start, stop)
    if "<P" in text:
        for m in _GRANDSTREAM.finditer(text):
            _claim(editor, m.start("text"), m.group("text"))
    if "<t" in text.lower():
        _tables(editor)
