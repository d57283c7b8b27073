from __future__ import annotations

import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from tests.conftest import requires_root, tree_state, which_or_skip


def _source_home(tmp_path: Path, user: str) -> tuple[Path, Path]:
    root = tmp_path / "root"
    home = root / "home" / user
    home.mkdir(parents=True)
    return root, home


def _run(root: Path, home: Path, repo: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["--root", str(root), "--home", str(home), "--repo", str(repo),
                                 *args])
    return r.exit_code, r.stdout, r.stderr


@requires_root
def test_migrate_to_second_real_user(tmp_path: Path, two_users: tuple[str, str]) -> None:
    which_or_skip("visudo")
    bob, alice = two_users
    root, home = _source_home(tmp_path, bob)
    s = sample.build(home, root, user=bob)
    # A real installation's home belongs to its account: that is how the
    # snapshot learns the account name the sudoers file must be rebuilt from.
    subprocess.run(["chown", "-R", f"{bob}:{bob}", str(home)], check=True)
    repo = tmp_path / "store.git"
    code, _out, err = _run(root, home, repo, "snapshot", "-t", "flxx")
    assert code == 0, err
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", alice,
                          "latest")
    assert code == 0, err
    target = root / "home" / alice
    acct = pwd.getpwnam(alice)
    cfg = (target / "flexpbx-config.json").read_text()
    assert f"/home/{alice}/public_html" in cfg
    assert str(home) not in cfg
    # Whole path components only: the decoy /home/<bob>by stays.
    docs = b"".join(p.read_bytes() for p in (target / "public_html").rglob("*.md"))
    assert f"{home}by".encode() in docs
    for p in target.rglob("*"):
        if "backup" in p.relative_to(target).parts:
            continue
        st = p.lstat()
        assert (st.st_uid, st.st_gid) == (acct.pw_uid, acct.pw_gid), p
    sudoers = root / "etc/sudoers.d/flexpbx-asterisk"
    text = sudoers.read_text()
    assert alice in text and bob not in text
    assert stat.S_IMODE(sudoers.stat().st_mode) == 0o440
    subprocess.run(["visudo", "-c", "-q", "-f", str(sudoers)], check=True)
    assert not list((root / "etc/sudoers.d").glob(".flexgit-tmp-*"))
    # Undo in the target account puts it back as it was (empty home there).
    code, _out, err = _run(root, target, repo, "-y", "undo")
    assert code == 0, err
    assert not (target / "flexpbx-config.json").exists()
    assert bob in sudoers.read_text()
    del s


@requires_root
@pytest.mark.parametrize("name", ["j.doe", "a$", "x ALL=(ALL) ALL", "%adm", "bob\nroot",
                                  "Root", "-x"])
def test_bad_user_names_refused_before_any_write(tmp_path: Path, name: str) -> None:
    root = tmp_path / "root"
    home = root / "home" / "flexpbx"
    home.mkdir(parents=True)
    sample.build(home, root)
    repo = tmp_path / "store.git"
    _run(root, home, repo, "snapshot")
    before = tree_state(root)
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", name,
                          "latest")
    assert code == 2
    assert err.startswith(f"Error: invalid user name {name!r}")
    assert tree_state(root) == before


def test_missing_target_user(tmp_path: Path) -> None:
    root = tmp_path / "root"
    home = root / "home" / "flexpbx"
    home.mkdir(parents=True)
    sample.build(home, root)
    repo = tmp_path / "store.git"
    _run(root, home, repo, "snapshot")
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u",
                          "nosuchuser42", "latest")
    assert code == 2
    assert err.startswith("Error: Target user does not exist: nosuchuser42")


@requires_root
def test_migrate_keeps_symlink_to_shadow_untouched(tmp_path: Path,
                                                   two_users: tuple[str, str]) -> None:
    which_or_skip("visudo")
    bob, alice = two_users
    root, home = _source_home(tmp_path, bob)
    sample.build(home, root, user=bob)
    victim = tmp_path / "shadow"
    victim.write_text("root:x:0:0\n")
    victim.chmod(0o640)
    (home / "public_html" / "shadow-link").symlink_to(victim)
    repo = tmp_path / "store.git"
    assert _run(root, home, repo, "snapshot")[0] == 0
    before = victim.stat()
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", alice,
                          "latest")
    # Even from an own snapshot, a link out of the installation is not made
    # (docs/decisions.md "Privileged files from a backup"): one warning, exit 3.
    assert code == 3, err
    assert f"home/public_html/shadow-link was not restored: the symlink -> {victim} points " \
        "outside the installation" in err
    after = victim.stat()
    assert (after.st_uid, after.st_gid, after.st_mode) == (before.st_uid, before.st_gid,
                                                           before.st_mode)
    assert victim.read_text() == "root:x:0:0\n"
    target = root / "home" / alice / "public_html"
    assert not os.path.lexists(target / "shadow-link")
    # A link inside the installation stays.
    assert (target / "index.php").is_symlink()
    assert (target / "index.php").lstat().st_uid == pwd.getpwnam(alice).pw_uid
