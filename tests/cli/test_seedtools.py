"""The seed's three tools, run as a user would: installed console scripts in
subprocesses (and a real pseudo-terminal for the prompt and progress bar)."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from flexgit import sample
from tests.conftest import RESTORED, Env, tree_state

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e .)")
    return str(path)


def run(env: Env, name: str, *args: str, input: str | None = None,
        home: Path | None = None, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "FLEXGIT_HOME": str(home or env.home),
         "FLEXGIT_ROOT": str(root or env.root), "NO_COLOR": "1"}
    e.pop("FLEXGIT_REPO", None)
    return subprocess.run([tool(name), *args], input=input, capture_output=True, text=True,
                          env=e, timeout=120)


def test_backup_default_names_file_and_latest_link(env: Env) -> None:
    r = run(env, "flexpbx-backup")
    assert r.returncode == 0, r.stderr
    files = sorted((env.home / "backup").glob("flexpbx-2*.flx"))
    new = [f for f in files if not f.name.startswith("flexpbx-2025-10-13")]
    assert len(new) == 1
    assert f"Backup created: {new[0]} (" in r.stdout
    assert f"Restore with: flexpbx-restore {new[0]}" in r.stdout
    link = env.home / "backup" / "latest.flx"
    assert os.readlink(link) == new[0].name
    assert json.loads(new[0].read_text())["backup_type"] == "system_config"


def test_backup_all_options(env: Env, tmp_path: Path) -> None:
    out = tmp_path / "my-backups"
    r = run(env, "flexpbx-backup", "-t", "flxx", "-c", "-v", "-o", str(out))
    assert r.returncode == 0, r.stderr
    made = list(out.glob("flexpbx-*.flxx.gz"))
    assert len(made) == 1 and (out / "latest.flxx.gz").is_symlink()
    subprocess.run(["gzip", "-t", str(made[0])], check=True)
    assert "snapshot " in r.stdout  # -v
    r2 = run(env, "flexpbx-backup", "--type", "flxx", "--compress", "--output", str(out))
    assert r2.returncode == 0
    assert "(no changes since the last backup)" not in r2.stdout  # not verbose


def test_backup_with_data_is_private(env: Env) -> None:
    r = run(env, "flexpbx-backup", "-d", "--include-voicemail")
    assert r.returncode == 0, r.stderr
    made = list((env.home / "backup").glob("flexpbx-private-*.flx"))
    assert len(made) == 1
    assert stat.S_IMODE(made[0].stat().st_mode) == 0o600
    assert "NOT safe to share" in r.stderr
    doc = json.loads(made[0].read_text())
    assert doc["sensitive_data_included"] is True
    assert any(f["path"].startswith("users/") for f in doc["files"])
    r = run(env, "flexpbx-backup", "--include-voicemail")
    assert r.returncode == 2
    assert r.stderr.strip() == "Error: --include-voicemail requires -d/--include-data"


def test_restore_errors_use_the_seed_texts(env: Env, tmp_path: Path) -> None:
    r = run(env, "flexpbx-restore", str(tmp_path / "nope.flx"))
    assert r.returncode == 1
    assert r.stderr.strip() == f"Error: Backup file not found: {tmp_path / 'nope.flx'}"
    assert run(env, "flexpbx-backup").returncode == 0
    latest = str(env.home / "backup" / "latest.flx")
    r = run(env, "flexpbx-restore", "-m", "sideways", latest)
    assert r.returncode == 2
    assert r.stderr.strip() == "Error: Invalid mode: sideways (use fresh, merge or migrate)"
    r = run(env, "flexpbx-restore", "-m", "migrate", "-u", "nosuchuser42", "-y", latest)
    assert r.returncode == 2
    assert r.stderr.startswith("Error: Target user does not exist: nosuchuser42")
    text = Path(latest).read_text()
    doc = json.loads(text)
    doc["files"][0]["hash"] = "sha256:" + "0" * 64
    bad = tmp_path / "bad.flx"
    bad.write_text(json.dumps(doc))
    r = run(env, "flexpbx-restore", "-y", str(bad))
    assert r.returncode == 1
    assert f"Hash mismatch for {doc['files'][0]['path']}" in r.stderr


def test_restore_gz_fresh_into_new_home(env: Env, tmp_path: Path) -> None:
    assert run(env, "flexpbx-backup", "-c").returncode == 0
    home, root = tmp_path / "h2", tmp_path / "r2"
    home.mkdir()
    root.mkdir()
    latest = str(env.home / "backup" / "latest.flx.gz")
    # The helper scripts of a backup file are root's: not without the option.
    r = run(env, "flexpbx-restore", "-m", "fresh", "-y", latest, home=home, root=root)
    assert r.returncode == 3, r.stderr
    assert "system/usr/local/bin/flexpbx-backup-helper was not restored: a file root runs " \
        "that flexgit did not write" in r.stderr
    assert not (root / "usr/local/bin/flexpbx-backup-helper").exists()
    r = run(env, "flexpbx-restore", "-m", "fresh", "-y", "--trust-privileged", latest,
            home=home, root=root)
    assert r.returncode == RESTORED, r.stderr
    assert (root / "usr/local/bin/flexpbx-backup-helper").is_file()
    assert "Next steps:" in r.stdout
    assert (home / "public_html" / "service-worker.js").is_file()
    assert (root / "etc/asterisk/pjsip.conf").is_file()
    assert (home / "admins" / "admin.json").is_file()


def test_restore_without_terminal_or_yes_refuses(env: Env) -> None:
    assert run(env, "flexpbx-backup").returncode == 0
    (env.root / "etc/asterisk/features.conf").write_text("; changed\n")
    before = tree_state(env.home, env.root)
    r = run(env, "flexpbx-restore", str(env.home / "backup" / "latest.flx"), input="")
    assert r.returncode == 2
    assert "no terminal to ask on; pass -y" in r.stderr
    assert tree_state(env.home, env.root) == before


def _pexpect():  # type: ignore[no-untyped-def]
    return pytest.importorskip("pexpect")


def _spawn(env: Env, *args: str, home: Path | None = None, root: Path | None = None):  # type: ignore[no-untyped-def]
    pexpect = _pexpect()
    e = {**os.environ, "FLEXGIT_HOME": str(home or env.home),
         "FLEXGIT_ROOT": str(root or env.root), "NO_COLOR": "1"}
    return pexpect.spawn(tool("flexpbx-restore"), list(args), env=e, encoding="utf-8",
                         timeout=60, dimensions=(40, 120))


def test_terminal_prompt_answered_no_changes_nothing(env: Env) -> None:
    assert run(env, "flexpbx-backup").returncode == 0
    (env.root / "etc/asterisk/features.conf").write_text("; changed\n")
    before = tree_state(env.home, env.root)
    child = _spawn(env, "-m", "fresh", str(env.home / "backup" / "latest.flx"))
    child.expect("WARNING: This will delete all existing FlexPBX data!")
    child.expect(r"Continue\? \[y/N\]")
    child.sendline("n")
    child.expect("cancelled")
    child.expect(_pexpect().EOF)
    child.close()
    assert child.exitstatus == 130
    assert tree_state(env.home, env.root) == before


def test_terminal_prompt_answered_yes_shows_progress(env: Env, tmp_path: Path) -> None:
    assert run(env, "flexpbx-backup").returncode == 0
    home, root = tmp_path / "h2", tmp_path / "r2"
    home.mkdir()
    root.mkdir()
    child = _spawn(env, "-m", "fresh", "--trust-privileged",
                   str(env.home / "backup" / "latest.flx"), home=home, root=root)
    # The question names what root will run that flexgit did not write.
    child.expect(r"It installs \d+ privileged file\(s\) flexgit did not write, run as root: "
                 r".*system/usr/local/bin/flexpbx-backup-helper")
    child.expect(r"Continue\? \[y/N\]")
    child.sendline("y")
    child.expect(r"restore \[#+-*\] +\d+%  \d+/\d+ files")
    child.expect("Next steps:")
    child.expect(_pexpect().EOF)
    child.close()
    assert child.exitstatus == RESTORED
    assert (home / "flexpbx-config.json").is_file()


# --- flexpbx-migrate ---------------------------------------------------------


def _migrate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "FLEXGIT_ROOT": str(root), "NO_COLOR": "1"}
    return subprocess.run([tool("flexpbx-migrate"), *args], capture_output=True, text=True,
                          env=e, timeout=120)


def test_migrate_six_steps(two_users: tuple[str, str], tmp_path: Path) -> None:
    if shutil.which("visudo") is None:
        pytest.skip("visudo not installed")
    src, dst = two_users
    root = tmp_path / "root"
    home = root / "home" / src
    home.mkdir(parents=True)
    sample.build(home, root, user=src)
    subprocess.run(["chown", "-R", f"{src}:{src}", str(home)], check=True)
    keep = tmp_path / "kept"
    r = _migrate(root, "-s", src, "-b", str(keep), "-k", "-v", "-y", dst)
    assert r.returncode == 0, r.stderr
    for n in range(1, 7):
        assert f"[{n}/6]" in r.stdout
    assert f"Migration to {dst} complete." in r.stdout
    target = root / "home" / dst
    assert (target / "public_html").is_dir()
    assert target.stat().st_uid == pwd.getpwnam(dst).pw_uid
    assert dst in (root / "etc/sudoers.d/flexpbx-asterisk").read_text()
    assert list(keep.glob("flexpbx-*.flxx.gz"))
    r = _migrate(root, "-s", src, "-y", src)
    assert r.returncode == 2 and "source and target are the same user" in r.stderr
    r = _migrate(root, "-s", src, "-y", "nosuchuser42")
    assert r.returncode == 2 and "Target user does not exist: nosuchuser42" in r.stderr


def test_migrate_without_root_says_what_to_run(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        runner = shutil.which("setpriv")
        if runner is None:
            pytest.skip("setpriv not available to drop root")
        cmd = [runner, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
               tool("flexpbx-migrate"), "-y", "root"]
    else:
        cmd = [tool("flexpbx-migrate"), "-y", "root"]
    e = {**os.environ, "FLEXGIT_ROOT": str(tmp_path), "HOME": str(tmp_path), "NO_COLOR": "1"}
    r = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=60)
    if r.returncode != 1 and "Permission denied" in r.stderr:
        pytest.skip("the test environment is not readable by nobody")
    assert r.returncode == 1, r.stderr
    assert "needs root" in r.stderr and "sudo flexpbx-migrate root" in r.stderr


@pytest.mark.parametrize("tool_name", ["flexpbx-backup", "flexgit"])
def test_an_unwritable_output_dir_is_refused_before_any_snapshot(
        env: Env, tmp_path: Path, tool_name: str) -> None:
    """`-o` below a file (the same for a read-only directory, whose check runs
    as a user: root writes everywhere) fails before a snapshot is taken."""
    (tmp_path / "a-file").write_text("not a directory")
    out = tmp_path / "a-file" / "backups"
    args = ["-o", str(out)] if tool_name == "flexpbx-backup" else ["export", "-o", str(out)]
    if tool_name == "flexgit":
        assert run(env, "flexgit", "snapshot", "-m", "first").returncode == 0
    store = env.home / "backup" / "flexgit.git"  # run() leaves the store at its default

    def commits() -> list[str]:
        if not store.exists():
            return []
        return subprocess.run(["git", "--git-dir", str(store), "rev-list", "--all"],
                              capture_output=True, text=True, check=True).stdout.split()

    before = commits()
    assert len(before) == (1 if tool_name == "flexgit" else 0)
    r = run(env, tool_name, *args)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().splitlines() == [
        f"Error: cannot write backups to {out}: {tmp_path / 'a-file'} is not a directory; "
        f"choose another directory with -o/--output"]
    assert commits() == before


def test_a_failed_temp_file_names_the_users_directory(tmp_path: Path) -> None:
    from flexgit import fsutil

    missing = tmp_path / "gone"
    with pytest.raises(OSError) as e:
        fsutil.open_temp(missing)
    assert e.value.filename == str(missing)
    assert fsutil.writable_dir_problem(missing) is None  # it would be created
    assert fsutil.writable_dir_problem(tmp_path) is None
