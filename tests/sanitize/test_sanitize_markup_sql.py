"""HTML/XML (flexgit/sanitize/markup.py) and SQL (flexgit/sanitize/sql.py) credentials."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
HTML = "home/public_html/admin/help.html"
XML = "home/public_html/provisioning/phone.xml"
SQL = "home/sql/dump.sql"


@pytest.mark.parametrize(("path", "line", "expected"), [
    (HTML, "<p><b>Trunk password:</b> Kq8-vv2!Lp</p>", f"<p><b>Trunk password:</b> {R}</p>"),
    (HTML, "<dl><dt>AMI secret</dt><dd>mon1tor#Pw</dd></dl>",
     f"<dl><dt>AMI secret</dt><dd>{R}</dd></dl>"),
    (HTML, "<li>PIN: <code>739104</code></li>", f"<li>PIN: <code>{R}</code></li>"),
    (HTML, '<input type="password" name="pw" value="Hh7!kLq2zz">',
     f'<input type="password" name="pw" value="{R}">'),
    (HTML, '<input type="hidden" name="api_token" value="a8f3k2m9q1z7x4c6">',
     f'<input type="hidden" name="api_token" value="{R}">'),
    (HTML, '<span data-ami-secret="Zx81-pq0Lm"></span>', f'<span data-ami-secret="{R}"></span>'),
    (XML, "<sipPassword>Tr4!nk-99x</sipPassword>", f"<sipPassword>{R}</sipPassword>"),
    (XML, "<ldapPass><![CDATA[qQ7#ab12cd]]></ldapPass>", f"<ldapPass><![CDATA[{R}]]></ldapPass>"),
    (XML, '<item reg.2.auth.password="Pp91!zzLq"/>', f'<item reg.2.auth.password="{R}"/>'),
    (XML, '<setting key="admin_pin">408213</setting>', f'<setting key="admin_pin">{R}</setting>'),
    (XML, '<add name="secret" value="w0rkFl0w!x"/>', f'<add name="secret" value="{R}"/>'),
    (XML, "<config>\n<P2>Adm1n!pass9</P2>\n</config>", f"<config>\n<P2>{R}</P2>\n</config>"),
])
def test_markup_credentials(path: str, line: str, expected: str) -> None:
    assert sanitize(path, (line + "\n").encode()).data.decode() == expected + "\n"


def test_html_table_column_under_a_password_header() -> None:
    text = ("<table><tr><th>Host</th><th>Root password</th></tr>\n"
            "<tr><td>nas1</td><td>Nn7!qq0Lzp</td></tr></table>\n")
    assert sanitize(HTML, text.encode()).data.decode() == text.replace("Nn7!qq0Lzp", R)


@pytest.mark.parametrize(("path", "line"), [
    (HTML, '<input type="password" name="password" autocomplete="new-password">'),
    (HTML, "<label for=\"password\">Password</label>"),
    (XML, "<PasswordMinLength>12</PasswordMinLength>"),
    (XML, '<policy pin_length="6" password_expiry_days="90"/>'),
    (HTML, "<p>Choose a strong password.</p>"),
])
def test_markup_must_keep(path: str, line: str) -> None:
    data = (line + "\n").encode()
    assert sanitize(path, data).data == data


@pytest.mark.parametrize(("line", "expected"), [
    ("CREATE USER 'cdr'@'%' IDENTIFIED BY 'Cd7!rr91zq';",
     f"CREATE USER 'cdr'@'%' IDENTIFIED BY '{R}';"),
    ("ALTER USER 'x'@'h' IDENTIFIED WITH caching_sha2_password BY 'Vv0!pp2Lqx';",
     f"ALTER USER 'x'@'h' IDENTIFIED WITH caching_sha2_password BY '{R}';"),
    ("SET PASSWORD FOR 'r'@'h' = PASSWORD('Rr5#tt8Kzq');",
     f"SET PASSWORD FOR 'r'@'h' = PASSWORD('{R}');"),
    ("CREATE ROLE asterisk LOGIN ENCRYPTED PASSWORD 'Aa1!bb2Ccq';",
     f"CREATE ROLE asterisk LOGIN ENCRYPTED PASSWORD '{R}';"),
    ("INSERT INTO ps_auths (id, auth_type, username, password) VALUES\n"
     "('2001', 'userpass', '2001', 'Xy7!a2001q'),\n('2002', 'userpass', '2002', 'Xy7!b2002q');",
     "INSERT INTO ps_auths (id, auth_type, username, password) VALUES\n"
     f"('2001', 'userpass', '2001', '{R}'),\n('2002', 'userpass', '2002', '{R}');"),
    ("INSERT INTO config (k, v) VALUES ('smtp_pass', 'Sm7!tp09qz');",
     f"INSERT INTO config (k, v) VALUES ('smtp_pass', '{R}');"),
])
def test_sql_credentials(line: str, expected: str) -> None:
    assert sanitize(SQL, (line + "\n").encode()).data.decode() == expected + "\n"


def test_sql_keeps_other_columns_and_statements() -> None:
    text = ("INSERT INTO users (id, username, role) VALUES (1, 'admin', 'admin');\n"
            "ALTER TABLE users ADD COLUMN password_changed_at DATETIME;\n"
            "SELECT * FROM users WHERE password IS NULL;\n")
    assert sanitize(SQL, text.encode()).data.decode() == text
