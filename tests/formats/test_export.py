from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flexgit.formats import flx
from flexgit.profile import Profile
from flexgit.snapshot import commit_files
from flexgit.snapshot.manifest import MANIFEST_PATH, REPORT_PATH, Manifest
from tests.conftest import Env, which_or_skip
from tests.formats.helpers import commit_by_hand

NAME = re.compile(r"flexpbx-\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(-\d+)?\.flxx?(\.gz)?")
SEED_FLAGS = ("system_files", "api_endpoints", "service_worker", "notification_system",
              "temp_password_system", "email_validation", "sip_status_monitoring",
              "documentation", "asterisk_templates", "sudo_config")


def export(env: Env, *args: str) -> dict[str, Any]:
    r = env.run("--json", "export", *args)
    assert r.exit_code == 0, r.output
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def load(path: str | Path) -> dict[str, Any]:
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    doc: dict[str, Any] = json.loads(raw)
    return doc


def test_flx_fields_and_types_exactly_as_format_md(env: Env) -> None:
    assert env.run("snapshot").exit_code == 0
    res = export(env)
    assert set(res) == {"path", "files", "bytes", "sha256", "encrypted", "recipients",
                        "snapshot", "type", "link", "copies", "pushed", "warnings"}
    assert res["copies"] == res["pushed"] == res["warnings"] == [] and not res["encrypted"]
    path = Path(res["path"])
    assert path.parent == env.home / "backup" and NAME.fullmatch(path.name)
    assert res["bytes"] == path.stat().st_size
    assert res["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    doc = load(path)
    assert doc["version"] == "1.0" and doc["backup_type"] == "system_config"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", doc["created"])
    assert isinstance(doc["flexpbx_version"], str)
    assert doc["sensitive_data_included"] is False
    assert all(isinstance(v, bool) for v in doc["includes"].values())
    assert list(doc["includes"])[:10] == list(SEED_FLAGS)
    for present in ("service_worker", "api_endpoints", "asterisk_templates", "sudo_config"):
        assert doc["includes"][present] is True
    assert doc["file_count"] == len(doc["files"]) == res["files"] > 20
    assert isinstance(doc["default_settings"], dict) and doc["default_settings"]
    assert "user_template" not in doc  # flx only
    assert set(doc["flexgit"]) >= {"snapshot", "tree", "manifest", "rules_digest"}
    store = env.store()
    tree = store.read_tree(store.resolve("latest"))
    assert doc["flexgit"]["snapshot"] == store.resolve("latest")
    paths = set()
    for e in doc["files"]:
        assert set(e) >= {"path", "hash", "size", "content", "root", "mode", "type"}
        assert isinstance(e["size"], int) and re.fullmatch(r"sha256:[0-9a-f]{64}", e["hash"])
        assert re.fullmatch(r"0[0-7]{3}", e["mode"]) and e["type"] in ("file", "symlink")
        data = base64.b64decode(e["content"], validate=True)
        assert len(data) == e["size"] and hashlib.sha256(data).hexdigest() == e["hash"][7:]
        tree_path = f"{e['root']}/{e['path']}"
        assert store.read_blob(tree[tree_path].sha) == data
        paths.add(tree_path)
    # The snapshot holds every category; its flx leaves out the flxx-only ones.
    flxx_only = {c.name for c in Profile().categories if c.flxx_only}
    man = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha), "manifest")
    assert man.captured == "flxx" and "home/templates/user_template.json" in tree
    assert paths == {p for p in tree if not p.startswith(".flexgit/")
                     and man.files[p].category not in flxx_only}
    by_path = {e["path"]: e for e in doc["files"]}
    # home files relative to the home, system files absolute without the slash
    assert by_path["public_html/service-worker.js"]["root"] == "home"
    assert by_path["etc/asterisk/pjsip.conf"]["root"] == "system"
    assert by_path["usr/local/bin/flexpbx-toggle-permissions"]["mode"] == "0755"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    link = env.home / "backup" / "latest.flx"
    assert os.readlink(link) == path.name  # relative, same directory


