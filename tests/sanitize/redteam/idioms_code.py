"""Class `phpjs`: string literals bound to sensitive names anywhere in a PHP or
JavaScript expression: define() of *KEY*/*SALT*/*SECRET*, class constants and
properties, `getenv() ?: 'X'`, `$_ENV[] ?? 'X'`, comparisons, password maps,
constructor, method and named arguments in credential position, defaults."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

H = "home/public_html/"
WP = H + "blog/wp-config.php"
INC = H + "includes/bootstrap.php"
AUTH = H + "api/login.php"
CONN = H + "includes/connections.php"
JS = H + "js/webrtc.js"
NODE = H + "node/server.js"

ROWS: list[tuple[str, str, str]] = [
    ("define-auth-key", WP, "define('AUTH_KEY', '«token»');"),
    ("define-secure-auth-salt", WP, "define('SECURE_AUTH_SALT', '«token»');"),
    ("define-nonce-salt-dq", WP, 'define("NONCE_SALT", "«token»");'),
    ("define-jwt-secret", INC, 'define("JWT_SECRET", "«token»");'),
    ("define-api-key", INC, "define('FLEXPBX_API_KEY', '«hex32»');"),
    ("define-encryption-key", INC, "define('ENCRYPTION_KEY', '«b64key»');"),
    ("define-db-password", INC, "define( 'DB_PASSWORD', '«pw»' );"),
    ("class-const", INC, "class Config\n{\n    const DB_PASSWORD = '«pw»';\n}"),
    ("class-private-prop", INC, "class Mailer\n{\n    private $apiKey = '«token»';\n}"),
    ("class-static-prop", INC, 'class Pbx\n{\n    public static $amiSecret = "«pws»";\n}'),
    ("getenv-elvis", INC, "$dbPass = getenv('DB_PASS') ?: '«pw»';"),
    ("getenv-elvis-dq", INC, '$smtp = getenv("SMTP_PASSWORD") ?: "«pws»";'),
    ("env-coalesce", INC, "$token = $_ENV['API_TOKEN'] ?? '«token»';"),
    ("server-coalesce", INC, "$pass = $_SERVER['DB_PASSWORD'] ?? '«pw»';"),
    ("env-helper-default", INC, "$app = [\n    'secret' => env('APP_SECRET', '«token»'),\n];"),
    ("strict-compare", AUTH, "if ($password === '«pw»') {\n    $isAdmin = true;\n}"),
    ("yoda-compare", AUTH, "if ('«pin»' == $_POST['pin']) {\n    $isAdmin = true;\n}"),
    ("strcmp", AUTH, "if (strcmp($_POST['secret'], '«pw»') === 0) {\n    $isAdmin = true;\n}"),
    ("hash-equals", AUTH, "if (hash_equals('«token»', $_GET['key'] ?? '')) {\n"
     "    $isAdmin = true;\n}"),
    ("password-map", AUTH, "$extension_passwords = [\n    '2001' => '«pw»',\n"
     "    '2002' => '«pw_2»',\n];"),
    ("users-map", AUTH, "$users = ['admin' => '«pw»', 'support' => '«pw_2»'];"),
    ("pdo-ctor", CONN, "$pdo = new PDO('mysql:host=localhost;dbname=flexpbx', 'flexpbx', "
     "'«pw»');"),
    ("mysqli-ctor", CONN, "$db = new mysqli('localhost', 'flexpbx', '«pw»', 'flexpbx');"),
    ("mysqli-connect", CONN, "$link = mysqli_connect('127.0.0.1', 'root', '«pw»');"),
    ("phpmailer-prop", CONN, "$mail->Username = 'alerts';\n$mail->Password = '«pw»';"),
    ("setter", CONN, "$client->setPassword('«pw»');"),
    ("ami-ctor", CONN, "$ami = new AMIClient('127.0.0.1', 5038, 'flexpbx', '«pw»');"),
    ("ssh2-auth", CONN, "ssh2_auth_password($conn, 'root', '«pw»');"),
    ("ftp-login", CONN, "ftp_login($ftp, 'backup', '«pw»');"),
    ("ldap-bind", CONN, "ldap_bind($ldap, 'cn=pbx,dc=corp,dc=local', '«pw»');"),
    ("redis-auth", CONN, "$redis->auth('«pw»');"),
    ("hash-hmac-key", CONN, "$sig = hash_hmac('sha256', $payload, '«token»');"),
    ("openssl-encrypt-key", CONN, "$enc = openssl_encrypt($data, 'aes-256-cbc', '«token»', 0, "
     "$iv);"),
    ("jwt-encode-key", CONN, "$jwt = JWT::encode($claims, '«token»', 'HS256');"),
    ("default-param", CONN, "function ami_login($user = 'admin', $secret = '«pws»')\n{\n"
     "    return [$user, $secret];\n}"),
    ("named-arg", CONN, "$conn = db_connect(host: 'db1', user: 'flexpbx', password: '«pw»');"),
    ("nested-array-creds", CONN,
     "$cfg['trunks']['voipms'] = ['user' => '123456', 'pass' => '«pw»'];"),
    ("js-const-api-key", JS, "const API_KEY = '«token»';"),
    ("js-env-or", NODE, "const dbPass = process.env.DB_PASS || '«pw»';"),
    ("js-env-nullish", NODE, 'const token = process.env.PBX_TOKEN ?? "«token»";'),
    ("js-ami-ctor", NODE, "const ami = new AsteriskManager(5038, 'localhost', 'admin', '«pw»', "
     "true);"),
    ("js-mysql-createconnection", NODE, "const db = mysql.createConnection({ host: 'localhost', "
     "user: 'flexpbx', password: '«pw»' });"),
    ("js-jwt-sign", NODE, "const t = jwt.sign(payload, '«token»', { expiresIn: '1h' });"),
    ("js-hmac", NODE, "crypto.createHmac('sha256', '«token»').update(body).digest('hex');"),
    ("js-pin-compare", JS, "if (pin === '«pin»') { unlock(); }"),
    ("js-password-map", JS, "const passwords = { '2001': '«pw»', '2002': '«pw_2»' };"),
    ("js-sipjs-useragent", JS, "const ua = new SIP.UserAgent({\n"
     "  uri: SIP.UserAgent.makeURI('sip:2001@pbx.local'),\n  authorizationUsername: '2001',\n"
     "  authorizationPassword: '«pw»',\n});"),
    ("js-jssip", JS, "const ua2 = new JsSIP.UA({ sockets: [socket], uri: 'sip:2002@pbx.local', "
     "password: '«pw»' });"),
    ("js-vue-data", H + "js/softphone.js",
     "export default {\n  data() {\n    return { sipPassword: '«pw»' };\n  },\n};"),
    ("js-private-field", NODE, "class Api {\n  #secret = '«token»';\n}"),
    ("js-default-param", NODE, "function login(user = 'admin', pass = '«pw»') {\n"
     "  return [user, pass];\n}"),
]


def plant(b: Builder) -> None:
    for idiom, path, template in ROWS:
        b.put("phpjs", "phpjs." + idiom, path, template)
