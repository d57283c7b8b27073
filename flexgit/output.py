"""All user-facing output goes through here, so --json, --quiet, colours and
progress are decided in one place and tests can capture everything."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, TextIO

from flexgit import progress


class Output:
    def __init__(self, *, json_mode: bool = False, quiet: bool = False, verbose: int = 0,
                 color: bool | None = None, out: TextIO | None = None,
                 err: TextIO | None = None) -> None:
        self.json_mode = json_mode
        self.quiet = quiet
        self.verbose = verbose
        self._out = out
        self._err = err
        if color is None:
            color = "NO_COLOR" not in os.environ and self.err.isatty()
        self.color = color
        self.warnings: list[str] = []
        self._started: dict[str, float] = {}  # label -> when its progress began
        self._drawn = 0.0

    @property
    def out(self) -> TextIO:
        return self._out or sys.stdout

    @property
    def err(self) -> TextIO:
        return self._err or sys.stderr

    def _paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def info(self, msg: str) -> None:
        """Normal human output on stdout; silent with --quiet or --json."""
        if not self.quiet and not self.json_mode:
            print(msg, file=self.out)

    def success(self, msg: str) -> None:
        self.info(self._paint(msg, "32"))

    def detail(self, msg: str) -> None:
        """Only with -v."""
        if self.verbose and not self.quiet and not self.json_mode:
            print(msg, file=self.out)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)
        if not self.quiet:
            print(self._paint(f"warning: {msg}", "33"), file=self.err)

    def error(self, msg: str) -> None:
        print(self._paint(f"Error: {msg}", "31"), file=self.err)

    def data(self, value: Any) -> None:
        """The machine-readable result; printed only with --json."""
        if self.json_mode:
            print(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False), file=self.out)

    def raw(self, text: str) -> None:
        """Content the user asked for (show, diff): printed even with --quiet."""
        if not self.json_mode:
            self.out.write(text)

    def raw_bytes(self, data: bytes) -> None:
        """Bytes the user asked for as they are (dump): not decoded, never changed."""
        if self.json_mode:
            return
        self.out.flush()
        buffer = getattr(self.out, "buffer", None)
        if buffer is None:  # a text-only stream (tests): the bytes as losslessly as it takes
            self.out.write(data.decode("utf-8", "surrogateescape"))
            return
        buffer.write(data)
        buffer.flush()

    def progress(self, label: str, done: int, total: int, *, done_bytes: int = 0,
                 total_bytes: int = 0) -> None:
        """A progress line on stderr (bar, files, bytes, rate, time left), only
        when a person watches it; redrawn at most ten times a second."""
        if self.quiet or self.json_mode or not self.err.isatty() or total <= 0:
            return
        now = time.monotonic()
        started = self._started.setdefault(label, now)
        if done < total and now - self._drawn < 0.1:
            return
        self._drawn = now
        self.err.write("\r\033[K" + progress.line(label, done, total, done_bytes=done_bytes,
                                                  total_bytes=total_bytes,
                                                  elapsed=now - started))
        self.err.flush()

    def progress_done(self) -> None:
        if not self.quiet and not self.json_mode and self.err.isatty():
            self.err.write("\r\033[K")
            self.err.flush()
