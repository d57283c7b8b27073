"""Root acts on the private store (undo, the put-back of an interrupted
restore) only when the account cannot have written it, and never on a
record whose paths leave the installation or whose modes are set-id."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from flexgit.restore.apply import JOURNAL, PRE_RESTORE, UNDO_PATH, UNDONE
from flexgit.store import EXEC, FILE, Entry, Store
from tests.conftest import requires_root, tree_state

pytestmark = requires_root

SUDOERS = "system/etc/sudoers.d/flexpbx-zz"


def _flexgit(home: Path, root: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--home", str(home), "--root", str(root), "--repo",
                                 str(home.parent / "store.git"), *args])
    return r.exit_code, r.stderr


def _restored(tmp: Path) -> tuple[Path, Path]:
    home, root = tmp / "home" / "flexpbx", tmp / "root"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root)
    assert _flexgit(home, root, "snapshot")[0] == 0
    (root / "etc/asterisk/features.conf").write_text("; changed\n")
    code, err = _flexgit(home, root, "-y", "restore", "latest")
    assert code == 0, err
    return home, root


def _forge(home: Path, root: Path, files: dict[str, tuple[bytes, int]], created: list[str],
           *, journal: bool = False) -> Path:
    """A pre-restore save nobody made: the record names this installation
    (so the owner check passes) and says what to write, as root."""
    private = home / "backup/private.git"
    s = Store.open(private)
    try:
        w = s.writer()
        tree = {p: Entry(EXEC if mode & 0o100 else FILE, w.add_blob(data))
                for p, (data, mode) in files.items()}
        rec: dict[str, Any] = {
            "home": str(home), "root": str(root), "host": socket.gethostname(),
            "mode": "merge", "source": "latest", "time": 0,
            "saved": {p: {"mode": m, "uid": 0, "gid": 0, "kind": "file"}
                      for p, (_d, m) in files.items()},
            "created": created, "created_dirs": [], "changed": sorted(files)}
        tree[UNDO_PATH] = Entry(FILE, w.add_blob(json.dumps(rec).encode()))
        prev = s.head(PRE_RESTORE)
        commit = s.make_commit(w, tree=s.write_tree(w, tree), parent=prev,
                               message="pre-restore: merge from latest\n")
        w.finish()
        s.move_head(prev, commit, branch=PRE_RESTORE, message="pre-restore")
        s.set_ref(UNDONE, None)
    finally:
        s.close()
    if journal:
        (private / JOURNAL).write_text(json.dumps({"pre_restore": commit, "home": str(home)}))
    return private


def _payload(home: Path) -> tuple[dict[str, tuple[bytes, int]], list[str]]:
    return ({SUDOERS: (b"evil ALL=(ALL) NOPASSWD: ALL\n", 0o440),
             "home/bin/rootsh": (b"#!/bin/sh\n", 0o4755)}, ["system/etc/hostname"])


def _untouched(root: Path, home: Path) -> None:
    assert not (root / SUDOERS[len("system/"):]).exists()
    assert not (home / "bin/rootsh").exists()
    assert (root / "etc/hostname").exists()


@pytest.mark.parametrize("command", [("-y", "undo"), ("-y", "restore", "latest")])
def test_root_refuses_a_private_store_the_account_swapped_in(
        tmp_path: Path, make_users: Callable[..., list[str]],
        command: tuple[str, ...]) -> None:
    home, root = _restored(tmp_path)
    (user,) = make_users(1)
    (root / "etc/hostname").write_text("pbx\n")
    private = home / "backup/private.git"
    # What the account can do in the HOME/backup it owns: copy the store, add
    # a save, rename the real one away and put its own in its place.
    forged_at = home / "backup/forged.git"
    shutil.copytree(private, forged_at, symlinks=True)
    shutil.move(private, home / "backup/private.old")
    shutil.move(forged_at, private)
    _forge(home, root, *_payload(home), journal="restore" in command)
    subprocess.run(["chown", "-R", f"{user}:{user}", str(private)], check=True)
    before = tree_state(home, root)
    code, err = _flexgit(home, root, *command)
    assert code == 2, err
    assert err.startswith(f"Error: {private}: it belongs to uid "), err
    assert "so the account could have written its saves; root does not act on them" in err
    assert err.count("\n") == 1
    assert tree_state(home, root) == before
    _untouched(root, home)


def test_root_refuses_a_store_with_a_file_others_may_write(tmp_path: Path) -> None:
    home, root = _restored(tmp_path)
    private = home / "backup/private.git"
    head = private / "refs/heads/pre-restore"
    if not head.exists():  # packed refs: any file inside counts the same
        head = private / "HEAD"
    head.chmod(0o666)
    code, err = _flexgit(home, root, "-y", "undo")
    assert code == 2
    assert f"{head} is writable by group or others (mode 0666)" in err
    assert (root / "etc/asterisk/features.conf").read_text() != "; changed\n"


def test_root_refuses_a_store_that_is_a_symlink(tmp_path: Path) -> None:
    home, root = _restored(tmp_path)
    private = home / "backup/private.git"
    private.rename(tmp_path / "elsewhere.git")
    private.symlink_to(tmp_path / "elsewhere.git")
    code, err = _flexgit(home, root, "-y", "undo")
    assert code == 2
    assert f"Error: {private}: it is a symlink, so the account" in err


@pytest.mark.parametrize("bad", ["home/../../escaped", "system/etc/../../../escaped",
                                 "/etc/escaped", "home/./x", "other/x", "home//x"])
def test_undo_refuses_a_record_whose_paths_leave_the_installation(
        tmp_path: Path, bad: str) -> None:
    """Even in a store only root writes, a record is checked like a backup
    file's paths, all of it before anything is put back."""
    home, root = _restored(tmp_path)
    _forge(home, root, {bad: (b"x\n", 0o644), "home/ok.txt": (b"y\n", 0o644)}, [])
    before = tree_state(tmp_path)
    code, err = _flexgit(home, root, "-y", "undo")
    assert code == 4, err
    assert f"its undo record names {bad!r}" in err and "nothing was undone" in err
    assert tree_state(tmp_path) == before


def test_undo_refuses_a_record_path_below_a_symlink(tmp_path: Path) -> None:
    home, root = _restored(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (home / "linked").symlink_to(outside)
    _forge(home, root, {"home/linked/x.txt": (b"x\n", 0o644)}, [])
    code, err = _flexgit(home, root, "-y", "undo")
    assert code == 4, err
    assert f"{home}/linked is a symlink" in err
    assert list(outside.iterdir()) == []


def test_undo_never_puts_back_set_id_bits(tmp_path: Path) -> None:
    home, root = _restored(tmp_path)
    _forge(home, root, {"home/bin/tool": (b"#!/bin/sh\n", 0o6755)}, [])
    code, err = _flexgit(home, root, "-y", "undo")
    assert code == 0, err
    assert stat.S_IMODE(os.lstat(home / "bin/tool").st_mode) == 0o755
