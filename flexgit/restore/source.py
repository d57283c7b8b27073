"""What a restore restores from: a snapshot of a store, seen as files plus the
manifest that says their modes, owners and the home they came from."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from flexgit.errors import UsageError
from flexgit.snapshot.manifest import MANIFEST_PATH, REPORT_PATH, Manifest
from flexgit.store import Entry, Files, Store


@dataclass
class Source:
    store: Store
    commit: str
    label: str  # what the user named: a revision or a backup file
    files: Files  # installation files only, without .flexgit/
    manifest: Manifest
    scratch: Path | None = None  # a temporary store this source owns (backup files)
    # restore --force: entries of a backup file left out because their content
    # does not match its hash (tree path -> problem); the plan keeps the disk's.
    damaged: dict[str, str] = field(default_factory=dict)

    def close(self) -> None:
        self.store.close()
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def read(self, entry: Entry) -> bytes:
        return self.store.read_blob(entry.sha)

    @property
    def has_user_data(self) -> bool:
        return any(p.split("/")[1] in USER_DATA_DIRS for p in self.files if p.startswith("home/"))


# The account's user data: never in a shareable snapshot, always preserved by
# merge, saved to the private store before any restore writes.
USER_DATA_DIRS = ("users", "admins", "push_subscriptions", "temp_passwords")


def from_commit(store: Store, commit: str, label: str) -> Source:
    tree = store.read_tree(commit)
    entry = tree.get(MANIFEST_PATH)
    if entry is None:
        raise UsageError(f"{label}: snapshot {commit[:12]} has no manifest; "
                         f"it was not made by flexgit")
    manifest = Manifest.from_bytes(store.read_blob(entry.sha), f"{label}:{MANIFEST_PATH}")
    files = {p: e for p, e in tree.items() if p not in (MANIFEST_PATH, REPORT_PATH)
             and not p.startswith(".flexgit/")}
    return Source(store, commit, label, files, manifest)


def looks_like_file(spec: str) -> bool:
    p = Path(spec)
    return p.exists() or spec.endswith((".flx", ".flxx", ".gz", ".gpg")) or "/" in spec
