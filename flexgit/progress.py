"""Progress reports: what long commands tell the person watching them.

Library code calls a `Progress` with what it has done of what it has to do,
in files and, where it knows them, bytes; `Output.progress` draws the line
(`line` here) on a terminal only. Rate and time left come from bytes when
the total is known (files differ in size by orders of magnitude), from files
otherwise.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, label: str, done: int, total: int, *, done_bytes: int = 0,
                 total_bytes: int = 0) -> None: ...


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def line(label: str, done: int, total: int, *, done_bytes: int = 0, total_bytes: int = 0,
         elapsed: float = 0.0, width: int = 24) -> str:
    """`restore [#####---]  42% 4,200/10,000 files  38.1/101.0 MB  12.3 MB/s  ETA 0:05`"""
    frac = min(1.0, done_bytes / total_bytes if total_bytes else done / total if total else 0)
    filled = int(width * frac)
    parts = [f"{label} [{'#' * filled}{'-' * (width - filled)}] {int(100 * frac):3d}%",
             f"{done:,}/{total:,} files"]
    if done_bytes:
        parts.append(f"{_size(done_bytes)}/{_size(total_bytes)}" if total_bytes
                     else _size(done_bytes))
    if elapsed > 0.2 and frac > 0:
        rate = (f"{_size(done_bytes / elapsed)}/s" if done_bytes
                else f"{done / elapsed:,.0f} files/s")
        parts += [rate, f"ETA {_clock(elapsed * (1 - frac) / frac)}"]
    return "  ".join(parts)
