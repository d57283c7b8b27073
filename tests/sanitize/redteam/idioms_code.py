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
TS = H + "src/api.ts"
AMI = H + "includes/ami.php"

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
    ("password-map", AUTH, "$extension_passwords = [\n    '2001' => '«pw»',\n"
     "    '2002' => '«pw_2»',\n];"),
    ("pdo-ctor", CONN, "$pdo = new PDO('mysql:host=localhost;dbname=flexpbx', 'flexpbx', "
     "'«pw»');"),
    ("mysqli-ctor", CONN, "$db = new mysqli('localhost', 'flexpbx', '«pw»', 'flexpbx');"),
    ("mysqli-connect", CONN, "$link = mysqli_connect('127.0.0.1', 'root', '«pw»');"),
    ("phpmailer-prop", CONN, "$mail->Username = 'alerts';\n$mail->Password = '«pw»';"),
    ("setter", CONN, "$client->setPassword('«pw»');"),
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
    # credentials as positional arguments of calls we do not know, decided by
    # the pair's shape (a user name, then a made-up secret) and the callee's name
    ("ami-ctor", CONN, "$ami = new AMIClient('127.0.0.1', 5038, 'flexpbx', '«pw»');"),
    ("ctor-pair-manager", AMI, "$m = new Manager('127.0.0.1', 5038, 'admin', '«pw»');"),
    ("ctor-pair-namespaced", AMI, "$c = new \\PAMI\\Client\\Impl\\ClientImpl('pbx.local', "
     "'crm', \"«pws»\", 5038);"),
    ("fn-pair-php", AMI, "$link = pbx_connect('localhost', 'ops', '«pws»');"),
    ("js-login-bare", JS, "login('admin', '«pw»');"),
    ("js-signin-await", JS, "await signIn(\"operator\", \"«pws»\");"),
    ("js-ctor-pair", NODE, "const c = new PbxClient('10.0.0.5', 5038, 'crm', '«pw»');"),
    # hash_equals/timingSafeEqual compare secrets, whatever the operands are named
    ("hash-equals", AUTH, "if (hash_equals('«token»', $_GET['key'] ?? '')) {\n"
     "    $isAdmin = true;\n}"),
    ("hash-equals-fallback", AUTH, "if (hash_equals($sig, getenv('K') ?? '«token»')) {\n"
     "    $ok = true;\n}"),
    ("hash-equals-second", AUTH, "$ok = hash_equals($_SERVER['HTTP_X_SIG'] ?? '', '«hex32»');"),
    ("js-timing-safe-equal", NODE,
     "const ok = crypto.timingSafeEqual(Buffer.from(req.query.k), Buffer.from('«token»'));"),
    # maps of user => password, named for users or not, judged by their values
    ("users-map", AUTH, "$users = ['admin' => '«pw»', 'support' => '«pw_2»'];"),
    ("users-map-multiline", AUTH, "$logins = [\n    'operator' => '«pws»',\n"
     "    'night' => '«pw»',\n];"),
    ("users-map-neutral", AUTH, "$allowed = array('root' => '«pw»', 'backup' => '«pw_2»');"),
    ("js-users-map", JS, "const accounts = { admin: '«pw»', reception: '«pws»' };"),
    ("js-users-map-neutral", NODE, "const table = {\n  'ops': \"«pw»\",\n"
     "  'night-shift': \"«pw_2»\",\n};"),
    # TypeScript: a type annotation between the name and "="
    ("ts-readonly-secret", TS, "export class Api {\n"
     "  private readonly clientSecret: string = \"«token»\";\n}"),
    ("ts-typed-let", TS, "let apiToken: string = '«token»';"),
    ("ts-union-static", TS, "class Sip {\n  protected static authToken: string | null = "
     "'«token»';\n}"),
    ("ts-typed-password", TS, "const sipPassword: string = `«pw»`;"),
    # backtick values under quoted and bare keys
    ("js-backtick-quoted-key", JS, "const hdrs = {\n  'auth-token': `«token»`,\n};"),
    ("js-backtick-bare-key", NODE, "const smtp = { host: 'mail.local', pass: `«pws»` };"),
    # cookies written from code
    ("js-document-cookie", JS, 'document.cookie = "session=«hex32»; path=/";'),
    ("js-document-cookie-sq", JS, "document.cookie = 'PHPSESSID=«token»; path=/; secure';"),
    ("php-setcookie-header", AMI, "header('Set-Cookie: auth_token=«token»; HttpOnly');"),
    # a made-up secret passed to an encoder or a digest
    ("js-encode-uri", TS, "const enc = encodeURIComponent('«pw»');"),
    ("js-btoa", JS, "const basic = btoa('api:«pws»');"),
    ("php-urlencode", AMI, "$q = 'pw=' . urlencode('«pw»');"),
    ("php-md5-literal", AMI, "$digest = md5('«pw»');"),
    # base64-wrapped literals: what they decode to is sanitized, then re-encoded
    ("js-atob", JS, "const b64 = atob('«pw|b64»');"),
    ("php-base64-decode", AMI, "$pw = base64_decode('«pw|b64»');"),
    ("php-base64-json", AMI, "$cfg = json_decode(base64_decode('«b64json»'), true);"),
    ("js-atob-json", NODE, "const conf = JSON.parse(atob(\"«b64json»\"));"),
    ("php-base64-kv", AMI, "$dsn = base64_decode('«b64dsn»');"),
]


KEEPS: list[tuple[str, str, str]] = [
    ("php-i18n-pair", AMI, "$label = __('Username', 'flexpbx');"),
    ("php-str-replace", AMI, "$name = str_replace('admin', 'root', $name);"),
    ("php-ami-connect", AMI, "$ami->connect('127.0.0.1', 5038);"),
    ("php-ext-labels", AMI, "$users = ['2001' => 'Front Desk', '2002' => 'Sales'];"),
    ("php-user-exts", AMI, "$accounts = ['alice' => '2001', 'bob' => '2002'];"),
    ("php-gif-b64", AMI, "$gif = base64_decode("
     "'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');"),
    ("php-md5-cachekey", AMI, "$key = md5('flexpbx-cdr-cache');"),
    ("js-encode-label", JS,
     "const q = encodeURIComponent('sales queue') + encodeURIComponent('2001');"),
    ("js-cookie-theme", JS, "document.cookie = 'theme=dark; path=/; max-age=31536000';"),
    ("js-atob-text", JS, "const hello = atob('aGVsbG8gd29ybGQ=');"),
    ("ts-api-url", TS, "export class Endpoints {\n  private readonly apiUrl: string = "
     "'https://api.flexpbx.net/v1';\n}"),
    ("ts-password-type", TS, "let passwordField: string = 'password';"),
    ("js-login-route", NODE, "router.login('/login', 'auth/login');"),
    ("js-template-key", NODE, "const route = { path: `/users/${id}` };"),
]


def plant(b: Builder) -> None:
    for idiom, path, template in ROWS:
        b.put("phpjs", "phpjs." + idiom, path, template)
    for idiom, path, text in KEEPS:
        b.keep("keep." + idiom, path, text)
