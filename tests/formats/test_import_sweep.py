"""The sweep across the entries of an imported backup file
(flexgit/formats/importer.py): a value one entry reveals is removed from every
other, also from those that came before it in the file."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flexgit.formats.importer import import_file
from flexgit.profile import Profile
from flexgit.store import Store
from tests.conftest import Env, all_objects, fsck
from tests.formats.helpers import legacy_file

PASSWORD = "Wq7zRt9pLm2x"  # users/2001.json's web login
EMAIL = "jane.holloway@realmail.org"
NAME = "Jane Holloway"
TRUNK = "Tk4vN8sQ2wZe"  # pjsip.conf's trunk password
SMTP = "Sm7pPass!"  # legacy_file's default_settings.smtp_password
BLOB = base64.b64encode(f"2001:{PASSWORD}".encode()).decode()  # a Basic credential
VALUES = [PASSWORD, EMAIL, NAME, TRUNK, SMTP, BLOB, base64.b64encode(PASSWORD.encode()).decode()]

# The two files that repeat the values bare: no rule of their own finds them.
SETUP = (f"# Setup\n\nThe first desk phone (2001) belongs to {NAME} <{EMAIL}>.\n"
         f"Its web login is {PASSWORD}, and the provider trunk uses {TRUNK}.\n"
         f"Outgoing mail goes out with {SMTP} until IT rotates it.\n"
         f"Provisioning header: X-Prov {BLOB}\n").encode()
APP_JS = (f"// desk phone of {NAME}\nconst desk = {{ext: '2001', key: '{PASSWORD}', "
          f"contact: '{EMAIL}'}};\nconst trunkKey = ['{TRUNK}'];\nconst prov = '{BLOB}';\n"
          ).encode()
REPEATS = {"docs/SETUP.md": SETUP, "public_html/js/app.js": APP_JS}
REVEALS = {
    "users/2001.json": json.dumps({"extension": "2001", "name": NAME, "email": EMAIL,
                                   "password": PASSWORD}).encode(),
    "etc/asterisk/pjsip.conf": (f"[trunk-out]\ntype=auth\nauth_type=userpass\n"
                                f"username=acct77\npassword={TRUNK}\n").encode(),
}
OTHERS = {"public_html/index.php": b"<?php echo 'portal';\n"}
# The template repeats the trunk password under a key no rule reads as secret.
TEMPLATE = f',\n  "admin_template": {{"notes": "trunk {TRUNK} is shared"}}'


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout


def _backup(env: Env, order: str, compressed: bool) -> Path:
    files = {**REPEATS, **OTHERS, **REVEALS} if order == "repeat first" else \
        {**REVEALS, **OTHERS, **REPEATS}
    path = legacy_file(env.tmp / "flexpbx-2025-10-14_12-00-00.flxx", files,
                       file_count=len(files), backup_type="extended", extra=TEMPLATE)
    if not compressed:
        return path
    gz = path.with_name(path.name + ".gz")
    gz.write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    return gz


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("order", ["repeat first", "reveal first"])
def test_values_revealed_anywhere_in_the_file_reach_no_object(env: Env, order: str,
                                                              compressed: bool) -> None:
    f = _backup(env, order, compressed)
    r = env.run("--json", "import", "-m", f"moved from the old box, trunk {TRUNK}", str(f))
    assert r.exit_code == 3, r.output  # done with warnings: the record was left out
    doc = json.loads(r.stdout)
    assert doc["files"] == 4 and doc["skipped"] == ["home/users/2001.json"]
    tree = set(_git(env.repo, "ls-tree", "-r", "--name-only", "main").split())
    assert tree == {"home/docs/SETUP.md", "home/public_html/js/app.js",
                    "home/public_html/index.php", "system/etc/asterisk/pjsip.conf",
                    ".flexgit/manifest.json", ".flexgit/sanitize.json"}
    objects = all_objects(env.repo)
    assert [v for v in VALUES if v.encode() in objects] == []
    assert [v for v in VALUES if v.lower().encode() in objects.lower()] == []
    # The guide kept its lines; the sweep, not a rule, took what it repeated.
    setup = _git(env.repo, "show", "main:home/docs/SETUP.md")
    assert setup.count("\n") == SETUP.count(b"\n") and "FLEXGIT-REDACTED" in setup
    report = json.loads(_git(env.repo, "show", "main:.flexgit/sanitize.json"))["files"]
    assert report["home/docs/SETUP.md"]["sweep.secret"] >= 3
    # app.js: what no rule knows (a name in a comment, a bare array item, a
    # blob) is the sweep's; a key the code rules know may be theirs.
    app = report["home/public_html/js/app.js"]
    assert app["sweep.secret"] >= 2 and sum(app.values()) >= 4, app
    manifest = json.loads(_git(env.repo, "show", "main:.flexgit/manifest.json"))
    assert manifest["templates"]["admin_template"]["notes"] == "trunk FLEXGIT-REDACTED is shared"
    assert _git(env.repo, "log", "-1", "--format=%s", "main") == \
        "moved from the old box, trunk FLEXGIT-REDACTED\n"
    # The pack of the first read was aborted, not left beside the one committed.
    packs = sorted(p.suffix for p in (env.repo / "objects" / "pack").iterdir())
    assert packs == [".idx", ".pack"]
    fsck(env.repo)


def _entry(path: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return {"path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "size": len(data), "content": base64.b64encode(data).decode(), **extra}


def _our_format(env: Env) -> Path:
    """Records of every kind in our own format, after the files that repeat
    their values, and a link whose target holds one."""
    files = [
        _entry("docs/SETUP.md", SETUP, root="home", mode="0644"),
        _entry("public_html/latest", f"/srv/{TRUNK}/index.php".encode(), root="home",
               type="symlink", mode="0777"),
        _entry("admins/admin.json", json.dumps({"username": "admin", "email": EMAIL,
                                                "full_name": NAME}).encode(), root="home"),
        _entry("temp_passwords/2001.json", json.dumps({"extension": "2001",
                                                       "temp_password": PASSWORD}).encode(),
               root="home"),
        _entry("etc/asterisk/pjsip.conf", REVEALS["etc/asterisk/pjsip.conf"], root="system"),
    ]
    doc = {"version": "1.0", "backup_type": "system_config", "file_count": len(files),
           "files": files, "default_settings": {"smtp_password": SMTP}}
    path = env.tmp / "ours.flx"
    path.write_text(json.dumps(doc))
    return path


def test_records_of_every_kind_are_swept_and_a_link_to_a_secret_left_out(env: Env) -> None:
    r = env.run("--json", "import", str(_our_format(env)))
    assert r.exit_code == 3, r.output
    doc = json.loads(r.stdout)
    assert sorted(doc["skipped"]) == ["home/admins/admin.json", "home/public_html/latest",
                                      "home/temp_passwords/2001.json"]
    assert "skipped public_html/latest: its target holds a secret" in r.stderr
    assert doc["files"] == 2
    objects = all_objects(env.repo)
    assert [v for v in (PASSWORD, EMAIL, NAME, TRUNK, SMTP) if v.encode() in objects] == []
    fsck(env.repo)


def test_a_private_import_keeps_every_entry_as_it_is(env: Env) -> None:
    f = _backup(env, "repeat first", compressed=False)
    store = Store.init(env.tmp / "private.git", private=True)
    try:
        with store.locked("test"):
            res = import_file(store, f, profile=Profile(), private=True)
        tree = store.read_tree(res.id or "")
        assert store.read_blob(tree["home/docs/SETUP.md"].sha) == SETUP
        assert store.read_blob(tree["home/users/2001.json"].sha) == REVEALS["users/2001.json"]
    finally:
        store.close()
