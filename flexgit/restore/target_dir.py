"""`restore --target DIR`: a snapshot, or part of it, written into a separate
directory for inspection, as restic's `restore --target` does.

The files are the snapshot's as they are (sanitized, placeholders where the
secrets were, no home paths rewritten), under DIR/home/… and DIR/system/…
with the snapshot's permission bits and the caller's ownership: nothing is
merged, no secret is generated, no owner changed, no sudoers file checked or
installed and nothing in the installation touched, so neither root nor the
pre-restore save is needed. Writes go through the same O_NOFOLLOW directory
handles as a restore's, so nothing lands outside DIR."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flexgit import paths
from flexgit.errors import IntegrityError, UsageError
from flexgit.profile import CAPTURE, Profile
from flexgit.restore.plan import Action, Plan, Target, _lstat, _sha256
from flexgit.restore.source import Source
from flexgit.selection import Selection
from flexgit.store import LINK, blob_id

MODE = "target"


def check_dir(directory: Path, *, home: Path, root: Path, profile: Profile) -> Path:
    """DIR as an absolute path, refused when writing into it would write into
    the installation (DIR/home is the home, or DIR lies where the profile
    backs up: a copy under public_html/ would be served and snapshotted)."""
    d = directory.expanduser().absolute()
    if os.path.lexists(d) and not d.is_dir():
        raise UsageError(f"--target {directory}: not a directory")
    real = Path(os.path.realpath(d))
    for side, live in (("home", home), ("system", root)):
        live_real = Path(os.path.realpath(live))
        if Path(os.path.realpath(d / side)) == live_real:
            raise UsageError(f"--target {directory}: {d / side} is the installation's "
                             f"{side} side; name a separate directory")
        if real == live_real or live_real in real.parents:
            rel = real.relative_to(live_real).as_posix()
            probe = f"{rel}/{side}/x" if rel != "." else f"{side}/x"
            if profile.category_of(side, probe, CAPTURE) is not None:
                raise UsageError(f"--target {directory}: inside what the profile backs up "
                                 f"({side}/{probe.rsplit('/', 1)[0]}); name a directory "
                                 f"outside the installation")
    return d


def build(source: Source, directory: Path, *, select: Selection | None = None,
          force: bool = False) -> Plan:
    """The plan of writing the (selected) files of `source` into `directory`:
    create what is missing, update what differs, keep what is equal, never delete."""
    t = Target(directory / "home", directory / "system", None, "", as_root=False)
    label = f"{source.label} {select.describe()}".strip() if select else source.label
    plan = Plan(MODE, label, t)
    plan.read_blob = source.store.read_blob
    man = source.manifest
    for path in sorted(source.files):
        if select is not None and not select.wants(path):
            continue
        entry = source.files[path]
        raw = source.read(entry)
        if blob_id(raw) != entry.sha and not force:
            raise IntegrityError(f"{source.label}: {path} does not match its checksum; "
                                 f"run `flexgit verify` (use --force to restore it anyway)")
        meta = man.files.get(path)
        # Permission bits of the snapshot, without setuid, setgid and sticky.
        fmode = (meta.mode if meta else (0o755 if entry.mode & 0o100 else 0o644)) & 0o777
        plan.actions.append(_action(t, path, entry.mode == LINK, raw, fmode, entry.sha))
    for path, meta in sorted(man.empty_dirs.items()):
        if select is not None and not select.wants(path, is_dir=True):
            continue
        base, rel = t.abspath(path)
        unsafe = paths.parents_safe(base, rel + "/x")
        if unsafe:
            plan.actions.append(Action(path, "skip", f"unsafe target: {unsafe}", kind="dir"))
        elif _lstat(base / rel) is None:
            plan.actions.append(Action(path, "create", "directory", kind="dir",
                                       mode=meta.mode & 0o777))
    return plan


def _action(t: Target, path: str, is_link: bool, raw: bytes, fmode: int, sha: str) -> Action:
    base, rel = t.abspath(path)
    kind = "link" if is_link else "file"
    unsafe = paths.parents_safe(base, rel)
    if unsafe:
        return Action(path, "skip", f"unsafe target: {unsafe}", kind=kind)
    where = base / rel
    st = _lstat(where)
    if st is not None and stat.S_ISDIR(st.st_mode):
        return Action(path, "skip", f"{where} is a directory", kind=kind)
    if st is not None and _same(where, st, is_link, raw, fmode):
        return Action(path, "keep", kind=kind)
    return Action(path, "create" if st is None else "update", kind=kind, mode=fmode,
                  sha256=_sha256(raw), blob=sha)


def _same(where: Path, st: os.stat_result, is_link: bool, raw: bytes, fmode: int) -> bool:
    if is_link:
        return stat.S_ISLNK(st.st_mode) and \
            os.readlink(where).encode("utf-8", "surrogateescape") == raw
    if not stat.S_ISREG(st.st_mode) or stat.S_IMODE(st.st_mode) != fmode \
            or st.st_size != len(raw):
        return False
    fd = os.open(where, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        return f.read() == raw
