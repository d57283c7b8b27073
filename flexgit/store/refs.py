"""Refs of a store: the snapshot branch (moved by compare-and-swap), tags,
bookkeeping refs and the mirrors of other repositories' refs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dulwich.objects import ObjectID
from dulwich.refs import Ref, RefsContainer

from flexgit import faults, fsutil
from flexgit.errors import FlexgitError, UsageError

if TYPE_CHECKING:
    from flexgit.sanitize import Rules
    from flexgit.store.repo import Store

BRANCH = b"refs/heads/main"


def _oid(sha: str) -> ObjectID:
    return ObjectID(sha.encode())


class Refs:
    """The refs of the repository at `path`. `container` gives the live
    refs container: the store reopens its Repo now and then (repo.py)."""

    def __init__(self, path: Path, container: Callable[[], RefsContainer]) -> None:
        self.path = path
        self._container = container

    def all(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self._container().as_dict().items()
                if k != b"HEAD"}

    def named(self, ref: str) -> str | None:
        """The id a full ref name points at, None when there is no such ref."""
        try:
            return str(self._container()[Ref(ref.encode())].decode())
        except KeyError:
            return None

    def tag(self, name: str) -> str | None:
        sha = self._container().as_dict(Ref(b"refs/tags")).get(Ref(name.encode()))
        return None if sha is None else str(sha.decode())

    def under(self, prefix: str) -> dict[str, str]:
        base = prefix.rstrip("/").encode()
        return {(base + b"/" + k).decode("utf-8", "replace"): v.decode()
                for k, v in self._container().as_dict(Ref(base)).items()}

    def put(self, ref: str, sha: str | None) -> None:
        refs = self._container()
        if sha is None:
            refs.remove_if_equals(Ref(ref.encode()), None)
        else:
            refs.set_if_equals(Ref(ref.encode()), None, _oid(sha))

    def any(self) -> bool:
        """Whether any ref below refs/ is set (a store that was used)."""
        return bool(self._container().as_dict(Ref(b"refs")))

    def head(self, branch: bytes = BRANCH) -> str | None:
        try:
            return self._container()[Ref(branch)].decode()
        except KeyError:
            return None

    def move_head(self, old: str | None, new: str, *, message: str = "snapshot",
                  branch: bytes = BRANCH) -> None:
        """Compare-and-swap the branch: refuses if someone moved it meanwhile."""
        faults.point("ref")
        refs = self._container()
        ok = (refs.set_if_equals(Ref(branch), _oid(old), _oid(new), message=message.encode())
              if old else refs.add_if_new(Ref(branch), _oid(new), message=message.encode()))
        if not ok:
            raise FlexgitError(f"{branch.decode()} of {self.path} moved while this command "
                               f"was writing; run the command again")
        fsutil.fsync_dir((self.path / branch.decode()).parent)

    def set(self, ref: bytes, sha: str | None) -> None:
        """Point a bookkeeping ref (not a snapshot branch) at sha, or remove it."""
        if sha is None:
            self._container().remove_if_equals(Ref(ref), None)
        else:
            self._container().set_if_equals(Ref(ref), None, _oid(sha))


    def tags(self) -> dict[str, str]:
        out = {}
        for ref, sha in self._container().as_dict(Ref(b"refs/tags")).items():
            out[ref.decode()] = sha.decode()
        return out

    def add_tag(self, name: str, sha: str, *, rules: Rules | None = None) -> None:
        """Tag `sha` as `name`; a name that is not a valid ref, or that holds
        what the sanitizer (with `rules`) would replace, is refused."""
        from dulwich.refs import check_ref_format

        from flexgit import names  # here: it brings the sanitizer, which opening a store needs not

        names.check_tag_name(name, rules)
        ref = b"refs/tags/" + name.encode()
        if not check_ref_format(Ref(ref)) or name in ("latest",) or "~" in name:
            raise UsageError(f"invalid tag name {name!r}")
        if not self._container().add_if_new(Ref(ref), _oid(sha)):
            raise UsageError(f"tag {name!r} exists already")

    def delete_tag(self, name: str) -> str:
        """Remove tag `name`; returns the commit it named. Its snapshot stays
        in the history (forget removes snapshots)."""
        old = self._container().as_dict(Ref(b"refs/tags")).get(Ref(name.encode()))
        if old is None:
            raise UsageError(f"no tag {name!r}; `flexgit tag` lists the tags")
        if not self._container().remove_if_equals(Ref(b"refs/tags/" + name.encode()), old):
            raise UsageError(f"tag {name!r} changed while it was being deleted; try again")
        return old.decode()

    def move_tag(self, name: str, old: str, new: str) -> None:
        """Point tag `name` from `old` to `new` (a rewritten history's copy)."""
        if not self._container().set_if_equals(Ref(b"refs/tags/" + name.encode()), _oid(old),
                                             _oid(new)):
            raise FlexgitError(f"tag {name!r} moved while this command was writing; run the "
                               f"command again")


def refs_under(store: Store, prefix: str) -> dict[str, str]:
    """Full ref name -> id of every ref below `prefix` (e.g. "refs/remotes/")."""
    return store.refs.under(prefix)


def put_ref(store: Store, ref: str, sha: str | None) -> None:
    """Point `ref` at `sha` (or remove it), whatever it held: for refs that
    mirror another repository's, which that repository decides."""
    store.refs.put(ref, sha)


def valid_ref(ref: str) -> bool:
    from dulwich.refs import check_ref_format

    return bool(check_ref_format(Ref(ref.encode())))
