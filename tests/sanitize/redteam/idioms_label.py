"""Class `label`: a credential label followed by its value, in every syntax
administrators write one: prose, Markdown lists and tables, backticks, HTML,
strings written to sockets, heredocs, comments, .env, .ini, XML, SQL, JSON."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

H = "home/public_html/"
B = "system/usr/local/bin/"
E = "system/etc/asterisk/"

GUIDE = H + "docs/SETUP_GUIDE.md"
SERVERS = H + "docs/SERVERS.md"
HTML = H + "docs/setup-guide.html"
NOTES = H + "admin/notes.txt"

ROWS: list[tuple[str, str, str]] = [
    ("md-prose", GUIDE, "The admin password for the web portal is «pw» until you change it."),
    ("md-colon", GUIDE, "Password: «pw»"),
    ("md-bold-list", GUIDE, "- **Password:** «pw»"),
    ("md-bold-after", GUIDE, "**Password**: «pw»"),
    ("md-table-password", SERVERS, "| Host | User | Password |\n|---|---|---|\n"
     "| pbx1.internal | root | «pw» |\n| db1.internal | flexpbx | «pw_2» |"),
    ("md-table-secret", SERVERS, "\n| Extension | Location | Secret |\n|------|------|------|\n"
     "| 2001 | Front desk | «pw» |"),
    ("md-table-pin", SERVERS, "\n| Mailbox | PIN |\n| :--- | ---: |\n| 2001 | «pin» |"),
    ("md-user-slash-pass", GUIDE, "Login: admin / «pw»"),
    ("md-creds-backticks", GUIDE, "Credentials: `flexpbx` / `«pw»`"),
    ("md-backtick", GUIDE, "Use the password `«pw»` for the SFTP account."),
    ("md-yaml-block", GUIDE, "```yaml\ndatabase:\n  user: flexpbx\n  password: «pw»\n```"),
    ("md-passphrase", GUIDE, "Passphrase: «phrase»"),
    ("md-pin-prose", GUIDE, "The conference PIN is «pin»."),
    ("md-heading-next-line", SERVERS, "\n### Root password of the NAS\n\n    «pw»\n"),
    ("md-api-key", GUIDE, "API key: «token»"),
    ("md-quote", GUIDE, "> temporary password: «pw»"),
    ("md-parenthetical", GUIDE, "Log in as support (password «pw») and open Settings."),
    ("md-html-comment", GUIDE, "<!-- staging admin pass: «pw» -->"),
    ("md-is-quoted", GUIDE, 'For the Wi-Fi phones the root password is "«pw»".'),
    ("md-home-notes", "home/SETUP_NOTES.md", "# Notes\n\n* AMI user `monitor`, secret `«pws»`"),
    ("html-td", HTML, "<table><tr><th>Account</th><th>Password</th></tr>\n"
     "<tr><td>admin</td><td>«pw»</td></tr></table>"),
    ("html-strong", HTML, "<p><strong>Password:</strong> «pw»</p>"),
    ("html-input-value", HTML, '<input type="password" name="password" value="«pw»">'),
    ("html-dl", HTML, "<dl><dt>Secret</dt><dd>«pw»</dd></dl>"),
    ("html-comment", HTML, "<!-- admin password: «pw» -->"),
    ("html-code", HTML, "<p>AMI secret: <code>«pw»</code></p>"),
    ("html-data-attr", HTML, '<div id="softphone" data-sip-password="«pw»"></div>'),
    ("html-hidden-input", H + "admin/settings.html",
     '<form method="post"><input type="hidden" name="api_key" value="«token»"></form>'),
    ("php-ami-socket", H + "includes/ami.php", '$sock = fsockopen("127.0.0.1", 5038);\n'
     'fwrite($sock, "Action: Login\\r\\nUsername: flexpbx\\r\\nSecret: «pws»\\r\\n\\r\\n");'),
    ("php-ami-array", H + "includes/ami.php",
     "$ami->send(['Action' => 'Login', 'Username' => 'flexpbx', 'Secret' => '«pw»']);"),
    ("js-ami-socket", H + "js/ami-bridge.js", "client.write('Action: Login\\r\\n"
     "Username: admin\\r\\nSecret: «pws»\\r\\nEvents: off\\r\\n\\r\\n');"),
    ("sh-ami-printf", B + "flexpbx-ami-check", 'printf "Action: Login\\r\\nUsername: monitor'
     '\\r\\nSecret: «pws»\\r\\n\\r\\n" | nc -q 2 127.0.0.1 5038'),
    ("sh-heredoc-mycnf", B + "flexpbx-db-sync",
     'cat > "$HOME/.my.cnf" <<EOF\n[client]\nuser=flexpbx\npassword=«pws»\nEOF'),
    ("sh-heredoc-netrc", B + "flexpbx-db-sync", "cat > ~/.netrc <<'NETRC'\n"
     "machine ftp.provider.net login flexpbx password «pws»\nNETRC"),
    ("sh-heredoc-pjsip", B + "flexpbx-provision", "EXT=$1\n"
     "cat >> /etc/asterisk/pjsip_custom.conf <<EOF\n[${EXT}-auth]\ntype=auth\n"
     "username=${EXT}\npassword=«pws»\nEOF"),
    ("php-heredoc", H + "install/setup.php",
     '$ini = <<<INI\n[database]\nuser = flexpbx\npassword = "«pw»"\nINI;'),
    ("php-nowdoc", H + "install/setup.php", "$cfg = <<<'CFG'\nsmtp_pass=«pw»\nCFG;"),
    ("php-comment", H + "includes/db.php", "// old password: «pw»"),
    ("php-block-comment", H + "includes/db.php",
     "/* prod DB pass was «pw» before the migration */"),
    ("js-comment", H + "js/app.js", "// TODO remove: test account tester / «pw»"),
    ("sh-comment", B + "flexpbx-backup", "# root pw on the NAS: «pw»"),
    ("conf-comment", E + "pjsip.conf", "; old trunk secret was «pw» (changed 2024-11)"),
    ("sql-comment", H + "sql/flexpbx_dump.sql", "-- admin password: «pw»"),
    ("ini-comment", H + "config/app.ini", "; password = «pw»"),
    ("xml-comment", H + "config/settings.xml", "<!-- provisioning password «pw» -->"),
    ("env-commented-out", H + ".env", "# DB_PASSWORD=«pw»"),
    ("txt-pw", NOTES, "pw: «pw»"),
    ("txt-pwd-eq", NOTES, "pwd=«pw»"),
    ("txt-passwd-space", NOTES, "passwd «pw»"),
    ("txt-ssh-line", NOTES, "ssh root@10.0.0.5  pass «pw»"),
    ("ini-db", H + "config/database.ini",
     "[database]\nhost = localhost\nuser = flexpbx\npassword = «pw»"),
    ("ini-quoted", H + "config/database.ini", '[smtp]\nsmtp_pass = "«pw»"'),
    ("ini-api-secret", H + "config/app.ini", "[crm]\napi_secret = «token»"),
    ("ini-colon", H + "config/app.ini", "[ldap]\nbind_password: «pw»"),
    ("env-plain", H + ".env", "DB_PASSWORD=«pw»"),
    ("env-dquote", H + ".env", 'SMTP_PASSWORD="«pw»"'),
    ("env-squote-export", H + ".env", "export REDIS_PASSWORD='«pw»'"),
    ("env-phrase", H + ".env", 'BACKUP_PASSPHRASE="«phrase»"'),
    ("env-inline-comment", H + ".env", "AMI_SECRET=«pws» # rotate yearly"),
    ("env-token", H + ".env", "API_TOKEN=«token»"),
    ("env-app-key", H + ".env", "APP_KEY=base64:«b64key»"),
    ("env-pin", H + ".env", "ADMIN_PIN=«pin»"),
    ("xml-element", H + "config/settings.xml", "<password>«pw»</password>"),
    ("xml-attr", H + "config/settings.xml", '<account user="flexpbx" password="«pw»"/>'),
    ("xml-param", H + "config/settings.xml", '<param name="password" value="«pw»"/>'),
    ("xml-entry", H + "config/settings.xml", '<entry key="secret">«pw»</entry>'),
    ("xml-cdata", H + "config/settings.xml", "<smtpPassword><![CDATA[«pw»]]></smtpPassword>"),
    ("xml-polycom", H + "provisioning/phone2002.xml", '<reg reg.1.address="2002" '
     'reg.1.auth.userId="2002" reg.1.auth.password="«pw»"/>'),
    ("xml-grandstream-pvalue", H + "provisioning/cfg000b82aabbcc.xml",
     "<config version=\"1\">\n<P35>2003</P35>\n<P34>«pw»</P34>\n</config>"),
    ("yealink-cfg", H + "provisioning/001565aabbcc.cfg",
     "#!version:1.0.0.1\naccount.1.user_name = 2001\naccount.1.password = «pw»"),
    ("sql-insert-users", H + "sql/flexpbx_dump.sql", "INSERT INTO `users` (`username`, "
     "`password`, `role`) VALUES ('admin', '«pw»', 'admin');"),
    ("sql-update", H + "sql/flexpbx_dump.sql",
     "UPDATE sip_accounts SET secret = '«pw»' WHERE extension = '2001';"),
    ("sql-create-user", H + "sql/flexpbx_dump.sql",
     "CREATE USER 'flexpbx'@'localhost' IDENTIFIED BY '«pw»';"),
    ("sql-grant", H + "sql/flexpbx_dump.sql",
     "GRANT ALL PRIVILEGES ON flexpbx.* TO 'report'@'%' IDENTIFIED BY '«pw»';"),
    ("sql-alter-user", H + "sql/flexpbx_dump.sql",
     "ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY '«pw»';"),
    ("sql-set-password", H + "sql/flexpbx_dump.sql",
     "SET PASSWORD FOR 'backup'@'localhost' = PASSWORD('«pw»');"),
    ("sql-multirow", H + "sql/flexpbx_dump.sql", "INSERT INTO sip_peers (name, secret, context)"
     " VALUES\n('2001', '«pw»', 'from-internal'),\n('2002', '«pw_2»', 'from-internal');"),
    ("sql-pg-alter-role", "home/schema/flexpbx.sql", "ALTER ROLE flexpbx WITH PASSWORD '«pw»';"),
    ("sql-settings-row", "home/schema/flexpbx.sql",
     "INSERT INTO settings (name, value) VALUES ('smtp_password', '«pw»');"),
    ("js-object", H + "js/config.js", "const config = { apiUrl: '/api', password: '«pw»' };"),
    ("js-let", H + "js/config.js", 'let adminPassword = "«pw»";'),
    ("js-localstorage", H + "js/app.js", "localStorage.setItem('authToken', '«token»');"),
    ("php-var", H + "config.php", "$db_pass = '«pw»';"),
    ("php-array", H + "config.php",
     "$config = [\n    'db_host' => 'localhost',\n    'db_password' => '«pw»',\n];"),
    ("php-array-assign", H + "config.php", '$config[\'smtp_password\'] = "«pw»";'),
    # Markdown credential pairs and labels without a colon-after-label shape.
    ("md-bold-pair", GUIDE, "Web portal: **admin** / **«pw»**"),
    ("md-bold-pair-nolabel", H + "docs/NAS.md", "Then sign in with **backup** / **«pws»** "
     "and open Shares."),
    ("md-underscore-pair", H + "docs/NAS.md", "Default: __ops__ / __«pws»__"),
    ("md-code-pair-service", "home/README.md", "AMI: `monitor` / `«pws»`"),
    ("md-user-pass-one-line", SERVERS, "user: ops / pass: «pws»"),
    ("md-arrow", "home/README.md", "Server root password → «pws»"),
    ("md-double-arrow", SERVERS, "NAS admin password ⇒ «pws»"),
    ("md-wifi-key", "home/README.md", "Wifi key in the office: «pws»"),
    ("md-wpa-key", H + "docs/NAS.md", "WPA2 key for the phones VLAN: `«pws»`"),
    ("md-definition-list", H + "docs/ACCOUNTS.md", "Provider portal\n: https://my.voip.example\n"
     "\nPortal password\n:   «pws»\n"),
    ("md-definition-pin", H + "docs/ACCOUNTS.md", "\nAlarm PIN\n: «pin»\n"),
    ("md-indented-config", H + "docs/PROVISIONING.md",
     "Yealink template:\n\n    account.1.user_name = 2001\n    account.1.password = «pws»\n"),
    ("md-dotted-config", H + "docs/PROVISIONING.md", "    sip.line.2.auth_password: «pws»"),
    ("md-table-any-column", H + "docs/ACCOUNTS.md", "\n| Service | Initial admin password (web) "
     "| URL |\n|---|---|---|\n| Router | «pws» | http://192.168.1.1 |\n"),
    ("md-table-doc-email", H + "docs/ACCOUNTS.md", "\n| Service | Login | Pass |\n|---|---|---|\n"
     "| Webmail | «docmail» | «pws» |\n"),
]

JSON: list[tuple[str, str, tuple[str, ...], object]] = [
    ("json-password", "home/flexpbx-config.json", ("database",), {"password": "«pw»"}),
    ("json-smtp-pass", "home/flexpbx-config.json", ("smtp",), {"pass": "«pw»"}),
    ("json-trunk-list", H + "config/trunks.json", (),
     {"trunks": [{"name": "voipms", "username": "123456_flexpbx", "secret": "«pw»"}]}),
    ("json-pin", "home/flexpbx-config.json", ("voicemail",), {"default_pin": "«pin»"}),
    ("json-apikey", H + "config/integrations.json", ("crm",), {"apiKey": "«token»"}),
    ("json-client-secret", H + "config/integrations.json", ("oauth",),
     {"client_id": "flexpbx-portal", "client_secret": "«token»"}),
    ("json-auth-colon", H + "config/integrations.json", ("provisioning",),
     {"auth": "provision:«pws»"}),
    ("json-credentials-pair", H + "config/integrations.json", ("backup",),
     {"credentials": ["backup", "«pw»"]}),
    ("json-passwd", H + "api/ldap.json", (), {"bind_dn": "cn=pbx,dc=corp", "passwd": "«pw»"}),
    ("json-settings-kv", H + "api/settings.json", (),
     {"settings": [{"key": "ami_secret", "value": "«pw»"}, {"key": "theme", "value": "dark"}]}),
    ("json-template-smtp", "home/templates/settings_template.json", ("email",),
     {"smtp_password": "«pw»"}),
    ("json-admin-template", "home/templates/admin_template.json", (),
     {"default_password": "«pw»"}),
]


def plant(b: Builder) -> None:
    for idiom, path, template in ROWS:
        b.put("label", "label." + idiom, path, template)
    for idiom, path, keys, obj in JSON:
        b.jput("label", "label." + idiom, path, keys, obj)
