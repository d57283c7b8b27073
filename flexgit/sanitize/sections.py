"""What a section or block of a configuration file says about its entries.

The JSON rules of :mod:`.json_shapes` that decide by the parent key, in the
other syntaxes that nest: an ini/TOML section (``[api.keys]``,
``[push.vapid]``, ``[owner]``) and a YAML block (``keys:`` and the lines
indented under it). Only configuration files are read (``.ini``, ``.toml``,
``.cfg``, ``.yml``...); keys that name what they hold (``password``,
``api_key``, ``first_name``) are the key rules' already.

* **Key rings** (``keys``, ``vapid``, ``jwt``, ``signing``...): an entry under
  a neutral key whose value is shaped like a secret is a token (rule
  ``text.config_value``); entries named public, an id, a label or a date, and
  values that are words, paths or references, stay.
* **Person records** (``owner``, ``contact``, ``admin``, ``user``...):
  ``first``/``last``/``given``/``family`` whose value is shaped like a name
  (rule ``personal.name``).
"""

from __future__ import annotations

import posixpath
import re

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize import prefilter
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.json_shapes import SPLIT_NAMES, is_ring, ring_secret
from flexgit.sanitize.keys import Kind, classify, normalize, words
from flexgit.sanitize.person_names import person
from flexgit.sanitize.rules import Rules

_SUFFIXES = (".ini", ".toml", ".cfg", ".cnf", ".yml", ".yaml", ".properties")
_HEADER = prefilter.compile(
    r"(?im)^(?P<i>[ \t]*)(?:\[(?P<s>[^\]\n]+)\]|(?:- )?(?P<b>[\w.-]+):)[ \t]*(?:#.*)?\r?$")
_ENTRY = re.compile(
    r"""(?m)^(?P<i>[ \t]*)(?:- )?(?P<k>[\w.-]+)[ \t]*[=:][ \t]*(?P<q>["']?)"""
    r"""(?P<v>[^\s"'#;]+(?:[ \t]+[^\s"'#;]+)*)(?P=q)[ \t]*(?:[#;].*)?\r?$""")
RULE = "text.config_value"
NAME_RULE = "personal.name"
_PEOPLE = words("owner contact admin administrator user person author maintainer manager "
                "customer employee member agent operator sender")
_PLACEHOLDERS = {Kind.FIRST_NAME: ph.FIRST_NAME_PLACEHOLDER,
                 Kind.LAST_NAME: ph.LAST_NAME_PLACEHOLDER, Kind.NAME: ph.NAME_PLACEHOLDER}


def _entries(text: str, start: int, yaml_indent: str | None) -> list[re.Match[str]]:
    """The entries of the section or block whose header ends at start."""
    out: list[re.Match[str]] = []
    child: str | None = None
    pos = start
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", ";")):
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if yaml_indent is None:
                if stripped.startswith("["):
                    break  # the next section
            elif len(indent) <= len(yaml_indent):
                break  # the block ends
            elif child is None:
                child = indent
            elif indent != child:
                pos = end + 1
                continue  # deeper: not a child of the block
            m = _ENTRY.match(text, pos, end)
            if m is not None:
                out.append(m)
        pos = end + 1
    return out


def _claim(editor: Editor, m: re.Match[str], replacement: str, rule: str) -> None:
    if editor.is_free(m.start("v"), m.end("v")):
        editor.claim(m.start("v"), m.end("v"), replacement, rule)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the keys of key rings and the split names of person records in
    ini/TOML sections and YAML blocks."""
    if not posixpath.basename(path).lower().endswith(_SUFFIXES):
        return
    text = editor.text
    for h in prefilter.finditer(_HEADER, text):
        name = normalize((h.group("s") or h.group("b")).rsplit(".", 1)[-1])
        ring, people = is_ring(name), name in _PEOPLE
        if not (ring or people):
            continue
        yaml_indent = h.group("i") if h.group("b") is not None else None
        for m in _entries(text, h.end() + 1, yaml_indent):
            norm, value = normalize(m.group("k")), m.group("v")
            if classify(norm, rules.secret_keys) is not None:
                continue
            if ring and ring_secret(norm, value):
                _claim(editor, m, ph.SECRET_PLACEHOLDER, RULE)
            elif people and norm in SPLIT_NAMES and person(value, strict=False) is not None:
                _claim(editor, m, _PLACEHOLDERS[SPLIT_NAMES[norm]], NAME_RULE)
