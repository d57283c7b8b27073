"""The only door to git: bare repositories of snapshots, read and written
through dulwich.

Everything else speaks in snapshots: a flat mapping of tree paths to
`Entry(mode, blob id)`. New objects go into one pack per snapshot, written
by `PackWriter` (objects first, then the index, then the ref), so a crash at
any point leaves the previous snapshot reachable and the repository clean.
"""

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dulwich.errors import (
    ApplyDeltaError,
    ChecksumMismatch,
    NotGitRepository,
    ObjectFormatException,
)
from dulwich.objects import Commit, ObjectID, Tree, parse_tree
from dulwich.pack import write_pack_index
from dulwich.refs import Ref
from dulwich.repo import Repo

from flexgit import faults, fsutil
from flexgit.errors import FlexgitError, IntegrityError, NoRepository, UsageError

if TYPE_CHECKING:
    from flexgit.sanitize import Rules

BRANCH = b"refs/heads/main"
FILE = 0o100644
EXEC = 0o100755
LINK = 0o120000
_TYPE_BLOB, _TYPE_TREE, _TYPE_COMMIT = 3, 2, 1
_TYPE_NAMES = {_TYPE_BLOB: b"blob", _TYPE_TREE: b"tree", _TYPE_COMMIT: b"commit"}
MARKER = "flexgit"  # a file in the repository that says: this is ours


@dataclass(frozen=True, slots=True)
class Entry:
    mode: int  # FILE, EXEC or LINK
    sha: str  # hex blob id


Files = dict[str, Entry]


@dataclass(frozen=True)
class CommitInfo:
    id: str
    parent: str | None
    tree: str
    message: str
    time: int
    tz: int
    trailers: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return self.message.split("\n", 1)[0]


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


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _object_id(type_num: int, data: bytes) -> bytes:
    h = hashlib.sha1(_TYPE_NAMES[type_num] + b" %d\0" % len(data))
    h.update(data)
    return h.digest()


def _pack_header(type_num: int, size: int) -> bytes:
    out = bytearray()
    c = (type_num << 4) | (size & 0x0F)
    size >>= 4
    while size:
        out.append(c | 0x80)
        c = size & 0x7F
        size >>= 7
    out.append(c)
    return bytes(out)


_PROBE = 1 << 14


def incompressible(data: bytes) -> bool:
    """Whether a probe of the start shows the data does not shrink: images,
    fonts and audio are compressed already, and deflating them again costs
    most of a snapshot's zlib time for nothing."""
    return len(data) > 2 * _PROBE and len(zlib.compress(data[:_PROBE], 1)) > _PROBE * 0.97


def _deflate(data: bytes, stored: bool = False) -> bytes:
    """zlib at level 1, or stored (level 0) for incompressible data."""
    return zlib.compress(data, 0 if stored or incompressible(data) else 1)


