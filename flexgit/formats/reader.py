"""Streaming reader of `.flx`/`.flxx` files, ours and the original tools'.

The file is parsed as a stream of JSON events (flexgit.formats.jsonstream), so
a file entry is held in memory only while it is checked: memory grows with the
largest single file, never with the number of files or the size of the backup.
Every value is bounded while it streams in: an entry's content by the `size`
declared before it, its other fields and each top-level field by a fixed
budget, so a bomb is refused after reading about as much as it declares. Every entry is
validated (FORMAT.md "Limits") and handed to a callback; the caller decides
what a problem means (import refuses, verify lists them all).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit.errors import FlexgitError
from flexgit.formats import entries, streams
from flexgit.formats.entries import FileEntry, label_of
from flexgit.formats.jsonstream import JSONError, Lexer, Overrun
from flexgit.formats.limits import Limits, PathSet, path_problem
from flexgit.formats.streams import Invalid, Unreadable

# What readers of backup files import from here, as they always did.
__all__ = ["ENTRY_FIELDS", "TOP_FIELD", "FileEntry", "Header", "Invalid", "Reader",
           "Unreadable"]

TYPE_NAMES = {"system_config": "flx", "extended": "flxx",
              "full_with_data": "flx", "extended_with_data": "flxx"}
WITH_DATA = frozenset({"full_with_data", "extended_with_data"})
_MAX_DEPTH = 64
# What an entry may take besides its content (path, hash, mode, rule counts...),
# and what one top-level field may take (settings, templates, the manifest head).
ENTRY_FIELDS = 1 << 20
TOP_FIELD = 64 << 20
# The most an entry's content may hold when no size came before it.
UNSIZED_CONTENT = 32 << 20
# A content string may take twice its base64 length in the file: PHP's
# json_encode writes every "/" as "\/". Slack covers the ": " before it.
_CONTENT_SLACK = 4096

Event = tuple[str, Any]
ProblemFn = Callable[[str, str], None]


@dataclass
class Header:
    """Everything of a backup file but its file entries."""

    fields: dict[str, Any] = field(default_factory=dict)  # the top-level values as parsed
    entries: int = 0  # file entries seen, valid or not
    backup_type: str = "system_config"
    kind: str = "flx"  # flx or flxx

    @property
    def sensitive(self) -> bool:
        return self.fields.get("sensitive_data_included") is True or \
            self.fields.get("backup_type") in WITH_DATA

    @property
    def file_count(self) -> int | None:
        value = self.fields.get("file_count")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def flexgit(self) -> dict[str, Any] | None:
        value = self.fields.get("flexgit")
        return value if isinstance(value, dict) else None


def _first_line(e: BaseException) -> str:
    text = e.args[0] if e.args else str(e)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).strip().split("\n", 1)[0] or type(e).__name__


class Reader:
    """Reads one backup file; `read` returns the header after calling `on_entry`
    for every valid entry and `on_problem(label, problem)` for every bad one."""

    def __init__(self, path: Path, *, limits: Limits | None = None,
                 name: str | None = None, keep_bad_hash: bool = False,
                 precount: bool = True) -> None:
        """`keep_bad_hash`: an entry whose content does not match its hash is
        handed over marked (`hash_problem`) instead of reported, so the caller
        decides what it means (restore --force skips it and keeps the rest).
        `precount`: before anything is handed over, count the entries in a
        quick first pass, so a file over the entry limit is refused at once
        (not after checking 100,000 entries); skipped for encrypted files,
        which would be decrypted twice."""
        self.path = path
        self.keep_bad_hash = keep_bad_hash
        self.precount = precount
        self._counting = False
        self.name = name or str(path)
        self.limits = limits or Limits.from_env()
        self.compressed = False
        self.encrypted = False
        self.header = Header()
        self._paths = PathSet()

    def invalid(self, problem: str) -> Invalid:
        return Invalid(self.name, problem)

    def read(self, on_entry: Callable[[FileEntry], None], on_problem: ProblemFn) -> Header:
        if self.precount and not streams.looks_encrypted(self.path, self.name):
            self._count_entries()
        with contextlib.ExitStack() as stack:
            self._lexer = Lexer(self._open_json(stack))
            try:
                self._document(self._lexer.events(), on_entry, on_problem)
            except Overrun as e:
                raise self.invalid(e.why) from None
            except JSONError as e:
                raise self.invalid(f"not valid JSON: {_first_line(e)}") from None
            except EOFError:
                raise self.invalid("truncated gzip: the file ends before the compressed "
                                   "stream does") from None
            except (gzip.BadGzipFile, zlib.error) as e:
                raise self.invalid(f"damaged gzip: {_first_line(e)}") from None
            except RecursionError:
                raise self.invalid("JSON nested too deeply") from None
            except UnicodeDecodeError:
                raise self.invalid("not valid JSON: invalid UTF-8") from None
            except OSError as e:
                raise self.invalid(f"cannot read: {e.strerror or e}") from None
        return self.header

    def _open_json(self, stack: contextlib.ExitStack) -> Any:
        opened = streams.open_json(self.path, self.name, self.limits.max_bytes, stack)
        self.encrypted, self.compressed = opened.encrypted, opened.compressed
        return opened.stream

    def _count_entries(self) -> None:
        """The first pass: the document's structure with every bound of the
        real read, entries counted and not checked, strings not kept. Only
        "too many entries" is its to say: anything else wrong with the file
        is left to the real read, which reports it as it always has (verify
        lists every bad entry before a structural error)."""
        header, paths = self.header, self._paths
        self.header, self._counting = Header(), True
        try:
            with contextlib.ExitStack() as stack:
                self._lexer = Lexer(self._open_json(stack))
                self._lexer.skip_strings = True
                self._document(self._lexer.events(), _ignore_entry, _ignore_problem)
        except _TooMany as e:
            raise self.invalid(str(e)) from None
        except (FlexgitError, Overrun, JSONError, EOFError, gzip.BadGzipFile, zlib.error,
                RecursionError, UnicodeDecodeError, OSError, StopIteration):
            pass
        finally:
            self.header, self._paths, self._counting = header, paths, False

    # --- JSON structure -----------------------------------------------------

    def _document(self, events: Iterator[Event], on_entry: Callable[[FileEntry], None],
                  on_problem: ProblemFn) -> None:
        self._bound(TOP_FIELD, f"more than {TOP_FIELD} bytes before the top-level object")
        ev, _ = next(events, ("end", None))
        if ev != "start_map":
            raise self.invalid("not a backup file: the top level is not a JSON object")
        fields = self.header.fields
        self._bound(TOP_FIELD, f"a top-level key is longer than {TOP_FIELD} bytes")
        for ev, value in events:
            if ev == "end_map":
                break
            key = value
            if key in fields:
                raise self.invalid(f"duplicate key {key!r} at the top level")
            if key == "files":
                fields[key] = None  # marks it seen; entries are not kept
                self._files(events, on_entry, on_problem)
            else:
                self._bound(TOP_FIELD, f"field {label_of(key, 0)!r} is larger than the limit "
                                       f"of {TOP_FIELD} bytes")
                fields[key] = self._value(events, key, 1)
            self._bound(TOP_FIELD, f"a top-level key is longer than {TOP_FIELD} bytes")
        if self._counting:
            return  # the entries are counted; the rest is the real read's
        for _ in events:  # the parser reports trailing garbage only when drained
            pass
        self._check_header()

    def _value(self, events: Iterator[Event], where: str, depth: int) -> Any:
        ev, value = next(events)
        return self._build(ev, value, events, where, depth)

    def _build(self, ev: str, value: Any, events: Iterator[Event], where: str,
               depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise self.invalid(f"{where}: JSON nested too deeply")
        if ev == "start_map":
            return self._map(events, where, depth)
        if ev == "flat_map":
            if depth + 1 > _MAX_DEPTH:  # its inner objects are one level down
                raise self.invalid(f"{where}: JSON nested too deeply")
            return self._flat(value, where)
        if ev == "start_array":
            items: list[Any] = []
            for ev2, v2 in events:
                if ev2 == "end_array":
                    return items
                items.append(self._build(ev2, v2, events, f"{where}[{len(items)}]", depth + 1))
            raise self.invalid("not valid JSON: premature end")
        return value

    def _files(self, events: Iterator[Event], on_entry: Callable[[FileEntry], None],
               on_problem: ProblemFn) -> None:
        ev, _ = next(events)
        if ev != "start_array":
            raise self.invalid("'files' must be an array")
        self._lexer.flat = True  # entries of plain fields: one event each
        try:
            self._entries(events, on_entry, on_problem)
        finally:
            self._lexer.flat = False

    def _entries(self, events: Iterator[Event], on_entry: Callable[[FileEntry], None],
                 on_problem: ProblemFn) -> None:
        self._bound(*self._fields_budget(0))
        for ev, value in events:
            if ev == "end_array":
                return
            index = self.header.entries
            self.header.entries += value if ev == "flat_count" else 1
            if self.header.entries > self.limits.max_entries:
                too_many = (f"more than {self.limits.max_entries} file entries "
                            f"(FLEXGIT_MAX_ENTRIES)")
                raise _TooMany(too_many) if self._counting else self.invalid(too_many)
            item: Any = None
            if ev == "flat_count":  # the counting pass: a run of flat entries
                index = self.header.entries - 1
            elif ev == "flat_map":
                item = self._flat(value, f"files[{index}]", index)
            elif ev == "start_map":
                item = self._item(events, index)
            else:
                item = self._build(ev, value, events, f"files[{index}]", 2)
            # What follows (whitespace, the next entry's start) counts against
            # this entry, as a bound on its fields.
            self._bound(*self._fields_budget(index))
            if self._counting:
                continue
            if not isinstance(item, dict):
                on_problem(f"files[{index}]", "entry is not a JSON object")
                continue
            entry = self._entry(index, item, on_problem)
            if entry is not None:
                on_entry(entry)

    def _bound(self, budget: int, why: str) -> None:
        """What is read next must end within `budget` bytes from here."""
        self._lexer.stop_at = self._lexer.offset + budget
        self._lexer.why = why

    def _map(self, events: Iterator[Event], where: str, depth: int,
             before: Callable[[str, dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """An object (its `{` read); `before(key, so_far)` runs before each value."""
        out: dict[str, Any] = {}
        for ev, key in events:
            if ev == "end_map":
                return out
            if key in out:
                raise self.invalid(f"{where}: duplicate key {key!r}")
            if before is not None:
                before(key, out)
            out[key] = self._value(events, f"{where}.{key}", depth + 1)
        raise self.invalid("not valid JSON: premature end")

    def _fields_budget(self, index: int) -> tuple[int, str]:
        return ENTRY_FIELDS, (f"files[{index}]: the entry's fields are larger than "
                              f"{ENTRY_FIELDS} bytes")

    def _flat(self, raw: bytes, where: str, index: int | None = None) -> dict[str, Any]:
        """An object the lexer matched whole (flat_map): parsed by the C json
        module, then held to what the event path checks: duplicate keys, and
        for an entry (`index`) a content no longer than its declared size allows."""
        item = json.loads(raw.decode("utf-8"), object_pairs_hook=_Pairs)
        assert isinstance(item, _Pairs)
        for key, value in [("", item), *item.items()]:
            if isinstance(value, _Pairs) and value.duplicate is not None:
                at = f"{where}.{key}" if key else where
                raise self.invalid(f"{at}: duplicate key {value.duplicate!r}")
        if index is not None and isinstance(item.get("content"), str):
            keys = list(item)
            before = {k: item[k] for k in keys[:keys.index("content")]}
            budget, why = self._content_budget(before, index)
            if len(item["content"]) + 2 > budget:
                raise self.invalid(why)
        return item

    def _item(self, events: Iterator[Event], index: int) -> dict[str, Any]:
        """One entry's object (its `{` read), each field bounded as it streams:
        the content by the size declared before it, the rest by ENTRY_FIELDS."""
        where = f"files[{index}]"
        fields = self._fields_budget(index)
        self._bound(*fields)
        after_content = False

        def before(key: str, so_far: dict[str, Any]) -> None:
            nonlocal after_content
            if key == "content":
                self._bound(*self._content_budget(so_far, index))
                after_content = True
            elif after_content:  # once: the fields after it share one budget
                self._bound(*fields)
                after_content = False

        return self._map(events, where, 2, before)

    def _content_budget(self, item: dict[str, Any], index: int) -> tuple[int, str]:
        """How far a content string may reach, and the line when it goes further."""
        label = label_of(item.get("path"), index)
        size = item.get("size")
        if isinstance(size, int) and not isinstance(size, bool) and \
                0 <= size <= self.limits.max_bytes:
            return (2 * 4 * ((size + 2) // 3) + _CONTENT_SLACK,
                    f"{label}: content is longer than its declared size of {size} bytes; "
                    f"refused without reading further")
        # No usable size before the content (a writer that sorts keys puts
        # "content" first): nothing says how long it may be, so a fixed cap
        # keeps such an entry from reading gigabytes into memory.
        return (2 * 4 * ((UNSIZED_CONTENT + 2) // 3) + _CONTENT_SLACK,
                f"{label}: content comes before a valid 'size' and is longer than "
                f"{UNSIZED_CONTENT} bytes; write 'size' before 'content' (as flexgit "
                f"and the original tools do) for larger files")

    # --- one entry ----------------------------------------------------------

    def _entry(self, index: int, item: dict[str, Any], on_problem: ProblemFn) -> FileEntry | None:
        try:
            entry = entries.check(index, item, self.limits, self._paths,
                                  keep_bad_hash=self.keep_bad_hash)
        except entries.Bad as e:
            on_problem(label_of(item.get("path"), index), str(e))
            return None
        return entry

    # --- top level ----------------------------------------------------------

    def _check_header(self) -> None:
        f, h = self.header.fields, self.header
        if "files" not in f:
            raise self.invalid("missing field 'files': not a FlexPBX backup file")
        for name, kinds, what in (
                ("version", (str,), "a string"), ("backup_type", (str,), "a string"),
                ("created", (str,), "a string"), ("flexpbx_version", (str,), "a string"),
                ("includes", (dict,), "an object"), ("excludes", (dict,), "an object"),
                ("default_settings", (dict,), "an object"),
                ("user_template", (dict,), "an object"), ("admin_template", (dict,), "an object"),
                ("sensitive_data_included", (bool,), "true or false"),
                ("flexgit", (dict,), "an object")):
            if name in f and not isinstance(f[name], kinds):
                raise self.invalid(f"field {name!r} must be {what}")
        count = f.get("file_count")
        if "file_count" in f and (not isinstance(count, int) or isinstance(count, bool)):
            raise self.invalid("field 'file_count' must be an integer")
        version = f.get("version", "1.0")
        if version.split(".", 1)[0] != "1":
            raise self.invalid(f"format version {version!r} is not supported (expected 1.x)")
        default = "extended" if self.name.endswith((".flxx", ".flxx.gz")) else "system_config"
        h.backup_type = f.get("backup_type", default)
        if h.backup_type not in TYPE_NAMES:
            raise self.invalid(f"unknown backup_type {h.backup_type!r} (expected one of "
                               f"{', '.join(TYPE_NAMES)})")
        h.kind = TYPE_NAMES[h.backup_type]

    def empty_dir_problem(self, tree_path: str) -> str | None:
        """Check an empty directory of the flexgit object like a file path."""
        side, _, rel = tree_path.partition("/")
        if side not in ("home", "system"):
            return "is not below home/ or system/"
        return path_problem(rel, self.limits) or self._paths.add(tree_path)


class _TooMany(Exception):
    """The counting pass found more entries than the limit."""


class _Pairs(dict[str, Any]):
    """A JSON object as json.loads' object_pairs_hook builds it, remembering
    the first key that came twice (a plain dict keeps the last silently)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.duplicate: str | None = None
        if len(self) != len(pairs):
            seen: set[str] = set()
            for key, _value in pairs:
                if key in seen:
                    self.duplicate = key
                    break
                seen.add(key)


def _ignore_entry(_e: FileEntry) -> None:
    pass


def _ignore_problem(_label: str, _problem: str) -> None:
    pass


