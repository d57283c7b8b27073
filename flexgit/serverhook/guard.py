"""What the guard audits of a push: every object the push brings in that a
pushed ref reaches, of every kind, with the audit's detectors.

From each ref: a tag chain to its end (or a refusal past MAX_TAG_CHAIN),
then a commit's history, a tree or a blob, whatever it ends at. Of commits
and tags their messages and any header that is not git's own bookkeeping;
of trees every entry's name; of blobs their content (any encoding, through
flexgit.content) or, for a symlink, its target. Objects reachable from the
refs the repository had before the push were accepted then and are not read
again, so a push costs what it brings, not what the repository holds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from flexgit import audit, content
from flexgit.audit.findings import Finding, fingerprint
from flexgit.errors import IntegrityError
from flexgit.serverhook.objects import ZERO_ID, Objects, Parsed, parse, tree_entries
from flexgit.store import parse_trailers

# Snapshots are tagged directly; a chain this deep is made to hide its end.
MAX_TAG_CHAIN = 32
# Headers that hold only ids, a size or git's own values. Everything else is
# text a client chose and is audited: messages, mergetag, a header git does not
# know, and signatures too (flexgit never signs; a signature block is free text
# no reader checks). Identities (author, committer, tagger) by their name part:
# the address is the pusher's, on every hand-made commit.
_IDS = frozenset({"tree", "parent", "object", "type", "encoding", "tag"})
_IDENTITIES = frozenset({"author", "committer", "tagger"})
_EMAIL_AND_DATE = re.compile(rb"\s*<[^<>]*>\s*[0-9]+\s*[-+][0-9]{4}\s*$")
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10)) + b"\x7f"
_CONTROLS_TO_NEWLINES = bytes.maketrans(_CONTROLS, b"\n" * len(_CONTROLS))
BINARY_RULE = "guard.binary"
# Text runs in an image's bytes: compressed pixels make none this long by chance.
_PRINTABLE_RUNS = re.compile(rb"[\x20-\x7e\t]{12,}")


@dataclass(frozen=True)
class Rejection:
    ref: str
    where: str  # "path:line: rule  [fingerprint]", or what is wrong
    obj: str = ""  # "commit <id>", "tag <id>", ...: which pushed object holds it

    def describe(self) -> str:
        return f"{self.ref}: {self.where}" + (f" ({self.obj})" if self.obj else "")


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
            a.message(f"tag {sha[:12]}", readable(tag.headers.get("tag", [b""])[0]) + "\n"
                      + readable(tag.message))
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
            a.message(f"commit {sha[:12]}", message)
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
                # gitlinks point into other repositories: their names only

    def _blob(self, a: audit.Auditor, path: str, link: bool, sha: str, data: bytes) -> None:
        if link:
            # Re-encoded as UTF-8 so a Latin-1 target reads as letters to the detectors.
            a.target(path, readable(data).encode("utf-8", "surrogateescape"))
            return
        kind = content.binary_kind(data)
        if kind is not None and kind not in content.ASSET_KINDS:
            # A snapshot never holds such a file (flexgit leaves it out), and its
            # values cannot be read for sure: bytes that hide text are refused.
            a.findings.append(Finding(path, "binary", 0, BINARY_RULE,
                                      fingerprint(BINARY_RULE, path, sha)))
            return
        a.content(path, data)
        if kind == "image":
            # The audit keeps an image as it is; what it carries besides pixels
            # (metadata, or text after its end) is read here.
            runs = _PRINTABLE_RUNS.findall(data)
            extra = "\n".join([content.image_text(data), *(r.decode("ascii") for r in runs)])
            if extra.strip():
                a.message(f"{path} (image metadata)", extra)

    def _headers(self, a: audit.Auditor, where: str, obj: Parsed) -> None:
        for name, values in obj.headers.items():
            if name in _IDS:
                continue
            for v in values:
                if name in _IDENTITIES:
                    v = _EMAIL_AND_DATE.sub(b"", v)
                a.message(f"{where} {name}", readable(v))

    def _report(self, ref: str, a: audit.Auditor, obj: str) -> None:
        for f in audit.open_findings(a.result(), self.allow)[0]:
            self.rejections.append(Rejection(ref, f.describe(verbose=True), obj))


def check(objects: Objects, updates: Iterable[tuple[str, str, str]], *,
          allow: Collection[str] = ()) -> list[Rejection]:
    """Audit what the (old, new, ref) updates bring into the repository;
    findings whose fingerprint is in `allow` are acknowledged."""
    updates = [(old, new, ref) for old, new, ref in updates if new != ZERO_ID]
    guard = Guard(objects, objects.new_objects(sorted({new for _o, new, _r in updates})), allow)
    for _old, new, ref in updates:
        guard.ref(ref, new)
    return guard.rejections
