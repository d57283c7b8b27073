"""Must-keep lines: functional values next to the plants that a sanitizer must
leave byte-identical (variables, placeholders, policy numbers, paths, section
names, dialplan patterns, the sudoers rules), and the real Asterisk sample
configurations as the base of the live .conf files, their section names kept."""

from __future__ import annotations

import re
from pathlib import Path

from tests.sanitize.redteam.builder import Builder

H = "home/public_html/"
E = "system/etc/asterisk/"
B = "system/usr/local/bin/"
CFG = "home/flexpbx-config.json"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "corpus" / "asterisk"
SECTION = re.compile(r"^\[[^\]]+\]")

LINES: list[tuple[str, str, str]] = [
    ("php-post-password", H + "api/login.php", "$password = $_POST['password'];"),
    ("php-post-coalesce", H + "api/login.php", "$pass = $_POST['pass'] ?? '';"),
    ("php-password-hash", H + "api/login.php",
     "$hash = password_hash($password, PASSWORD_DEFAULT);"),
    ("php-array-variable", H + "api/login.php", "$row = [\n    'username' => $username,\n"
     "    'password' => $password,\n];"),
    ("php-getenv", H + "includes/bootstrap.php", "$dbPassEnv = getenv('DB_PASS');"),
    ("php-define-min-length", H + "includes/bootstrap.php", "define('PASSWORD_MIN_LENGTH', 10);"),
    ("php-wp-placeholder", H + "blog/wp-config.php",
     "define('LOGGED_IN_KEY', 'put your unique phrase here');"),
    ("php-placeholder-key", H + "config.php", "$api_key = 'YOUR_API_KEY_HERE';"),
    ("php-placeholder-password", H + "config.php", "$db_password = 'YOUR_PASSWORD_HERE';"),
    ("html-password-input", H + "docs/setup-guide.html",
     '<input type="password" name="password" placeholder="Enter password" required>'),
    ("html-password-label", H + "docs/setup-guide.html", '<label for="password">Password</label>'),
    ("js-env-reference", H + "node/server.js",
     "const dbConfig = {\n  user: 'flexpbx',\n  password: process.env.DB_PASS,\n};"),
    ("js-min-length", H + "js/config.js", "const PASSWORD_MIN_LENGTH = 10;"),
    ("env-example", H + ".env.example", "DB_PASSWORD=${DB_PASSWORD}\n"
     "SMTP_PASSWORD=YOUR_PASSWORD_HERE\nAPI_KEY=<your-api-key>\nADMIN_PASSWORD="),
    ("sh-variables", B + "flexpbx-backup", 'BACKUP_DIR="$HOME/backup"\n'
     'mysql -u "$DB_USER" -p"$DB_PASS" "$DB_NAME" < "$SQL_FILE"\n'
     'curl -s -u "$API_USER:$API_PASS" "$API_URL/reload"\n'
     'PGPASSWORD="$PGPASS" pg_dump -h "$DB_HOST" -U flexpbx cdr > "$OUT"\n'
     'ssh -i /home/flexpbx/.ssh/id_ed25519 backup@nas.internal true\n'
     'mysqldump --defaults-extra-file=/etc/flexpbx/my.cnf flexpbx > "$OUT"\n'
     'gpg --batch --passphrase-file /etc/flexpbx/backup.pass -c "$OUT"\n'
     'openssl enc -aes-256-cbc -pbkdf2 -pass env:BACKUP_PASS -in "$OUT" -out "$OUT.enc"'),
    ("ini-policy", H + "config/app.ini",
     "[security]\npassword_min_length = 12\npin_length = 6\nsession.gc_maxlifetime = 1440"),
    ("xml-policy", H + "config/settings.xml", "<PasswordMinLength>10</PasswordMinLength>"),
    ("sql-schema", "home/schema/flexpbx.sql", "CREATE TABLE users (id INT PRIMARY KEY, "
     "username VARCHAR(64), password_hash VARCHAR(255));"),
    ("md-policy", H + "docs/SETUP_GUIDE.md", "Set `password_min_length` to 12 or more.\n\n"
     "Placeholders such as `YOUR_PASSWORD_HERE` are replaced at install time."),
    ("http-tls-paths", E + "http.conf", "[general]\nenabled=yes\nbindaddr=0.0.0.0\n"
     "bindport=8088\ntlsenable=yes\ntlsbindaddr=0.0.0.0:8089\n"
     "tlscertfile=/etc/asterisk/keys/asterisk.pem\ntlsprivatekey=/etc/asterisk/keys/asterisk.key"),
    ("pjsip-transport", E + "pjsip.conf", "[transport-tls]\ntype=transport\nprotocol=tls\n"
     "bind=0.0.0.0:5061\ncert_file=/etc/asterisk/keys/asterisk.pem\n"
     "priv_key_file=/etc/asterisk/keys/asterisk.key\nmethod=tlsv1_2"),
    ("dialplan", E + "extensions.conf", "[from-internal]\ninclude => flexpbx-features\n"
     "exten => 2001,1,Dial(PJSIP/2001,20)\nsame => n,VoiceMail(2001@default,u)\n"
     "same => n,Hangup()\nexten => _NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@voipms)\n"
     "exten => _1NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@voipms)\nexten => _X.,1,Playback(invalid)"),
    ("stir-shaken", E + "stir_shaken.conf", "[attestation]\nprivate_key_file=/etc/asterisk/keys/"
     "stir.pem\npublic_cert_url=https://certs.flexpbx.net/stir.pem"),
    ("sudoers", "system/etc/sudoers.d/flexpbx-asterisk",
     "Cmnd_Alias FLEXPBX_ASTERISK = /usr/sbin/asterisk -rx *, /usr/bin/systemctl reload asterisk\n"
     "Defaults:flexpbx !requiretty\nflexpbx ALL=(root) NOPASSWD: FLEXPBX_ASTERISK\n"
     "flexpbx ALL=(asterisk) NOPASSWD: /usr/sbin/asterisk\n"
     "flexpbx ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-toggle-permissions"),
]

