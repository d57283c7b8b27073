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
