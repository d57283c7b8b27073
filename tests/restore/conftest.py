"""Real Unix users for the migrate tests, made on request and always removed."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator

import pytest

from flexgit.snapshot import scan


@pytest.fixture
def make_users() -> Iterator[Callable[..., list[str]]]:
    """make_users(n, system=False): n new users named fgrc<tag><i> (login
    accounts, or system accounts with uids below UID_MIN); no homes made."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd")
    made: list[str] = []

    def make(n: int, *, system: bool = False) -> list[str]:
        tag = secrets.token_hex(3)
        names = [f"fgrc{tag}{i}" for i in range(n)]
        for name in names:
            subprocess.run(["useradd", *(["-r"] if system else []), "-M", "-d",
                            f"/home/{name}", "-s", "/bin/false", name], check=True)
            made.append(name)
        # A uid freed by an earlier test's userdel comes back with a new name:
        # the snapshot must not read the old one from the name cache.
        scan.user_name.cache_clear()
        return names

    yield make
    for name in made:
        subprocess.run(["userdel", name], check=False)
