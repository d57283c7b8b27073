"""The resolved global options of one run: where the installation, the stores
and the profile are. Commands get one of these instead of loose options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from flexgit.errors import UsageError
from flexgit.output import Output

if TYPE_CHECKING:  # imported where used: `flexgit --help` should not load git
    from flexgit import profile as profile_mod
    from flexgit.snapshot import Installation
    from flexgit.store import Store


def private_repo_of(home: Path, profile: profile_mod.Profile) -> Path:
    return home / profile.backup_dir / "private.git"


@dataclass
class Context:
    home: Path
    root: Path
    repo: Path
    config: Path | None = None
    yes: bool = False
    hooks: bool = True
    out: Output = field(default_factory=Output)
    summary: str = ""  # counts for the run log (never content or secrets)
    log_run: bool = True  # off for --dry-run, which writes nothing at all

    @classmethod
    def from_options(cls, *, home: str | None, root: str | None, repo: str | None,
                     config: str | None, yes: bool = False, out: Output | None = None) -> Context:
        home_s = home or os.environ.get("HOME")
        if not home_s:
            raise UsageError("no home directory: pass --home or set HOME")
        home_p = Path(home_s).expanduser().absolute()
        root_p = Path(root or "/").expanduser().absolute()
        repo_p = Path(repo).expanduser().absolute() if repo else home_p / "backup" / "flexgit.git"
        return cls(home=home_p, root=root_p, repo=repo_p,
                   config=Path(config).expanduser() if config else None, yes=yes,
                   out=out or Output())

    @cached_property
    def profile(self) -> profile_mod.Profile:
        from flexgit import profile as profile_mod

        return profile_mod.load(self.config)

    @property
    def installation(self) -> Installation:
        from flexgit.snapshot import Installation

        return Installation(self.home, self.root)

    @property
    def private_repo(self) -> Path:
        """The private store of this installation: user data and pre-restore
        saves. Always in the account's own backup directory (mode 0700)."""
        return private_repo_of(self.home, self.profile)

    def open_store(self) -> Store:
        from flexgit.store import Store

        return Store.open(self.repo)

    def open_or_init_store(self) -> Store:
        from flexgit.store import Store

        if not (self.repo / "flexgit").exists():
            return Store.init(self.repo)
        return Store.open(self.repo)
