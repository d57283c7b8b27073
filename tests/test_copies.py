"""Copies of every export into the profile's [copies] dirs and pushes to its
[copies] remotes; a failed copy is a warning, never a lost backup."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from flexgit import copies, profile
from flexgit.errors import BadInput, IntegrityError
from tests.conftest import Env
from tests.gitservers import bare_repo, fsck, refs


def _config(tmp_path: Path, body: str) -> Path:
    cfg = tmp_path / "site.toml"
    cfg.write_text(body)
    return cfg


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_every_export_is_copied_and_checked(env: Env, tmp_path: Path) -> None:
    d1, d2 = tmp_path / "second-drive", tmp_path / "nfs" / "pbx"
    cfg = _config(tmp_path, f'[copies]\ndirs = ["{d1}", "{d2}"]\n')
    assert env.run("--config", str(cfg), "snapshot").exit_code == 0
    r = env.run("--config", str(cfg), "--json", "export", "-c")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    made = Path(doc["path"])
    assert doc["copies"] == [
        {"dir": str(d1), "path": str(d1 / made.name), "ok": True, "error": None},
        {"dir": str(d2), "path": str(d2 / made.name), "ok": True, "error": None},
    ]
    for d in (d1, d2):
        copy = d / made.name
        assert _sha(copy) == _sha(made) == doc["sha256"]
        assert copy.stat().st_mode & 0o777 == made.stat().st_mode & 0o777
        assert os.readlink(d / "latest.flx.gz") == made.name
        assert [p.name for p in d.iterdir() if p.name.startswith(".")] == []  # no temp files
    r = env.run("--config", str(cfg), "export", "-c")
    assert r.exit_code == 0
    assert r.stdout.count("(sha256 checked)") == 2 and f"copied to {d2}/flexpbx-" in r.stdout


def test_a_failed_copy_is_a_warning_and_the_export_stays(env: Env, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be\n")
    good = tmp_path / "good"
    cfg = _config(tmp_path, f'[copies]\ndirs = ["{blocker / "sub"}", "{good}"]\n')
    assert env.run("--config", str(cfg), "snapshot").exit_code == 0
    r = env.run("--config", str(cfg), "--json", "export")
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert Path(doc["path"]).is_file()
    bad, ok = doc["copies"]
    assert not bad["ok"] and bad["path"] is None and "Not a directory" in bad["error"]
    assert ok["ok"] and Path(ok["path"]).is_file()
    assert doc["warnings"] == [f"copy to {blocker / 'sub'} failed: {bad['error']}"]
    assert f"warning: copy to {blocker / 'sub'} failed: " in r.stderr


def test_copy_that_does_not_read_back_is_removed(tmp_path: Path) -> None:
    src = tmp_path / "flexpbx-2025-01-01_02-00-00.flx"
    src.write_bytes(b'{"version": "1.0"}\n')
    with pytest.raises(IntegrityError, match="does not read back as written"):
        copies.copy_file(src, tmp_path / "copy", sha256="0" * 64)
    assert list((tmp_path / "copy").iterdir()) == []
    made = copies.copy_file(src, tmp_path / "copy", sha256=_sha(src), link="latest.flx")
    assert made.read_bytes() == src.read_bytes()
    with pytest.raises(IntegrityError, match="is the export directory itself"):
        copies.copy_file(src, tmp_path, sha256=_sha(src))


def test_relative_and_home_dirs_are_the_accounts(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert copies.resolve_dir("~/offsite", home) == home / "offsite"
    assert copies.resolve_dir("offsite", home) == home / "offsite"
    assert copies.resolve_dir("/mnt/x", home) == Path("/mnt/x")


def test_copies_remotes_are_pushed_after_every_export(env: Env, tmp_path: Path) -> None:
    central = bare_repo(tmp_path / "central.git")
    cfg = _config(tmp_path, '[copies]\nremotes = ["central", "missing"]\n')
    assert env.run("--config", str(cfg), "snapshot").exit_code == 0
    assert env.run("remote", "add", "central", str(central)).exit_code == 0
    r = env.run("--config", str(cfg), "--json", "export")
    assert r.exit_code == 3  # "missing" is no remote: a warning
    doc = json.loads(r.stdout)
    assert [p["remote"] for p in doc["pushed"]] == ["central"]
    assert doc["warnings"] == ["push to missing failed: no remote named 'missing'; see "
                               "`flexgit remote list`"]
    assert list(refs(central).values()) == [env.store().head()]
    fsck(central)


def test_copies_table_is_checked(tmp_path: Path) -> None:
    cfg = _config(tmp_path, '[copies]\ndirz = ["/x"]\n')
    with pytest.raises(BadInput, match=r"unknown key copies\.dirz"):
        profile.load(cfg)
    cfg = _config(tmp_path, '[copies]\nremotes = "central"\n')
    with pytest.raises(BadInput, match=r"copies\.remotes: expected a list of strings"):
        profile.load(cfg)
    p = profile.load(_config(tmp_path, '[copies]\ndirs = ["/a"]\nremotes = ["c"]\n'))
    assert p.copy_dirs == ("/a",) and p.copy_remotes == ("c",)
