"""Lifecycle hooks: what runs when, with which facts, and what a failure does."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import hooks
from flexgit.cli.seedtools import backup as backup_cmd
from flexgit.cli.seedtools import restore as restore_cmd
from tests import gitservers
from tests.conftest import Env, tree_state

ROOT = Path(__file__).resolve().parent.parent


def hook(env: Env, event: str, name: str, body: str, *, directory: Path | None = None) -> Path:
    d = (directory or env.repo / "hooks") / f"{event}.d"
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text("#!/bin/sh\n" + body)
    p.chmod(0o755)
    return p


def recorder(env: Env, event: str, log: Path, name: str = "50-record") -> Path:
    """A hook that appends its event and every FLEXGIT_ fact to `log` (JSON lines)."""
    return hook(env, event, name,
                f"python3 -c 'import json,os; print(json.dumps({{k: v for k, v in "
                f"os.environ.items() if k.startswith(\"FLEXGIT_\")}}))' >> '{log}'\n")


def events(log: Path) -> list[dict[str, str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture
def store(env: Env) -> Env:
    assert env.run("init").exit_code == 0
    return env


def test_failing_pre_snapshot_hook_aborts_with_its_output(store: Env) -> None:
    hook(store, "pre-snapshot", "10-policy", "echo 'blocked: change window closed'\nexit 1\n")
    r = store.run("snapshot")
    assert r.exit_code == 1
    assert "blocked: change window closed" in r.stderr
    assert ("Error: pre-snapshot hook 10-policy exited 1; nothing was changed (fix the hook in "
            f"{store.repo / 'hooks' / 'pre-snapshot.d'}, or skip hooks with --no-hooks or "
            "FLEXGIT_NO_HOOKS=1)") in r.stderr
    assert store.store().head() is None


def test_failing_post_snapshot_hook_is_a_warning_and_the_snapshot_is_made(store: Env) -> None:
    hook(store, "post-snapshot", "10-notify", "echo 'mail server down' >&2\nexit 2\n")
    r = store.run("--json", "snapshot")
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert doc["id"] is not None and store.store().head() == doc["id"]
    assert doc["warnings"] == ["post-snapshot hook 10-notify exited 2: mail server down"]
    assert "warning: post-snapshot hook 10-notify exited 2: mail server down" in r.stderr


def test_no_hooks_skips_them(store: Env) -> None:
    hook(store, "pre-snapshot", "10-no", "exit 1\n")
    assert store.run("--no-hooks", "snapshot").exit_code == 0
    assert store.store().head() is not None


def test_hooks_see_the_facts_of_each_event(store: Env, tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    for event in hooks.EVENTS:
        recorder(store, event, log)
    assert store.run("snapshot").exit_code == 0
    head = store.store().head()
    r = store.run("--json", "export", "-c")
    assert r.exit_code == 0, r.output
    exported = json.loads(r.stdout)["path"]
    (store.root / "etc/asterisk/features.conf").write_text("; changed\n")
    assert store.run("-y", "restore", "latest").exit_code == 0
    seen = events(log)
    assert [e["FLEXGIT_EVENT"] for e in seen] == ["pre-snapshot", "post-snapshot",
                                                 "post-export", "pre-restore", "post-restore"]
    for e in seen:
        assert e["FLEXGIT_HOME"] == str(store.home)
        assert e["FLEXGIT_ROOT"] == str(store.root)
        assert e["FLEXGIT_REPO"] == str(store.repo)
    pre_snap, post_snap, post_export, pre_restore, post_restore = seen
    assert "FLEXGIT_SNAPSHOT" not in pre_snap and pre_snap["FLEXGIT_TYPE"] == "flx"
    assert post_snap["FLEXGIT_SNAPSHOT"] == head and post_snap["FLEXGIT_CHANGED"] == "1"
    assert post_snap["FLEXGIT_PRIVATE"] == "0"
    assert post_export["FLEXGIT_FILE"] == exported and post_export["FLEXGIT_SNAPSHOT"] == head
    assert post_export["FLEXGIT_ENCRYPTED"] == "0"
    assert pre_restore["FLEXGIT_MODE"] == "merge" and pre_restore["FLEXGIT_SNAPSHOT"] == head
    assert pre_restore["FLEXGIT_SOURCE"] == "latest" and "FLEXGIT_FILE" not in pre_restore
    assert "FLEXGIT_PRE_RESTORE" not in pre_restore
    assert len(post_restore["FLEXGIT_PRE_RESTORE"]) == 40
    assert post_restore["FLEXGIT_WRITTEN"] == "1"


def test_name_order_and_non_executables_skipped(store: Env, tmp_path: Path) -> None:
    out = tmp_path / "order"
    hook(store, "pre-snapshot", "20-second", f"echo second >> '{out}'\n")
    hook(store, "pre-snapshot", "10-first", f"echo first >> '{out}'\n")
    lazy = hook(store, "pre-snapshot", "15-not-executable", f"echo never >> '{out}'\n")
    lazy.chmod(0o644)
    hook(store, "pre-snapshot", "30-editor-backup~", f"echo never >> '{out}'\n")
    assert store.run("snapshot").exit_code == 0
    assert out.read_text() == "first\nsecond\n"
    r = store.run("hooks", "list")
    assert "pre-snapshot   10-first, 15-not-executable (not executable: skipped), 20-second" \
        in r.stdout


def test_failing_pre_restore_hook_changes_nothing(store: Env) -> None:
    assert store.run("snapshot").exit_code == 0
    (store.root / "etc/asterisk/features.conf").write_text("; local change\n")
    hook(store, "pre-restore", "10-guard", "echo 'calls in progress'\nexit 1\n")
    before = tree_state(store.home, store.root)
    r = store.run("-y", "restore", "-m", "fresh", "latest")
    assert r.exit_code == 1
    assert "calls in progress" in r.stderr
    assert "Error: pre-restore hook 10-guard exited 1; nothing was changed" in r.stderr
    assert tree_state(store.home, store.root) == before
    # No pre-restore save: the private store (made by the snapshot for the
    # sweep's memory) holds no commit.
    private = store.home / "backup" / "private.git"
    assert subprocess.run(["git", "--git-dir", str(private), "rev-list", "--all"],
                          capture_output=True, text=True, check=True).stdout == ""


def test_failing_post_restore_hook_is_a_warning(store: Env) -> None:
    assert store.run("snapshot").exit_code == 0
    (store.root / "etc/asterisk/features.conf").write_text("; local change\n")
    hook(store, "post-restore", "10-reload", "echo 'reload failed'\nexit 1\n")
    r = store.run("-y", "restore", "latest")
    assert r.exit_code == 3
    assert "warning: post-restore hook 10-reload exited 1: reload failed" in r.stderr
    assert "; local change" not in (store.root / "etc/asterisk/features.conf").read_text()


def test_rollback_runs_restore_and_snapshot_hooks(store: Env, tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    assert store.run("snapshot").exit_code == 0
    (store.root / "etc/asterisk/features.conf").write_text("; v2\n")
    assert store.run("snapshot").exit_code == 0
    for event in hooks.EVENTS:
        recorder(store, event, log)
    assert store.run("-y", "rollback").exit_code == 0
    assert [e["FLEXGIT_EVENT"] for e in events(log)] == [
        "pre-restore", "post-restore", "pre-snapshot", "post-snapshot"]


def test_profile_hooks_dir_replaces_the_repo_one(store: Env, tmp_path: Path) -> None:
    own = tmp_path / "site-hooks"
    cfg = tmp_path / "site.toml"
    cfg.write_text(f'hooks_dir = "{own}"\n')
    hook(store, "pre-snapshot", "10-repo", "exit 1\n")  # not the directory in use now
    hook(store, "pre-snapshot", "10-site", "echo 'site policy says no'\nexit 1\n",
         directory=own)
    r = store.run("--config", str(cfg), "snapshot")
    assert r.exit_code == 1 and "site policy says no" in r.stderr
    assert f"hooks in {own}\n" in store.run("--config", str(cfg), "hooks", "list").stdout


def test_hook_timeout_stops_it(store: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEXGIT_HOOK_TIMEOUT", "0.5")
    hook(store, "post-snapshot", "10-slow", "sleep 30\n")
    r = store.run("snapshot")
    assert r.exit_code == 3
    assert "post-snapshot hook 10-slow was stopped (timeout)" in r.stderr


def test_seed_tools_run_hooks_and_honour_flexgit_no_hooks(env: Env, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "events.jsonl"
    monkeypatch.setenv("FLEXGIT_HOME", str(env.home))
    monkeypatch.setenv("FLEXGIT_ROOT", str(env.root))
    monkeypatch.setenv("FLEXGIT_REPO", str(env.repo))
    assert env.run("init").exit_code == 0
    for event in hooks.EVENTS:
        recorder(env, event, log)
    r = CliRunner().invoke(backup_cmd, ["-c"])
    assert r.exit_code == 0, r.output
    made = sorted((env.home / "backup").glob("flexpbx-2*.flx.gz"))[-1]
    r = CliRunner().invoke(restore_cmd, ["-y", str(made)])
    assert r.exit_code == 0, r.output
    seen = events(log)
    assert [e["FLEXGIT_EVENT"] for e in seen] == ["pre-snapshot", "post-snapshot",
                                                 "post-export", "pre-restore", "post-restore"]
    assert seen[2]["FLEXGIT_FILE"] == str(made) and seen[3]["FLEXGIT_FILE"] == str(made)
    hook(env, "pre-snapshot", "00-no", "exit 1\n")
    assert CliRunner().invoke(backup_cmd, []).exit_code == 1
    monkeypatch.setenv("FLEXGIT_NO_HOOKS", "1")
    assert CliRunner().invoke(backup_cmd, []).exit_code == 0


# --- shipped hooks --------------------------------------------------------------


def test_top_level_hooks_folder_ships_the_scripts() -> None:
    for name in ("post-restore", "post-snapshot", "pre-receive"):
        top, pkg = ROOT / "hooks" / name, hooks.SHIPPED / name
        assert top.read_bytes() == pkg.read_bytes()
        assert os.stat(top).st_mode & stat.S_IXUSR and os.stat(pkg).st_mode & stat.S_IXUSR
    assert sorted(hooks.shipped()) == ["post-restore", "post-snapshot", "pre-receive"]


def test_install_post_restore_reloads_asterisk_when_there(store: Env, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    r = store.run("hooks", "install", "post-restore")
    assert r.exit_code == 0, r.output
    target = store.repo / "hooks" / "post-restore.d" / "50-post-restore"
    assert target.read_bytes() == (ROOT / "hooks" / "post-restore").read_bytes()
    assert os.stat(target).st_mode & 0o777 == 0o755
    assert "already installed" in store.run("hooks", "install", "post-restore").stdout
    assert store.run("snapshot").exit_code == 0
    # Without Asterisk: quietly nothing.
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    (store.root / "etc/asterisk/features.conf").write_text("; changed\n")
    r = store.run("-y", "restore", "latest")
    assert r.exit_code == 0 and "asterisk" not in r.output
    # With Asterisk: `asterisk -rx "core reload"`.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "asterisk-calls"
    fake = bin_dir / "asterisk"
    fake.write_text(f"#!/bin/sh\nprintf '%s|' \"$@\" >> '{calls}'\necho >> '{calls}'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    (store.root / "etc/asterisk/features.conf").write_text("; changed again\n")
    assert store.run("-y", "restore", "latest").exit_code == 0
    assert calls.read_text() == "-rx|core reload|\n"


def test_install_post_snapshot_pushes_to_the_remote(store: Env, tmp_path: Path) -> None:
    central = gitservers.bare_repo(tmp_path / "central.git")
    assert store.run("hooks", "install", "post-snapshot").exit_code == 0
    r = store.run("snapshot")  # no remote yet: the hook says so and passes
    assert r.exit_code == 0, r.output
    assert store.run("remote", "add", "central", str(central)).exit_code == 0
    (store.root / "etc/asterisk/features.conf").write_text("; changed\n")
    r = store.run("-v", "snapshot")
    assert r.exit_code == 0, r.output
    heads = {ref: sha for ref, sha in gitservers.refs(central).items()
             if ref.startswith("refs/heads/flexgit/")}
    assert list(heads.values()) == [store.store().head()]


def test_install_refuses_unknown_and_server_only_names(store: Env) -> None:
    r = store.run("hooks", "install", "pre-receive")
    assert r.exit_code == 2 and "--server REPO" in r.stderr
    r = store.run("hooks", "install", "nonsense")
    assert r.exit_code == 2
    assert "no shipped hook named 'nonsense'; choose from post-restore, post-snapshot, " \
           "pre-receive" in r.stderr


def test_install_before_the_first_snapshot_makes_the_store(env: Env) -> None:
    assert env.run("hooks", "install", "post-restore").exit_code == 0
    assert (env.repo / "hooks" / "post-restore.d" / "50-post-restore").is_file()
    assert env.run("snapshot").exit_code == 0
