"""A backup file never installs a credential value it chose: each value under
a credential key is a placeholder, so merge keeps the live value of the key
and a key with no live value gets a new secret, listed (docs/decisions.md
"Credentials from an untrusted source")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flexgit import sample, sanitize
from flexgit.restore import credentials
from flexgit.sanitize.rules import DEFAULT_RULES
from tests.conftest import Env
from tests.restore.crafted import craft, exported

PJSIP = "system/etc/asterisk/pjsip.conf"
MANAGER = "system/etc/asterisk/manager.conf"
CONFIG = "home/flexpbx-config.json"
TLS = sample._SECRETS["TLS_KEY_PASS"]
AMI = sample._SECRETS["AMI_SECRET"]
PLANTED = ("AttackerChosen77", "KnownToAttacker9", "AttackerAmi42", "AttackerJson5")


def _crafted(env: Env) -> Path:
    """The sample's honest export, with literal values where its placeholders
    were (a live key) and a new SIP account with a known password."""
    src = exported(env, env.tmp / "out")
    doc = json.loads(src.read_text())
    by_path = {f"{e['root']}/{e['path']}": e for e in doc["files"]}

    def text(path: str) -> str:
        import base64
        return base64.b64decode(by_path[path]["content"]).decode()

    mark = sanitize.SECRET_PLACEHOLDER
    pjsip = text(PJSIP).replace(f"password={mark}", "password=AttackerChosen77", 1)
    pjsip += "\n[evil]\ntype=auth\nauth_type=userpass\nusername=evil\n" \
             "password=KnownToAttacker9\n"
    manager = text(MANAGER).replace(f"secret = {mark}", "secret = AttackerAmi42")
    config = json.loads(text(CONFIG))
    config["sip"]["ami_secret"] = "AttackerJson5"
    return craft(src, env.tmp / "creds.flx", files={
        PJSIP: pjsip.encode(), MANAGER: manager.encode(),
        CONFIG: json.dumps(config, indent=2).encode()})


def _planted_anywhere(env: Env) -> list[str]:
    found = []
    for top in (env.home, env.root / "etc"):
        for p in top.rglob("*"):
            if p.is_file() and not p.is_symlink() and "backup" not in p.parts:
                data = p.read_bytes()
                found += [f"{p}: {v}" for v in PLANTED if v.encode() in data]
    return found


@pytest.mark.parametrize("mode", ["merge", "fresh"])
def test_a_backup_file_plants_no_credential(env: Env, mode: str) -> None:
    bad = _crafted(env)
    r = env.run("-y", "restore", "-m", mode, str(bad))
    assert r.exit_code in (0, 3), r.output
    assert _planted_anywhere(env) == []
    pjsip = (env.root / "etc/asterisk/pjsip.conf").read_text()
    manager = (env.root / "etc/asterisk/manager.conf").read_text()
    if mode == "merge":
        # The live values of the keys stay (B10: a literal never replaces one).
        assert f"password={TLS}" in pjsip
        assert f"secret = {AMI}" in manager
        config = json.loads((env.home / "flexpbx-config.json").read_text())
        assert config["sip"]["ami_secret"] == AMI
        assert "pjsip.conf: no live value for [evil](auth) password; new secrets were generated" \
            in r.output
    # The new account got a new secret, shown with the others.
    evil = pjsip.split("[evil]", 1)[1]
    value = evil.split("password=", 1)[1].split()[0]
    assert value != sanitize.SECRET_PLACEHOLDER and value in r.stdout


def test_trust_privileged_restores_the_files_values(env: Env) -> None:
    """The admin who vouches for the file gets its values (a private backup
    restored onto a new machine)."""
    bad = _crafted(env)
    r = env.run("-y", "restore", "--trust-privileged", str(bad))
    assert r.exit_code in (0, 3), r.output
    assert "password=AttackerChosen77" in (env.root / "etc/asterisk/pjsip.conf").read_text()


@pytest.mark.parametrize(("path", "text", "kept"), [
    ("home/users/2001.json",
     '{"username": "2001", "email": "ann@example.org", "password_hash": '
     '"$2y$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"}', "ann@example.org"),
    ("system/etc/asterisk/manager.conf", "[x]\nsecret = Known1\nread = cdr\n", "read = cdr"),
    ("system/etc/asterisk/voicemail.conf", "[default]\n2001 => 4321,Ann Lee,ann@example.org\n",
     "ann@example.org"),
    ("home/.env", "DB_PASSWORD=Known1\nAPP_NAME=Acme PBX\n", "APP_NAME=Acme PBX"),
    ("home/public_html/api/config.php", "<?php\n$db_pass = 'Known1';\n$site = 'Acme';\n",
     "$site = 'Acme'"),
])
def test_credentials_become_placeholders_personal_data_stays(path: str, text: str,
                                                             kept: str) -> None:
    rules = credentials.credential_rules(DEFAULT_RULES)
    out = credentials.as_placeholders(path, text.encode(), rules).decode()
    assert "Known1" not in out and "4321" not in out and "$2y$10$" not in out, out
    assert sanitize.SECRET_PLACEHOLDER in out or "HASHED_PLACEHOLDER" in out
    assert kept in out
