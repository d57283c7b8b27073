"""Offsite copies of the store in git remotes (any git URL: a path, git://,
http(s)://, ssh://).

Many PBX hosts share one central repository without colliding: each pushes
its snapshots to `refs/heads/flexgit/<host>/<account>` and its tags to
`refs/tags/flexgit/<host>/<account>/<tag>`. `fetch` brings every host's
branch home as `refs/remotes/<remote>/flexgit/<host>/<account>` (tags under
`refs/remotes/<remote>/tags/…`), where `flexgit log --remote` lists them.
The private store is pushed only when asked for by name and confirmed.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flexgit import redact
from flexgit.errors import RemoteError, UsageError
from flexgit.store import (
    PushResult,
    Store,
    delete_remote,
    fetch_refs,
    is_ancestor,
    push_refs,
    put_ref,
    refs_under,
    remote_urls,
    set_remote,
    valid_ref,
)

if TYPE_CHECKING:
    from flexgit.history import LogEntry

NAMESPACE = "flexgit"
PRIVATE_NAMESPACE = "flexgit-private"
SCHEMES = ("file", "git", "http", "https", "ssh", "git+ssh", "ssh+git")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SCP = re.compile(r"^(?:[^@/:]+@)?[^/:]+:")  # user@host:path, as git and ssh write it


def ref_component(text: str, *, lower: bool = False) -> str:
    """`text` as one valid ref component: [A-Za-z0-9._-], no leading dot or
    dash, no `..`, no `.lock` ending; never empty."""
    t = re.sub(r"[^A-Za-z0-9._-]+", "-", text.lower() if lower else text)
    t = re.sub(r"\.{2,}", ".", t).strip(".-")
    if t.endswith(".lock"):
        t = t[: -len(".lock")] + "-lock"
    return t or "unknown"


@dataclass(frozen=True)
class Identity:
    """Where this installation's snapshots live in a shared repository."""

    host: str
    account: str

    @classmethod
    def of(cls, host: str | None, account: str) -> Identity:
        return cls(ref_component(host or socket.gethostname(), lower=True),
                   ref_component(account))

    @property
    def branch(self) -> str:
        return f"refs/heads/{NAMESPACE}/{self.host}/{self.account}"

    @property
    def tag_prefix(self) -> str:
        return f"refs/tags/{NAMESPACE}/{self.host}/{self.account}/"

    def private_branch(self, local: str) -> str:
        return f"refs/heads/{PRIVATE_NAMESPACE}/{self.host}/{self.account}/{local}"


def account_of(home: Path) -> str:
    """The account an installation belongs to: the owner of its home."""
    from flexgit.snapshot.scan import user_name

    try:
        return user_name(home.stat().st_uid)
    except OSError:
        return home.name


# --- configuration ------------------------------------------------------------


def check_name(name: str) -> None:
    if not _NAME.fullmatch(name) or not valid_ref(f"refs/remotes/{name}/x"):
        raise UsageError(f"invalid remote name {name!r}: use letters, digits, '.', '_' and "
                         f"'-' (e.g. central)")


def normalise_url(url: str, *, base: Path | None = None) -> str:
    """URLs stay as they are; a local path becomes absolute."""
    if "://" in url:
        scheme = url.split("://", 1)[0].lower()
        if scheme not in SCHEMES:
            raise UsageError(f"unsupported URL scheme {scheme!r}: use a path, file://, git://, "
                             f"http(s):// or ssh://")
        return url
    if _SCP.match(url) and not Path(url).exists():
        return url
    p = Path(url).expanduser()
    return str(p if p.is_absolute() else (base or Path.cwd()) / p)


def add(store: Store, name: str, url: str) -> str:
    check_name(name)
    if name in remote_urls(store):
        raise UsageError(f"remote {name!r} exists already; `flexgit remote remove {name}` first")
    url = normalise_url(url)
    # The same mapping for C git: `git fetch NAME` in the store does what
    # `flexgit fetch NAME` does.
    set_remote(store, name, url,
               fetch=f"+refs/heads/{NAMESPACE}/*:refs/remotes/{name}/{NAMESPACE}/*")
    return url


def remove(store: Store, name: str) -> int:
    """Forget remote `name` and the refs fetched from it; returns how many."""
    if not delete_remote(store, name):
        raise UsageError(f"no remote named {name!r}; see `flexgit remote list`")
    fetched = refs_under(store, f"refs/remotes/{name}")
    for ref in fetched:
        put_ref(store, ref, None)
    return len(fetched)


def listing(store: Store) -> dict[str, str]:
    return dict(sorted(remote_urls(store).items()))


