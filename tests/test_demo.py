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
