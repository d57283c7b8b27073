"""PHP, JavaScript, shell, Markdown and sudoers: literals replaced, code untouched."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
PHP = "home/public_html/api/config.php"
JS = "home/public_html/js/app.js"
SH = "system/usr/local/bin/flexpbx-toggle-permissions"
MD = "home/docs/SETUP.md"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("path", "before", "after", "rule"),
    [
        (PHP, "$c = ['db_password' => 'S3cret!'];", f"$c = ['db_password' => '{R}'];",
         "text.php_literal"),
        (PHP, '$c = array("password" => "p\\"w");', f'$c = array("password" => "{R}");',
         "text.php_literal"),
        (PHP, "define('DB_PASS', 'dbpw');", f"define('DB_PASS', '{R}');", "text.php_literal"),
        (PHP, 'define( "API_KEY" , "k-123" );', f'define( "API_KEY" , "{R}" );',
         "text.php_literal"),
        (PHP, '$secret = "abc";', f'$secret = "{R}";', "text.php_literal"),
        (PHP, "$db_pass='inline';", f"$db_pass='{R}';", "text.php_literal"),
        (PHP, "    private $secret = 'cls';", f"    private $secret = '{R}';", "text.php_literal"),
        (PHP, 'public static $apiKey = "k";', f'public static $apiKey = "{R}";',
         "text.php_literal"),
        (PHP, "$this->password = 'p';", f"$this->password = '{R}';", "text.php_literal"),
        (PHP, "self::$token = 't';", f"self::$token = '{R}';", "text.php_literal"),
        (PHP, "$cfg['smtp_password'] = 'smtp';", f"$cfg['smtp_password'] = '{R}';",
         "text.php_literal"),
        (PHP, "$pdo = new PDO('mysql:host=localhost;dbname=pbx', 'root', 'pdopw');",
         f"$pdo = new PDO('mysql:host=localhost;dbname=pbx', 'root', '{R}');", "text.php_literal"),
        (PHP, '$db = mysqli_connect("localhost", $user, "mypw", "pbx");',
         f'$db = mysqli_connect("localhost", $user, "{R}", "pbx");', "text.php_literal"),
        (PHP, "$pass = 'p$ss';", f"$pass = '{R}';", "text.php_literal"),
        (PHP, "'admin_email' => 'boss@acme.io',", "'admin_email' => 'admin@example.com',",
         "text.php_literal"),
        (PHP, "$hash = '$2y$10$abcdefghijklmnopqrstuv1234567890abcdefghijklmnopqrstu';",
         "$hash = '$2y$10$FLEXGITREDACTEDPLACEHOFLEXGITREDACTEDPLACEHOLDERHASH.';",
         "pattern.bcrypt"),
        (JS, 'const API_KEY = "abc123";', f'const API_KEY = "{R}";', "text.js_literal"),
        (JS, "const cfg = { password: 'jspw', user: 'bob' };",
         f"const cfg = {{ password: '{R}', user: 'bob' }};", "text.js_literal"),
        (JS, 'this.authToken = "t$x";', f'this.authToken = "{R}";', "text.js_literal"),
        (JS, 'fetch(u, {headers: {"X-API-Key": "k"}})',
         f'fetch(u, {{headers: {{"X-API-Key": "{R}"}}}})',
         "text.js_literal"),
        (JS, "const vapidPrivateKey = 'priv';", f"const vapidPrivateKey = '{R}';",
         "text.js_literal"),
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
        (PHP, "$password = $_POST['password'];"),
        (PHP, "if (password_verify($password, $hash)) { return true; }"),
        (PHP, "$row = ['password' => $hash, 'pin' => (int) $pin];"),
        (PHP, "$x = getenv('DB_PASS'); $y = $_ENV['API_KEY'] ?? '';"),
        (PHP, "if ($password == 'x' || $password === \"y\") {}"),
        (PHP, "$hashed = password_hash($password, PASSWORD_DEFAULT);"),
        (PHP, '$token = "Bearer $jwt"; $s = "{$prefix}_secret";'),
        (PHP, "define('DB_PASS', '');  $secret = '';"),
        (PHP, "$apiKey = 'YOUR_API_KEY_HERE'; $password = '<password>'; $pin = 'xxxx';"),
        (PHP, "$mail = 'noreply@example.com'; $url = 'https://pbx.example.org/api';"),
        (PHP, "$label = ['password' => 'Password', 'forgot' => 'Forgot your password?'];"),
        (JS, "const password = document.getElementById('pw').value;"),
        (JS, "img.src = 'img/logo@2x.png'; const token = `${a}`;"),
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


LOGIN_PHP = textwrap.dedent(
    """\
    <?php
    // FlexPBX login endpoint
    define('DB_HOST', 'localhost');
    define('DB_PASS', 'Sup3r$ecret');
    $config = [
        'db_password' => 'dbpw',
        "api_key" => "ak_live_1234567890",
        'admin_email' => 'boss@acme.io',
        'password' => $hash,
    ];
    class Mailer {
        private $secret = 'mailer-secret';
        public static $apiKey = "key";
    }
    $jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_nature';
    $password = $_POST['password'] ?? '';
    if (!password_verify($password, $row['password_hash'])) {
        http_response_code(401);
    }
    $pdo = new PDO('mysql:host=' . DB_HOST . ';dbname=pbx', 'flexpbx', 'pdopw');
    $key = <<<KEY
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
    -----END PRIVATE KEY-----
    KEY;
    """
)


def test_php_file_keeps_lines_and_lints(tmp_path: Path) -> None:
    out, counts = run(PHP, LOGIN_PHP)
    assert out.count("\n") == LOGIN_PHP.count("\n")
    for value in ("Sup3r$ecret", "dbpw", "ak_live", "boss@acme.io", "mailer-secret", "eyJ",
                  "pdopw", "MIIE"):  # fmt: skip
        assert value not in out
    assert "$_POST['password']" in out and "'password' => $hash" in out
    assert counts == {
        "pattern.jwt": 1, "pattern.private_key": 1, "text.php_literal": 7,
    }  # fmt: skip
    php = shutil.which("php")
    if php is None:
        pytest.skip("php is not installed")
    for name, source in (("before.php", LOGIN_PHP), ("after.php", out)):
        (tmp_path / name).write_text(source)
        lint = subprocess.run([php, "-l", str(tmp_path / name)], capture_output=True, check=False)
        assert lint.returncode == 0, lint.stdout
