from __future__ import annotations

import json

from tests.conftest import Env
from tests.formats.helpers import commit_by_hand, legacy_file


def test_clean_snapshot_and_store(env: Env) -> None:
    env.run("snapshot", "-t", "flxx")
    r = env.run("audit")
    assert r.exit_code == 0, r.output
    assert "no secrets found" in r.stdout
    r = env.run("--json", "audit", "--all")
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_hand_built_snapshot_with_a_secret_is_reported_without_the_value(env: Env) -> None:
    assert env.run("init").exit_code == 0
    commit_by_hand(env, {
        "system/etc/asterisk/sip.conf": b"[general]\nbindport=5060\n[trunk]\nsecret=RealPass123\n",
        "home/public_html/index.php": b"<?php echo 'ok';\n",
    })
    r = env.run("audit")
    assert r.exit_code == 4
    assert "system/etc/asterisk/sip.conf:4: asterisk.secret" in r.stdout
    assert "RealPass123" not in r.stdout + r.stderr
    r = env.run("--json", "audit", "latest")
    assert json.loads(r.stdout) == [
        {"path": "system/etc/asterisk/sip.conf", "rule": "asterisk.secret", "line": 4}]
    r = env.run("--json", "audit", "--all")
    assert r.exit_code == 4 and "RealPass123" not in r.stdout
    found = json.loads(r.stdout)
    assert [(f["path"], f["line"]) for f in found] == [("system/etc/asterisk/sip.conf", 4)]
    assert len(found[0]["object"]) == 40


def test_backup_file_audit(env: Env) -> None:
    f = legacy_file(env.tmp / "old.flx", {"etc/asterisk/pjsip.conf": b"[t]\npassword=Xy7Pass\n"},
                    file_count=1)
    r = env.run("--json", "audit", str(f))
    assert r.exit_code == 4 and "Xy7Pass" not in r.stdout and "Sm7pPass" not in r.stdout
    paths = {x["path"] for x in json.loads(r.stdout)}
    assert paths == {"etc/asterisk/pjsip.conf", "default_settings"}
    env.run("snapshot")
    out = json.loads(env.run("--json", "export").stdout)["path"]
    assert env.run("audit", out).exit_code == 0
