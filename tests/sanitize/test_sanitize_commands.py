"""Credentials on command lines (flexgit/sanitize/commands.py), in every file kind."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
SH = "home/scripts/backup.sh"
PHP = "home/public_html/admin/backup.php"
MD = "home/docs/setup-guide.md"
EXT = "system/etc/asterisk/extensions_custom.conf"
CRON = "system/etc/cron.d/flexpbx"
INI = "home/config/tools.ini"
YAML = "home/config/deploy.yml"
JS = "home/public_html/js/tools.js"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (SH, "mysql -u root -pTr1cky9Pw flexpbx < schema.sql",
         f"mysql -u root -p{R} flexpbx < schema.sql"),
        (SH, "mysqldump -u backup -p'Dump 9x!' --all-databases | gzip > all.sql.gz",
         f"mysqldump -u backup -p'{R}' --all-databases | gzip > all.sql.gz"),
        (SH, "/usr/bin/mysqladmin -uroot -pAdm1nPw status",
         f"/usr/bin/mysqladmin -uroot -p{R} status"),
        (SH, "mariadb-dump --user=pbx --password='s p a c e' pbx",
         f"mariadb-dump --user=pbx --password='{R}' pbx"),
        (SH, "mysqldump \\\n  -u root \\\n  -pCont1nued \\\n  pbx > x.sql",
         f"mysqldump \\\n  -u root \\\n  -p{R} \\\n  pbx > x.sql"),
        (SH, "sshpass -p 'Ssh!pass9' ssh root@10.0.0.5 uptime",
         f"sshpass -p '{R}' ssh root@10.0.0.5 uptime"),
        (SH, "sshpass -pSshPass9 rsync -a /var/lib/asterisk backup@nas:/bk",
         f"sshpass -p{R} rsync -a /var/lib/asterisk backup@nas:/bk"),
        (SH, "curl -s -u admin:Ar1Pass https://pbx.acme.io/ari/channels",
         f"curl -s -u admin:{R} https://pbx.acme.io/ari/channels"),
        (SH, 'curl --user "api:Xy7#pw" -X POST https://crm.acme.io/hook',
         f'curl --user "api:{R}" -X POST https://crm.acme.io/hook'),
        (SH, "wget --http-user=dl --http-password=Wg3tPw https://dl.acme.io/fw.bin",
         f"wget --http-user=dl --http-password={R} https://dl.acme.io/fw.bin"),
        (SH, "wget --ftp-password='ftp pw' ftp://ftp.acme.io/x",
         f"wget --ftp-password='{R}' ftp://ftp.acme.io/x"),
        (SH, "lftp -u backup,Lftp9pw -e 'mirror -R /bk' ftp.acme.io",
         f"lftp -u backup,{R} -e 'mirror -R /bk' ftp.acme.io"),
        (SH, "smbclient //nas/backup -U 'ACME\\pbx%Smb9pass' -c 'put x.tgz'",
         f"smbclient //nas/backup -U 'ACME\\pbx%{R}' -c 'put x.tgz'"),
        (SH, "openssl enc -aes-256-cbc -salt -pass pass:Enc9Pass -in db.sql -out db.enc",
         f"openssl enc -aes-256-cbc -salt -pass pass:{R} -in db.sql -out db.enc"),
        (SH, "openssl pkcs12 -export -in c.pem -passout pass:P12pw -out c.p12",
         f"openssl pkcs12 -export -in c.pem -passout pass:{R} -out c.p12"),
        (SH, "openssl enc -d -aes256 -k OldKey99 -in x.enc",
         f"openssl enc -d -aes256 -k {R} -in x.enc"),
        (SH, "gpg --batch --yes --passphrase 'Gpg pass 9' -c backup.tar",
         f"gpg --batch --yes --passphrase '{R}' -c backup.tar"),
        (SH, "echo 'Sud0Pass' | sudo -S systemctl restart asterisk",
         f"echo '{R}' | sudo -S systemctl restart asterisk"),
        (SH, "sudo -S fwconsole reload <<< \"Sud0Pass\"", f"sudo -S fwconsole reload <<< \"{R}\""),
        (SH, "echo \"flexpbx:Chp4sswd\" | chpasswd", f"echo \"flexpbx:{R}\" | chpasswd"),
        (SH, "htpasswd -b /etc/asterisk/.htpasswd admin Htp4ss",
         f"htpasswd -b /etc/asterisk/.htpasswd admin {R}"),
        (SH, "htpasswd -nbB -C 10 admin 'Htp 4ss'", f"htpasswd -nbB -C 10 admin '{R}'"),
        (SH, "redis-cli -h 127.0.0.1 -a R3disPw ping", f"redis-cli -h 127.0.0.1 -a {R} ping"),
        (SH, "ldapsearch -x -D 'cn=admin,dc=acme,dc=io' -w Ld4pPw -b dc=acme,dc=io",
         f"ldapsearch -x -D 'cn=admin,dc=acme,dc=io' -w {R} -b dc=acme,dc=io"),
        (SH, "docker login -u acme -p D0ckerPw registry.acme.io",
         f"docker login -u acme -p {R} registry.acme.io"),
        (SH, "sipp -sn uac -s 2001 -au 2001 -ap S1ppPass 10.0.0.2",
         f"sipp -sn uac -s 2001 -au 2001 -ap {R} 10.0.0.2"),
        (CRON, "0 3 * * * root mysqldump -uroot -pCr0nPw pbx > /bk/pbx.sql",
         f"0 3 * * * root mysqldump -uroot -p{R} pbx > /bk/pbx.sql"),
        (PHP, '$out = shell_exec("mysqldump -u root -pPhpDump9 flexpbx");',
         f'$out = shell_exec("mysqldump -u root -p{R} flexpbx");'),
        (PHP, "exec('sshpass -p Ph9ssh scp /tmp/a.wav nas:/rec/', $out, $rc);",
         f"exec('sshpass -p {R} scp /tmp/a.wav nas:/rec/', $out, $rc);"),
        (PHP, "$r = `curl -u ops:B4cktick https://mon.acme.io/ping`;",
         f"$r = `curl -u ops:{R} https://mon.acme.io/ping`;"),
        (PHP, 'system("echo \\"Sud0Php\\" | sudo -S /usr/sbin/asterisk -rx reload");',
         f'system("echo \\"{R}\\" | sudo -S /usr/sbin/asterisk -rx reload");'),
        (EXT, "exten => 900,1,System(mysql -u cdr -pD1alplan cdr -e 'select 1')",
         f"exten => 900,1,System(mysql -u cdr -p{R} cdr -e 'select 1')"),
        (EXT, "same => n,TrySystem(curl -u hook:D1alHook https://crm.acme.io/c)",
         f"same => n,TrySystem(curl -u hook:{R} https://crm.acme.io/c)"),
        (MD, "Run `mysql -u root -pMdPass77 flexpbx` to check.",
         f"Run `mysql -u root -p{R} flexpbx` to check."),
        (MD, "    sshpass -p MdSsh9 ssh pbx", f"    sshpass -p {R} ssh pbx"),
        (INI, "backup_cmd = mysqldump -u bk -pIn1Pass pbx",
         f"backup_cmd = mysqldump -u bk -p{R} pbx"),
        (YAML, "  command: redis-cli -a Yam1Redis info", f"  command: redis-cli -a {R} info"),
        (JS, "const cmd = 'sshpass -p Js9ssh ssh ' + host;",
         f"const cmd = 'sshpass -p {R} ssh ' + host;"),
    ],
)  # fmt: skip
def test_command_credentials(path: str, before: str, after: str) -> None:
    out, counts = run(path, before)
    assert out == after
    assert "command.credential" in counts
    assert run(path, out) == (out, {})  # idempotent


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (SH, 'mysql -u root -p"$DB_PASS" flexpbx'),
        (SH, "mysql -u root -p${PASS} flexpbx"),
        (SH, "mysql -u root -p$MYSQL_ROOT_PASSWORD flexpbx"),
        (SH, "mysql -u root -p flexpbx"),
        (SH, 'curl -u "$USER:$PASS" https://x.acme.io/api'),
        (SH, "curl -u admin https://x.acme.io/api"),
        (SH, "openssl enc -aes256 -pass env:BACKUP_KEY -in a -out b"),
        (SH, "openssl enc -aes256 -pass file:/etc/flexpbx/.bk -in a -out b"),
        (SH, "gpg --batch --passphrase-file /etc/flexpbx/.gpgpass -c backup.tar"),
        (SH, "sshpass -f /etc/flexpbx/.sshpass ssh nas"),
        (SH, "ldapsearch -x -W -b dc=acme,dc=io"),
        (SH, 'echo "$PASSWORD" | sudo -S true'),
        (SH, "htpasswd -c /etc/asterisk/.htpasswd admin"),
        (SH, "docker run -p 8080:80 flexpbx/web"),
        (SH, "gzip -p4 dump.sql"),
        (PHP, 'exec("mysqldump -u root -p" . $pass . " flexpbx");'),
        (PHP, "exec('mysqldump -u root -p' . escapeshellarg($pw) . ' db');"),
        (PHP, 'shell_exec("mysql -u{$user} -p{$pass} pbx");'),
        (PHP, "$cmd = sprintf('mysql -u %s -p%s pbx', $u, $p);"),
        (MD, "Run `mysql -u root -p<password> flexpbx`."),
        (MD, "Run `mysql -u root -pYOUR_PASSWORD flexpbx`."),
        (MD, f"mysql -u root -p{R} flexpbx"),
        (MD, "curl -u admin:******** https://pbx.example.com/ari"),
    ],
)  # fmt: skip
def test_kept_byte_identical(path: str, line: str) -> None:
    out, counts = run(path, line)
    assert out == line
    assert "command.credential" not in counts


def test_script_keeps_lines_and_is_idempotent() -> None:
    script = (
        "#!/bin/bash\n"
        "set -e\n"
        'DB_USER="backup"\n'
        "mysqldump -u \"$DB_USER\" -pScr1ptPw --single-transaction pbx \\\n"
        "  | gzip > /bk/pbx.sql.gz\n"
        "sshpass -p 'Nas pass' rsync -a /bk/ nas:/bk/\n"
        "curl -fsS -u ops:M0nPass https://mon.acme.io/ping >/dev/null\n"
    )
    out, counts = run(SH, script)
    assert out.count("\n") == script.count("\n")
    for secret in ("Scr1ptPw", "Nas pass", "M0nPass"):
        assert secret not in out
    assert counts["command.credential"] == 3
    assert '-u "$DB_USER"' in out and "| gzip > /bk/pbx.sql.gz" in out
    assert run(SH, out) == (out, {})


def test_latin1_script_is_sanitized_and_written_back_in_its_bytes() -> None:
    # An undecodable byte (a Latin-1 "é") reaches the layers as a lone surrogate.
    data = b"# sauvegarde du caf\xe9\nmysqldump -u root -pLat1nPw pbx > /bk/pbx.sql\n"
    result = sanitize(SH, data)
    assert result.data == data.replace(b"Lat1nPw", R.encode())
    assert result.counts == {"command.credential": 1}


@pytest.mark.parametrize(("path", "line", "expected"), [
    ("home/public_html/node/s.js", "spawn('sshpass', ['-p', 'Ss8!hp1Lq', 'ssh', 'nas']);",
     "spawn('sshpass', ['-p', 'FLEXGIT-REDACTED', 'ssh', 'nas']);"),
    ("home/public_html/admin/m.php",
     "$p = proc_open(['smbclient', '//nas/pbx', '-U', 'backup%Sm8!bb1Lq'], $s, $pp);",
     "$p = proc_open(['smbclient', '//nas/pbx', '-U', 'backup%FLEXGIT-REDACTED'], $s, $pp);"),
    ("home/public_html/admin/m.php",
     "$cmd = sprintf('mysql -u%s -p%s %s', 'flexpbx', 'My8!sq1Lq', 'flexpbx');",
     "$cmd = sprintf('mysql -u%s -p%s %s', 'flexpbx', 'FLEXGIT-REDACTED', 'flexpbx');"),
    ("system/usr/local/bin/mon", "mosquitto_pub -h mqtt.lan -u pbx -P Mq8!tt1Lq -t x",
     "mosquitto_pub -h mqtt.lan -u pbx -P FLEXGIT-REDACTED -t x"),
    ("system/usr/local/bin/mon", "snmpwalk -v2c -c Sn8!mp1Lq 10.0.0.1 ifDescr",
     "snmpwalk -v2c -c FLEXGIT-REDACTED 10.0.0.1 ifDescr"),
])
def test_argument_lists_formats_and_more_tools(path: str, line: str, expected: str) -> None:
    assert sanitize(path, (line + "\n").encode()).data.decode() == expected + "\n"


def test_a_port_in_an_argument_list_stays() -> None:
    line = b"spawn('ssh', ['-p', '2222', 'host']);\n"
    assert sanitize("home/public_html/node/s.js", line).data == line
