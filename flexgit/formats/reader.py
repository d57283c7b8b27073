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

import binascii
import contextlib
import gzip
import hashlib
import json
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import crypto
from flexgit.errors import BadInput, FlexgitError
from flexgit.formats.jsonstream import JSONError, Lexer, Overrun
from flexgit.formats.limits import Limits, PathSet, path_problem

GZIP_MAGIC = b"\x1f\x8b"
TYPE_NAMES = {"system_config": "flx", "extended": "flxx",
              "full_with_data": "flx", "extended_with_data": "flxx"}
WITH_DATA = frozenset({"full_with_data", "extended_with_data"})
SYSTEM_PREFIXES = ("etc", "usr")  # the original restore's guess for paths without `root`
_HASH = re.compile(r"sha256:([0-9a-fA-F]{64})")
_MODE = re.compile(r"[0-7]{1,7}")
_MAX_DEPTH = 64
_READ_SIZE = 1 << 16
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


class _Bad(Exception):
    """One entry is unusable; the message is the problem."""


class Invalid(BadInput):
    """The file as a whole is unusable (not JSON, damaged gzip, over a limit...)."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class Unreadable(Invalid):
    """The file cannot be opened at all (missing, a directory, no permission)."""


@dataclass
class FileEntry:
    index: int
    label: str  # how problems name the entry: its path, escaped when unprintable
    path: str  # as written in the file
    root: str  # "home" or "system"
    tree_path: str  # "home/<path>" or "system/<path>"
    kind: str  # "file" or "symlink"
    mode: int | None  # permission bits; None when the file gives none
    data: bytes
    owner: str | None = None
    group: str | None = None
    category: str | None = None
    sanitized: dict[str, int] = field(default_factory=dict)
    hash_problem: str | None = None  # set only when the reader keeps bad-hash entries


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


def label_of(path: object, index: int) -> str:
    if not isinstance(path, str) or not path:
        return f"files[{index}]"
    text = path if path.isprintable() else json.dumps(path)
    return text if len(text) <= 200 else text[:200] + "…"


class _Limited:
    """A read() that fails once more than `limit` bytes came out of `inner`."""

    def __init__(self, inner: Any, limit: int, file: str, what: str) -> None:
        self._inner = inner
        self._limit = limit
        self._file = file
        self._what = what
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._inner.read(_READ_SIZE if n is None or n < 0 else n)
        self.total += len(data)
        if self.total > self._limit:
            raise Invalid(self._file, f"{self._what} is larger than the limit of "
                                      f"{self._limit} bytes (FLEXGIT_MAX_BYTES)")
        return data


class _Prefixed:
    """`prefix`, then the rest of `inner`: a peek at a stream that cannot seek."""

    def __init__(self, prefix: bytes, inner: Any) -> None:
        self._prefix = prefix
        self._inner = inner

    def read(self, n: int = -1) -> bytes:
        if self._prefix:
            head = self._prefix if n is None or n < 0 else self._prefix[:n]
            self._prefix = self._prefix[len(head):]
            if n is None or n < 0:
                return head + bytes(self._inner.read())
            return head
        data: bytes = self._inner.read(n)
        return data


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
        if self.precount and not self._looks_encrypted():
            self._count_entries()
        with contextlib.ExitStack() as stack:
            self._lexer = Lexer(self._stream(stack))
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

    def _open(self) -> Any:
        try:
            return open(self.path, "rb")  # the caller closes it
        except FileNotFoundError:
            raise Unreadable(self.name, "no such file") from None
        except IsADirectoryError:
            raise Unreadable(self.name, "is a directory, not a backup file") from None
        except OSError as e:
            raise Unreadable(self.name, f"cannot read: {e.strerror}") from None

    def _looks_encrypted(self) -> bool:
        with self._open() as raw:
            return crypto.looks_encrypted(raw.read(64))

    def _stream(self, stack: contextlib.ExitStack) -> Any:
        """The file's JSON bytes (decrypted, inflated), bounded by max_bytes;
        closed with `stack`."""
        raw = stack.enter_context(self._open())
        source: Any = raw
        if crypto.looks_encrypted(raw.read(64)):
            # gpg's plaintext streams in; nothing decrypted is written to disk.
            source = stack.enter_context(crypto.decrypting(self.path, name=self.name))
            self.encrypted = True
        else:
            raw.seek(0)
        magic = source.read(2)
        self.compressed = magic == GZIP_MAGIC
        source = _Prefixed(magic, source)
        inner: Any = gzip.GzipFile(fileobj=source, mode="rb") if self.compressed else source
        what = "the inflated content" if self.compressed else "the file"
        return _Limited(inner, self.limits.max_bytes, self.name, what)

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
                self._lexer = Lexer(self._stream(stack))
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
            entry = self._check(index, item)
        except _Bad as e:
            on_problem(label_of(item.get("path"), index), str(e))
            return None
        return entry

    def _check(self, index: int, item: dict[str, Any]) -> FileEntry:
        for name, kind in (("path", str), ("hash", str), ("size", int), ("content", str)):
            if name not in item:
                raise _Bad(f"missing field {name!r}")
            v = item[name]
            if not isinstance(v, kind) or isinstance(v, bool):
                raise _Bad(f"field {name!r} must be {'a string' if kind is str else 'an integer'}")
        path, size, content = item["path"], item["size"], item["content"]
        for name in ("root", "mode", "type", "owner", "group", "category"):
            if name in item and not isinstance(item[name], str):
                raise _Bad(f"field {name!r} must be a string")
        problem = path_problem(path, self.limits)
        if problem:
            raise _Bad(problem)
        root = item.get("root")
        if root is None:
            root = "system" if path.split("/", 1)[0] in SYSTEM_PREFIXES else "home"
        elif root not in ("home", "system"):
            raise _Bad(f"root must be 'home' or 'system', not {root!r}")
        kind = item.get("type", "file")
        if kind not in ("file", "symlink"):
            raise _Bad(f"type must be 'file' or 'symlink', not {kind!r}")
        mode = None
        if "mode" in item:
            mode, problem = parse_mode(item["mode"], kind)
            if problem:
                raise _Bad(problem)
        m = _HASH.fullmatch(item["hash"])
        if m is None:
            raise _Bad("hash must be 'sha256:' and 64 hex digits")
        if size < 0:
            raise _Bad("size must not be negative")
        if size > self.limits.max_bytes:
            raise _Bad(f"size {size} is over the limit of {self.limits.max_bytes} bytes")
        # Bound the work before decoding: base64 of `size` bytes has one exact length.
        if len(content) != 4 * ((size + 2) // 3):
            if not _is_base64(content):
                raise _Bad("content is not valid base64")
            raise _Bad(f"content does not decode to {size} bytes (size)")
        try:
            data = _b64decode(content)
        except (binascii.Error, ValueError):
            raise _Bad("content is not valid base64") from None
        if len(data) != size:
            raise _Bad(f"content decodes to {len(data)} bytes but size says {size}")
        digest = hashlib.sha256(data).hexdigest()
        hash_problem = None
        if digest != m.group(1).lower():
            # The original tool's words, so scripts and habits keep working.
            hash_problem = (f"Hash mismatch for {path}: the content's sha256 is "
                            f"{digest[:16]}…, the file says {m.group(1)[:16].lower()}…")
            if not self.keep_bad_hash:
                raise _Bad(hash_problem)
        if kind == "symlink" and (not data or b"\0" in data):
            raise _Bad("symlink target is empty or contains a NUL byte")
        sanitized = item.get("sanitized", {})
        if not isinstance(sanitized, dict) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 0
                for n in sanitized.values()):
            raise _Bad("field 'sanitized' must map rule names to counts")
        tree_path = f"{root}/{path}"
        problem = self._paths.add(tree_path)
        if problem:
            raise _Bad(problem)
        return FileEntry(index, label_of(path, index), path, root, tree_path, kind, mode, data,
                         item.get("owner"), item.get("group"), item.get("category"),
                         dict(sanitized), hash_problem)

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


def _b64decode(text: str) -> bytes:
    """Strict base64 (only the alphabet, padding only at the end): the check
    b64decode(validate=True) makes, without its ASCII copy of the content."""
    return binascii.a2b_base64(text, strict_mode=True)


def _is_base64(text: str) -> bool:
    try:
        _b64decode(text)
    except (binascii.Error, ValueError):
        return False
    return True


def parse_mode(value: str, kind: str) -> tuple[int, str | None]:
    """Permission bits of a `mode` field, or a problem."""
    if not _MODE.fullmatch(value):
        return 0, f"mode {value!r} is not an octal number"
    mode = int(value, 8)
    if mode > 0o7777:
        ftype = stat.S_IFMT(mode)
        if not ((ftype == stat.S_IFREG and kind == "file")
                or (ftype == stat.S_IFLNK and kind == "symlink")) or mode & ~0o177777:
            return 0, f"mode {value} is not a regular file or symlink (device or special file)"
        mode = stat.S_IMODE(mode)
    if mode & (stat.S_ISUID | stat.S_ISGID):
        return 0, f"mode {value} has the setuid or setgid bit"
    return mode & 0o1777, None
