"""Key rings in sectioned and indented configuration files.

The JSON rule of :mod:`.json_shapes` (an object under ``keys``, ``vapid``,
``jwt``, ``signing``... holds keys by its children's names) in the other
syntaxes that nest: an ini/TOML section (``[api.keys]``, ``[push.vapid]``)
and a YAML block (``keys:`` and the lines indented under it). An entry under a
neutral key whose value is shaped like a secret is a token (rule
``text.config_value``); entries named public, an id, a label or a date, and
values that are words, paths or references, stay. Keys that name what they
hold (``password``, ``api_key``) are the key rules' already. Only
configuration files are read (``.ini``, ``.toml``, ``.cfg``, ``.yml``...).
"""

from __future__ import annotations

import posixpath
import re

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize import prefilter
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.json_shapes import is_ring, ring_secret
from flexgit.sanitize.keys import classify, normalize
from flexgit.sanitize.rules import Rules

_SUFFIXES = (".ini", ".toml", ".cfg", ".cnf", ".yml", ".yaml", ".properties")
_HEADER = prefilter.compile(
    r"(?im)^(?P<i>[ \t]*)(?:\[(?P<s>[^\]\n]+)\]|(?:- )?(?P<b>[\w.-]+):)[ \t]*(?:#.*)?\r?$")
_ENTRY = re.compile(
    r"""(?m)^(?P<i>[ \t]*)(?:- )?(?P<k>[\w.-]+)[ \t]*[=:][ \t]*(?P<q>["']?)"""
    r"""(?P<v>[^\s"'#;]+)(?P=q)[ \t]*(?:[#;].*)?\r?$""")
RULE = "text.config_value"


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


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the keys of key rings in ini/TOML sections and YAML blocks."""
    if RULE in editor.disabled or not posixpath.basename(path).lower().endswith(_SUFFIXES):
        return
    text = editor.text
    for h in prefilter.finditer(_HEADER, text):
        name = h.group("s") or h.group("b")
        if not is_ring(normalize(name.rsplit(".", 1)[-1])):
            continue
        yaml_indent = h.group("i") if h.group("b") is not None else None
        for m in _entries(text, h.end() + 1, yaml_indent):
            norm, value = normalize(m.group("k")), m.group("v")
            if classify(norm, rules.secret_keys) is None and ring_secret(norm, value) and \
                    editor.is_free(m.start("v"), m.end("v")):
                editor.claim(m.start("v"), m.end("v"), ph.SECRET_PLACEHOLDER, RULE)
