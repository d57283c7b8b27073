"""Undo belongs to one installation: a home copied from another one (its
backup/private.git included) does not undo the other installation's restore,
and undo asks first, as restore does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from flexgit import sample
from flexgit.cli import cli
from tests.conftest import in_pty, tree_state


def _flexgit(home: Path, root: Path, repo: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["--home", str(home), "--root", str(root), "--repo", str(repo),
                                 *args])
    return r.exit_code, r.stdout, r.stderr


def _restored_installation(tmp: Path) -> tuple[Path, Path, Path]:
    """Installation A after a merge restore: a pre-restore save to undo."""
    home, root = tmp / "a" / "home" / "flexpbx", tmp / "a" / "root"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root)
    repo = tmp / "a" / "store.git"
    assert _flexgit(home, root, repo, "snapshot")[0] == 0
    (root / "etc/asterisk/features.conf").write_text("; changed in A\n")
    code, _out, err = _flexgit(home, root, repo, "-y", "restore", "latest")
    assert code == 0, err
    return home, root, repo


def _copy(tmp: Path) -> tuple[Path, Path, Path]:
    for side in ("home", "root", "store.git"):
        shutil.copytree(tmp / "a" / side, tmp / "b" / side, symlinks=True)
    return tmp / "b" / "home" / "flexpbx", tmp / "b" / "root", tmp / "b" / "store.git"


def test_undo_refuses_the_save_of_a_copied_home(tmp_path: Path) -> None:
    home_a, root_a, _ = _restored_installation(tmp_path)
    home_b, root_b, repo_b = _copy(tmp_path)
    before = tree_state(tmp_path / "a", tmp_path / "b")
    code, _out, err = _flexgit(home_b, root_b, repo_b, "-y", "undo")
    assert code == 2
    private = home_b / "backup/private.git"
    assert err.startswith(f"Error: {private}: the last restore saved there is of another "
                          f"installation (home {home_a}, root {root_a}, host ")
    assert f"not of this one (home {home_b}, root {root_b}, host " in err
    assert "nothing was undone" in err and err.count("\n") == 1
    # Neither installation changed: A's restore stays, B is as copied.
    assert tree_state(tmp_path / "a", tmp_path / "b") == before
    assert (root_a / "etc/asterisk/features.conf").read_text() != "; changed in A\n"


def test_restore_refuses_to_finish_another_installations_journal(tmp_path: Path) -> None:
    """An interrupted restore's journal in a copied private store is the
    other installation's: the next restore here does not put it back there."""
    _restored_installation(tmp_path)
    home_b, root_b, repo_b = _copy(tmp_path)
    private = home_b / "backup/private.git"
    pre = subprocess.run(["git", "--git-dir", str(private), "rev-parse", "pre-restore"],
                         check=True, capture_output=True, text=True).stdout.strip()
    (private / "restore-journal.json").write_text(json.dumps({"pre_restore": pre,
                                                              "home": "x", "started": 0}))
    before = tree_state(tmp_path / "a")
    code, _out, err = _flexgit(home_b, root_b, repo_b, "-y", "restore", "latest")
    assert code == 2
    assert "is of another installation" in err
    assert tree_state(tmp_path / "a") == before


def test_undo_of_own_save_still_works(tmp_path: Path) -> None:
    home, root, repo = _restored_installation(tmp_path)
    code, out, err = _flexgit(home, root, repo, "-y", "undo")
    assert code == 0, err
    assert (root / "etc/asterisk/features.conf").read_text() == "; changed in A\n"
    assert "undid the last restore" in out


def test_undo_without_confirmation_refuses(tmp_path: Path) -> None:
    home, root, repo = _restored_installation(tmp_path)
    before = tree_state(home, root)
    code, _out, err = _flexgit(home, root, repo, "undo")
    assert code == 2
    assert err == ("Error: refusing to undo without confirmation: no terminal to ask on; "
                   "pass -y to confirm\n")
    assert tree_state(home, root) == before


def _in_pty(args: list[str], answer: bytes) -> tuple[int, str]:
    return in_pty([sys.executable, "-m", "flexgit", *args], answer)


def test_undo_asks_on_a_terminal(tmp_path: Path) -> None:
    home, root, repo = _restored_installation(tmp_path)
    before = tree_state(home, root)
    args = ["--home", str(home), "--root", str(root), "--repo", str(repo), "undo"]
    code, out = _in_pty(args, b"n\n")
    assert code == 130, out
    assert f"This will put back 1 files and remove 0 created files in {home}, undoing the " \
           f"restore from latest" in out
    assert "undo cancelled; nothing was changed" in out
    assert tree_state(home, root) == before
    code, out = _in_pty(args, b"y\n")
    assert code == 0, out
    assert (root / "etc/asterisk/features.conf").read_text() == "; changed in A\n"
