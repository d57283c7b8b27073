"""Applying a plan: what it saves beside the files it writes."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from flexgit.restore.apply import apply, open_private
from flexgit.restore.plan import Action, Generated, Plan, Target


def _plan(home: Path, root: Path, value: str) -> Plan:
    data = f"password={value}\n".encode()
    plan = Plan("fresh", "test", Target(home, root, None, str(home), as_root=False))
    plan.actions.append(Action("home/public_html/.env", "create", data=data, mode=0o600,
                               sha256=hashlib.sha256(data).hexdigest()))
    plan.generated.append(Generated("home/public_html/.env", 1, "password", value))
    return plan


def test_two_restores_in_one_second_keep_their_own_secrets_files(tmp_path: Path) -> None:
    home, root = tmp_path / "home", tmp_path / "root"
    home.mkdir()
    root.mkdir()
    private = open_private(home / "backup/private.git")
    try:
        for _attempt in range(5):
            start = int(time.time())
            first = apply(_plan(home, root, "First-Secret-1111"), private)
            second = apply(_plan(home, root, "Second-Secret-2222"), private)
            if int(time.time()) == start:
                break  # both in one second, as the case needs
        assert first.secrets_file is not None and second.secrets_file is not None
        assert first.secrets_file != second.secrets_file
        assert "First-Secret-1111" in first.secrets_file.read_text()
        assert "Second-Secret-2222" in second.secrets_file.read_text()
        assert (home / "public_html/.env").read_text() == "password=Second-Secret-2222\n"
        saved = sorted(p.name for p in (home / "backup/private.git/secrets").iterdir())
        assert len(saved) == len(set(saved)) >= 2
        assert all((p.stat().st_mode & 0o777) == 0o600
                   for p in (home / "backup/private.git/secrets").iterdir())
    finally:
        private.close()
