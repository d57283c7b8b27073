"""The repository: opening, creating and reading a bare flexgit store
through dulwich (objects, trees, commits); refs live in refs.py, new packs
are written by packs.py."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import socket
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dulwich.errors import (
    ApplyDeltaError,
    ChecksumMismatch,
    NotGitRepository,
    ObjectFormatException,
)
from dulwich.objects import Commit, ObjectID, Tree, parse_tree
from dulwich.refs import Ref
from dulwich.repo import Repo

from flexgit import fsutil
from flexgit.errors import IntegrityError, NoRepository, UsageError
from flexgit.store.objects import _TYPE_BLOB, _TYPE_TREE, CommitInfo, Entry, Files, parse_trailers
from flexgit.store.packs import PackWriter
from flexgit.store.refs import BRANCH, Refs

if TYPE_CHECKING:
    from flexgit.sanitize import Rules

MARKER = "flexgit"  # a file in the repository that says: this is ours



# What dulwich, zlib and struct raise for a damaged pack, index or loose
# object (flipped bits, a truncated file, a bad index): every read below turns
# them into IntegrityError, so a damaged store is one line and exit 4.
# BufferError: a failed read can leave views of a pack's mmap behind.
_DAMAGE: tuple[type[Exception], ...] = (
    zlib.error, struct.error, BufferError, ValueError, IndexError, AssertionError,
    ChecksumMismatch, ObjectFormatException, ApplyDeltaError)


_recent_trees: dict[tuple[str, str], Files] = {}  # (store, tree id) -> the last tree read


def _oid(sha: str) -> ObjectID:
    return ObjectID(sha.encode())


class Store:
    """A bare flexgit repository."""

    # Reading a large store through one Repo lets the pages of its packs pile
    # up in memory; reopening now and then keeps an export's RSS flat.
    REOPEN_BYTES = 16 << 20

    def __init__(self, path: Path, repo: Repo) -> None:
        self.path = path
        self._repo = repo
        self.refs = Refs(path, lambda: self._repo.refs)
        self._read_bytes = 0
        # has_object() runs once per new object: dulwich's own lookup lists
        # the pack directory and stats a loose path every time, so keep the
        # list of packs, and whether any loose objects exist, until the next
        # _refresh() or reopen.
        self._pack_list: list[Any] | None = None
        self._loose = True

    # --- opening ----------------------------------------------------------

    @classmethod
    def init(cls, path: Path, *, private: bool = False) -> Store:
        if (path / MARKER).is_file():
            return cls.open(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UsageError(f"{path} exists and is not an empty directory; choose another --repo")
        # The seed's advice for ~/backup: 0750.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        # Built beside its final name and renamed into place, so an interrupted
        # init never leaves a half-made repository under the real name.
        tmp = path.parent / f"{fsutil.TEMP_PREFIX}{path.name}-{os.getpid()}"
        tmp.mkdir(mode=0o700)
        try:
            repo = Repo.init_bare(str(tmp))
            cfg = repo.get_config()
            # Never let a C git run repack or prune behind our back.
            cfg.set((b"gc",), b"auto", b"0")
            write_config(tmp, cfg)
            repo.refs.set_symbolic_ref(Ref(b"HEAD"), Ref(BRANCH))
            repo.close()
            kind = b"private" if private else b"shareable"
            fsutil.atomic_write(tmp / MARKER, b"flexgit store\nkind: %s\n" % kind, mode=0o644)
            os.chmod(tmp, 0o700 if private else 0o755)
            fsutil.fsync_dir(tmp)
            os.rename(tmp, path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        fsutil.fsync_dir(path.parent)
        return cls.open(path)

    @classmethod
    @contextlib.contextmanager
    def provisional(cls, path: Path, *, private: bool = False) -> Iterator[Store]:
        """The store at `path`, made when there is none. A store this call
        made is removed again, with the directories made for it, when the
        block fails before any ref was set: a refused command (an empty
        home, a bad file) leaves no store behind that later commands would
        take for a real one."""
        if (path / MARKER).is_file():
            with cls.open(path) as store:
                yield store
            return
        made = path
        while not made.parent.exists():
            made = made.parent
        store = cls.init(path, private=private)
        try:
            yield store
        except BaseException:
            unused = not store.refs.any()
            store.close()
            if unused:
                shutil.rmtree(path, ignore_errors=True)
                for d in (path.parent, *path.parent.parents):
                    if d == made.parent or not d.is_relative_to(made):
                        break
                    with contextlib.suppress(OSError):
                        d.rmdir()  # only an empty one: never what others put there
            raise
        store.close()

    @classmethod
    def open(cls, path: Path) -> Store:
        if not (path / MARKER).is_file():
            hint = "run `flexgit init` or pass --repo"
            if (path / "HEAD").is_file():
                raise NoRepository(f"{path} is a git repository but not a flexgit store; {hint}")
            raise NoRepository(f"no flexgit repository at {path}; {hint}")
        try:
            return cls(path, Repo(str(path)))
        except NotGitRepository:
            raise NoRepository(f"{path} is damaged: not a git repository; "
                               f"run `flexgit check` or restore it from an offsite copy") from None

    @property
    def is_private(self) -> bool:
        return b"kind: private" in (self.path / MARKER).read_bytes()

    def close(self) -> None:
        # After a damaged read the error being raised still references the
        # frames holding views of a pack's mmap, and dulwich cannot unmap it
        # (BufferError); the mapping goes with the process. Raising here
        # would hide the real error.
        with contextlib.suppress(BufferError):
            self._repo.close()

    @contextlib.contextmanager
    def reading(self, what: str) -> Iterator[None]:
        """Report damage met while reading `what` as IntegrityError."""
        try:
            yield
        except _DAMAGE as e:
            raise self._damaged(what, e) from None

    def _damaged(self, what: str, e: Exception) -> IntegrityError:
        kind = "zlib error" if isinstance(e, zlib.error) else type(e).__name__
        return IntegrityError(f"{self.path} is damaged: {what} cannot be read ({kind}); "
                              f"run `flexgit check`")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _refresh(self) -> None:
        self._repo.object_store._update_pack_cache()
        self._pack_list = None

    def _packs(self) -> list[Any]:
        if self._pack_list is None:
            self._pack_list = list(self._repo.object_store.packs)
            objects = self.path / "objects"
            self._loose = any(len(n) == 2 for n in os.listdir(objects))
        return self._pack_list

    @contextlib.contextmanager
    def locked(self, command: str) -> Iterator[None]:
        with fsutil.lock(self.path / "flexgit.lock", what=f"repository {self.path}",
                         command=command):
            yield

    # --- objects ----------------------------------------------------------

    def has_object(self, sha: str) -> bool:
        binsha = bytes.fromhex(sha)
        try:  # not `with self.reading()`: this runs once per new object
            for pack in self._packs():
                try:
                    pack.index.object_offset(binsha)
                    return True
                except KeyError:
                    pass
            return self._loose and self._repo.object_store.contains_loose(_oid(sha))
        except _DAMAGE as e:
            raise self._damaged(f"the pack index looked up for {sha}", e) from None

    def read_blob(self, sha: str) -> bytes:
        type_num, data = self._raw(sha)
        if type_num != _TYPE_BLOB:
            raise IntegrityError(f"object {sha} in {self.path} is not a blob")
        return data

    def _raw(self, sha: str) -> tuple[int, bytes]:
        """(type, content) of an object, straight from the pack that has it:
        dulwich's object store would list the pack directory and build an
        object for every read."""
        if self._read_bytes > self.REOPEN_BYTES:
            self.close()
            self._repo = Repo(str(self.path))
            self._pack_list = None
            self._read_bytes = 0
        binsha = bytes.fromhex(sha)
        with self.reading(f"object {sha}"):
            for pack in self._packs():
                try:
                    type_num, data = pack.get_raw(binsha)
                    break
                except KeyError:
                    continue
            else:
                try:
                    type_num, data = self._repo.object_store.get_raw(_oid(sha))
                except KeyError:
                    raise IntegrityError(f"object {sha} is missing from {self.path}; "
                                         f"run `flexgit check`") from None
            data = bytes(data)
        self._read_bytes += len(data)
        return type_num, data

    def _object(self, sha: str) -> Any:
        """A parsed dulwich object; damage and absence are IntegrityError."""
        obj = self._object_or_none(sha)
        if obj is None:
            raise IntegrityError(f"object {sha} is missing from {self.path}; "
                                 f"run `flexgit check`")
        return obj

    def _object_or_none(self, sha: str) -> Any:
        """The same, None when absent (also from the alternates a plain
        repository names: a pre-receive hook's quarantine)."""
        with self.reading(f"object {sha}"):
            try:
                return self._repo.object_store[_oid(sha)]
            except KeyError:
                return None

    def iter_objects(self) -> Iterator[tuple[str, str, bytes]]:
        """(id, type, raw content) of every object in the store."""
        with self.reading("the list of objects"):
            ids = list(self._repo.object_store)
        for sha in ids:
            obj = self._object(sha.decode())
            yield sha.decode(), obj.type_name.decode(), obj.as_raw_string()

    # --- checking ---------------------------------------------------------

    def all_refs(self) -> dict[str, str]:
        return self.refs.all()

    def check_packs(self) -> list[tuple[str, str]]:
        """(pack file, problem) for every pack whose checksums or index do not
        match its content: a flipped bit anywhere in a pack is found here."""
        problems = []
        for pack in self._repo.object_store.packs:
            name = f"objects/pack/{os.path.basename(pack._basename)}.pack"
            try:
                pack.check()
            except Exception as e:  # dulwich raises several kinds for damage
                problems.append((name, f"{type(e).__name__}: {e}"[:200]))
        return problems

    def verify_object(self, sha: str) -> str | None:
        """None when the object reads back and hashes to its id, else the problem."""
        try:
            obj = self._repo.object_store[_oid(sha)]
            raw = obj.as_raw_string()
        except KeyError:
            return "missing"
        except Exception as e:  # zlib, checksum and parse errors from dulwich
            return f"unreadable ({type(e).__name__})"
        h = hashlib.sha1(obj.type_name + b" %d\0" % len(raw))
        h.update(raw)
        if h.hexdigest() != sha:
            return "content does not match its id"
        return None

    def object_ids(self) -> list[str]:
        with self.reading("the list of objects"):
            return sorted(sha.decode() for sha in self._repo.object_store)

    def object_type(self, sha: str) -> str:
        return str(self._object(sha).type_name.decode())

    def writer(self) -> PackWriter:
        return PackWriter(self)

    # --- trees ------------------------------------------------------------

    def write_tree(self, w: PackWriter, files: Files) -> str:
        """Build nested trees for the flat `files` mapping, return the root id.

        In sorted order the paths below one directory come in one run, so a
        directory is finished (and written) when the run ends: only the open
        chain of directories is in memory, not a tree per directory."""
        open_dirs: list[tuple[str, Tree]] = [("", Tree())]  # the root first

        def close() -> None:
            d, tree = open_dirs.pop()
            open_dirs[-1][1].add(d.rpartition("/")[2].encode(), 0o040000,
                                 _oid(w.add_tree(tree)))

        for path in sorted(files):
            parent, _, name = path.rpartition("/")
            while len(open_dirs) > 1 and not (parent + "/").startswith(open_dirs[-1][0] + "/"):
                close()
            top = open_dirs[-1][0]
            below = parent[len(top) + 1:] if top else parent
            for part in below.split("/") if below else ():
                top = f"{top}/{part}" if top else part
                open_dirs.append((top, Tree()))
            e = files[path]
            open_dirs[-1][1].add(name.encode(), e.mode, _oid(e.sha))
        while len(open_dirs) > 1:
            close()
        return w.add_tree(open_dirs[0][1])

    def read_tree(self, rev_or_tree: str, *, is_tree: bool = False) -> Files:
        tree_id = rev_or_tree if is_tree else self.commit_info(rev_or_tree).tree
        key = (str(self.path), tree_id)
        if key in _recent_trees:
            return dict(_recent_trees[key])
        out: Files = {}
        stack = [("", tree_id)]
        while stack:
            prefix, tid = stack.pop()
            type_num, raw = self._raw(tid)
            if type_num != _TYPE_TREE:
                raise IntegrityError(f"object {tid} in {self.path} is not a tree")
            with self.reading(f"tree {tid}"):
                entries = list(parse_tree(raw, 20))
            for name_b, mode, sha_b in entries:
                name = prefix + name_b.decode("utf-8", "surrogateescape")
                if mode == 0o040000:
                    stack.append((name + "/", sha_b.decode()))
                else:
                    out[name] = Entry(mode, sha_b.decode())
        # A restore reads the same snapshot as its source and as its base.
        # Per store: another store's copy would hide a tree missing here.
        _recent_trees.clear()
        _recent_trees[key] = out
        return dict(out)

    # --- commits and refs -------------------------------------------------

    def make_commit(self, w: PackWriter, *, tree: str, parent: str | None, message: str,
                    when: int | None = None) -> str:
        c = Commit()
        c.tree = tree.encode()
        c.parents = [_oid(parent)] if parent else []
        user = _login_name()
        ident = f"flexgit ({user}) <{user}@{socket.gethostname()}>".encode()
        c.author = c.committer = ident
        c.author_time = c.commit_time = int(time.time()) if when is None else when
        tz = -time.timezone if not time.localtime().tm_isdst else -time.altzone
        c.author_timezone = c.commit_timezone = tz
        c.message = message.encode()
        return w.add_commit(c)

    # --- refs: Refs does the work; these keep the callers' names ---------

    def head(self, branch: bytes = BRANCH) -> str | None:
        return self.refs.head(branch)

    def move_head(self, old: str | None, new: str, *, message: str = "snapshot",
                  branch: bytes = BRANCH) -> None:
        self.refs.move_head(old, new, message=message, branch=branch)

    def get_ref(self, ref: bytes) -> str | None:
        return self.refs.head(ref)

    def set_ref(self, ref: bytes, sha: str | None) -> None:
        self.refs.set(ref, sha)

    def tags(self) -> dict[str, str]:
        return self.refs.tags()

    def set_tag(self, name: str, sha: str, *, rules: Rules | None = None) -> None:
        self.refs.add_tag(name, sha, rules=rules)

    def delete_tag(self, name: str) -> str:
        return self.refs.delete_tag(name)

    def move_tag(self, name: str, old: str, new: str) -> None:
        self.refs.move_tag(name, old, new)

    def commit_info(self, sha: str) -> CommitInfo:
        c = self._object(sha)
        if not isinstance(c, Commit):
            raise UsageError(f"{sha} is not a snapshot")
        msg = c.message.decode("utf-8", "replace")
        return CommitInfo(sha, c.parents[0].decode() if c.parents else None, c.tree.decode(),
                          msg, c.commit_time, c.commit_timezone, parse_trailers(msg))

    def history(self, start: str | None = None, limit: int | None = None,
                branch: bytes = BRANCH) -> Iterator[CommitInfo]:
        sha = start or self.head(branch)
        n = 0
        while sha and (limit is None or n < limit):
            info = self.commit_info(sha)
            yield info
            sha = info.parent
            n += 1

    def recommit(self, w: PackWriter, sha: str, parent: str | None) -> str:
        """A copy of commit `sha` on another parent: the same tree, author,
        times and message (forget: the snapshot stays, its predecessor went)."""
        c = self._object(sha)
        if not isinstance(c, Commit):
            raise UsageError(f"{sha} is not a snapshot")
        copy = Commit()
        copy.tree, copy.message = c.tree, c.message
        copy.author, copy.author_time, copy.author_timezone = (
            c.author, c.author_time, c.author_timezone)
        copy.committer, copy.commit_time, copy.commit_timezone = (
            c.committer, c.commit_time, c.commit_timezone)
        if c.encoding:
            copy.encoding = c.encoding
        copy.parents = [_oid(parent)] if parent else []
        return w.add_commit(copy)

    def disk_size(self) -> int:
        """Bytes of the object database (packs and loose objects)."""
        return sum(f.stat().st_size for f in (self.path / "objects").rglob("*") if f.is_file())

    def collect_garbage(self) -> int:
        """Drop every object no ref reaches, for good: reflogs go first (they
        would keep forgotten snapshots reachable), then one repack of what is
        left. Returns the number of objects removed."""
        from dulwich.gc import garbage_collect

        logs = self.path / "logs"
        if logs.is_dir():
            shutil.rmtree(logs)
        stats = garbage_collect(self._repo, prune=True, grace_period=None)
        self._refresh()
        return len(stats.pruned_objects)

    def resolve(self, rev: str) -> str:
        """A commit id from a full or short id, a tag, `latest` or `latest~N`."""
        base, _, back = rev.partition("~")
        if back and not back.isdigit():
            raise UsageError(f"bad revision {rev!r}: expected NAME~N with N a number")
        steps = int(back) if back else 0
        sha = self._resolve_name(base)
        for _ in range(steps):
            parent = self.commit_info(sha).parent
            if parent is None:
                raise UsageError(f"{rev}: history has fewer than {steps + 1} snapshots")
            sha = parent
        return sha

    def _resolve_name(self, name: str) -> str:
        if name in ("latest", "HEAD", "main"):
            head = self.head()
            if head is None:
                raise UsageError(f"{self.path} has no snapshots yet; run `flexgit snapshot`")
            return head
        tag = self.refs.tag(name)
        if tag is not None:
            return tag
        # A fetched host branch: `central/flexgit/pbx1/flexpbx` or its full ref
        # name, as `flexgit log --remote` shows them (restoring another host's
        # snapshots is what offsite copies are for).
        for ref in (name, f"refs/remotes/{name}"):
            if ref.startswith("refs/") and "\0" not in ref:
                sha = self.refs.named(ref)
                if sha is not None:
                    return sha
        low = name.lower()
        if 4 <= len(low) <= 40 and all(ch in "0123456789abcdef" for ch in low):
            matches = {s for s in self._commit_ids() if s.startswith(low)}
            if len(matches) == 1:
                return matches.pop()
            if len(matches) > 1:
                raise UsageError(f"revision {name!r} is ambiguous; give more characters")
        raise UsageError(f"unknown revision {name!r}; see `flexgit log`")

    def _commit_ids(self) -> set[str]:
        ids = {c.id for c in self.history()}
        for sha in self.tags().values():
            ids.update(c.id for c in self.history(sha))
        return ids


CONFIG_MODE = 0o600


def write_config(repo: Path, cfg: Any) -> None:
    """Write a repository's git config atomically at 0600: it holds remote
    URLs, and a URL may carry a password. dulwich's own writer keeps the
    umask's 0644, and rewriting here is also what tightens an older store."""
    buf = io.BytesIO()
    cfg.write_to_file(buf)
    fsutil.atomic_write(repo / "config", buf.getvalue(), mode=CONFIG_MODE)


def _login_name() -> str:
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def object_kind(store: Store, sha: str) -> str | None:
    """"commit", "tree", "blob" or "tag"; None when the store lacks it."""
    obj = store._object_or_none(sha)
    return None if obj is None else str(obj.type_name.decode())


def open_plain(path: Path) -> Store:
    """Any bare git repository, read-only use: not a flexgit store. Run inside
    a pre-receive hook, the objects that git names in GIT_OBJECT_DIRECTORY (its
    quarantine) are read too; the central guard itself reads through git
    (flexgit/serverhook/objects.py)."""
    objects = os.environ.get("GIT_OBJECT_DIRECTORY")
    alternates = [p for p in os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES", "").split(
        os.pathsep) if p]
    try:
        if objects:
            repo = Repo(str(path), bare=True, object_directory=objects, alternates=alternates)
        else:
            repo = Repo(str(path))
    except NotGitRepository:
        raise NoRepository(f"{path} is not a git repository") from None
    return Store(path, repo)