def test_every_entry_decodes_with_jq_and_base64(env: Env) -> None:
    which_or_skip("jq")
    which_or_skip("base64")
    env.run("snapshot")
    path = export(env)["path"]
    script = ('n=$(jq ".files | length" "$1"); i=0; while [ $i -lt $n ]; do '
              'jq -r ".files[$i].content" "$1" | base64 -d | sha256sum | cut -d" " -f1; '
              'i=$((i+1)); done')
    out = subprocess.run(["bash", "-c", script, "sh", path], check=True, capture_output=True,
                         text=True).stdout.split()
    hashes = subprocess.run(["jq", "-r", ".files[].hash", path], check=True,
                            capture_output=True, text=True).stdout.split()
    assert out == [h.removeprefix("sha256:") for h in hashes] and len(out) > 20


def test_compressed_flxx_with_templates_and_gzip_t(env: Env) -> None:
    gz = which_or_skip("gzip")
    env.run("snapshot", "-t", "flxx")
    out = env.tmp / "out"
    path = Path(export(env, "-c", "-o", str(out))["path"])
    assert path.name.endswith(".flxx.gz")
    subprocess.run([gz, "-t", str(path)], check=True)
    doc = load(path)
    assert doc["backup_type"] == "extended"
    assert isinstance(doc["user_template"], dict) and isinstance(doc["admin_template"], dict)
    assert doc["includes"]["user_templates"] is True
    assert doc["includes"]["user_data"] is False
    assert os.readlink(out / "latest.flxx.gz") == path.name
    assert not (out / "latest.flxx").exists()


def test_flx_of_flxx_snapshot_drops_flxx_categories(env: Env) -> None:
    env.run("snapshot", "-t", "flxx")
    doc = load(export(env, "-t", "flx")["path"])
    assert doc["backup_type"] == "system_config"
    assert "user_template" not in doc and doc["flexgit"]["tree"] is None
    assert all(not p["path"].startswith("templates/user_template") for p in doc["files"])
    assert all(p["category"] != "database_schema" for p in doc["files"])


def test_any_snapshot_exports_as_either_type(env: Env) -> None:
    # issue 14: `snapshot -t flx` then `export latest~1 -t flxx` was refused.
    assert env.run("snapshot", "-t", "flx").exit_code == 0
    (env.home / "public_html" / "index.php").write_text("<?php echo 'v2';\n")
    assert env.run("snapshot", "-t", "flx").exit_code == 0
    r = env.run("--json", "export", "latest~1", "-t", "flxx")
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["warnings"] == [] and res["path"].endswith(".flxx")
    doc = load(Path(res["path"]))
    assert doc["backup_type"] == "extended" and isinstance(doc["user_template"], dict)
    assert doc["includes"]["user_templates"] is True
    # The manifest is the snapshot's own, so its import is the identical tree.
    assert doc["flexgit"]["manifest"]["captured"] == "flxx"
    assert doc["flexgit"]["manifest"]["backup_type"] == "flx"
    assert doc["flexgit"]["tree"] == env.store().commit_info(env.store().resolve("latest~1")).tree
    # Without -t the snapshot's own type, flx, as before.
    plain = json.loads(env.run("--json", "export", "latest").stdout)
    assert plain["path"].endswith(".flx") and plain["type"] == "flx"


def old_flx_snapshot(env: Env) -> str:
    """A snapshot as flexgit wrote `snapshot -t flx` before snapshots held
    every category: no flxx-only files, a manifest without `captured`."""
    store = env.store()
    head = store.resolve("latest")
    tree = store.read_tree(head)
    man = Manifest.from_bytes(store.read_blob(tree[MANIFEST_PATH].sha), "manifest")
    flxx_only = {c.name for c in Profile().categories if c.flxx_only}
    keep = {p: e for p, e in tree.items() if not p.startswith(".flexgit/")
            and man.files[p].category not in flxx_only}
    man.files = {p: m for p, m in man.files.items() if p in keep}
    man.empty_dirs = {p: m for p, m in man.empty_dirs.items() if m.category not in flxx_only}
    man.backup_type, man.captured, man.templates = "flx", None, {}
    report = json.loads(store.read_blob(tree[REPORT_PATH].sha))
    counts = {p: c for p, c in report["files"].items() if p in keep}
    with store.locked("test"):
        res = commit_files(store, store.writer(), keep, man, counts, report["rules_digest"],
                           parent=head, message="old flx snapshot", allow_empty=True,
                           summary="old")
    assert res.id is not None and b'"captured"' not in man.to_bytes()
    return res.id


