"""The restore plan: one action per path, computed from the source and what is
on disk, before anything is written. A plan is a value: printed by --dry-run,
serialised as JSON, tested, then applied."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
import stat
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flexgit import diff as diff_mod
from flexgit import paths, sanitize
from flexgit.errors import IntegrityError, UsageError
from flexgit.profile import Profile
from flexgit.restore import accounts, credentials, merge, perms
from flexgit.restore.source import USER_DATA_DIRS, Source
from flexgit.selection import Selection
from flexgit.snapshot import (
    Installation,
    binary_problem,
    cache_key,
    known_for,
    read_nofollow,
    scan,
)
from flexgit.snapshot.manifest import Manifest
from flexgit.snapshot.statcache import StatCache
from flexgit.store import LINK, Entry, Files, Store, blob_id

MODES = ("fresh", "merge", "migrate")
ACTIONS = ("create", "update", "delete", "keep", "preserve", "merge", "chmod", "chown", "skip")
# The directory structure the original tool creates in a fresh installation.
FRESH_DIRS = ("users", "admins", "temp_passwords", "push_subscriptions", "cache",
              "cache/sip_status", "logs", "backup", "templates")
SECRET_ALPHABET = string.ascii_letters + string.digits
# Source files up to KEEP_SMALL bytes are kept in the plan as read, up to
# KEEP_TOTAL bytes in all; larger ones are read again when applied.
KEEP_SMALL = 16 << 10
KEEP_TOTAL = 64 << 20
TEMP_PASSWORD_MINUTES = 15


@dataclass
class Action:
    path: str  # tree path: home/… or system/…
    action: str
    reason: str | None = None
    kind: str = "file"  # file, link or dir
    data: bytes | None = None  # what to write (create, update, merge)
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    sha256: str | None = None  # of data, checked on disk before the rename
    diff: str | None = None  # for -v
    blob: str | None = None  # data is this source blob as it is: read when applied

    def as_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "action": self.action}
        if self.reason:
            d["reason"] = self.reason
        return d

    @property
    def writes(self) -> bool:
        return self.action in ("create", "update", "merge", "delete", "chmod", "chown")


@dataclass
class Target:
    home: Path  # where home/ goes (under --root for migrate)
    root: Path
    account: accounts.Account | None  # the owner of home files (None: leave owners alone)
    home_in_content: str  # the home path written into files (/home/alice)
    as_root: bool  # may chown

    def abspath(self, tree_path: str) -> tuple[Path, str]:
        side, _, rel = tree_path.partition("/")
        return (self.home if side == "home" else self.root), rel


@dataclass
class Generated:
    """A secret this restore made up; shown once, saved 0600 in the private store."""

    path: str
    line: int
    what: str
    value: str


@dataclass
class Privileged:
    """A privileged file the source would change that flexgit would not write
    itself (restore/trust.py): shown as a diff, applied only when trusted."""

    path: str
    why: str
    diff: str
    trusted: bool  # --trust-privileged: it is applied, after the confirmation


FIRST_ADMIN = "home/admins/admin.json"  # the admin a fresh restore creates


@dataclass
class Plan:
    mode: str
    source: str
    target: Target
    actions: list[Action] = field(default_factory=list)
    generated: list[Generated] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the restore could not do as asked (it still runs; exit 3 says so).
    warnings: list[str] = field(default_factory=list)
    sudoers: list[str] = field(default_factory=list)  # paths to check with visudo
    # A migrate beside the source account's installation on this machine.
    beside: bool = False
    privileged: list[Privileged] = field(default_factory=list)
    read_blob: Callable[[str], bytes] | None = None  # the source, for Action.blob
    # How the installation's files are sanitized (the profile's rules and the
    # target's sweep), to compare a live file with the source's sanitized one.
    sanitized: Callable[[str, bytes], bytes] = field(
        default=lambda path, data: sanitize.sanitize(path, data).data, repr=False)

    @property
    def temp_admin(self) -> Generated | None:
        """The first admin's temporary password, when this restore makes one."""
        return next((g for g in self.generated if g.path == FIRST_ADMIN), None)

    def data_of(self, a: Action) -> bytes:
        if a.data is not None:
            return a.data
        if a.blob is not None and self.read_blob is not None:
            return self.read_blob(a.blob)
        return b""

    def as_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "source": self.source,
                "actions": [a.as_json() for a in self.actions], "notes": self.notes,
                "warnings": self.warnings}

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self.actions:
            out[a.action] = out.get(a.action, 0) + 1
        return out

    @property
    def changes(self) -> list[Action]:
        return [a for a in self.actions if a.writes]


