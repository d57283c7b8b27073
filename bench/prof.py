"""Profiling helpers for bench/run.py --profile.

    python bench/prof.py cmd OUT.txt -- <flexgit arguments>
        runs the flexgit CLI in this process under pyinstrument (a sampling
        profiler: its numbers are not inflated for many small calls the way
        cProfile's are) when it is installed, else under cProfile, with the
        snapshot's and the import's worker processes replaced by a synchronous
        pool (both profilers see only this process); writes the call tree or
        the top functions.
    python bench/prof.py regex OUT.txt DIR...
        times every compiled regular expression of flexgit.sanitize over the text
        files under DIR, one regex at a time.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any


class SyncPool:
    """flexgit.snapshot.pool.WorkerPool stand-in that runs each job in this
    process at submit (or map) time. Its initializer is not run: the callers
    run init_worker in this process before they make a pool, and the worker's
    one (ignore SIGINT, die with the parent) is not for the main process."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def map(self, fn: Any, *iterables: Any) -> Iterator[Any]:
        return map(fn, *iterables)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        return None

    def __enter__(self) -> SyncPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        f: Future[Any] = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as e:
            f.set_exception(e)
        return f


def profile_cli(out: Path, args: list[str]) -> None:
    import flexgit.snapshot.pool

    flexgit.snapshot.pool.WorkerPool = SyncPool  # type: ignore[misc,assignment]
    import importlib.util

    from flexgit.cli import cli

    if importlib.util.find_spec("pyinstrument") is not None:
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.001)
        sampler.start()
        with contextlib.suppress(SystemExit):
            cli.main(args, prog_name="flexgit")
        sampler.stop()
        out.write_text(f"flexgit {' '.join(args)}\n(pyinstrument, single thread)\n" +
                       sampler.output_text(unicode=False, color=False))
        return
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    with contextlib.suppress(SystemExit):
        cli.main(args, prog_name="flexgit")
    prof.disable()
    wall = time.perf_counter() - start
    buf = io.StringIO()
    buf.write(f"flexgit {' '.join(args)}\nwall under cProfile: {wall:.2f} s (single thread)\n")
    for key in ("tottime", "cumulative"):
        buf.write(f"\n===== top 35 by {key} =====\n")
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(35)
    out.write_text(buf.getvalue())


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The sanitizer's whole-text scanners: module-level regexes (or tuples of
    them) whose name the module's source uses with finditer/search, or that
    are looped over. Regexes only ever used with .match at a position are left
    out (so are the key helpers of `keys`, which only ever see a key): scanning
    a whole text with them says nothing."""
    import importlib
    import inspect
    import pkgutil

    import flexgit.sanitize as pkg

    found: list[tuple[str, re.Pattern[str]]] = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name in ("keys", "placeholders"):
            continue
        mod = importlib.import_module(f"flexgit.sanitize.{info.name}")
        src = inspect.getsource(mod)
        for name, value in vars(mod).items():
            scanner = re.search(rf"\b{name}\.(?:finditer|search|sub|findall)\(", src)
            looped = re.search(rf"\bin {name}\b", src)
            if not (scanner or (looped and isinstance(value, tuple))):
                continue
            items = value if isinstance(value, tuple) else (value,)
            for i, item in enumerate(items):
                if isinstance(item, tuple):  # (rule, regex) or (scheme, rule, regex)
                    item = next((x for x in item if isinstance(x, re.Pattern)), None)
                # A one-character class next to a literal is a boundary check.
                if isinstance(item, re.Pattern) and isinstance(item.pattern, str) and \
                        len(item.pattern) > 12:
                    label = f"{info.name}.{name}" + (f"[{i}]" if len(items) > 1 else "")
                    found.append((label, item))
    return found


def profile_regexes(out: Path, dirs: list[str]) -> None:
    texts: list[str] = []
    for d in dirs:
        for dp, _dn, fn in os.walk(d):
            for name in fn:
                p = os.path.join(dp, name)
                if os.path.islink(p):
                    continue
                data = Path(p).read_bytes()
                if b"\0" in data[:8192]:
                    continue
                with contextlib.suppress(UnicodeDecodeError):
                    texts.append(data.decode("utf-8"))
    rows = []
    for label, rx in _patterns():
        t = time.perf_counter()
        n = sum(1 for s in texts for _ in rx.finditer(s))
        rows.append((time.perf_counter() - t, label, n))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows)
    lines = [f"{len(texts)} text files, {sum(map(len, texts)) / 1e6:.1f} M characters; "
             f"sum of one finditer pass per regex: {total:.2f} s", ""]
    lines += [f"{t * 1000:9.1f} ms  {100 * t / total:5.1f} %  {n:7d} matches  {label}"
              for t, label, n in rows]
    out.write_text("\n".join(lines) + "\n")


def main() -> None:
    what, out = sys.argv[1], Path(sys.argv[2])
    if what == "cmd":
        args = sys.argv[3:]
        profile_cli(out, args[1:] if args[:1] == ["--"] else args)
    elif what == "regex":
        profile_regexes(out, sys.argv[3:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
