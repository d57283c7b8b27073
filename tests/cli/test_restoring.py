"""The restore options of issue 13: --trust-privileged and undo's question."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.conftest import Env
from tests.restore.crafted import craft, exported


def test_restore_help_names_trust_privileged(env: Env) -> None:
    r = env.run("restore", "--help")
    assert r.exit_code == 0
    assert "--trust-privileged" in r.stdout
    assert "differ from what flexgit writes" in " ".join(r.stdout.split())


def test_dry_run_json_lists_privileged_changes(env: Env) -> None:
    bad = craft(exported(env, env.tmp / "out"), env.tmp / "bad.flx",
                files={"system/etc/sudoers.d/flexpbx-asterisk": b"ALL ALL=(ALL) NOPASSWD: ALL\n"})
    r = env.run("--json", "restore", "--dry-run", str(bad))
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    (p,) = doc["privileged"]
    assert p["path"] == "system/etc/sudoers.d/flexpbx-asterisk"
    assert p["trusted"] is False
    assert p["why"] == "line 1: `ALL ALL=(ALL) NOPASSWD: ALL` is not a rule flexgit writes"
    assert "+ALL ALL=(ALL) NOPASSWD: ALL" in p["diff"]
    acts = {a["path"]: a for a in doc["actions"]}
    assert acts[p["path"]]["action"] == "skip"
    r = env.run("--json", "restore", "--dry-run", "--trust-privileged", str(bad))
    assert json.loads(r.stdout)["privileged"][0]["trusted"] is True


def test_undo_help_says_it_asks(env: Env) -> None:
    r = env.run("undo", "--help")
    assert r.exit_code == 0
    assert "Asks first (-y answers)" in r.stdout


def _damage(src: Path, dest: Path, path: str) -> Path:
    """`src` with the content of entry `path` changed and its hash left as it
    was: what a bit flip in transfer does to a backup file."""
    doc = json.loads(src.read_text())
    (e,) = [e for e in doc["files"] if e["path"] == path]
    data = bytearray(base64.b64decode(e["content"]))
    data[0] ^= 0x20
    e["content"] = base64.b64encode(bytes(data)).decode()
    dest.write_text(json.dumps(doc))
    return dest


def test_force_restores_a_damaged_backup_but_never_its_damaged_file(env: Env) -> None:
    bad = _damage(exported(env, env.tmp / "out"), env.tmp / "bad.flx", "FUTURE_ENHANCEMENTS.md")
    damaged = env.home / "FUTURE_ENHANCEMENTS.md"
    other = env.home / "public_html/docs/SYSTEM_WIDE_TEMP_PASSWORDS.md"
    damaged.write_text("edited live\n")
    other.write_text("edited live too\n")
    r = env.run("-y", "restore", str(bad))
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        r.stderr.strip()] and "FUTURE_ENHANCEMENTS.md: Hash mismatch for " in r.stderr
    assert other.read_text() == "edited live too\n"
    r = env.run("-y", "restore", "--force", str(bad))
    assert r.exit_code == 3, r.output
    assert ("warning: home/FUTURE_ENHANCEMENTS.md was not restored: Hash mismatch for "
            "FUTURE_ENHANCEMENTS.md") in r.stderr
    assert damaged.read_text() == "edited live\n"  # damaged content is never written
    assert other.read_text() != "edited live too\n"  # the rest of the backup is restored
    # Fresh deletes what the source lacks; a damaged file is not "lacking".
    r = env.run("--json", "restore", "--dry-run", "-m", "fresh", "--force", str(bad))
    acts = {a["path"]: a for a in json.loads(r.stdout)["actions"]}
    assert acts["home/FUTURE_ENHANCEMENTS.md"] == {
        "path": "home/FUTURE_ENHANCEMENTS.md", "action": "skip",
        "reason": "damaged in the source: kept as it is on disk"}
    r = env.run("-y", "restore", "-m", "fresh", "--force", str(bad))
    assert r.exit_code == 3, r.output
    assert damaged.read_text() == "edited live\n"
