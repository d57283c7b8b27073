"""Shell, config, Markdown and sudoers: literals replaced, code untouched.

PHP and JavaScript forms are tested in test_sanitize_php.py and test_sanitize_js.py.
"""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
SH = "system/usr/local/bin/flexpbx-toggle-permissions"
MD = "home/docs/SETUP.md"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("path", "before", "after", "rule"),
    [
        (SH, "DB_PASS=shellpw", f"DB_PASS={R}", "text.shell_assign"),
        (SH, 'export API_TOKEN="tok123"', f'export API_TOKEN="{R}"', "text.shell_assign"),
        (SH, "  local admin_password='x y'", f"  local admin_password='{R}'", "text.shell_assign"),
        (SH, "docker run -e MYSQL_ROOT_PASSWORD=rootpw img",
         f"docker run -e MYSQL_ROOT_PASSWORD={R} img", "text.shell_assign"),
        (SH, 'Environment="DB_PASSWORD=unitpw"', f'Environment="DB_PASSWORD={R}"',
         "text.shell_assign"),
        (SH, "mysql -h db -u root --password=clipw pbx", f"mysql -h db -u root --password={R} pbx",
         "pattern.password_param"),
        (MD, '    "password": "mdpw",', f'    "password": "{R}",', "text.js_literal"),
        (MD, "Use `curl https://api.acme.io/v1?token=tkn123&x=1`.",
         f"Use `curl https://api.acme.io/v1?token={R}&x=1`.", "pattern.password_param"),
        ("home/.env", "APP_KEY=base64:abc=", f"APP_KEY={R}", "text.shell_assign"),
        # dotenv reads an unquoted value to the end of the line (found in
        # review: the shell form kept "horse battery"), "#" inside included.
        ("home/.env", "DB_PASSWORD=correct horse battery", f"DB_PASSWORD={R}",
         "text.shell_assign"),
        ("home/.env", "DB_PASSWORD=a#b # old", f"DB_PASSWORD={R} # old", "text.shell_assign"),
        ("home/.env.local", "# DB_PASSWORD=former pw", f"# DB_PASSWORD={R}",
         "text.shell_assign"),
        ("home/.my.cnf", "[client]\npassword = my cnf pw", f"[client]\npassword = {R}",
         "text.config_value"),
        ("home/config.yml", "smtp:\n  password: yamlpw # provider",
         f"smtp:\n  password: {R} # provider",
         "text.config_value"),
    ],
)  # fmt: skip
def test_rule(path: str, before: str, after: str, rule: str) -> None:
    out, counts = run(path, before)
    assert out == after
    assert rule in counts


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (SH, 'DB_PASS="${DB_PASS:-}"\nAPI_TOKEN=$(cat /etc/flexpbx/token)\nmysql -p"$DB_PASS"'),
        (SH, 'PASSWORD=$1\nexport SECRET="$2"\n# set your password=<here>'),
        (MD, "Run `git clone git@github.com:acme/flexpbx.git` on pbx.acme.io."),
        (MD, "The `password` key holds the SIP password; `secret=` in sip.conf."),
        (
            "system/etc/sudoers.d/flexpbx-asterisk",
            "flexpbxuser ALL=(asterisk) NOPASSWD: /usr/sbin/asterisk -rx *\n"
            "Defaults:flexpbxuser !requiretty\n",
        ),
    ],
)
def test_untouched(path: str, text: str) -> None:
    result = sanitize(path, text.encode())
    assert result.data == text.encode()
    assert result.counts == {}


def test_sudoers_only_value_patterns() -> None:
    text = "# maintainer: jane@acme.io\nDB_PASS=kept ALL=(root) /bin/true\n"
    out, counts = run("system/etc/sudoers.d/flexpbx-asterisk", text)
    assert out == "# maintainer: user@example.com\nDB_PASS=kept ALL=(root) /bin/true\n"
    assert counts == {"pattern.email": 1}
