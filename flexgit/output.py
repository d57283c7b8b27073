"""All user-facing output goes through here, so --json, --quiet, colours and
progress are decided in one place and tests can capture everything."""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO


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

    def progress(self, label: str, done: int, total: int) -> None:
        """A progress bar on stderr, only when a person watches it."""
        if self.quiet or self.json_mode or not self.err.isatty() or total <= 0:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.err.write(f"\r\033[K{label} [{bar}] {100 * done // total:3d}% {done}/{total}")
        self.err.flush()

    def progress_done(self) -> None:
        if not self.quiet and not self.json_mode and self.err.isatty():
            self.err.write("\r\033[K")
            self.err.flush()
