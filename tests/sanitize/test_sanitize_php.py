"""PHP: literals under secret keys (text.php_literal) and by their place (php.binding)."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from flexgit.sanitize import Rules, sanitize

R = "FLEXGIT-REDACTED"
PHP = "home/public_html/api/config.php"
BCRYPT = "$2y$10$abcdefghijklmnopqrstuv1234567890abcdefghijklmnopqrstu"
BCRYPT_PLACEHOLDER = "$2y$10$FLEXGITREDACTEDPLACEHOFLEXGITREDACTEDPLACEHOLDERHASH."


def run(text: str, path: str = PHP, rules: Rules | None = None) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode(), rules or Rules())
    return result.data.decode(), result.counts


KEYED = [
    ("$c = ['db_password' => 'S3cret!'];", f"$c = ['db_password' => '{R}'];"),
    ('$c = array("password" => "p\\"w");', f'$c = array("password" => "{R}");'),
    ("define('DB_PASS', 'dbpw');", f"define('DB_PASS', '{R}');"),
    ('define( "API_KEY" , "k-123" );', f'define( "API_KEY" , "{R}" );'),
    ("define('SECURE_AUTH_SALT', 'q>9P;[w4');", f"define('SECURE_AUTH_SALT', '{R}');"),
    ('$secret = "abc";', f'$secret = "{R}";'),
    ("$db_pass='inline';", f"$db_pass='{R}';"),
    ("    private $secret = 'cls';", f"    private $secret = '{R}';"),
    ('public static $apiKey = "k";', f'public static $apiKey = "{R}";'),
    ("$this->password = 'p';", f"$this->password = '{R}';"),
    ("self::$token = 't';", f"self::$token = '{R}';"),
    ("$cfg['smtp_password'] = 'smtp';", f"$cfg['smtp_password'] = '{R}';"),
    ("$pass = 'p$ss';", f"$pass = '{R}';"),
    ("$mail->Username = 'pbx'; $mail->Password = 'smtp-Pw9';",
     f"$mail->Username = 'pbx'; $mail->Password = '{R}';"),
    ("$pdo = new PDO('mysql:host=localhost;dbname=pbx', 'root', 'pdopw');",
     f"$pdo = new PDO('mysql:host=localhost;dbname=pbx', 'root', '{R}');"),
    ('$db = mysqli_connect("localhost", $user, "mypw", "pbx");',
     f'$db = mysqli_connect("localhost", $user, "{R}", "pbx");'),
    ("$db = new mysqli('127.0.0.1', 'flexpbx', 'my-Pw', 'asterisk');",
     f"$db = new mysqli('127.0.0.1', 'flexpbx', '{R}', 'asterisk');"),
]  # fmt: skip

BOUND = [
    # constants named by any secret word (WordPress keys and salts, class constants)
    ("define('NONCE_KEY', 'x%Zq!7#kA');", f"define('NONCE_KEY', '{R}');"),
    ("define( 'LOGGED_IN_KEY', \"L0gged-in\" );", f"define( 'LOGGED_IN_KEY', \"{R}\" );"),
    ("define('STRIPE_KEY', 'sk_live_51abc');", f"define('STRIPE_KEY', '{R}');"),
    ("    const API_SECRET = 'as-9f8e7d';", f"    const API_SECRET = '{R}';"),
    ('    public const WEBHOOK_KEY = "wk_81";', f'    public const WEBHOOK_KEY = "{R}";'),
    # fallbacks of environment look-ups
    ("$pass = getenv('DB_PASS') ?: 'Fallb4ck';", f"$pass = getenv('DB_PASS') ?: '{R}';"),
    ("$pass = $_ENV['DB_PASS'] ?? 'envPw';", f"$pass = $_ENV['DB_PASS'] ?? '{R}';"),
    ('$t = $_SERVER["API_TOKEN"] ?? "tok-77";', f'$t = $_SERVER["API_TOKEN"] ?? "{R}";'),
    ("$p = $_ENV['AMI_SECRET'] ?? getenv('AMI_SECRET') ?: 'amiS3c';",
     f"$p = $_ENV['AMI_SECRET'] ?? getenv('AMI_SECRET') ?: '{R}';"),
    ("    'key' => env('APP_KEY', 'base64:c2VjcmV0a2V5'),",
     f"    'key' => env('APP_KEY', '{R}'),"),
    ("    'password' => env('DB_PASSWORD', 'forge'),",
     f"    'password' => env('DB_PASSWORD', '{R}'),"),
    ("$s = config('services.mailgun.secret', 'key-3ax6');",
     f"$s = config('services.mailgun.secret', '{R}');"),
    # comparisons
    ("if ($password === 'letmein') {", f"if ($password === '{R}') {{"),
    ("if ('4321' == $pin) {", f"if ('{R}' == $pin) {{"),
    ("if ($_POST['password'] == 'hunter2' || $row['pin'] != \"9999\") {",
     f"if ($_POST['password'] == '{R}' || $row['pin'] != \"{R}\") {{"),
    ("} elseif ($this->adminPass !== 'Adm1n') {", f"}} elseif ($this->adminPass !== '{R}') {{"),
    ("if (md5($password) === '5f4dcc3b5aa765d61d8327deb882cf99') {",
     f"if (md5($password) === '{R}') {{"),
    ("if (trim($_GET['token']) <> 'tk1') {", f"if (trim($_GET['token']) <> '{R}') {{"),
    ("if (strcmp($secret, 'abc') === 0) {", f"if (strcmp($secret, '{R}') === 0) {{"),
    ("if (strcasecmp('OpenUp', $pass) == 0) {", f"if (strcasecmp('{R}', $pass) == 0) {{"),
    ("if (hash_equals('expected-token', $token)) {", f"if (hash_equals('{R}', $token)) {{"),
    ("if (password_verify('admin123', $row['hash'])) {",
     f"if (password_verify('{R}', $row['hash'])) {{"),
    # maps of credentials, records of users
    ("$passwords = ['2001' => 'pw2001', '2002' => 'pw2002'];",
     f"$passwords = ['2001' => '{R}', '2002' => '{R}'];"),
    ("$vm_pins = array(2001 => '8642', 2002 => '1357');",
     f"$vm_pins = array(2001 => '{R}', 2002 => '{R}');"),
    ("    'api_keys' => ['portal' => 'pk-1', 'crm' => 'ck-2'],",
     f"    'api_keys' => ['portal' => '{R}', 'crm' => '{R}'],"),
    ("$tokens = ['github' => 'gh-tok', 'expires' => '2026-01-01'];",
     f"$tokens = ['github' => '{R}', 'expires' => '2026-01-01'];"),
    ("$auth = ['credentials' => ['users' => ['admin' => 'adminpw', 'ops' => 'opspw']]];",
     f"$auth = ['credentials' => ['users' => ['admin' => '{R}', 'ops' => '{R}']]];"),
    ("$client = new Client(['base_uri' => $u, 'auth' => ['apiuser', 'guzzlepw']]);",
     f"$client = new Client(['base_uri' => $u, 'auth' => ['apiuser', '{R}']]);"),
    ("$credentials = ['2001' => '4455', 'host' => 'pbx.local'];",
     f"$credentials = ['2001' => '{R}', 'host' => 'pbx.local'];"),
    # arguments in credential position
    ("$zip->setPassword('zippw');", f"$zip->setPassword('{R}');"),
    ("$sftp->setCredentials('backup', 'credpw');", f"$sftp->setCredentials('backup', '{R}');"),
    ("$client->setApiKey('SG.key');", f"$client->setApiKey('{R}');"),
    ("if (!$ami->login('admin', 'amipw')) {", f"if (!$ami->login('admin', '{R}')) {{"),
    ("$redis->auth('redispw');", f"$redis->auth('{R}');"),
    ("ftp_login($conn, 'ftpuser', 'ftppw');", f"ftp_login($conn, 'ftpuser', '{R}');"),
    ("ssh2_auth_password($c, 'root', 'sshpw');", f"ssh2_auth_password($c, 'root', '{R}');"),
    ("ldap_bind($ds, 'cn=admin,dc=acme', 'ldappw');",
     f"ldap_bind($ds, 'cn=admin,dc=acme', '{R}');"),
    ("$mbox = imap_open('{imap.acme.io:993/imap/ssl}INBOX', 'voicemail', 'imappw');",
     f"$mbox = imap_open('{{imap.acme.io:993/imap/ssl}}INBOX', 'voicemail', '{R}');"),
    ("$k = openssl_pkey_get_private($pem, 'keypass');",
     f"$k = openssl_pkey_get_private($pem, '{R}');"),
    ("$sig = hash_hmac('sha256', $body, 'hmac-key');",
     f"$sig = hash_hmac('sha256', $body, '{R}');"),
    ("$jwt = JWT::encode($claims, 'jwt-key', 'HS256');",
     f"$jwt = JWT::encode($claims, '{R}', 'HS256');"),
    ("$c = JWT::decode($jwt, new Key('jwt-key', 'HS256'));",
     f"$c = JWT::decode($jwt, new Key('{R}', 'HS256'));"),
    ("$r = Http::withBasicAuth('api', 'basicpw')->withToken('bt-1')->get($url);",
     f"$r = Http::withBasicAuth('api', '{R}')->withToken('{R}')->get($url);"),
]  # fmt: skip

KEPT = [
    "$password = $_POST['password'];",
    "$password = $_POST['password'] ?? '';",
    "if (password_verify($password, $hash)) { return true; }",
    "$row = ['password' => $hash, 'pin' => (int) $pin];",
    "$x = getenv('DB_PASS'); $y = $_ENV['API_KEY'] ?? '';",
    "$host = getenv('DB_HOST') ?: 'localhost'; $g = config('auth.defaults.guard', 'web');",
    "$hashed = password_hash($password, PASSWORD_DEFAULT);",
    '$token = "Bearer $jwt"; $s = "{$prefix}_secret";',
    "define('DB_PASS', '');  $secret = '';",
    "define('AUTH_KEY', 'put your unique phrase here');",
    "define('PASSWORD_MIN_LENGTH', '8'); define('AUTH_COOKIE', 'wp_auth');",
    "define('TOKEN_TTL', '3600'); define('SECRET_FILE', '/etc/flexpbx/secret');",
    "define('KEYBOARD_LAYOUT', 'qwerty'); define('SMTP_AUTH', 'login');",
    "define('STRIPE_PUBLISHABLE_KEY', 'pk_test_51Hx'); define('VAPID_PUBLIC_KEY', 'BPP1');",
    "$apiKey = 'YOUR_API_KEY_HERE'; $password = '<password>'; $pin = 'xxxx';",
    "$mail = 'noreply@example.com'; $url = 'https://pbx.example.org/api';",
    "$label = ['password' => 'Password', 'forgot' => 'Forgot your password?'];",
    "$passwords = ['label' => 'Passwords', 'hint' => 'At least 8 characters'];",
    "if ($password == '' || $password === null) {",
    "if (gettype($password) === 'string' && strlen($password) === 0) {",
    "if ($type === 'password' && $field['name'] == 'pin') {",
    "if ($_POST['action'] === 'login') { $ok = $auth->login($user, $pass); }",
    "$x->setPasswordMinLength(8); $x->setUsername('admin'); $x->setPassword($pw);",
    "$passwords = array_map('trim', $passwords);",
    "ftp_login($conn, $user, $pass); ldap_bind($ds, $dn, $pw);",
    "$stmt = $pdo->prepare('UPDATE users SET password = ? WHERE id = ?');",
    "echo json_encode(['success' => false, 'error' => 'Invalid password']);",
    "$pdo->exec(\"UPDATE users SET password = '\" . $hash . \"' WHERE id = \" . (int) $id);",
    "$rules = ['password' => ['required', 'string', 'min:8', 'confirmed']];",
    "if ($action === 'login' && $_SESSION['token'] === $token) {",
    # Laravel's config/auth.php: a map named passwords whose values are settings
    "'passwords' => [\n    'users' => [\n        'provider' => 'users',\n"
    "        'table' => 'password_reset_tokens',\n        'expire' => 60,\n    ],\n],",
]


@pytest.mark.parametrize(("before", "after"), KEYED)
def test_keyed(before: str, after: str) -> None:
    out, counts = run(before)
    assert out == after
    assert "text.php_literal" in counts


@pytest.mark.parametrize(("before", "after"), BOUND)
def test_bound(before: str, after: str) -> None:
    out, counts = run(before)
    assert out == after
    assert "php.binding" in counts
    # Off, it claims nothing (a later layer may still catch what it no longer does).
    assert "php.binding" not in run(before, rules=Rules(disabled=frozenset({"php.binding"})))[1]


@pytest.mark.parametrize("text", KEPT)
def test_kept(text: str) -> None:
    assert run(text) == (text, {})


@pytest.mark.parametrize(("before", "after"), KEYED + BOUND)
def test_idempotent(before: str, after: str) -> None:
    assert run(after) == (after, {})


def test_password_verify_hash_left_to_the_patterns() -> None:
    out, counts = run(f"if (password_verify($p, '{BCRYPT}')) {{")
    assert out == f"if (password_verify($p, '{BCRYPT_PLACEHOLDER}')) {{"
    assert counts == {"pattern.bcrypt": 1}


def test_a_snippet_in_docs_is_php_too() -> None:
    text = "In `wp-config.php` set `define('NONCE_KEY', 'n0nce');` and keep `$_POST`.\n"
    out, counts = run(text, "home/public_html/docs/WORDPRESS.md")
    assert out == f"In `wp-config.php` set `define('NONCE_KEY', '{R}');` and keep `$_POST`.\n"
    assert counts == {"php.binding": 1}


LOGIN_PHP = textwrap.dedent(
    """\
    <?php
    // FlexPBX login endpoint
    define('DB_HOST', 'localhost');
    define('DB_PASS', 'Sup3r$ecret');
    define('NONCE_SALT', 'nS@lt');
    $config = [
        'db_password' => 'dbpw',
        "api_key" => "ak_live_1234567890",
        'admin_email' => 'boss@acme.io',
        'password' => $hash,
    ];
    $pins = [
        '2001' => '8642',   // front desk
        '2002' => "1357",
    ];
    class Mailer {
        private $secret = 'mailer-secret';
        public static $apiKey = "key";
        const SIGNING_SECRET = 'sg-sec';
    }
    $jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_nature';
    $password = $_POST['password'] ?? '';
    $dbPassword = getenv('DB_PASS') ?: 'env-fallback';
    if ($password === 'master-override' || !password_verify($password, $row['password_hash'])) {
        http_response_code(401);
    }
    $pdo = new PDO('mysql:host=' . DB_HOST . ';dbname=pbx', 'flexpbx', 'pdopw');
    $ami = new AmiClient();
    $ami->login('flexpbx', 'ami-pw');
    $key = <<<KEY
    -----BEGIN PRIVATE KEY-----
    MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
    -----END PRIVATE KEY-----
    KEY;
    """
)
SECRETS = ("Sup3r$ecret", "nS@lt", "dbpw", "ak_live", "boss@acme.io", "8642", "1357",
           "mailer-secret", "sg-sec", "eyJ", "env-fallback", "master-override", "pdopw",
           "ami-pw", "MIIE")  # fmt: skip


def lint(tmp_path: Path, source: str) -> None:
    php = shutil.which("php")
    if php is None:
        pytest.skip("php is not installed")
    (tmp_path / "file.php").write_text(source)
    result = subprocess.run([php, "-l", str(tmp_path / "file.php")], capture_output=True,
                            check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_php_file_keeps_lines_and_lints(tmp_path: Path) -> None:
    out, counts = run(LOGIN_PHP)
    assert out.count("\n") == LOGIN_PHP.count("\n")
    for value in SECRETS:
        assert value not in out
    assert "$_POST['password']" in out and "'password' => $hash" in out
    assert counts == {
        "pattern.jwt": 1, "pattern.private_key": 1, "php.binding": 6, "text.php_literal": 8,
    }  # fmt: skip
    assert run(out) == (out, {})
    lint(tmp_path, LOGIN_PHP)
    lint(tmp_path, out)


def program(line: str) -> str:
    """A line as PHP that compiles: a class member, an array entry or a statement."""
    code = line.strip()
    if code.startswith(("const ", "public ", "private ")):
        return f"<?php\nclass C {{\n{line}\n}}\n"
    if code.startswith("'"):
        line = f"$a = [\n{line}\n];"
    body = ("if (true) {" if code.startswith("}") else "") + line
    body += "}" * (body.count("{") - body.count("}"))
    return f"<?php\nclass C {{\nfunction f() {{\n{body}\n}}\n}}\n"


@pytest.mark.parametrize(("before", "after"), KEYED + BOUND)
def test_each_line_lints(tmp_path: Path, before: str, after: str) -> None:
    lint(tmp_path, program(before))
    lint(tmp_path, program(after))


@pytest.mark.parametrize("key", ["pw", "password", "token", "api_key"])
@pytest.mark.parametrize("ext", [".php", ".js"])
def test_a_name_that_opens_a_string_is_no_binding(key: str, ext: str) -> None:
    """`'pw=' . urlencode('X')`: the quote after `=` closes the string the name
    is in; taking the code up to the next quote as a value broke the file."""
    glue = " . " if ext == ".php" else " + "
    fn = "urlencode" if ext == ".php" else "encodeURIComponent"
    text = f"<?php\n$q = '{key}='{glue}{fn}('LS!Z_nrTrz1Qa');\n" if ext == ".php" else \
        f"const q = '{key}='{glue}{fn}('LS!Z_nrTrz1Qa');\n"
    out = sanitize(f"home/public_html/x{ext}", text.encode()).data.decode()
    assert out.replace("FLEXGIT-REDACTED", "LS!Z_nrTrz1Qa") == text
    assert f"'{key}='{glue}{fn}(" in out and "LS!Z_nrTrz1Qa" not in out
