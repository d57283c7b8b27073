"""Label -> value in any syntax (flexgit/sanitize/labels.py)."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
MD = "home/public_html/docs/SETUP.md"
PHP = "home/public_html/api/ami.php"


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        (MD, "- **SIP password:** Xk9#mq2Lp", f"- **SIP password:** {R}"),
        (MD, "- Password: hunter2abc", f"- Password: {R}"),
        (MD, "The admin password is Zq8!vvR2x now.", f"The admin password is {R} now."),
        (MD, "Login: admin / S3cr3t!pw", f"Login: admin / {R}"),
        (MD, "credentials: pbxadmin:Wq7-pp0qz", f"credentials: pbxadmin:{R}"),
        (MD, "Use `password: T0ps3cret` here.", f"Use `password: {R}` here."),
        (MD, "The password is `Hx93-zzLq`.", f"The password is `{R}`."),
        (MD, "API key: AKfj39fjsl30fjs0", f"API key: {R}"),
        (MD, "Voicemail PIN: 4821", f"Voicemail PIN: {R}"),
        (MD, "Trunk secret (acme): t7Yp0qLmz", f"Trunk secret (acme): {R}"),
        (MD, 'The password is "pp81Kx!a".', f'The password is "{R}".'),
        ("home/notes.txt", "pwd -> Ncx81!pq", f"pwd -> {R}"),
        ("system/etc/asterisk/extensions.conf", "; old password: Jq81!xxa",
         f"; old password: {R}"),
        ("home/bin/setup.sh", "# passphrase = quietRiver77", f"# passphrase = {R}"),
        (PHP, "// old password: oldPass#1", f"// old password: {R}"),
        (PHP, 'fwrite($s, "Action: Login\\r\\nUsername: admin\\r\\nSecret: am1S3cret\\r\\n");',
         f'fwrite($s, "Action: Login\\r\\nUsername: admin\\r\\nSecret: {R}\\r\\n");'),
    ],
)
def test_label_values_in_any_syntax(path: str, line: str, expected: str) -> None:
    out = sanitize(path, (line + "\n").encode()).data.decode()
    assert out == expected + "\n"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (MD, "The password is stored in the database."),
        (MD, "password_min_length = 8"),
        (MD, "pin_length: 4"),
        (MD, "Password: YOUR_PASSWORD_HERE"),
        (MD, "Password: <password>"),
        (MD, "Password: ${SIP_PASSWORD}"),
        (MD, "Password: required"),
        (MD, "Password: ********"),
        (MD, "See https://example.org/login for details."),
        (PHP, "$password = $_POST['password'];"),
        (PHP, "$pw = getenv('DB_PASS');"),
        (PHP, "if ($pin === $expected) {"),
        ("home/public_html/js/app.js", "password: document.getElementById('pw').value,"),
        ("system/etc/asterisk/sip.conf", ";mwi => 1234:password:authuser@host.example/1234"),
        ("system/etc/asterisk/pjsip.conf", "auth=6001-auth"),
        ("system/etc/asterisk/pjsip.conf", "tlsprivatekey=/etc/asterisk/keys/pbx.key"),
    ],
)
def test_what_is_not_a_credential_stays(path: str, line: str) -> None:
    data = (line + "\n").encode()
    assert sanitize(path, data).data == data


def test_markdown_table_column_under_a_password_header() -> None:
    text = ("| host | user | password | notes |\n|------|------|----------|-------|\n"
            "| pbx1 | root | rootPw!2024 | main |\n| pbx2 | admin | YOUR_PASSWORD_HERE | - |\n"
            "\nAfter the table: | not | a row\n")
    out = sanitize(MD, text.encode()).data.decode()
    assert out == text.replace("rootPw!2024", R)


def test_two_column_table_cell_right_of_a_label() -> None:
    text = "| Setting | Value |\n|---|---|\n| Trunk password | `tR9!kk2q` |\n| Port | 5060 |\n"
    out = sanitize(MD, text.encode()).data.decode()
    assert out == text.replace("tR9!kk2q", R)


def test_csv_column_under_a_pin_header() -> None:
    text = "ext,name,pin,secret\n2001,Front desk,1234,pw2001secret\n"
    out = sanitize("home/exports/extensions.csv", text.encode()).data.decode()
    assert out == f"ext,name,pin,secret\n2001,Front desk,{R},{R}\n"


def test_label_rule_is_idempotent_and_keeps_lines() -> None:
    text = "Password: a1b2c3d4\n| user | pass |\n|---|---|\n| u | Zz9!zz |\n"
    once = sanitize(MD, text.encode()).data
    assert sanitize(MD, once).data == once
    assert once.count(b"\n") == text.count("\n")


@pytest.mark.parametrize(
    ("path", "line", "expected"),
    [
        (MD, "The root password of the NAS is Kk8!mm2Lqz for now.",
         f"The root password of the NAS is {R} for now."),
        (MD, "Log in as ops (password Qq71!zzKx) first.", f"Log in as ops (password {R}) first."),
        ("home/notes.txt", "ssh root@10.1.1.5   pass Rr0t!pw998", f"ssh root@10.1.1.5   pass {R}"),
        ("home/notes.txt", "passwd Nq8#vv1Lzz", f"passwd {R}"),
        ("system/usr/local/bin/flexpbx-sync", "# admin pw for the router: Jj9!kk3Lq",
         f"# admin pw for the router: {R}"),
        (MD, "* AMI user `monitor`, secret `Mm0n!t0r9x`", f"* AMI user `monitor`, secret `{R}`"),
        (MD, "Credentials: `ops` / `0ps!Pass77`", f"Credentials: `ops` / `{R}`"),
        (MD, "Pass phrase: correct horse battery staple",
         f"Pass phrase: {R}"),
        ("home/public_html/js/app.js", "// test account tester / T3st!acct9",
         f"// test account tester / {R}"),
        ("home/public_html/js/app.js", "sessionStorage.setItem('apiToken', 'q8Zr71mKp02xLs');",
         f"sessionStorage.setItem('apiToken', '{R}');"),
        ("home/bin/x.sh", "machine ftp.example.net login bk password Ft9!pp21q",
         f"machine ftp.example.net login bk password {R}"),
    ],
)
def test_label_then_prose_or_backticks(path: str, line: str, expected: str) -> None:
    assert sanitize(path, (line + "\n").encode()).data.decode() == expected + "\n"


def test_value_alone_under_a_heading_that_names_it() -> None:
    text = "## Root password of the NAS\n\n    Hh8!nas77q\n\n## Next\n"
    assert sanitize(MD, text.encode()).data.decode() == text.replace("Hh8!nas77q", R)


@pytest.mark.parametrize(("path", "line"), [
    ("home/public_html/node/db.js", "  password: process.env.DB_PASS,"),
    ("home/public_html/api/x.php", "define('TOKEN_TTL', '3600'); define('SECRET_FILE', '/etc/x');"),
    ("system/etc/asterisk/voicemail.conf", "; the voicemail password (vmsecret) is stored in"),
    (MD, "The `password` key holds the SIP password; `secret=` in sip.conf."),
    ("home/bin/backup.sh", "rsync -a /srv/x backup@nas.internal:/srv/"),
    (MD, "Reset your password from the portal."),
])
def test_prose_about_credentials_stays(path: str, line: str) -> None:
    data = (line + "\n").encode()
    assert sanitize(path, data).data == data


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("* Kennwort: Kk9!zz81Lq", f"* Kennwort: {R}"),
        ("Passwort für den Admin-Zugang: Pp71!aa0Zq", f"Passwort für den Admin-Zugang: {R}"),
        ("Zugangsdaten: admin / Zz8#qq1Lp", f"Zugangsdaten: admin / {R}"),
        ("mot de passe : Mm0!tt7Qz", f"mot de passe : {R}"),
        ("contraseña: Cc8!rr2Lq", f"contraseña: {R}"),
        ("senha do tronco = Ss9!tt3Lp", f"senha do tronco = {R}"),
        ("пароль: Пп7!ыы2Lq", f"пароль: {R}"),
        ("密码：Mi7!ma8Lq", f"密码：{R}"),  # noqa: RUF001 (a full-width colon, as written)
        ("Password - Dd7!ash1Lq", f"Password - {R}"),
        ("Voicemail PIN for 2002 is 8688", f"Voicemail PIN for 2002 is {R}"),
        ("Password:\n    Nn8!ext2Lq", f"Password:\n    {R}"),
    ],
)
def test_labels_in_other_languages_and_layouts(line: str, expected: str) -> None:
    assert sanitize(MD, (line + "\n").encode()).data.decode() == expected + "\n"


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("home/provisioning.yaml", "api:\n  api_key: |\n    Yy8!blk1Lq\n  url: x\n",
         f"api:\n  api_key: |\n    {R}\n  url: x\n"),
        ("home/deploy.yml", "env:\n  - name: DB_PASS\n    value: Kk8!env1Lq\n",
         f"env:\n  - name: DB_PASS\n    value: {R}\n"),
        ("home/public_html/api/s.php", '<?php\n$x = \'a:1:{s:8:"password";s:10:"Ss8!ser1Lq";}\';\n',
         f'<?php\n$x = \'a:1:{{s:8:"password";s:16:"{R}";}}\';\n'),
        ("home/.pgpass", "localhost:5432:cdr:report:Pg8!pass1Lq\n",
         f"localhost:5432:cdr:report:{R}\n"),
        ("system/usr/local/bin/flexpbx-notify",
         '#!/usr/bin/env python3\nPASSWORD = os.environ.get("FLEX_SMTP", "Xq7!zz81Lm")\n',
         f'#!/usr/bin/env python3\nPASSWORD = os.environ.get("FLEX_SMTP", "{R}")\n'),
        ("system/usr/local/bin/x.sh", 'mysql -p"${DB_PASS:-Qq81!ab2z}" db\n',
         f'mysql -p"${{DB_PASS:-{R}}}" db\n'),
        ("system/etc/sudoers.d/flexpbx-asterisk",
         "flexpbx ALL=(root) NOPASSWD: /usr/bin/mysql -uroot -pSu8!do1Lq asterisk\n",
         f"flexpbx ALL=(root) NOPASSWD: /usr/bin/mysql -uroot -p{R} asterisk\n"),
        ("home/public_html/provisioning/y.cfg", "account.1.password = %%SIP_PASSWORD%%\n",
         "account.1.password = %%SIP_PASSWORD%%\n"),
    ],
)
def test_forms_over_lines_and_files_of_their_own(path: str, text: str, expected: str) -> None:
    assert sanitize(path, text.encode()).data.decode() == expected


@pytest.mark.parametrize("line", [
    "<?php\n$q = 'pw=' . urlencode($pw);\n",
    "<?php\n$q = 'password=' . rawurlencode($x) . '&user=' . $u;\n",
    "<?php\n$q = 'pw='.urlencode($pw);\n",
    "const q = 'token=' + encodeURIComponent(t);\n",
])  # fmt: skip
def test_code_between_two_strings_is_no_value(line: str) -> None:
    assert sanitize(PHP, line.encode()).data.decode() == line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Web portal: **admin** / **Xk9fPq2LmZ**", f"Web portal: **admin** / **{R}**"),
        ("Web portal: **admin** / **oyi6b.T+tLz%*f~WV**", f"Web portal: **admin** / **{R}**"),
        ("Sign in with **backup** / **Nq7-zzLp0a** and open Shares.",
         f"Sign in with **backup** / **{R}** and open Shares."),
        ("AMI: `monitor` / `mQ8.pp1Lzx`", f"AMI: `monitor` / `{R}`"),
        ("Default: __ops__ / __Tz81_kQ0pw__", f"Default: __ops__ / __{R}__"),
        ("new AMI secret pw^bAdP2N-ejTj2tDW9, agreed", f"new AMI secret {R}, agreed"),
        ("user: ops / pass: Rr71kq.Lm0", f"user: ops / pass: {R}"),
        ("Server root password → Hx93-zzLq7", f"Server root password → {R}"),
        ("NAS admin password ⇒ Hx93-zzLq7", f"NAS admin password ⇒ {R}"),
        ("Wifi key in the office: Kp0-aa81Lq", f"Wifi key in the office: {R}"),
        ("WPA2 key for the phones VLAN: `Kp0-aa81Lq`", f"WPA2 key for the phones VLAN: `{R}`"),
        ("Portal password\n:   Kp0-aa81Lq\n", f"Portal password\n:   {R}\n"),
        ("Alarm PIN\n: 482913\n", f"Alarm PIN\n: {R}\n"),
        ("    account.1.password = Kp0-aa81Lq", f"    account.1.password = {R}"),
        ("    sip.line.2.auth_password: Kp0-aa81Lq", f"    sip.line.2.auth_password: {R}"),
        ("| Service | Initial admin password (web) | URL |\n|---|---|---|\n"
         "| Router | Kp0-aa81Lq | http://192.168.1.1 |",
         f"| Service | Initial admin password (web) | URL |\n|---|---|---|\n"
         f"| Router | {R} | http://192.168.1.1 |"),
        ("| Service | Login | Pass |\n|---|---|---|\n| Webmail | ops.k7@example.net | Kp0-aa81Lq |",
         f"| Service | Login | Pass |\n|---|---|---|\n| Webmail | user@example.com | {R} |"),
    ],
)
def test_markdown_pairs_arrows_definitions_and_config_lines(text: str, expected: str) -> None:
    assert sanitize(MD, text.encode()).data.decode() == expected


@pytest.mark.parametrize(
    "text",
    [
        "Methods: `GET` / `POST`",
        "Toggle **on** / **off** in Settings.",
        "Codecs `ulaw` / `alaw` only.",
        "Upgrade `v1.2.3` / `v1.3.0` first.",
        "Keys: **Enter** / **Esc**",
        "account.1.password_format = crypt",
        "Password\n: required, 8 characters at least",
        "| Name | Email |\n|---|---|\n| Support | help@example.net |",
        "Primary key: id",
    ],
)
def test_markdown_lookalikes_stay(text: str) -> None:
    assert sanitize(MD, text.encode()).data.decode() == text
