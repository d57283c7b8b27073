from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flexgit.cli.snapshots import _stat_lines
from flexgit.diff import Change
from tests.conftest import Env, fsck


def test_snapshot_json_shape_then_no_changes(env: Env) -> None:
    r = env.run("--json", "snapshot", "-m", "first")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert set(doc) >= {"id", "parent", "files", "changed", "created", "sanitized"}
    assert doc["parent"] is None and doc["changed"] == doc["files"]
    r = env.run("snapshot")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"no changes since {doc['id'][:12]}"
    fsck(env.repo)


def test_log_show_tag(env: Env) -> None:
    env.run("snapshot", "-m", "first", "--tag", "base")
    (env.home / "public_html" / "new.php").write_text("<?php echo 'hi';\n")
    env.run("snapshot", "-m", "second")
    r = env.run("--json", "log")
    entries = json.loads(r.stdout)
    assert [e["message"] for e in entries] == ["second", "first"]
    assert entries[1]["tags"] == ["base"]
    assert set(entries[0]) >= {"id", "created", "message", "files", "tags"}
    r = env.run("log", "-n", "1")
    assert r.stdout.count("\n") == 1 and "second" in r.stdout
    r = env.run("show", "latest", "home/public_html/new.php")
    assert r.stdout == "<?php echo 'hi';\n"
    r = env.run("show", "base", "home/public_html/new.php")
    assert r.exit_code == 2
    assert "home/public_html/new.php is not in snapshot" in r.stderr
    r = env.run("tag", "second-tag", "latest~1")
    assert r.exit_code == 0
    assert r.stdout.startswith(f"tagged {entries[1]['id'][:12]} as second-tag")


def test_status_and_diff_against_disk(env: Env) -> None:
    env.run("snapshot")
    r = env.run("status")
    assert "nothing changed since the latest snapshot" in r.stdout
    cfg = env.home / "flexpbx-config.json"
    doc = json.loads(cfg.read_text())
    doc["flexpbx_test_key"] = 42
    cfg.write_text(json.dumps(doc, indent=2))
    script = env.root / "usr/local/bin/flexpbx-toggle-permissions"
    script.write_text(script.read_text() + "echo done\n")
    (env.home / "public_html" / "docs").mkdir(exist_ok=True)
    (env.home / "public_html" / "docs" / "NEW.md").write_text("# new\n")
    r = env.run("--json", "status")
    st = json.loads(r.stdout)
    assert {(c["status"], c["path"]) for c in st["changes"]} == {
        ("M", "home/flexpbx-config.json"),
        ("M", "system/usr/local/bin/flexpbx-toggle-permissions"),
        ("A", "home/public_html/docs/NEW.md"),
    }
    r = env.run("diff", "--name-status")
    assert "M\thome/flexpbx-config.json\n" in r.stdout
    r = env.run("diff", "-p", "home/flexpbx-config.json")
    assert "+ root['flexpbx_test_key'] = 42" in r.stdout
    r = env.run("diff", "-p", "system/usr/local/bin")
    assert "+echo done" in r.stdout
    r = env.run("diff", "--stat")
    lines = r.stdout.splitlines()
    assert len({line.index("|") for line in lines[:-1]}) == 1  # one column, like git
    assert lines[-1].startswith(" 3 files changed, ")
    assert "1 deletion(-)" in lines[-1] or "deletions(-)" in lines[-1]
    r = env.run("--json", "diff")
    by_path = {c["path"]: c for c in json.loads(r.stdout)["changes"]}
    # the key-level JSON change the text shows, as data
    assert {"op": "added", "key": "root['flexpbx_test_key']", "old": None, "new": 42} \
        in by_path["home/flexpbx-config.json"]["keys"]
    script = by_path["system/usr/local/bin/flexpbx-toggle-permissions"]
    assert script["added"] == 1 and script["removed"] == 0
    assert "+echo done\n" in script["unified"]


def test_diff_between_revisions(env: Env) -> None:
    env.run("snapshot")
    f = env.root / "etc/asterisk/extensions.conf"
    f.write_text(f.read_text() + "exten => 9999,1,Hangup()\n")
    env.run("snapshot")
    r = env.run("diff", "latest~1", "latest")
    assert "+exten => 9999,1,Hangup()" in r.stdout
    r = env.run("--json", "diff", "latest~1", "latest")
    [change] = json.loads(r.stdout)["changes"]
    assert (change["path"], change["status"], change["added"], change["removed"]) == (
        "system/etc/asterisk/extensions.conf", "M", 1, 0)
    assert "+exten => 9999,1,Hangup()\n" in change["unified"]