class PackWriter:
    """Writes new objects of one snapshot into a single pack.

    Objects are appended as they come; `finish` fixes the object count,
    appends the checksum, fsyncs, moves the pack in and writes its index last:
    git ignores a pack without an index, so a crash before the index leaves a
    harmless orphan that `flexgit check --repair` removes.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._dir = store.path / "objects" / "pack"
        self._dir.mkdir(parents=True, exist_ok=True)
        self._file: tuple[Path, BinaryIO] | None = None  # opened on the first new object
        self._entries: list[tuple[bytes, int, int]] = []
        self._seen: set[bytes] = set()
        self.bytes_written = 0

    def _add(self, type_num: int, data: bytes, binsha: bytes,
             compressed: bytes | None = None) -> str:
        if binsha in self._seen or self._store.has_object(binsha.hex()):
            return binsha.hex()
        return self._add_sized(type_num, len(data), binsha,
                               _deflate(data) if compressed is None else compressed)

    def _add_sized(self, type_num: int, size: int, binsha: bytes, compressed: bytes) -> str:
        if binsha in self._seen or self._store.has_object(binsha.hex()):
            return binsha.hex()
        self._seen.add(binsha)
        header = _pack_header(type_num, size)
        if self._file is None:
            self._file = fsutil.open_temp(self._dir)
            self._file[1].write(b"PACK" + struct.pack(">LL", 2, 0))
        f = self._file[1]
        offset = f.tell()
        try:
            faults.point("write")
            f.write(header)
            f.write(compressed)  # not header + compressed: no copy of a large blob
        except OSError as e:
            raise OSError(e.errno, e.strerror, str(self._store.path)) from None
        self.bytes_written += len(header) + len(compressed)
        self._entries.append((binsha, offset, zlib.crc32(compressed, zlib.crc32(header))))
        return binsha.hex()

    @staticmethod
    def prepare_blob(data: bytes, stored: bool = False) -> tuple[bytes, bytes]:
        """(binary id, compressed data) for a blob; C code that releases the GIL,
        so callers may run it in worker threads. `stored`: the caller knows
        the data to be incompressible()."""
        return _object_id(_TYPE_BLOB, data), _deflate(data, stored)

    def add_prepared(self, size: int, binsha: bytes, compressed: bytes) -> str:
        """A blob whose id and zlib stream were computed elsewhere (a worker)."""
        return self._add_sized(_TYPE_BLOB, size, binsha, compressed)

    def add_blob(self, data: bytes, prepared: tuple[bytes, bytes] | None = None) -> str:
        binsha, comp = prepared if prepared else (_object_id(_TYPE_BLOB, data), None)
        return self._add(_TYPE_BLOB, data, binsha, comp)

    def add_tree(self, tree: Tree) -> str:
        raw = tree.as_raw_string()
        return self._add(_TYPE_TREE, raw, _object_id(_TYPE_TREE, raw))

    def add_commit(self, commit: Commit) -> str:
        raw = commit.as_raw_string()
        return self._add(_TYPE_COMMIT, raw, _object_id(_TYPE_COMMIT, raw))

    def abort(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):  # closing flushes: the disk may be full
                self._file[1].close()
            fsutil.remove_quietly(self._file[0])
            self._file = None

    def finish(self) -> None:
        if self._file is None:
            return
        tmp, f = self._file
        self._file = None
        f.seek(8)
        f.write(struct.pack(">L", len(self._entries)))
        f.flush()
        h = hashlib.sha1()
        with open(tmp, "rb") as r:
            while chunk := r.read(1 << 20):
                h.update(chunk)
        checksum = h.digest()
        f.seek(0, os.SEEK_END)
        f.write(checksum)
        name = self._dir / f"pack-{checksum.hex()}"
        fsutil.commit_temp(tmp, f, name.with_suffix(".pack"), mode=0o444)
        itmp, idx = fsutil.open_temp(self._dir)
        try:
            write_pack_index(idx, sorted(self._entries), checksum, version=2)
        except BaseException:
            idx.close()
            fsutil.remove_quietly(itmp)
            raise
        fsutil.commit_temp(itmp, idx, name.with_suffix(".idx"), mode=0o444)
        self._store._refresh()


class Store:
    """A bare flexgit repository."""

    # Reading a large store through one Repo lets the pages of its packs pile
    # up in memory; reopening now and then keeps an export's RSS flat.
    REOPEN_BYTES = 16 << 20

    def __init__(self, path: Path, repo: Repo) -> None:
        self.path = path
        self._repo = repo
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
            unused = not store._repo.refs.as_dict(Ref(b"refs"))
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
        return {k.decode(): v.decode() for k, v in self._repo.refs.as_dict().items()
                if k != b"HEAD"}

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

    def head(self, branch: bytes = BRANCH) -> str | None:
        try:
            return self._repo.refs[Ref(branch)].decode()
        except KeyError:
            return None

    def move_head(self, old: str | None, new: str, *, message: str = "snapshot",
                  branch: bytes = BRANCH) -> None:
        """Compare-and-swap the branch: refuses if someone moved it meanwhile."""
        faults.point("ref")
        refs = self._repo.refs
        ok = (refs.set_if_equals(Ref(branch), _oid(old), _oid(new), message=message.encode())
              if old else refs.add_if_new(Ref(branch), _oid(new), message=message.encode()))
        if not ok:
            raise FlexgitError(f"{branch.decode()} of {self.path} moved while this command "
                               f"was writing; run the command again")
        fsutil.fsync_dir((self.path / branch.decode()).parent)

    def get_ref(self, ref: bytes) -> str | None:
        return self.head(ref)

    def set_ref(self, ref: bytes, sha: str | None) -> None:
        """Point a bookkeeping ref (not a snapshot branch) at sha, or remove it."""
        if sha is None:
            self._repo.refs.remove_if_equals(Ref(ref), None)
        else:
            self._repo.refs.set_if_equals(Ref(ref), None, _oid(sha))

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

    def tags(self) -> dict[str, str]:
        out = {}
        for ref, sha in self._repo.refs.as_dict(Ref(b"refs/tags")).items():
            out[ref.decode()] = sha.decode()
        return out

    def set_tag(self, name: str, sha: str, *, rules: Rules | None = None) -> None:
        """Tag `sha` as `name`; a name that is not a valid ref, or that holds
        what the sanitizer (with `rules`) would replace, is refused."""
        from dulwich.refs import check_ref_format

        from flexgit import names  # here: it brings the sanitizer, which opening a store needs not

        names.check_tag_name(name, rules)
        ref = b"refs/tags/" + name.encode()
        if not check_ref_format(Ref(ref)) or name in ("latest",) or "~" in name:
            raise UsageError(f"invalid tag name {name!r}")
        if not self._repo.refs.add_if_new(Ref(ref), _oid(sha)):
            raise UsageError(f"tag {name!r} exists already")

    def delete_tag(self, name: str) -> str:
        """Remove tag `name`; returns the commit it named. Its snapshot stays
        in the history (forget removes snapshots)."""
        old = self._repo.refs.as_dict(Ref(b"refs/tags")).get(Ref(name.encode()))
        if old is None:
            raise UsageError(f"no tag {name!r}; `flexgit tag` lists the tags")
        if not self._repo.refs.remove_if_equals(Ref(b"refs/tags/" + name.encode()), old):
            raise UsageError(f"tag {name!r} changed while it was being deleted; try again")
        return old.decode()

    def move_tag(self, name: str, old: str, new: str) -> None:
        """Point tag `name` from `old` to `new` (a rewritten history's copy)."""
        if not self._repo.refs.set_if_equals(Ref(b"refs/tags/" + name.encode()), _oid(old),
                                             _oid(new)):
            raise FlexgitError(f"tag {name!r} moved while this command was writing; run the "
                               f"command again")

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
        tag = self._repo.refs.as_dict(Ref(b"refs/tags")).get(Ref(name.encode()))
        if tag is not None:
            return str(tag.decode())
        # A fetched host branch: `central/flexgit/pbx1/flexpbx` or its full ref
        # name, as `flexgit log --remote` shows them (restoring another host's
        # snapshots is what offsite copies are for).
        for ref in (name, f"refs/remotes/{name}"):
            if ref.startswith("refs/") and "\0" not in ref:
                try:
                    return str(self._repo.refs[Ref(ref.encode())].decode())
                except KeyError:
                    continue
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


def parse_trailers(message: str) -> dict[str, str]:
    last = message.rstrip("\n").split("\n\n")[-1]
    out = {}
    for line in last.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Flexgit-"):
            out[key] = value
    return out


# ===========================================================================
# Remotes and plain repositories (hooks/offsite issue).
#
# Everything below talks to *other* git repositories: remote names in the
# store's git config (so C git sees them too), push and fetch through dulwich's
# clients to any git URL, and read access to plain bare repositories that are
# not flexgit stores (a central server's, inside its pre-receive hook).
# ===========================================================================

# Imported here, not at the top, to keep this section self-contained.
from collections.abc import Callable, Mapping  # noqa: E402
from collections.abc import Set as AbstractSet  # noqa: E402

from dulwich.client import GitClient  # noqa: E402
from dulwich.pack import UnpackedObject  # noqa: E402

from flexgit.errors import RemoteError  # noqa: E402

ZERO_ID = "0" * 40


@dataclass(frozen=True)
class PushResult:
    sent: dict[str, str]  # ref -> new id, as asked of the remote
    refused: dict[str, str]  # ref -> why the remote refused it
    messages: list[str]  # what the remote said (its hooks' output), line by line


def _remote_error(url: str, e: BaseException) -> FlexgitError:
    text = (e.args[0] if e.args else "") or type(e).__name__
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    first = str(text).strip().splitlines()[0] if str(text).strip() else type(e).__name__
    from flexgit import redact

    return RemoteError(redact.url(f"{url}: {first}; check the URL and that the server is "
                                  f"reachable (`flexgit remote list`)"))


def remote_urls(store: Store) -> dict[str, str]:
    """Remote name -> URL, from the store's git config."""
    cfg = store._repo.get_config()
    out: dict[str, str] = {}
    for section in cfg.sections():
        if len(section) == 2 and section[0] == b"remote":
            try:
                url = cfg.get(section, b"url")
            except KeyError:
                continue
            out[section[1].decode("utf-8", "replace")] = url.decode("utf-8", "replace")
    return out


def set_remote(store: Store, name: str, url: str, *, fetch: str | None = None) -> None:
    cfg = store._repo.get_config()
    section = (b"remote", name.encode())
    cfg.set(section, b"url", url.encode())
    if fetch is not None:
        cfg.set(section, b"fetch", fetch.encode())
    write_config(store.path, cfg)


def delete_remote(store: Store, name: str) -> bool:
    cfg = store._repo.get_config()
    try:
        del cfg[(b"remote", name.encode())]
    except KeyError:
        return False
    write_config(store.path, cfg)
    return True


def _transport(url: str) -> tuple[GitClient, str]:
    """A dulwich client and path for `url`. A local repository is reached
    through `git receive-pack`/`upload-pack` when C git is installed, so its
    own hooks (a central pre-receive) run as they would for a network push."""
    from dulwich.client import LocalGitClient, SubprocessGitClient, get_transport_and_path

    try:
        client, path = get_transport_and_path(url)
    except ValueError as e:
        raise _remote_error(url, e) from None
    if isinstance(client, LocalGitClient):
        local = Path(path)
        if not (local / "HEAD").is_file() and not (local / ".git").exists():
            raise RemoteError(f"no git repository at {local}; create one with "
                                        f"`git init --bare {local}`")
        if shutil.which("git"):
            return SubprocessGitClient(), str(local)
        if (local / "hooks" / "pre-receive").exists():
            raise RemoteError(f"{local} has a pre-receive hook, which only C git "
                                        f"runs; install git to push there")
    return client, path


def _to_str_refs(refs: Mapping[Ref, ObjectID | None] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in (refs or {}).items():
        if v is not None and not k.endswith(b"^{}"):
            out[k.decode("utf-8", "replace")] = v.decode()
    return out


class _Lines:
    """Collects a remote's side-band messages as whole lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buf = b""

    def __call__(self, data: bytes) -> None:
        self._buf += data
        while True:
            cut = min((i for i in (self._buf.find(b"\n"), self._buf.find(b"\r")) if i >= 0),
                      default=-1)
            if cut < 0:
                break
            line, self._buf = self._buf[:cut], self._buf[cut + 1:]
            self._add(line)

    def _add(self, line: bytes) -> None:
        text = line.decode("utf-8", "replace").rstrip()
        if text:
            self.lines.append(text)

    def done(self) -> list[str]:
        if self._buf:
            self._add(self._buf)
            self._buf = b""
        return self.lines


def push_refs(store: Store, url: str,
              decide: Callable[[dict[str, str]], dict[str, str]]) -> PushResult:
    """Push to `url`: `decide(remote refs)` returns ref -> local commit id for
    every ref to set (ZERO_ID deletes). The objects they need are sent."""
    client, path = _transport(url)
    repo = store._repo
    lines = _Lines()
    sent: dict[str, str] = {}

    def update_refs(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
        sent.update(decide(_to_str_refs(refs)))
        new = {Ref(k.encode()): ObjectID(v.encode()) for k, v in sent.items()}
        # dulwich sends only what is returned: keep the refs we leave alone.
        return {**{k: v for k, v in refs.items() if k not in new}, **new}

    def pack_data(have: AbstractSet[ObjectID], want: AbstractSet[ObjectID], *,
                  ofs_delta: bool = False, progress: Callable[[bytes], None] | None = None
                  ) -> tuple[int, Iterator[UnpackedObject]]:
        # No local progress: the user is shown what the remote says.
        return repo.generate_pack_data(set(have), set(want), ofs_delta=ofs_delta)

    try:
        result = client.send_pack(path.encode(), update_refs, pack_data, progress=lines)
    except Exception as e:  # dulwich and the network raise many kinds
        raise _remote_error(url, e) from None
    refused = {k.decode("utf-8", "replace"): str(v)
               for k, v in (result.ref_status or {}).items() if v is not None}
    return PushResult(sent, refused, lines.done())


def fetch_refs(store: Store, url: str, select: Callable[[str], bool]) -> dict[str, str]:
    """Fetch the objects of every remote ref `select` accepts into the store;
    return those refs (name -> id). The caller holds the store lock and sets
    its own refs."""
    client, path = _transport(url)
    repo = store._repo
    chosen: dict[str, str] = {}

    def wants(refs: Mapping[Ref, ObjectID], depth: int | None = None) -> list[ObjectID]:
        chosen.update({k: v for k, v in _to_str_refs(refs).items() if select(k)})
        return sorted({ObjectID(v.encode()) for v in chosen.values()
                       if not store.has_object(v)})

    try:
        client.fetch(path.encode(), repo, determine_wants=wants)
    except Exception as e:  # dulwich and the network raise many kinds
        raise _remote_error(url, e) from None
    store._refresh()
    missing = [r for r, sha in chosen.items() if not store.has_object(sha)]
    if missing:
        raise RemoteError(f"{url}: {missing[0]} was announced but its objects did "
                                    f"not arrive; run `flexgit fetch` again")
    return chosen


def refs_under(store: Store, prefix: str) -> dict[str, str]:
    """Full ref name -> id of every ref below `prefix` (e.g. "refs/remotes/")."""
    base = prefix.rstrip("/").encode()
    return {(base + b"/" + k).decode("utf-8", "replace"): v.decode()
            for k, v in store._repo.refs.as_dict(Ref(base)).items()}


def put_ref(store: Store, ref: str, sha: str | None) -> None:
    """Point `ref` at `sha` (or remove it), whatever it held: for refs that
    mirror another repository's, which that repository decides."""
    refs = store._repo.refs
    if sha is None:
        refs.remove_if_equals(Ref(ref.encode()), None)
    else:
        refs.set_if_equals(Ref(ref.encode()), None, ObjectID(sha.encode()))


def valid_ref(ref: str) -> bool:
    from dulwich.refs import check_ref_format

    return bool(check_ref_format(Ref(ref.encode())))


def commit_parents(store: Store, sha: str) -> list[str]:
    c = store._object(sha)
    if not isinstance(c, Commit):
        raise UsageError(f"{sha} is not a commit")
    return [p.decode() for p in c.parents]


def is_ancestor(store: Store, ancestor: str, descendant: str) -> bool:
    """True when `ancestor` is `descendant` or one of its ancestors (both
    known to the store; an unknown id is no ancestor)."""
    if not store.has_object(ancestor) or not store.has_object(descendant):
        return False
    todo, seen = [descendant], set()
    while todo:
        sha = todo.pop()
        if sha == ancestor:
            return True
        if sha in seen:
            continue
        seen.add(sha)
        todo.extend(commit_parents(store, sha))
    return False


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
