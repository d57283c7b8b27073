"""`.flexgit/manifest.json` and `.flexgit/sanitize.json`: what git itself does
not keep (modes beyond 644/755, owners, empty directories) and the facts of a
snapshot an export needs (type, host, settings, templates)."""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable, Hashable, Iterator
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
    # The type whose categories the snapshot walked: "flxx" (everything the
    # profile manages) for every snapshot since backup_type became only the
    # type its export defaults to; None in older snapshots and imports, which
    # hold what their backup_type says.
    captured: str | None = None

    @property
    def holds(self) -> str:
        """The type whose categories this snapshot holds (flx or flxx)."""
        return self.captured or self.backup_type

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
        if self.captured is not None:  # older snapshots keep their bytes and tree ids
            doc["captured"] = self.captured
        return _dumps(doc, {
            "empty_dirs": (_sorted_pairs(self.empty_dirs), Meta.as_json),
            "files": (_sorted_pairs(self.files), Meta.as_json),
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
                captured=_captured(doc.get("captured")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise IntegrityError(
                f"{where}: damaged manifest ({e.__class__.__name__}: {e})") from None
        if doc.get("format") != FORMAT:
            raise IntegrityError(f"{where}: manifest format {doc.get('format')!r} is not supported "
                                 f"by this flexgit; upgrade flexgit")
        return m


def _captured(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value in ("flx", "flxx"):
        return value
    raise ValueError(f"captured is {value!r}, not flx or flxx")


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
    pairs = ((p, tuple(sorted(counts[p].items()))) for p in sorted(counts) if counts[p])
    return _dumps({"rules_digest": rules_digest}, {"files": (pairs, dict)}, ascii=True)


_Pairs = Iterator[tuple[str, Hashable]]


def _sorted_pairs(values: dict[str, Meta]) -> _Pairs:
    return ((p, values[p]) for p in sorted(values))


def _dumps(doc: dict[str, Any], maps: dict[str, tuple[_Pairs, Callable[[Any], Any]]], *,
           ascii: bool) -> bytes:
    """json.dumps(doc | maps, indent=1, sort_keys=True) + newline, byte for
    byte (snapshots keep their tree ids), where each map is given as its
    sorted (key, value) pairs and how to render a value as JSON.

    Written here because indent makes json use its pure-Python encoder, which
    builds a string per token: at 20,000 files the manifest was a snapshot's
    and an import's memory peak (30 MB). Now the text goes straight into one
    buffer and each distinct value is rendered once. The rest of doc is
    dumped with its maps empty; only top-level keys start a line with a single
    space (a newline inside a JSON string is always escaped), so each map goes
    where the line of its key holds `{}`."""
    text = json.dumps(doc | {k: {} for k in maps}, indent=1, sort_keys=True,
                      ensure_ascii=ascii)
    key = encode_basestring_ascii if ascii else encode_basestring
    out = io.BytesIO()
    pos = 0
    for name in sorted(maps):  # the order sort_keys put them in
        marker = f'\n "{name}": '
        at = text.find(marker + "{}", pos)
        if at < 0:
            raise FlexgitError(f"internal: no place for {name!r} in the JSON text")
        out.write(text[pos:at + len(marker)].encode())
        pos = at + len(marker) + 2
        pairs, render = maps[name]
        rendered: dict[Hashable, bytes] = {}
        first = True
        for k, value in pairs:
            block = rendered.get(value)
            if block is None:
                block = json.dumps(render(value), indent=1, sort_keys=True,
                                   ensure_ascii=ascii).replace("\n", "\n  ").encode()
                rendered[value] = block  # two levels deeper than dumped alone
            out.write(b"{\n  " if first else b",\n  ")
            out.write(key(k).encode())
            out.write(b": ")
            out.write(block)
            first = False
        out.write(b"{}" if first else b"\n }")
    out.write(text[pos:].encode())
    out.write(b"\n")
    return out.getvalue()


def parse_report(data: bytes, where: str) -> dict[str, dict[str, int]]:
    try:
        doc = json.loads(data)
        return {str(p): {str(r): int(n) for r, n in c.items()} for p, c in doc["files"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise IntegrityError(f"{where}: damaged sanitize report ({e})") from None
