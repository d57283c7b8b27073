"""Applying a plan: save what will change to the private store, keep a
journal, write every file atomically through O_NOFOLLOW directory handles,
and undo it all on request or after a crash."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flexgit import fsutil, paths
from flexgit.errors import FlexgitError, UsageError
from flexgit.progress import Progress
from flexgit.restore import accounts
from flexgit.restore.plan import Action, Plan, Target, _user_data_files
from flexgit.store import EXEC, FILE, LINK, Entry, Files, Store

PRE_RESTORE = b"refs/heads/pre-restore"
UNDONE = b"refs/flexgit/undone"
UNDO_PATH = ".flexgit/undo.json"
JOURNAL = "restore-journal.json"


@dataclass
class Applied:
    pre_restore: str
    written: int
    deleted: int
    secrets_file: Path | None


def open_private(path: Path) -> Store:
    return Store.init(path, private=True)


@contextlib.contextmanager
def target_lock(home: Path) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with fsutil.lock(home / ".flexgit-restore.lock", what=f"restore target {home}",
                     command="flexgit restore"):
        yield


def read_current(base: Path, rel: str) -> tuple[bytes, str, os.stat_result] | None:
    """What is at base/rel now: a file's bytes or a link's target, never
    followed (None: nothing, or neither)."""
    p = base / rel
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return os.readlink(p).encode("utf-8", "surrogateescape"), "link", st
    if stat.S_ISREG(st.st_mode):
        fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            return f.read(), "file", st
    return None


def _remove_staged(t: Target, tree_paths: list[str]) -> None:
    """Temp files a restore killed between staging and renaming left behind."""
    parents = set()
    for path in tree_paths:
        base, rel = t.abspath(path)
        parents.add(base / rel.rpartition("/")[0])
    for d in sorted(parents):
        if d.is_symlink() or not d.is_dir():
            continue
        for entry in os.scandir(d):
            if entry.name.startswith(fsutil.TEMP_PREFIX) and \
                    not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


PRE_UNDO = b"refs/heads/pre-undo"


def _save_current(private: Store, t: Target, paths: list[str], restore_commit: str) -> None:
    w = private.writer()
    files: Files = {}
    try:
        for path in paths:
            base, rel = t.abspath(path)
            cur = read_current(base, rel)
            if cur is None:
                continue
            data, kind, st = cur
            mode = LINK if kind == "link" else (EXEC if st.st_mode & 0o100 else FILE)
            files[path] = Entry(mode, w.add_blob(data))
        if not files:
            w.abort()
            return
        tree = private.write_tree(w, files)
        prev = private.head(PRE_UNDO)
        sha = private.make_commit(w, tree=tree, parent=prev,
                                  message=f"pre-undo: state before undoing "
                                          f"{restore_commit[:12]}\n")
        w.finish()
    except BaseException:
        w.abort()
        raise
    private.move_head(prev, sha, branch=PRE_UNDO, message="pre-undo")


def _missing_parents(base: Path, rel: str, path: str, known: dict[str, bool]) -> list[str]:
    """Tree paths of the parent directories of rel that do not exist yet,
    outermost first. `known` remembers each directory's answer: nothing is
    created while the plan is saved, and most files share their parents."""
    parts = rel.split("/")[:-1]
    side = path.split("/", 1)[0]
    out = []
    for i in range(1, len(parts) + 1):
        sub = "/".join(parts[:i])
        key = f"{side}/{sub}"
        missing = known.get(key)
        if missing is None:
            missing = known[key] = not os.path.lexists(f"{base}/{sub}")
        if missing:
            out.append(key)
    return out


def save_pre_restore(private: Store, plan: Plan) -> str:
    """Commit the files the plan changes or deletes, and all user data, as
    they are now; record what the plan creates so undo can remove it."""
    t = plan.target
    w = private.writer()
    files: Files = {}
    saved: dict[str, dict[str, int | str]] = {}
    created: list[str] = []
    created_dirs: dict[str, None] = {}  # ordered, outermost first
    known: dict[str, bool] = {}
    by_path = {a.path: a for a in plan.changes}
    wanted = [a.path for a in plan.changes] + list(_user_data_files(t.home))
    try:
        for path in dict.fromkeys(wanted):
            base, rel = t.abspath(path)
            cur = read_current(base, rel)
            if cur is None:
                action = by_path.get(path)
                if action is not None and action.action == "create":
                    created_dirs.update(dict.fromkeys(_missing_parents(base, rel, path, known)))
                    if action.kind == "dir":
                        created_dirs[path] = None
                    else:
                        created.append(path)
                continue
            data, kind, st = cur
            mode = LINK if kind == "link" else (EXEC if st.st_mode & 0o100 else FILE)
            files[path] = Entry(mode, w.add_blob(data))
            saved[path] = {"mode": stat.S_IMODE(st.st_mode), "uid": st.st_uid,
                           "gid": st.st_gid, "kind": kind}
        # home, root and host: an undo refuses another installation's save
        # (restore/undoing.py), e.g. in a home copied from another machine.
        undo = {"home": str(t.home), "root": str(t.root), "host": socket.gethostname(),
                "mode": plan.mode,
                "source": plan.source, "time": int(time.time()), "saved": saved,
                "created": created, "created_dirs": list(created_dirs),
                # What the restore writes: undo puts back only these (user data
                # it did not touch is saved, but later edits to it are kept).
                "changed": sorted(by_path)}
        files[UNDO_PATH] = Entry(FILE, w.add_blob(json.dumps(undo, indent=1).encode()))
        tree = private.write_tree(w, files)
        prev = private.head(PRE_RESTORE)
        sha = private.make_commit(w, tree=tree, parent=prev,
                                  message=f"pre-restore: {plan.mode} from {plan.source}\n")
        w.finish()
    except BaseException:
        w.abort()
        raise
    private.move_head(prev, sha, branch=PRE_RESTORE, message="pre-restore")
    return sha


def _journal(private: Store) -> Path:
    return private.path / JOURNAL


def apply(plan: Plan, private: Store, *, progress: Progress | None = None,
          verify: bool = True) -> Applied:
    """Carry out the plan. The caller holds the target lock."""
    finish_interrupted(private)
    pre = save_pre_restore(private, plan)
    # The new secrets are safe on disk before any file that uses them is written.
    secrets_file = _save_generated(private, plan, pre)
    fsutil.atomic_write(_journal(private), json.dumps(
        {"pre_restore": pre, "home": str(plan.target.home), "started": time.time()}).encode(),
        mode=0o600)
    changes = plan.changes
    writes: list[Action] = []
    rest: list[Action] = []
    for a in changes:
        is_write = a.kind != "dir" and a.action in ("create", "update", "merge")
        (writes if is_write else rest).append(a)
    # Directories first (parents before children), deletions last.
    rest.sort(key=lambda a: (a.action == "delete", a.kind != "dir", a.path.count("/"), a.path))
    dirs = [a for a in rest if a.kind == "dir"]
    later = [a for a in rest if a.kind != "dir"]
    total, done = len(changes), 0
    # Sizes are known only for what the plan holds in memory; blobs read when
    # written count then (their total is unknown ahead: files and rate only).
    written_bytes = 0

    def tick(nbytes: int = 0) -> None:
        nonlocal done, written_bytes
        done += 1
        written_bytes += nbytes
        if progress and (done % 50 == 0 or done == total):
            progress("restore", done, total, done_bytes=written_bytes)

    current: Action | None = None
    try:
        for current in dirs:
            base, rel = plan.target.abspath(current.path)
            _apply_one(current, base, rel, plan.target, None, verify)
            tick()
        _write_batch(plan, writes, verify, tick)
        for current in later:
            base, rel = plan.target.abspath(current.path)
            _apply_one(current, base, rel, plan.target, None, verify)
            tick()
    except (OSError, FlexgitError) as e:
        where = plan.target.abspath(current.path) if current is not None else \
            (plan.target.home, "")
        if secrets_file is not None:
            fsutil.remove_quietly(secrets_file)  # never used: the restore is undone
        raise _rolled_back(private, pre, where[0] / where[1], e) from None
    written = len(writes) + sum(1 for a in later if a.action != "delete") + len(dirs)
    deleted = sum(1 for a in later if a.action == "delete")
    fsutil.remove_quietly(_journal(private))
    private.set_ref(UNDONE, None)
    return Applied(pre, written, deleted, secrets_file)


def write_only(plan: Plan, *, progress: Progress | None = None) -> int:
    """Carry out a plan whose target is no installation (restore --target): the
    same O_NOFOLLOW writes, checked against their sha256, but nothing saved
    and no journal, as there is nothing to undo. Returns the entries written."""
    changes = plan.changes
    if any(a.action not in ("create", "update") for a in changes):
        raise FlexgitError("internal: a plan for a separate directory only creates and updates")
    dirs = sorted((a for a in changes if a.kind == "dir"),
                  key=lambda a: (a.path.count("/"), a.path))
    done = written_bytes = 0

    def tick(nbytes: int = 0) -> None:
        nonlocal done, written_bytes
        done += 1
        written_bytes += nbytes
        if progress and (done % 50 == 0 or done == len(changes)):
            progress("restore", done, len(changes), done_bytes=written_bytes)

    for a in dirs:
        base, rel = plan.target.abspath(a.path)
        _apply_one(a, base, rel, plan.target, None, True)
        tick()
    _write_batch(plan, [a for a in changes if a.kind != "dir"], True, tick)
    return len(changes)


def _write_batch(plan: Plan, writes: list[Action], verify: bool,
                 tick: Callable[[int], None]) -> None:
    """Every file of the plan: staged as temp files directory by directory,
    made durable with one sync, then renamed into place and synced once more
    (git's batch fsync). A crash leaves each file old or new."""
    by_dir: dict[tuple[Path, str], list[Action]] = {}
    for a in writes:
        base, rel = plan.target.abspath(a.path)
        by_dir.setdefault((base, rel.rpartition("/")[0]), []).append(a)
    staged: list[tuple[Path, str, list[tuple[Action, str, int]]]] = []
    dirs = {base: paths.ParentDirs(base) for base, _ in by_dir}
    try:
        for (base, parent), actions in sorted(by_dir.items()):
            side_home = actions[0].path.startswith("home/")
            uid, gid = (plan.target.account.uid, plan.target.account.gid) if (
                plan.target.as_root and plan.target.account and side_home) else (None, None)
            fd = dirs[base].open(f"{parent}/x" if parent else "x",
                                 mode=0o750 if side_home else 0o755, uid=uid, gid=gid)
            names: list[tuple[Action, str, int]] = []
            staged.append((base, parent, names))
            for a in actions:
                data = plan.data_of(a)
                if a.kind == "link":
                    tmp = fsutil.stage_symlink_at(
                        fd, data.decode("utf-8", "surrogateescape"), uid=a.uid, gid=a.gid)
                else:
                    check = None
                    if a.path in plan.sudoers:
                        def check(t: str, name: str = a.path) -> None:
                            accounts.check_sudoers(t, name)
                    tmp = fsutil.stage_at(fd, data, mode=a.mode or 0o644,
                                          uid=a.uid, gid=a.gid,
                                          expect_sha256=a.sha256 if verify else None,
                                          check=check)
                names.append((a, tmp, len(data)))
        for d in dirs.values():
            d.close()
        fsutil.sync_all()
        dirs = {base: paths.ParentDirs(base, create=False) for base in dirs}
        for base, parent, names in staged:
            fd = dirs[base].open(f"{parent}/x" if parent else "x")
            while names:
                a, tmp, size = names[0]
                fsutil.commit_at(fd, tmp, a.path.rsplit("/", 1)[-1])
                names.pop(0)
                tick(size)
        fsutil.sync_all()  # the renames, every directory at once
    except BaseException:
        for base, parent, names in staged:  # temp files not renamed yet go
            for _a, tmp, _size in names:
                with contextlib.suppress(OSError):
                    (base / parent / tmp).unlink()
        raise
    finally:
        for d in dirs.values():
            d.close()


def _rolled_back(private: Store, pre: str, where: Path, e: Exception) -> FlexgitError:
    """A write failed half-way (full disk, read-only target, a check): put back
    what was already changed, so the installation is as it was before."""
    if isinstance(e, FlexgitError):
        what = e.message
    elif isinstance(e, OSError):
        what = f"{e.filename or where}: {e.strerror or e}"
    else:
        what = f"{where}: {e}"
    try:
        undo_commit(private, pre)
    except (OSError, FlexgitError) as again:
        return FlexgitError(f"restore failed ({what}) and putting back the changes failed "
                            f"too ({again}); run `flexgit undo` once the cause is fixed")
    fsutil.remove_quietly(_journal(private))
    return FlexgitError(f"restore failed: {what}; every change it had made was undone")


def _apply_one(a: Action, base: Path, rel: str, t: Target,
               check: Callable[[str], None] | None, verify: bool) -> None:
    uid, gid = (t.account.uid, t.account.gid) if (t.as_root and t.account and
                                                  a.path.startswith("home/")) else (None, None)
    dir_mode = 0o755 if a.path.startswith("system/") else 0o750
    if a.kind == "dir":
        fd = paths.open_parent(base, rel + "/x", mode=a.mode or 0o750,
                               uid=a.uid, gid=a.gid)
        os.close(fd)
        return
    fd = paths.open_parent(base, rel, mode=dir_mode, uid=uid, gid=gid)
    name = rel.rsplit("/", 1)[-1]
    try:
        if a.action == "delete":
            with contextlib.suppress(FileNotFoundError):
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    raise FlexgitError(f"{base / rel} is a directory; not deleted")
                os.unlink(name, dir_fd=fd)
                os.fsync(fd)
        elif a.action == "chmod":
            _chmod_nofollow(fd, name, a.mode or 0o644)
        elif a.action == "chown":
            os.chown(name, -1 if a.uid is None else a.uid, -1 if a.gid is None else a.gid,
                     dir_fd=fd, follow_symlinks=False)
        elif a.kind == "link":
            fsutil.symlink_at(fd, name, (a.data or b"").decode("utf-8", "surrogateescape"),
                              uid=a.uid, gid=a.gid)
        else:
            fsutil.atomic_write_at(fd, name, a.data or b"", mode=a.mode or 0o644, uid=a.uid,
                                   gid=a.gid, expect_sha256=a.sha256 if verify else None,
                                   check=check)
    finally:
        os.close(fd)


def _chmod_nofollow(dir_fd: int, name: str, mode: int) -> None:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _save_generated(private: Store, plan: Plan, pre_restore: str) -> Path | None:
    if not plan.generated:
        return None
    d = private.path / "secrets"
    d.mkdir(mode=0o700, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    lines = [f"# flexgit restore ({plan.mode}) from {plan.source} at {stamp}",
             "# New secrets and the temporary admin password. Shown once; keep this file safe",
             "# or delete it once the values are in your password manager.", ""]
    for g in plan.generated:
        where = f"{g.path}:{g.line}" if g.line else g.path
        lines.append(f"{where}\t{g.what}\t{g.value}")
    data = ("\n".join(lines) + "\n").encode()
    # Named for the restore (its pre-restore save), and never written over: two
    # restores in one second each keep their own file.
    n = 0
    while True:
        suffix = "" if n == 0 else f"-{n}"
        path = d / f"restore-{stamp}-{pre_restore[:12]}{suffix}.txt"
        if _write_new(path, data):
            return path
        n += 1


def _write_new(path: Path, data: bytes) -> bool:
    """Write a whole new 0600 file at `path`, or nothing when `path` exists:
    a temp file linked in (link never replaces, as a rename would)."""
    tmp, f = fsutil.open_temp(path.parent)
    try:
        with f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        fsutil.remove_quietly(tmp)
    fsutil.fsync_dir(path.parent)
    return True


# --- undo ------------------------------------------------------------------


@dataclass
class Undone:
    commit: str
    restored: int
    removed: int


def finish_interrupted(private: Store) -> Undone | None:
    """A journal left by a restore that died half-way: put everything back."""
    j = _journal(private)
    if not j.exists():
        return None
    try:
        pre = json.loads(j.read_text())["pre_restore"]
    except (OSError, ValueError, KeyError):
        raise FlexgitError(f"{j} is damaged; inspect it, then remove it to continue") from None
    result = undo_commit(private, str(pre))
    fsutil.remove_quietly(j)
    return result


def undo_last(private: Store) -> Undone:
    interrupted = finish_interrupted(private)
    if interrupted is not None:
        return interrupted
    head = private.head(PRE_RESTORE)
    if head is None or private.get_ref(UNDONE) == head:
        raise UsageError("nothing to undo: no restore since the last undo")
    return undo_commit(private, head)


def undo_commit(private: Store, commit: str) -> Undone:
    tree = private.read_tree(commit)
    if UNDO_PATH not in tree:
        raise FlexgitError(f"pre-restore snapshot {commit[:12]} has no undo record")
    undo = json.loads(private.read_blob(tree[UNDO_PATH].sha))
    t = Target(Path(undo["home"]), Path(undo["root"]), None, undo["home"],
               as_root=os.geteuid() == 0)
    changed = set(undo.get("changed", undo["saved"]))
    put_back = {p: m for p, m in undo["saved"].items() if p in changed}
    # Whatever undo overwrites or removes is saved first: edits made since the
    # restore are never lost, only set aside (branch pre-undo of the private store).
    _save_current(private, t, [*undo["created"], *put_back], commit)
    removed = restored = 0
    for path in undo["created"]:
        base, rel = t.abspath(path)
        a = Action(path, "delete")
        try:
            _apply_one(a, base, rel, t, None, False)
            removed += 1
        except FileNotFoundError:
            pass
    for path, meta in put_back.items():
        base, rel = t.abspath(path)
        data = private.read_blob(tree[path].sha)
        own = t.as_root
        a = Action(path, "update", kind=str(meta["kind"]), data=data, mode=int(meta["mode"]),
                   uid=int(meta["uid"]) if own else None, gid=int(meta["gid"]) if own else None)
        cur = read_current(base, rel)
        if cur is not None and cur[1] != a.kind:
            _apply_one(Action(path, "delete"), base, rel, t, None, False)
        _apply_one(a, base, rel, t, None, False)
        restored += 1
    _remove_staged(t, [*undo["created"], *undo["saved"]])
    for path in reversed(undo["created_dirs"]):
        base, rel = t.abspath(path)
        with contextlib.suppress(OSError):
            os.rmdir(base / rel)
    private.set_ref(UNDONE, commit)
    return Undone(commit, restored, removed)
