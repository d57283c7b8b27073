from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from flexgit import profile, snapshot
from flexgit.errors import BadInput
from flexgit.snapshot.manifest import MANIFEST_PATH, REPORT_PATH, Manifest
from flexgit.store import Store
from tests.conftest import Env, all_objects, fsck


def _take(env: Env, **kw: object) -> snapshot.Result:
    if not env.repo.exists():
        Store.init(env.repo).close()
    store = env.store()
    with store.locked("test"):
        return snapshot.take(store, snapshot.Installation(env.home, env.root),
                             profile.Profile(), **kw)  # type: ignore[arg-type]


def test_no_planted_secret_or_personal_value_reaches_any_object(env: Env) -> None:
    for t in ("flx", "flxx"):
        _take(env, backup_type=t)
    blob = all_objects(env.repo)
    leaked = [s for s in env.sample.secrets if s.encode() in blob]
    assert leaked == []
    fsck(env.repo)


def test_tree_layout_and_excluded_files(env: Env) -> None:
    res = _take(env, backup_type="flxx")
    store = env.store()
    tree = store.read_tree(res.id or "")
    assert MANIFEST_PATH in tree and REPORT_PATH in tree
    assert "home/public_html/api/login.php" in tree
    assert "system/etc/asterisk/pjsip.conf" in tree
    assert "system/etc/sudoers.d/flexpbx-asterisk" in tree
    assert "home/templates/user_template.json" in tree
    for rel in env.sample.user_data:
        assert f"home/{rel}" not in tree
    for path in env.sample.excluded:
        assert path not in tree
    assert not any(p.startswith("home/backup/") for p in tree)
    assert "system/etc/sudoers.d/other-admin" not in tree
    assert "system/usr/local/bin/unrelated-tool" not in tree


def test_every_snapshot_holds_the_flxx_only_categories_too(env: Env) -> None:
    # flx or flxx is the export's choice (issue 14); -t sets its default only.
    res = _take(env, backup_type="flx")
    store = env.store()
    tree = store.read_tree(res.id or "")
    assert "home/templates/user_template.json" in tree
    assert "home/templates/settings_template.json" in tree
    man = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha), "manifest")
    assert (man.backup_type, man.captured, man.holds) == ("flx", "flxx", "flxx")
    assert store.commit_info(res.id or "").trailers["Flexgit-Type"] == "flx"


def test_manifest_records_modes_owners_links_and_empty_dirs(env: Env) -> None:
    res = _take(env)
    store = env.store()
    tree = store.read_tree(res.id or "")
    m = json.loads(store.read_blob(tree[MANIFEST_PATH].sha))
    sudoers = m["files"]["system/etc/sudoers.d/flexpbx-asterisk"]
    assert sudoers["mode"] == "0440"
    assert sudoers["owner"] and sudoers["group"]
    assert m["home"] == str(env.home)
    assert m["backup_type"] == "flx"
    assert m["empty_dirs"], "the sample has an empty directory"
    links = [p for p, e in tree.items() if e.mode == 0o120000]
    assert links, "the sample has a symlink"
    assert os.readlink(env.home / links[0][len("home/"):]).encode() == \
        store.read_blob(tree[links[0]].sha)
    assert isinstance(m["default_settings"], dict) and m["default_settings"]


def test_sanitize_report_has_counts_never_values(env: Env) -> None:
    res = _take(env)
    store = env.store()
    tree = store.read_tree(res.id or "")
    report = store.read_blob(tree[REPORT_PATH].sha)
    doc = json.loads(report)
    assert doc["files"], "the sample has secrets, so rules fired"
    assert all(isinstance(n, int) for c in doc["files"].values() for n in c.values())
    assert not [s for s in env.sample.secrets if s.encode() in report]