def new_secret(n: int = 24, alphabet: str = SECRET_ALPHABET) -> str:
    """n characters drawn uniformly from alphabet (ASCII) out of the OS random
    source; rejection sampling keeps it unbiased, and bytes.translate does the
    drawing in C (a fresh restore makes thousands of these)."""
    table, rejected = _draw_tables(alphabet)
    out = b""
    while len(out) < n:
        out += secrets.token_bytes(2 * n).translate(table, rejected)
    return out[:n].decode("ascii")


@functools.lru_cache(maxsize=8)
def _draw_tables(alphabet: str) -> tuple[bytes, bytes]:
    """byte -> character table, and the bytes to reject (those past the last
    whole multiple of len(alphabet), which would favour the first characters)."""
    limit = 256 - 256 % len(alphabet)
    chars = alphabet.encode("ascii")
    return bytes(chars[b % len(chars)] for b in range(256)), bytes(range(limit, 256))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*|\d+")


def _secret_for(prefix: str) -> tuple[str, str]:
    """(what, new value) for the placeholder after `prefix` on its line: digits
    for voicemail PINs, hex for MD5 credentials, letters and digits otherwise."""
    names = _NAME.findall(prefix)
    what = names[-1] if names else "secret"
    low = what.lower()
    mailbox = re.match(r"\s*\d+\s*=>\s*$", prefix) is not None
    if mailbox or low in ("pin", "vmsecret", "voicemail_pin") or low.endswith("_pin"):
        return (f"PIN of mailbox {what}" if mailbox else what, new_secret(8, string.digits))
    if low in ("md5_cred", "md5secret"):
        return what + " (set it from the new password)", secrets.token_hex(16)
    return what, new_secret()


def _fill_secrets(path: str, data: bytes, out: list[Generated]) -> bytes:
    """Replace each secret placeholder by a new strong secret (fresh, migrate,
    and new files in merge: a publicly known placeholder is no password)."""
    marker = sanitize.SECRET_PLACEHOLDER.encode()
    if marker not in data or diff_mod.is_binary(data):
        return data  # the sanitizer never touches binary files: no placeholder there
    parts: list[bytes] = []
    pos, line_no = 0, 1  # data[:pos] is done; pos is at the start of line line_no
    while (i := data.find(marker, pos)) != -1:
        start = data.rfind(b"\n", 0, i) + 1
        end = data.find(b"\n", i)
        end = len(data) if end == -1 else end
        line_no += data.count(b"\n", pos, start)
        line = data[start:end]
        while marker in line:
            prefix = line.split(marker, 1)[0].decode("utf-8", "replace")
            what, value = _secret_for(prefix)
            out.append(Generated(path, line_no, what, value))
            line = line.replace(marker, value.encode(), 1)
        parts += (data[pos:start], line)
        pos = end
    parts.append(data[pos:])
    return b"".join(parts)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _owner(meta_owner: str, meta_group: str, path: str,
           t: Target) -> tuple[int | None, int | None]:
    """Who owns what root writes at `path`: the account on the home side
    (else the source's owner, the home's owner being unknown), and on the
    system side root or the live file's owner, never an account the source
    names (restore/perms.py)."""
    if not t.as_root:
        return None, None
    side = path.split("/", 1)[0]
    if side == "home" and t.account is not None:
        return t.account.uid, t.account.gid
    if side == "system":
        base_dir, rel = t.abspath(path)
        return perms.system_owner(_lstat(base_dir / rel), meta_group)
    try:
        import grp
        import pwd

        return (pwd.getpwnam(meta_owner).pw_uid if meta_owner else 0,
                grp.getgrnam(meta_group).gr_gid if meta_group else 0)
    except KeyError:
        return 0, 0  # names unknown here: root's


def _lstat(p: Path | str) -> os.stat_result | None:
    try:
        return os.lstat(p)
    except FileNotFoundError:
        return None