JSON: list[tuple[str, str, tuple[str, ...], str, object]] = [
    ("json-version", CFG, (), "flexpbx_version", "1.4.2"),
    ("json-pin-length", CFG, ("security",), "pin_length", 4),
    ("json-password-min-length", CFG, ("security",), "password_min_length", 10),
    ("json-password-expiry", CFG, ("security",), "password_expiry_days", 90),
    ("json-db-user", CFG, ("database",), "user", "flexpbx"),
    ("json-db-host", CFG, ("database",), "host", "localhost"),
    ("json-smtp-port", CFG, ("smtp",), "port", 587),
    ("json-smtp-host", CFG, ("smtp",), "host", "smtp.office365.com"),
    ("json-placeholder", CFG, ("api",), "key", "YOUR_API_KEY_HERE"),
    ("json-placeholder-email", CFG, ("api",), "support_email", "admin@example.com"),
    ("json-bind", CFG, ("api",), "bind_address", "0.0.0.0"),
    ("json-date", CFG, (), "installed", "2024-11-03"),
    ("json-extension", H + "config/company.json", ("reception",), "extension", "2000"),
    ("json-template-min-length", "home/templates/settings_template.json", ("security",),
     "password_min_length", 12),
]


def samples(b: Builder) -> None:
    """Asterisk's sample configurations as the start of the live files."""
    for sample in sorted(SAMPLES.glob("*.conf.sample")):
        path = E + sample.name.removesuffix(".sample")
        for line in sample.read_text(encoding="utf-8").rstrip("\n").split("\n"):
            if SECTION.match(line):
                b.keep("keep.sample-section", path, line)
            else:
                b.raw(path, line)
        b.raw(path, "\n; ---- FlexPBX ----")


def plant(b: Builder) -> None:
    for idiom, path, text in LINES:
        b.keep("keep." + idiom, path, text)
    for idiom, path, keys, key, value in JSON:
        b.jkeep("keep." + idiom, path, keys, key, value)
