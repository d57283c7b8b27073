"""`.flexgit/manifest.json` and `.flexgit/sanitize.json`: what git itself does
not keep (modes beyond 644/755, owners, empty directories) and the facts of a
snapshot an export needs (type, host, settings, templates)."""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from flexgit.errors import FlexgitError, IntegrityError

MANIFEST_PATH = ".flexgit/manifest.json"
REPORT_PATH = ".flexgit/sanitize.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Meta:
    mode: int  # permission bits only; setuid/setgid are never recorded
    owner: str
    group: str
    category: str

    def as_json(self) -> dict[str, str]:
        return {"mode": f"{self.mode:04o}", "owner": self.owner, "group": self.group,
                "category": self.category}


@dataclass
class Manifest:
    backup_type: str
    host: str
    account: str
    home: str  # the absolute home path the snapshot was taken from
    flexpbx_version: str
    profile_digest: str
    files: dict[str, Meta] = field(default_factory=dict)
    empty_dirs: dict[str, Meta] = field(default_factory=dict)
    default_settings: dict[str, Any] = field(default_factory=dict)
    templates: dict[str, Any] = field(default_factory=dict)
    sensitive: bool = False

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "backup_type": self.backup_type,
            "sensitive_data_included": self.sensitive,
            "host": self.host,
            "account": self.account,
            "home": self.home,
            "flexpbx_version": self.flexpbx_version,
            "profile_digest": self.profile_digest,
            "default_settings": self.default_settings,
            "templates": self.templates,
        }
        return _dumps(doc, {
            "files": _map_text(sorted(self.files.items()), Meta.as_json, ascii=False),
            "empty_dirs": _map_text(sorted(self.empty_dirs.items()), Meta.as_json,
                                    ascii=False),
        }, ascii=False)

    @classmethod
    def from_bytes(cls, data: bytes, where: str) -> Manifest:
        try:
            doc = json.loads(data)
            m = cls(
                backup_type=str(doc["backup_type"]),
                host=str(doc["host"]),
                account=str(doc["account"]),
                home=str(doc["home"]),
                flexpbx_version=str(doc["flexpbx_version"]),
                profile_digest=str(doc["profile_digest"]),
                files={p: _meta(v) for p, v in doc["files"].items()},
                empty_dirs={p: _meta(v) for p, v in doc["empty_dirs"].items()},
                default_settings=dict(doc.get("default_settings") or {}),
                templates=dict(doc.get("templates") or {}),
                sensitive=bool(doc.get("sensitive_data_included", False)),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise IntegrityError(
                f"{where}: damaged manifest ({e.__class__.__name__}: {e})") from None
        if doc.get("format") != FORMAT:
            raise IntegrityError(f"{where}: manifest format {doc.get('format')!r} is not supported "
                                 f"by this flexgit; upgrade flexgit")
        return m


def _meta(v: dict[str, str]) -> Meta:
    mode = int(v["mode"], 8)
    if mode & ~0o1777:
        raise ValueError(f"mode {v['mode']} has bits other than permissions")
    return shared_meta(mode, str(v["owner"]), str(v["group"]), str(v["category"]))


@functools.lru_cache(maxsize=4096)
def shared_meta(mode: int, owner: str, group: str, category: str) -> Meta:
    """One shared Meta per distinct value: thousands of files have the same
    mode, owner, group and category, and an export or import of a large
    installation keeps one per file."""
    return Meta(mode, owner, group, category)


def report_bytes(rules_digest: str, counts: dict[str, dict[str, int]]) -> bytes:
    """The sanitize report: per file, which rules fired how often. Never values."""
    pairs = [(p, tuple(sorted(c.items()))) for p, c in sorted(counts.items()) if c]
    return _dumps({"rules_digest": rules_digest}, {"files": _map_text(pairs, dict, ascii=True)},
                  ascii=True)


def _map_text(pairs: Iterable[tuple[str, Hashable]], render: Callable[[Any], Any], *,
              ascii: bool) -> str:
    """What json.dumps(doc, indent=1, sort_keys=True) writes for the map of the
    sorted `pairs` (value rendered as render(value)) when the map is a value of
    the top level of doc: byte for byte, so snapshots keep their tree ids.

    Written here because indent makes json use its pure-Python encoder, which
    builds a string per token: at 20,000 files that was a snapshot's and an
    import's memory peak (30 MB). Each distinct value is rendered once."""
    key = encode_basestring_ascii if ascii else encode_basestring
    rendered: dict[Hashable, str] = {}
    out = io.StringIO()
    for name, value in pairs:
        text = rendered.get(value)
        if text is None:
            text = json.dumps(render(value), indent=1, sort_keys=True, ensure_ascii=ascii)
            text = rendered[value] = text.replace("\n", "\n  ")  # two levels deeper
        out.write(",\n  " if out.tell() else "{\n  ")
        out.write(key(name))
        out.write(": ")
        out.write(text)
    if not out.tell():
        return "{}"
    out.write("\n }")
    return out.getvalue()


def _dumps(doc: dict[str, Any], maps: dict[str, str], *, ascii: bool) -> bytes:
    """json.dumps(doc | maps, indent=1, sort_keys=True) + newline, with the
    maps' text from _map_text. Each goes where the line of its key holds an
    empty map: only top-level keys start a line with a single space, and a
    newline inside a JSON string is always escaped."""
    text = json.dumps(doc | {k: {} for k in maps}, indent=1, sort_keys=True,
                      ensure_ascii=ascii)
    for name, value in maps.items():
        marker = f'\n "{name}": {{}}'
        if marker not in text:
            raise FlexgitError(f"internal: no place for {name!r} in the JSON text")
        text = text.replace(marker, f'\n "{name}": {value}', 1)
    return text.encode() + b"\n"


def parse_report(data: bytes, where: str) -> dict[str, dict[str, int]]:
    try:
        doc = json.loads(data)
        return {str(p): {str(r): int(n) for r, n in c.items()} for p, c in doc["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise IntegrityError(f"{where}: damaged sanitize report ({e})") from None
