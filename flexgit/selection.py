"""Part of a snapshot: the PATHs and --include/--exclude patterns that
restore, ls, dump, show and log take, checked against the snapshot's tree.

A PATH is a tree path (home/public_html/api, system/etc/asterisk/pjsip.conf)
or an absolute path on this machine (/etc/asterisk, or one in the home),
which names the same file. It never climbs: `..` is refused, not resolved,
so no PATH reaches outside home/ and system/. Patterns are gitignore
patterns over tree paths (`*.conf`, `system/etc/asterisk/`,
`home/**/*.php`), as the profile's are."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from flexgit.errors import UsageError

if TYPE_CHECKING:
    from flexgit.profile import Matcher

SIDES = ("home", "system")


def tree_path(arg: str, *, home: Path, root: Path) -> str:
    """The tree path `arg` names ("" for the whole tree), or UsageError."""
    if "\0" in arg:
        raise UsageError(f"{arg!r}: a path cannot hold a NUL byte")
    parts = [p for p in arg.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UsageError(f"{arg}: '..' is not allowed in a snapshot path; name the file "
                         f"as home/… or system/…")
    if not arg.startswith("/"):
        return "/".join(parts)
    for base, side in ((home, "home"), (root, "system")):
        base_parts = [p for p in str(base).split("/") if p not in ("", ".")]
        if parts[:len(base_parts)] == base_parts:
            return "/".join([side, *parts[len(base_parts):]])
    # The system root is / unless --root says otherwise: /etc/x is system/etc/x.
    return "/".join(["system", *parts])


@dataclass(frozen=True)
class Selection:
    """Which paths of a tree a command works on; every path when empty."""

    paths: tuple[str, ...] = ()  # tree paths (from tree_path)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    given: tuple[str, ...] = field(default=(), compare=False)  # PATHs as typed, for messages

    @property
    def whole(self) -> bool:
        return not (self.paths or self.include or self.exclude)

    @cached_property
    def _include(self) -> Matcher:
        return _matcher(self.include)

    @cached_property
    def _exclude(self) -> Matcher:
        return _matcher(self.exclude)

    def wants(self, path: str, *, is_dir: bool = False) -> bool:
        """Whether tree path `path` (a file, or a directory with is_dir) is in the part."""
        probe = path + "/" if is_dir else path
        if self.paths or self.include:
            chosen = any(path == p or path.startswith(p + "/") or not p for p in self.paths) \
                or (bool(self.include) and self._include.match(probe))
            if not chosen:
                return False
        return not (self.exclude and self._exclude.match(probe))

    def describe(self) -> str:
        """The part as a command line would say it: `-- a b --include x --exclude y`."""
        words = [*(f"--include {p}" for p in self.include),
                 *(f"--exclude {p}" for p in self.exclude)]
        if self.paths:
            words.append("-- " + " ".join(self.given or self.paths))
        return " ".join(words)

    def check(self, files: Iterable[str], where: str) -> None:
        """Every PATH names a file or directory of `files` (tree paths) and every
        --include matches one; otherwise one line with the closest paths (exit 2)."""
        if self.whole:
            return
        tree = Tree(files)
        for typed, path in zip(self.given or self.paths, self.paths, strict=True):
            tree.require(path, typed, where)
        for pattern in self.include:
            spec = _matcher((pattern,))
            if not any(spec.match(p) for p in tree.files) and \
                    not any(spec.match(d + "/") for d in tree.dirs if d):
                raise UsageError(f"--include {pattern} matches nothing in {where} (patterns "
                                 f"match tree paths such as system/etc/asterisk/*.conf or "
                                 f"home/**/*.php; `flexgit ls` lists them)")


def _matcher(patterns: tuple[str, ...]) -> Matcher:
    # Imported when a pattern is given: the profile module loads the sanitizer.
    from flexgit.profile import Matcher

    return Matcher(list(patterns))


def select(args: Iterable[str], include: Iterable[str], exclude: Iterable[str], *,
           home: Path, root: Path) -> Selection:
    given = tuple(args)
    return Selection(tuple(tree_path(a, home=home, root=root) for a in given),
                     tuple(include), tuple(exclude), given)


class Tree:
    """The files of a snapshot and the directories they imply."""

    def __init__(self, files: Iterable[str]) -> None:
        self.files = set(files)
        self.dirs: set[str] = {""}
        for p in self.files:
            parts = p.split("/")
            for i in range(1, len(parts)):
                self.dirs.add("/".join(parts[:i]))

    def kind(self, path: str) -> str | None:
        """"file", "dir" or None (not in the tree)."""
        if path in self.files:
            return "file"
        return "dir" if path in self.dirs else None

    def require(self, path: str, typed: str, where: str) -> str:
        """The kind of `path`, or UsageError naming the closest paths."""
        kind = self.kind(path)
        if kind is None:
            raise UsageError(f"{typed} is not in {where}{self.suggest(path)}")
        return kind

    def suggest(self, path: str) -> str:
        """"; did you mean …?" for the paths closest to `path`, or ""."""
        candidates = sorted((self.files | self.dirs) - {""})
        # A path typed without its side (public_html/x) most likely means one.
        sided = [f"{side}/{path}" for side in SIDES if f"{side}/{path}" in self.dirs | self.files]
        close = sided or _closest(path, candidates)
        if not close:
            return "; `flexgit ls` lists its paths"
        return f"; did you mean {' or '.join(close)}?"


def _closest(path: str, candidates: list[str]) -> list[str]:
    """Up to three candidates nearest to `path`: first among the entries of its
    deepest existing parent (a typo in the last name), then anywhere."""
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    while parent and parent not in candidates:
        parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
    prefix = parent + "/" if parent else ""
    siblings = [c for c in candidates if c.startswith(prefix) and "/" not in c[len(prefix):]]
    close = difflib.get_close_matches(path, siblings, n=3, cutoff=0.6)
    return close or difflib.get_close_matches(path, candidates, n=3, cutoff=0.75)
