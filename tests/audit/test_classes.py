"""The audit's detectors by class of what the red teams' corpora hid from it
(docs/performance.md, "Audit recall, by class"): each form must be found,
each functional look-alike must not, and the audit's own sweep, archives and
legacy encodings must reach what a line-by-line reading cannot."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import pytest

from flexgit import audit
from flexgit.audit import scan, words
from flexgit.audit.findings import LINE, NAME


def rules_of(text: str, path: str = "home/public_html/notes.txt") -> set[str]:
    return {h.rule for h in scan.scan_text(text, path)}


@pytest.mark.parametrize(("line", "rule"), [
    # random tokens whose letters happen to make runs: read by letter pairs, not vowels
    ("<Note>XlyPKlpfe5+_5q^a</Note>", "shape.password"),
    ('<input value="K5QaaNlivi8H!6" type="password" name="pw2">', "shape.password"),
    ('$link = mysqli_connect("127.0.0.1", "root", "8CTERQzXtFUG!9");', "shape.password"),
    ("const blob = atob('TkVILngmbjdmaUciaEN5L1Ri');", "entropy.base64"),
    # letter-only tokens, prefixed hex, checksum lengths under a secret's key
    ("API_TOKEN=fimGlqOyKUpmIEBIBFVJkRFxZnXpMFeCPk", "entropy.base64"),
    ("Restricted key: rk_live_fuJqGyFpODsuLVLpROvfmusp", "vendor.stripe"),
    ("$mg = Mailgun::create('key-4fecae6ac0c85e793077d096f863eb90');", "entropy.hex"),
    ("doctl auth init -t dop_v1_e01dc282be6409e05397a5011b43e72555470983292e963cb855d8b7d5ed8821",
     "entropy.hex"),
    ("Private-MAC: 0a9034ac696f5e6da914eb1f26a5af854ba062ef", "entropy.hex"),
    ('    "private_key_id": "e87a6738f051667d3b0ad1f2433421547ef41085",', "entropy.hex"),
    ("sessionkey=188d062456f1480c1d10440bd0f2ea9156934543", "entropy.hex"),
    # URLs
    ("https://radio:Msxr4ihjqKee#7@stream.example.com/live", "url.userinfo"),
    ("$r = new Redis('redis://:MFwABE29gr3q#4@127.0.0.1');", "url.userinfo"),
    ("url=http://streams.example.net/moh.mp3?key=5uLYVhedihlh3Bs3iwkg5Qxv", "url.query"),
    ('# 15 3 * * * curl -fsS "https://hc-ping.com/4cb74d85-24d2-97d8-1aad-a7906817f51e"',
     "url.hook"),
    # command lines and keys
    ("lftp -u backupuser,oZ0WI07CWICe!7 sftp://backup.example.com", "credentials.userinfo"),
    ("$p = proc_open(['smbclient', '//nas/pbx', '-U', 'backup%XhzeGl8_BOoIVk8COkl'], $s, $p);",
     "credentials.userinfo"),
    ("mysqldump -u flexpbx -pLpflpQo6f9tp-z6 --single-transaction flexpbx", "credentials.userinfo"),
    ("dbpass=W79HJ2Q71G27#7", "keyword.secret"),
    ('    "app_password": "igtk xtvl gkcu djjq"', "keyword.secret"),
    ("if ('6152324' == $_POST['pin']) {", "keyword.secret"),
    ("password = FLEXGIT-REDACTED ; set 158636 for reset", "keyword.secret"),
    ("outbound_auth/password=BpeC2R%2oRAlhljz", "shape.password"),
    ("exten => 8000,1,ConfBridge(8000,default_bridge,default_user,6172)", "asterisk.pin"),
    ('  "hash": "pbkdf2:sha256:600000$V8NwsNK4FRtgJWmf$43e599b7fd3446936c104fc0ed47e5a782c388fc"',
     "hash.pbkdf2"),
    # values an encoding hides
    ("$cfg = json_decode(base64_decode('eyJwYXNzd29yZCI6ICI4end5dU5FYnB5OXIlNyJ9'), true);",
     "encoded.keyword.secret"),
    ('  "pw": "\\u0047\\u007a\\u0043\\u006c\\u0030\\u0056\\u006b\\u004d\\u004c\\u0079\\u0078'
     '\\u0058\\u0021\\u0034",', "encoded.keyword.secret"),
    # phones in the formats of their countries, and dialled through a channel
    ('    "mobile": "06 95 28 79 26"', "personal.phone"),
    ("Support: call 07721 119027 today.", "personal.phone"),
    ("or 0033 1 31 26 94 63.", "personal.phone"),
    ("Japan: 090-4150-5112", "personal.phone"),
    ("NL: +31 6 73839574", "personal.phone"),
    ("// escalate to +34 612 31 32 21 after 3 failures", "personal.phone"),
    ("; Beatriz Iwasaki mobile: 010 128 5085", "personal.phone"),
    ("exten => 7004,1,Dial(PJSIP/15033211290@callcentric-trunk)", "personal.phone"),
    ("member => Local/7029514367@from-internal/n,0,Mobile", "personal.phone"),
    # national numbers (trunk prefix 0) dialled through a channel
    ("member => Local/07400124539@from-internal/n,0,Mobile", "personal.phone"),
    ("exten => 7000,1,Dial(Local/0612362582@from-internal/n,30)", "personal.phone"),
    ("same => n,Dial(SIP/015123425401@trunk,20)", "personal.phone"),
    # names where no key names them, or a key of their own
    ("; Bogdan Thorvaldsen asked for the night mode", "personal.name"),
    ("<ul><li>Mirela Abernathy</li></ul>", "personal.name"),
    ("Office manager: Dagny Szczepanski", "personal.name"),
    ("    <P3>Cosimo Fairweather</P3>", "personal.name"),
    ("; responsable: José Eriksdottir (téléphone)", "personal.name"),
    ("callerid=Thandiwe Hargreaves <2102>", "personal.name"),
    ("member => PJSIP/1001,0,Quillon Quartermaine", "personal.name"),
    ("This configuration is maintained by Nkechi Zielinski.", "personal.name"),
    ("Written by Mirabel Papadopoulos.", "personal.name"),
    # a sender's and a phone's display name, whatever the first name
    ("fromaddress=Haruto Okonkwo", "personal.name"),
    ('<reg reg.1.label="Kwame N\u00f8rgaard" reg.1.address="2004"/>', "personal.name"),
    ('<user_realname idx="1" perm="">Oluwaseun Vasquez-Lindqvist</user_realname>',
     "personal.name"),
    ("<P3>Oluwaseun Pemberton</P3>", "personal.name"),
    # rows of a table of people: several on one line, no column list
    ("INSERT IGNORE INTO contacts(name,phone) VALUES('Reception','2001'),"
     "('Haruto Okonkwo','07400150974');", "personal.phone"),
    ("REPLACE INTO staff VALUES (3,'Haruto Okonkwo','+44 7400 150974',NOW());",
     "personal.name"),
    ("UPDATE contacts SET notes = 'x', cell = '07400150974' WHERE id = 4;", "personal.phone"),
    ("\t\t$db->query(\"INSERT INTO contacts (name, mobile) VALUES ('Haruto Okonkwo', "
     "'07400150974')\");", "personal.phone"),
])
def test_each_class_form_is_found(line: str, rule: str) -> None:
    assert rule in rules_of(f"# a file\n{line}\n"), rules_of(f"# a file\n{line}\n")


@pytest.mark.parametrize("line", [
    "function flexpbx_module_0001_rows(): array",
    "require 'modules/g113/admin-voicemail-04558.php';",
    '     "home": "/var/spool/flexpbx/restore-101-nlq6cxx2/home",',
    ";auth=mytrunk_auth", ";outbound_auth=1000-auth", ";dbsecret=mysecrets/place",
    ";tlsprivatekey=/tmp/private.pem ; path to the private key",
    "exten => 8700,1,Set(CONFBRIDGE(user,pin)=FLEXGIT-REDACTED)",
    "The SIP secret for 1001 is FLEXGIT-REDACTED.",
    "INSERT INTO sip_peers (name, secret) VALUES ('1001', 'FLEXGIT-REDACTED');",
    "UPDATE sip_accounts SET secret = 'FLEXGIT-REDACTED' WHERE extension = '2001';",
    'printf "Secret: FLEXGIT-REDACTED\\r\\n\\r\\n" | nc -q 2 127.0.0.1 5038',
    "bypass=yes", "spin = 1000",
    'mysql -u root -p"$DB_PASS" flexpbx', "mysql -u root -p flexpbx",
    'curl -u "$API_USER:$API_PASS" "$API_URL/reload"',
    "git clone https://github.com/foo/bar?ref=main",
    ";member => Local/1001@agents,0,Lorem Ipsum,Agent:1001",
    "Music On Hold and Night Mode with Ring Group; Will Call the Max Retries",
    "exten => +4930120777124,1,Goto(ivr,s,1)",
    "; rotated 2025-09-30 12:00:00, version 1.2.3, port 05060",
    "Authorization: Basic YWRtaW46YWRtaW4=",
    "const registrationEndpointStatusChecker2 = getElementsByTagName('x');",
    # the sanitizer's name placeholder, whole and in halves; functional labels
    "UPDATE users SET full_name = 'FlexPBX User', mobile = '+15555550100' WHERE id = 3;",
    "INSERT INTO contacts SET display_name = 'FlexPBX User', phone = '+15555550100';",
    "$contact = 'FlexPBX User';",
    '{\n  "first": "FlexPBX",\n  "last": "User"\n}',
    '{\n  "given": "FlexPBX",\n  "family": "User",\n  "role": "Director"\n}',
    "member => Local/2001@from-internal/n,0,Front Desk",
    "member => PJSIP/2002,0,Main Office",
    "update queues set name='Night Shift' where id=3;",
    "UPDATE `users` SET `name` = 'Reception', phone = '2001' WHERE id = 1;",
    "account.2.label = 2004",
    'reg.1.label="Help Desk"',
    # SQL rows of functional values: extensions, queues, call records
    "INSERT INTO extensions (extension, name, context) VALUES ('2001', 'Reception', 'internal');",
    "INSERT INTO queues VALUES ('sales', 'ringall', 30, 2024031412);",
    "INSERT INTO people VALUES (7, 'x7', 'FlexPBX User', '+15555550100', NOW());",
    "COPY cdr (src, dst, duration) FROM stdin;\n2001\t2002\t35\n3125550143\t2001\t12\n\\.",
    "INSERT INTO staff (id, display_name, phone) VALUES\n  (1, 'Night Shift', '2001'),\n"
    "  (2, 'FlexPBX User', '+15555550100');",
])
def test_functional_look_alikes_are_no_findings(line: str) -> None:
    assert rules_of(f"{line}\n") == set()


def test_words_are_told_from_random_letters() -> None:
    for word in ("registrationEndpoint", "T38FaxMaxDatagram", "Grandstream", "webhook"):
        assert words.word_share(word) >= 0.5, word
    for drawn in ("Lngmbjdma", "XlyPKlpfe", "fimGlqOyKUpmIEBIBF"):
        assert words.word_share(drawn) < 0.3, drawn


def test_people_in_a_list_or_map_of_people_and_first_and_last_keys() -> None:
    text = ('{\n  "staff": [\n    {\n      "name": "Emeka Nwachukwu",\n      "ext": "2001"\n'
            '    }\n  ],\n  "queues": [\n    {"name": "Main Office"}\n  ],\n'
            '  "contact": {\n    "first": "Valentin",\n    "last": "Kowalczyk"\n  }\n}\n')
    hits = {(h.line, h.value) for h in scan.scan_text(text) if h.rule == "personal.name"}
    assert hits == {(4, "Emeka Nwachukwu"), (12, "Valentin"), (13, "Kowalczyk")}


_SQL = """CREATE TABLE `directory` (
  `id` int NOT NULL AUTO_INCREMENT,
  `full_name` varchar(128) DEFAULT NULL,
  `cell` varchar(32),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB;
INSERT INTO extensions (extension, name) VALUES ('2001', 'Reception');
INSERT INTO `directory` VALUES (1,'Nkechi Cavendish','07400150974');
INSERT INTO "contacts" ("id", "given_name", "surname", "tel") VALUES
  (1, 'Eudoxia', 'Ellingboe', '3124514152'),
  (2, 'Wenceslas', 'Kilbride-Moore', 0412359292);
COPY public.staff (id, display_name, phone) FROM stdin;
1\tHaruto Jankowski\t0612388109
2\tLorcan Hoffmeister\t+44 7400 150974
\\.
INSERT INTO people VALUES (7, 'x7', 'Oluwaseun Sandoval', '8089789325', NOW());
"""


def test_people_in_sql_rows_by_column_list_schema_copy_and_table() -> None:
    hits = {(h.line, h.rule, h.value) for h in scan.scan_text(_SQL, "home/schema/dump.sql")}
    name, phone = "personal.name", "personal.phone"
    assert hits == {
        (8, name, "Nkechi Cavendish"), (8, phone, "07400150974"),
        (10, name, "Eudoxia"), (10, name, "Ellingboe"), (10, phone, "3124514152"),
        (11, name, "Wenceslas"), (11, name, "Kilbride-Moore"), (11, phone, "0412359292"),
        (13, name, "Haruto Jankowski"), (13, phone, "0612388109"),
        (14, name, "Lorcan Hoffmeister"), (14, phone, "+44 7400 150974"),
        (16, name, "Oluwaseun Sandoval"), (16, phone, "8089789325")}, hits


def test_split_first_and_last_names_with_an_unknown_first_name() -> None:
    text = '{\n  "contact": {\n    "first": "Lysander",\n    "last": "Castelnuovo"\n  }\n}\n'
    hits = {(h.line, h.value) for h in scan.scan_text(text) if h.rule == "personal.name"}
    assert hits == {(3, "Lysander"), (4, "Castelnuovo")}
    # on one line, in PHP, in SQL: the pair of keys is what says person
    for line in ('{"first": "Lysander", "last": "Castelnuovo"}',
                 "$p = ['firstName' => 'Lysander', 'lastName' => \"O'Castelnuovo\"];",
                 "UPDATE contacts SET first_name = 'Lysander', last_name = 'Castelnuovo';"):
        values = {h.value for h in scan.scan_text(line + "\n") if h.rule == "personal.name"}
        assert values >= {"Lysander"} and len(values) == 2, (line, values)
    # a first name alone, unknown to the name list, is not enough
    assert rules_of('{"first": "Lysander", "count": 3}\n') == set()


def test_a_directory_of_people_names_a_person_whatever_the_first_name() -> None:
    a = audit.Auditor()
    for path in ("home/public_html/clients/Hyun-woo Zielinski/price-list.txt",
                 "home/public_html/customers/Lorcan Yamamoto/notes.txt",
                 "home/public_html/clients/Main Office/rates.txt",
                 "home/public_html/docs/Release Notes/v2.txt",
                 "home/users/2001.json"):
        a.entry(path, 0o100644, b"Standard rates apply.\n")
    assert {f.where for f in a.result() if f.kind == NAME} == {
        "home/public_html/clients/\u2026/price-list.txt",
        "home/public_html/customers/\u2026/notes.txt"}
    assert ("personal.name", "Hyun-woo Zielinski") in {
        (h.rule, h.value) for h in scan.scan_text("; ask Hyun-woo Zielinski first\n")}


def _content(data: bytes, path: str) -> set[tuple[str, str]]:
    return {(h.rule, h.value) for h in scan.scan_content(data, path).hits}


def test_archives_are_read_member_by_member() -> None:
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w:gz") as t:
        body = b"[general]\npassword=Zq8!rT5xKp2\n"
        info = tarfile.TarInfo("etc/asterisk/x.conf")
        info.size = len(body)
        t.addfile(info, io.BytesIO(body))
    assert ("keyword.secret", "Zq8!rT5xKp2") in _content(tar.getvalue(), "site.tar.gz")
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("a.conf", "secret = Wq9#kL2mZp4x\n")
    assert ("keyword.secret", "Wq9#kL2mZp4x") in _content(z.getvalue(), "configs.zip")
    assert ("keyword.secret", "Vb7$nM3qLp8w") in _content(
        gzip.compress(b"token=Vb7$nM3qLp8w\n"), "notes.txt.gz")
    # damaged: what could be read before the damage, and no error
    assert _content(gzip.compress(b"x" * 100)[:-6], "broken.gz") == set()


def test_legacy_bytes_neither_hide_nor_join_a_value() -> None:
    # cp1252 quotes around a value; NULs between the fields of a data file
    assert ("keyword.secret", "v6j9f2~d167F") in _content(
        b"Password: \x93v6j9f2~d167F\x94 caf\xe9\n", "ops-notes.txt")
    assert ("keyword.secret", "S8VsWzpvq9bf#4") in _content(
        b"FLXDAT\x00\x01\x00password=S8VsWzpvq9bf#4\x00\x00token=N9PPVLjPeMeSzte\n", "blob.dat")


def test_a_value_found_once_is_found_wherever_it_is_repeated() -> None:
    a = audit.Auditor()
    a.entry("home/users/2001.json", 0o100644,
            b'{\n "name": "Leilani Brennan",\n "pin": "859984",\n "note": "Kx9.mQ!r2T"\n}\n')
    a.entry("home/public_html/docs/TRUNKS.md", 0o100644,
            b"# Trunks\n\nMailbox 2120 now uses 859984.\nFor Leilani Brennan, call first.\n"
            b"Extension 2001 is hers; the code 8599840 is another number.\n")
    a.entry("home/public_html/js/x.js", 0o100644, b"const n = atob('S3g5Lm1RIXIyVA==');\n")
    found = {(f.where, f.line, f.rule) for f in a.result() if f.kind == LINE}
    assert ("home/public_html/docs/TRUNKS.md", 3, "repeated.keyword.secret") in found
    assert any(w == "home/public_html/docs/TRUNKS.md" and n == 4 for w, n, _ in found)
    assert not any(w == "home/public_html/docs/TRUNKS.md" and n == 5 for w, n, _ in found)
    assert any(w == "home/public_html/js/x.js" and n == 1 for w, n, _ in found)


def test_base64_of_plain_words_is_not_a_password() -> None:
    """`atob('aGVsbG8gd29ybGQ=')` is "hello world": its shape says nothing;
    the decoded text is what the encoded-literal detector reads."""
    from flexgit.audit.shape import password_shaped

    assert not password_shaped("aGVsbG8gd29ybGQ=")
    assert password_shaped("Xk9fPq2L!mZ7+w")
