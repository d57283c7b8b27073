"""Class `encoding` (secrets in Latin-1, cp1252, UTF-16/32 with BOM, UTF-8 with
BOM, CRLF files, files with a NUL or an invalid UTF-8 byte), class `userdata`
(files that are user data by kind wherever they live: rotated and compressed
logs, cache*/tmp*/sessions* directories, voicemail, recordings, monitor, CDR,
uploads, databases, *.bak, archives, key stores) and class `names` (values in
file and directory names, symlink targets and the snapshot message)."""

from __future__ import annotations

import gzip
import io
import sqlite3
import tarfile
import zipfile

from tests.sanitize.redteam.builder import Builder, Scope

H = "home/public_html/"
E = "system/etc/asterisk/"
B = "system/usr/local/bin/"

WAV = b"RIFF\x24\x7d\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00" \
      b"\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x7d\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"

# (idiom, path, codec, crlf, fixed text that gives the file its encoding, template)
ENCODED: list[tuple[str, str, str, bool, str, str]] = [
    ("latin1-pjsip", E + "pjsip_branch.conf", "latin-1", False,
     "; Café office - salle de réunion",
     "[3001-auth]\n⊙type=auth\n⊙username=3001\npassword=«pw»\n\n[3001]\n⊙type=endpoint\n"
     'callerid="«name»" <3001>\n⊙auth=3001-auth'),
    ("latin1-php", H + "includes/legacy_config.php", "latin-1", False,
     "// Configuración de la centralita (año 2019)", "$db_pass = '«pw»';\n$contact = '«name»';"),
    ("latin1-md", H + "docs/INSTALLATION_fr.md", "latin-1", False,
     "# Installation rapide\n\nÉtape 1 : créer le compte.",
     "Mot de passe de l'administrateur : «pw»"),
    ("latin1-voicemail", E + "voicemail_branch.conf", "latin-1", False, "; Zürich office",
     "[branch]\n3002 => «pin»,«name»,«email»"),
    ("nul-conf", E + "sip_nul.conf", "utf-8", False, "; exported by the provisioning tool\x00",
     "[4001]\n⊙type=friend\nsecret=«pw»"),
    ("nul-env", H + "config/.env.local", "utf-8", False, "\x00\x00\x00\x00",
     "API_TOKEN=«token»"),
    ("utf16le-ini", H + "config/windows-sync.ini", "utf-16-le", True, "; saved by Notepad",
     "[sync]\nserver=crm.internal\npassword=«pw»"),
    ("utf16be-xml", H + "provisioning/phonebook-utf16.xml", "utf-16-be", False, "",
     "<Entry><Name>«name»</Name><Phone>«phone»</Phone></Entry>\n<Password>«pw»</Password>"),
    ("utf16le-md", H + "docs/NOTES-windows.md", "utf-16-le", True, "# Notes from the old PC",
     "Password: «pw»"),
    ("utf32-txt", H + "admin/export-utf32.txt", "utf-32-le", False, "exported settings",
     "smtp_password=«pw»"),
    ("invalid-utf8-sh", B + "flexpbx-legacy-sync", "utf-8", False,
     "# r\udce9sum\udce9 of the nightly sync", "mysql -u sync -p«pws» flexpbx -e 'SELECT 1'"),
    ("invalid-utf8-php", H + "includes/old_strings.php", "utf-8", False,
     "// Men\udcfa principal", "$api_key = '«token»';"),
    ("crlf-conf", E + "iax_windows.conf", "utf-8", True, "; edited on Windows",
     "[branch2]\n⊙type=friend\nsecret=«pw»"),
    ("utf8-bom-php", H + "includes/bom_config.php", "utf-8-sig", False, "",
     "$smtp_pass = '«pw»';"),
    ("cp1252-quotes", H + "docs/ops-notes.txt", "cp1252", True, "Ops notes \u2013 read me",
     "Password: “«pw»”"),
]

# (idiom, path, template): text files that are user data by kind
USER_TEXT: list[tuple[str, str, str]] = [
    ("log-rotated", H + "logs/flexpbx.log.1",
     "2025-03-14 10:15:02 login ok user=2001 from 203.0.113.7 token=«token»"),
    ("logs-old-dir", H + "logs.old/access_log-20250301", '203.0.113.9 - «email» '
     '[01/Mar/2025:10:00:00 +0000] "GET /portal/ HTTP/1.1" 200 512'),
    ("error-log-rotated", H + "api/error_log-20250301",
     "[01-Mar-2025 10:00:00 UTC] PHP Warning: login failed for «email»"),
    ("cache-dir-variant", H + "cache-store/avatar-map.txt", "«email» -> 1f3a.png"),
    ("tmp-dir-variant", H + "tmp_uploads/import-2025-03.csv", "name,phone\n«name»,«phone»"),
    ("tmp-dir", H + "tmp/upload_5f3a.tmp", "«name»;«phone»"),
    ("sessions-dir-variant", H + "sessions_backup/sess_9f3a2b",
     'auth|b:1;user|s:4:"2001";token|s:32:"«hex32»";'),
    ("sessions-nested", H + "storage/framework/sessions/Xy12abcDEF",
     'a:1:{s:5:"email";s:30:"«email»";}'),
    ("sess-file", H + "sess_7d2c9e1f", 'user|s:4:"2002";pin|s:8:"«pin»";'),
    ("voicemail-msg", H + "voicemail/default/2001/INBOX/msg0000.txt",
     '[message]\norigmailbox=2001\ncallerid="«name»" <«e164»>\n'
     "origdate=Fri Mar 14 10:15:00 AM UTC 2025\nduration=17"),
    ("cdr-master-csv", H + "cdr/Master.csv", '"","«e164»","2001","from-internal",'
     '"""«name»"" <«e164»>","PJSIP/trunk-00000001","PJSIP/2001-00000002","Dial",'
     '"PJSIP/2001,20","2025-03-14 10:15:00","2025-03-14 10:15:03","2025-03-14 10:16:00",'
     '60,57,"ANSWERED","DOCUMENTATION","1710411300.1",""'),
    ("cdr-report", H + "reports/cdr-2025-03.csv",
     "date,src,dst,duration\n2025-03-14,«e164»,2001,57"),
    ("bak-php", H + "includes/config.php.bak", "<?php\n$db_pass = '«pw»';"),
    ("bak-json", H + "api/users.json.bak", '{"2001": {"password": "«pw»"}}'),
    ("bak-conf", E + "pjsip.conf.bak", "[2001-auth]\ntype=auth\npassword=«pw»"),
]


