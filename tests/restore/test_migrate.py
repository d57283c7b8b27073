from __future__ import annotations

import os
import pwd
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import sample, seedtools
from flexgit.app import Context
from flexgit.cli import cli
from flexgit.errors import UsageError
from flexgit.restore import accounts
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
    # The shared file keeps the source account's rule and gains the target's.
    assert f"{alice} ALL=(root) NOPASSWD: FLEXPBX_CMDS" in text
    assert f"{bob} ALL=(root) NOPASSWD: FLEXPBX_CMDS" in text
    assert stat.S_IMODE(sudoers.stat().st_mode) == 0o440
    subprocess.run(["visudo", "-c", "-q", "-f", str(sudoers)], check=True)
    assert not list((root / "etc/sudoers.d").glob(".flexgit-tmp-*"))
    # The target account owns its private store now, so root does not undo
    # from it (the account could have forged the save) until the admin has
    # checked it and made it root's again; then undo puts it all back.
    private = target / "backup/private.git"
    code, _out, err = _run(root, target, repo, "-y", "undo")
    assert code == 2 and f"{private}: it belongs to uid {acct.pw_uid}, not root" in err
    subprocess.run(["chown", "-R", "root:root", str(private)], check=True)
    code, _out, err = _run(root, target, repo, "-y", "undo")
    assert code == 0, err
    assert not (target / "flexpbx-config.json").exists()
    assert bob in sudoers.read_text() and alice not in sudoers.read_text()
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
    # The home belongs to root here: -s names the account the installation is bob's.
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-s", bob,
                          "-u", alice, "latest")
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


# --- beside another account ---------------------------------------------------

RULE = "{} ALL=(root) NOPASSWD: FLEXPBX_CMDS"


def _installation_of(tmp_path: Path, user: str) -> tuple[Path, Path, Path]:
    root, home = _source_home(tmp_path, user)
    sample.build(home, root, user=user)
    subprocess.run(["chown", "-R", f"{user}:{user}", str(home)], check=True)
    return root, home, tmp_path / "store.git"


@requires_root
def test_deploying_user1_then_user2_keeps_user1(tmp_path: Path,
                                               make_users: Callable[..., list[str]]) -> None:
    visudo = which_or_skip("visudo")
    src, user1, user2 = make_users(3)
    root, home, repo = _installation_of(tmp_path, src)
    code, _out, err = _run(root, home, repo, "snapshot", "-t", "flxx")
    assert code == 0, err
    out_dir = tmp_path / "out"
    code, _out, err = _run(root, home, repo, "export", "-c", "-o", str(out_dir))
    assert code == 0, err
    backup = next(out_dir.glob("*.flxx.gz"))
    asterisk = root / "etc/asterisk"
    live_asterisk = tree_state(asterisk)
    sudoers = root / "etc/sudoers.d/flexpbx-asterisk"
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", user1,
                          str(backup))
    assert code == 0, err
    assert RULE.format(user1) in sudoers.read_text(), sudoers.read_text()
    # user1 keeps a system file of its own, which the backup does not have.
    own = asterisk / f"pjsip_{user1}.conf"
    own.write_text(f"; {user1}'s extensions\n")
    own.chmod(0o640)
    user1_home = tree_state(root / "home" / user1 / "public_html")
    code, out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", user2,
                          str(backup))
    assert code == 0, err
    assert "new secrets were generated" not in out + err
    text = sudoers.read_text()
    for user in (src, user1, user2):
        assert RULE.format(user) in text and f"Defaults:{user} !requiretty" in text
    assert text.count("Cmnd_Alias FLEXPBX_CMDS") == 1
    subprocess.run([visudo, "-c", "-f", str(sudoers)], check=True, capture_output=True)
    assert own.read_text() == f"; {user1}'s extensions\n"
    own.unlink()
    # Every live secret of the shared /etc/asterisk is as it was, the trunk's too.
    assert tree_state(asterisk) == live_asterisk
    assert sample._SECRETS["TRUNK_REG_PASS"] in (asterisk / "pjsip.conf").read_text()
    assert tree_state(root / "home" / user1 / "public_html") == user1_home
    # The source account then restores its own backup, merge and fresh: the
    # accounts migrated beside it keep their rules (an outside red team's c16/c17).
    for mode in ("merge", "fresh"):
        code, _out, err = _run(root, home, repo, "-y", "restore", "-m", mode, str(backup))
        assert code in (0, 3), err
        text = sudoers.read_text()
        for user in (src, user1, user2):
            assert RULE.format(user) in text, (mode, text)
        subprocess.run([visudo, "-c", "-f", str(sudoers)], check=True, capture_output=True)


@requires_root
def test_root_owned_home_is_refused_then_migrated_keeping_runas_root(
        tmp_path: Path, two_users: tuple[str, str]) -> None:
    which_or_skip("visudo")
    owner, dst = two_users
    root, home = _source_home(tmp_path, owner)
    sample.build(home, root, user=owner)  # the home stays root's, as tests run as root
    repo = tmp_path / "store.git"
    assert _run(root, home, repo, "snapshot")[0] == 0
    before = tree_state(root)
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", dst,
                          "latest")
    assert code == 2
    assert err == ("Error: the source installation belongs to root (uid 0), not to a FlexPBX "
                   "account; pass -s USER to name the account that owns the installation\n")
    assert tree_state(root) == before
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-s", owner,
                          "-u", dst, "latest")
    assert code == 0, err
    text = (root / "etc/sudoers.d/flexpbx-asterisk").read_text()
    assert RULE.format(dst) in text and RULE.format(owner) in text
    assert f"=({dst})" not in text and "root ALL" not in text


@requires_root
def test_system_and_root_source_accounts_are_refused(
        tmp_path: Path, make_users: Callable[..., list[str]]) -> None:
    (daemon,) = make_users(1, system=True)
    (dst,) = make_users(1)
    uid = pwd.getpwnam(daemon).pw_uid
    root, home, repo = _installation_of(tmp_path, daemon)
    assert _run(root, home, repo, "snapshot")[0] == 0
    before = tree_state(root)
    code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-u", dst,
                          "latest")
    assert code == 2
    assert err == (f"Error: the source account {daemon} is a system account (uid {uid}, "
                   f"below UID_MIN {accounts.uid_min()} of /etc/login.defs); pass -s USER "
                   f"to name the account that owns the installation\n")
    for name in ("root", daemon):
        code, _out, err = _run(root, home, repo, "-y", "restore", "-m", "migrate", "-s", name,
                              "-u", dst, "latest")
        assert code == 2 and "pass -s USER" in err, err
    assert tree_state(root) == before
    # flexpbx-migrate under sudo: the current user is root, never the source.
    ctx = Context(home=home, root=root, repo=repo, yes=True, hooks=False)
    with pytest.raises(UsageError, match=r"belongs to root \(uid 0\)"):
        seedtools.migrate(ctx, dst)
    with pytest.raises(UsageError, match="is a system account"):
        seedtools.migrate(ctx, dst, source=daemon)
    assert tree_state(root) == before
