"""A refused command leaves nothing behind (issue 13 leftovers, item 2): no
store, no directory made for one, no lock file, no run log in a home that had
none; and where a run log exists, its line says the command failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from tests.conftest import Env, tree_state

BAD_FILE = json.dumps({"version": "1.0", "files": [{"path": "public_html/a.php"}]})


def _everything(top: Path) -> dict[str, tuple[str, int, bytes]]:
    """tree_state, with flexgit's run log kept in (it must not appear either)."""
    state = tree_state(top)
    log = top / "home" / "e" / "logs" / "flexgit.log"
    if log.exists():
        state[str(log)] = ("file", 0, log.read_bytes())
    return state


@pytest.mark.parametrize(("args", "code", "line"), [
    (["snapshot"], 1, "Error: no FlexPBX installation at HOME: none of "),
    (["snapshot", "--include-data"], 1, "Error: no FlexPBX installation at HOME: none of "),
    (["snapshot", "--tag=-x"], 2, "Error: invalid tag name '-x': "),
    (["--config", "TMP/bad.toml", "snapshot"], 1, "Error: TMP/bad.toml: not valid TOML"),
    (["--home", "TMP/missing", "snapshot"], 2, "Error: --home TMP/missing does not exist"),
    (["import", "TMP/bad.flx"], 1, "Error: TMP/bad.flx: public_html/a.php: missing field"),
    (["-y", "restore", "TMP/bad.flx"], 1, "Error: TMP/bad.flx: public_html/a.php: missing"),
    (["export"], 10, "Error: no flexgit repository at HOME/backup/flexgit.git"),
    (["snapshot", "--bogus"], 2, "Error: No such option '--bogus'."),
])
def test_a_refusal_in_an_empty_home_creates_nothing(tmp_path: Path, args: list[str], code: int,
                                                    line: str) -> None:
    home, root = tmp_path / "home" / "e", tmp_path / "root"
    home.mkdir(parents=True)
    root.mkdir()
    (tmp_path / "bad.toml").write_text("x = [\n")
    (tmp_path / "bad.flx").write_text(BAD_FILE)
    before = _everything(tmp_path)
    args = [a.replace("TMP", str(tmp_path)) for a in args]
    r = CliRunner().invoke(cli, ["--home", str(home), "--root", str(root), *args],
                           catch_exceptions=False)
    assert r.exit_code == code, r.output
    assert line.replace("HOME", str(home)).replace("TMP", str(tmp_path)) in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert _everything(tmp_path) == before


def test_a_refusal_in_an_installation_logs_its_failure_and_writes_nothing_else(
        env: Env) -> None:
    r = env.run("snapshot")
    assert r.exit_code in (0, 3), r.output
    bad = env.tmp / "bad.flx"
    bad.write_text(BAD_FILE)
    before = tree_state(env.tmp)
    for args, code in ((["import", str(bad)], 1), (["-y", "restore", str(bad)], 1),
                       (["snapshot", "--tag=-x"], 2), (["tag", "--", "-x"], 2)):
        r = env.run(*args)
        assert r.exit_code == code, r.output
        assert tree_state(env.tmp) == before, args
        last = (env.home / "logs" / "flexgit.log").read_text().splitlines()[-1]
        assert f" exit={code} " in last, last


def test_a_declined_migrate_leaves_no_target_home(tmp_path: Path,
                                                  two_users: tuple[str, str]) -> None:
    bob, alice = two_users
    root = tmp_path / "root"
    home = root / "home" / bob
    home.mkdir(parents=True)
    sample.build(home, root, user=bob)
    base = ["--root", str(root), "--home", str(home), "--repo", str(tmp_path / "store.git")]
    r = CliRunner().invoke(cli, [*base, "snapshot"], catch_exceptions=False)
    assert r.exit_code in (0, 3), r.output
    before = tree_state(tmp_path)
    # No -y and no terminal: refused at the question, after the plan was made.
    r = CliRunner().invoke(cli, [*base, "restore", "-m", "migrate", "-s", bob, "-u", alice,
                                 "latest"], catch_exceptions=False)
    assert r.exit_code == 2, r.output
    assert r.stderr == ("Error: refusing to restore without confirmation: no terminal to ask "
                        "on; pass -y to confirm\n")
    assert not (root / "home" / alice).exists()
    assert tree_state(tmp_path) == before
