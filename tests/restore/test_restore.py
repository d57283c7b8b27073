from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import bcrypt
import pytest

from tests.conftest import RESTORED, Env, tree_state


def _snap(env: Env, *extra: str) -> str:
    r = env.run("--json", "snapshot", *extra)
    assert r.exit_code in (0, 3), r.output
    return json.loads(r.stdout)["id"] or env.store().head()


def _fresh_target(env: Env, tmp: Path) -> list[str]:
    home, root = tmp / "newhome", tmp / "newroot"
    home.mkdir()
    root.mkdir()
    return ["--home", str(home), "--root", str(root), "--repo", str(env.repo)]


def test_dry_run_writes_nothing_and_prints_json(env: Env) -> None:
    _snap(env)
    (env.root / "etc/asterisk/features.conf").write_text("; changed\n")
    before = tree_state(env.home, env.root)
    r = env.run("--json", "restore", "--dry-run", "latest")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["mode"] == "merge" and doc["source"] == "latest"
    acts = {a["path"]: a["action"] for a in doc["actions"]}
    assert acts["system/etc/asterisk/features.conf"] == "update"
    assert acts["home/public_html/api/login.php"] == "keep"
    assert acts["home/users/2001.json"] == "preserve"
    assert all(set(a) <= {"path", "action", "reason"} for a in doc["actions"])
    assert tree_state(env.home, env.root) == before


def test_fresh_into_empty_target(env: Env, tmp_path: Path) -> None:
    sha = _snap(env, "-t", "flxx")
    args = _fresh_target(env, tmp_path)
    from click.testing import CliRunner

    from flexgit.cli import cli
    # Another installation's store: its root-run files need --trust-privileged.
    r = CliRunner().invoke(cli, [*args, "-y", "restore", "-m", "fresh", "--trust-privileged",
                                 sha])
    assert r.exit_code == RESTORED, r.output
    home, root = tmp_path / "newhome", tmp_path / "newroot"
    store = env.store()
    tree = store.read_tree(sha)
    manifest = json.loads(store.read_blob(tree[".flexgit/manifest.json"].sha))
    for path, meta in manifest["files"].items():
        base = home if path.startswith("home/") else root
        p = base / path.split("/", 1)[1]
        if RESTORED and path.startswith("system/etc/sudoers.d/"):
            assert not os.path.lexists(p), "installed a sudoers file visudo never checked"
            continue
        assert os.path.lexists(p), path
        if not p.is_symlink():
            assert oct(stat.S_IMODE(p.stat().st_mode)) == oct(int(meta["mode"], 8)), path
            data = p.read_bytes()
            assert b"FLEXGIT-REDACTED" not in data, f"placeholder left in {path}"
    for d in ("users", "admins", "temp_passwords", "push_subscriptions", "cache/sip_status",
              "logs", "backup", "templates"):
        assert (home / d).is_dir()
        assert stat.S_IMODE((home / d).stat().st_mode) == 0o750
    admin = json.loads((home / "admins/admin.json").read_text())
    assert admin["password_hash"].startswith("$2y$10$")
    assert "New secrets" in r.stdout and "temporary admin password" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if "temporary admin password" in ln)
    password = line.rsplit(": ", 1)[1].strip()
    assert bcrypt.checkpw(password.encode(), ("$2b$" + admin["password_hash"][4:]).encode())
    secrets = list((home / "backup/private.git/secrets").iterdir())
    assert len(secrets) == 1 and stat.S_IMODE(secrets[0].stat().st_mode) == 0o600
    assert password in secrets[0].read_text()
    # Never in the shareable store.
    from tests.conftest import all_objects
    assert password.encode() not in all_objects(env.repo)


def test_merge_keeps_live_secrets_and_user_data_and_undo(env: Env) -> None:
    _snap(env)
    ext = env.root / "etc/asterisk/extensions.conf"
    ext.write_text(ext.read_text() + "exten => 9999,1,Hangup()\n")
    pjsip = env.root / "etc/asterisk/pjsip.conf"
    pjsip.write_text(pjsip.read_text() + "; local note\n")
    before = tree_state(env.home, env.root)
    r = env.run("-y", "restore", "latest")
    assert r.exit_code == 0, r.output
    assert "exten => 9999" not in ext.read_text()
    assert "; local note" not in pjsip.read_text()
    after = tree_state(env.home, env.root)
    everything = b"".join(v[2] for k, v in after.items() if "private.git" not in k)
    missing = [s for s in env.sample.secrets if s.encode() in
               b"".join(v[2] for k, v in before.items() if "private.git" not in k)
               and s.encode() not in everything]
    assert missing == [], "merge replaced live values with placeholders"
    assert b"FLEXGIT-REDACTED" not in everything
    for rel in env.sample.user_data:
        assert before[str(env.home / rel)] == after[str(env.home / rel)]
    r = env.run("-y", "undo")
    assert r.exit_code == 0, r.output
    restored = tree_state(env.home, env.root)
    for k, v in before.items():
        assert restored.get(k) == v, k
    r = env.run("-y", "undo")
    assert r.exit_code == 2 and "nothing to undo" in r.stderr


