"""Where a file keeps its values, by the key that names them.

A *slot* is the span of one value in a text and the key it is bound to:
Asterisk and ini files by section (and the section's ``type=``) and key,
JSON by key path, PHP and JavaScript literals by their binding (the variable,
array key or ``define`` name, inside the arrays and calls around them), .env
and shell files by variable name. Restore pairs a sanitized source's slots
with the live file's by key, so a live value is found again wherever its line
moved to and however the line around it was edited.

The scanners are tolerant rather than strict: a file they cannot follow gives
keys that do not match anything live, and its placeholders fall back to the
line pairing in :mod:`.merge`; they never raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flexgit.sanitize.bindings import is_php


@dataclass(frozen=True)
class Slot:
    key: tuple[str, ...]
    start: int  # character offsets of the value in the text
    end: int


def scanner(path: str, text: str) -> Callable[[str], list[Slot]] | None:
    """The slot scanner for a file, or None when its syntax has no keys we know."""
    low = path.lower()
    name = low.rsplit("/", 1)[-1]
    if low.endswith((".json", ".webmanifest")):
        return json_slots
    if is_php(path, text):
        return php_slots
    if low.endswith((".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx")):
        return js_slots
    if low.startswith("system/etc/asterisk/") or low.endswith((".conf", ".ini", ".cnf",
                                                                ".cfg")):
        return conf_slots
    if name.startswith(".env") or name.endswith((".env", ".sh", ".bash")) or \
            re.match(r"#!\S*\b(?:ba|da|z)?sh\b", text):
        return env_slots
    if name.endswith(("htpasswd", ".passwd")):
        return passwd_slots
    return None


def key_text(key: tuple[str, ...]) -> str:
    """A key as a reader finds it in the file (never a value)."""
    return " ".join(key)


# --- Asterisk and ini ---------------------------------------------------------

_SECTION = re.compile(r"[ \t]*\[([^\]\n]+)\]")
_ENTRY = re.compile(r"[ \t]*([^\s=;#\[][^=\n;]*?)[ \t]*(=>|=)[ \t]*")


def _conf_value_end(line: str, start: int) -> int:
    """Where the value starting at `start` ends: before an unescaped ';' comment."""
    i = start
    while True:
        j = line.find(";", i)
        if j == -1:
            end = len(line)
            break
        if j > 0 and line[j - 1] == "\\":
            i = j + 1
            continue
        end = j
        break
    while end > start and line[end - 1] in " \t\r":
        end -= 1
    return end


def conf_slots(text: str) -> list[Slot]:
    """Asterisk/ini: key (section, its type=, key); `exten =>` lines by
    extension and priority, `same =>` lines under their extension."""
    lines = list(_lines(text))
    types: dict[int, str] = {}  # section start line -> its type=
    section_at = -1
    for n, (_off, line) in enumerate(lines):
        if _SECTION.match(line):
            section_at = n
            continue
        m = _ENTRY.match(line)
        if m and m.group(1).strip().lower() == "type" and section_at not in types:
            s = m.end()
            types[section_at] = line[s:_conf_value_end(line, s)]
    out: list[Slot] = []
    section, exten = "", ""
    for n, (off, line) in enumerate(lines):
        sec = _SECTION.match(line)
        if sec:
            section = f"[{sec.group(1).strip()}]"
            if n in types:
                section += f"({types[n]})"
            exten = ""
            continue
        m = _ENTRY.match(line)
        if not m:
            continue
        key = m.group(1).strip()
        start = m.end()
        end = _conf_value_end(line, start)
        value = line[start:end]
        if key.lower() == "exten":
            parts = value.split(",", 2)
            exten = parts[0].strip()
            key = "exten " + ",".join(p.strip() for p in parts[:2])
        elif key.lower() == "same":
            key = f"same {exten}"
        out.append(Slot((section, key), off + start, off + end))
    return out


def _lines(text: str) -> Iterator[tuple[int, str]]:
    off = 0
    for line in text.splitlines(keepends=True):
        yield off, line.rstrip("\r\n")
        off += len(line)


# --- .env, shell, htpasswd ------------------------------------------------------

_ASSIGN = re.compile(r"[ \t]*(?:(?:export|local|readonly|declare(?:[ \t]+-\w+)*)[ \t]+)?"
                     r"([A-Za-z_]\w*)=")


def env_slots(text: str) -> list[Slot]:
    out: list[Slot] = []
    for off, line in _lines(text):
        m = _ASSIGN.match(line)
        if not m:
            continue
        start = m.end()
        if start < len(line) and line[start] in "'\"":
            q = line[start]
            close = line.find(q, start + 1)
            end = close if close != -1 else len(line)
            start += 1
        else:
            end = start
            while end < len(line) and line[end] not in " \t;" and \
                    not (line[end] == "#" and line[end - 1] in " \t"):
                end += 1
        out.append(Slot((m.group(1),), off + start, off + end))
    return out


def passwd_slots(text: str) -> list[Slot]:
    out: list[Slot] = []
    for off, line in _lines(text):
        user, sep, _rest = line.partition(":")
        if sep and user and not user.lstrip().startswith("#"):
            out.append(Slot((user.strip(),), off + len(user) + 1, off + len(line)))
    return out


# --- JSON -------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|[{}\[\]:,]|true|false|null',
                         re.S)


def json_slots(text: str) -> list[Slot]:
    """String and number values by key path (list items by index)."""
    out: list[Slot] = []
    stack: list[list[str | int | None]] = []  # per container: [key or index, expecting key]
    pending: str | None = None
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        top = stack[-1] if stack else None
        if tok in "{[":
            stack.append([None, 1] if tok == "{" else [0, 0])
            continue
        if tok in "}]":
            if stack:
                stack.pop()
            continue
        if tok == ":":
            if top is not None:
                top[0], top[1] = pending, 0
            continue
        if tok == ",":
            if top is not None:
                if top[1] == 0 and isinstance(top[0], int):
                    top[0] += 1
                elif not isinstance(top[0], int):
                    top[1] = 1
            continue
        if top is not None and top[1] == 1:  # an object key
            pending = tok[1:-1]
            continue
        path = tuple(str(f[0]) for f in stack)
        s, e = (m.start() + 1, m.end() - 1) if tok.startswith('"') else (m.start(), m.end())
        out.append(Slot(("root", *path), s, e))
    return out


# --- PHP and JavaScript -----------------------------------------------------------

_PHP_CODE = re.compile(r"<\?(?:php\b|=)(.*?)(?:\?>|\Z)", re.S)
_CODE_TOKEN = {
    lang: re.compile(
        r"(?P<comment>//[^\n]*" + (r"|\#(?!\[)[^\n]*" if lang == "php" else "") +
        r"|/\*.*?\*/)"
        r"|(?P<str>'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\]|\\.)*\"" +
        (r"|`(?:[^`\\]|\\.)*`" if lang == "js" else "") + ")"
        r"|(?P<name>\$?[A-Za-z_]\w*)"
        r"|(?P<op>=>|->|\?->|::|\?\?=?|[=!]==?|<=|>=|[-+*/.%|&^]=|[=:,;()\[\]{}])"
        r"|(?P<other>\S)", re.S)
    for lang in ("php", "js")
}
_KEYWORDS = frozenset(("const", "let", "var", "public", "private", "protected", "static",
                      "readonly", "final", "global", "export"))
_LVALUE = re.compile(r"(\$?\w+(?:(?:->|\?->|::|\.)\$?\w+|\[[^\]]*\])*)\s*\Z")
_TIGHT = re.compile(r"\s*([^\w$\s])\s*")  # "$a [ 'b' ]" -> "$a['b']"
# After these a JavaScript "{" opens an object literal, elsewhere a block.
_OBJECT_BEFORE = frozenset(("=", ":", "(", ",", "[", "return", "??", "?", "||", "&&"))


@dataclass
class _Frame:
    label: str
    bracket: str  # "(", "[", "{" (object literal) or "b" (a block of statements)
    index: int = 0  # the element's position (call arguments, list items)
    label_of_element: str | None = None
    first: str | None = None  # the element's first token, a key when ':'/'=>' follows
    tokens: int = 0
    start: int = 0  # where the element starts in the text
    last_name: str | None = None


def php_slots(text: str) -> list[Slot]:
    out: list[Slot] = []
    for m in _PHP_CODE.finditer(text):
        out += _code_slots(text, m.start(1), m.end(1), "php")
    return out


def js_slots(text: str) -> list[Slot]:
    return _code_slots(text, 0, len(text), "js")


def _code_slots(text: str, begin: int, end: int, lang: str) -> list[Slot]:
    """Every string literal of the code, keyed by the names it is bound under:
    ``$cfg = ['db' => ['password' => '…']]`` -> ($cfg, db, password);
    ``define('DB_PASS', '…')`` -> (define('DB_PASS'), #1); ``this.key = '…'``
    -> (this.key)."""
    frames = [_Frame("", "b", start=begin)]
    out: list[Slot] = []
    key_op = "=>" if lang == "php" else ":"
    prev = ""
    for m in _CODE_TOKEN[lang].finditer(text, begin, end):
        kind = m.lastgroup
        tok = m.group()
        f = frames[-1]
        if kind == "comment":
            continue
        if kind == "op" and tok in ",;":
            if tok == "," and f.index == 0 and f.bracket == "(" and f.first and \
                    f.tokens == 1 and f.first[:1] in "'\"":
                # define('NAME', …), env('KEY', …): the first literal names the call
                f.label += f"({f.first[1:-1]})"
            f.index += 1
            f.label_of_element, f.first, f.tokens, f.last_name = None, None, 0, None
            f.start = m.end()
        elif kind == "op" and tok in "([{":
            if tok == "{" and (lang == "php" or prev not in _OBJECT_BEFORE):
                bracket, label = "b", f.last_name or f"#{f.index}"
            elif tok == "(":
                bracket, label = "(", f.last_name or ""
            else:
                bracket = tok
                label = f.label_of_element or f.last_name or f"#{f.index}"
            if tok == "(" and prev in ("array", "list"):
                bracket, label = "[", f.label_of_element or f"#{f.index}"
            f.tokens += 1
            frames.append(_Frame(label, bracket, start=m.end()))
        elif kind == "op" and tok in ")]}":
            if len(frames) > 1:
                closed = frames.pop()
                if closed.bracket == "b":  # a block ends its statement
                    g = frames[-1]
                    g.label_of_element, g.first, g.tokens, g.last_name = None, None, 0, None
                    g.start = m.end()
        elif kind == "op" and tok == key_op and f.tokens == 1 and f.first is not None and \
                (lang == "php" or f.bracket == "{"):
            f.label_of_element = f.first.strip("'\"`")
            f.tokens += 1
        elif kind == "op" and tok == "=":
            lv = _LVALUE.search(_TIGHT.sub(r"\1", text[f.start:m.start()]))
            if lv:
                f.label_of_element = lv.group(1)
            f.tokens += 1
        else:
            if kind == "str":
                own = f.label_of_element or (f"#{f.index}" if f.bracket != "b" else "-")
                key = (*(fr.label for fr in frames[1:]), own)
                out.append(Slot(key, m.start() + 1, m.end() - 1))
            elif kind == "name" and tok not in _KEYWORDS:
                f.last_name = tok
            if f.tokens == 0:
                f.first = tok
            f.tokens += 1
        prev = tok
    return out
