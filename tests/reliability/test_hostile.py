"""Hostile input on both sides of a restore: backup files that try to escape,
collide or lie; and targets whose links lead outside. Pass: refused with one
clear error, or written strictly inside the target; every file outside the
target byte-identical before and after."""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit.cli import cli
from tests.conftest import Env, tree_state
from tests.data.hostile.generate import CASES

HOSTILE = Path(__file__).parent.parent / "data" / "hostile"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Files that must never change: a victim directory beside the target."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "victim.txt").write_text("victim\n")
    (d / "victim2.txt").write_text("second victim\n")
    (d / "sub").mkdir()
    (d / "sub" / "x.php").write_text("<?php // outside\n")
    return d


def _restore(env: Env, source: str, *extra: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, [*env.args(), "-y", "restore", *extra, source])
    return r.exit_code, r.stderr


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in HOSTILE.glob("*.flx")}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_backup_file(env: Env, outside: Path, tmp_path: Path, name: str) -> None:
    before_out = tree_state(outside, Path("/tmp") / "x") if Path("/tmp/x").exists() else \
        tree_state(outside)
    before_root = tree_state(env.root)
    code, err = _restore(env, str(HOSTILE / name), "-m", "merge")
    # A lone symlink out of the installation is skipped with its reason (exit 3);
    # everything else refuses the file as a whole.
    if name == "symlink_outside.flx":
        assert code == 3 and "points outside the installation" in err, err
    else:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {HOSTILE / name}: "), err
        assert tree_state(env.root) == before_root
    # Whatever happened, nothing escaped the target.
    assert (tree_state(outside, Path("/tmp") / "x") if Path("/tmp/x").exists()
            else tree_state(outside)) == before_out
    assert not Path(env.tmp.parent / "x").exists()
    assert not (env.home.parent / "x").exists()
    for p in env.home.rglob("*"):
        if p.is_symlink():
            continue
        assert p.resolve().is_relative_to(env.home.resolve()), p


def test_symlink_entry_out_of_the_installation_is_not_made(env: Env) -> None:
    code, err = _restore(env, str(HOSTILE / "symlink_outside.flx"))
    assert code == 3, err
    assert err == ("warning: home/public_html/shadow was not restored: the symlink -> "
                   "/etc/shadow points outside the installation\n")
    assert not os.path.lexists(env.home / "public_html" / "shadow")


def test_gzip_bomb_is_refused(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEXGIT_MAX_BYTES", str(1 << 20))
    bomb = tmp_path / "bomb.flx.gz"
    with gzip.open(bomb, "wb") as f:
        f.write(b'{"version": "1.0", "files": [{"path": "a", "content": "')
        chunk = b"A" * (1 << 20)
        for _ in range(8):
            f.write(chunk)
    code, err = _restore(env, str(bomb))
    assert code == 1
    assert "limit" in err and str(bomb) in err


def test_symlinked_parent_pointing_outside(env: Env, outside: Path) -> None:
    env.run("snapshot")
    api = env.home / "public_html" / "api"
    real = env.home / "public_html" / "api.real"
    api.rename(real)
    api.symlink_to(outside / "sub")
    before = tree_state(outside)
    code, err = _restore(env, "latest")
    assert tree_state(outside) == before
    r = env.run("--json", "restore", "--dry-run", "latest")
    actions = {a["path"]: a for a in json.loads(r.stdout)["actions"]}
    assert actions["home/public_html/api/login.php"]["action"] == "skip"
    assert "symlink" in actions["home/public_html/api/login.php"]["reason"]
    del code, err


def test_symlink_at_a_files_place(env: Env, outside: Path) -> None:
    env.run("snapshot")
    target = env.home / "public_html" / "portal" / "index.php"
    target.unlink()
    target.symlink_to(outside / "victim.txt")
    before = tree_state(outside)
    code, err = _restore(env, "latest")
    assert code == 0, err
    assert tree_state(outside) == before
    assert not target.is_symlink() and b"<?php" in target.read_bytes()


def test_hard_link_to_an_outside_file(env: Env, outside: Path) -> None:
    env.run("snapshot")
    conf = env.root / "etc" / "asterisk" / "features.conf"
    victim = outside / "victim2.txt"
    conf.unlink()
    os.link(victim, conf)
    victim.chmod(0o600)
    before = tree_state(outside)
    code, err = _restore(env, "latest")
    assert code == 0, err
    assert tree_state(outside) == before
    assert os.stat(conf).st_ino != os.stat(victim).st_ino


def test_parent_swapped_for_a_symlink_during_restore(env: Env, outside: Path) -> None:
    env.run("snapshot")
    for p in (env.home / "public_html").rglob("*.php"):
        if not p.is_symlink():
            p.write_text(p.read_text() + "// drift\n")
    api = env.home / "public_html" / "api"
    parked = env.home / "public_html" / "api.parked"
    before = tree_state(outside)
    stop = threading.Event()

    def swapper() -> None:
        while not stop.is_set():
            try:
                api.rename(parked)
                api.symlink_to(outside / "sub")
                time.sleep(0.0005)
                api.unlink()
                parked.rename(api)
            except OSError:
                pass

    t = threading.Thread(target=swapper)
    t.start()
    try:
        for _ in range(5):
            _restore(env, "latest")
    finally:
        stop.set()
        t.join()
    assert tree_state(outside) == before