def test_no_terminal_without_yes_refuses(env: Env) -> None:
    _snap(env)
    (env.root / "etc/asterisk/features.conf").write_text("; changed\n")
    before = tree_state(env.home, env.root)
    r = env.run("restore", "latest")
    assert r.exit_code == 2
    assert "no terminal to ask on; pass -y" in r.stderr
    assert tree_state(env.home, env.root) == before


def test_rollback_makes_a_new_snapshot(env: Env) -> None:
    first = _snap(env, "-m", "one")
    f = env.home / "public_html/portal/index.php"
    old = f.read_bytes()
    f.write_text("<?php echo 'v2';\n")
    _snap(env, "-m", "two")
    r = env.run("-y", "rollback")
    assert r.exit_code == 0, r.output
    assert f.read_bytes() == old
    log = json.loads(env.run("--json", "log").stdout)
    assert log[0]["message"] == f"rollback to {first[:12]}"
    assert [e["message"] for e in log[1:]] == ["two", "one"]


def test_json_settings_merge_local_edits_win(env: Env) -> None:
    cfg = env.home / "flexpbx-config.json"
    _snap(env, "-m", "base")
    doc = json.loads(cfg.read_text())
    doc["timezone"] = "Europe/Berlin"  # a local edit
    doc["new_from_v2"] = True
    cfg.write_text(json.dumps(doc, indent=2) + "\n")
    _snap(env, "-m", "v2")
    # Back to base: the v2 addition goes, the local timezone edit came with v2 too.
    doc = json.loads(cfg.read_text())
    doc["timezone"] = "Asia/Tokyo"  # edited again after v2, not snapshotted
    cfg.write_text(json.dumps(doc, indent=2) + "\n")
    r = env.run("-y", "restore", "latest~1")
    assert r.exit_code == 0, r.output
    merged = json.loads(cfg.read_text())
    assert merged["timezone"] == "Asia/Tokyo"  # local edit wins over the rollback
    assert "new_from_v2" not in merged
    assert "kept local values at root['timezone']" in r.stderr


def test_new_secrets_are_long_varied_and_from_their_alphabet() -> None:
    import string

    from flexgit.restore.plan import new_secret
    many = [new_secret() for _ in range(200)]
    assert all(len(s) == 24 and s.isalnum() for s in many)
    assert len(set(many)) == 200
    assert set("".join(many)) == set(string.ascii_letters + string.digits)
    pins = [new_secret(8, string.digits) for _ in range(50)]
    assert all(len(p) == 8 and p.isdigit() for p in pins)
    # Unbiased: 256 % 62 == 8, so without rejection the first 8 characters of
    # the alphabet would come 5/4 as often as the rest (here about 970 times
    # against 775; the mean of 8 counts varies by about 10).
    from collections import Counter

    from flexgit.restore.plan import SECRET_ALPHABET
    counts = Counter("".join(new_secret() for _ in range(2000)))
    first = sum(counts[c] for c in SECRET_ALPHABET[:8]) / 8
    rest = sum(counts[c] for c in SECRET_ALPHABET[8:]) / (len(SECRET_ALPHABET) - 8)
    assert 0.92 < first / rest < 1.08


def test_undo_keeps_edits_made_after_the_restore(env: Env) -> None:
    _snap(env)
    conf = env.root / "etc/asterisk/features.conf"
    conf.write_text("; broken\n")
    assert env.run("-y", "restore", "latest").exit_code == 0
    user = env.home / "users" / "2001.json"
    user.write_text('{"password_hash": "changed-after-the-restore"}\n')
    conf.write_text("; edited after the restore\n")
    r = env.run("-y", "undo")
    assert r.exit_code == 0, r.output
    assert user.read_text() == '{"password_hash": "changed-after-the-restore"}\n'
    assert conf.read_text() == "; broken\n"
    import subprocess
    saved = subprocess.run(["git", "--git-dir", str(env.home / "backup/private.git"), "show",
                            "pre-undo:system/etc/asterisk/features.conf"],
                           capture_output=True, text=True, check=True).stdout
    assert saved == "; edited after the restore\n"


