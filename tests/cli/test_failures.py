"""Clean failure (issue 13, item 8): a damaged store, a home without FlexPBX,
the store's config mode, failed writes. One line, the documented exit code."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import fsutil, sample
from flexgit.cli import cli, handle_errors
from flexgit.errors import ERROR, INTEGRITY, WriteFailed
from tests.conftest import Env


def _only_pack(repo: Path) -> Path:
    packs = sorted((repo / "objects" / "pack").glob("*.pack"))
    assert len(packs) == 1, packs
    return packs[0]


def _writable(p: Path) -> None:
    os.chmod(p, 0o644)  # packs are 0444, as git makes them


def _xor(p: Path, start: int, step: int, mask: int) -> None:
    """Garble every `step`-th byte from `start`, leaving the 40-byte trailer."""
    _writable(p)
    b = bytearray(p.read_bytes())
    for i in range(start, len(b) - 40, step):
        b[i] ^= mask
    p.write_bytes(bytes(b))


def _flip(repo: Path) -> None:
    """Flip bits all through the pack's objects, its trailer untouched."""
    _xor(_only_pack(repo), 200, 97, 0x5A)


def _truncate(repo: Path) -> None:
    p = _only_pack(repo)
    _writable(p)
    os.truncate(p, p.stat().st_size // 2)


def _bad_index(repo: Path) -> None:
    """Garble the index's offset table: objects are no longer found."""
    _xor(_only_pack(repo).with_suffix(".idx"), 1100, 13, 0xFF)


def _missing(repo: Path) -> None:
    p = _only_pack(repo)
    p.unlink()
    p.with_suffix(".idx").unlink()


DAMAGE = {"corrupted-pack": _flip, "truncated-pack": _truncate, "bad-index": _bad_index,
          "missing-objects": _missing}
# Every command that reads objects. `log` reads only commits, which the
# garbled part of the index does not reach: covered by the other kinds.
COMMANDS = {"restore": ["restore", "--dry-run", "latest"], "export": ["export"],
            "verify": ["verify", "latest"], "log": ["log"], "status": ["status"],
            "diff": ["diff"], "show": ["show", "latest", "home/flexpbx-config.json"]}


@pytest.fixture(scope="module")
def snapshotted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One installation and its store with one snapshot (one pack), copied per test."""
    base = tmp_path_factory.mktemp("damaged")
    home, root = base / "home" / "flexpbx", base / "root"
    home.mkdir(parents=True)
    root.mkdir()
    sample.build(home, root)
    r = CliRunner().invoke(cli, ["--home", str(home), "--root", str(root), "--repo",
                                 str(base / "store.git"), "snapshot"])
    assert r.exit_code == 0, r.output
    return base


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_store_is_one_line_and_exit_4(snapshotted: Path, tmp_path: Path,
                                                damage: str, command: str) -> None:
    if damage == "bad-index" and command == "log":
        pytest.skip("log reads no object the garbled index entries name")
    shutil.copytree(snapshotted, tmp_path / "i", symlinks=True)
    home, root, repo = tmp_path / "i/home/flexpbx", tmp_path / "i/root", tmp_path / "i/store.git"
    DAMAGE[damage](repo)
    r = CliRunner().invoke(cli, ["--home", str(home), "--root", str(root), "--repo", str(repo),
                                 *COMMANDS[command]], catch_exceptions=False)
    assert r.exit_code == INTEGRITY, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: ") and lines[0].endswith("run `flexgit check`")
    assert str(repo) in lines[0] and "unexpected" not in lines[0]
    # check, where it points, names the damage too
    r = CliRunner().invoke(cli, ["--repo", str(repo), "check"], catch_exceptions=False)
    assert r.exit_code == INTEGRITY, r.output


def test_snapshot_of_a_home_without_flexpbx_is_an_error(env: Env, tmp_path: Path) -> None:
    other = tmp_path / "home" / "someone-else"
    other.mkdir()
    (other / ".bashrc").write_text("alias ll='ls -l'\n")
    args = ["--home", str(other), "--root", str(env.root), "--repo", str(env.repo)]
    r = CliRunner().invoke(cli, [*args, "snapshot"], catch_exceptions=False)
    assert r.exit_code == ERROR
    assert r.stderr == (f"Error: no FlexPBX installation at {other}: none of public_html, *.md, "
                        f"flexpbx-config.json, templates, schema, examples is there (or all "
                        f"were excluded); pass "
                        f"the account's home with --home, or --allow-empty to snapshot it "
                        f"anyway\n")
    assert not list((env.repo / "objects" / "pack").glob("*")), "no objects for a refusal"
    r = CliRunner().invoke(cli, [*args, "snapshot", "--allow-empty"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("snapshot ")


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_store_config_is_0600_at_init_and_every_rewrite(env: Env) -> None:
    assert env.run("init").exit_code == 0
    config = env.repo / "config"
    assert _mode(config) == 0o600
    os.chmod(config, 0o644)  # a store made before this rule
    url = "https://backup:s3cret-pass@git.example.com/pbx.git"
    assert env.run("remote", "add", "offsite", url).exit_code == 0
    assert _mode(config) == 0o600
    # C git still reads it, and sees the remote
    assert env.git("config", "--get", "remote.offsite.url").decode().strip() == url
    assert env.git("config", "--get", "gc.auto").decode().strip() == "0"
    os.chmod(config, 0o644)
    assert env.run("remote", "remove", "offsite").exit_code == 0
    assert _mode(config) == 0o600
    subprocess.run(["git", "--git-dir", str(env.repo), "fsck"], check=True,
                   capture_output=True)


def test_a_failed_atomic_write_says_the_file_is_intact(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "pjsip.conf"
    target.write_bytes(b"[old]\n")
    from flexgit import faults

    # The fault point before the rename: a full disk there (FLEXGIT_FAIL_AT).
    monkeypatch.setattr(faults, "_fail_kind", "replace")
    monkeypatch.setattr(faults, "_fail_target", 1)
    monkeypatch.setattr(faults, "_fail_errno", "ENOSPC")
    monkeypatch.setattr(faults, "_fail_count", 0)
    with pytest.raises(WriteFailed) as e:
        fsutil.atomic_write(target, b"[new]\n")
    assert isinstance(e.value, OSError) and e.value.errno == errno.ENOSPC
    assert str(e.value) == (f"{target}: No space left on device; nothing was written there, "
                            f"its previous content is intact")
    assert target.read_bytes() == b"[old]\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pjsip.conf"]  # no temp file left


def test_other_os_errors_claim_nothing_about_what_was_written(
        capsys: pytest.CaptureFixture[str]) -> None:
    def fails() -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO), "/srv/backup/x.flx")

    assert handle_errors(fails) == ERROR
    err = capsys.readouterr().err
    assert err == ("Error: /srv/backup/x.flx: Input/output error; the command stopped here "
                   "(`flexgit check` shows the store's state)\n")
    assert "intact" not in err