def build(source: Source, mode: str, target: Target, profile: Profile, *,
          base: tuple[Store, Files] | None = None, skip_sudoers: bool = False,
          verbose: bool = False, force: bool = False,
          select: Selection | None = None, own_values: bool = True) -> Plan:
    """Compute the plan. `base` is the last snapshot of the installation (store
    and files), the common ancestor for JSON three-way merges. With `select`
    the plan is that of the part alone: nothing outside it is read, written,
    deleted or preserved, as if the source and the disk held only the part.
    Without `own_values` (a source nobody vouches for) the source's credential
    values are placeholders (restore/credentials.py)."""
    if mode not in MODES:
        raise UsageError(f"Invalid mode: {mode} (use fresh, merge or migrate)")
    plan = Plan(mode, source.label, target)
    plan.read_blob = lambda sha: source.store.read_blob(sha)
    sweep = known_for(Installation(target.home, target.root), profile).sweep
    plan.sanitized = lambda p, d: sanitize.sanitize(p, d, profile.rules, sweep).data
    man = source.manifest
    migrating = mode == "migrate"
    plan.beside = migrating and accounts.installed_here(man.home, target.home_in_content,
                                                        target.root)
    old_home = man.home
    cred_rules = None if own_values else credentials.credential_rules(profile.rules)
    # In a merge, a file whose stat says it is what the last snapshot saw, and
    # whose sanitized form is exactly the source's, stays: nothing to read.
    cache = StatCache(base[0].path, cache_key(profile, sweep)) \
        if base is not None and mode == "merge" and old_home == target.home_in_content \
        else None
    # Only what the profile manages is ever written: a backup file naming
    # home/.ssh/…, etc/sudoers or the private store gets a "skip", not a write.
    manage = profile.with_data(voicemail=True) \
        if man.sensitive or source.has_user_data else profile
    # What the profile manages on disk now: the files the source lacks, and
    # the stat results the stat cache compares (one stat per file, not two).
    part = select if select is not None and not select.whole else None
    live = [item for item in scan.walk(profile, target.home, target.root, man.holds)
            if isinstance(item, scan.Found)
            and (part is None or part.wants(item.path, is_dir=item.kind == "dir"))]
    stats = {item.path: item.st for item in live}
    for path, problem in sorted(source.damaged.items()):
        if _unmanaged(manage, path) is None:
            _damaged(plan, path, problem)
    kept = 0  # bytes of source files the plan holds (KEEP_TOTAL)
    for path in sorted(source.files):
        if part is not None and not part.wants(path):
            continue
        entry = source.files[path]
        why = _unmanaged(manage, path)
        if why:
            plan.actions.append(Action(path, "skip", why))
            continue
        if cache is not None and _unchanged(cache, path, entry, man, target, stats.get(path)):
            plan.actions.append(Action(path, "keep"))
            continue
        raw = source.read(entry)
        if blob_id(raw) != entry.sha:
            if not force:
                raise IntegrityError(f"{source.label}: {path} does not match its checksum; "
                                     f"run `flexgit verify` (--force restores the other files "
                                     f"and keeps this one as it is on disk)")
            _damaged(plan, path, "does not match its checksum")
            continue
        meta = man.files.get(path)
        data = raw
        if entry.mode != LINK and not diff_mod.is_binary(raw):
            if old_home and old_home != target.home_in_content:
                data, _ = accounts.rewrite_home(data, old_home, target.home_in_content)
            if cred_rules is not None and not path.startswith("system/etc/sudoers.d/"):
                data = credentials.as_placeholders(path, data, cred_rules)
            if path.startswith("system/etc/sudoers.d/"):
                if skip_sudoers:
                    plan.actions.append(Action(path, "skip", "--skip-sudoers"))
                    continue
                if migrating and target.account is not None:
                    data = accounts.rewrite_user(data, man.account, target.account.name)
                plan.sudoers.append(path)
        # Permission bits only, bounded (restore/perms.py): setuid/setgid never
        # come back from a backup, nor files others may write or secrets they may read.
        fmode = perms.mode(path, meta.mode if meta else (
            0o755 if entry.mode == 0o100755 else 0o644))
        if path.startswith("system/etc/sudoers.d/"):
            fmode = 0o440
        uid, gid = _owner(meta.owner if meta else "", meta.group if meta else "", path, target)
        action = _file_action(plan, path, entry, data, fmode, uid, gid, target, mode, base,
                              verbose)
        if path in plan.sudoers and action.writes and accounts.visudo() is None:
            # A sudoers file is installed only once visudo has checked it; a
            # machine without sudo gets the rest of the restore.
            plan.sudoers.remove(path)
            action = Action(path, "skip", "visudo not found")
            plan.warnings.append(f"{path} was not restored: visudo is not installed to "
                                 f"check it (install the sudo package and restore again)")
        if action.data is not None and action.data is raw:
            if len(raw) <= KEEP_SMALL and kept + len(raw) <= KEEP_TOTAL:
                # Small files stay in the plan: reading a blob again costs more
                # than the bytes (100,000 tiny files: 2 s of pack lookups).
                kept += len(raw)
            else:
                # Written as stored: read it again when applied instead of holding
                # every file of the installation in memory at once.
                action.data, action.blob = None, entry.sha
        plan.actions.append(action)
    for path, meta in sorted(man.empty_dirs.items()):
        if _unmanaged(manage, path + "/.keep") or (part is not None and
                                                   not part.wants(path, is_dir=True)):
            continue
        base_dir, rel = target.abspath(path)
        st = _lstat(base_dir / rel)
        uid, gid = _owner(meta.owner, meta.group, path, target)
        if st is None:
            plan.actions.append(Action(path, "create", "directory", kind="dir",
                                       mode=perms.mode(path, meta.mode, is_dir=True),
                                       uid=uid, gid=gid))
    if mode in ("fresh", "migrate"):
        _fresh_extras(plan, source, target, profile)
    _local_only(plan, source, target, live)
    if part is not None:
        _keep_part(plan, part)
    return plan