def test_old_flx_snapshot_exports_as_flxx_with_one_warning(env: Env) -> None:
    assert env.run("snapshot").exit_code == 0
    old = old_flx_snapshot(env)
    r = env.run("export", old[:12], "-t", "flxx")
    assert r.exit_code == 3, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("warning")]
    assert lines == [f"warning: snapshot {old[:12]} was taken as flx and holds none of the "
                     f"flxx-only categories: the .flxx lacks user_templates, admin_templates, "
                     f"extended_templates, database_schema, config_examples (a new `flexgit "
                     f"snapshot` holds them)"]
    made = sorted((env.home / "backup").glob("flexpbx-2*.flxx"))
    doc = load(made[-1])
    assert doc["backup_type"] == "extended" and doc["includes"]["user_templates"] is False
    assert doc["file_count"] == len(env.store().read_tree(old)) - 2  # all but .flexgit/
    # Its manifest is the old snapshot's: an import of it is that snapshot again.
    assert doc["flexgit"]["manifest"]["backup_type"] == "flx"
    assert "captured" not in doc["flexgit"]["manifest"]
    other = env.tmp / "other.git"
    r = env.run("--repo", str(other), "--json", "import", str(made[-1]))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["tree"] == env.store().commit_info(old).tree


def test_same_second_gets_suffix_and_latest_points_at_newest(env: Env) -> None:
    env.run("snapshot")
    store = env.store()
    prof = Profile()
    out = env.tmp / "same"
    a = flx.export(store, "latest", profile=prof, out_dir=out, now=1_760_000_000)
    b = flx.export(store, "latest", profile=prof, out_dir=out, now=1_760_000_000)
    assert b.path.name == a.path.name.replace(".flx", "-2.flx")
    assert os.readlink(out / "latest.flx") == b.path.name
    assert a.path.read_bytes() == b.path.read_bytes()  # deterministic
    assert not [p for p in os.listdir(out) if p.startswith(".flexgit-tmp-")]


def test_manifest_free_snapshot_cannot_be_exported(env: Env) -> None:
    assert env.run("init").exit_code == 0
    commit_by_hand(env, {"home/x.txt": b"x\n"})
    r = env.run("export")
    assert r.exit_code == 2 and MANIFEST_PATH in r.stderr


@pytest.mark.parametrize("n_files", [300])
def test_export_memory_does_not_grow_with_file_count(env: Env, n_files: int) -> None:
    """Peak traced memory of writing stays near one file's size, not the total."""
    import tracemalloc

    big = env.home / "public_html" / "bulk"
    big.mkdir()
    for i in range(n_files):
        # Images: the only binaries a shareable snapshot keeps (300 x 16 KiB = 4.7 MiB).
        (big / f"f{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(16 << 10))
    env.run("snapshot")
    store = env.store()
    prof = Profile()
    tracemalloc.start()
    try:
        res = flx.export(store, "latest", profile=prof, out_dir=env.tmp / "mem")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert res.bytes > 6 << 20
    assert peak < 3 << 20, peak


@pytest.mark.parametrize("first, second", [("Config.php", "config.php"),
                                           ("caf\u00e9.php", "cafe\u0301.php")])
def test_export_refuses_a_pair_import_would_refuse(env: Env, first: str, second: str) -> None:
    api = env.sample.home / "public_html" / "api"
    (api / first).write_text("<?php echo 'first';\n")
    (api / second).write_text("<?php echo 'second';\n")
    assert env.run("snapshot").exit_code == 3
    out = env.sample.home / "backup"
    before = sorted(os.listdir(out)) if out.exists() else []
    r = env.run("export", "-c")
    assert r.exit_code == 1, r.output
    a, b = sorted((f"home/public_html/api/{first}", f"home/public_html/api/{second}"))
    pair = f"{a!r} and {b!r}" if first.isascii() else f"{a!a} and {b!a}"
    assert r.stderr.splitlines() == [
        f"Error: snapshot {env.git('rev-parse', 'main').decode()[:12]}: {pair} are one name "
        f"on a case-insensitive or normalising file system, which no backup file can hold "
        f"(import refuses it); rename one, take a new snapshot and export that"]
    assert (sorted(os.listdir(out)) if out.exists() else []) == before
