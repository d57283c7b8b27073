"""The sweep across a whole installation and across snapshots (flexgit/known.py)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.conftest import Env, all_objects


def _snap(env: Env) -> None:
    r = env.run("snapshot")
    assert r.exit_code in (0, 3), r.output


def _trunk_password(env: Env) -> str:
    """A live secret of the installation's own records (pjsip.conf)."""
    pj = (env.root / "etc/asterisk/pjsip.conf").read_text()
    for line in pj.splitlines():
        if line.startswith("password=") and len(line) > 20:
            return line.split("=", 1)[1].strip()
    raise AssertionError("the sample has no long pjsip password")


def test_a_record_value_repeated_in_a_guide_never_reaches_the_store(env: Env) -> None:
    pw = _trunk_password(env)
    guide = env.home / "public_html/docs/TRUNK.md"
    guide.parent.mkdir(parents=True, exist_ok=True)
    guide.write_text(f"# Trunk\nIf registration fails, re-enter {pw} on the phone.\n")
    _snap(env)
    assert pw.encode() not in all_objects(env.repo)


def test_a_value_learnt_from_an_unchanged_file_is_swept_from_a_new_one(env: Env) -> None:
    docs = env.home / "public_html/docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "A.md").write_text("Password: Vq7!mmx0Lz2\n")
    _snap(env)
    # A.md is now known to the stat cache and not read again...
    (docs / "B.md").write_text("the old one was Vq7!mmx0Lz2, do not reuse it\n")
    _snap(env)
    assert b"Vq7!mmx0Lz2" not in all_objects(env.repo)
    head = env.git("rev-parse", "HEAD").decode().strip()
    assert b"FLEXGIT-REDACTED" in env.git("show", f"{head}:home/public_html/docs/B.md")


def test_a_value_learnt_now_is_swept_from_a_file_read_before_it(env: Env) -> None:
    docs = env.home / "public_html/docs"
    docs.mkdir(parents=True, exist_ok=True)
    _snap(env)
    # One new file labels a password, an unchanged older file repeats it bare.
    (docs / "OLD.md").write_text("we once used Kx8#pp21Qz\n")
    _snap(env)
    (docs / "NEW.md").write_text("Password: Kx8#pp21Qz\n")
    _snap(env)
    # The snapshot before could not know it was a password (history is never
    # rewritten); from the one that learnt it on, no file holds it.
    head = env.git("rev-parse", "HEAD").decode().strip()
    tree = env.git("ls-tree", "-r", "--name-only", head).decode().split()
    for path in tree:
        assert b"Kx8#pp21Qz" not in env.git("show", f"{head}:{path}"), path


def test_the_sweep_state_is_private(env: Env) -> None:
    _snap(env)
    state = env.home / "backup/private.git/flexgit-sweep.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert not (env.repo / "flexgit-sweep.json").exists()


def test_status_after_a_snapshot_shows_no_change(env: Env) -> None:
    pw = _trunk_password(env)
    guide = env.home / "public_html/docs/TRUNK.md"
    guide.parent.mkdir(parents=True, exist_ok=True)
    guide.write_text(f"re-enter {pw}\n")
    _snap(env)
    r = env.run("status")
    assert r.exit_code == 0, r.output
    assert "TRUNK.md" not in r.output


def test_no_change_snapshot_after_sweep(env: Env, tmp_path: Path) -> None:
    _snap(env)
    r = env.run("--json", "snapshot")
    assert r.exit_code in (0, 3), r.output
    assert '"id": null' in r.stdout


def test_a_merge_restore_keeps_a_file_the_sweep_changed(env: Env) -> None:
    """The plan compares the live file sanitized with the same sweep as the
    snapshot: a guide holding the live trunk password is kept as it is."""
    pw = _trunk_password(env)
    guide = env.home / "public_html/docs/TRUNK.md"
    guide.parent.mkdir(parents=True, exist_ok=True)
    guide.write_text(f"re-enter {pw} here\n")
    _snap(env)
    r = env.run("--json", "restore", "--dry-run", "latest")
    actions = {a["path"]: a["action"] for a in json.loads(r.stdout)["actions"]}
    assert actions["home/public_html/docs/TRUNK.md"] == "keep"
    r = env.run("-y", "restore", "latest")
    assert r.exit_code in (0, 3), r.output
    assert guide.read_text() == f"re-enter {pw} here\n"


def test_a_snapshot_message_loses_the_installations_own_values(env: Env) -> None:
    pw = _trunk_password(env)
    r = env.run("snapshot", "-m", f"trunk reset, now {pw} (tell the team)")
    assert r.exit_code in (0, 3), r.output
    assert "the snapshot message was sanitized" in r.stderr
    assert pw.encode() not in all_objects(env.repo)


def test_a_national_number_of_the_installations_country_never_reaches_the_store(
        env: Env) -> None:
    """The timezone in flexpbx-config.json says Spain: 612 34 56 78 is a phone."""
    cfg = env.home / "flexpbx-config.json"
    doc = json.loads(cfg.read_text())
    doc["timezone"] = "Europe/Madrid"
    cfg.write_text(json.dumps(doc, indent=2))
    notes = env.home / "public_html/docs/NOTES.md"
    notes.parent.mkdir(parents=True, exist_ok=True)
    notes.write_text("If nobody answers, try 612 34 56 78 after six.\nPort 5060, ext 2001.\n")
    _snap(env)
    objects = all_objects(env.repo)
    assert b"612 34 56 78" not in objects
    assert b"Port 5060, ext 2001." in objects
