"""The restore options of issue 13: --trust-privileged and undo's question."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from tests.conftest import Env, in_pty, tree_state
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


def test_the_prompt_shows_a_summary_not_every_action(env: Env) -> None:
    """Issue 14: a fresh restore of a big installation printed every planned
    action before `Continue?`; it shows the counts, what matters most first,
    the first changes, and -v shows all."""
    exe = Path(sys.executable).parent / "flexgit"
    assert env.run("snapshot", "-m", "small").exit_code == 0
    pages = env.home / "public_html" / "pages"
    pages.mkdir()
    for i in range(40):
        (pages / f"page{i:02}.html").write_text(f"<p>page {i}</p>\n")
    assert env.run("snapshot", "-m", "big").exit_code == 0
    before = tree_state(env.home, env.root)
    argv = [str(exe), *env.args(), "restore", "-m", "fresh", "latest~1"]
    code, out = in_pty(argv, b"n\n")
    assert code == 130, out
    head = out.split("Continue?")[0]
    listed = [line for line in head.splitlines()
              if line.split()[:1] in (["create"], ["update"], ["delete"], ["chown"])]
    assert len(listed) == 10, head
    assert "more change(s); `-v` lists them all" in head
    assert head.index("restore plan (fresh from latest~1): ") < head.index(listed[0])
    # what changes credentials comes first: the files that get new secrets
    assert head.index("new secrets in: ") < head.index(listed[0])
    assert listed[0].split()[1] in head.split("new secrets in: ")[1].split("\n")[0]
    assert tree_state(env.home, env.root) == before
    code, out = in_pty([*argv[:-3], "-v", *argv[-3:]], b"n\n")
    assert code == 130
    assert sum(line.startswith("  delete ") for line in out.splitlines()) >= 40


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
