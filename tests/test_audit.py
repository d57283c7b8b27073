"""The audit (flexgit/audit/): independent detectors, what they must find and
must leave alone, every source it reads, the fingerprint allow list, the
export that fails closed, and its recall on a store snapshotted unsanitized."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from flexgit import audit, sample
from flexgit.app import private_repo_of
from flexgit.audit import scan
from flexgit.audit.findings import fingerprint
from flexgit.errors import BadInput
from flexgit.profile import Profile, load
from flexgit.store import Store
from tests.conftest import Env
from tests.formats.helpers import commit_by_hand, legacy_file

PACKAGE = Path(audit.__file__).parent


def rules_of(text: str, path: str = "etc/asterisk/x.conf") -> set[str]:
    return {h.rule for h in scan.scan_text(text, path)}


# --- independence -------------------------------------------------------------------


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements a module runs on import: not function bodies, not
    `if TYPE_CHECKING:` blocks."""
    out: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        out.append(node)
        if isinstance(node, (ast.If, ast.Try)):
            out += _top_level(node.body) + _top_level(node.orelse)
    return out


def _flexgit_imports(path: Path) -> set[str]:
    """flexgit modules that importing `path` imports (with their packages)."""
    out: set[str] = set()
    for node in _top_level(ast.parse(path.read_text()).body):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1)
                       if parts[0] == "flexgit")
    return out


def _module_file(name: str) -> Path | None:
    base = PACKAGE.parent.parent / Path(*name.split("."))
    for p in (base.with_suffix(".py"), base / "__init__.py"):
        if p.is_file():
            return p
    return None  # a name imported from a module, not a module


def test_the_audit_imports_nothing_of_the_sanitizer_directly_or_through_flexgit() -> None:
    todo = [f"flexgit.audit.{p.stem}" if p.stem != "__init__" else "flexgit.audit"
            for p in PACKAGE.glob("*.py")]
    via: dict[str, str] = {m: m for m in todo}
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        assert not (name == "flexgit.sanitize" or name.startswith("flexgit.sanitize.")), \
            f"flexgit.audit reaches {name} through {via[name]}"
        path = _module_file(name)
        if path is not None:
            for dep in _flexgit_imports(path):
                via.setdefault(dep, f"{via[name]} -> {dep}")
                todo.append(dep)
    assert "flexgit.content" in seen and "flexgit.store" in seen  # the graph was walked


def test_auditing_loads_no_sanitizer_module(tmp_path: Path) -> None:
    """At run time too: every kind of audit, in a fresh interpreter, and
    `flexgit.sanitize` is never loaded (function-level imports included)."""
    script = tmp_path / "run.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from flexgit import audit\n"
        "from flexgit.audit import scan\n"
        "scan.scan_text('secret=Sip-Xq7-93kd alice@acme-telecom.net +44 20 7946 0321')\n"
        "a = audit.Auditor()\n"
        "a.entry('home/x.json', 0o100644, b'{\"name\": \"Alice Johnson\"}')\n"
        "a.field('default_settings', {'smtp_password': 'Sm7pPass!'})\n"
        "assert a.result()\n"
        "bad = sorted(m for m in sys.modules if m.startswith('flexgit.sanitize'))\n"
        "assert not bad, bad\n")
    import subprocess
    import sys

    subprocess.run([sys.executable, str(script)], check=True, capture_output=True)


# --- detectors ----------------------------------------------------------------------


