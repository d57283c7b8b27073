"""One meaning of latest (issue 14, point 6): after every export each latest*
link names the newest backup of its type (flx/flxx, private or not), or is
gone when that backup has another form (compressed, encrypted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flexgit.formats import latest
from tests.conftest import Env

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    if not (BIN / name).exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e .)")
    return str(BIN / name)


def _links(d: Path) -> dict[str, str]:
    return {p.name: os.readlink(p) for p in sorted(d.iterdir()) if p.is_symlink()}


def _backup(env: Env, out: Path, *args: str) -> None:
    e = {**os.environ, "FLEXGIT_HOME": str(env.home), "FLEXGIT_ROOT": str(env.root),
         "NO_COLOR": "1"}
    r = subprocess.run([_tool("flexpbx-backup"), "-o", str(out), *args], env=e,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_an_uncompressed_backup_leaves_no_stale_latest_gz(env: Env, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    _backup(env, out, "-c")
    first = os.readlink(out / "latest.flx.gz")
    (env.home / "flexpbx-config.json").write_text('{"after": "rollback"}\n')
    _backup(env, out)
    links = _links(out)
    newest = links["latest.flx"]
    assert newest != first and newest.endswith(".flx")
    # latest.flx.gz would restore the older backup: it is gone, not stale
    assert "latest.flx.gz" not in links
    r = subprocess.run([_tool("flexpbx-restore"), str(out / "latest.flx.gz")],
                       env={**os.environ, "FLEXGIT_HOME": str(env.home),
                            "FLEXGIT_ROOT": str(env.root)},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "latest.flx.gz" in r.stderr
    # a flxx export is another type: the flx link stays
    _backup(env, out, "-t", "flxx", "-c")
    assert _links(out)["latest.flx"] == newest and "latest.flxx.gz" in _links(out)


def _touch(d: Path, *names: str) -> None:
    for n in names:
        (d / n).write_bytes(b"{}")


def test_relink_by_type_form_and_name(tmp_path: Path) -> None:
    d = tmp_path
    _touch(d, "flexpbx-2026-01-01_00-00-00.flx.gz", "flexpbx-2026-01-02_00-00-00.flx",
           "flexpbx-2026-01-02_00-00-00-2.flx", "flexpbx-2026-01-01_00-00-00.flxx.gz",
           "flexpbx-private-2026-01-03_00-00-00.flx.gz", "notes.flx")
    os.symlink("flexpbx-2026-01-01_00-00-00.flx.gz", d / "latest.flx.gz")
    os.symlink("flexpbx-2026-01-02_00-00-00.flx", d / "latest.flx")
    (d / "latest.flxx").write_text("a user's own file")
    changed = latest.relink(d)
    assert _links(d) == {"latest.flx": "flexpbx-2026-01-02_00-00-00-2.flx",
                         "latest.flxx.gz": "flexpbx-2026-01-01_00-00-00.flxx.gz",
                         "latest-private.flx.gz": "flexpbx-private-2026-01-03_00-00-00.flx.gz"}
    assert ("latest.flx.gz", None) in changed
    assert (d / "latest.flxx").read_text() == "a user's own file"
    assert latest.relink(d) == []  # settled


def test_the_file_just_written_wins_over_a_later_name(tmp_path: Path) -> None:
    """A clock set back: the export's own file is still what latest names."""
    _touch(tmp_path, "flexpbx-2030-01-01_00-00-00.flx", "flexpbx-2026-01-01_00-00-00.flx")
    latest.relink(tmp_path, written="flexpbx-2026-01-01_00-00-00.flx")
    assert _links(tmp_path) == {"latest.flx": "flexpbx-2026-01-01_00-00-00.flx"}


def test_dry_run_with_gone_files_changes_nothing(tmp_path: Path) -> None:
    _touch(tmp_path, "flexpbx-2026-01-01_00-00-00.flx", "flexpbx-2026-01-02_00-00-00.flx")
    os.symlink("flexpbx-2026-01-02_00-00-00.flx", tmp_path / "latest.flx")
    changed = latest.relink(tmp_path, gone=frozenset({"flexpbx-2026-01-02_00-00-00.flx"}),
                            dry_run=True)
    assert changed == [("latest.flx", "flexpbx-2026-01-01_00-00-00.flx")]
    assert _links(tmp_path) == {"latest.flx": "flexpbx-2026-01-02_00-00-00.flx"}