def _keep_part(plan: Plan, part: Selection) -> None:
    """What the fresh extras and the user data walk added outside the part goes."""
    plan.actions = [a for a in plan.actions if part.wants(a.path, is_dir=a.kind == "dir")]
    plan.generated = [g for g in plan.generated if part.wants(g.path)]


def _damaged(plan: Plan, path: str, problem: str) -> None:
    """--force: a damaged source file is skipped, never written; what is on
    disk stays (also in fresh mode, which would otherwise delete it)."""
    plan.actions.append(Action(path, "skip", "damaged in the source: kept as it is on disk"))
    plan.warnings.append(f"{path} was not restored: {problem} (--force restored the other "
                         f"files; what is on disk is unchanged)")


def _unmanaged(profile: Profile, path: str) -> str | None:
    """Why the profile does not let a restore write `path`, or None."""
    side, _, rel = path.partition("/")
    if side not in ("home", "system") or not rel:
        return "not an installation path"
    backup = profile.backup_dir
    if side == "home" and (rel == backup or rel.startswith(backup + "/")):
        return "the backup directory is never restored into"
    if profile.excluded(side, rel):
        return "excluded by the profile"
    if profile.category_of(side, rel, "flxx") is None:
        return "not part of a FlexPBX installation (see `flexgit profile`)"
    return None


def _unchanged(cache: StatCache, path: str, entry: Entry, man: Manifest, t: Target,
               st: os.stat_result | None) -> bool:
    """Whether the file on disk is the source's, by the stat cache; `st` is
    the walk's stat of it (None: the walk did not see it, ask the disk)."""
    if entry.mode == LINK or path.startswith("system/etc/sudoers.d/"):
        return False
    if st is None:
        base_dir, rel = t.abspath(path)
        st = _lstat(f"{base_dir}/{rel}")
    if st is None or not stat.S_ISREG(st.st_mode) or st.st_nlink > 1:
        return False
    hit = cache.get(path, st)
    meta = man.files.get(path)
    if hit is None or hit.sha != entry.sha or meta is None:
        return False
    if stat.S_IMODE(st.st_mode) != perms.mode(path, meta.mode):
        return False
    return not (t.as_root and t.account is not None and path.startswith("home/")
                and (st.st_uid, st.st_gid) != (t.account.uid, t.account.gid))