def _gz(b: Builder, idiom: str, path: str, template: str) -> None:
    b.begin(idiom, path)
    text = b.fill("userdata", "userdata." + idiom, path, template) + "\n"
    b.binary(path, gzip.compress(text.encode(), mtime=0), text)
    b.user_data("userdata." + idiom, path)


def _archives(b: Builder) -> None:
    _gz(b, "log-rotated-gz", H + "logs/flexpbx.log.2.gz",
        "2025-03-13 09:01:44 sms sent to «phone»")
    _gz(b, "sql-dump-gz", H + "backups/db-2025-03-01.sql.gz",
        "INSERT INTO users (username, password) VALUES ('admin', '«pw»');")
    path = H + "backups/site-2025-03-01.tar.gz"
    b.begin("archive-tar", path)
    inner = b.fill("userdata", "userdata.archive-tar", path, "<?php\n$db_pass = '«pw»';\n")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = inner.encode()
        info = tarfile.TarInfo("public_html/config.php")
        info.size, info.mtime = len(data), 1_710_000_000
        tar.addfile(info, io.BytesIO(data))
    b.binary(path, buf.getvalue(), inner)
    b.user_data("userdata.archive-tar", path)
    path = H + "downloads/configs.zip"
    b.begin("archive-zip", path)
    inner = b.fill("userdata", "userdata.archive-zip", path, "[2001-auth]\npassword=«pw»\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:  # stored: the text is in the bytes
        z.writestr(zipfile.ZipInfo("pjsip.conf", (2025, 3, 1, 0, 0, 0)), inner)
    b.binary(path, buf.getvalue())
    b.user_data("userdata.archive-zip", path)


def _databases(b: Builder) -> None:
    for idiom, path, rows in (
        ("sqlite-users", H + "data/flexpbx.sqlite",
         [("«name»", "«email»", "«pw»"), ("«name_2»", "«email_2»", "«pw_2»")]),
        ("sqlite-astdb", H + "db/astdb.sqlite3", [("/AMPUSER/2001/password", "«pin»", "")]),
    ):
        b.begin(idiom, path)
        con = sqlite3.connect(":memory:")
        con.execute("CREATE TABLE t (a TEXT, b TEXT, c TEXT)")
        scope = Scope()
        filled = [tuple(b.fill("userdata", "userdata." + idiom, path, x, scope) for x in r)
                  for r in rows]
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", filled)
        con.commit()
        b.binary(path, con.serialize())
        con.close()
        b.user_data("userdata." + idiom, path)


def plant(b: Builder) -> None:
    for idiom, path, codec, crlf, fixed, template in ENCODED:
        if b.skipped("encoding." + idiom):
            continue
        b.doc(path, codec=codec, crlf=crlf)
        if fixed:
            b.raw(path, fixed)
        b.put("encoding", "encoding." + idiom, path, template)
    for idiom, path, template in USER_TEXT:
        b.put("userdata", "userdata." + idiom, path, template)
        b.user_data("userdata." + idiom, path)
    _archives(b)
    _databases(b)
    for idiom, path, data in (
        ("voicemail-wav", H + "voicemail/default/2001/INBOX/msg0000.wav", WAV),
        ("voicemail-api-dir", H + "api/voicemail/2003/INBOX/msg0001.wav", WAV),
        ("monitor-dir", H + "monitor/q-support-20250314-101500.wav", WAV),
        ("uploads-fax", H + "uploads/fax/inbound-20250314.pdf", PDF),
        ("keystore-p12", H + "keys/client.p12", b"0\x82\x0a\x1f\x02\x01\x03" + bytes(64)),
        ("keystore-jks", H + "keys/pbx.jks", b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + bytes(64)),
    ):
        b.binary(path, data)
        b.user_data("userdata." + idiom, path)
    for idiom, template, data in (
        ("recording-named-by-caller",
         H + "recordings/2025/03/14/out-«e164»-2001-20250314-101500.wav", WAV),
        ("uploads-avatar-email", H + "uploads/avatars/«email».png", b"\x89PNG\r\n\x1a\n"),
    ):
        path = b.named("userdata", "userdata." + idiom, template, data)
        b.user_data("userdata." + idiom, path)
    b.named("names", "names.file-email", H + "assets/team/«email».jpg", JPEG)
    b.named("names", "names.dir-person", H + "clients/«name»/price-list.txt",
            b"Standard rates apply.\n")
    b.named("names", "names.file-token", H + "share/s_«token».html",
            b"<p>Shared call list</p>\n")
    b.named("names", "names.file-phone", H + "assets/qr/call-«e164».png", b"\x89PNG\r\n\x1a\n")
    b.symlink("names", "names.symlink-email", H + "portal/me.json", "../../users/«email».json")
    b.symlink("names", "names.symlink-token", H + "share/latest.html", "s_«token».html")
    b.message("trunk password=«pws» after the provider reset; new AMI secret «pw», "
              "agreed with «name» on «phone»")
