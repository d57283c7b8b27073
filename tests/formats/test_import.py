from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flexgit.snapshot.manifest import MANIFEST_PATH, Manifest
from flexgit.store import EXEC, LINK, Store
from tests.conftest import Env, all_objects, fsck
from tests.formats.helpers import legacy_file

BAD = Path(__file__).parent.parent / "data" / "bad"


def c_git_tree(repo: Path, rev: str = "main") -> str:
    return subprocess.run(["git", "--git-dir", str(repo), "rev-parse", f"{rev}^{{tree}}"],
                          check=True, capture_output=True, text=True).stdout.strip()


def export(env: Env, *args: str) -> Path:
    r = env.run("--json", "export", *args)
    assert r.exit_code == 0, r.output
    return Path(json.loads(r.stdout)["path"])


def import_into(env: Env, repo: Path, *args: str) -> Any:
    return env.run("--repo", str(repo), "--json", "import", *args)


# A snapshot holds every category whatever its -t, so its flxx is all of it.
@pytest.mark.parametrize("args", [("-t", "flx", "-t", "flxx"), ("-t", "flxx", "-c")])
def test_export_then_import_gives_the_identical_tree(env: Env, args: tuple[str, ...]) -> None:
    assert env.run("snapshot", *args[:2]).exit_code == 0
    path = export(env, *args[2:])
    other = env.tmp / "other.git"
    r = import_into(env, other, str(path))
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["id"] and doc["warnings"] == [] and doc["resanitized"] == []
    assert c_git_tree(other) == c_git_tree(env.repo) == doc["tree"]
    fsck(other)
    msg = subprocess.run(["git", "--git-dir", str(other), "log", "-1", "--format=%B"],
                         check=True, capture_output=True, text=True).stdout
    assert msg.startswith(f"import {path.name}\n") and f"Flexgit-Import: {path.name}" in msg
    # the same file again: nothing changes, no commit
    r = env.run("--repo", str(other), "import", str(path))
    assert r.exit_code == 0 and r.stdout.startswith("no changes:")


def test_import_through_latest_link_names_the_real_file(env: Env) -> None:
    env.run("snapshot")
    path = export(env, "-c")
    r = env.run("--repo", str(env.tmp / "o.git"), "import", "-m", "from offsite",
                str(env.home / "backup" / "latest.flx.gz"))
    assert r.exit_code == 0, r.output
    st = Store.open(env.tmp / "o.git")
    try:
        info = st.commit_info(st.resolve("latest"))
    finally:
        st.close()
    assert info.summary == "from offsite" and info.trailers["Flexgit-Import"] == path.name


def test_original_tool_file_imports_with_a_count_warning(env: Env) -> None:
    conf = b"[trunk]\ntype=endpoint\n; the live one\npassword=Tru7kPass99\n"
    script = b"#!/bin/bash\necho toggled\n"
    f = legacy_file(env.tmp / "flexpbx-2025-10-14_12-00-00.flx", {
        "public_html/index.php": b"<?php echo 'portal';\n",
        "etc/asterisk/pjsip.conf": conf,
        "usr/local/bin/flexpbx-toggle-permissions": script,
        "etc/sudoers.d/flexpbx-asterisk": b"flexpbx ALL=(root) NOPASSWD: /usr/sbin/asterisk\n",
    }, file_count=7)
    r = env.run("--json", "import", str(f))
    assert r.exit_code == 3, r.output  # done with warnings
    assert "file_count says 7 but the file holds 4 entries" in r.stderr
    doc = json.loads(r.stdout)
    assert "system/etc/asterisk/pjsip.conf" in doc["resanitized"]
    store = env.store()
    tree = store.read_tree(doc["id"])
    assert set(tree) - {".flexgit/manifest.json", ".flexgit/sanitize.json"} == {
        "home/public_html/index.php", "system/etc/asterisk/pjsip.conf",
        "system/usr/local/bin/flexpbx-toggle-permissions",
        "system/etc/sudoers.d/flexpbx-asterisk"}
    assert tree["system/usr/local/bin/flexpbx-toggle-permissions"].mode == EXEC
    m = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha), "test")
    assert m.host == "imported" and m.backup_type == "flx"
    assert m.files["system/etc/asterisk/pjsip.conf"].category == "asterisk_templates"
    assert m.files["system/etc/sudoers.d/flexpbx-asterisk"].mode == 0o644
    assert m.default_settings["timezone"] == "America/New_York"
    blob = all_objects(env.repo)
    assert b"Tru7kPass99" not in blob and b"Sm7pPass!" not in blob
    fsck(env.repo)