def resolve(store: Store, remote: str | None) -> tuple[str | None, str]:
    """(name, URL) of `remote`: a configured name or a URL/path; without one,
    the only configured remote."""
    return resolve_in(remote_urls(store), remote)


def resolve_in(urls: Mapping[str, str], remote: str | None) -> tuple[str | None, str]:
    if remote is None:
        if len(urls) == 1:
            name = next(iter(urls))
            return name, urls[name]
        if not urls:
            raise UsageError("no remote configured; add one with `flexgit remote add NAME URL`")
        raise UsageError(f"several remotes ({', '.join(sorted(urls))}); name the one to use")
    if remote in urls:
        return remote, urls[remote]
    if "://" in remote or "/" in remote or _SCP.match(remote):
        return None, normalise_url(remote)
    raise UsageError(f"no remote named {remote!r}; see `flexgit remote list`")


# --- push -----------------------------------------------------------------------


@dataclass
class Pushed:
    remote: str  # the name, or the URL for an unnamed remote
    url: str
    branch: str  # the main ref this push maps to (private: its namespace)
    updated: dict[str, str] = field(default_factory=dict)  # remote ref -> new id
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # remote ref -> why not pushed
    refused: dict[str, str] = field(default_factory=dict)  # remote ref -> the remote's reason
    messages: list[str] = field(default_factory=list)  # what the remote said

    def as_json(self) -> dict[str, Any]:
        return {"remote": self.remote, "url": redact.url(self.url), "branch": self.branch,
                "updated": self.updated, "unchanged": self.unchanged, "skipped": self.skipped,
                "refused": self.refused, "messages": self.messages}

    def check(self) -> None:
        """Raise when the remote refused anything or the branch could not go."""
        if self.refused:
            ref, why = sorted(self.refused.items())[0]
            raise RemoteError(f"{self.remote} refused {ref}: {why}"
                              + ("; see the remote's messages above" if self.messages else ""))
        if self.branch in self.skipped:
            raise RemoteError(f"{self.remote}: {self.branch} not pushed: "
                              f"{self.skipped[self.branch]}")


def _plan(store: Store, local: dict[str, str], current: dict[str, str], *, force: bool,
          tags: set[str], res: Pushed) -> dict[str, str]:
    """Which refs to set: branches only fast-forward (unless forced), tags
    never move."""
    out: dict[str, str] = {}
    for ref, sha in sorted(local.items()):
        old = current.get(ref)
        if old == sha:
            res.unchanged.append(ref)
        elif old is None or (force and ref not in tags):
            out[ref] = sha
        elif ref in tags:
            res.skipped[ref] = "the remote has a different tag of that name; tags never move"
        elif is_ancestor(store, old, sha):
            out[ref] = sha
        else:
            res.skipped[ref] = ("the remote branch has snapshots this store lacks (another "
                                "host under the same name? a re-created store?); "
                                "`flexgit push --force` replaces it")
    return out


def _run(store: Store, name: str | None, url: str, branch: str, local: dict[str, str], *,
         force: bool, tags: set[str]) -> Pushed:
    res = Pushed(name or url, url, branch)
    result: PushResult = push_refs(
        store, url, lambda current: _plan(store, local, current, force=force, tags=tags,
                                          res=res))
    res.refused = result.refused
    res.updated = {r: s for r, s in result.sent.items() if r not in result.refused}
    res.messages = result.messages
    return res


def push(store: Store, remote: str | None, *, identity: Identity,
         force: bool = False) -> Pushed:
    """Push the shareable store's snapshots and tags under `identity`."""
    if store.is_private:
        raise UsageError("this is the private store; it is pushed only with "
                         "`flexgit push --private REMOTE`")
    name, url = resolve(store, remote)
    head = store.head()
    if head is None:
        raise UsageError(f"{store.path} has no snapshots yet; run `flexgit snapshot` first")
    local = {identity.branch: head}
    tag_refs = set()
    for tag, sha in store.tags().items():
        ref = identity.tag_prefix + tag
        if valid_ref(ref):
            local[ref] = sha
            tag_refs.add(ref)
    res = _run(store, name, url, identity.branch, local, force=force, tags=tag_refs)
    if name is not None and identity.branch in res.updated:
        # What the remote now holds, as `git push` records it.
        put_ref(store, _tracking(name, identity.branch), res.updated[identity.branch])
    return res