def _file_action(plan: Plan, path: str, entry: Entry, data: bytes, fmode: int,
                 uid: int | None, gid: int | None, t: Target, mode: str,
                 base: tuple[Store, Files] | None, verbose: bool) -> Action:
    base_dir, rel = t.abspath(path)
    target = base_dir / rel
    kind = "link" if entry.mode == LINK else "file"
    unsafe = paths.parents_safe(base_dir, rel)
    if unsafe:
        return Action(path, "skip", f"unsafe target: {unsafe}")
    st = _lstat(target)
    if st is not None and stat.S_ISDIR(st.st_mode):
        return Action(path, "skip", f"{target} is a directory")
    if kind == "link":
        if st is not None and stat.S_ISLNK(st.st_mode) and \
                os.readlink(target).encode("utf-8", "surrogateescape") == data:
            return Action(path, "keep", kind="link")
        return Action(path, "create" if st is None else "update", kind="link", data=data,
                      uid=uid, gid=gid, sha256=_sha256(data),
                      reason=None if st is None else "symlink target")
    if st is None:
        data = _fill_secrets(path, data, plan.generated)
        return Action(path, "create", data=data, mode=fmode, uid=uid, gid=gid,
                      sha256=_sha256(data))
    if stat.S_ISLNK(st.st_mode):
        # Replacing the link itself (never writing through it) is safe.
        data = _fill_secrets(path, data, plan.generated)
        return Action(path, "update", "replaces a symlink", data=data, mode=fmode, uid=uid,
                      gid=gid, sha256=_sha256(data))
    live = read_nofollow(target)
    old = None  # the base is what a merge's three-way JSON merge needs
    if mode == "merge" and base is not None and path in base[1]:
        old = base[0].read_blob(base[1][path].sha)
    rec = merge.reconcile(path, data, live, old, mode=mode, beside=plan.beside,
                          sanitized=functools.partial(plan.sanitized, path))
    action, reason = ("merge" if rec.merged else "update"), None
    for note in rec.notes:
        reason = reason or note
        plan.notes.append(f"{path}: {note}")
    if rec.new_keys:
        # Keys only, never values: the values are shown once, with the others.
        shown = ", ".join(rec.new_keys[:8]) + (" …" if len(rec.new_keys) > 8 else "")
        plan.notes.append(f"{path}: no live value for {shown}; new secrets were generated "
                          f"for them")
    data = rec.data if rec.data is live else _fill_secrets(path, rec.data, plan.generated)
    if data == live and st.st_nlink > 1:
        # A hard link shares its inode with a file elsewhere: chmod/chown would
        # change that file too, so the entry is replaced instead.
        cur_mode = stat.S_IMODE(st.st_mode)
        if cur_mode != fmode or (uid is not None and (st.st_uid, st.st_gid) != (uid, gid)):
            return Action(path, "update", "hard link: replaced, not changed in place",
                          data=data, mode=fmode, uid=uid, gid=gid, sha256=_sha256(data))
    if data == live:
        cur_mode = stat.S_IMODE(st.st_mode)
        if cur_mode != fmode:
            return Action(path, "chmod", f"{cur_mode:04o} -> {fmode:04o}", mode=fmode)
        if uid is not None and (st.st_uid, st.st_gid) != (uid, gid):
            return Action(path, "chown", f"{scan.user_name(st.st_uid)} -> "
                          f"{scan.user_name(uid)}", uid=uid, gid=gid)
        return Action(path, "keep")
    a = Action(path, action, reason, data=data, mode=fmode, uid=uid, gid=gid,
               sha256=_sha256(data))
    if verbose:
        # Diffs shown to the user are of sanitized text: -v never prints a secret.
        a.diff = diff_mod.render(diff_mod.Change(path, "M", None, None),
                                 plan.sanitized(path, live), plan.sanitized(path, data),
                                 label_a="disk", label_b="restore")
    return a


def _user_data_files(home: Path) -> Iterator[str]:
    for d in USER_DATA_DIRS:
        top = home / d
        if not top.is_dir() or top.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [n for n in dirnames if not os.path.islink(os.path.join(dirpath, n))]
            for name in sorted(filenames):
                rel = os.path.relpath(os.path.join(dirpath, name), home)
                yield "home/" + rel.replace(os.sep, "/")


