"""The worker pool: read, sanitize, hash and compress files, in worker
processes (one per core) when there are many."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import process as cf_process
from typing import Any

from flexgit import content, sanitize
from flexgit.profile import Profile
from flexgit.snapshot import scan
from flexgit.snapshot.install import META_SOURCES, read_nofollow
from flexgit.store import PackWriter, blob_id

# Sanitizing is pure Python and holds the GIL: with many files to read, worker
# processes do read + sanitize + hash + compress, one per core.
PROCESS_THRESHOLD = 200
_worker_rules: sanitize.Rules | None = None
_worker_private = False
_worker_known: sanitize.Sweep | None = None


def init_worker(rules: sanitize.Rules, private: bool, parent: int | None = None,
                known: sanitize.Sweep | None = None) -> None:
    global _worker_rules, _worker_private, _worker_known
    _worker_rules, _worker_private, _worker_known = rules, private, known
    if parent is not None:
        # Ctrl-C reaches the whole process group: flexgit ends its workers
        # itself (WorkerPool), so a worker must not die printing a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with(parent)


def _die_with(parent: int) -> None:
    """Make this worker process end when flexgit does. Killed with -9, flexgit
    cannot shut its pool down, and a worker would wait for work forever
    (its own copy of the task pipe never reports the end)."""
    import ctypes  # here: only worker processes need it

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux; elsewhere a no-op
    if os.getppid() != parent:  # flexgit died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


# What a binary of each kind is, for the one line that says why it was left out.
_BINARY_KINDS = {
    "database": "a database (user data)",
    "audio": "audio (recordings and voicemail are user data)",
    "archive": "an archive (what it holds cannot be sanitized)",
    "document": "a document (PDF or Office files cannot be sanitized)",
    "program": "a compiled program",
    "keystore": "a key store (keys and certificates are secrets)",
    "data": "binary data of an unknown kind",
}


def binary_problem(data: bytes) -> str | None:
    """Why `data` never enters a shareable snapshot, or None: text is
    sanitized and static web assets (content.ASSET_KINDS) cannot hold the
    installation's secrets, but any other binary cannot be read for them."""
    kind = content.binary_kind(data)
    if kind is None:
        return None
    if kind in content.ASSET_KINDS:
        meta = content.image_text(data) if kind == "image" else ""
        if meta and sanitize.sanitize("image-metadata.txt", meta.encode()).counts:
            return ("an image whose metadata (comments, EXIF, text chunks) holds what the "
                    "sanitizer replaces; strip it (e.g. exiftool -all=) to keep the image")
        return None
    return (f"{_BINARY_KINDS.get(kind, kind)}; binaries other than images and fonts never "
            f"enter a shareable snapshot")


def _digest_file(path: str, abspath: str, packing: bool,
                 keep_data: bool) -> tuple[str, Any, dict[str, int], Any, bytes | None,
                                           frozenset[str]]:
    """In a worker: ("data", size, counts, prepared-or-blob-id, data if asked,
    values the rules removed), or ("error", why, ...) for a file that stays out."""
    try:
        raw = read_nofollow(abspath)
    except OSError as e:
        return "error", e.strerror or str(e), {}, None, None, frozenset()
    removed: frozenset[str] = frozenset()
    if _worker_private:
        data, counts = raw, {}
    elif (why := binary_problem(raw)) is not None:
        return "error", why, {}, None, None, frozenset()
    else:
        res = sanitize.sanitize(path, raw, _worker_rules or sanitize.DEFAULT_RULES,
                                _worker_known)
        data, counts, removed = res.data, res.counts, res.removed
    ready: Any = PackWriter.prepare_blob(data) if packing else blob_id(data)
    return "data", len(data), counts, ready, data if keep_data else None, removed


def resanitize_chunk(items: list[tuple[str, bytes]]) -> list[Any]:
    """In a worker: sanitize content that arrived in a backup file, sweeping
    the known values, and prepare its blob: (changed, size, counts, binary id,
    zlib stream, values the rules removed) per item."""
    out = []
    for path, raw in items:
        res = sanitize.sanitize(path, raw, _worker_rules or sanitize.DEFAULT_RULES,
                                _worker_known)
        binsha, comp = PackWriter.prepare_blob(res.data)
        out.append((res.data != raw, len(res.data), res.counts, binsha, comp, res.removed))
    return out


class WorkerPool(ProcessPoolExecutor):
    """A process pool that, when its work is abandoned (an error, Ctrl-C),
    ends its workers instead of waiting for them: a worker may be seconds
    into a chunk of files whose result nobody wants, and the interpreter's
    exit would wait for it too. Workers only compute (read, sanitize,
    compress): ending them loses nothing, every write is the parent's."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if not cancel_futures:
            super().shutdown(wait=wait)
            self._forget_wakeup()
            return
        workers = list((getattr(self, "_processes", None) or {}).values())
        super().shutdown(wait=False, cancel_futures=True)
        for proc in workers:
            with contextlib.suppress(OSError, ValueError):
                proc.kill()
        for proc in workers:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                proc.join(timeout=2)
        super().shutdown(wait=wait)  # the manager thread sees them gone and ends
        self._forget_wakeup()

    def _forget_wakeup(self) -> None:
        """Python 3.11's exit hook for process pools writes to every pool's
        wake-up pipe, also to one its ended manager thread closed, and prints
        an OSError traceback after a Ctrl-C (fixed in later Pythons): an
        ended pool's entry is dropped."""
        thread = getattr(self, "_executor_manager_thread", None)
        if thread is not None and not thread.is_alive():
            cf_process._threads_wakeups.pop(thread, None)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.shutdown(wait=True, cancel_futures=exc_type is not None)


def worker_pool(profile: Profile, known: sanitize.Sweep | None = None) -> WorkerPool:
    """Worker processes that know the profile's sanitizer rules and the sweep
    (fork: they inherit the compiled rules and need no imports of their own)."""
    return WorkerPool(max_workers=os.cpu_count() or 1,
                      mp_context=mp.get_context("fork"), initializer=init_worker,
                      initargs=(profile.rules, profile.private, os.getpid(), known))


def _digest_chunk(chunk: list[tuple[str, str, bool, bool]]) -> list[Any]:
    return [_digest_file(*args) for args in chunk]


def _chunks(files: list[scan.Found], packing: bool,
            limit: int = 1 << 22) -> Iterator[list[tuple[str, str, bool, bool]]]:
    """Tasks for the workers: a few MB of files each, so that the cost of
    handing work to another process is paid per chunk, not per file."""
    chunk: list[tuple[str, str, bool, bool]] = []
    size = 0
    for f in files:
        chunk.append((f.path, f.abspath, packing, f.path in META_SOURCES))
        size += f.st.st_size + 512
        if size >= limit or len(chunk) >= 256:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _digest_all(files: list[scan.Found], profile: Profile, packing: bool,
                known: sanitize.Sweep | None) -> Iterator[tuple[scan.Found, Any]]:
    """Read, sanitize, hash (and compress) every file; in worker processes, one
    per core, when there are many. Results come in the order of `files`."""
    cores = os.cpu_count() or 1
    init_worker(profile.rules, profile.private, None, known)
    if len(files) < PROCESS_THRESHOLD or cores < 2:
        for f in files:
            yield f, _digest_file(f.path, f.abspath, packing, f.path in META_SOURCES)
        return
    with worker_pool(profile, known) as pool:
        it = iter(files)
        for results in pool.map(_digest_chunk, _chunks(files, packing)):
            for r in results:
                yield next(it), r

