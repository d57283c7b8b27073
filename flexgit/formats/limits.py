"""Bounds on backup-file input (FORMAT.md "Limits") and the path rules every
entry of a backup file must satisfy before anything is written."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

GiB = 1 << 30


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * GiB  # JSON bytes read, after gzip inflation
    max_entries: int = 100_000
    max_path: int = 4096  # bytes of a tree path (UTF-8)
    max_component: int = 255  # bytes of one path component

    @classmethod
    def from_env(cls) -> Limits:
        """Defaults, overridden by FLEXGIT_MAX_BYTES / FLEXGIT_MAX_ENTRIES."""
        base = cls()
        return cls(max_bytes=_env_int("FLEXGIT_MAX_BYTES", base.max_bytes),
                   max_entries=_env_int("FLEXGIT_MAX_ENTRIES", base.max_entries))


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value > 0 else default


# Control characters break line-oriented output and restore's file names alike;
# backslash is a separator on the systems a backup file may travel through.
_FORBIDDEN = {chr(c) for c in range(0x20)} | {"\x7f", "\\"}


def path_problem(path: str, limits: Limits) -> str | None:
    """Why `path` (relative, `/`-separated) is unsafe, or None when it is fine."""
    if not path:
        return "empty path"
    if "\0" in path:
        return "path contains a NUL byte"
    if "\n" in path or "\r" in path:
        return "path contains a newline"
    if "\\" in path:
        return "path contains a backslash"
    bad = next((ch for ch in path if ch in _FORBIDDEN), None)
    if bad is not None:
        return f"path contains control character U+{ord(bad):04X}"
    try:
        size = len(path.encode("utf-8"))
    except UnicodeEncodeError:
        return "path is not valid UTF-8"
    if size > limits.max_path:
        return f"path is too long ({size} bytes, limit {limits.max_path})"
    if path.startswith("/"):
        return "absolute path"
    if len(path) >= 2 and path[1] == ":" and path[0].isascii() and path[0].isalpha():
        # Harmless here, but a Windows tool unpacking the file would leave the target.
        return "drive-letter path"
    for part in path.split("/"):
        if part == "":
            return "path has an empty component"
        if part == ".":
            return "path has a '.' component"
        if part == "..":
            return "path has a '..' component"
        if len(part.encode("utf-8")) > limits.max_component:
            return f"path component is too long (limit {limits.max_component} bytes)"
    return None


def fold(path: str) -> str:
    """The form two paths share when a case-insensitive or normalising file
    system would store them under one name."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


class PathSet:
    """Tree paths seen so far; finds duplicates (also after case-folding and
    NFC normalisation) and paths that are both a file and a directory."""

    def __init__(self) -> None:
        self._files: dict[str, str] = {}
        self._dirs: dict[str, str] = {}

    def add(self, path: str) -> str | None:
        """Record the leaf `path` (a file, symlink or empty directory); a problem
        when it clashes with one recorded before."""
        clash = self.clash(path)
        if clash is None:
            return None
        other, how = clash
        if how == "same":
            return "duplicate path"
        if how == "folded":
            return f"duplicate of {other!r} after case-folding or Unicode normalisation"
        if how == "dir":
            return f"is also a directory ({other!r} is below it)"
        return f"is below {other!r}, which is not a directory"

    def clash(self, path: str) -> tuple[str, str] | None:
        """`add`, giving the path recorded before that `path` clashes with and
        how: "same", "folded" (case or normalisation), "dir" (`path` is a
        directory of it) or "below" (`path` is below it)."""
        key = fold(path)
        if key == path:
            key = path  # one string for both (most paths): memory per file counts
        other = self._files.get(key)
        if other is not None:
            return other, "same" if other == path else "folded"
        if key in self._dirs:
            return self._dirs[key], "dir"
        # Folding never adds, drops or moves a "/" (casefold maps characters one
        # by one, NFC composes nothing with "/"), so the folded prefixes are the
        # prefixes of the folded path.
        prefixes = []
        at = key.find("/")
        while at != -1:
            prefixes.append(key[:at])
            at = key.find("/", at + 1)
        for prefix in prefixes:
            below = self._files.get(prefix)
            if below is not None:
                return below, "below"
        self._files[key] = path
        for prefix in prefixes:
            self._dirs.setdefault(prefix, path)
        return None


def folded_pairs(paths: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of leaf paths (files, links, empty directories) that one name on
    a case-insensitive or normalising file system would have to hold both of:
    what a backup file's reader refuses (as `PathSet`). Each pair is (earlier
    path, later path) in sorted order."""
    seen = PathSet()
    pairs = []
    for path in sorted(paths):
        clash = seen.clash(path)
        if clash is not None:
            pairs.append((clash[0], path))
    return pairs


def pair_text(a: str, b: str) -> str:
    """Two clashing paths as a line shows them: escaped when not ASCII, since
    an NFC and an NFD name print alike."""
    return f"{a!r} and {b!r}" if a.isascii() and b.isascii() else f"{a!a} and {b!a}"


def clash_problem(pairs: list[tuple[str, str]]) -> str:
    """One line for `folded_pairs`' result (not empty): the first pair named."""
    a, b = pairs[0]
    more = f" (and {len(pairs) - 1} more pair(s))" if len(pairs) > 1 else ""
    return (f"{pair_text(a, b)} are one name on a case-insensitive or normalising file "
            f"system{more}")