def _local_only(plan: Plan, source: Source, t: Target, live: list[scan.Found]) -> None:
    """Managed files on disk that the source does not have, and user data."""
    taken = {a.path for a in plan.actions}
    fresh = plan.mode in ("fresh", "migrate")
    shareable = not (source.manifest.sensitive or source.has_user_data)
    for item in live:
        if item.path in taken or item.kind == "dir":
            continue
        if not fresh:
            plan.actions.append(Action(item.path, "preserve", "not in the source"))
        elif item.path.startswith("system/"):
            # Shared with the other accounts and the host (another account's
            # sudoers snippet, its pjsip_*.conf, the shared sudoers file's other
            # rules): a fresh restore of this installation never deletes them.
            plan.actions.append(Action(item.path, "preserve", "a shared system file"))
        elif shareable and _never_shared(item):
            plan.actions.append(Action(item.path, "preserve",
                                       "a binary a shareable snapshot never holds"))
        else:
            plan.actions.append(Action(item.path, "delete", "not in the source"))
    for path in _user_data_files(t.home):
        if path in taken:
            continue
        if fresh and not source.has_user_data:
            plan.actions.append(Action(path, "delete", "user data (saved to the private store)"))
        elif not fresh:
            plan.actions.append(Action(path, "preserve", "user data"))


def _never_shared(item: scan.Found) -> bool:
    """A file on disk that a sanitized source cannot hold (a database, an
    archive: snapshot.binary_problem), so its absence there says nothing."""
    if item.kind != "file":
        return False
    try:
        with open(item.abspath, "rb") as f:
            # content.binary_kind decides on the first 8 KiB.
            return binary_problem(f.read(1 << 16)) is not None
    except OSError:
        return False


def _fresh_extras(plan: Plan, source: Source, t: Target, profile: Profile) -> None:
    uid, gid = (t.account.uid, t.account.gid) if (t.as_root and t.account) else (None, None)
    for d in FRESH_DIRS:
        if d == "backup":
            d = profile.backup_dir
        if _lstat(t.home / d) is None:
            plan.actions.append(Action(f"home/{d}", "create", "directory", kind="dir",
                                       mode=0o750, uid=uid, gid=gid))
    have = set(source.files)
    if "home/flexpbx-config.json" not in have and source.manifest.default_settings:
        data = json.dumps(source.manifest.default_settings, indent=2).encode() + b"\n"
        data = _fill_secrets("home/flexpbx-config.json", data, plan.generated)
        plan.actions.append(Action("home/flexpbx-config.json", "create", "from default_settings",
                                   data=data, mode=0o640, uid=uid, gid=gid,
                                   sha256=_sha256(data)))
    for name, doc in sorted(source.manifest.templates.items()):
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name) or not isinstance(doc, dict):
            plan.notes.append(f"template {name[:40]!r} skipped: not a valid template name")
            continue
        path = f"home/templates/{name}.json"
        if path not in have:
            data = json.dumps(doc, indent=2).encode() + b"\n"
            plan.actions.append(Action(path, "create", "template", data=data, mode=0o640,
                                       uid=uid, gid=gid, sha256=_sha256(data)))
    if not source.has_user_data:
        import bcrypt

        password = new_secret(16)
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(10)).decode()
        # PHP's password_verify() accepts $2y$; Python's bcrypt writes $2b$: same algorithm.
        hashed = "$2y$" + hashed[4:]
        now = time.time()
        doc = {"username": "admin", "name": "Administrator",
               "email": sanitize.placeholders.ADMIN_EMAIL_PLACEHOLDER,
               "password_hash": hashed, "role": "admin", "temporary_password": True,
               "must_change_password": True,
               "temp_password_expires": time.strftime("%Y-%m-%d %H:%M:%S",
                                                      time.localtime(now + 60 *
                                                                     TEMP_PASSWORD_MINUTES)),
               "created": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))}
        data = json.dumps(doc, indent=2).encode() + b"\n"
        plan.actions = [a for a in plan.actions if a.path != FIRST_ADMIN]
        plan.actions.append(Action(FIRST_ADMIN, "create", "first admin",
                                   data=data, mode=0o640, uid=uid, gid=gid,
                                   sha256=_sha256(data)))
        plan.generated.append(Generated(FIRST_ADMIN, 0,
                                        f"temporary admin password (expires in "
                                        f"{TEMP_PASSWORD_MINUTES} minutes)", password))
