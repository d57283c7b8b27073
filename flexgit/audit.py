"""Looking for secrets that got past the sanitizer: in a snapshot, a backup file
or every blob of the store. A finding names where and which rule, never the
value."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flexgit import sanitize
from flexgit.errors import BadInput
from flexgit.formats.flx import TEMPLATE_FIELDS
from flexgit.formats.limits import Limits
from flexgit.formats.reader import FileEntry, Reader
from flexgit.manifest import REPORT_PATH
from flexgit.store import LINK, Store

# The sanitize report is ours and holds only rule names and counts; its keys
# ("json.password": 3) would read as secrets to the key rules.
_SKIP = frozenset({REPORT_PATH})


@dataclass(frozen=True)
class Finding:
    path: str  # tree path, path in the backup file, or "" for an unreachable object
    rule: str
    line: int
    object: str | None = None  # the blob id, for `audit --all`

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "rule": self.rule, "line": self.line}
        if self.object is not None:
            out["object"] = self.object
        return out

    def describe(self) -> str:
        where = self.path or "(unreachable)"
        if self.object is not None:
            where = f"{self.object[:12]} {where}"
        return f"{where}:{self.line}: {self.rule}"


def _scan(path: str, data: bytes, rules: sanitize.Rules, *, shown: str | None = None,
          obj: str | None = None) -> list[Finding]:
    return [Finding(path if shown is None else shown, f.rule, f.line, obj)
            for f in sanitize.find_secrets(path, data, rules)]


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.object or "", f.line, f.rule))


def audit_snapshot(store: Store, rev: str, rules: sanitize.Rules) -> list[Finding]:
    """Every file of a snapshot, its manifest and sanitize report included."""
    return audit_commit(store, store.resolve(rev), rules)


def audit_commit(store: Store, sha: str, rules: sanitize.Rules, *,
                 seen: set[tuple[str, str]] | None = None) -> list[Finding]:
    """Every file of commit `sha`, which need not be a flexgit snapshot nor in
    any history the store knows (a pushed commit, in a server's hook). With
    `seen`, a (path, blob) already audited in this run is not read again."""
    out: list[Finding] = []
    for path, entry in sorted(store.read_tree(sha).items()):
        if entry.mode & 0o170000 != 0o100000 or path in _SKIP:
            continue  # links hold no content; gitlinks point into other repositories
        if seen is not None:
            if (path, entry.sha) in seen:
                continue
            seen.add((path, entry.sha))
        out += _scan(path, store.read_blob(entry.sha), rules)
    return _sorted(out)


def resolve_plain(store: Store, rev: str) -> str:
    """A commit id from a full id or a ref name (main, refs/heads/…, a tag) of
    a plain repository, where flexgit's `latest~N` names mean nothing."""
    from flexgit.errors import UsageError
    from flexgit.store import object_kind

    refs = store.all_refs()
    for name in (rev, f"refs/heads/{rev}", f"refs/tags/{rev}"):
        if name in refs:
            return refs[name]
    low = rev.lower()
    if len(low) == 40 and all(c in "0123456789abcdef" for c in low) and \
            object_kind(store, low) == "commit":
        return low
    raise UsageError(f"{rev!r} is no commit id or ref of {store.path}; give a full 40-digit "
                     f"commit id or a ref name")


def audit_file(path: Path, rules: sanitize.Rules, *, limits: Limits | None = None,
               name: str | None = None) -> list[Finding]:
    """Every file entry of a backup file, and its settings and templates."""
    reader = Reader(path, limits=limits, name=name)
    out: list[Finding] = []

    def entry(e: FileEntry) -> None:
        if e.kind == "file":
            out.extend(_scan(e.tree_path, e.data, rules, shown=e.path))

    def problem(label: str, text: str) -> None:
        raise BadInput(f"{reader.name}: {label}: {text}; run `flexgit verify` on it")

    header = reader.read(entry, problem)
    for key, tree_path in (("default_settings", "home/templates/settings_template.json"),
                           *((k, f"home/templates/{k}.json") for k in TEMPLATE_FIELDS)):
        value = header.fields.get(key)
        if isinstance(value, dict):
            data = json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8",
                                                                          "surrogatepass")
            out += _scan(tree_path, data, rules, shown=key)
    return _sorted(out)


def audit_store(store: Store, rules: sanitize.Rules) -> list[Finding]:
    """Every blob object in the store, reachable or not; a blob reachable from a
    snapshot or tag is scanned under (and reported with) its first path."""
    paths: dict[str, str] = {}
    starts = [s for s in (store.head(), *store.tags().values()) if s]
    seen: set[str] = set()
    for start in starts:
        for info in store.history(start):
            if info.id in seen:
                break
            seen.add(info.id)
            for path, entry in store.read_tree(info.tree, is_tree=True).items():
                if entry.mode != LINK:
                    paths.setdefault(entry.sha, path)
    out: list[Finding] = []
    for sha, kind, data in store.iter_objects():
        if kind == "blob" and paths.get(sha) not in _SKIP:
            out += _scan(paths.get(sha, ""), data, rules, obj=sha)
    return _sorted(out)


def audit_plain(repo: Path, rev: str, rules: sanitize.Rules) -> tuple[list[Finding], str]:
    """audit_commit on any bare repository (not a flexgit store); (findings, id)."""
    from flexgit.store import open_plain

    store = open_plain(repo)
    try:
        sha = resolve_plain(store, rev)
        return audit_commit(store, sha, rules), sha
    finally:
        store.close()
