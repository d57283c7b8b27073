"""The red-team installation as data: documents (text lines or a JSON object)
with their encoding, and the record of what was planted where.

Idioms are templates: `«kind»` is a fresh random value of that kind (see
`values.Values.k_*`), planted and recorded; `«kind_2»` is a second one; the same
marker twice in one idiom is the same value. `«name»`, `«email»`, `«phone»`,
`«e164»` come from one person per suffix (`«name_2»`: a second person), so
`«name» <«email»>` is one person. `«$label»` is the installation's own secret `label` (see
`Builder.source`), `«$label|b64»` (`url`, `html`, `json`) the same value
encoded. `«=kind»` is random but functional: written, not planted.

Paths are store paths: `home/…` under the FlexPBX home, `system/…` under the
system root, exactly as a snapshot names them.
"""

from __future__ import annotations

import base64
import html
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.sanitize.redteam.forms import fragments
from tests.sanitize.redteam.record import Corpus, FileInfo, Keep, Plant, UserData
from tests.sanitize.redteam.tokens import Val
from tests.sanitize.redteam.values import Person, Values

BOMS = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff",
        "utf-32-le": b"\xff\xfe\x00\x00"}
MARK = re.compile(r"«(=|\$)?([a-z][a-z_0-9]*?)(?:_(\d+))?(?:\|(\w+))?»")
PERSON_KINDS = {"name", "email", "phone", "e164"}
ENCODE: dict[str, Callable[[str], str]] = {
    "b64": lambda v: base64.b64encode(v.encode()).decode(),
    "url": lambda v: quote(v, safe=""),
    "html": lambda v: html.escape(v, quote=True),
    "json": lambda v: json.dumps(v)[1:-1],
}


@dataclass
class Scope:
    """The values and people of one idiom, by marker."""

    people: dict[str, Person] = field(default_factory=dict)
    vals: dict[str, Val] = field(default_factory=dict)


@dataclass
class Doc:
    path: str
    kind: str
    codec: str = "utf-8"
    crlf: bool = False
    head: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    obj: dict[str, Any] | None = None  # JSON documents
    checks: tuple[str, ...] = ()

    def text(self) -> str:
        if self.obj is not None:
            return json.dumps(self.obj, indent=4, ensure_ascii=False) + "\n"
        nl = "\r\n" if self.crlf else "\n"
        return nl.join([*self.head, *self.body, *self.tail]) + nl

    def data(self) -> bytes:
        return BOMS.get(self.codec, b"") + self.text().encode(
            "utf-8" if self.codec == "utf-8-sig" else self.codec, "surrogateescape")


KINDS = {".php": "php", ".js": "js", ".ts": "js", ".json": "json", ".html": "html", ".md": "md",
         ".sh": "sh", ".sql": "sql", ".xml": "xml", ".conf": "conf", ".inc": "conf",
         ".ini": "ini", ".env": "env", ".ael": "conf", ".lua": "lua"}
SPACED = {"conf", "ini", "md"}
KEEP = "⊙"  # a template line that starts with this is a must-keep line


def kind_of(path: str) -> str:
    """File kind by name, as an administrator would guess it."""
    name = Path(path).name
    if path.startswith("system/usr/local/bin/"):
        return "sh"
    if path.startswith("system/etc/sudoers.d/"):
        return "sudoers"
    if name.startswith(".env"):
        return "env"
    return KINDS.get(Path(path).suffix, "text")