def test_no_repository_exit_10(env: Env) -> None:
    r = env.run("log")
    assert r.exit_code == 10
    assert r.stderr == f"Error: no flexgit repository at {env.repo}; " \
        "run `flexgit init` or pass --repo\n"


def test_missing_home_exit_2(env: Env, tmp_path: Path) -> None:
    r = env.run("--home", str(tmp_path / "nope"), "snapshot")
    assert r.exit_code == 2
    assert r.stderr == f"Error: --home {tmp_path / 'nope'} does not exist or is not a directory\n"


def test_held_lock_exit_11_names_holder(env: Env) -> None:
    env.run("init")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (env.repo / "flexgit.lock").write_text(json.dumps(
            {"host": socket.gethostname(), "pid": holder.pid, "time": 0, "command": "flexgit x"}))
        r = env.run("snapshot")
        assert r.exit_code == 11
        assert f"is locked by pid {holder.pid} on {socket.gethostname()}" in r.stderr
        assert r.stderr.count("\n") == 1
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone now: its lock is stale and is recovered.
    r = env.run("snapshot")
    assert r.exit_code == 0, r.stderr
    assert not (env.repo / "flexgit.lock").exists()


def test_unreadable_file_exit_3(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = env.home / "public_html" / "api" / "login.php"
    if os.geteuid() == 0:
        monkeypatch.setenv("FLEXGIT_FAIL_READ", str(bad))  # root reads everything
    else:
        bad.chmod(0)
    r = env.run("snapshot")
    assert r.exit_code == 3
    assert f"warning: skipped {bad}: Permission denied" in r.stderr
    assert "home/public_html/api/login.php" not in env.git("ls-tree", "-r", "main").decode()
    assert "home/public_html/index.php" in env.git("ls-tree", "-r", "main").decode()


def test_profile_prints_effective_profile(env: Env, tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text('[exclude]\nhome = ["public_html/big/"]\n')
    r = env.run("--config", str(cfg), "--json", "profile")
    doc = json.loads(r.stdout)
    assert doc["excludes"]["home"] == ["public_html/big/"]
    assert "users/" in doc["privacy_excludes"]
    r = env.run("profile")
    assert "api_endpoints" in r.stdout and "never backed up:" in r.stdout


def test_bad_config_one_line(env: Env, tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text("[[[")
    r = env.run("--config", str(cfg), "snapshot")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {cfg}: not valid TOML")
    assert r.stderr.count("\n") == 1


def test_each_run_is_logged_without_secrets(env: Env) -> None:
    env.run("snapshot", "-m", "logged")
    env.run("log")
    log = (env.home / "logs" / "flexgit.log").read_text()
    lines = log.splitlines()
    assert len(lines) == 2
    assert "exit=0" in lines[0] and "snapshot -m logged" in lines[0]
    assert "files=" in lines[0] and "changed=" in lines[0]
    assert not [s for s in env.sample.secrets if s in log]


def test_include_data_goes_to_private_store_only(env: Env) -> None:
    r = env.run("--json", "snapshot", "--include-data", "--include-voicemail")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["private"] is True
    private = env.home / "backup" / "private.git"
    assert (private / "stat").exists() or private.is_dir()
    assert (private.stat().st_mode & 0o777) == 0o700
    names = subprocess.run(["git", "--git-dir", str(private), "ls-tree", "-r", "--name-only",
                            "main"], capture_output=True, text=True, check=True).stdout
    assert "home/users/2001.json" in names
    assert "system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.wav" in names
    assert "home/logs/flexpbx.log" not in names  # logs are never data
    assert not env.repo.exists(), "the shareable store was not touched"
    r = env.run("snapshot", "--include-voicemail")
    assert r.exit_code == 2
    assert r.stderr == "Error: --include-voicemail requires --include-data\n"


def test_diff_positional_paths(env: Env) -> None:
    env.run("snapshot")
    f = env.root / "etc/asterisk/extensions.conf"
    f.write_text(f.read_text() + "exten => 9999,1,Hangup()\n")
    (env.home / "public_html/portal/new.php").write_text("<?php\n")
    r = env.run("diff", "--name-status", "latest", "system/etc/asterisk")
    assert r.stdout == "M\tsystem/etc/asterisk/extensions.conf\n"
    r = env.run("diff", "--name-status", "--", "home/public_html")
    assert r.stdout == "A\thome/public_html/portal/new.php\n"
    env.run("snapshot")
    r = env.run("diff", "--name-status", "latest~1", "latest", "system/etc")
    assert r.stdout == "M\tsystem/etc/asterisk/extensions.conf\n"


def _store_text(repo: Path) -> bytes:
    """Every object as C git prints it, and every plain file of the store
    (refs, reflogs, config): where a message or a name could be kept."""
    objects = subprocess.run(["git", "--git-dir", str(repo), "cat-file", "--batch-all-objects",
                              "--batch"], check=True, capture_output=True).stdout
    plain = b"".join(p.read_bytes() for p in repo.rglob("*")
                     if p.is_file() and "objects" not in p.parts)
    return objects + plain


def test_snapshot_message_is_sanitized_before_it_is_stored(env: Env) -> None:
    secret, email = "Xy7kq9Lm2Tw", "bob.jones@acme-corp.com"
    r = env.run("snapshot", "-m", f"trunk password={secret} as {email} asked")
    assert r.exit_code == 3
    assert r.stderr == ("warning: the snapshot message was sanitized before it was stored "
                        "(pattern.email x1, pattern.password_param x1)\n")
    head = subprocess.run(["git", "--git-dir", str(env.repo), "log", "-1", "--format=%s"],
                          check=True, capture_output=True, text=True).stdout
    assert head == "trunk password=FLEXGIT-REDACTED as user@example.com asked\n"
    text = _store_text(env.repo)
    assert secret.encode() not in text and b"acme-corp" not in text
    r = env.run("snapshot", "--allow-empty", "-m", "before the upgrade")
    assert r.exit_code == 0 and r.stderr == ""
    fsck(env.repo)


@pytest.mark.parametrize(("name", "error"), [
    ("bob.jones@acme-corp.com", "Error: refused the tag name: it holds an email address; tags "
                                "are shared with the snapshots, choose a name without it\n"),
    ("call-2125550142", "Error: refused the tag name: it holds a phone number; tags are shared "
                        "with the snapshots, choose a name without it\n"),
    ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
     "Error: refused the tag name: it holds a token; tags are shared with the snapshots, "
     "choose a name without it\n"),
    ("-rf", "Error: invalid tag name '-rf': a tag name cannot start with '-'\n"),
])
def test_tag_names_that_cannot_be_shared_are_refused(env: Env, name: str, error: str) -> None:
    assert env.run("snapshot").exit_code == 0
    r = env.run("tag", "--", name, "latest")
    assert (r.exit_code, r.stderr) == (2, error)
    # --tag is checked before the snapshot is taken: no snapshot, no tag.
    (env.home / "public_html/new.php").write_text("<?php\n")
    before = env.git("rev-parse", "main")
    r = env.run("snapshot", f"--tag={name}")
    assert (r.exit_code, r.stderr) == (2, error)
    assert env.git("rev-parse", "main") == before
    assert env.git("tag", "-l") == b""
    if not name.startswith("-"):
        assert name.encode() not in _store_text(env.repo)


def test_a_plain_tag_name_is_taken(env: Env) -> None:
    r = env.run("snapshot", "-m", "first", "--tag", "pre-1.1")
    assert r.exit_code == 0, r.output
    assert env.git("tag", "-l") == b"pre-1.1\n"


def test_stat_lines_align_and_pluralize() -> None:
    changes = [Change("home/a.json", "M", None, None), Change("home/public_html/b.php", "A",
                                                              None, None)]
    lines = _stat_lines(changes, [(1, 0), (12, 3)])
    assert lines == [" home/a.json            |  1 +",
                     " home/public_html/b.php | 15 ++++++++++++---",
                     " 2 files changed, 13 insertions(+), 3 deletions(-)"]
    one = _stat_lines(changes[:1], [(0, 1)])[-1]
    assert one == " 1 file changed, 0 insertions(+), 1 deletion(-)"
