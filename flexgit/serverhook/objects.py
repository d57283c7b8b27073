"""What git hands the pre-receive hook, read through the C git that runs it.

While the hook runs, the pushed objects sit in a quarantine directory
(GIT_QUARANTINE_PATH): git names it in GIT_OBJECT_DIRECTORY and the
repository's own objects in GIT_ALTERNATE_OBJECT_DIRECTORIES, and they may
be one pack (more than transfer.unpackLimit objects) or loose objects. The
git binary that started the hook reads them exactly as it will once the push
is accepted, so the hook asks it (`git rev-list`, `git cat-file --batch`)
with the environment git gave it instead of re-implementing git's object
lookup; an object git cannot give back rejects the push (fail closed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flexgit.errors import FlexgitError, IntegrityError

ZERO_ID = "0" * 40
# One object the guard reads whole; a snapshot's files are far smaller, and a
# larger one is refused rather than audited in part. guard.Limits refuses
# sooner, from the sizes alone; this bounds the memory of any other read.
MAX_OBJECT = 256 << 20
KINDS = ("commit", "tree", "blob", "tag")
# The modes a flexgit store writes (dulwich, as git does: a tree as "40000").
USUAL_MODES = frozenset({b"100644", b"100755", b"120000", b"40000"})
_OCTAL = re.compile(rb"[0-7]+")


class CannotRead(FlexgitError):
    """git could not give the hook an object or a list of objects."""


def _git() -> str:
    # git puts its exec-path first on the hook's PATH, so this is the git that pushed.
    exe = shutil.which("git")
    if exe is None:
        raise CannotRead("no git on PATH")
    return exe


class Objects:
    """The repository's objects, the quarantined ones included: one `git
    cat-file --batch` for the whole check, closed by `close()`."""

    def __init__(self, repo: Path, *, env: Mapping[str, str] | None = None,
                 max_object: int = MAX_OBJECT) -> None:
        self.repo = repo
        self.env = dict(os.environ if env is None else env)
        self.max_object = max_object
        self._git = _git()
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Objects:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        proc.stdout.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _run(self, *args: str, input: bytes | None = None) -> bytes:
        res = subprocess.run([self._git, "--git-dir", str(self.repo), *args], input=input,
                             env=self.env, capture_output=True, check=False)
        if res.returncode != 0:
            why = res.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise CannotRead(f"git {args[0]} failed ({why[0][:200] or res.returncode})")
        return res.stdout

    def new_objects(self, tips: list[str]) -> set[str]:
        """Every object reachable from `tips` but from no ref the repository
        has now: what the push brings in. (Inside the hook the refs still hold
        their old values, so `--not --all` is "already accepted".)"""
        if not tips:
            return set()
        out = self._run("rev-list", "--objects", "--no-object-names", *tips, "--not", "--all")
        return {line[:40] for line in out.decode("ascii", "replace").splitlines() if line}

    def sizes(self, shas: Iterable[str]) -> dict[str, tuple[str, int]]:
        """sha -> (kind, size) of each object, from git's object headers alone:
        what a push weighs is known before one byte of it is read."""
        wanted = "".join(f"{sha}\n" for sha in shas).encode("ascii")
        if not wanted:
            return {}
        out = self._run("cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)",
                        input=wanted)
        found: dict[str, tuple[str, int]] = {}
        for line in out.decode("ascii", "replace").splitlines():
            parts = line.split()
            if len(parts) != 3 or not parts[2].isdigit():
                raise IntegrityError(f"object {parts[0] if parts else '?'} is missing "
                                     f"although the push refers to it")
            found[parts[0]] = (parts[1], int(parts[2]))
        return found

    def config_size(self, key: str) -> int | None:
        """A size from the repository's git config ("16m", "1g"), read as git
        reads it; None when unset. A value git cannot read stops the check."""
        res = subprocess.run([self._git, "--git-dir", str(self.repo), "config", "--type=int",
                              "--get", key], env=self.env, capture_output=True, text=True,
                             check=False)
        if res.returncode == 1 and not res.stderr.strip():
            return None
        if res.returncode != 0 or not res.stdout.strip().isdigit():
            raise CannotRead(f"git config {key} is not a size ({res.stderr.strip()[:120]})")
        return int(res.stdout)

    def _batch(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                [self._git, "--git-dir", str(self.repo), "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=self.env)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        return self._proc.stdin, self._proc.stdout

    def read(self, sha: str) -> tuple[str, bytes]:
        """(kind, raw content) of one object."""
        stdin, stdout = self._batch()
        try:
            stdin.write(sha.encode("ascii") + b"\n")
            stdin.flush()
        except BrokenPipeError:
            raise CannotRead("git cat-file stopped") from None
        header = stdout.readline().decode("ascii", "replace").split()
        if len(header) != 3 or header[0] != sha:
            if header[-1:] == ["missing"]:
                raise IntegrityError(f"object {sha} is missing although the push refers to it")
            raise CannotRead(f"git cat-file gave no object for {sha}")
        kind, size = header[1], int(header[2])
        if size > self.max_object:
            self.close()  # the rest of its content is never read
            limit = (f"{self.max_object >> 20} MiB" if self.max_object >= 1 << 20
                     else f"{self.max_object} bytes")
            raise CannotRead(f"{kind} {sha} is {size} bytes, more than the guard reads "
                             f"({limit})")
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        if len(data) != size:
            raise CannotRead(f"git cat-file ended inside object {sha}")
        return kind, data


# --- the formats of git's objects ------------------------------------------------


@dataclass(frozen=True)
class TreeEntry:
    """One entry, read as git reads it: the file type bits of its mode decide
    what the entry is (git canonicalises 40755 to a tree and 120777 to a link
    when it walks, checks out or lists a tree), whatever the other bits say."""

    raw_mode: bytes
    name: bytes
    sha: str

    @property
    def mode(self) -> int:
        return int(self.raw_mode, 8)

    @property
    def is_tree(self) -> bool:
        return self.mode & 0o170000 == 0o040000

    @property
    def is_link(self) -> bool:
        return self.mode & 0o170000 == 0o120000

    @property
    def is_file(self) -> bool:
        return self.mode & 0o170000 == 0o100000

    @property
    def usual(self) -> bool:
        """Whether a flexgit store could have written it (anything else is
        hand-made: zero-padded, other permission bits, a gitlink, a device)."""
        return self.raw_mode in USUAL_MODES


def tree_entries(sha: str, raw: bytes) -> Iterator[TreeEntry]:
    """The entries of a raw tree ("<octal mode> <name>\\0<20-byte id>"...)."""
    i = 0
    while i < len(raw):
        space = raw.find(b" ", i)
        nul = raw.find(b"\0", space + 1)
        if space < 0 or nul < 0 or nul + 21 > len(raw):
            raise IntegrityError(f"tree {sha} is malformed")
        # Octal digits only, as git's own parser wants them (int() would also
        # take "+", "_" or spaces that git refuses).
        if not _OCTAL.fullmatch(raw[i:space]):
            raise IntegrityError(f"tree {sha} has an entry with a bad mode")
        yield TreeEntry(raw[i:space], raw[space + 1:nul], raw[nul + 1:nul + 21].hex())
        i = nul + 21


@dataclass(frozen=True)
class Parsed:
    """A commit or tag: its header fields (name -> values, in order) and message."""

    headers: dict[str, list[bytes]]
    message: bytes

    def first(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0].decode("ascii", "replace") if values else None


def parse(raw: bytes) -> Parsed:
    head, _, message = raw.partition(b"\n\n")
    headers: dict[str, list[bytes]] = {}
    last: list[bytes] | None = None
    for line in head.split(b"\n"):
        if line.startswith(b" ") and last is not None:
            last[-1] += b"\n" + line[1:]  # continuation (gpgsig, mergetag)
            continue
        key, _, value = line.partition(b" ")
        last = headers.setdefault(key.decode("ascii", "replace"), [])
        last.append(value)
    return Parsed(headers, message)