def test_commit_trailers_and_git_log(env: Env) -> None:
    res = _take(env, message="first")
    out = env.git("log", "--format=%s%n%(trailers:only,unfold)").decode()
    assert out.startswith("first\n")
    assert "Flexgit-Type: flx" in out
    assert f"Flexgit-Files: {res.files}" in out
    assert "Flexgit-Host: " in out


def test_no_change_snapshot_writes_nothing(env: Env) -> None:
    first = _take(env)
    packs = sorted((env.repo / "objects" / "pack").iterdir())
    again = _take(env)
    assert again.id is None and again.parent == first.id
    assert snapshot.no_changes_message(again) == f"no changes since {first.id[:12]}"  # type: ignore[index]
    assert sorted((env.repo / "objects" / "pack").iterdir()) == packs
    forced = _take(env, allow_empty=True)
    assert forced.id and forced.parent == first.id


def test_stat_cache_skips_unchanged_files(env: Env) -> None:
    # Make every file old enough to be cached ("racy" files are never cached).
    for p in list(env.home.rglob("*")) + list(env.root.rglob("*")):
        if not p.is_symlink():
            os.utime(p, (1_600_000_000, 1_600_000_000))
    first = _take(env)
    assert first.cached == 0
    target = env.home / "public_html" / "api" / "login.php"
    target.write_text(target.read_text() + "\n// changed\n")
    second = _take(env)
    assert second.changed == 1
    assert second.cached >= first.files - 6  # everything but the changed and meta files
    # Deleting the cache is always safe.
    (env.repo / "flexgit-statcache.json").unlink()
    third = _take(env, allow_empty=True)
    assert third.cached == 0
    store = env.store()
    assert store.read_tree(third.id or "") | {} and \
        store.commit_info(third.id or "").tree == store.commit_info(second.id or "").tree


def test_no_change_shortcut_still_sees_metadata_and_moved_heads(env: Env) -> None:
    # After a cached no-change snapshot the tree is not rebuilt; every kind of
    # change that is not a file's content must still make a new snapshot.
    for p in list(env.home.rglob("*")) + list(env.root.rglob("*")):
        if not p.is_symlink():
            os.utime(p, (1_600_000_000, 1_600_000_000))
    first = _take(env)
    assert _take(env).id is None
    script = env.home / "public_html" / "api" / "login.php"
    script.chmod(0o600)
    moded = _take(env)
    assert moded.id and moded.changed == 0
    assert _take(env).id is None
    (env.home / "public_html" / "newdir").mkdir()
    dirred = _take(env)
    assert dirred.id and "home/public_html/newdir" in \
        json.loads(env.store().read_blob(env.store().read_tree(dirred.id)[MANIFEST_PATH].sha)
                   )["empty_dirs"]
    assert _take(env).id is None
    # Someone else moved the branch back (a rollback, another tool): the
    # cached fingerprint belongs to another head and must not be trusted.
    store = env.store()
    with store.locked("test"):
        store.move_head(dirred.id, first.id or "", message="back")
    back = _take(env)
    assert back.id and back.parent == first.id
    assert env.store().commit_info(back.id).tree == env.store().commit_info(dirred.id).tree