def default_head(path: str, kind: str, codec: str) -> tuple[list[str], list[str], tuple[str, ...]]:
    """Prologue, epilogue and validators of a new document of `kind`."""
    if kind == "php":
        return ["<?php"], [], ("php",)
    if kind == "html":
        title = Path(path).stem.replace("-", " ").title()
        return (["<!DOCTYPE html>", '<html lang="en">',
                 f'<head><meta charset="utf-8"><title>{title}</title></head>', "<body>"],
                ["</body>", "</html>"], ())
    if kind == "xml":
        enc = {"utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}.get(codec, "UTF-8")
        root = re.sub(r"[^A-Za-z]", "", Path(path).stem.title()) or "Config"
        return [f'<?xml version="1.0" encoding="{enc}"?>', f"<{root}>"], [f"</{root}>"], ("xml",)
    if kind == "sh":
        return ["#!/bin/bash", "set -euo pipefail"], [], ("sh",)
    return [], [], ()


class Builder:
    """Collects documents and plants; `write` lays them out and checks itself."""

    def __init__(self, values: Values, corpus: Corpus, skip: tuple[str, ...] = ()) -> None:
        self.v = values
        self.skip = skip  # idiom ids (or prefixes) left out, to isolate a crash
        self.corpus = corpus
        self.docs: dict[str, Doc] = {}
        self.sources: dict[str, str] = {}
        self.people: dict[str, Person] = {}
        self.source_kinds: dict[str, str] = {}
        self.pending: list[tuple[str, str, str, Val]] = []  # cls, idiom, file, value
        # idiom, file, exact line, its 0-based index (None: found after rendering JSON)
        self.keep_lines: list[tuple[str, str, str, int | None]] = []
        self.binaries: dict[str, tuple[bytes, str]] = {}  # data, text the plants are in
        self.links: dict[str, str] = {}

    # --- documents ----------------------------------------------------------------------

    def doc(self, path: str, codec: str = "utf-8", crlf: bool = False) -> Doc:
        d = self.docs.get(path)
        if d is None:
            kind = kind_of(path)
            head, tail, checks = default_head(path, kind, codec)
            d = Doc(path, kind, codec, crlf, head, [], tail, {} if kind == "json" else None,
                    ("json",) if kind == "json" else checks)
            self.docs[path] = d
        return d

    def raw(self, path: str, text: str) -> None:
        """Fixed lines (no plants) appended to a document."""
        self.doc(path).body.extend(text.split("\n"))

    def begin(self, idiom: str, path: str) -> None:
        """Each idiom draws from its own stream, so leaving one out (or adding
        one) changes no other idiom's values."""
        self.v.rng = random.Random(f"{self.corpus.seed}:{idiom}:{path}")

    def skipped(self, idiom: str) -> bool:
        return any(idiom.startswith(s) for s in self.skip)

    # --- values -------------------------------------------------------------------------

    def source(self, label: str, kind: str) -> str:
        """A secret the installation itself holds (users/, pjsip.conf, …), drawn once."""
        if label not in self.sources:
            self.source_kinds[label] = kind
            self.begin("source", label)
            if kind in PERSON_KINDS:  # u1name, u1email, u1phone: one person, u1
                who = label[: -len(kind)]
                if who not in self.people:
                    self.people[who] = self.v.person()
                self.sources[label] = getattr(self.people[who], kind)
            else:
                self.sources[label] = self.v.draw(kind).text
        return self.sources[label]

    def fill(self, cls: str, idiom: str, file: str, template: str,
             scope: Scope | None = None) -> str:
        """`template` with its markers replaced; the planted values are recorded.
        Calls that share a `scope` share its values and people (one idiom)."""
        scope = scope if scope is not None else Scope()
        people, vals = scope.people, scope.vals

        def one(m: re.Match[str]) -> str:
            flag, kind, suffix, enc = m.group(1), m.group(2), m.group(3) or "", m.group(4)
            if flag == "$":
                v = self.sources[kind + suffix]
                # people share first and last names: only secrets are searched by halves
                val = Val(v, "" if self.source_kinds[kind + suffix] in PERSON_KINDS else v)
            elif kind in PERSON_KINDS:
                if suffix not in people:
                    people[suffix] = self.v.person()
                val = Val(getattr(people[suffix], kind), "")
            else:
                key = kind + suffix
                if key not in vals:
                    vals[key] = self.v.draw(kind)
                val = vals[key]
            if flag != "=":
                self.pending.append((cls, idiom, file, val))
            return ENCODE[enc](val.text) if enc else val.text

        return MARK.sub(one, template)

    # --- idioms -------------------------------------------------------------------------

    def put(self, cls: str, idiom: str, path: str, template: str) -> None:
        """Append a templated idiom (one or more lines) to a text document; its
        lines that start with KEEP are must-keep lines."""
        if self.skipped(idiom):
            return
        self.begin(idiom, path)
        d = self.doc(path)
        for _ in range(20):
            mark = len(self.pending)
            text = self.fill(cls, idiom, path, template)
            try:
                text.replace(KEEP, "").encode("utf-8" if d.codec == "utf-8-sig" else d.codec,
                                              "surrogateescape")
            except UnicodeEncodeError:  # a name with a letter the file's codec lacks
                del self.pending[mark:]
                continue
            if d.kind in SPACED and d.body and d.body[-1].strip():
                d.body.append("")  # idioms read as separate paragraphs and sections
            for line in text.split("\n"):
                if line.startswith(KEEP):
                    line = line[len(KEEP):]
                    self.keep_lines.append((idiom, path, line, len(d.head) + len(d.body)))
                d.body.append(line)
            return
        raise RuntimeError(f"{idiom}: no value encodable in {d.codec}")

    def jput(self, cls: str, idiom: str, path: str, keys: tuple[str, ...], obj: Any) -> None:
        """Merge a templated JSON fragment into `path` under the key path `keys`."""
        if self.skipped(idiom):
            return
        self.begin(idiom, path)
        d = self.doc(path)
        assert d.obj is not None, path
        node = d.obj
        for k in keys:
            node = node.setdefault(k, {})
        filled = self._jfill(cls, idiom, path, obj, Scope())
        assert isinstance(filled, dict)
        node.update(filled)

    def _jfill(self, cls: str, idiom: str, path: str, obj: Any, scope: Scope) -> Any:
        if isinstance(obj, str):
            return self.fill(cls, idiom, path, obj, scope)
        if isinstance(obj, list):
            return [self._jfill(cls, idiom, path, x, scope) for x in obj]
        if isinstance(obj, dict):
            return {self.fill(cls, idiom, path, k, scope): self._jfill(cls, idiom, path, v, scope)
                    for k, v in obj.items()}
        return obj

    def keep(self, idiom: str, path: str, text: str) -> None:
        """Append must-keep lines to a text document."""
        d = self.doc(path)
        for line in text.split("\n"):
            self.keep_lines.append((idiom, path, line, len(d.head) + len(d.body)))
            d.body.append(line)

    def jkeep(self, idiom: str, path: str, keys: tuple[str, ...], key: str, value: Any) -> None:
        """A must-keep JSON member: its rendered line must stay byte-identical."""
        d = self.doc(path)
        assert d.obj is not None, path
        node = d.obj
        for k in keys:
            node = node.setdefault(k, {})
        node[key] = value
        self.keep_lines.append((idiom, path, f"{json.dumps(key)}: {json.dumps(value)}", None))

    def binary(self, path: str, data: bytes, text: str = "") -> None:
        """A file written as is; `text` is where its plants can be found (a
        compressed file's plain content)."""
        self.binaries[path] = (data, text or data.decode("latin-1"))

    def named(self, cls: str, idiom: str, template: str, data: bytes) -> str:
        """A file whose name holds planted values; returns its path."""
        self.begin(idiom, template)
        mark = len(self.pending)
        path = self.fill(cls, idiom, "", template)
        self.pending[mark:] = [(c, i, path, v) for c, i, _, v in self.pending[mark:]]
        self.binary(path, data, path)
        return path

    def user_data(self, idiom: str, path: str) -> None:
        self.corpus.user_data.append(UserData(idiom, path))

    def symlink(self, cls: str, idiom: str, path: str, target: str) -> None:
        """A symbolic link whose target is a template (planted values in the name)."""
        self.begin(idiom, path)
        self.links[path] = self.fill(cls, idiom, path, target)

    def message(self, template: str) -> str:
        """The snapshot message (class names: messages are names too)."""
        self.begin("names.message", "")
        self.corpus.message = self.fill("names", "names.message", "<message>", template)
        return self.corpus.message

    # --- output -------------------------------------------------------------------------

    def disk(self, path: str) -> Path:
        top, _, rest = path.partition("/")
        return (self.corpus.home if top == "home" else self.corpus.root) / rest

    def write(self) -> None:
        """Lay everything out, then resolve line numbers and check the record."""
        texts: dict[str, str] = {}
        for path, d in self.docs.items():
            p = self.disk(path)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(d.data())
            texts[path] = d.text()
            self.corpus.files[path] = FileInfo(
                "utf-8" if d.codec == "utf-8-sig" else d.codec, BOMS.get(d.codec, b""),
                texts[path].count("\n"), d.checks)
        for path, (data, text) in self.binaries.items():
            p = self.disk(path)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            texts[path] = text
        for path, target in self.links.items():
            p = self.disk(path)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.symlink_to(target)
            texts[path] = target
        texts["<message>"] = self.corpus.message
        for cls, idiom, file, val in self.pending:
            self.corpus.plants.append(Plant(cls, idiom, file, _line_of(texts[file], val.text,
                                                                       f"{cls}/{idiom}"),
                                            val.text, fragments(val.core)))
        for idiom, file, line, index in self.keep_lines:
            lines = texts[file].split("\n")
            if index is None:  # a JSON member: the one rendered line that holds it
                hits = [i for i, x in enumerate(lines) if x.strip().rstrip(",") == line]
                if len(hits) != 1:
                    raise AssertionError(f"generator: must-keep {idiom} not once in {file}")
                index = hits[0]
                line = lines[index]
            assert lines[index].rstrip("\r") == line, (idiom, file)
            self.corpus.keeps.append(Keep(idiom, file, index + 1, line))


def _line_of(text: str, value: str, what: str) -> int:
    """1-based line of the first written form of `value` in `text`."""
    raw = value.encode("utf-8", "surrogateescape").decode("latin-1")  # binaries
    for form in (value, raw, *(enc(value) for enc in ENCODE.values())):
        i = text.find(form)
        if i >= 0:
            return text.count("\n", 0, i) + 1
    raise AssertionError(f"generator: {what} planted nothing findable")
