"""The restore options of issue 13: --trust-privileged and undo's question."""

from __future__ import annotations

import json

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
