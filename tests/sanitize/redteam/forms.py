"""The written forms of a planted value that count as a leak: plain in every
encoding a file of the corpus uses, base64, URL-encoded, HTML- and JSON-escaped
(json_encode's `\\/` too). Shared by the generator (to check it planted what it
says) and by the leak check."""

from __future__ import annotations

import base64
import contextlib
import html
import json
from urllib.parse import quote, quote_plus

import ahocorasick


def forms(value: str) -> dict[str, bytes]:
    """Form name -> bytes, without duplicates (the first name wins)."""
    text: dict[str, str] = {
        "plain": value,
        "json": json.dumps(value)[1:-1],
        "json-ascii": json.dumps(value, ensure_ascii=True)[1:-1],
        "json-php": json.dumps(value)[1:-1].replace("/", "\\/"),
        "url": quote(value, safe=""),
        "url-plus": quote_plus(value, safe=""),
        "url-path": quote(value, safe="/"),
        "html": html.escape(value, quote=True),
        "html-text": html.escape(value, quote=False),
        "base64": base64.b64encode(value.encode()).decode().rstrip("="),
        "base64url": base64.urlsafe_b64encode(value.encode()).decode().rstrip("="),
    }
    out: dict[str, bytes] = {}
    seen: set[bytes] = set()

    def add(name: str, data: bytes) -> None:
        if data and data not in seen:
            seen.add(data)
            out[name] = data

    for name, t in text.items():
        add(name, t.encode("utf-8", "surrogateescape"))
    with contextlib.suppress(UnicodeEncodeError):  # a name Latin-1 cannot spell
        add("latin-1", value.encode("latin-1"))
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le"):
        add(codec, value.encode(codec, "surrogatepass"))
    return out


def fragments(core: str) -> tuple[str, ...]:
    """Both halves (plus one character) of a long random core: a value cut in
    two by a redaction that stopped early still leaks either half."""
    if len(core) < 16:
        return ()
    n = len(core) // 2 + 1
    return (core[:n], core[-n:])


class Matcher:
    """Every form (and fragment) of many values, found in one pass per haystack
    (Aho-Corasick over bytes read as Latin-1, so any byte string matches)."""

    def __init__(self, values: list[tuple[str, tuple[str, ...]]]) -> None:
        self.automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, str]]] = {}
        for i, (value, frags) in enumerate(values):
            pairs = [(name, data) for name, data in forms(value).items()]
            pairs += [("fragment", f.encode("utf-8", "surrogateescape")) for f in frags]
            for name, data in pairs:
                table.setdefault(data.decode("latin-1"), []).append((i, name))
        for key, hits in table.items():
            self.automaton.add_word(key, hits)
        self.empty = not table
        if not self.empty:
            self.automaton.make_automaton()

    def find(self, data: bytes) -> dict[int, str]:
        """Index of each value found in `data` -> the first form it was found in."""
        out: dict[int, str] = {}
        if self.empty:
            return out
        for _end, hits in self.automaton.iter(data.decode("latin-1")):
            for i, name in hits:
                if out.get(i, "fragment") == "fragment":  # a whole form says more
                    out[i] = name
        return out
