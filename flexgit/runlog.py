"""One line per run appended to <home>/logs/flexgit.log, as the seed's
troubleshooting section promises: when, what command, how it ended, counts.
Never content, never a secret; a log that cannot be written is skipped."""

from __future__ import annotations

import contextlib
import os
import shlex
import time
from pathlib import Path

from flexgit import redact
from flexgit.errors import OK, WARNINGS

# Options whose values are not worth keeping in a log line.
_REDACT_AFTER = {"--encrypt", "--passphrase"}


def append(home: Path, argv: list[str], code: int, summary: str = "") -> None:
    words = []
    hide = False
    for w in argv:
        opt, eq, _value = w.partition("=")
        if hide:
            w = "***"
        elif eq and opt in _REDACT_AFTER:
            w = f"{opt}=***"
        words.append(redact.url(w))
        hide = w in _REDACT_AFTER
    line = (f"{time.strftime('%Y-%m-%d %H:%M:%S')} pid={os.getpid()} exit={code} "
            f"{shlex.join(words)}" + (f" :: {summary}" if summary else "") + "\n")
    logs = home / "logs"
    if code not in (OK, WARNINGS) and not logs.is_dir():
        # A refused command creates nothing: not even a log directory in a
        # home that may hold no installation (a cron job on the wrong account).
        return
    with contextlib.suppress(OSError):
        logs.mkdir(mode=0o750, exist_ok=True)
        fd = os.open(logs / "flexgit.log",
                     os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o640)
        try:
            os.write(fd, line.encode("utf-8", "replace"))
        finally:
            os.close(fd)
