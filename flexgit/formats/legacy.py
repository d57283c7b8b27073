"""What a backup file leaves unsaid, filled in: the manifest of a file from the
original FlexPBX tools (no `flexgit` object), and the one our exports carry."""

from __future__ import annotations

import re
from typing import Any

from flexgit.errors import BadInput
from flexgit.formats.entries import parse_mode
from flexgit.formats.reader import FileEntry, Header
from flexgit.profile import Profile
from flexgit.snapshot.manifest import Manifest, Meta, shared_meta

UNKNOWN_VERSION = "unknown"
IMPORTED_HOST = "imported"


TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

def default_mode(entry: FileEntry) -> int:
    """The mode of an entry that names none: what the original restore set."""
    if entry.kind == "symlink":
        return 0o777
    if entry.tree_path.startswith("system/usr/local/bin/"):
        return 0o755
    return 0o644


def category(profile: Profile, entry: FileEntry) -> str:
    if entry.category is not None:
        return entry.category
    cat = profile.category_of(entry.root, entry.path, "flxx")
    return cat.name if cat else ""


def meta_for(profile: Profile, entry: FileEntry) -> Meta:
    mode = entry.mode if entry.mode is not None else default_mode(entry)
    return shared_meta(mode, entry.owner or "", entry.group or "", category(profile, entry))


def manifest_head(header: Header, name: str,
                  check_dir: Any) -> tuple[Manifest, dict[str, Any]]:
    """A manifest without files, settings and templates, and the extra templates
    the flexgit object holds. `check_dir(tree_path)` validates an empty dir."""
    f = header.fields
    version = f.get("flexpbx_version", UNKNOWN_VERSION)
    fg = header.flexgit
    if fg is None or not isinstance(fg.get("manifest"), dict):
        return Manifest(backup_type=header.kind, host=IMPORTED_HOST, account="", home="",
                        flexpbx_version=version, profile_digest=""), {}
    m = fg["manifest"]

    def bad(problem: str) -> BadInput:
        return BadInput(f"{name}: flexgit.manifest: {problem}")

    strings = {}
    for key in ("host", "account", "home", "profile_digest"):
        value = m.get(key, "")
        if not isinstance(value, str):
            raise bad(f"{key!r} must be a string")
        strings[key] = value
    empty: dict[str, Meta] = {}
    dirs = m.get("empty_dirs", {})
    if not isinstance(dirs, dict):
        raise bad("'empty_dirs' must be an object")
    for path, v in sorted(dirs.items()):
        problem = check_dir(path)
        if problem:
            raise bad(f"empty directory {path!r}: {problem}")
        empty[path] = _meta(v, path, bad)
    extra = m.get("templates", {})
    if not isinstance(extra, dict):
        raise bad("'templates' must be an object")
    for name, value in extra.items():
        # A template name becomes templates/<name>.json on a fresh restore.
        if not TEMPLATE_NAME.fullmatch(name) or not isinstance(value, dict):
            raise bad(f"template {name!r}: names are letters, digits, '_' and '-', "
                      f"values are objects")
    # The snapshot's own type (what its export defaults to) and what it holds;
    # the file's type is its seed-level backup_type. Files before `captured`
    # have the file's type here.
    own, captured = m.get("backup_type", header.kind), m.get("captured")
    if own not in ("flx", "flxx") or captured not in (None, "flx", "flxx"):
        raise bad(f"backup_type {own!r} and captured {captured!r} must be flx or flxx")
    if (captured or own) == "flxx" and header.kind != "flxx":
        raise bad(f"the manifest says the snapshot holds every flxx category, but the file "
                  f"is a {header.kind}")
    return Manifest(backup_type=own, host=strings["host"], account=strings["account"],
                    home=strings["home"], flexpbx_version=version,
                    profile_digest=strings["profile_digest"], empty_dirs=empty,
                    captured=captured), extra


def _meta(v: Any, path: str, bad: Any) -> Meta:
    if not isinstance(v, dict) or not all(isinstance(v.get(k), str)
                                          for k in ("mode", "owner", "group", "category")):
        raise bad(f"empty directory {path!r}: expected mode, owner, group, category strings")
    mode, problem = parse_mode(v["mode"], "file")
    if problem:
        raise bad(f"empty directory {path!r}: {problem}")
    return Meta(mode, v["owner"], v["group"], v["category"])
