"""Owners and modes from an untrusted backup are bounded (restore/perms.py):
system files never become another account's or writable by group or others;
home files are never world-writable, and those holding secrets or user
records are readable by no other local user. In every mode, empty
directories included. Crafted files, real users."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from flexgit.restore import perms
from tests.conftest import Env, requires_root, which_or_skip
from tests.restore.crafted import exported

pytestmark = requires_root


@pytest.fixture
def victim(tmp_path: Path, make_users: Callable[..., list[str]]) -> tuple[Env, str]:
    """The sample installation in a real account's home, and another local
    account the attacker names in its backup."""
    which_or_skip("visudo")
    acct, evil = make_users(2)
    root = tmp_path / "root"
    home = root / "home" / acct
    home.mkdir(parents=True)
    s = sample.build(home, root, user=acct)
    subprocess.run(["chown", "-R", f"{acct}:{acct}", str(home)], check=True)
    return Env(s, tmp_path / "store.git", tmp_path), evil


def _crafted(env: Env, evil: str, new_dir: str) -> Path:
    """Every entry the attacker's: owned by `evil`, mode 0777 (files) and an
    empty directory at 0777; everything else as exported."""
    src = exported(env, env.tmp / "out")
    doc: dict[str, Any] = json.loads(src.read_text())
    for e in doc["files"]:
        if e["type"] == "file" and "sudoers" not in e["path"]:
            e.update(mode="0777", owner=evil, group=evil)
    doc["flexgit"]["manifest"]["empty_dirs"][new_dir] = {
        "mode": "0777", "owner": evil, "group": evil, "category": "asterisk_templates"}
    out = env.tmp / "attack.flx"
    out.write_text(json.dumps(doc))
    return out


def _check(env: Env, acct_uid: int) -> None:
    for side, top in (("home", env.home), ("system", env.root / "etc/asterisk")):
        for p in [top, *top.rglob("*")]:
            if p.is_symlink() or "backup" in p.relative_to(env.home if side == "home"
                                                           else env.root).parts:
                continue
            st = p.lstat()
            m = stat.S_IMODE(st.st_mode)
            rel = str(p.relative_to(env.home)) if side == "home" else ""
            assert not m & 0o7002, (p, oct(m))  # never world-writable, never set-id
            if side == "system":
                assert not m & 0o020, (p, oct(m))
                assert st.st_uid == 0 and st.st_gid == 0, p
            elif not p.name.startswith((".flexgit", "flexgit.log")):  # flexgit's own
                assert st.st_uid == acct_uid, p
                if perms.holds_secrets(rel):
                    assert not m & 0o007, (p, oct(m))


@pytest.mark.parametrize("mode", ["merge", "fresh"])
def test_a_backup_cannot_choose_owners_or_loose_modes(victim: tuple[Env, str],
                                                      mode: str) -> None:
    env, evil = victim
    new_dir = "system/etc/asterisk/extensions.d"
    bad = _crafted(env, evil, new_dir)
    r = CliRunner().invoke(cli, [*env.args(), "-y", "restore", "-m", mode, str(bad)])
    assert r.exit_code in (0, 3), r.output
    made = env.root / new_dir.removeprefix("system/")
    assert made.is_dir()
    st = made.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o755)
    features = env.root / "etc/asterisk/features.conf"
    assert stat.S_IMODE(features.stat().st_mode) == 0o755  # 0777 & 0o755
    config = env.home / "flexpbx-config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o750  # 0777 & 0o750: x stays
    php = env.home / "public_html/api/config.php"
    assert stat.S_IMODE(php.stat().st_mode) == 0o775
    _check(env, env.home.stat().st_uid)


def test_migrate_bounds_them_too(victim: tuple[Env, str],
                                 make_users: Callable[..., list[str]]) -> None:
    env, evil = victim
    (target,) = make_users(1)
    bad = _crafted(env, evil, "home/public_html/uploads")
    r = CliRunner().invoke(cli, [*env.args(), "-y", "restore", "-m", "migrate", "-u", target,
                                 str(bad)])
    assert r.exit_code in (0, 3), r.output
    home = env.root / "home" / target
    uploads = home / "public_html/uploads"
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o775
    assert stat.S_IMODE((home / "flexpbx-config.json").stat().st_mode) == 0o750
    for p in [home, *home.rglob("*")]:
        if not p.is_symlink():
            assert not stat.S_IMODE(p.lstat().st_mode) & 0o7002, p


def test_the_live_owner_of_a_system_file_is_kept(victim: tuple[Env, str]) -> None:
    """The admin made a file another account's: the backup neither takes it
    away nor hands it to the account the backup names."""
    env, evil = victim
    features = env.root / "etc/asterisk/features.conf"
    acct = env.home.stat()
    bad = _crafted(env, evil, "system/etc/asterisk/x.d")
    features.write_text("; edited since the backup\n")  # so the restore rewrites it
    os.chown(features, acct.st_uid, acct.st_gid)
    r = CliRunner().invoke(cli, [*env.args(), "-y", "restore", "-m", "fresh", str(bad)])
    assert r.exit_code in (0, 3), r.output
    st = features.stat()
    assert features.read_text() != "; edited since the backup\n"
    assert (st.st_uid, st.st_gid) == (acct.st_uid, acct.st_gid)


@pytest.mark.parametrize(("path", "secret"), [
    ("flexpbx-config.json", True), ("users/2001.json", True), ("admins", True),
    ("temp_passwords/x.json", True), (".env", True), ("public_html/.env.local", True),
    ("public_html/app.env", True), (".ssh/id_ed25519", True),
    ("public_html/api/config.php", False), ("usersx/a", False), ("public_html/env", False)])
def test_which_home_files_hold_secrets(path: str, secret: bool) -> None:
    assert perms.holds_secrets(path) is secret
