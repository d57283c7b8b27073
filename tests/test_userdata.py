"""User data by kind, wherever it lives: planted into a real installation (the
sample), snapshotted and imported, then checked with the C git binary: no
excluded path is a tree entry, nothing planted is in any object, and each
left-out binary, personal name and link has its one warning line."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flexgit import names, profile, snapshot
from flexgit.store import Store
from tests.conftest import Env, all_objects, fsck

# Left out by name, at any depth, on both sides.
BY_NAME = (
    # rotated and compressed logs
    "home/public_html/api/app.log.1", "home/public_html/includes/php.log.2.gz",
    "home/public_html/portal/access.log-20240101", "home/public_html/portal/error.log.gz",
    "home/public_html/error_log.1", "home/public_html/logs.old/a.txt",
    "home/public_html/log/debug.txt", "home/public_html/portal/Logs/today.txt",
    # caches, scratch space, sessions
    "home/public_html/cache_v2/x.json", "home/public_html/portal/Cache/y.json",
    "home/public_html/tmp2/a.txt", "home/public_html/portal/tmp/b.php",
    "home/public_html/temp/a.txt", "home/public_html/api/sessions_old/s.json",
    # voicemail, recordings, monitor
    "home/public_html/voicemail/2001/INBOX/msg0000.txt", "home/public_html/recordings/2001.txt",
    "home/public_html/monitor/m.txt", "home/public_html/call_recordings/c.txt",
    # CDR and call reports
    "home/public_html/reports/Master.csv", "home/public_html/reports/cdr-2024-01.csv",
    "home/public_html/reports/CDR_export.csv", "home/public_html/cdr-csv/a.csv",
    "home/public_html/cdr-custom/b.csv", "home/public_html/reports/call_report_2024.csv",
    # uploads of users
    "home/public_html/portal/uploads/cv.txt", "home/public_html/portal/img/avatars/bob.png",
    # databases
    "home/public_html/db/app.sqlite", "home/public_html/db/app.sqlite3",
    "home/public_html/data/x.db", "home/public_html/data/y.mdb",
    # backups and editor leftovers
    "home/public_html/config.php.bak", "home/public_html/config.php.old",
    "home/public_html/config.php.orig", "home/public_html/config.php~",
    "home/public_html/.config.php.swp",
    # audio
    "home/public_html/sounds/a.wav", "home/public_html/sounds/b.gsm",
    "home/public_html/sounds/c.mp3", "home/public_html/sounds/d.ulaw",
    "home/public_html/sounds/e.alaw", "home/public_html/sounds/f.g722",
    "home/public_html/sounds/g.sln16", "home/public_html/sounds/H.WAV",
    # the system side
    "system/etc/asterisk/extensions.conf.bak", "system/etc/asterisk/pjsip.conf.orig",
    "system/etc/asterisk/sip.conf~", "system/etc/asterisk/logs/full.log.1",
    "system/etc/asterisk/recordings/x.txt", "system/etc/asterisk/Master.csv",
    "system/etc/asterisk/moh/hold.ulaw",
    # Classes an outside red team found open (2026-12-02), in names of our own:
    # databases by other extensions, logs as .txt, call exports, address books,
    # voicemail message folders by other names, compressed dumps, user records
    # and push subscriptions as single files.
    "home/public_html/data/asterisk.db3", "home/public_html/data/crm.s3db",
    "home/public_html/app/trace.log.txt", "home/public_html/app/php_errors.txt",
    "home/public_html/exports/calls_2024-06.csv", "home/public_html/crm/Outbound_Call_Export.csv",
    "home/public_html/crm/staff.vcf", "home/public_html/crm/contacts_2024.csv",
    "home/public_html/vm-messages/1001.txt", "home/public_html/voicemail_msgs/INBOX/m.txt",
    "home/public_html/dumps/nightly.sql.gz", "home/public_html/api/push_subscribers.json",
    "home/public_html/data/users.json", "home/public_html/data/admins.json",
)

# Left out by what the bytes are (the names say nothing).
BY_KIND = {
    "home/public_html/data/store": (b"SQLite format 3\x00", "a database (user data)"),
    "home/public_html/docs/manual.pdf": (b"%PDF-1.7\n", "a document"),
    "home/public_html/downloads/tools.zip": (b"PK\x03\x04", "an archive"),
    "home/public_html/bin/helper": (b"\x7fELF\x02\x01\x01", "a compiled program"),
    "home/public_html/keys/client.p12": (b"\x30\x82\x05\x10", "a key store"),
    "home/public_html/assets/blob.dat": (b"\x01\x02\x03\x04" * 64, "binary data"),
    "system/etc/asterisk/keys/asterisk.p12": (b"\x30\x82\x04\x00", "a key store"),
}

# Static assets: stored as they are.
ASSETS = {
    "home/public_html/assets/fonts/ui.woff2": b"wOF2\x00\x01\x00\x00",
    "home/public_html/assets/img/spinner.gif": b"GIF89a\x01\x00\x01\x00",
}

# Names that hold personal data (a file, a directory, with the file below it).
PERSONAL = (
    "home/public_html/img/alice.smith@corp.example.org.png",
    "home/public_html/staff/bob.jones@acme-corp.com/index.html",
    "home/public_html/cards/+1 212 555 0142.txt",
    "home/public_html/img/2125550142.jpg",
)

# What the profile wants, near every pattern above: must stay tree entries.
KEPT = (
    "home/public_html/tmpl/view.php", "home/public_html/api/call_report.php",
    "home/public_html/includes/db.php", "home/public_html/js/console.log.js",
    "home/public_html/img/logo@2x.png", "home/public_html/js/jquery@3.7.1.min.js",
    "home/public_html/js/chunk-20240101.js", "home/public_html/img/IMG_20240101_123456.png",
    "home/public_html/templates/page.php", "home/public_html/api/temp-password.php",
    "system/etc/asterisk/voicemail.conf", "system/etc/asterisk/cdr_custom.conf",
)

BAD_LINKS = {
    "home/public_html/dl": "https://deploy:Qx7Secret99z@files.acme-corp.com/pkg",
    "home/public_html/me.png": "img/carol.white@acme-corp.com.png",
}

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def _place(env: Env, path: str) -> Path:
    side, _, rel = path.partition("/")
    p = (env.home if side == "home" else env.root) / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def plant(env: Env) -> dict[str, bytes]:
    """Every planted file with a token of its own; returns path -> token."""
    tokens = {}
    for path in (*BY_NAME, *BY_KIND, *ASSETS, *PERSONAL, *KEPT):
        token = f"UD{secrets.token_hex(8)}".encode()
        if path in BY_KIND:
            data = BY_KIND[path][0] + b"\x00\x01" + token + b"\x00" * 64
        elif path in ASSETS:
            data = ASSETS[path] + token
        elif path.endswith((".png", ".jpg")):
            data = PNG + token
        else:
            data = b"<?php // " + token + b"\n"
        _place(env, path).write_bytes(data)
        tokens[path] = token
    for link, target in BAD_LINKS.items():
        _place(env, link).symlink_to(target)
    return tokens


def _take(env: Env, prof: profile.Profile | None = None) -> snapshot.Result:
    if not env.repo.exists():
        Store.init(env.repo).close()
    store = env.store()
    with store.locked("test"):
        return snapshot.take(store, snapshot.Installation(env.home, env.root),
                             prof or profile.Profile())


def c_git_paths(repo: Path, rev: str = "main") -> set[str]:
    out = subprocess.run(["git", "--git-dir", str(repo), "ls-tree", "-r", "-z", "--name-only",
                          rev], check=True, capture_output=True).stdout
    return {p.decode() for p in out.split(b"\0") if p}


def test_user_data_never_becomes_a_tree_entry_nor_an_object(env: Env) -> None:
    tokens = plant(env)
    res = _take(env)
    paths = c_git_paths(env.repo)
    left_out = (*BY_NAME, *BY_KIND, *PERSONAL, *BAD_LINKS)
    assert sorted(p for p in left_out if p in paths) == []
    assert not any("acme-corp" in p or "@corp." in p for p in paths)
    assert sorted(p for p in (*KEPT, *ASSETS) if p not in paths) == []
    blob = all_objects(env.repo)
    assert sorted(p for p in (*BY_NAME, *BY_KIND, *PERSONAL) if tokens[p] in blob) == []
    assert b"Qx7Secret99z" not in blob and b"carol.white" not in blob
    assert all(tokens[p] in blob for p in ASSETS)
    manifest = json.loads(env.git("show", f"main:{snapshot.MANIFEST_PATH}"))
    assert "home/public_html/uploads" in manifest["empty_dirs"]  # the directory stays
    assert res.warnings and all(w.startswith("skipped ") for w in res.warnings)
    fsck(env.repo)


def _warnings_for(warnings: list[str], path: str) -> list[str]:
    return [w for w in warnings if w.split(": ", 1)[0].endswith(path.partition("/")[2])]


def test_each_left_out_binary_name_and_link_has_one_warning(env: Env) -> None:
    plant(env)
    res = _take(env)
    for path, (_magic, kind) in BY_KIND.items():
        [line] = _warnings_for(res.warnings, path)
        assert line.startswith(f"skipped {_place(env, path)}: {kind}")
        assert line.endswith("; binaries other than images and fonts never enter a shareable "
                             "snapshot")
    for path in PERSONAL:
        # The directory is the entry that holds the address, not the file in it.
        entry = path.rsplit("/", 1)[0] if path.endswith("/index.html") else path
        [line] = _warnings_for(res.warnings, entry)
        assert "(personal data)" in line and "rename it" in line
    for link in BAD_LINKS:
        [line] = _warnings_for(res.warnings, link)
        assert "its target holds" in line
    assert not any(_warnings_for(res.warnings, p) for p in (*BY_NAME, *KEPT, *ASSETS))
    expected = len(BY_KIND) + len(PERSONAL) + len(BAD_LINKS)
    assert len(res.warnings) == expected, res.warnings


def test_cli_snapshot_warns_and_exits_3(env: Env) -> None:
    plant(env)
    r = env.run("snapshot")
    assert r.exit_code == 3
    assert f"warning: skipped {_place(env, 'home/public_html/data/store')}: a database " \
           f"(user data); binaries other than images and fonts never enter a shareable " \
           f"snapshot\n" in r.stderr


def test_private_store_keeps_binaries_names_and_links(env: Env) -> None:
    tokens = plant(env)
    r = env.run("snapshot", "--include-data", "--include-voicemail")
    assert r.exit_code == 0, r.output
    private = env.home / "backup" / "private.git"
    paths = c_git_paths(private)
    assert set(BY_KIND) <= paths
    assert {*PERSONAL, *BAD_LINKS} <= paths
    assert "system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.wav" in paths
    assert tokens["home/public_html/data/store"] in all_objects(private)
    # and nothing of it went into the shareable store
    assert not env.repo.exists()


def test_a_fresh_restore_deletes_no_user_data(env: Env) -> None:
    tokens = plant(env)
    _take(env)
    r = env.run("--json", "restore", "--dry-run", "-m", "fresh", "latest")
    assert r.exit_code in (0, 3), r.output
    acts = {a["path"]: a["action"] for a in json.loads(r.stdout)["actions"]}
    # Excluded and personal names are not the profile's to manage: no action at all.
    assert {p: acts[p] for p in (*BY_NAME, *PERSONAL, *BAD_LINKS) if p in acts} == {}
    # The walk sees the binaries; a sanitized source cannot hold them.
    assert {acts.get(p) for p in BY_KIND} == {"preserve"}
    r = env.run("-y", "restore", "-m", "fresh", "latest")
    assert r.exit_code in (0, 3), r.output
    for path in (*BY_NAME, *BY_KIND, *PERSONAL):
        assert tokens[path] in _place(env, path).read_bytes(), path
    assert {os.readlink(_place(env, p)) for p in BAD_LINKS} == set(BAD_LINKS.values())


def _entry(path: str, data: bytes, **extra: Any) -> dict[str, Any]:
    return {"path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "size": len(data), "content": base64.b64encode(data).decode(), **extra}


def test_import_leaves_out_what_a_snapshot_leaves_out(env: Env) -> None:
    token = secrets.token_hex(8).encode()
    files = [
        _entry("public_html/a.php", b"<?php\n"),
        _entry("public_html/db/app.sqlite", b"SQLite format 3\x00" + token),
        _entry("public_html/data/store", b"SQLite format 3\x00" + token),
        _entry("public_html/cache_v2/x.json", b'{"t": "' + token + b'"}'),
        _entry("public_html/img/dave.brown@acme-corp.com.png", PNG + token),
        _entry("public_html/img/ok.png", PNG),
        _entry("public_html/dl", b"https://deploy:" + token + b"@files.acme-corp.com/",
               type="symlink", mode="0777"),
    ]
    f = env.tmp / "planted.flx"
    f.write_text(json.dumps({"files": files, "file_count": len(files)}))
    r = env.run("--json", "import", "-m", "from bob.jones@acme-corp.com", str(f))
    assert r.exit_code == 3, r.output
    doc = json.loads(r.stdout)
    assert sorted(doc["skipped"]) == sorted(f"home/{e['path']}" for e in files[1:]
                                            if not e["path"].endswith("ok.png"))
    assert any("a database (user data)" in w for w in doc["warnings"])
    assert "the import message was sanitized before it was stored (pattern.email x1)" \
        in doc["warnings"]
    assert c_git_paths(env.repo) >= {"home/public_html/a.php", "home/public_html/img/ok.png"}
    blob = all_objects(env.repo)
    assert token not in blob and b"acme-corp" not in blob
    fsck(env.repo)


@pytest.mark.parametrize("name", [
    "alice.smith@corp.example.org.png", "bob@acme-corp.com", "Bob.Jones+pbx@mail.acme.co.uk",
    "+1 212 555 0142.vcf", "2125550142.json", "avatar-+44 20 7946 0958.jpg",
    "(212) 555-0142.txt", "Maria Schmidt", "Hiroshi Tanaka", "s_Qm8xK2pL9vR4tZ7wY1nB3.html",
])
def test_names_with_personal_data(name: str) -> None:
    assert names.personal_in_name(name) is not None


@pytest.mark.parametrize("name", [
    "logo@2x.png", "icon@1.5x.png", "jquery@3.7.1.min.js", "IMG_20240101_123456.jpg",
    "backup-20240101.tar", "1700000000.png", "q-support-2001-20251014-101500.txt",
    "module_0001.php", "sip_status_2001.json", "@babel", "chunk-0999.js", "v1.2.3.4567890.js",
    "Price List", "Call Recordings", "Front Desk", "app.3f9a8b7c4d5e6f708192a3b4c5d6e7f8.js",
    "README.md",
])
def test_names_without_personal_data(name: str) -> None:
    assert names.personal_in_name(name) is None


def test_link_targets() -> None:
    assert names.link_problem("portal/index.php") is None
    assert names.link_problem("../img/logo@2x.png") is None
    assert names.link_problem("https://u:Qx7Secret99z@h.acme-corp.com/") is not None
    assert names.link_problem("img/carol@acme-corp.com.png") is not None


def test_planted_tree_is_a_real_installation(env: Env) -> None:
    """The planted files are where the walk looks: each is a category's, so
    only the new excludes and checks keep them out."""
    plant(env)
    prof = profile.Profile()
    for path in (*BY_NAME, *BY_KIND, *PERSONAL, *KEPT):
        side, _, rel = path.partition("/")
        assert prof.category_of(side, rel, "flxx") is not None, path
        assert os.path.exists(_place(env, path))
