"""What the guard audits of a push: every object the push brings in that a
pushed ref reaches, of every kind, with the audit's detectors.

From each ref: a tag chain to its end (or a refusal past MAX_TAG_CHAIN),
then a commit's history, a tree or a blob, whatever it ends at. Of commits
and tags their messages and every header (an id only when it is one); of
trees every entry's name and its mode; of blobs their content or, for a
symlink, its target. Bytes are read in every plausible decoding (the declared
one, flexgit.content's, and the raw bytes with control bytes as line breaks
and removed), never in one that a header, a byte-order mark or a magic number
picked; an image or a font is kept only as a well-formed one (assets.py).
Before anything is read, the sizes git records bound what the check costs
(Limits). Objects reachable from the
refs the repository had before the push were accepted then and are not read
again, so a push costs what it brings, not what the repository holds.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from flexgit import audit, content
from flexgit.audit import scan
from flexgit.audit.findings import MESSAGE, Finding, fingerprint
from flexgit.errors import IntegrityError
from flexgit.serverhook import assets
from flexgit.serverhook.objects import ZERO_ID, CannotRead, Objects, Parsed, parse, tree_entries
from flexgit.store import parse_trailers

# Snapshots are tagged directly; a chain this deep is made to hide its end.
MAX_TAG_CHAIN = 32
# Headers that hold an id or a kind: skipped only when the value is exactly
# that. Everything else is text a client chose and is audited: messages,
# names, encoding, mergetag, a header git does not know, and signatures too
# (flexgit never signs; a signature block is free text no reader checks).
_IDS = {"tree": re.compile(rb"[0-9a-f]{40}"), "parent": re.compile(rb"[0-9a-f]{40}"),
        "object": re.compile(rb"[0-9a-f]{40}"), "type": re.compile(rb"commit|tree|blob|tag")}
# Identities (author, committer, tagger) are audited whole, address included;
# only the address itself is no finding: it is the pusher's, on every
# hand-made commit, and a personal.email on it would refuse them all.
_IDENTITIES = frozenset({"author", "committer", "tagger"})
_ADDRESS = re.compile(rb"<([^<>]*)>")
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10)) + b"\x7f"
_CONTROLS_TO_NEWLINES = bytes.maketrans(_CONTROLS, b"\n" * len(_CONTROLS))
_PLAIN_ENCODINGS = frozenset({"utf-8", "latin-1"})
BINARY_RULE = "guard.binary"
MALFORMED_RULE = "guard.malformed"
MODE_RULE = "guard.mode"
# What one push may weigh, per object and in all: the audit reads text at 1
# to 6 MB per CPU second, so these bound the hook's time (and the one object it
# holds in memory) before a byte is read; a snapshot leaves user data out, and
# a 900-file portal weighs 18 MB. A central repository sets its own with
# `git config flexgit.maxObjectSize 64m` / `flexgit.maxPushSize 1g`.
MAX_OBJECT_SIZE = 16 << 20
MAX_PUSH_SIZE = 256 << 20


@dataclass(frozen=True)
class Limits:
    max_object: int = MAX_OBJECT_SIZE
    max_push: int = MAX_PUSH_SIZE

    @classmethod
    def of(cls, objects: Objects) -> Limits:
        obj = objects.config_size("flexgit.maxObjectSize")
        push = objects.config_size("flexgit.maxPushSize")
        return cls(MAX_OBJECT_SIZE if obj is None else obj,
                   MAX_PUSH_SIZE if push is None else push)

    def check(self, sizes: dict[str, tuple[str, int]]) -> None:
        """Refuses (CannotRead, one line) a push past either limit."""
        if sizes:
            sha, (kind, size) = max(sizes.items(), key=lambda kv: kv[1][1])
            if size > self.max_object:
                raise CannotRead(f"{kind} {sha} is {size} bytes, more than the guard reads "
                                 f"({_size(self.max_object)}, git config "
                                 f"flexgit.maxObjectSize)")
        total = sum(size for _kind, size in sizes.values())
        if total > self.max_push:
            raise CannotRead(f"the push brings {len(sizes)} objects of {total} bytes, more "
                             f"than the guard reads ({_size(self.max_push)}, git config "
                             f"flexgit.maxPushSize)")


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n} bytes"


@dataclass(frozen=True)
class Rejection:
    ref: str
    where: str  # "path:line: rule  [fingerprint]", or what is wrong
    obj: str = ""  # "commit <id>", "tag <id>", ...: which pushed object holds it

    def describe(self) -> str:
        return f"{self.ref}: {self.where}" + (f" ({self.obj})" if self.obj else "")


def views(raw: bytes, encoding: str | None = None) -> list[str]:
    """Every plausible reading of bytes a client chose: `readable`'s, the
    declared encoding's, and the raw bytes one character a byte with control
    bytes as line breaks and with them removed (what `cat` shows of
    "password=\\0x\\0y"). A header, a byte-order mark or a NUL pattern that
    makes one reading soup leaves the others: the detectors see them all."""
    found = [readable(raw)]
    if encoding:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            found.append(raw.decode(encoding))
    found += raw_views(raw)
    return list(dict.fromkeys(found))


def raw_views(raw: bytes) -> list[str]:
    """The bytes as themselves: controls as line breaks, and removed."""
    found = [raw.translate(_CONTROLS_TO_NEWLINES).decode("latin-1")]
    stripped = raw.translate(None, _CONTROLS)
    if len(stripped) != len(raw):
        found.append(stripped.decode("latin-1"))
    return found


def readable(raw: bytes, encoding: str | None = None) -> str:
    """Text of a message, name or link target for the detectors, whatever its
    encoding: the object's own `encoding` header, else flexgit.content's
    decision; bytes that are no text are read one character a byte with
    control bytes as line breaks, so no value hides between them."""
    if encoding:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    if b"\0" not in raw:  # NULs: UTF-16 to flexgit.content, though valid UTF-8
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    text = content.decode(raw)
    if text is not None:
        return text.text
    return raw.translate(_CONTROLS_TO_NEWLINES).decode("latin-1")


class Guard:
    """One push's check; `rejections` holds what it found."""

    def __init__(self, objects: Objects, new: set[str], allow: Collection[str]) -> None:
        self.objects = objects
        self.new = new
        self.allow = allow
        self.rejections: list[Rejection] = []
        self._done: set[str] = set()  # commits and tags read
        self._trees: set[tuple[str, str]] = set()  # (path prefix, tree) walked
        self._blobs: set[tuple[str, str]] = set()  # (path, blob) audited

    def ref(self, ref: str, sha: str) -> None:
        """A pushed ref's name and everything new it reaches."""
        a = audit.Auditor()
        a.message(f"ref {ref}", ref)
        self._report(ref, a, "ref name")
        via, depth = ref, 0
        while sha in self.new:
            kind, raw = self.objects.read(sha)
            if kind != "tag":
                self._end(ref, sha, kind, raw, via)
                return
            depth += 1
            if depth > MAX_TAG_CHAIN:
                self.rejections.append(Rejection(
                    ref, f"(tag chain): more than {MAX_TAG_CHAIN} tags deep; the guard "
                         f"follows no further and lets nothing in unread", f"tag {sha[:12]}"))
                return
            if sha in self._done:
                return
            self._done.add(sha)
            tag = parse(raw)
            name = tag.first("tag") or sha[:12]
            a = audit.Auditor()
            # The tag's name is part of its message, as `flexgit audit` reads tags.
            for text in views(tag.headers.get("tag", [b""])[0] + b"\n" + tag.message,
                              tag.first("encoding")):
                a.message(f"tag {sha[:12]}", text)
            self._headers(a, f"tag {sha[:12]}", tag)
            self._report(ref, a, f"tag {sha[:12]}")
            target = tag.first("object")
            if target is None:
                raise IntegrityError(f"tag {sha} names no object")
            sha, via = target, f"tag {name}"

    def _end(self, ref: str, sha: str, kind: str, raw: bytes, via: str) -> None:
        """What a ref or tag chain ends at."""
        if kind == "commit":
            self._commits(ref, sha, raw)
            return
        a = audit.Auditor()
        if kind == "tree":
            self._tree(a, sha, f"{via}:", raw)
        elif kind == "blob":
            self._blob(a, via, False, sha, raw)
        else:
            raise IntegrityError(f"object {sha} is of an unknown kind {kind!r}")
        self._report(ref, a, f"{kind} {sha[:12]}")

    def _commits(self, ref: str, tip: str, raw: bytes) -> None:
        todo: list[tuple[str, bytes | None]] = [(tip, raw)]
        while todo:
            sha, data = todo.pop()
            if sha not in self.new or sha in self._done:
                continue
            self._done.add(sha)
            if data is None:
                kind, data = self.objects.read(sha)
                if kind != "commit":
                    raise IntegrityError(f"parent {sha} is a {kind}, not a commit")
            c = parse(data)
            a = audit.Auditor()
            message = readable(c.message, c.first("encoding"))
            for text in views(c.message, c.first("encoding")):
                a.message(f"commit {sha[:12]}", text)
            self._headers(a, f"commit {sha[:12]}", c)
            if parse_trailers(message).get("Flexgit-Sensitive") == "yes":
                self.rejections.append(Rejection(
                    ref, "(commit): private.snapshot -- a private store's snapshot holds "
                         "user data", f"commit {sha[:12]}"))
            tree = c.first("tree")
            if tree is None:
                raise IntegrityError(f"commit {sha} names no tree")
            if tree in self.new:
                self._tree(a, tree, "")
            self._report(ref, a, f"commit {sha[:12]}")
            todo.extend((p.decode("ascii", "replace"), None) for p in c.headers.get("parent", []))

    def _tree(self, a: audit.Auditor, root: str, prefix: str, raw: bytes | None = None) -> None:
        """The names, contents and link targets a new tree brings in. Paths are
        as `flexgit audit` names them, so fingerprints agree."""
        stack: list[tuple[str, str, bytes | None]] = [(prefix, root, raw)]
        while stack:
            pre, sha, data = stack.pop()
            if (pre, sha) in self._trees:
                continue
            self._trees.add((pre, sha))
            if data is None:
                kind, data = self.objects.read(sha)
                if kind != "tree":
                    raise IntegrityError(f"{pre or '/'} is a {kind} {sha}, not a tree")
            if not data and pre.endswith("/"):
                a.name(pre[:-1])  # an empty directory: its name is all there is
            for e in tree_entries(sha, data):
                path = pre + readable(e.name)
                for other in views(e.name)[1:]:
                    # The name's other readings ("\xff\xfe" makes it UTF-16 soup to
                    # readable()); an ordinary name has no other, and costs nothing.
                    a.name(pre + other)
                if not e.usual:
                    raw_mode = e.raw_mode.decode("ascii")
                    a.findings.append(Finding(path, "mode", 0, MODE_RULE,
                                              fingerprint(MODE_RULE, path, raw_mode)))
                if e.is_tree:
                    if e.sha in self.new:
                        stack.append((path + "/", e.sha, None))
                    else:
                        a.name(path)  # accepted content under a new name
                    continue
                a.name(path)
                if (e.is_file or e.is_link) and e.sha in self.new \
                        and (path, e.sha) not in self._blobs:
                    self._blobs.add((path, e.sha))
                    kind, blob = self.objects.read(e.sha)
                    if kind != "blob":
                        raise IntegrityError(f"{path} is a {kind} {e.sha}, not a blob")
                    self._blob(a, path, e.is_link, e.sha, blob)
                # gitlinks point into other repositories: their names only (and
                # any mode git reads as one is refused as unusual above)

    def _blob(self, a: audit.Auditor, path: str, link: bool, sha: str, data: bytes) -> None:
        if link:
            # Re-encoded as UTF-8 so a Latin-1 target reads as letters to the detectors.
            for reading in views(data):
                a.target(path, reading.encode("utf-8", "surrogateescape"))
            return
        kind = content.binary_kind(data)
        if kind is not None and kind not in content.ASSET_KINDS:
            # A snapshot never holds such a file (flexgit leaves it out), and its
            # values cannot be read for sure: bytes that hide text are refused.
            a.findings.append(Finding(path, "binary", 0, BINARY_RULE,
                                      fingerprint(BINARY_RULE, path, sha)))
            return
        a.content(path, data)
        if kind is None:
            text = content.decode(data)
            plain = text is not None and text.encoding in _PLAIN_ENCODINGS and not text.bom
            if not plain or data.translate(None, _CONTROLS) != data:
                # The decoding flexgit.content chose is one reading; a BOM before
                # ASCII, or a NUL inside a value, hides it from that one only.
                for view in raw_views(data):
                    a.message(f"{path} (raw bytes)", view)
            return
        # An asset: kept only as a well-formed one, every text inside it read.
        # A well-formed one's other bytes are compressed pixels or outlines,
        # which read as random text (1.5 % of 5,000 real icons "held" a
        # password so); a malformed one is refused and its bytes read as text
        # too, so the pusher learns what a magic number was put before.
        found = assets.inspect(data)
        for part in found.texts:
            for view in raw_views(part):
                a.message(f"{path} ({kind} metadata)", view)
        if found.problem is not None:
            a.findings.append(Finding(path, "binary", 0, MALFORMED_RULE,
                                      fingerprint(MALFORMED_RULE, path, sha)))
            for view in raw_views(data):
                a.message(f"{path} (raw bytes)", view)

    def _headers(self, a: audit.Auditor, where: str, obj: Parsed) -> None:
        for name, values in obj.headers.items():
            for v in values:
                pattern = _IDS.get(name)
                if pattern is not None and pattern.fullmatch(v):
                    continue
                at = f"{where} {name}"
                addresses = ({m.decode("utf-8", "replace") for m in _ADDRESS.findall(v)}
                             if name in _IDENTITIES else set())
                for text in views(v):
                    for h in scan.scan_text(text):
                        if h.rule == "personal.email" and h.value in addresses:
                            continue
                        a.findings.append(Finding(at, MESSAGE, 0, h.rule,
                                                  fingerprint(h.rule, at, h.value)))

    def _report(self, ref: str, a: audit.Auditor, obj: str) -> None:
        # Several readings of one text find the same value: one line for it.
        seen = {r.describe() for r in self.rejections}
        for f in audit.open_findings(a.result(), self.allow)[0]:
            r = Rejection(ref, f.describe(verbose=True), obj)
            if r.describe() not in seen:
                seen.add(r.describe())
                self.rejections.append(r)


def check(objects: Objects, updates: Iterable[tuple[str, str, str]], *,
          allow: Collection[str] = (), limits: Limits | None = None) -> list[Rejection]:
    """Audit what the (old, new, ref) updates bring into the repository;
    findings whose fingerprint is in `allow` are acknowledged."""
    updates = [(old, new, ref) for old, new, ref in updates if new != ZERO_ID]
    new_objects = objects.new_objects(sorted({new for _o, new, _r in updates}))
    (limits or Limits.of(objects)).check(objects.sizes(sorted(new_objects)))
    guard = Guard(objects, new_objects, allow)
    for _old, new, ref in updates:
        guard.ref(ref, new)
    return guard.rejections
