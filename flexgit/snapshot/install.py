"""The installation a snapshot captures: an account's home and the system root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flexgit import faults
from flexgit.errors import UsageError


@dataclass(frozen=True)
class Installation:
    home: Path
    root: Path

    def abspath(self, tree_path: str) -> Path:
        side, _, rel = tree_path.partition("/")
        if side == "home":
            return self.home / rel
        if side == "system":
            return self.root / rel
        raise UsageError(f"{tree_path} is not an installation path")

    def check(self) -> None:
        for name, p in (("--home", self.home), ("--root", self.root)):
            if not p.is_dir():
                raise UsageError(f"{name} {p} does not exist or is not a directory")


def read_nofollow(path: str | Path) -> bytes:
    faults.check_read(path)
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as f:
        return f.read()



# Files whose sanitized content the manifest needs (settings, templates, version).
META_SOURCES = ("home/flexpbx-config.json", "home/templates/settings_template.json",
                 "home/templates/user_template.json", "home/templates/admin_template.json")
