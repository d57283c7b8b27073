"""Remote transport: remote names in the store's git config (so C git sees
them too), push and fetch through dulwich's clients to any git URL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dulwich.client import GitClient
from dulwich.objects import ObjectID
from dulwich.pack import UnpackedObject
from dulwich.refs import Ref

from flexgit.errors import FlexgitError, RemoteError
from flexgit.store.repo import write_config

if TYPE_CHECKING:
    from flexgit.store.repo import Store

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