def test_a_backup_file_cannot_write_outside_what_the_profile_manages(env: Env) -> None:
    import base64
    import hashlib

    _snap(env)
    doc = json.loads(env.run("--json", "export").stdout)
    data = json.loads(Path(doc["path"]).read_text())

    def entry(path: str, root: str, content: bytes) -> dict[str, object]:
        return {"path": path, "root": root, "size": len(content),
                "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
                "content": base64.b64encode(content).decode(), "mode": "0644"}
    data["files"] += [entry(".ssh/authorized_keys", "home", b"ssh-ed25519 AAAA evil\n"),
                      entry("etc/sudoers", "system", b"ALL ALL=(ALL) NOPASSWD: ALL\n"),
                      entry("backup/private.git/refs/heads/pre-restore", "home", b"0" * 40)]
    data["file_count"] = len(data["files"])
    evil = env.tmp / "evil.flx"
    evil.write_text(json.dumps(data))
    r = env.run("-y", "restore", str(evil))
    assert r.exit_code == 0, r.output
    assert not (env.home / ".ssh").exists()
    assert not (env.root / "etc/sudoers").exists()
    r = env.run("--json", "restore", "--dry-run", str(evil))
    acts = {a["path"]: a for a in json.loads(r.stdout)["actions"]}
    assert acts["home/.ssh/authorized_keys"]["action"] == "skip"
    assert acts["home/backup/private.git/refs/heads/pre-restore"]["action"] == "skip"
    assert env.run("-y", "undo").exit_code == 0


def test_evil_template_names_are_refused(env: Env) -> None:
    _snap(env)
    doc = json.loads(env.run("--json", "export").stdout)
    data = json.loads(Path(doc["path"]).read_text())
    data["flexgit"]["manifest"]["templates"] = {"../../../PWNED": {"x": 1}}
    evil = env.tmp / "evil.flx"
    evil.write_text(json.dumps(data))
    r = env.run("-y", "restore", "-m", "fresh", str(evil))
    assert r.exit_code == 1 and "template '../../../PWNED'" in r.stderr
    assert not list(env.tmp.rglob("PWNED*"))
    r = env.run("import", str(evil))
    assert r.exit_code == 1


def test_rollback_json_is_one_document(env: Env) -> None:
    _snap(env, "-m", "one")
    (env.home / "public_html/portal/index.php").write_text("<?php echo 2;\n")
    _snap(env, "-m", "two")
    r = env.run("--json", "-y", "rollback")
    doc = json.loads(r.stdout)
    assert doc["mode"] == "merge" and doc["rolled_back_to"] and doc["snapshot"]


def test_fill_secrets_names_each_line_and_keeps_every_other_byte() -> None:
    from flexgit.restore.plan import Generated, _fill_secrets
    from flexgit.sanitize import SECRET_PLACEHOLDER as P

    data = (f"[trunk]\r\nsecret={P}\n\n; none here\n1234 => {P},Jo\n"
            f"dsn=mysql://u:{P}@h/{P}\nlast={P}").encode()
    out: list[Generated] = []
    filled = _fill_secrets("system/etc/asterisk/x.conf", data, out)
    assert [(g.line, g.what) for g in out] == [
        (2, "secret"), (5, "PIN of mailbox 1234"), (6, "u"), (6, "h"), (7, "last")]
    assert P.encode() not in filled
    expect = data
    for g in out:
        expect = expect.replace(P.encode(), g.value.encode(), 1)
    assert filled == expect
    assert len(out[1].value) == 8 and out[1].value.isdigit()
    png = b"\x89PNG\r\n\x1a\n\0" + P.encode()  # a binary: never sanitized, never filled
    assert _fill_secrets("a.png", png, []) == png


def test_restore_without_visudo_skips_the_sudoers_file_with_a_warning(
        env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without sudo: everything else is restored, the sudoers file
    is left out with one warning naming it, exit 3."""
    from tests.conftest import path_without

    sha = _snap(env, "-t", "flxx")
    monkeypatch.setenv("PATH", path_without(tmp_path, "visudo"))
    args = _fresh_target(env, tmp_path)
    from click.testing import CliRunner

    from flexgit.cli import cli
    # Another installation's store: its root-run files need --trust-privileged.
    r = CliRunner().invoke(cli, [*args, "-y", "restore", "-m", "fresh", "--trust-privileged",
                                 sha])
    assert r.exit_code == 3, r.output
    warnings = [line for line in r.stderr.splitlines() if "sudoers" in line]
    assert warnings == ["warning: system/etc/sudoers.d/flexpbx-asterisk was not restored: "
                        "visudo is not installed to check it (install the sudo package and "
                        "restore again)"]
    root = tmp_path / "newroot"
    assert not (root / "etc/sudoers.d/flexpbx-asterisk").exists()
    assert (root / "etc/asterisk/pjsip.conf").exists()
    r = CliRunner().invoke(cli, [*args, "--json", "restore", "--dry-run", "-m", "fresh", sha])
    doc = json.loads(r.stdout)
    acts = {a["path"]: a for a in doc["actions"]}
    assert acts["system/etc/sudoers.d/flexpbx-asterisk"]["action"] == "skip"
    assert doc["warnings"] and "visudo" in doc["warnings"][0]
