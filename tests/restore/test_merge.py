"""Merge keeps live values by key: what a line looks like around the value,
and where the line is, do not matter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flexgit import sample, sanitize
from flexgit.restore.merge import merge_json, reconcile
from tests.conftest import RESTORED, Env

TLS = sample._SECRETS["TLS_KEY_PASS"]
TRUNK = sample._SECRETS["TRUNK_REG_PASS"]
PJSIP = "etc/asterisk/pjsip.conf"


def _snap(env: Env) -> None:
    r = env.run("snapshot")
    assert r.exit_code in (0, 3), r.output


def _restore(env: Env, rev: str = "latest") -> str:
    r = env.run("-y", "restore", rev)
    assert r.exit_code == RESTORED, r.output
    assert "New secrets" not in r.stdout, r.output
    assert "new secrets were generated" not in r.output, r.output
    return r.output


TLS_LINE = f"password={TLS}          ; passphrase of priv_key_file\n"


@pytest.mark.parametrize("edited", ["live", "source"])
@pytest.mark.parametrize("line", [
    f"password={TLS}\n",  # the trailing comment dropped
    f"password = {TLS}   ; passphrase of priv_key_file\n",  # spacing changed
    f"password =\t{TLS}\n",
])
def test_pjsip_line_edited_around_its_value_keeps_the_live_passphrase(
        env: Env, edited: str, line: str) -> None:
    conf = env.root / PJSIP
    text = conf.read_text()
    assert TLS_LINE in text
    if edited == "source":  # the snapshot has the edited line, live the original
        conf.write_text(text.replace(TLS_LINE, line))
        _snap(env)
        conf.write_text(text)
    else:
        _snap(env)
        conf.write_text(text.replace(TLS_LINE, line))
    _restore(env)
    after = conf.read_text()
    assert after == (text if edited == "live" else text.replace(TLS_LINE, line))
    assert "FLEXGIT-REDACTED" not in after


def test_pjsip_key_moved_in_its_section_and_sections_reordered(env: Env) -> None:
    conf = env.root / PJSIP
    text = conf.read_text()
    _snap(env)
    # Live: the TLS password moved below method=, the trunk auth section moved
    # first, and every "=" got spaces; the source (the snapshot) has neither.
    start = text.index("[acme-trunk-auth]")
    end = text.index("[acme-trunk]", start)
    auth = text[start:end]
    moved = text[:start] + text[end:]
    moved = moved.replace(TLS_LINE, "").replace("method=tlsv1_2\n",
                                                f"method = tlsv1_2\npassword = {TLS}\n")
    moved = auth.replace("=", " = ") + moved
    conf.write_text(moved)
    _restore(env)
    assert conf.read_text() == text


PHP = """<?php
$cfg = [
    'db' => [
        'host' => 'localhost',
        'password' => 'Db-Pass-7f3a9c1e',
    ],
    'smtp' => [
        'host' => 'mail.example.net',
        'password' => 'Smtp-Pass-2b8e1d5a',
    ],
];
define('API_SECRET', 'Api-Secret-91c4e7aa');
$token = "Tok-5511-aa9f-e3c2";
"""
# The same bindings, every one on another line, with other spacing.
PHP_MOVED = """<?php
define( "API_SECRET" , 'Api-Secret-91c4e7aa' );
$token   =   "Tok-5511-aa9f-e3c2";   // the portal's token
$cfg = [
    'smtp' => [ 'password' => 'Smtp-Pass-2b8e1d5a', 'host' => 'mail.example.net' ],
    'db' => [
        'password'=>'Db-Pass-7f3a9c1e',
        'host' => 'localhost',
    ],
];
"""


def test_php_bindings_moved_to_other_lines_keep_their_values(env: Env) -> None:
    php = env.home / "public_html/api/keys.php"
    php.write_text(PHP)
    _snap(env)
    php.write_text(PHP_MOVED)
    _restore(env)
    assert php.read_text() == PHP


def test_json_values_by_key_path_when_items_move_and_values_change(env: Env) -> None:
    cfg = env.home / "flexpbx-config.json"
    doc = json.loads(cfg.read_text())
    doc["database"]["dsn"] = "mysql://flexpbx_db:Dsn-Pw-4c1d9e@localhost/flexpbx_main"
    cfg.write_text(json.dumps(doc, indent=4) + "\n")
    _snap(env)
    first = json.loads(cfg.read_text())
    # Then: the extensions reordered (each item moves to another line) and the
    # database host changed inside the value that holds the password.
    later = json.loads(cfg.read_text())
    later["extensions"] = [later["extensions"][2], *later["extensions"][:2]]
    later["database"]["dsn"] = "mysql://flexpbx_db:Dsn-Pw-4c1d9e@db1/flexpbx_main"
    cfg.write_text(json.dumps(later, indent=4) + "\n")
    _snap(env)
    _restore(env, "latest~1")  # back to the first: live secrets, first order and host
    assert json.loads(cfg.read_text()) == first


def _reconcile(path: str, source: bytes, live: bytes, base: bytes | None = None,
               mode: str = "merge") -> tuple[bytes, list[str]]:
    r = reconcile(path, source, live, base, mode=mode,
                  sanitized=lambda d: sanitize.sanitize(path, d).data)
    return r.data, r.new_keys


def test_secrets_follow_their_section_when_sections_move() -> None:
    live = (b"[2000](auth)\ntype=auth\nusername=2000\npassword=Sip-2000-NEW\n"
            b"[2001](auth)\ntype=auth\nusername=2001\npassword=Sip-2001\n"
            b"[2002](auth)\ntype=auth\nusername=2002\npassword=Sip-2002\n")
    src = (b"[2002](auth)\ntype=auth\nusername=2002\npassword=FLEXGIT-REDACTED\n"
           b"[2001](auth)\ntype=auth\nusername=2001\npassword=FLEXGIT-REDACTED\n")
    out, new = _reconcile("system/etc/asterisk/pjsip.conf", src, live)
    assert new == []
    assert out == src.replace(b"FLEXGIT-REDACTED", b"Sip-2002", 1).replace(
        b"FLEXGIT-REDACTED", b"Sip-2001", 1)


@pytest.mark.parametrize(("path", "live", "src", "key"), [
    ("system/etc/asterisk/sip.conf", b"[1]\nhost=a\n", b"[9]\nsecret=FLEXGIT-REDACTED\n",
     "[9] secret"),
    ("home/.env", b"A=1\n", b"DB_PASSWORD=FLEXGIT-REDACTED\n", "DB_PASSWORD"),
    ("home/x.php", b"<?php\n$a = 1;\n", b"<?php\n$db_pass = 'FLEXGIT-REDACTED';\n",
     "$db_pass"),
])
def test_a_key_live_does_not_have_gets_a_new_secret_and_is_listed(
        path: str, live: bytes, src: bytes, key: str) -> None:
    out, new = _reconcile(path, src, live)
    assert out == src and new == [key]


def test_a_value_with_secret_parts_takes_them_back_around_a_changed_rest() -> None:
    live = b"[general]\nregister => acme:Reg-Pw-19ab77@sip.acme.example/2000\n"
    src = b"[general]\nregister => acme:FLEXGIT-REDACTED@sip2.acme.example/2000 ; moved\n"
    out, new = _reconcile("system/etc/asterisk/sip.conf", src, live)
    assert new == []
    assert out == b"[general]\nregister => acme:Reg-Pw-19ab77@sip2.acme.example/2000 ; moved\n"


def test_the_system_side_of_a_migrate_keeps_live_values() -> None:
    live = f"[acme-trunk-auth]\ntype=auth\npassword={TRUNK}\n".encode()
    src = b"[acme-trunk-auth]\ntype = auth\npassword = FLEXGIT-REDACTED\n"
    out, new = _reconcile("system/etc/asterisk/pjsip.conf", src, live, mode="migrate")
    assert out == src.replace(b"FLEXGIT-REDACTED", TRUNK.encode()) and new == []
    # fresh makes new secrets on purpose
    out, _ = _reconcile("system/etc/asterisk/pjsip.conf", src, live, mode="fresh")
    assert out == src


def test_changed_lists_merge_as_one_value() -> None:
    base = json.dumps({"nets": ["a", "b", "c", "d"], "tz": "UTC"}).encode()
    src = json.dumps({"nets": ["a"], "tz": "UTC"}).encode()
    live = json.dumps({"nets": ["a", "b", "c", "d"], "tz": "Europe/Berlin"}).encode()
    r = merge_json(base, src, live, live)
    assert r is not None
    assert json.loads(r.data) == {"nets": ["a"], "tz": "Europe/Berlin"}
    # Live changed the list too: live wins and the path is listed.
    live2 = json.dumps({"nets": ["a", "x"], "tz": "UTC"}).encode()
    r = merge_json(base, src, live2, live2)
    assert r is not None and json.loads(r.data)["nets"] == ["a", "x"]
    assert r.conflicts == ["root['nets']"]


def test_placeholders_inside_a_list_never_replace_live_values() -> None:
    base = json.dumps({"tokens": ["FLEXGIT-REDACTED"]}).encode()
    src = json.dumps({"tokens": ["FLEXGIT-REDACTED", "FLEXGIT-REDACTED"]}).encode()
    live = json.dumps({"tokens": ["real-token-1"]}).encode()
    live_s = json.dumps({"tokens": ["FLEXGIT-REDACTED"]}).encode()
    r = merge_json(base, src, live, live_s)
    assert r is not None and json.loads(r.data) == {"tokens": ["real-token-1"]}


def test_a_new_json_key_gets_a_new_secret_and_is_listed() -> None:
    base = json.dumps({"sip": {"host": "a"}}).encode()
    src = json.dumps({"sip": {"host": "a", "secret": "FLEXGIT-REDACTED"}}).encode()
    live = base
    r = merge_json(base, src, live, live)
    assert r is not None
    assert json.loads(r.data) == {"sip": {"host": "a", "secret": "FLEXGIT-REDACTED"}}
    assert r.new_keys == ["root['sip']['secret']"]


def test_reconcile_leaves_new_files_and_binaries_to_the_source(tmp_path: Path) -> None:
    src = b"password=FLEXGIT-REDACTED\n"
    assert _reconcile("system/etc/asterisk/x.conf", src, b"\x00\x01password=1")[0] == src
    r = reconcile("system/etc/asterisk/x.conf", src, None, None, mode="merge",
                  sanitized=lambda d: d)
    assert r.data == src and not r.new_keys


# Live file, then the same bindings moved and re-spaced: the restore (of the
# second, sanitized) gives back the second with every live value in place.
MOVED = [
    ("home/public_html/js/cfg.js",
     "const cfg = {\n  db: { password: 'Js-Db-Pw-81a' },\n  mail: { password: 'Js-Mail-Pw-22b' },"
     "\n};\nthis.apiKey = 'Js-Api-Key-3c9d';\n",
     "this.apiKey  =  'Js-Api-Key-3c9d';  // moved\nconst cfg = {\n  mail: {\n"
     "    password: 'Js-Mail-Pw-22b',\n  },\n  db: { password: 'Js-Db-Pw-81a' },\n};\n"),
    ("home/public_html/api/a.php",
     "<?php\n$cfg['db']['pass'] = 'Php-Db-77aa';\n$cfg['ldap']['pass'] = 'Php-Ldap-88bb';\n",
     "<?php\n// ldap first now\n$cfg[ 'ldap' ][ 'pass' ] = \"Php-Ldap-88bb\";\n"
     "$cfg['db']['pass']='Php-Db-77aa';\n"),
    ("home/.env",
     "APP_KEY=base64:Zm9vYmFyYmF6cXV4MTIzNDU2\nDB_PASSWORD=Env-Db-Pw-4411\n"
     "MAIL_PASSWORD=Env-Mail-5522\n",
     "# mail first\nMAIL_PASSWORD=\"Env-Mail-5522\"\nexport DB_PASSWORD='Env-Db-Pw-4411'\n"
     "APP_KEY=base64:Zm9vYmFyYmF6cXV4MTIzNDU2\n"),
    ("home/conf/app.ini",
     "[database]\nuser = flex\npassword = Ini-Db-Pw-9911\n[smtp]\npassword = Ini-Smtp-8822\n",
     "[smtp]\npassword=Ini-Smtp-8822 ; mail\n\n[database]\npassword = Ini-Db-Pw-9911\n"
     "user = flex\n"),
    ("system/etc/asterisk/voicemail.conf",
     "[default]\n2001 => 4455,Alice Smith,alice@corp.example\n"
     "2002 => 9911,Bob Jones,bob@corp.example\n",
     "[default]\n2002=>9911,Bob Jones,bob@corp.example\n"
     "2001 =>   4455,Alice Smith,alice@corp.example ; first\n"),
    ("system/etc/asterisk/sip.conf",
     "[general]\nregister => a1:Reg-Pw-A1x9@sip.a.example/100\n"
     "register => b2:Reg-Pw-B2y8@sip.b.example/200\n",
     "[general]\nregister => b2:Reg-Pw-B2y8@sip.b.example/200\n"
     "register => a1:Reg-Pw-A1x9@sip.a.example/100\n"),
    ("system/usr/local/bin/flexpbx-backup-helper",
     "#!/bin/bash\nDB_USER=flex\nDB_PASS=\"Sh-Db-Pw-1234x\"\n",
     "#!/bin/bash\n# reordered\nDB_PASS='Sh-Db-Pw-1234x'\nDB_USER=flex\n"),
]


@pytest.mark.parametrize(("path", "live", "edited"), MOVED, ids=[m[0] for m in MOVED])
def test_bindings_moved_keep_their_live_values(path: str, live: str, edited: str) -> None:
    src = sanitize.sanitize(path, edited.encode()).data
    assert src != edited.encode()  # the case holds placeholders to fill
    out, new = _reconcile(path, src, live.encode())
    assert out.decode() == edited and new == []


def test_an_ambiguous_key_gets_a_new_secret_never_another_lines_value() -> None:
    path = "system/etc/asterisk/sip.conf"
    live = (b"[general]\nregister => a1:Reg-Pw-A1x9@sip.a.example/100\n"
            b"register => b2:Reg-Pw-B2y8@sip.b.example/200\n")
    src = (b"[general]\nregister => c3:FLEXGIT-REDACTED@sip.c.example/300\n"
           b"register => b2:FLEXGIT-REDACTED@sip.b.example/200\n"
           b"register => a1:FLEXGIT-REDACTED@sip.a.example/100\n")
    out, new = _reconcile(path, src, live)
    assert out == (b"[general]\nregister => c3:FLEXGIT-REDACTED@sip.c.example/300\n"
                   b"register => b2:Reg-Pw-B2y8@sip.b.example/200\n"
                   b"register => a1:Reg-Pw-A1x9@sip.a.example/100\n")
    assert new == ["[general] register"]


def test_a_section_renamed_live_keeps_its_password(env: Env) -> None:
    """c05 of the restore red team: live [acme-trunk-auth] became -v2."""
    conf = env.root / PJSIP
    _snap(env)
    text = conf.read_text()
    assert "[acme-trunk-auth]\ntype=auth\n" in text and f"password={TRUNK}\n" in text
    conf.write_text(text.replace("[acme-trunk-auth]\n", "[acme-trunk-auth-v2]\n"))
    out = _restore(env)
    after = conf.read_text()
    assert f"[acme-trunk-auth]\ntype=auth\nauth_type=userpass\nusername=4155550100\n" \
        f"password={TRUNK}\n" in after
    assert ("etc/asterisk/pjsip.conf: [acme-trunk-auth](auth) password: kept the live value "
            "of [acme-trunk-auth-v2](auth) password (the same section renamed: same type "
            "and same other keys)") in " ".join(out.split())
    assert TRUNK not in out  # the plan names the section, never the value


AUTH = "[{name}]\ntype=auth\nauth_type=userpass\nusername={user}\npassword={pw}\n"


@pytest.mark.parametrize(("live", "why"), [
    (AUTH.format(name="t-v2", user="4155550100", pw="Live-1") +
     AUTH.format(name="t-v3", user="4155550100", pw="Live-2"), "two live candidates"),
    (AUTH.format(name="t-v2", user="4155550199", pw="Live-1"), "another username"),
    (AUTH.format(name="t-v2", user="4155550100", pw="Live-1").replace("type=auth",
                                                                       "type=aor"),
     "another type"),
    (AUTH.format(name="t-v2", user="4155550100", pw="Live-1") + "realm=x\n", "another key"),
    (AUTH.format(name="t", user="4155550100", pw="Live-1") +
     AUTH.format(name="t-v2", user="4155550100", pw="Live-2"), "its name is still live"),
])
def test_a_renamed_section_is_matched_only_when_nothing_else_could_be_it(
        live: str, why: str) -> None:
    src = AUTH.format(name="t", user="4155550100", pw="FLEXGIT-REDACTED")
    if why == "its name is still live":
        # [t] is live under its name: its own value, never the -v2 one.
        out, new = _reconcile(PJSIP_TREE, src.encode(), live.encode())
        assert b"password=Live-1\n" in out and new == []
        return
    out, new = _reconcile(PJSIP_TREE, src.encode(), live.encode())
    assert out == src.encode(), why  # a new secret instead: nothing carried over
    assert new == ["[t](auth) password"]


PJSIP_TREE = "system/etc/asterisk/pjsip.conf"


def test_a_renamed_section_lends_its_value_to_the_one_source_section() -> None:
    src = (AUTH.format(name="t", user="4155550100", pw="FLEXGIT-REDACTED") +
           AUTH.format(name="u", user="4155550111", pw="FLEXGIT-REDACTED"))
    live = (AUTH.format(name="t-v2", user="4155550100", pw="Live-T") +
            AUTH.format(name="u", user="4155550111", pw="Live-U"))
    r = reconcile(PJSIP_TREE, src.encode(), live.encode(), None, mode="merge",
                  sanitized=lambda d: sanitize.sanitize(PJSIP_TREE, d).data)
    assert r.data == src.replace("FLEXGIT-REDACTED", "Live-T", 1).replace(
        "FLEXGIT-REDACTED", "Live-U", 1).encode()
    assert r.new_keys == []
    assert r.notes == ["[t](auth) password: kept the live value of [t-v2](auth) password "
                       "(the same section renamed: same type and same other keys)"]
