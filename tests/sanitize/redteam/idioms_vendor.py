"""Classes `vendor` (the token shapes vendors document, private keys in every
armour, base64 user:pass blobs) and `hash` (every crypt(3) and htpasswd form,
pbkdf2, MySQL native, MD5 ha1/md5_cred), wherever they stand."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder
from tests.sanitize.redteam.tokens import HEX, Val

H = "home/public_html/"
B = "system/usr/local/bin/"
E = "system/etc/asterisk/"

VENDOR: list[tuple[str, str, str]] = [
    ("aws-env", H + ".env", "AWS_ACCESS_KEY_ID=«aws_id»\nAWS_SECRET_ACCESS_KEY=«aws_secret»"),
    ("aws-credentials-ini", H + "config/aws.ini",
     "[default]\naws_access_key_id = «aws_id»\naws_secret_access_key = «aws_secret»"),
    ("aws-php-array", H + "includes/s3.php", "$s3 = new S3Client(['region' => 'eu-west-1', "
     "'credentials' => ['key' => '«aws_id»', 'secret' => '«aws_secret»']]);"),
    ("aws-cli-md", H + "docs/RECORDINGS.md",
     "aws configure set aws_access_key_id «aws_id»\naws configure set aws_secret_access_key "
     "«aws_secret»"),
    ("twilio-php", H + "api/sms.php",
     "$twilio = new Twilio\\Rest\\Client('«twilio_sid»', '«twilio_token»');"),
    ("twilio-env", H + ".env", "TWILIO_ACCOUNT_SID=«twilio_sid»\nTWILIO_AUTH_TOKEN=«twilio_token»"),
    ("twilio-curl", B + "flexpbx-notify", "curl -X POST https://api.twilio.com/2010-04-01/"
     "Accounts/«twilio_sid»/Messages.json -u «twilio_sid»:«twilio_token» -d Body=up"),
    ("twilio-apikey-js", H + "js/notify.js", "const client = twilio('«twilio_sk»', "
     "'«twilio_token»', { accountSid: '«twilio_sid»' });"),
    ("stripe-php", H + "api/billing.php", "\\Stripe\\Stripe::setApiKey('«stripe_sk»');"),
    ("stripe-env", H + ".env", "STRIPE_SECRET=«stripe_sk»"),
    ("stripe-restricted-md", H + "docs/BILLING.md", "Restricted key for reports: «stripe_rk»"),
    ("stripe-whsec-env", H + ".env", "STRIPE_WEBHOOK_SECRET=«whsec»"),
    ("stripe-whsec-php", H + "api/billing.php", "$endpoint_secret = '«whsec»';"),
    ("sendgrid-env", H + ".env", "SENDGRID_API_KEY=«sendgrid»"),
    ("sendgrid-php", H + "includes/mailer.php", "$sg = new \\SendGrid('«sendgrid»');"),
    ("github-url-md", H + "docs/DEPLOY.md",
     "git clone https://«ghp»@github.com/acme/flexpbx-config.git"),
    ("github-env-sh", B + "flexpbx-update", "GITHUB_TOKEN=«ghp» gh release download -R acme/pbx"),
    ("gitlab-url-md", H + "docs/DEPLOY.md",
     "git push https://oauth2:«gitlab»@gitlab.com/acme/pbx.git main"),
    ("google-firebase-js", H + "js/push.js", "const firebaseConfig = { apiKey: '«google»', "
     "authDomain: 'pbx-alerts.firebaseapp.com' };"),
    ("google-maps-html", H + "docs/setup-guide.html", '<script src="https://maps.googleapis.com/'
     'maps/api/js?key=«google»&amp;callback=initMap"></script>'),
    ("slack-bot-php", H + "api/notify.php", "$slack = new SlackClient('«xoxb»');"),
    ("slack-user-env", H + ".env", "SLACK_TOKEN=«xoxp»"),
    ("jwt-bare-md", H + "docs/KIOSK.md", "Session for the lobby kiosk: «jwt»"),
    ("jwt-php-cookie", H + "kiosk/index.php", "setcookie('pbx_session', '«jwt»');"),
    ("basic-blob-ini", H + "config/app.ini", "[proxy]\nproxy_auth = «basic»"),
    ("mailgun-php", H + "includes/mailer.php", "$mg = Mailgun::create('«mailgun»');"),
    ("mailchimp-env", H + ".env", "MAILCHIMP_KEY=«mailchimp»"),
    ("openai-js", H + "js/assistant.js", "const openai = new OpenAI({ apiKey: '«openai»' });"),
    ("npm-npmrc", H + "node/.npmrc", "//registry.npmjs.org/:_authToken=«npm»"),
    ("digitalocean-sh", B + "flexpbx-update", "doctl auth init -t «digitalocean»"),
    ("azure-connection-env", H + ".env", "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol="
     "https;AccountName=pbxrecordings;AccountKey=«azure_key»;EndpointSuffix=core.windows.net"),
    ("firebase-server-key-php", H + "api/push.php",
     "$headers = ['Authorization: key=«firebase»', 'Content-Type: application/json'];"),
    ("shopify-md", H + "docs/INTEGRATIONS.md", "Shop admin token: «shopify»"),
    # Shapes detect-secrets has no plugin for (sanitize/vendor_rules.toml).
    ("mailgun-js", H + "js/notify.js", "const mg = mailgun.client({ username: 'api', "
     "key: '«mailgun»' });"),
    ("mailgun-curl", B + "flexpbx-notify", "curl -s --user 'api:«mailgun»' "
     "https://api.mailgun.net/v3/mg.example.org/messages"),
    ("telnyx-php", H + "api/sms.php", "\\Telnyx\\Telnyx::setApiKey('«telnyx»');"),
    ("telnyx-env", H + ".env", "TELNYX=«telnyx»"),
    ("digitalocean-json-md", H + "docs/INTEGRATIONS.md",
     "```json\n{\"do\": \"«digitalocean»\"}\n```"),
    ("fcm-legacy-php", H + "api/push.php", "$server = '«firebase»';"),
    ("fcm-legacy-js", H + "node/push.js", "const FCM = \"«firebase»\";"),
    ("hc-ping-crontab", B + "flexpbx-backup",
     "# 15 3 * * * /usr/local/bin/flexpbx-backup && curl -fsS -m 10 https://hc-ping.com/«uuid»"),
    ("hc-ping-php", H + "cron/heartbeat.php", "file_get_contents('https://hc-ping.com/«uuid»');"),
    ("brevo-env", H + ".env", "MAILER=«brevo»"),
    ("aws-configure-transcript-md", H + "docs/BACKUPS.md", "```\n$ aws configure\n"
     "AWS Access Key ID [None]: «aws_id»\nAWS Secret Access Key [None]: «aws_secret»\n```"),
    ("rclone-positional-sh", B + "flexpbx-offsite", "rclone config create s3 s3 provider AWS "
     "access_key_id «aws_id» secret_access_key «aws_secret»"),
]

VENDOR_JSON: list[tuple[str, str, tuple[str, ...], object]] = [
    ("aws-json", H + "config/integrations.json", ("s3",),
     {"accessKeyId": "«aws_id»", "secretAccessKey": "«aws_secret»"}),
    ("twilio-json", "home/flexpbx-config.json", ("twilio",),
     {"account_sid": "«twilio_sid»", "auth_token": "«twilio_token»"}),
    ("github-pat-json", H + "config/integrations.json", ("deploy",), {"github": "«github_pat»"}),
    ("gocspx-json", H + "config/integrations.json", ("google_oauth",),
     {"client_id": "1234-abc.apps.googleusercontent.com", "client_secret": "«gocspx»"}),
    ("jwt-json", H + "config/kiosk.json", (), {"kiosk": {"session": "«jwt»"}}),
    ("basic-blob-json", H + "config/integrations.json", ("proxy",), {"auth": "«basic»"}),
    ("telegram-json", "home/flexpbx-config.json", ("telegram",),
     {"bot_token": "«telegram»", "chat_id": "-1001234567890"}),
    ("square-json", H + "config/integrations.json", ("square",), {"access_token": "«square»"}),
]

HASH: list[tuple[str, str, str]] = [
    ("htpasswd-apr1", H + ".htpasswd", "admin:«apr1»"),
    ("htpasswd-sha", H + ".htpasswd", "support:«sha_b64»"),
    ("htpasswd-des", H + ".htpasswd", "legacy:«des»"),
    ("htpasswd-bcrypt", H + ".htpasswd", "ops:«bcrypt»"),
    ("shadow-md", H + "docs/TROUBLESHOOTING.md",
     "```\nflexpbx:«sha512crypt»:19800:0:99999:7:::\n```"),
    ("usermod-p-sh", B + "flexpbx-provision", "usermod -p '«sha256crypt»' flexpbx"),
    ("yescrypt-md", H + "docs/TROUBLESHOOTING.md", "    backup:«yescrypt»:19801::::::"),
    ("ari-crypt-conf", E + "ari.conf",
     "[dashboard]\ntype=user\npassword_format=crypt\npassword=«md5crypt»"),
    ("ari-sha512-conf", E + "ari.conf",
     "[wallboard]\ntype=user\nread_only=yes\npassword_format=crypt\npassword=«sha512crypt»"),
    ("bcrypt-sql", H + "sql/flexpbx_dump.sql",
     "INSERT INTO admins (username, password_hash) VALUES ('admin', '«bcrypt»');"),
    ("bcrypt-php-verify", H + "api/pin.php",
     "if (password_verify($_POST['pin'], '«bcrypt»')) {\n    $ok = true;\n}"),
    ("bcrypt-js-const", H + "node/auth.js", "const ADMIN_HASH = '«bcrypt_b»';"),
    ("bcrypt-env", H + ".env", "ADMIN_PASSWORD_HASH='«bcrypt»'"),
    ("bcrypt-bare-md", H + "docs/TROUBLESHOOTING.md", "The seeded hash is «bcrypt» (cost 10)."),
    ("argon2-php", H + "includes/auth.php", "$stored = '«argon2»';"),
    ("django-sql", H + "sql/crm_users.sql",
     "INSERT INTO auth_user (username, password) VALUES ('crm', '«django»');"),
    ("mysql-native-sql", H + "sql/flexpbx_dump.sql", "INSERT INTO mysql.user (Host, User, "
     "authentication_string) VALUES ('localhost', 'flexpbx', '«mysql_native»');"),
    ("mysql-native-grant", H + "sql/flexpbx_dump.sql",
     "GRANT USAGE ON *.* TO 'report'@'%' IDENTIFIED BY PASSWORD '«mysql_native»';"),
    ("mysql-native-md", H + "docs/TROUBLESHOOTING.md",
     "| user | authentication_string |\n|---|---|\n| root | «mysql_native» |"),
    ("pjsip-md5-cred", E + "pjsip.conf", "[2010-auth]\n⊙type=auth\n⊙auth_type=md5\n"
     "⊙username=2010\n⊙realm=asterisk\nmd5_cred=«hex32»"),
    ("sip-md5secret", E + "sip.conf", "[2011]\n⊙type=friend\nmd5secret=«hex32»\n⊙host=dynamic"),
    ("md5-compare-php", H + "api/pin.php", "if (md5($pass) === '«hex32»') {\n    $ok = true;\n}"),
    ("sha1-sql", H + "sql/flexpbx_dump.sql",
     "UPDATE users SET password_sha1 = '«hex40»' WHERE id = 3;"),
    ("sha256-salted-sql", H + "sql/flexpbx_dump.sql", "INSERT INTO api_keys (name, key_hash, salt)"
     " VALUES ('crm', '«hex64»', '«=hex32»');"),
    ("phpass-sql", H + "sql/wordpress.sql",
     "INSERT INTO wp_users (user_login, user_pass) VALUES ('pbxadmin', '«phpass»');"),
    ("drupal-sql", H + "sql/wordpress.sql",
     "UPDATE users_field_data SET pass = '«drupal»' WHERE uid = 1;"),
    ("ssha-ldif-md", H + "docs/LDAP.md", "```ldif\ndn: uid=flexpbx,ou=services,dc=corp,dc=local\n"
     "userPassword: «ssha»\n```"),
    ("pg-md5-sql", "home/schema/flexpbx.sql", "ALTER ROLE report ENCRYPTED PASSWORD '«pg_md5»';"),
    ("scram-sql", "home/schema/flexpbx.sql", "CREATE ROLE auditor LOGIN PASSWORD '«scram»';"),
]

HASH_JSON: list[tuple[str, str, tuple[str, ...], object]] = [
    ("argon2-json", H + "config/portal-users.json", (),
     {"users": [{"username": "frontdesk", "password_hash": "«argon2»"}]}),
    ("werkzeug-json", H + "config/portal-users.json", ("legacy",), {"hash": "«werkzeug»"}),
    ("ha1-json", H + "config/trunks.json", ("digest",), {"ha1": "«hex32»"}),
]


def _plant_lines(b: Builder, idiom: str, path: str, lines: list[str]) -> None:
    """A private key body: its first, middle and next-to-last lines are plants."""
    for line in dict.fromkeys((lines[0], lines[len(lines) // 2], lines[-2])):
        b.pending.append(("vendor", "vendor." + idiom, path, Val(line, line)))
        b.v.used.append(line)


def _key(b: Builder, idiom: str, path: str, lines: list[str], wrap: str) -> None:
    b.raw(path, wrap.replace("BODY", "\n".join(lines)))
    _plant_lines(b, idiom, path, lines)


def _pem(label: str, lines: list[str]) -> str:
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _keys(b: Builder) -> None:
    v = b.v
    b.begin("vendor.keys", "")
    rsa = v.key_lines(bytes.fromhex("308204a40201000282010100"), 1180, 64)
    _key(b, "pem-rsa-file", E + "keys/asterisk.key", rsa,
         "-----BEGIN RSA PRIVATE KEY-----\nBODY\n-----END RSA PRIVATE KEY-----")
    ssh = v.key_lines(b"openssh-key-v1\x00", 390, 70)
    _key(b, "openssh-heredoc-sh", B + "flexpbx-offsite", ssh,
         "umask 077\ncat > ~/.ssh/id_ed25519 <<'KEY'\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
         "BODY\n-----END OPENSSH PRIVATE KEY-----\nKEY")
    enc = v.key_lines(bytes.fromhex("308205"), 1250, 64)
    _key(b, "pem-encrypted-md", H + "docs/DEPLOY.md", enc, "```\n-----BEGIN ENCRYPTED PRIVATE "
         "KEY-----\nBODY\n-----END ENCRYPTED PRIVATE KEY-----\n```")
    ppk = v.key_lines(b"\x00\x00\x01\x00", 700, 64)
    pub = v.key_lines(b"\x00\x00\x00\x07ssh-rsa", 270, 64)
    mac = v.chars(HEX, 40)
    _key(b, "putty-ppk-md", H + "docs/NAS.md", ppk,
         "PuTTY key for the NAS:\n\n```\nPuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\n"
         f"Comment: rsa-key-20240301\nPublic-Lines: {len(pub)}\n" + "\n".join(pub)
         + f"\nPrivate-Lines: {len(ppk)}\nBODY\nPrivate-MAC: {mac}\n```")
    b.pending.append(("vendor", "vendor.putty-ppk-mac", H + "docs/NAS.md", Val(mac, mac)))
    b.v.used.append(mac)
    # PEM bodies inside string literals, one line with "\n" escapes, as PHP and JSON hold them
    p8 = v.key_lines(bytes.fromhex("308204be020100300d06092a864886f70d0101010500"), 1190, 64)
    path = H + "includes/jwt.php"
    b.raw(path, '$privateKey = "' + _pem("PRIVATE KEY", p8).replace("\n", "\\n") + '";')
    _plant_lines(b, "pem-pkcs8-php", path, p8)
    ec = v.key_lines(bytes.fromhex("30770201010420"), 90, 64)
    path = H + "config/apns.json"
    b.jput("vendor", "vendor.pem-ec-json", path, (),
           {"team_id": "ABCDE12345", "private_key": _pem("EC PRIVATE KEY", ec)})
    _plant_lines(b, "pem-ec-json", path, ec)
    sa = v.key_lines(bytes.fromhex("308204bd020100300d06092a864886f70d0101010500"), 1190, 64)
    path = H + "config/gcp-service-account.json"
    b.jput("vendor", "vendor.gcp-service-account-json", path, (), {
        "type": "service_account", "project_id": "pbx-transcribe",
        "private_key_id": "«hex40»", "private_key": _pem("PRIVATE KEY", sa),
        "client_email": "transcriber@pbx-transcribe.iam.gserviceaccount.com"})
    _plant_lines(b, "gcp-service-account-json", path, sa)


def plant(b: Builder) -> None:
    for idiom, path, template in VENDOR:
        b.put("vendor", "vendor." + idiom, path, template)
    for idiom, path, keys, obj in VENDOR_JSON:
        b.jput("vendor", "vendor." + idiom, path, keys, obj)
    _keys(b)
    for idiom, path, template in HASH:
        b.put("hash", "hash." + idiom, path, template)
    for idiom, path, keys, obj in HASH_JSON:
        b.jput("hash", "hash." + idiom, path, keys, obj)