def test_original_flxx_templates_are_sanitized(env: Env) -> None:
    tmpl = (',\n  "user_template": {"email": "jane.doe@realmail.org", '
            '"password": "$2y$10$abcdefghijklmnopqrstuuJ0vXo6Ymh9Yg3i5cFQm4tnV3bIoNLWe"},\n'
            '  "admin_template": {"email": "boss@realmail.org", "password": "HASHED_PLACEHOLDER"}')
    f = legacy_file(env.tmp / "old.flxx", {"public_html/a.php": b"<?php\n"}, file_count=1,
                    backup_type="extended", extra=tmpl)
    r = env.run("--json", "import", str(f))
    assert r.exit_code in (0, 3), r.output
    store = env.store()
    tree = store.read_tree(json.loads(r.stdout)["id"])
    m = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha), "test")
    assert m.backup_type == "flxx"
    assert m.templates["user_template"]["email"] != "jane.doe@realmail.org"
    assert b"realmail.org" not in all_objects(env.repo)


def _entry(path: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return {"path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "size": len(data), "content": base64.b64encode(data).decode(), **extra}


def test_planted_secret_never_reaches_any_object(env: Env) -> None:
    secrets = ["Pl4ntedSecret77", "c0ffee-token-5d1b9a7e4f2c", "carol.private@corp-mail.net"]
    files = [
        _entry("etc/asterisk/manager.conf", f"[admin]\nsecret = {secrets[0]}\n".encode(),
               root="system", mode="0640"),
        _entry("flexpbx-config.json", json.dumps(
            {"api_token": secrets[1], "admin_email": secrets[2]}).encode(), root="home"),
        _entry("public_html/link", b"api/index.php", root="home", type="symlink", mode="0777"),
    ]
    doc = {"version": "1.0", "backup_type": "system_config", "file_count": len(files),
           "files": files, "default_settings": {"notify_email": secrets[2]}}
    f = env.tmp / "planted.flx"
    f.write_text(json.dumps(doc))
    r = env.run("import", str(f))
    assert r.exit_code == 3, r.output
    blob = all_objects(env.repo)
    assert [s for s in secrets if s.encode() in blob] == []
    store = env.store()
    tree = store.read_tree(store.resolve("latest"))
    assert tree["home/public_html/link"].mode == LINK
    assert store.read_blob(tree["home/public_html/link"].sha) == b"api/index.php"
    fsck(env.repo)


def test_sample_file_with_user_data_is_refused(env: Env) -> None:
    env.run("snapshot")
    before = env.git("for-each-ref").decode()
    old = env.home / "backup" / "flexpbx-2025-10-13_02-00-00.flx"
    r = env.run("import", str(old))
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {old}: holds private user data")
    assert "private store" in r.stderr
    assert env.git("for-each-ref").decode() == before


def test_privacy_excluded_entry_is_skipped(env: Env) -> None:
    files = [_entry("public_html/a.php", b"<?php\n"), _entry("users/2001.json", b"{}")]
    f = env.tmp / "x.flx"
    f.write_text(json.dumps({"files": files, "file_count": 2}))
    r = env.run("--json", "import", str(f))
    assert r.exit_code == 3
    assert json.loads(r.stdout)["skipped"] == ["home/users/2001.json"]


def _state(repo: Path) -> tuple[str, list[str]]:
    refs = subprocess.run(["git", "--git-dir", str(repo), "for-each-ref"], check=True,
                          capture_output=True, text=True).stdout
    return refs, sorted(os.listdir(repo / "objects" / "pack"))


BAD_CASES = {
    "not_json.flx": "not valid JSON",
    "empty.flx": "not valid JSON",
    "trailing_garbage.flx": "not valid JSON: parse error: trailing garbage",
    "top_not_object.flx": "the top level is not a JSON object",
    "files_not_array.flx": "'files' must be an array",
    "truncated.flx.gz": "truncated gzip",
    "damaged_crc.flx.gz": "damaged gzip",
    "bomb.flx.gz": "larger than the limit of 1048576 bytes",
    "duplicate_top_key.flx": "duplicate key 'version' at the top level",
    "duplicate_key.flx": "duplicate key 'size'",
    "missing_field.flx": "public_html/a.php: missing field 'hash'",
    "mistyped_field.flx": "public_html/a.php: field 'size' must be an integer",
    "bad_base64.flx": "public_html/a.php: content is not valid base64",
    "size_mismatch.flx": "public_html/a.php: content does not decode to 5 bytes",
    "hash_mismatch.flx": "public_html/a.php: Hash mismatch for public_html/a.php",
    "path_absolute.flx": "/etc/passwd: absolute path",
    "path_dotdot.flx": "path has a '..' component",
    "path_dot.flx": "path has a '.' component",
    "path_empty_component.flx": "path has an empty component",
    "path_nul.flx": 'public_html/a\\u0000.php": path contains a NUL byte',
    "path_backslash.flx": "path contains a backslash",
    "path_newline.flx": 'public_html/a\\n.php": path contains a newline',
    "path_duplicate.flx": "public_html/a.php: duplicate path",
    "path_casefold.flx": "after case-folding",
    "path_nfc.flx": "Unicode normalisation",
    "path_file_and_dir.flx": "public_html/a/b.php: is below 'home/public_html/a'",
    "path_too_long.flx": "path is too long",
    "path_component_too_long.flx": "path component is too long",
    "too_many_entries.flx": "more than 5 file entries",
    "mode_setuid.flx": "mode 4755 has the setuid or setgid bit",
    "mode_device.flx": "device or special file",
    "bad_root.flx": "root must be 'home' or 'system'",
    "unknown_backup_type.flx": "unknown backup_type 'full'",
    "sensitive.flx": "holds private user data",
    "with_data.flxx": "holds private user data",
}


def test_every_bad_file_has_a_case() -> None:
    on_disk = {p.name for p in BAD.iterdir() if p.suffix != ".py" and p.name[0].isalpha()}
    assert on_disk == set(BAD_CASES)


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_input_one_error_line_nothing_committed(env: Env, name: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLEXGIT_MAX_BYTES", str(1 << 20))
    monkeypatch.setenv("FLEXGIT_MAX_ENTRIES", "5")
    assert env.run("snapshot").exit_code == 0
    before = _state(env.repo)
    path = str(BAD / name)
    r = env.run("import", path)
    assert r.exit_code == 1, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"Error: {path}: ") and BAD_CASES[name] in lines[0], lines[0]
    assert r.stdout == ""
    assert _state(env.repo) == before
    assert not [p for p in os.listdir(env.repo / "objects" / "pack")
                if p.startswith(".flexgit-tmp-")]


def test_limits_default_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from flexgit.formats.limits import Limits

    assert Limits.from_env() == Limits(max_bytes=2 << 30, max_entries=100_000)
    monkeypatch.setenv("FLEXGIT_MAX_BYTES", "1000")
    monkeypatch.setenv("FLEXGIT_MAX_ENTRIES", "junk")
    assert Limits.from_env() == Limits(max_bytes=1000)


def test_bad_file_into_no_store_leaves_no_store(env: Env) -> None:
    r = env.run("import", str(BAD / "not_json.flx"))
    assert r.exit_code == 1
    assert not env.repo.exists()


def test_sensitive_export_is_named_private_and_0600(env: Env) -> None:
    r = env.run("snapshot", "--include-data")
    assert r.exit_code == 0, r.output
    from flexgit.formats import flx
    from flexgit.profile import Profile
    from flexgit.store import Store
    with Store.open(env.home / "backup" / "private.git") as store:
        res = flx.export(store, "latest", profile=Profile().with_data(),
                         out_dir=env.tmp / "out")
    assert res.path.name.startswith("flexpbx-private-")
    assert res.link.name == "latest-private.flx"
    assert (res.path.stat().st_mode & 0o777) == 0o600
    assert not (env.tmp / "out" / "latest.flx").exists()
    doc = json.loads(res.path.read_text())
    assert doc["sensitive_data_included"] is True
    assert doc["backup_type"] == "full_with_data"
    r = env.run("import", str(res.path))
    assert r.exit_code == 1 and "holds private user data" in r.stderr
