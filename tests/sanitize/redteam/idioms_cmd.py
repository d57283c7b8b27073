"""Classes `cmdline` (credentials passed to the usual tools, in shell, PHP
exec(), dialplan System(), Markdown and node) and `http` (Authorization
headers, API-key headers, CURLOPT_USERPWD, query tokens, URL credentials,
DSNs, webhook URLs whose path is the secret)."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

H = "home/public_html/"
B = "system/usr/local/bin/"
E = "system/etc/asterisk/"

SH = B + "flexpbx-backup"
SYNC = B + "flexpbx-db-sync"
DEPLOY = H + "scripts/deploy.sh"
PHP = H + "admin/maintenance.php"
DIAL = E + "extensions_custom.conf"
MD = H + "docs/BACKUPS.md"
JS = H + "node/sync.js"

CMD: list[tuple[str, str, str]] = [
    ("mysql-p", SH, "mysql -u flexpbx -p«pws» flexpbx < /tmp/schema.sql"),
    ("mysql-p-quoted", SH, "mysql -uroot -p'«pw»' -e 'SHOW DATABASES'"),
    ("mysql-password-eq", SH, "mysql --user=flexpbx --password=«pws» flexpbx -e 'SELECT 1'"),
    ("mysql-password-dq", SYNC, 'mysql -h db1 -u report --password="«pw»" asteriskcdrdb'),
    ("mysqldump", SH, 'mysqldump -u flexpbx -p«pws» --single-transaction flexpbx | gzip > '
     '"$HOME/backup/db.sql.gz"'),
    ("mysqladmin", SYNC, "mysqladmin -u root -p«pws» status"),
    ("sshpass-p", SH, "sshpass -p '«pw»' ssh -o StrictHostKeyChecking=no backup@nas.internal "
     "'ls /volume1'"),
    ("sshpass-p-joined", SH, 'sshpass -p«pws» scp "$HOME/backup/db.sql.gz" '
     "backup@nas.internal:/volume1/pbx/"),
    ("sshpass-env", SH, "SSHPASS=«pws» sshpass -e rsync -a /var/spool/asterisk/ backup@nas:/pbx/"),
    ("curl-u", DEPLOY, "curl -s -u admin:«pws» https://pbx2.internal/api/reload"),
    ("curl-user", DEPLOY, "curl --user 'provision:«pw»' -o /tmp/cfg.xml "
     "https://prov.provider.net/cfg"),
    ("wget-password", DEPLOY, "wget --user=flexpbx --password=«pws» "
     "https://updates.flexpbx.net/latest.tar.gz"),
    ("wget-ftp-password", SH, "wget --ftp-user=backup --ftp-password=«pws» "
     "ftp://ftp.nas.internal/pbx/db.sql.gz"),
    ("wget-http-password", DEPLOY, "wget --http-user=prov --http-password=«pws» -O /tmp/y.cfg "
     "https://prov.provider.net/y.cfg"),
    ("lftp-u", SH, 'lftp -u backup,«pws» -e "mirror -R /home/flexpbx/backup /pbx; quit" '
     "ftp.nas.internal"),
    ("smbclient-U", SH, "smbclient //nas/pbx -U backup%«pws» -c 'put db.sql.gz'"),
    ("mount-cifs", SH, "mount -t cifs //nas/pbx /mnt/nas -o username=backup,password=«pws»"),
    ("openssl-pass", SH, "openssl enc -aes-256-cbc -salt -in db.sql -out db.sql.enc "
     "-pass pass:«pws»"),
    ("openssl-passout", DEPLOY, "openssl pkcs12 -export -in cert.pem -inkey key.pem "
     "-out pbx.p12 -passout pass:«pws»"),
    ("openssl-k", SH, "openssl enc -d -aes-256-cbc -k «pws» -in db.sql.enc -out db.sql"),
    ("gpg-passphrase", SH, "gpg --batch --yes --passphrase '«pw»' -c db.sql"),
    ("gpg-loopback", SYNC, "gpg --pinentry-mode loopback --passphrase «pws» -d backup.gpg"),
    ("sudo-S", DEPLOY, "echo '«pw»' | sudo -S systemctl restart asterisk"),
    ("sudo-S-bare", B + "flexpbx-reload", 'echo «pws» | sudo -S -k asterisk -rx "core reload"'),
    ("pgpassword", SYNC, "PGPASSWORD=«pws» pg_dump -h db1 -U flexpbx cdr > cdr.sql"),
    ("pgpassword-export", SYNC, "export PGPASSWORD='«pw»'"),
    ("mysql-pwd", SYNC, 'MYSQL_PWD=«pws» mysql -u flexpbx -e "SELECT 1"'),
    ("mysql-pwd-export", SYNC, 'export MYSQL_PWD="«pw»"'),
    ("rsync-password", SH, "RSYNC_PASSWORD=«pws» rsync -a /etc/asterisk/ rsync://backup@nas/pbx/"),
    ("redis-cli-a", SYNC, "redis-cli -a «pws» FLUSHDB"),
    ("htpasswd-b", DEPLOY, "htpasswd -b /home/flexpbx/public_html/.htpasswd support «pws»"),
    ("chpasswd", DEPLOY, "echo 'flexpbx:«pw»' | chpasswd"),
    ("ldapsearch-w", SYNC, 'ldapsearch -x -D "cn=admin,dc=corp,dc=local" -w «pws» '
     '-b "ou=people,dc=corp,dc=local"'),
    ("zip-P", SH, "zip -P «pws» -r /tmp/configs.zip /etc/asterisk"),
    ("7z-p", SH, "7z a -p«pws» /tmp/configs.7z /etc/asterisk"),
    ("snmp-community", B + "flexpbx-monitor", "snmpwalk -v2c -c «pws» 10.0.0.1 ifDescr"),
    ("ipmitool-P", B + "flexpbx-monitor", "ipmitool -I lanplus -H 10.0.0.20 -U ADMIN -P «pws» "
     "power status"),
    ("mosquitto-P", B + "flexpbx-monitor", "mosquitto_pub -h mqtt.internal -u pbx -P «pws» "
     "-t pbx/events -m up"),
    ("docker-env", DEPLOY, "docker run -e MYSQL_ROOT_PASSWORD=«pws» -d mariadb:10.11"),
    ("php-exec-mysql", PHP, 'exec("mysql -u flexpbx -p«pws» flexpbx < " . '
     "escapeshellarg($file), $out, $rc);"),
    ("php-shell-exec-dump", PHP, "$dump = shell_exec('mysqldump -uflexpbx -p«pws» flexpbx');"),
    ("php-system-sshpass", PHP,
     "system(\"sshpass -p '«pw»' scp /tmp/cdr.csv backup@nas:/pbx/\");"),
    ("php-passthru-curl", PHP, "passthru('curl -s -u api:«pws» https://crm.internal/sync');"),
    ("php-proc-open-argv", PHP, "$p = proc_open(['smbclient', '//nas/pbx', '-U', "
     "'backup%«pws»'], $spec, $pipes);"),
    ("php-backtick", PHP, "$r = `echo «pws» | sudo -S asterisk -rx 'core reload'`;"),
    ("php-sprintf", PHP, "$cmd = sprintf('mysql -u%s -p%s %s', 'flexpbx', '«pw»', 'flexpbx');"),
    ("dialplan-system-mysql", DIAL, "[flexpbx-cdr-hooks]\nexten => *77,1,System(mysql -u cdr "
     "-p«pws» asteriskcdrdb -e 'UPDATE cdr SET flag=1')\nsame => n,Hangup()"),
    ("dialplan-system-curl", DIAL, "exten => *78,1,System(curl -s -u hook:«pws» "
     "https://crm.internal/call/${CALLERID(num)})"),
    ("dialplan-trysystem-sshpass", DIAL, "exten => *79,1,TrySystem(sshpass -p «pws» scp "
     "/var/spool/asterisk/monitor/${UNIQUEID}.wav rec@nas:/rec/)"),
    ("dialplan-shell-func", DIAL, "exten => *80,1,Set(R=${SHELL(echo «pws» | sudo -S "
     "/usr/local/bin/flexpbx-sync)})"),
    ("md-fenced-mysql", MD, "```bash\nmysql -u flexpbx -p«pws» flexpbx < schema.sql\n```"),
    ("md-inline-curl", MD, "Test the API with `curl -u admin:«pws» https://pbx.local/api/status`."),
    ("md-indented-sshpass", MD, "\n    sshpass -p '«pw»' ssh root@10.0.0.5\n"),
    ("md-inline-pgpassword", MD, "Run `PGPASSWORD=«pws» psql -h db1 -U flexpbx` to check."),
    ("md-crontab", MD,
     "```\n0 3 * * * mysqldump -uroot -p«pws» flexpbx > /var/backups/flexpbx.sql\n```"),
    ("js-exec", JS, "exec(`mysqldump -u flexpbx -p«pws» flexpbx > /tmp/db.sql`, done);"),
    ("js-spawn-argv", JS, "spawn('sshpass', ['-p', '«pw»', 'ssh', 'backup@nas.internal']);"),
]

HTTP: list[tuple[str, str, str]] = [
    ("php-basic-header", H + "api/crm.php",
     "$headers = ['Authorization: Basic «basic»', 'Content-Type: application/json'];"),
    ("php-bearer-header", H + "api/crm.php",
     "curl_setopt($ch, CURLOPT_HTTPHEADER, ['Authorization: Bearer «token»']);"),
    ("php-curlopt-userpwd", H + "api/crm.php",
     "curl_setopt($ch, CURLOPT_USERPWD, '«basic_user»');"),
    ("php-curlopt-array", H + "api/crm.php", "curl_setopt_array($ch, [CURLOPT_URL => $url, "
     'CURLOPT_USERPWD => "«basic_user»"]);'),
    ("php-x-api-key", H + "api/crm.php", "$h = ['X-API-Key: «token»', 'Accept: text/csv'];"),
    ("php-stream-context", H + "api/crm.php", "$ctx = stream_context_create(['http' => "
     "['header' => \"Authorization: Basic «basic»\\r\\n\"]]);"),
    ("js-fetch-bearer", H + "js/app.js",
     "fetch('/api/calls', { headers: { Authorization: 'Bearer «token»' } });"),
    ("js-axios-auth", H + "js/app.js",
     "axios.get(url, { auth: { username: 'api', password: '«pw»' } });"),
    ("js-xhr-header", H + "js/app.js", "xhr.setRequestHeader('X-Auth-Token', '«token»');"),
    ("js-btoa", H + "js/app.js", "const auth = 'Basic ' + btoa('admin:«pws»');"),
    ("sh-curl-bearer", DEPLOY, 'curl -H "Authorization: Bearer «token»" '
     "https://api.provider.net/v1/numbers"),
    ("sh-curl-basic", DEPLOY, "curl -H 'Authorization: Basic «basic»' https://pbx2.internal/api"),
    ("sh-curl-api-key", DEPLOY, 'curl -H "api-key: «token»" https://api.brevo.com/v3/account'),
    ("md-http-block", MD, "```http\nGET /v1/calls HTTP/1.1\nHost: api.provider.net\n"
     "Authorization: Bearer «token»\n```"),
    ("php-query-token", H + "api/sms.php", "$url = 'https://api.provider.net/v1/sms?token=«token»"
     "&to=' . urlencode($to);"),
    ("js-query-key", H + "js/map.js", "const url = `https://api.provider.net/geocode?"
     "address=${q}&key=«token»`;"),
    ("html-query-access-token", H + "docs/setup-guide.html", '<a href="https://portal.flexpbx.'
     'net/recordings?access_token=«token»">recordings</a>'),
    ("md-query-apikey", MD, "Status page: https://status.provider.net/api?apikey=«token»"),
    ("dialplan-curl-query", DIAL, "exten => *81,1,Set(X=${CURL(https://crm.internal/lookup?"
     "num=${CALLERID(num)}&auth=«token»)})"),
    ("php-url-creds", H + "api/update.php", "$feed = file_get_contents('https://flexpbx:«pws»@"
     "updates.flexpbx.net/feed.json');"),
    ("md-url-creds", MD, "Repository: https://deploy:«pws»@git.internal/flexpbx/config.git"),
    ("sh-ftp-url-creds", SH, "curl -T db.sql.gz ftp://backup:«pws»@ftp.nas.internal/pbx/"),
    ("env-dsn-mysql", H + ".env", "DATABASE_URL=mysql://flexpbx:«pws»@127.0.0.1:3306/flexpbx"),
    ("php-dsn-redis", H + "config.php", "$cache = ['dsn' => 'redis://:«pws»@127.0.0.1:6379/0'];"),
    ("js-dsn-amqp", JS, "const conn = await amqp.connect('amqp://pbx:«pws»@mq.internal:5672/');"),
    ("env-dsn-mongodb", H + ".env",
     "MONGO_URI=mongodb+srv://flexpbx:«pws»@cluster0.ab1cd.mongodb.net/pbx"),
    ("ini-dsn-smtp", H + "config/app.ini",
     "[mailer]\nmailer_dsn = smtp://alerts:«pws»@smtp.office365.com:587"),
    ("js-dsn-sentry", H + "js/app.js",
     "Sentry.init({ dsn: 'https://«sentry»@o451234.ingest.sentry.io/5512345' });"),
    ("sh-webhook-slack", B + "flexpbx-notify", "curl -X POST -d '{\"text\":\"PBX restarted\"}' "
     "https://hooks.slack.com/services/«slack_hook»"),
    ("php-webhook-teams", H + "api/notify.php",
     "$teams = 'https://contoso.webhook.office.com/webhookb2/«teams_hook»';"),
    ("js-webhook-discord", H + "js/notify.js",
     "const DISCORD = 'https://discord.com/api/webhooks/«discord_hook»';"),
    ("sh-telegram-bot-url", B + "flexpbx-notify", 'curl -s "https://api.telegram.org/bot'
     '«telegram»/sendMessage" -d chat_id=-100123 -d text="PBX up"'),
    ("php-telegram-bot-url", H + "api/notify.php",
     '$api = "https://api.telegram.org/bot«telegram»/sendMessage";'),
    ("md-google-chat-webhook", MD, "Alerts go to https://chat.googleapis.com/v1/spaces/AAAAx1y2z3/"
     "messages?key=«google»&token=«token»"),
    ("dialplan-slack-webhook", DIAL, "exten => *82,1,System(curl -s -X POST "
     "https://hooks.slack.com/services/«slack_hook» -d @/tmp/msg.json)"),
    ("php-ami-rawman-url", H + "api/status.php", "$r = file_get_contents('http://127.0.0.1:8088/"
     "asterisk/rawman?action=login&username=admin&secret=«pws»');"),
    ("js-ari-url-creds", H + "js/ari.js",
     "const ari = new WebSocket('ws://asterisk:«pws»@127.0.0.1:8088/ari/events?app=flexpbx');"),
    ("html-form-action-creds", H + "admin/settings.html", '<form action="https://prov.provider.net/'
     'login?user=flexpbx&amp;password=«pws»" method="post"></form>'),
]

JSON: list[tuple[str, str, tuple[str, ...], object]] = [
    ("json-dsn-postgres", H + "config/integrations.json", ("reporting",),
     {"dsn": "postgresql://report:«pws»@db1.internal:5432/cdr"}),
    ("json-webhook-slack", "home/flexpbx-config.json", ("notifications",),
     {"slack_webhook": "https://hooks.slack.com/services/«slack_hook»"}),
]


def plant(b: Builder) -> None:
    for idiom, path, template in CMD:
        b.put("cmdline", "cmd." + idiom, path, template)
    for idiom, path, template in HTTP:
        b.put("http", "http." + idiom, path, template)
    for idiom, path, keys, obj in JSON:
        b.jput("http", "http." + idiom, path, keys, obj)
