"""Outside red team against flexgit's sanitizer: build SEED DIR, then check DIR.

Every planted value is random per seed; the checker looks for it, in several
encodings, in the shareable store and in the exports.
"""
import base64, gzip, json, os, random, re, string, subprocess, sys, urllib.parse
from pathlib import Path

FIRST = ["Jürgen", "Siobhán", "Xiomara", "Bartholomew", "Oluwaseun", "Dmitri", "Aiyana", "Grzegorz", "Thandiwe", "Leopoldo"]
LAST = ["Okonkwo", "Szczepański", "Ferreira-Lindqvist", "Nakamura", "Abernathy", "Van der Berg", "Castellanos", "Oyelaran"]
PHONES = ["+44 20 7946 {a}", "+49 30 901820{b}", "+33 1 42 68 {c}", "+61 2 9374 {a}", "+1 (415) 555-{a}", "+81 3-3224-{a}", "+55 11 3003-{a}", "+27 21 480 {a}"]

LABELS = ["password", "passwd", "pwd", "secret", "api_key", "apikey", "token", "auth_token", "client_secret",
          "db_pass", "smtp_password", "access_key", "private_key", "pin", "passphrase", "credential",
          "bearer", "session_secret", "encryption_key", "webhook_secret"]
SYNTAX = {  # (file, template) : label-value syntaxes
    "ini": ("home/conf/app.ini", "{L} = {V}"),
    "yaml": ("home/conf/app.yaml", "{L}: {V}"),
    "yamlq": ("home/conf/app2.yaml", "  {L}: \"{V}\""),
    "env": ("home/.env", "{LU}={V}"),
    "sh": ("home/bin/deploy.sh", "export {LU}='{V}'"),
    "php": ("home/public_html/includes/cfg.php", "$cfg['{L}'] = '{V}';"),
    "phpdef": ("home/public_html/includes/def.php", "define('{LU}', \"{V}\");"),
    "js": ("home/public_html/js/app.js", "const {L}Value = '{V}';"),
    "ts": ("home/public_html/js/app.ts", "export const {LU}: string = \"{V}\";"),
    "xml": ("home/conf/app.xml", "  <{L}>{V}</{L}>"),
    "xmlattr": ("home/conf/attrs.xml", "  <entry name=\"{L}\" value=\"{V}\"/>"),
    "md": ("home/public_html/docs/SETUP.md", "- **{L}**: `{V}`"),
    "mdtable": ("home/public_html/docs/TABLE.md", "| {L} | {V} |"),
    "htaccess": ("home/public_html/.htaccess", "SetEnv {LU} {V}"),
    "userini": ("home/public_html/.user.ini", "{L} = \"{V}\""),
    "sqlcomment": ("home/public_html/docs/dump.sql", "-- {L}: {V}"),
    "crontab": ("home/conf/crontab", "# {L} {V}"),
    "systemd": ("root/etc/systemd/system/flexpbx-sync.service", "Environment={LU}={V}"),
    "astcomment": ("root/etc/asterisk/extensions_custom.conf", "; {L} is {V}"),
    "html": ("home/public_html/admin.html", "<input type=\"hidden\" name=\"{L}\" value=\"{V}\">"),
}
CMDS = [
    ("shell", "home/bin/backup.sh", "mysqldump -u flexpbx -p{V} flexpbx > dump.sql"),
    ("shell", "home/bin/backup.sh", "mysql --user=root --password={V} -e 'show databases'"),
    ("shell", "home/bin/backup.sh", "curl -u admin:{V} https://pbx.example.net/api"),
    ("shell", "home/bin/backup.sh", "curl -H 'Authorization: Bearer {V}' https://api.example.net/"),
    ("shell", "home/bin/backup.sh", "sshpass -p '{V}' ssh backup@10.0.0.5"),
    ("shell", "home/bin/backup.sh", "smbclient //nas/share -U backup%{V}"),
    ("shell", "home/bin/backup.sh", "lftp -u backup,{V} sftp://nas"),
    ("shell", "home/bin/backup.sh", "openssl enc -aes-256-cbc -k {V} -in a -out b"),
    ("shell", "home/bin/backup.sh", "gpg --batch --passphrase {V} -c file"),
    ("shell", "home/bin/backup.sh", "echo {V} | sudo -S systemctl restart asterisk"),
    ("shell", "home/bin/backup.sh", "PGPASSWORD={V} psql -h db -U flex"),
    ("shell", "home/bin/backup.sh", "wget --http-password={V} https://x.example.net/f"),
    ("shell", "home/bin/backup.sh", "rsync rsync://backup:{V}@nas/mod ."),
    ("shell", "home/bin/backup.sh", "cat <<EOF > .netrc\nmachine nas login bk password {V}\nEOF"),
    ("phpexec", "home/public_html/api/sync.php", "<?php exec(\"mysql -uroot -p{V} flexpbx < dump.sql\"); ?>"),
    ("phpexec", "home/public_html/api/sync2.php", "<?php shell_exec('curl --user api:{V} https://x.example.net'); ?>"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 700,1,System(curl -u ops:{V} https://hook.example.net)"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 701,1,VoiceMailMain(${{CALLERID(num)}}@default,s{V})"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 702,1,Authenticate({V})"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 703,1,ConfBridge(1,,,{V})"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 704,1,Dial(IAX2/trunk:{V}@iax.example.net/100)"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 705,1,DISA({V},from-internal)"),
    ("dialplan", "root/etc/asterisk/extensions.conf", "exten => 706,1,Set(DB_PASS={V})"),
    ("markdown", "home/public_html/docs/RUNBOOK.md", "    mysql -u flexpbx -p'{V}' flexpbx"),
    ("markdown", "home/public_html/docs/RUNBOOK.md", "Run `sshpass -p {V} scp a b:` to copy."),
]
HTTP = [
    ("http", "home/public_html/docs/API.md", "Authorization: Basic {B64}"),
    ("http", "home/public_html/docs/API.md", "X-Api-Key: {V}"),
    ("http", "home/public_html/js/hooks.js", "fetch('https://api.example.net/v1?access_token={V}');"),
    ("http", "home/conf/app.ini", "dsn = mysql://flex:{V}@localhost/flexpbx"),
    ("http", "home/conf/app.ini", "redis_url = redis://:{V}@127.0.0.1:6379/0"),
    ("http", "home/public_html/includes/pdo.php", "<?php $pdo = new PDO('mysql:host=localhost;dbname=f', 'flex', '{V}'); ?>"),
    ("http", "home/conf/notify.yaml", "url: https://example.net/webhook?key={V}&x=1"),
    ("http", "home/public_html/docs/API.md", "https://ops:{V}@pbx.example.net/admin"),
    ("http", "home/conf/cookies.txt", "Cookie: PHPSESSID={V}; path=/"),
]
VENDOR = [
    ("vendor", "home/conf/cloud.ini", "aws = {AWS}"),
    ("vendor", "home/conf/cloud.ini", "note {AWSS}"),
    ("vendor", "home/conf/cloud.ini", "twilio {TW}"),
    ("vendor", "home/conf/cloud.ini", "stripe {ST}"),
    ("vendor", "home/conf/cloud.ini", "sendgrid {SG}"),
    ("vendor", "home/conf/cloud.ini", "github {GH}"),
    ("vendor", "home/conf/cloud.ini", "google {GO}"),
    ("vendor", "home/conf/cloud.ini", "slack {SL}"),
    ("vendor", "home/conf/cloud.ini", "slackhook https://hooks.slack.com/services/T{U8}/B{U8}/{V}"),
    ("vendor", "home/conf/cloud.ini", "jwt {JWT}"),
    ("vendor", "home/public_html/docs/NOTES.md", "the key was {AWS} yesterday"),
]
HASHES = [
    ("hash", "home/conf/htpasswd", "admin:$apr1${S8}${H22}"),
    ("hash", "home/conf/shadow.txt", "op:$6${S8}${H86}:19000:0:99999:7:::"),
    ("hash", "home/conf/hashes.txt", "$2y$10${H53}"),
    ("hash", "home/conf/hashes.txt", "hash {HEX40}"),
    ("hash", "home/conf/hashes.txt", "md5 {HEX32}"),
    ("hash", "home/conf/hashes.txt", "*{HEX40U}"),
    ("hash", "home/conf/hashes.txt", "{{SSHA}}{B64_24}"),
    ("hash", "home/conf/hashes.txt", "pbkdf2_sha256$260000${S8}${B64_24}"),
    ("hash", "home/public_html/docs/dump.sql", "INSERT INTO users VALUES (1,'op','{HEX64}');"),
    ("hash", "home/conf/hashes.txt", "$argon2id$v=19$m=65536,t=3,p=4${B64_24}${B64_24}"),
]
AST = [
    ("asterisk", "root/etc/asterisk/pjsip.conf", "password={V}"),
    ("asterisk", "root/etc/asterisk/pjsip.conf", "md5_cred={HEX32}"),
    ("asterisk", "root/etc/asterisk/pjsip.conf", "outbound_proxy=sip:trunk:{V}@sip.example.net"),
    ("asterisk", "root/etc/asterisk/sip.conf", "secret = {V}"),
    ("asterisk", "root/etc/asterisk/sip.conf", "register => trunk:{V}@sip.example.net/100"),
    ("asterisk", "root/etc/asterisk/iax.conf", "secret={V}"),
    ("asterisk", "root/etc/asterisk/iax.conf", "register => iaxuser:{V}@iax.example.net"),
    ("asterisk", "root/etc/asterisk/manager.conf", "secret = {V}"),
    ("asterisk", "root/etc/asterisk/voicemail.conf", "100 => {N4},{NAME},{EMAIL}"),
    ("asterisk", "root/etc/asterisk/voicemail.conf", "101 => {N6},{NAMEL}"),
    ("asterisk", "root/etc/asterisk/confbridge.conf", "pin={N6}"),
    ("asterisk", "root/etc/asterisk/confbridge.conf", "admin_pin = {N6}"),
    ("asterisk", "root/etc/asterisk/meetme.conf", "conf => 800,{N4},{N6}"),
    ("asterisk", "root/etc/asterisk/res_odbc.conf", "password => {V}"),
    ("asterisk", "root/etc/asterisk/cdr_mysql.conf", "password={V}"),
    ("asterisk", "root/etc/asterisk/cdr_pgsql.conf", "password={V}"),
    ("asterisk", "root/etc/asterisk/ari.conf", "password = {V}"),
    ("asterisk", "root/etc/asterisk/http.conf", "; tls key pass {V}"),
    ("asterisk", "root/etc/asterisk/queues.conf", "member => PJSIP/100,0,{NAME}"),
    ("asterisk", "root/etc/asterisk/pjsip_trunk.inc", "password={V}"),
    ("asterisk", "root/etc/asterisk/musiconhold.conf", "; uploaded by {NAME} {PHONE}"),
    ("asterisk", "root/etc/asterisk/pjsip.conf", "callerid=\"{NAME}\" <{PHONEDIG}>"),
    ("asterisk", "root/etc/asterisk/extensions.conf", "exten => 707,1,Set(CALLERID(name)={NAME})"),
]
CODE = [
    ("code", "home/public_html/includes/x.php", "<?php $dbPassword = isset($x) ? $x : '{V}'; ?>"),
    ("code", "home/public_html/includes/x2.php", "<?php $config = ['db' => ['pass' => '{V}']]; ?>"),
    ("code", "home/public_html/includes/x3.php", "<?php $conn = mysqli_connect('localhost', 'flex', '{V}', 'db'); ?>"),
    ("code", "home/public_html/includes/x4.php", "<?php $p = base64_decode('{B64V}'); ?>"),
    ("code", "home/public_html/includes/x5.php", "<?php $secret = \"{V}\" . $suffix; ?>"),
    ("code", "home/public_html/includes/x6.php", "<?php $auth = <<<EOT\n{V}\nEOT;\n?>"),
    ("code", "home/public_html/js/c1.js", "var opts = {{ user: 'api', pass: '{V}' }};"),
    ("code", "home/public_html/js/c2.js", "localStorage.setItem('token', '{V}');"),
    ("code", "home/public_html/js/c3.js", "const k = atob('{B64V}');"),
    ("code", "home/public_html/js/c4.js", "headers['X-Auth'] = `{V}`;"),
    ("code", "home/public_html/js/c5.js", "login('admin', '{V}');"),
    ("code", "home/public_html/js/c6.js", "const parts = ['{V1}', '{V2}'].join('');"),
    ("code", "home/public_html/templates/mail.tpl", "{{{{ smtp_pass|default('{V}') }}}}"),
]
PERSONAL = [
    ("personal", "home/public_html/docs/CONTACTS.md", "Contact {NAME} at {EMAIL}."),
    ("personal", "home/public_html/docs/CONTACTS.md", "installed by {NAMEL}"),
    ("personal", "home/public_html/docs/CONTACTS.md", "call {PHONE} anytime"),
    ("personal", "home/public_html/docs/CONTACTS.md", "Maintainer: {LASTONLY}, {FIRSTONLY}"),
    ("personal", "home/public_html/docs/people.csv", "{FIRSTONLY},{LASTONLY},{EMAIL},{PHONE}"),
    ("personal", "home/public_html/js/people.js", "// TODO ask {NAME} about the trunk"),
    ("personal", "home/public_html/includes/p.php", "<?php // Autor: {NAME} ({EMAIL}) ?>"),
    ("personal", "home/conf/app.yaml", "owner: {NAME}"),
    ("personal", "home/conf/app.xml", "  <contact phone=\"{PHONE}\">{NAME}</contact>"),
    ("personal", "home/public_html/docs/dump.sql", "INSERT INTO contacts VALUES ('{NAME}','{EMAIL}','{PHONE}');"),
    ("personal", "root/usr/local/bin/flexpbx-notify", "# mail {EMAIL} when done, or text {PHONE}"),
    ("personal", "home/public_html/docs/CONTACTS.md", "Kontakt: {FIRSTLOW} {LASTLOW}"),
    ("personal", "home/public_html/docs/CONTACTS.md", "mailto:{EMAILURL}"),
    ("personal", "home/public_html/docs/CONTACTS.md", "{EMAILOBF}"),
]
LETTERS = string.ascii_letters + string.digits


def sec(r, n=18):
    return "".join(r.choice(LETTERS) for _ in range(n - 2)) + r.choice("ab") + r.choice("79")


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.files = {}
        self.planted = []  # (cls, path, value, line)
        self.keep = []

    def add(self, path, line):
        self.files.setdefault(path, []).append(line)

    def fill(self, cls, path, tpl):
        r = self.r
        f, l = r.choice(FIRST), r.choice(LAST)
        user = sec(r, 8).lower()
        v = {"V": sec(r), "V1": sec(r, 10), "V2": sec(r, 10), "N4": str(r.randint(1000, 9999)),
             "N6": str(r.randint(100000, 999999)), "FIRSTONLY": f, "LASTONLY": l,
             "NAME": f"{f} {l}", "NAMEL": f"{f} {l}".lower(), "FIRSTLOW": f.lower(), "LASTLOW": l.lower(),
             "U8": sec(r, 8).upper(), "S8": sec(r, 8),
             "H22": "".join(r.choice(LETTERS + "./") for _ in range(22)),
             "H53": "".join(r.choice(LETTERS + "./") for _ in range(53)),
             "H86": "".join(r.choice(LETTERS + "./") for _ in range(86)),
             "HEX32": "%032x" % r.getrandbits(128), "HEX40": "%040x" % r.getrandbits(160),
             "HEX64": "%064x" % r.getrandbits(256)}
        v["HEX40U"] = ("%040x" % r.getrandbits(160)).upper()
        v["EMAIL"] = f"{user}@{sec(r, 6).lower()}-corp.de"
        v["EMAILURL"] = urllib.parse.quote(v["EMAIL"])
        v["EMAILOBF"] = v["EMAIL"].replace("@", " [at] ").replace(".", " [dot] ")
        a = str(r.randint(1000, 9999))
        v["PHONE"] = r.choice(PHONES).format(a=a, b=a[:2], c=a[:2] + " " + a[2:])
        v["PHONEDIG"] = "+4930" + str(r.randint(10000000, 99999999))
        v["B64"] = base64.b64encode(f"admin:{v['V']}".encode()).decode()
        v["B64V"] = base64.b64encode(v["V"].encode()).decode()
        v["B64_24"] = base64.b64encode(r.randbytes(18)).decode()
        v["AWS"] = "AKIA" + "".join(r.choice(string.ascii_uppercase + "234567") for _ in range(16))
        v["AWSS"] = "aws_secret_access_key=" + "".join(r.choice(LETTERS + "/+") for _ in range(40))
        v["TW"] = "SK" + "%032x" % r.getrandbits(128)
        v["ST"] = "sk_live_" + sec(r, 24)
        v["SG"] = "SG." + sec(r, 22) + "." + sec(r, 43)
        v["GH"] = "ghp_" + sec(r, 36)
        v["GO"] = "AIza" + sec(r, 35)
        v["SL"] = "xoxb-" + str(r.randint(10**11, 10**12)) + "-" + sec(r, 24)
        hdr = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
        body = base64.urlsafe_b64encode(json.dumps({"sub": user}).encode()).decode().rstrip("=")
        v["JWT"] = f"{hdr}.{body}.{sec(r, 43)}"
        line = tpl.format(**v)
        # what to search for: every {X} the template used
        keys = re.findall(r"(?<!\{)\{([A-Z0-9_]+)\}", tpl)
        vals = []
        for k in keys:
            if k in ("U8",):
                continue
            val = v[k]
            if k == "B64":
                vals.append(v["V"]); k = "V"
            if k == "AWSS":
                val = val.split("=", 1)[1]
            if k in ("EMAILURL", "EMAILOBF"):
                val = v["EMAIL"]
            if k == "NAME":
                vals += [f, l]
            vals.append(val)
        for val in dict.fromkeys(vals):
            if len(val) >= 4:
                self.planted.append((cls, path, val, tpl))
        self.add(path, line)
        return v

    def build(self, d):
        r = self.r
        for (path, tpl) in SYNTAX.values():
            for lab in LABELS:
                self.fill("label:" + path.rsplit("/", 1)[-1], path, tpl.replace("{L}", lab).replace("{LU}", lab.upper()))
        for group in (CMDS, HTTP, VENDOR, HASHES, AST, CODE, PERSONAL):
            for cls, path, tpl in group:
                self.fill(cls, path, tpl)
        # JSON records and their secrets repeated into docs
        users = []
        for i in range(3):
            v = self.fill("record", "home/public_html/docs/HISTORY.md", "user {NAME} first password {V}")
            rec = {"extension": str(200 + i), "username": f"u{200+i}", "password": v["V"], "full_name": v["NAME"],
                   "email": v["EMAIL"], "phone": v["PHONE"], "sip_secret": sec(r), "voicemail_pin": v["N6"]}
            self.planted += [("json", f"home/users/{200+i}.json", rec[k], k) for k in ("sip_secret", "voicemail_pin")]
            users.append(rec)
        self.files_json = {f"home/users/{u['extension']}.json": u for u in users}
        av = sec(r)
        self.files_json["home/admins/admin.json"] = {"username": "admin", "password_hash": "$2y$10$" + sec(r, 53), "api_token": av, "email": "boss@flexpbx-corp.de"}
        self.planted += [("json", "home/admins/admin.json", self.files_json["home/admins/admin.json"][k], k) for k in ("password_hash", "api_token")]
        self.add("home/public_html/docs/HISTORY.md", "admin token (b64) " + base64.b64encode(av.encode()).decode())
        self.add("home/public_html/docs/HISTORY.md", "admin token (url) " + urllib.parse.quote(av[:5] + "/" + av[5:]))
        self.planted.append(("repeat-b64", "home/public_html/docs/HISTORY.md", av, "admin token (b64) X"))
        cfgv = sec(r)
        self.files_json["home/flexpbx-config.json"] = {"database": {"host": "localhost", "user": "flex", "pass": cfgv, "ssl_key": "/etc/ssl/private/db.key"}, "password_min_length": 8, "pin_length": 4, "smtp": {"secret_file": "/home/x/.smtp"}}
        self.planted.append(("json", "home/flexpbx-config.json", cfgv, "pass"))
        tp = sec(r, 12)
        self.files_json["home/temp_passwords/admin.json"] = {"user": "admin", "temp_password": tp}
        self.planted.append(("json", "home/temp_passwords/admin.json", tp, "temp_password"))
        self.add("home/public_html/docs/HISTORY.md", f"db pass split: {cfgv[:9]}\\")
        self.add("home/public_html/docs/HISTORY.md", f"{cfgv[9:]}")
        self.add("home/public_html/docs/HISTORY.md", "json-escaped: " + json.dumps(cfgv[:6] + "/" + cfgv[6:]))
        self.add("home/public_html/docs/HISTORY.md", "html-escaped: " + "".join(f"&#{ord(c)};" for c in tp))
        self.planted.append(("repeat-split", "home/public_html/docs/HISTORY.md", cfgv, "split X across lines"))
        self.planted.append(("repeat-html", "home/public_html/docs/HISTORY.md", tp, "&#..; escaped X"))
        # names in file names / dirs / symlinks
        nm = self.fill("filename", "home/public_html/docs/NAMES.md", "see {NAME}")
        fs = sec(r)
        self.name_files = {f"home/public_html/uploads_{fs}/readme.txt": "x\n", f"home/docs/{nm['FIRSTONLY']}-{nm['LASTONLY']}-notes.txt": "notes\n"}
        self.planted += [("filename", f"dir uploads_X", fs, "dir name"), ("filename", "file name", nm["LASTONLY"], "file name")]
        ls = sec(r)
        self.links = {"home/public_html/latest": f"/srv/backup/{ls}/latest"}
        self.planted.append(("symlink", "home/public_html/latest", ls, "symlink target"))
        # encodings
        l1 = self.fill("latin1", "home/conf/legacy.ini", "kennwort = {V} ; Jürgen")
        u16 = self.fill("utf16", "home/conf/win.ini", "password={V}")
        nul = self.fill("nul", "home/conf/nul.conf", "secret={V}")
        # message / tag
        self.msg_val = sec(r)
        self.tag_val = sec(r, 10)
        self.planted.append(("message", "-m", self.msg_val, "snapshot -m 'root pw X'"))
        self.planted.append(("tag", "--tag", self.tag_val, "tag pw-X"))
        # user data in odd places
        self.userdata = ["home/public_html/api/cache/session_abc", "home/voicemail/default/100/INBOX/msg0000.wav",
                         "home/recordings/2026/out-100-200.wav", "home/public_html/data/cdr.db", "home/logs/php-errors.log",
                         "home/public_html/backup/flexpbx.sqlite", "root/var/spool/asterisk/monitor/q-100.wav",
                         "home/public_html/uploads/id-scan.pdf", "home/sessions/sess_" + sec(r, 26)]
        # must-keep
        for p, line in [("root/etc/asterisk/pjsip.conf", "[200]"), ("root/etc/asterisk/pjsip.conf", "type=auth"), ("root/etc/asterisk/pjsip.conf", "username=200"),
                        ("root/etc/asterisk/pjsip.conf", "auth=200-auth"), ("root/etc/asterisk/pjsip.conf", "aors=200"),
                        ("home/public_html/includes/login.php", "<?php $password = $_POST['password']; ?>"),
                        ("home/.env", "DB_PASS=${DB_PASS}"), ("home/conf/app.ini", "password_min_length = 8"),
                        ("home/conf/app.ini", "pin_length = 4"), ("home/conf/app.ini", "private_key_file = /etc/ssl/private/pbx.key"),
                        ("home/conf/app.ini", "client_secret_path = /home/flexpbx/.secrets/gauth.json"),
                        ("root/etc/asterisk/extensions.conf", "exten => _1XX,1,Dial(PJSIP/${EXTEN},30)"),
                        ("root/etc/asterisk/extensions.conf", "exten => 8000,1,VoiceMailMain(${CALLERID(num)}@default)"),
                        ("root/etc/asterisk/extensions.conf", "#include extensions_custom.conf"),
                        ("home/bin/deploy.sh", "mysql -u flex -p\"$DB_PASS\" flexpbx"),
                        ("home/public_html/js/app.js", "const password = document.getElementById('password').value;")]:
            self.add(p, line)
            self.keep.append((p, line))
        self.sudoers = "flexpbx ALL=(asterisk) NOPASSWD: /usr/sbin/asterisk -rx *\nflexpbx ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-toggle-permissions\n"
        for line in self.sudoers.splitlines():
            self.keep.append(("root/etc/sudoers.d/flexpbx-asterisk", line))
        self.write(d, l1, u16, nul)

    def write(self, d, l1, u16, nul):
        d = Path(d)
        special = {"home/conf/legacy.ini": "latin-1", "home/conf/win.ini": "utf-16"}
        for p, lines in self.files.items():
            t = d / p
            t.parent.mkdir(parents=True, exist_ok=True)
            text = "\n".join(lines) + "\n"
            if p.endswith(".php"):
                text = "".join(l if l.startswith("<?php") else f"<?php /* */ ?>\n{l}\n" if False else l + "\n" for l in lines)
                text = "\n".join(("<?php\n// " + l.replace("\n", " ") + "\n?>") if not l.startswith("<?php") else l for l in lines) + "\n"
            if p.endswith(".xml"):
                text = "<?xml version=\"1.0\"?>\n<config>\n" + text + "</config>\n"
            if p == "home/conf/nul.conf":
                t.write_bytes(text.encode() + b"\x00\x00binary\x00\n")
            elif p in special:
                t.write_bytes(text.encode(special[p]))
            else:
                t.write_text(text)
        for p, obj in self.files_json.items():
            t = d / p
            t.parent.mkdir(parents=True, exist_ok=True)
            t.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
        for p, c in self.name_files.items():
            (d / p).parent.mkdir(parents=True, exist_ok=True)
            (d / p).write_text(c)
        for p, tgt in self.links.items():
            (d / p).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(tgt, d / p)
        for p in self.userdata:
            (d / p).parent.mkdir(parents=True, exist_ok=True)
            (d / p).write_bytes(b"RIFF user data " + self.r.randbytes(16))
        s = d / "root/etc/sudoers.d/flexpbx-asterisk"
        s.parent.mkdir(parents=True, exist_ok=True)
        s.write_text(self.sudoers)
        (d / "root/usr/local/bin").mkdir(parents=True, exist_ok=True)
        meta = {"planted": self.planted, "keep": self.keep, "userdata": self.userdata, "msg": self.msg_val,
                "tag": self.tag_val, "json": list(self.files_json), "xml": [p for p in self.files if p.endswith(".xml")],
                "php": [p for p in self.files if p.endswith(".php")],
                "lines": {p: len(open(d / p, "rb").read().split(b"\n")) for p in self.files if p not in ("home/conf/win.ini",)}}
        (d / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))


def forms(v):
    out = {v, base64.b64encode(v.encode()).decode().rstrip("="), urllib.parse.quote(v), json.dumps(v)[1:-1]}
    return [f.encode() for f in out] + [v.encode("latin-1", "ignore"), v.encode("utf-16-le")]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", **kw)
    return p.returncode, p.stdout + p.stderr


def check(d):
    d = Path(d).resolve()
    meta = json.loads((d / "meta.json").read_text())
    fg = os.environ.get("FLEXGIT", "flexgit")
    repo = d / "store.git"
    base = [fg, "--home", str(d / "home"), "--root", str(d / "root"), "--repo", str(repo), "-y"]
    env = dict(os.environ, HOME=str(d / "fakehome"))
    (d / "fakehome").mkdir(exist_ok=True)
    res = {}
    res["snapshot"] = run(base + ["snapshot", "-m", f"root pw {meta['msg']}", "--tag", f"pw-{meta['tag']}"], env=env)
    res["audit_all"] = run(base + ["audit", "--all"], env=env)
    res["audit_v"] = run(base + ["audit", "--verbose", "latest"], env=env)
    out = d / "out"
    out.mkdir(exist_ok=True)
    exports = {}
    for t in ("flx", "flxx"):
        rc, txt = run(base + ["export", "latest", "-t", t, "-o", str(out / t)], env=env)
        res["export_" + t] = (rc, txt)
        blob = b""
        for f in (out / t).glob("*") if (out / t).exists() else []:
            if f.is_file():
                b = f.read_bytes()
                blob += gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b
        # decode JSON-escaped content the way a reader would
        try:
            blob += json.dumps(json.loads(blob.decode()), ensure_ascii=False).encode()
        except Exception:
            pass
        exports[t] = blob
    store = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch"], capture_output=True).stdout
    store += subprocess.run(["git", "-C", str(repo), "for-each-ref", "--format=%(refname) %(contents)"], capture_output=True).stdout
    audit_txt = res["audit_all"][1] + res["audit_v"][1]
    leaks = []
    for cls, path, val, tpl in meta["planted"]:
        fm = forms(val)
        where = [n for n, b in (("store", store), ("flx", exports["flx"]), ("flxx", exports["flxx"])) if any(f in b for f in fm)]
        if where:
            short = path.split("/", 1)[-1]
            leaks.append({"cls": cls, "path": path, "tpl": tpl, "where": where,
                          "audited": short in audit_txt or path.rsplit("/", 1)[-1] in audit_txt})
    # must-keep
    changed = []
    for p, line in meta["keep"]:
        rp = ("system/" + p[5:]) if p.startswith("root/") else p
        rc, txt = run(["git", "-C", str(repo), "show", f"HEAD:{rp}"])
        if line not in txt.splitlines():
            changed.append((p, line))
    rc, tree = run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD"])
    ud = [p for p in meta["userdata"] if (("system/" + p[5:]) if p.startswith("root/") else p) in tree.splitlines()]
    broken = []
    for p in meta["json"] + meta["xml"] + meta["php"]:
        rc, txt = run(["git", "-C", str(repo), "show", f"HEAD:{p}"])
        if rc:
            broken.append((p, "missing"))
            continue
        if p.endswith(".json"):
            try:
                json.loads(txt)
            except Exception as e:
                broken.append((p, str(e)))
        elif p.endswith(".xml"):
            import xml.dom.minidom
            try:
                xml.dom.minidom.parseString(txt)
            except Exception as e:
                broken.append((p, str(e)))
        else:
            rc2, o = run(["php", "-l"], input=txt) if False else (0, "")
            try:
                rc2, o = run(["php", "-l"], input=txt)
                if rc2:
                    broken.append((p, o.strip()[:100]))
            except FileNotFoundError:
                pass
    for p, n in meta["lines"].items():
        rp = ("system/" + p[5:]) if p.startswith("root/") else p
        b = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{rp}"], capture_output=True).stdout
        if b and len(b.split(b"\n")) != n:
            got = len(b.split(b"\n"))
            broken.append((p, f"line count {n} -> {got}"))
    summary = {"planted": len(meta["planted"]), "leaked_store": sum("store" in l["where"] for l in leaks),
               "leaked_flx": sum("flx" in l["where"] for l in leaks), "leaked_flxx": sum("flxx" in l["where"] for l in leaks),
               "userdata_stored": ud, "mustkeep_changed": changed, "broken": broken,
               "audit_recall": f"{sum(l['audited'] for l in leaks)}/{len(leaks)}",
               "rc": {k: v[0] for k, v in res.items()}}
    (d / "result.json").write_text(json.dumps({"summary": summary, "leaks": leaks, "out": {k: v[1][-3000:] for k, v in res.items()}}, indent=1, ensure_ascii=False))
    print(json.dumps(summary, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1] == "build":
        Gen(int(sys.argv[2])).build(sys.argv[3])
    else:
        check(sys.argv[2])
