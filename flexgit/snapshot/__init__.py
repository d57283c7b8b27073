"""The capture side: walk -> stat cache -> sanitize -> blobs -> tree -> commit -> ref.

Modules: scan (walking the installation with a profile), statcache, install
(the Installation), pool (the worker processes), collector (collect, the
manifest, the fingerprint), commit (take, commit_files), manifest. The names
are re-exported here and loaded on first use, so importing `scan` or
`statcache` does not pull in the sanitizer and dulwich with the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexgit.lazy import exports

if TYPE_CHECKING:
    from flexgit.snapshot.collector import (
        Collected as Collected,
    )
    from flexgit.snapshot.collector import (
        build_manifest as build_manifest,
    )
    from flexgit.snapshot.collector import (
        collect as collect,
    )
    from flexgit.snapshot.collector import (
        fingerprint as fingerprint,
    )
    from flexgit.snapshot.commit import (
        Result as Result,
    )
    from flexgit.snapshot.commit import (
        cache_key as cache_key,
    )
    from flexgit.snapshot.commit import (
        commit_files as commit_files,
    )
    from flexgit.snapshot.commit import (
        known_for as known_for,
    )
    from flexgit.snapshot.commit import (
        no_changes_message as no_changes_message,
    )
    from flexgit.snapshot.commit import (
        no_installation_message as no_installation_message,
    )
    from flexgit.snapshot.commit import (
        take as take,
    )
    from flexgit.snapshot.install import (
        META_SOURCES as META_SOURCES,
    )
    from flexgit.snapshot.install import (
        Installation as Installation,
    )
    from flexgit.snapshot.install import (
        read_nofollow as read_nofollow,
    )
    from flexgit.snapshot.manifest import (
        MANIFEST_PATH as MANIFEST_PATH,
    )
    from flexgit.snapshot.manifest import (
        REPORT_PATH as REPORT_PATH,
    )
    from flexgit.snapshot.manifest import (
        Manifest as Manifest,
    )
    from flexgit.snapshot.manifest import (
        Meta as Meta,
    )
    from flexgit.snapshot.manifest import (
        parse_report as parse_report,
    )
    from flexgit.snapshot.manifest import (
        report_bytes as report_bytes,
    )
    from flexgit.snapshot.manifest import (
        shared_meta as shared_meta,
    )
    from flexgit.snapshot.pool import (
        PROCESS_THRESHOLD as PROCESS_THRESHOLD,
    )
    from flexgit.snapshot.pool import (
        WorkerPool as WorkerPool,
    )
    from flexgit.snapshot.pool import (
        binary_problem as binary_problem,
    )
    from flexgit.snapshot.pool import (
        init_worker as init_worker,
    )
    from flexgit.snapshot.pool import (
        resanitize_chunk as resanitize_chunk,
    )
    from flexgit.snapshot.pool import (
        worker_pool as worker_pool,
    )
    from flexgit.snapshot.statcache import (
        CACHE_NAME as CACHE_NAME,
    )
    from flexgit.snapshot.statcache import (
        StatCache as StatCache,
    )

_WHERE = {
    "Installation": "install",
    "read_nofollow": "install",
    "META_SOURCES": "install",
    "PROCESS_THRESHOLD": "pool",
    "WorkerPool": "pool",
    "binary_problem": "pool",
    "init_worker": "pool",
    "resanitize_chunk": "pool",
    "worker_pool": "pool",
    "Collected": "collector",
    "collect": "collector",
    "build_manifest": "collector",
    "fingerprint": "collector",
    "Result": "commit",
    "take": "commit",
    "commit_files": "commit",
    "no_changes_message": "commit",
    "no_installation_message": "commit",
    "cache_key": "commit",
    "known_for": "commit",
    "MANIFEST_PATH": "manifest",
    "REPORT_PATH": "manifest",
    "Manifest": "manifest",
    "Meta": "manifest",
    "report_bytes": "manifest",
    "shared_meta": "manifest",
    "parse_report": "manifest",
    "CACHE_NAME": "statcache",
    "StatCache": "statcache",
}
__all__ = sorted(_WHERE)
__getattr__ = exports(__name__, _WHERE)