def test_unreadable_file_is_skipped_with_warning(env: Env,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    bad = env.home / "public_html" / "api" / "login.php"
    if os.geteuid() == 0:
        monkeypatch.setenv("FLEXGIT_FAIL_READ", str(bad))  # root reads everything
    else:
        bad.chmod(0)
    res = _take(env)
    assert res.id is not None
    assert any(str(bad) in w and "ermission denied" in w for w in res.warnings)


def test_missing_home_is_a_clear_error(env: Env, tmp_path: Path) -> None:
    from flexgit.errors import UsageError
    with Store.init(env.repo) as store, \
            pytest.raises(UsageError, match=r"--home .* does not exist"):
        snapshot.take(store, snapshot.Installation(tmp_path / "nope", env.root), profile.Profile())


def test_git_show_reads_snapshot_files(env: Env) -> None:
    _take(env)
    out = subprocess.run(["git", "--git-dir", str(env.repo), "show",
                          "main:system/etc/asterisk/pjsip.conf"],
                         capture_output=True, check=True).stdout
    assert b"[" in out


def test_non_utf8_file_name_is_skipped_with_a_warning(env: Env) -> None:
    bad = os.path.join(os.fsencode(env.home / "public_html"), b"caf\xe9.php")
    with open(bad, "wb") as f:
        f.write(b"<?php\n")
    res = _take(env)
    assert res.id is not None
    assert any("not valid UTF-8" in w for w in res.warnings)
    fsck(env.repo)


NFC, NFD = "caf\u00e9.php", "cafe\u0301.php"


@pytest.mark.parametrize("first, second, shown", [
    ("Login.php", "login.php", "'home/public_html/api/Login.php' and "
                               "'home/public_html/api/login.php'"),
    (NFC, NFD, "'home/public_html/api/cafe\\u0301.php' and 'home/public_html/api/caf\\xe9.php'"),
])
def test_names_one_file_system_would_merge_are_kept_and_reported(
        env: Env, first: str, second: str, shown: str) -> None:
    api = env.sample.home / "public_html" / "api"
    (api / first).write_text("<?php echo 'first';\n")
    (api / second).write_text("<?php echo 'second';\n")
    r = env.run("snapshot")
    assert r.exit_code == 3, r.output
    assert (f"{shown} are one name on a case-insensitive or normalising file system: both "
            f"are kept in the snapshot, but `flexgit export` refuses it until one is renamed"
            in r.stderr), r.stderr
    listed = env.git("ls-tree", "-r", "--name-only", "-z", "main").decode().split("\0")
    assert f"home/public_html/api/{first}" in listed
    assert f"home/public_html/api/{second}" in listed
    assert f"home/public_html/api/{first}" != f"home/public_html/api/{second}"


def test_a_home_with_only_excluded_files_is_no_installation(env: Env) -> None:
    """Every home file the scan finds is user data or excluded: nothing of the
    account would be backed up, which is the wrong-account case too."""
    for p in sorted(env.home.iterdir()):
        if p.name != "backup":
            subprocess.run(["rm", "-rf", str(p)], check=True)
    (env.home / "notes.txt").write_text("not FlexPBX\n")
    with pytest.raises(BadInput, match=f"^no FlexPBX installation at {env.home}: none of "):
        _take(env)
    assert Store.open(env.repo).head() is None
    assert not list((env.repo / "objects" / "pack").iterdir())  # the pack was dropped
    result = _take(env, allow_empty=True)
    assert result.id is not None and all(p.startswith("system/") for p in
                                         env.store().read_tree(result.id)
                                         if not p.startswith(".flexgit/"))


def test_manifest_default_settings_are_the_sanitized_template(env: Env) -> None:
    """What enters the manifest went through the sanitizer of the file it came
    from: values only the file's structure names (a key ring, split names, a
    credential tuple) are gone from both."""
    planted = ["HDa4UNLrExSok8aNYtKJuLoZlffYMd2I", "Eudoxia", "Tremayne", "txBdZk1naUrc!9"]
    template = {"api": {"keys": {"primary": planted[0]}},
                "contact": {"first": planted[1], "last": planted[2]},
                "trunk": ["sip.voipprovider.net", "trunk7781", planted[3]],
                "timezone": "America/New_York"}
    (env.home / "templates" / "settings_template.json").write_text(json.dumps(template, indent=2))
    res = _take(env)
    store = env.store()
    tree = store.read_tree(res.id or "")
    m = json.loads(store.read_blob(tree[MANIFEST_PATH].sha))
    stored = json.loads(store.read_blob(tree["home/templates/settings_template.json"].sha))
    assert m["default_settings"] == stored
    assert m["default_settings"]["timezone"] == "America/New_York"
    blob = all_objects(env.repo)
    assert [p for p in planted if p.encode() in blob] == []