def push_private(private: Store, remote: str, *, identity: Identity, confirmed: bool,
                 urls: Mapping[str, str], force: bool = False) -> Pushed:
    """Push the private store (user data!) to a remote the user named and
    confirmed; every local branch goes to flexgit-private/<host>/<account>/….
    `urls` are the remotes configured on the shareable store."""
    if not private.is_private:
        raise UsageError(f"{private.path} is not a private store")
    if not remote:
        raise UsageError("name the remote to push the private store to: "
                         "`flexgit push --private REMOTE`")
    if not confirmed:
        raise UsageError("pushing the private store needs a second confirmation: "
                         "--yes-push-private (it holds user data and secrets)")
    name, url = resolve_in(urls, remote)
    local = {identity.private_branch(ref.removeprefix("refs/heads/")): sha
             for ref, sha in refs_under(private, "refs/heads").items()}
    if not local:
        raise UsageError(f"{private.path} holds nothing to push")
    return _run(private, name, url, identity.private_branch("*"), local, force=force,
                tags=set())


# --- fetch ------------------------------------------------------------------


def _tracking(remote: str, ref: str) -> str:
    if ref.startswith("refs/heads/"):
        return f"refs/remotes/{remote}/{ref.removeprefix('refs/heads/')}"
    return f"refs/remotes/{remote}/tags/{ref.removeprefix('refs/tags/')}"


@dataclass
class Fetched:
    remote: str
    url: str
    branches: dict[str, str] = field(default_factory=dict)  # local tracking ref -> id
    tags: dict[str, str] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"remote": self.remote, "url": redact.url(self.url), "branches": self.branches,
                "tags": self.tags, "updated": self.updated, "removed": self.removed}


def fetch(store: Store, remote: str | None) -> Fetched:
    """Bring every host's snapshots and tags of the remote into the store."""
    name, url = resolve(store, remote)
    if name is None:
        raise UsageError("fetch needs a configured remote (its refs are kept under its name); "
                         "`flexgit remote add NAME URL` first")
    heads, tag_ns = f"refs/heads/{NAMESPACE}/", f"refs/tags/{NAMESPACE}/"
    res = Fetched(name, url)
    with store.locked("flexgit fetch"):
        got = fetch_refs(store, url, lambda ref: ref.startswith((heads, tag_ns)))
        old = refs_under(store, f"refs/remotes/{name}")
        new = {_tracking(name, ref): sha for ref, sha in got.items() if valid_ref(ref)}
        for ref, sha in sorted(new.items()):
            if old.get(ref) != sha:
                put_ref(store, ref, sha)
                res.updated.append(ref)
        for ref in sorted(set(old) - set(new)):
            put_ref(store, ref, None)
            res.removed.append(ref)
    tags_prefix = f"refs/remotes/{name}/tags/"
    res.branches = {r: s for r, s in new.items() if not r.startswith(tags_prefix)}
    res.tags = {r: s for r, s in new.items() if r.startswith(tags_prefix)}
    return res


@dataclass(frozen=True)
class RemoteBranch:
    remote: str
    host: str
    account: str
    ref: str
    head: str

    def as_json(self) -> dict[str, str]:
        return {"remote": self.remote, "host": self.host, "account": self.account,
                "ref": self.ref, "head": self.head}


def branches(store: Store, remote: str | None = None) -> list[RemoteBranch]:
    """Every host branch fetched (from `remote`, or from all remotes)."""
    out = []
    for ref, sha in sorted(refs_under(store, "refs/remotes").items()):
        parts = ref.split("/")  # refs remotes <remote> flexgit <host> <account>
        if len(parts) != 6 or parts[3] != NAMESPACE:
            continue
        if remote is not None and parts[2] != remote:
            continue
        out.append(RemoteBranch(parts[2], parts[4], parts[5], ref, sha))
    return out


def remote_tags(store: Store, branch: RemoteBranch) -> dict[str, str]:
    """Tag name -> id of the host's tags fetched with its branch."""
    prefix = f"refs/remotes/{branch.remote}/tags/{NAMESPACE}/{branch.host}/{branch.account}"
    return {ref.removeprefix(prefix + "/"): sha for ref, sha in refs_under(store, prefix).items()}



def remote_log(store: Store, remote: str | None, limit: int | None) -> list[
        tuple[RemoteBranch, list[LogEntry]]]:
    """Each fetched host branch with its snapshots, newest first."""
    from flexgit.history import log

    if remote is not None and remote not in remote_urls(store):
        raise UsageError(f"no remote named {remote!r}; see `flexgit remote list`")
    out = []
    for b in branches(store, remote):
        tags = {sha: name for name, sha in remote_tags(store, b).items()}
        entries = [replace(e, tags=[tags[e.id]]) if e.id in tags else replace(e, tags=[])
                   for e in log(store, limit, start=b.head)]
        out.append((b, entries))
    return out
