from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from flexgit.cli import cli


def test_demo_runs_every_step(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["demo", str(tmp_path / "d")])
    assert r.exit_code == 0, r.output
    out = r.stdout
    for step in ("1. snapshot", "2. export", "3. change", "4. diff", "5. restore",
                 "6. rollback"):
        assert f"== {step}" in out
    assert "planted values found in any git object of the store: 0" in out
    assert "+exten => 7777,1,Playback(demo-congrats)" in out
    assert "pjsip.conf repaired: True" in out
    assert "dial plan change gone: True" in out
    assert "rollback to " in out


def test_demo_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("mine")
    r = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert r.exit_code == 2
    assert r.stderr == f"Error: {tmp_path} is not empty; give the demo an empty or new directory\n"


def test_demo_runs_to_the_end_without_sudo(tmp_path: Path) -> None:
    """The README's first command on a machine with Python and git only."""
    import os
    import subprocess
    import sys

    from tests.conftest import path_without

    exe = Path(sys.executable).parent / "flexgit"
    env = {**os.environ, "PATH": path_without(tmp_path, "visudo", "sudo")}
    r = subprocess.run([str(exe), "demo", str(tmp_path / "d")], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "== 6. rollback" in r.stdout
    assert "dial plan change gone: True" in r.stdout
    assert "Error" not in r.stderr