@pytest.mark.parametrize(("line", "rule"), [
    ("secret=Sip-Xq7-93kd", "keyword.secret"),
    ("'db_password' => 'Fx-Db-Pass-2025-Kw8',", "keyword.secret"),
    ('define("DB_PASS", "Tr0ub4dor&3");', "keyword.secret"),
    ("- **Password:** Hk29!xZq", "keyword.secret"),
    ("// old password: Qw3rty-771", "keyword.secret"),
    ("const apiKey = `k3y-9f8e7d6c5b`;", "keyword.secret"),
    ('"session_token": "d38db257b950e3c0a53319508d09c822"', "keyword.secret"),
    ("vmpin = 48261937", "keyword.secret"),
    ("md5_cred=3f2b87129f10be146a079cb508709119", "keyword.secret"),
    ('x = "0TIHgFJcdpkq1B9kUUuAc4Z30hgW6y9qWV9hUyIyjvc"', "entropy.base64"),
    ("id 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08aa", "entropy.hex"),
    ("aws_access_key_id = AKIAIOSFODNN7REALKEY", "vendor.aws"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "vendor.private_key"),
    ("url = https://deploy:Xk29fj2Lq@git.acme-telecom.net/pbx.git", "vendor.basic_auth"),
    ("hook: https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/q8W3e5R7t9Y1u3I5o7P9a1S3",
     "vendor.slack"),
    ("stripe = sk_live_4eC39HqLyjWDarjtT1zdp7dc", "vendor.stripe"),
    ("admin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", "hash.crypt"),
    ("$installerHash = '$2y$10$4W4lrB4M.ucCODU57vH4GUyaOcudgUopekN.3YmYOrlB71lpXKMqb';",
     "hash.crypt"),
    ("h = pbkdf2_sha256$260000$Xa8dLw0q$Rm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==", "hash.pbkdf2"),
    ("user = {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "hash.ldap"),
    ("mysql.user authentication_string *2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",
     "hash.mysql"),
    ("TRUNK=IAX2/acmeiax:Iax-Trunk-Pw-6631@iax.acme-voip.net", "credentials.userinfo"),
    ("register => acmelegacy:Sip-Reg-5521@sip.acme-voip.net/1000", "credentials.userinfo"),
    ("Questions: alice.johnson@acme-telecom.net", "personal.email"),
    ('"phone": "+44 20 7946 0321",', "personal.phone"),
    ("call me at (415) 555-0187", "personal.phone"),
    ('"name": "Alice Johnson",', "personal.name"),
    ('callerid="Bob Martinez" <2002>', "personal.name"),
    ("member => PJSIP/2001,0,Carol Nguyen,PJSIP/2001", "personal.name"),
    ("sshpass -p 'Wq8!zr_Lp3Xe' ssh root@10.0.0.5", "shape.password"),
    ("# root pw on the NAS: pN3pa.*PI%Rt~", "shape.password"),
    ("exten => *90,1,Authenticate(5830271)", "asterisk.pin"),
    ("exten => 8600,1,MeetMe(8600,M,906185)", "asterisk.pin"),
    ("conf => 8600,1318745,257318", "asterisk.pin"),
    ("2003 => -3644710,Katarzyna Lindqvist", "asterisk.pin"),
    ("The conference PIN is 457092.", "keyword.secret"),
    ("Passphrase: orbit thistle nectar river 66", "keyword.secret"),
    ("exten => 2004,1,Set(CALLERID(name)=Chiara Jovanović)", "personal.name"),
    ('"full_name": "Oluwaseun Xiong",', "personal.name"),
    ('<a href="tel:+4930198900">Call support</a>', "personal.phone"),
])
def test_each_detector_finds_its_form(line: str, rule: str) -> None:
    assert rule in rules_of(f"; a file\n{line}\n")


@pytest.mark.parametrize("line", [
    "auth=2001-auth", "aors=2001", "username=2001", "outbound_auth=acme-trunk-auth",
    "password_min_length = 8", "pin_length=4", "type=auth", "auth_type=userpass",
    "tlsprivatekey=/etc/asterisk/keys/asterisk.pem", "dbsecret=/var/lib/asterisk/astdb",
    "$password = $_POST['password'];", "if (password_verify($password, $row['hash'])) {",
    'const token = localStorage.getItem("token");',
    '"home/public_html/.htpasswd": {"mode": "0640", "owner": "flexpbx"},',
    "exten => _NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@acme-trunk)",
    "client_uri=sip:4155550100@sip.acme-voip.net", "contact_user=4155550100",
    "bindaddr=192.168.10.20:5060", "; rotated 2025-09-30 12:00:00, version 1.2.3",
    "secret=FLEXGIT-REDACTED", '"email": "user@example.com",', '"name": "FlexPBX User",',
    '"phone": "+15555550100",', "'$2y$10$FLEXGITREDACTEDPLACEHOFLEXGITREDACTEDPLACEHOLDERHASH.'",
    "register => acmeiax:FLEXGIT-REDACTED@iax.acme-voip.net",
    "commit 4f6c2a1d9e8b7c6a5f4e3d2c1b0a9f8e7d6c5b4a tree "
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    '<img src="logo@2x.png"> '
    'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC',
    '"name": "Main Office",', "noreply@pbx.test, ops@intranet.local, a@example.org",
    "applicationServerKey: 'BMIGF7zM8p7JcZgNJzSlmUqArqft5LOcyca3FNMpBU' // public key",
    "const registrationEndpointStatusChecker2 = 1;",
    ";register => marko:[torkey]@tormenta.linux-support.net",
    ";register => tls://username:xxxxxx@sip-tls-proxy.example.org",
    ";mwi => 1234:password:authuser@myauthprovider.com/1234",
    "; SIP/username[:password[:md5secret[:authname]]]@host[:port]",
    'openssl enc -aes-256-cbc -pbkdf2 -pass env:BACKUP_PASS -in "$OUT"',
    'curl -s -u "$API_USER:$API_PASS" "$API_URL/reload"',
    "UPDATE users SET password_sha1 = '8fc78840c94d4d1c6bc93fb2b435b0bd52348310' WHERE id = 3;",
    "GRANT USAGE ON *.* TO 'r'@'%' IDENTIFIED BY PASSWORD "
    "'*799262E2C8513C3B84B647F25574814E58FA3FCB';",
    '$k = "-----BEGIN PRIVATE KEY-----FLEXGIT-REDACTED-----END PRIVATE KEY-----\\n";',
    "const passwords = { '2001': 'FLEXGIT-REDACTED', '2002': 'FLEXGIT-REDACTED' };",
    ";  IPv4 is supported at the same time using IPv4-mapped IPv6 addresses.)",
    "; In some cases, T.38 endpoints will provide a T38FaxMaxDatagram value",
    "exten => 6245,hint,PJSIP/Grandstream1&PJSIP/Xlite1(Joe Schmoe)",
    ";exten => 6391,1,Dial(JINGLE/asterisk@digium.com/mogorman@astjab.org)",
    "exten => *90,1,Authenticate(1234)", "conf => 8600,0000",
    "Alerts: https://chat.googleapis.com/v1/spaces/AAAAx1y2z3/messages?key=FLEXGIT-REDACTED",
    '"home/public_html/provisioning/cfg000b82aabbcc.xml": {',
])
def test_functional_values_and_placeholders_are_no_findings(line: str) -> None:
    assert rules_of(f"{line}\n") == set()


def test_a_password_file_s_des_hashes() -> None:
    # shape.py flags the random string anywhere; only a password file says it is a DES hash
    assert "hash.des" in rules_of("admin:r8GkQ1dZ5xY2E\n", "home/public_html/.htpasswd")
    assert "hash.des" not in rules_of("admin:r8GkQ1dZ5xY2E\n", "home/public_html/notes.txt")


def test_a_value_in_a_keyword_block_under_a_neutral_name() -> None:
    text = '{\n  "api_keys": {\n    "portal": "fxp_live_9Kq2Wm",\n    "n": 3\n  },\n  "x": 1\n}\n'
    hits = scan.scan_text(text)
    assert {h.line for h in hits} == {3} and "keyword.secret" in {h.rule for h in hits}


# --- sources and output --------------------------------------------------------------


def test_sanitized_sample_is_clean_and_the_same_sample_unsanitized_is_not(env: Env) -> None:
    assert env.run("snapshot", "-t", "flxx").exit_code == 0
    r = env.run("audit")
    assert r.exit_code == 0, r.output
    assert "no secrets found" in r.stdout
    r = env.run("--json", "audit", "--all")
    assert r.exit_code == 0 and json.loads(r.stdout) == [], r.output
    assert env.run("snapshot", "-t", "flxx", "--include-data").exit_code == 0
    with Store.open(private_repo_of(env.home, Profile())) as store:
        found = audit.audit_snapshot(store, "latest")
    assert {f.rule.split(".")[0] for f in found} >= {"keyword", "personal", "hash", "entropy"}


def test_recall_on_a_store_snapshotted_with_the_sanitizer_off(env: Env) -> None:
    """Every line of the private snapshot that holds a planted value must be
    flagged: >= 95% of those locations (the sample's are 88; all are found)."""
    r = env.run("snapshot", "-t", "flxx", "--include-data", "--include-voicemail")
    assert r.exit_code == 0, r.output
    with Store.open(private_repo_of(env.home, Profile())) as store:
        sha = store.resolve("latest")
        planted: set[tuple[str, int]] = set()
        for path, entry in store.read_tree(sha).items():
            text = store.read_blob(entry.sha).decode("utf-8", "surrogateescape")
            for n, line in enumerate(text.split("\n"), 1):
                if any(v in line for v in env.sample.secrets):
                    planted.add((path, n))
        flagged = {(f.where, f.line) for f in audit.audit_snapshot(store, sha)}
    assert len(planted) >= 80
    missed = sorted(planted - flagged)
    assert len(planted & flagged) >= 0.95 * len(planted), missed


def test_a_finding_shows_where_and_rule_never_the_value(env: Env, tmp_path: Path) -> None:
    assert env.run("init").exit_code == 0
    commit_by_hand(env, {
        "system/etc/asterisk/sip.conf": b"[general]\nbindport=5060\n[trunk]\nsecret=RealPass123\n",
        "home/public_html/avatars/alice.johnson@acme-telecom.net.png": b"\x89PNG\r\n\x1a\n",
        "home/public_html/index.php": b"<?php echo 'ok';\n",
    }, message="trunk password=Hunter2-Hunter2")
    r = env.run("audit")
    assert r.exit_code == 4
    sha = env.store().head() or ""
    lines = r.stdout.splitlines()
    assert lines[:3] == [f"commit {sha[:12]}: keyword.secret",
                         "home/public_html/avatars/….png:name: personal.email",
                         "system/etc/asterisk/sip.conf:4: keyword.secret"]
    assert "RealPass123" not in r.output and "Hunter2" not in r.output
    assert "alice.johnson" not in r.output
    fp = fingerprint("keyword.secret", "system/etc/asterisk/sip.conf", "RealPass123")
    r = env.run("audit", "--verbose")
    assert f"system/etc/asterisk/sip.conf:4: keyword.secret  [{fp}]" in r.stdout
    found = json.loads(env.run("--json", "audit", "--all").stdout)
    assert {(f["path"], f["kind"]) for f in found} >= {
        ("system/etc/asterisk/sip.conf", "line"), (f"commit {sha[:12]}", "message")}
    assert "RealPass123" not in json.dumps(found)
    # The profile acknowledges findings by fingerprint.
    every = [f["fingerprint"] for f in json.loads(env.run("--json", "audit").stdout)]
    cfg = tmp_path / "ack.toml"
    cfg.write_text(f"[audit]\nallow = {json.dumps(every)}\n")
    r = env.run("--config", str(cfg), "audit")
    assert r.exit_code == 0, r.output
    assert f"no secrets found ({len(every)} acknowledged in the profile)" in r.stdout


def test_backup_file_entries_and_values(env: Env) -> None:
    f = legacy_file(env.tmp / "old.flx", {"etc/asterisk/pjsip.conf": b"[t]\npassword=Xy7Pass9\n"},
                    file_count=1)
    r = env.run("--json", "audit", str(f))
    assert r.exit_code == 4 and "Xy7Pass" not in r.stdout and "Sm7pPass" not in r.stdout
    assert {x["path"] for x in json.loads(r.stdout)} == {"system/etc/asterisk/pjsip.conf",
                                                         "default_settings"}
    assert env.run("snapshot").exit_code == 0
    out = json.loads(env.run("--json", "export").stdout)["path"]
    assert env.run("audit", out).exit_code == 0


def test_profile_allow_list_takes_fingerprints_only(tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text('[audit]\nallow = ["0123456789abcdef"]\n')
    assert load(cfg).audit_allow == {"0123456789abcdef"}
    cfg.write_text('[audit]\nallow = ["RealPass123"]\n')
    with pytest.raises(BadInput, match="is not a fingerprint"):
        load(cfg)


# --- failing closed -------------------------------------------------------------------


def _tamper(env: Env, path: str, data: bytes) -> None:
    """A snapshot whose `path` holds what the sanitizer should have removed:
    the latest snapshot's files with one changed, committed with C git."""
    store = env.store()
    head = store.head() or ""
    files = {p: store.read_blob(e.sha) for p, e in store.read_tree(head).items()}
    files[path] = data
    commit_by_hand(env, files, message="tampered")


def test_export_refuses_a_finding_and_leaves_no_file(env: Env, tmp_path: Path) -> None:
    assert env.run("snapshot").exit_code == 0
    first = json.loads(env.run("--json", "export").stdout)["path"]
    backup = env.home / "backup"
    before = sorted(os.listdir(backup))
    _tamper(env, "system/etc/asterisk/manager.conf",
            b"[general]\nenabled = yes\n\n[flexpbx]\nsecret = Ami-Secret-Flex-9134\n")
    r = env.run("export")
    assert r.exit_code == 4
    fp = fingerprint("keyword.secret", "system/etc/asterisk/manager.conf", "Ami-Secret-Flex-9134")
    lines = r.stderr.rstrip("\n").split("\n")
    assert lines[0].startswith("Error: export of snapshot ")
    assert lines[0].endswith(": refused, the audit found 1 possible secret(s) or personal data "
                             "(path:line: rule [fingerprint]; values are never shown):")
    assert lines[1] == f"  system/etc/asterisk/manager.conf:5: keyword.secret  [{fp}]"
    assert lines[2] == audit.gate.HOW_TO_ACKNOWLEDGE and len(lines) == 3
    assert "Ami-Secret" not in r.output
    assert sorted(os.listdir(backup)) == before  # no partial file, no temp
    assert os.readlink(backup / "latest.flx") == Path(first).name
    cfg = tmp_path / "ack.toml"
    cfg.write_text(f'[audit]\nallow = ["{fp}"]\n')
    r = env.run("--config", str(cfg), "export")
    assert r.exit_code == 0, r.output
    assert os.readlink(backup / "latest.flx") != Path(first).name


def test_export_of_the_private_store_is_not_audited(env: Env) -> None:
    assert env.run("snapshot", "--include-data").exit_code == 0
    with Store.open(private_repo_of(env.home, Profile())) as store:
        assert audit.audit_snapshot(store, "latest")  # user data, by design
    from flexgit import lifecycle
    from flexgit.app import Context

    ctx = Context.from_options(home=str(env.home), root=str(env.root), repo=str(env.repo),
                               config=None)
    done = lifecycle.export_backup(ctx, private=True, extras=False)
    assert done.result.path.name.startswith("flexpbx-private-")


def test_sample_secrets_are_the_planted_values() -> None:
    assert "Ami-Secret-Flex-9134" in dict.fromkeys(sample._SECRETS.values())


def test_no_finding_on_what_the_sanitizer_leaves_of_keys_and_dids() -> None:
    """A key block with a redacted body and a routed DID are no findings: a
    clean installation's export must not be blocked by them."""
    from flexgit.audit.scan import scan_text

    assert scan_text("-----BEGIN PRIVATE KEY-----\nFLEXGIT-REDACTED\nFLEXGIT-REDACTED\n"
                     "-----END PRIVATE KEY-----\n", "system/etc/asterisk/keys/a.key") == []
    assert scan_text("[from-trunk]\nexten => +4930120777124,1,Goto(ivr,s,1)\n",
                     "system/etc/asterisk/extensions.conf") == []
    live = scan_text("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIDv0e1yZx3b\n"
                     "-----END PRIVATE KEY-----\n", "system/etc/asterisk/keys/a.key")
    assert {h.rule for h in live} >= {"vendor.private_key"}
