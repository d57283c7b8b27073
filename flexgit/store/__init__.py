"""The only door to git: bare repositories of snapshots, read and written
through dulwich.

Everything else speaks in snapshots: a flat mapping of tree paths to
`Entry(mode, blob id)`. New objects go into one pack per snapshot, written
by `PackWriter` (objects first, then the index, then the ref), so a crash at
any point leaves the previous snapshot reachable and the repository clean.

Modules: objects (ids, modes, pack headers; no dulwich), packs (the pack
writer), repo (the Store: opening and reading), refs, graph (ancestry),
transport (remotes). The names are re-exported here and loaded on first
use, so `from flexgit.store import blob_id` does not import dulwich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexgit.lazy import exports

if TYPE_CHECKING:
    from flexgit.store.graph import (
        commit_parents as commit_parents,
    )
    from flexgit.store.graph import (
        is_ancestor as is_ancestor,
    )
    from flexgit.store.objects import (
        EXEC as EXEC,
    )
    from flexgit.store.objects import (
        FILE as FILE,
    )
    from flexgit.store.objects import (
        LINK as LINK,
    )
    from flexgit.store.objects import (
        CommitInfo as CommitInfo,
    )
    from flexgit.store.objects import (
        Entry as Entry,
    )
    from flexgit.store.objects import (
        Files as Files,
    )
    from flexgit.store.objects import (
        blob_id as blob_id,
    )
    from flexgit.store.objects import (
        incompressible as incompressible,
    )
    from flexgit.store.objects import (
        parse_trailers as parse_trailers,
    )
    from flexgit.store.packs import (
        PackWriter as PackWriter,
    )
    from flexgit.store.refs import (
        BRANCH as BRANCH,
    )
    from flexgit.store.refs import (
        Refs as Refs,
    )
    from flexgit.store.refs import (
        put_ref as put_ref,
    )
    from flexgit.store.refs import (
        refs_under as refs_under,
    )
    from flexgit.store.refs import (
        valid_ref as valid_ref,
    )
    from flexgit.store.repo import (
        CONFIG_MODE as CONFIG_MODE,
    )
    from flexgit.store.repo import (
        MARKER as MARKER,
    )
    from flexgit.store.repo import (
        Store as Store,
    )
    from flexgit.store.repo import (
        object_kind as object_kind,
    )
    from flexgit.store.repo import (
        open_plain as open_plain,
    )
    from flexgit.store.repo import (
        write_config as write_config,
    )
    from flexgit.store.transport import (
        ZERO_ID as ZERO_ID,
    )
    from flexgit.store.transport import (
        PushResult as PushResult,
    )
    from flexgit.store.transport import (
        delete_remote as delete_remote,
    )
    from flexgit.store.transport import (
        fetch_refs as fetch_refs,
    )
    from flexgit.store.transport import (
        push_refs as push_refs,
    )
    from flexgit.store.transport import (
        remote_urls as remote_urls,
    )
    from flexgit.store.transport import (
        set_remote as set_remote,
    )

_WHERE = {
    "FILE": "objects",
    "EXEC": "objects",
    "LINK": "objects",
    "Entry": "objects",
    "Files": "objects",
    "CommitInfo": "objects",
    "blob_id": "objects",
    "incompressible": "objects",
    "parse_trailers": "objects",
    "PackWriter": "packs",
    "BRANCH": "refs",
    "Refs": "refs",
    "refs_under": "refs",
    "put_ref": "refs",
    "valid_ref": "refs",
    "Store": "repo",
    "MARKER": "repo",
    "CONFIG_MODE": "repo",
    "write_config": "repo",
    "object_kind": "repo",
    "open_plain": "repo",
    "ZERO_ID": "transport",
    "PushResult": "transport",
    "remote_urls": "transport",
    "set_remote": "transport",
    "delete_remote": "transport",
    "push_refs": "transport",
    "fetch_refs": "transport",
    "commit_parents": "graph",
    "is_ancestor": "graph",
}
__all__ = sorted(_WHERE)
__getattr__ = exports(__name__, _WHERE)
