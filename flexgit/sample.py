"""A small but realistic FlexPBX installation, laid out on disk.

Used by `flexgit demo` and, above all, as THE fixture installation of the test
suite: every file kind carries planted secrets and personal data, and `build`
returns them so tests can assert that none of them reaches the shareable store.
All values are fake; emails use real-looking domains on purpose, because
`example.com` is the placeholder domain the sanitizer leaves alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flexgit.errors import UsageError

__all__ = ["Sample", "build"]


@dataclass(frozen=True)
class Sample:
    """What `build` laid out, and what must never leave it unsanitized."""

    home: Path
    root: Path
    user: str
    secrets: tuple[str, ...]
    user_data: tuple[str, ...]
    excluded: tuple[str, ...]


# --- deterministic fake material -------------------------------------------------


def _digest(label: str, n: int) -> bytes:
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"flexgit-sample:{label}:{i}".encode()).digest()
        i += 1
    return out[:n]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).rstrip(b"=").decode()


_BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _bcrypt(label: str) -> str:
    return "$2y$10$" + "".join(_BCRYPT_ALPHABET[b % 64] for b in _digest(label, 53))


def _argon2id(label: str) -> str:
    salt = _b64(_digest(label + ":salt", 16))
    return f"$argon2id$v=19$m=65536,t=4,p=1${salt}${_b64(_digest(label, 32))}"


def _jwt(payload: dict[str, Any], key: str) -> str:
    def part(obj: dict[str, Any]) -> str:
        return _b64url(json.dumps(obj, separators=(",", ":")).encode())

    signing_input = part({"alg": "HS256", "typ": "JWT"}) + "." + part(payload)
    sig = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64url(sig)


def _png(width: int, height: int, *, noise: str = "") -> bytes:
    """A valid RGB PNG: a gradient, or pseudo-random pixels when `noise` is given."""
    rows = []
    for y in range(height):
        if noise:
            row = _digest(f"{noise}:{y}", width * 3)
        else:
            row = b"".join(bytes((x * 255 // width, y * 255 // height, 160)) for x in range(width))
        rows.append(b"\x00" + row)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def _wav(samples: int) -> bytes:
    """8 kHz 16-bit mono silence with a proper RIFF header."""
    data = b"\x00\x00" * samples
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- planted values ----------------------------------------------------------------

_SIP_2003 = "Sip-Secret-2003-Lm4"
_PHP_SECRET = "Jwt-Sign-Secret-8f3a9c2e71"
_PUSH_2001 = (
    "https://fcm.googleapis.com/fcm/send/"
    + _b64url(_digest("push-2001-id", 16))
    + ":APA91b"
    + _b64url(_digest("push-2001-body", 105))
)
_PUSH_2002 = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA" + _b64url(
    _digest("push-2002", 105)
)

# Every value here is planted in at least one file and must never reach the store.
_SECRETS: dict[str, str] = {
    # people
    "NAME_2001": "Alice Johnson",
    "EMAIL_2001": "alice.johnson@acme-telecom.net",
    "PAGER_2001": "alice.pager@acme-telecom.net",
    "PHONE_2001": "+1-415-555-0142",
    "NAME_2002": "Bob Martinez",
    "EMAIL_2002": "bob.martinez@acme-telecom.net",
    "PHONE_2002": "+1-415-555-0187",
    "NAME_2003": "Carol Nguyen",
    "EMAIL_2003": "carol.nguyen@northwind-media.com",
    "PHONE_2003": "+44 20 7946 0321",
    "ADMIN_NAME": "David Okafor",
    "ADMIN_EMAIL": "david.okafor@acme-telecom.net",
    "ALERTS_EMAIL": "pbx-alerts@acme-telecom.net",
    "NOC_EMAIL": "noc@acme-telecom.net",
    "DOC_EMAIL": "helpdesk@acme-telecom.net",
    "TEMPLATE_EMAIL": "onboarding@acme-telecom.net",
    # web application
    "DB_PASS": "Fx-Db-Pass-2025-Kw8",
    "LOGIN_DB_PASS": "Fx-Login-DbPw-6620",
    "PHP_SECRET": _PHP_SECRET,
    "SMTP_PASS": "Smtp-Pass-4471-Jd",
    "PUSH_API_KEY": "Push-Api-Key-77c1e9d4",
    "PORTAL_API_KEY": "fxp_live_9Kq2Wm7Zr4Tn8Vb3",
    "PROVISION_API_KEY": "fxp_prov_3Hd8Lx5Qa1Ye6Uc0",
    "INSTALLER_HASH": _bcrypt("installer"),
    "VAPID_PRIVATE": _b64url(_digest("vapid-private", 32)),
    "DOC_PASS": "Doc-Example-Pw-5150",
    "JWT": _jwt(
        {
            "sub": "2001",
            "name": "Alice Johnson",
            "email": "alice.johnson@acme-telecom.net",
            "role": "user",
            "iat": 1760436000,
            "exp": 1791972000,
        },
        _PHP_SECRET,
    ),
    # Asterisk
    "SIP_2001": "Sip-Secret-2001-Xq7",
    "SIP_2002": "Sip-Secret-2002-Tz5",
    "SIP_2003": _SIP_2003,
    "MD5_2003": hashlib.md5(f"2003:asterisk:{_SIP_2003}".encode()).hexdigest(),
    "TRUNK_REG_PASS": "Trunk-Reg-Pw-77Qx",
    "TLS_KEY_PASS": "TlsKey-Pass-8810",
    "SIP_2090": "Sip-Secret-2090-Vb2",
    "SIP_OLD": "Old-Sip-Pw-2090-Hh5",
    "SIP_REG_PASS": "Sip-Reg-Pw-5521",
    "SIP_REMOTE": "Sip-Remote-Pw-8834",
    "IAX_REG_PASS": "Iax-Reg-Pw-4410",
    "IAX_PEER_PASS": "Iax-Peer-Pw-2290",
    "IAX_TRUNK_PASS": "Iax-Trunk-Pw-6631",
    "DIAL_PASS": "Sip-Dial-Pw-3390",
    # written as ESC_HEAD\;ESC_TAIL: an escaped semicolon inside one value
    "ESC_HEAD": "ProvSec-3381",
    "ESC_TAIL": "Tail-7391-Kx",
    "AMI_SECRET": "Ami-Secret-Flex-9134",
    "VM_PIN_2001": "48261937",
    "VM_PIN_2002": "73910584",
    "VM_PIN_2003": "65027719",
    "VM_IMAP_PASS": "Vm-Imap-Pw-6672",
    "ODBC_PASS": "Odbc-Db-Pw-3318",
    # user data (excluded as whole files)
    "HASH_2001": _bcrypt("user-2001"),
    "HASH_2002": _bcrypt("user-2002"),
    "HASH_2003": _bcrypt("user-2003"),
    "SESSION_2001": _digest("session-2001", 32).hex(),
    "SESSION_2002": _digest("session-2002", 32).hex(),
    "SESSION_2003": _digest("session-2003", 32).hex(),
    "ADMIN_HASH": _argon2id("admin"),
    "ADMIN_TOTP": base64.b32encode(_digest("admin-totp", 20)).decode(),
    "PUSH_2001": _PUSH_2001,
    "P256DH_2001": _b64url(b"\x04" + _digest("p256dh-2001", 64)),
    "AUTH_2001": _b64url(_digest("auth-2001", 16)),
    "PUSH_2002": _PUSH_2002,
    "P256DH_2002": _b64url(b"\x04" + _digest("p256dh-2002", 64)),
    "AUTH_2002": _b64url(_digest("auth-2002", 16)),
    "TEMP_PASS_2003": "Tmp-7Hk2-qWz9",
    # only in excluded files: markers that prove they were never read
    "LOG_PASS": "Log-Leak-Pw-9021",
    "CSRF_TOKEN": _digest("csrf", 16).hex(),
    "CSV_NAME": "Erin Walsh",
    "CSV_EMAIL": "erin.walsh@contoso-partners.com",
    "CDR_NUMBER": "16175550187",
    "UNRELATED_TOKEN": "Unrelated-Tok-5582-Pq",
}


def _sub_id(endpoint: str) -> str:
    # Same naming as api/push-subscribe.php: <extension>-<12 hex of sha256(endpoint)>.
    return hashlib.sha256(endpoint.encode()).hexdigest()[:12]


_USER_DATA = (
    "users/2001.json",
    "users/2002.json",
    "users/2003.json",
    "admins/admin.json",
    f"push_subscriptions/2001-{_sub_id(_PUSH_2001)}.json",
    f"push_subscriptions/2002-{_sub_id(_PUSH_2002)}.json",
    "temp_passwords/2003.json",
)

_BACKUP_FILE = "home/backup/flexpbx-2025-10-13_02-00-00.flx"

_EXCLUDED = (
    "home/.bash_history",
    "home/logs/flexpbx.log",
    "home/public_html/error_log",
    "home/cache/sip_status/2001.json",
    "home/sessions/sess_5f1c9e2a7b3d",
    "home/tmp/import-users.csv",
    _BACKUP_FILE,
    "home/public_html/api/cache/sip_status_2001.json",
    "system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.wav",
    "system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.txt",
    "system/var/spool/asterisk/monitor/q-support-2001-20251014-101500.wav",
    "system/var/log/asterisk/cdr-csv/Master.csv",
    "system/var/log/asterisk/messages",
    # not FlexPBX's: must be neither touched nor backed up
    "system/etc/hostname",
    "system/etc/sudoers.d/other-admin",
    "system/usr/local/bin/unrelated-tool",
)

_SYMLINK = ("home/public_html/index.php", "portal/index.php")
_EMPTY_DIR = "home/public_html/uploads"
_DIR_MODES = {
    "home/users": 0o750,
    "home/admins": 0o750,
    "home/push_subscriptions": 0o750,
    "home/temp_passwords": 0o750,
    "home/backup": 0o750,
    "home/sessions": 0o700,
    "system/var/spool/asterisk/voicemail": 0o750,
}

# --- file contents (text uses {{NAME}} placeholders) -----------------------------

_TEXT: dict[str, tuple[str, int]] = {}

_TEXT["home/public_html/.htaccess"] = (
    """\
# FlexPBX: keep runtime data out of reach of the web.
Options -Indexes
<FilesMatch "^(error_log|.*\\.log)$">
    Require all denied
</FilesMatch>
RedirectMatch 404 ^/api/cache/
""",
    0o644,
)

_TEXT["home/public_html/service-worker.js"] = (
    """\
/* FlexPBX service worker: push notifications and the offline portal shell. */
'use strict';

const CACHE_NAME = 'flexpbx-portal-v1';
// Public half of the VAPID key pair: safe to publish.
const VAPID_PUBLIC_KEY = '{{VAPID_PUBLIC}}';
const OFFLINE_URLS = ['/portal/', '/portal/js/portal.js', '/portal/css/portal.css'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE_NAME).then((cache) => cache.addAll(OFFLINE_URLS)));
});

self.addEventListener('push', (event) => {
  const data = event.data ? event.data.json() : {};
  event.waitUntil(self.registration.showNotification(data.title || 'FlexPBX', {
    body: data.body || 'You have a new notification.',
    icon: '/portal/img/logo.png',
    data: { url: data.url || '/portal/' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});

self.addEventListener('message', (event) => {
  if (event.data === 'vapid-key') {
    event.source.postMessage(VAPID_PUBLIC_KEY);
  }
});
""",
    0o644,
)

_TEXT["home/public_html/api/config.php"] = (
    """\
<?php
/**
 * FlexPBX API configuration. Included by the endpoints and includes/db.php.
 */
declare(strict_types=1);

$config = [
    'db_host' => 'localhost',
    'db_name' => 'flexpbx_main',
    'db_user' => 'flexpbx_db',
    'db_password' => '{{DB_PASS}}',
    'smtp_host' => 'mail.acme-telecom.net',
    'smtp_port' => 587,
    'smtp_user' => '{{ALERTS_EMAIL}}',
    'smtp_password' => '{{SMTP_PASS}}',
    'install_dir' => '{{HOME}}/public_html',
    'users_dir' => '{{HOME}}/users',
    'system_user' => '{{USER}}',
];

// Signs the portal's session tokens (HS256).
$secret = "{{PHP_SECRET}}";

if (!defined('FLEXPBX_VERSION')) {
    define('FLEXPBX_VERSION', '1.0');
}

return $config;
""",
    0o644,
)

_TEXT["home/public_html/api/login.php"] = (
    """\
<?php
declare(strict_types=1);

require_once __DIR__ . '/../includes/email_validation.php';

define('DB_PASS', '{{LOGIN_DB_PASS}}');

// Installer fallback account; removed once the first admin has logged in.
const INSTALLER_USER = 'installer';
$installerHash = '{{INSTALLER_HASH}}';

header('Content-Type: application/json');

$input = json_decode((string) file_get_contents('php://input'), true);
if (!is_array($input)) {
    $input = [];
}
$extension = preg_replace('/\\D/', '', (string) ($input['extension'] ?? ''));
$password = (string) ($input['password'] ?? '');

$file = dirname(__DIR__, 2) . '/users/' . $extension . '.json';
$user = is_file($file) ? json_decode((string) file_get_contents($file), true) : null;

$hash = is_array($user) ? (string) ($user['password_hash'] ?? '') : '';
if ($extension === '' || !password_verify($password, $hash)) {
    http_response_code(401);
    echo json_encode(['ok' => false, 'error' => 'invalid credentials']);
    exit;
}

session_start();
$_SESSION['extension'] = $extension;
$_SESSION['token'] = bin2hex(random_bytes(32));
echo json_encode(['ok' => true, 'token' => $_SESSION['token'], 'name' => $user['name'] ?? '']);
""",
    0o644,
)

_TEXT["home/public_html/api/sip-status.php"] = (
    """\
<?php
declare(strict_types=1);

// Registration state of one extension, cached for a few seconds.
header('Content-Type: application/json');

$extension = preg_replace('/\\D/', '', (string) ($_GET['extension'] ?? ''));
if ($extension === '') {
    http_response_code(400);
    echo json_encode(['error' => 'extension required']);
    exit;
}

$cacheDir = __DIR__ . '/cache';
$cacheFile = $cacheDir . '/sip_status_' . $extension . '.json';
if (is_file($cacheFile) && filemtime($cacheFile) > time() - 15) {
    readfile($cacheFile);
    exit;
}

$command = 'sudo /usr/sbin/asterisk -rx ' . escapeshellarg('pjsip show endpoint ' . $extension);
$output = shell_exec($command);
$online = is_string($output) && str_contains($output, 'Avail');
$status = json_encode(['extension' => $extension, 'online' => $online, 'checked' => time()]);

if (!is_dir($cacheDir)) {
    mkdir($cacheDir, 0750, true);
}
file_put_contents($cacheFile, $status);
echo $status;
""",
    0o644,
)

_TEXT["home/public_html/api/notifications.php"] = (
    """\
<?php
declare(strict_types=1);

/** Sends web-push notifications to the devices an extension subscribed. */
final class PushNotifier
{
    private $apiKey = '{{PUSH_API_KEY}}';
    private string $subscriptionsDir;

    public function __construct(string $baseDir)
    {
        $this->subscriptionsDir = $baseDir . '/push_subscriptions';
    }

    /** @return list<array<string, mixed>> */
    public function subscriptions(string $extension): array
    {
        $found = [];
        foreach (glob($this->subscriptionsDir . '/' . $extension . '-*.json') ?: [] as $file) {
            $data = json_decode((string) file_get_contents($file), true);
            if (is_array($data)) {
                $found[] = $data;
            }
        }
        return $found;
    }

    public function notify(string $extension, string $title, string $body): int
    {
        $sent = 0;
        foreach ($this->subscriptions($extension) as $subscription) {
            $ch = curl_init('https://push.acme-telecom.net/v1/send');
            curl_setopt_array($ch, [
                CURLOPT_POST => true,
                CURLOPT_RETURNTRANSFER => true,
                CURLOPT_HTTPHEADER => [
                    'Authorization: Key ' . $this->apiKey,
                    'Content-Type: application/json',
                ],
                CURLOPT_POSTFIELDS => json_encode(
                    ['subscription' => $subscription, 'title' => $title, 'body' => $body]
                ),
            ]);
            if (curl_exec($ch) !== false) {
                $sent++;
            }
            curl_close($ch);
        }
        return $sent;
    }
}
""",
    0o644,
)

_TEXT["home/public_html/api/push-subscribe.php"] = (
    """\
<?php
declare(strict_types=1);

// Stores the browser's web-push subscription for the logged-in extension.
header('Content-Type: application/json');
session_start();

$extension = (string) ($_SESSION['extension'] ?? '');
$subscription = json_decode((string) file_get_contents('php://input'), true);
$valid = is_array($subscription) && isset($subscription['endpoint'], $subscription['keys']);
if ($extension === '' || !$valid) {
    http_response_code(400);
    echo json_encode(['ok' => false]);
    exit;
}

$dir = dirname(__DIR__, 2) . '/push_subscriptions';
$id = substr(hash('sha256', (string) $subscription['endpoint']), 0, 12);
$file = $dir . '/' . $extension . '-' . $id . '.json';
file_put_contents($file, json_encode($subscription, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
chmod($file, 0640);
echo json_encode(['ok' => true]);
""",
    0o644,
)

_TEXT["home/public_html/api/temp-password.php"] = (
    """\
<?php
declare(strict_types=1);

require_once __DIR__ . '/../includes/email_validation.php';

// Issues a one-time password that expires after the configured number of hours.
header('Content-Type: application/json');

$input = json_decode((string) file_get_contents('php://input'), true);
$extension = preg_replace('/\\D/', '', (string) ($input['extension'] ?? ''));
$email = (string) ($input['email'] ?? '');
if ($extension === '' || !flexpbx_validate_email($email)) {
    http_response_code(400);
    echo json_encode(['ok' => false, 'error' => 'valid extension and email required']);
    exit;
}

$temp = substr(strtr(base64_encode(random_bytes(12)), '+/', '-_'), 0, 14);
$record = [
    'extension' => $extension,
    'email' => $email,
    'temp_password' => $temp,
    'expires' => date('Y-m-d H:i:s', time() + 24 * 3600),
    'used' => false,
];
$file = dirname(__DIR__, 2) . '/temp_passwords/' . $extension . '.json';
file_put_contents($file, json_encode($record, JSON_PRETTY_PRINT));
chmod($file, 0640);
mail($email, 'Your temporary FlexPBX password', "Your temporary password is: $temp");
echo json_encode(['ok' => true]);
""",
    0o644,
)

_TEXT["home/public_html/includes/db.php"] = (
    """\
<?php
declare(strict_types=1);

/** Shared PDO connection built from api/config.php. */
function flexpbx_db(): PDO
{
    static $pdo = null;
    if ($pdo instanceof PDO) {
        return $pdo;
    }
    $config = require __DIR__ . '/../api/config.php';
    $dsn = sprintf(
        'mysql:host=%s;dbname=%s;charset=utf8mb4',
        $config['db_host'], $config['db_name']
    );
    $pdo = new PDO($dsn, $config['db_user'], $config['db_password'], [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
    ]);
    return $pdo;
}
""",
    0o644,
)

_TEXT["home/public_html/includes/email_validation.php"] = (
    """\
<?php
declare(strict_types=1);

// Addresses the installer writes into templates; never mailed to.
const FLEXPBX_PLACEHOLDER_EMAILS = ['user@example.com', 'admin@example.com'];

function flexpbx_is_placeholder_email(string $email): bool
{
    return in_array(strtolower(trim($email)), FLEXPBX_PLACEHOLDER_EMAILS, true);
}

function flexpbx_validate_email(string $email): bool
{
    if (flexpbx_is_placeholder_email($email)) {
        return false;
    }
    return filter_var($email, FILTER_VALIDATE_EMAIL) !== false;
}
""",
    0o644,
)

_TEXT["home/public_html/portal/index.php"] = (
    """\
<?php
declare(strict_types=1);

session_start();
require_once __DIR__ . '/../includes/db.php';
$title = 'FlexPBX Portal';
?>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title><?= htmlspecialchars($title) ?></title>
  <link rel="stylesheet" href="/portal/css/portal.css">
</head>
<body>
  <img src="/portal/img/logo.png" alt="FlexPBX" width="32" height="32">
  <form id="login">
    <input name="extension" inputmode="numeric" autocomplete="username" placeholder="Extension">
    <input name="password" type="password" autocomplete="current-password">
    <button type="submit">Sign in</button>
  </form>
  <div id="status"></div>
  <script src="/portal/js/portal.js"></script>
  <script>
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('/service-worker.js');
    }
  </script>
</body>
</html>
""",
    0o644,
)

_TEXT["home/public_html/portal/js/portal.js"] = (
    """\
/* FlexPBX user portal. */
'use strict';

const API_BASE = '/api';
const API_KEY = "{{PORTAL_API_KEY}}";
// Token of the installer's demo session, left behind by the setup wizard.
const DEMO_TOKEN = "{{JWT}}";

async function api(path, body) {
  const response = await fetch(`${API_BASE}/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-API-Key': API_KEY,
      Authorization: `Bearer ${sessionStorage.getItem('token') || DEMO_TOKEN}`,
    },
    body: JSON.stringify(body || {}),
  });
  if (!response.ok) {
    throw new Error(`API ${path} failed: ${response.status}`);
  }
  return response.json();
}

async function refreshStatus(extension) {
  const data = await api('sip-status.php?extension=' + encodeURIComponent(extension));
  document.getElementById('status').textContent = data.online ? 'Online' : 'Offline';
}

document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await api('login.php', {
    extension: form.get('extension'),
    password: form.get('password'),
  });
  sessionStorage.setItem('token', result.token);
  await refreshStatus(form.get('extension'));
});
""",
    0o644,
)

_TEXT["home/public_html/portal/css/portal.css"] = (
    """\
/* FlexPBX portal */
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2733; }
form { display: flex; gap: .5rem; }
#status { margin-top: 1rem; font-weight: 600; }
""",
    0o644,
)

_TEXT["home/public_html/docs/PUSH_NOTIFICATIONS_AND_STATUS.md"] = (
    """\
# Push Notifications & Status

FlexPBX notifies users of missed calls and new voicemail through web push. The
service worker (`public_html/service-worker.js`) registers for push with the
public VAPID key; the private key stays in `flexpbx-config.json`.

## Trying the login endpoint

```bash
curl -s https://pbx.acme-telecom.net/api/login.php \\
  -H 'Content-Type: application/json' \\
  -d @login.json
```

with `login.json`:

```json
{
  "extension": "2001",
  "password": "{{DOC_PASS}}"
}
```

## SIP status

`GET /api/sip-status.php?extension=2006` answers `{"online": true}` when the
extension has a registered contact. Answers are cached for 15 seconds.

Questions about this page: {{DOC_EMAIL}}.
""",
    0o644,
)

_TEXT["home/public_html/docs/PERMISSIONS_AND_ASTERISK_INTEGRATION.md"] = (
    """\
# Permissions & Asterisk Integration

FlexPBX is installed in `{{HOME}}/public_html` and runs as the `{{USER}}`
account. It changes the Asterisk configuration through two helper scripts
that the account may run with sudo (see `/etc/sudoers.d/flexpbx-asterisk`):

- `/usr/local/bin/flexpbx-toggle-permissions on|off|status`
- `/usr/local/bin/flexpbx-backup-helper dump|reload`

User records live in `{{HOME}}/users`, admin records in `{{HOME}}/admins`.
The notes in `{{HOME_DECOY}}/notes` belong to another account and are not part
of FlexPBX.
""",
    0o644,
)

_TEXT["home/public_html/docs/SYSTEM_WIDE_TEMP_PASSWORDS.md"] = (
    """\
# System-Wide Temp Passwords

`POST /api/temp-password.php` with an extension and a valid email issues a
temporary password, valid for `temp_password_expiry_hours` (default 24).
Records are kept in `{{HOME}}/temp_passwords/` and are never backed up.
Placeholder addresses such as `user@example.com` are refused.
""",
    0o644,
)

_TEXT["home/FUTURE_ENHANCEMENTS.md"] = (
    """\
# Future Enhancements

- Incremental backups of `{{HOME}}/public_html`.
- Encrypted off-site copies of the backup directory.
- Per-extension notification preferences in the portal.
""",
    0o644,
)

_TEXT["home/bin/flexpbx-sip-status"] = (
    """\
#!/bin/bash
# Print the SIP registration state of every FlexPBX extension.
set -euo pipefail

cd "{{HOME}}/public_html"
for f in "{{HOME}}"/users/*.json; do
  ext=$(basename "$f" .json)
  sudo /usr/sbin/asterisk -rx "pjsip show endpoint $ext" | grep -m1 'Endpoint:' || true
done
""",
    0o755,
)

# --- excluded home files ---

_TEXT["home/.bash_history"] = (
    """\
cd public_html
mysql -u flexpbx_db -p'{{DB_PASS}}' flexpbx_main
sudo /usr/local/bin/flexpbx-toggle-permissions status
ls -la ~/backup/
""",
    0o600,
)

_TEXT["home/logs/flexpbx.log"] = (
    """\
2025-10-14 10:14:58 INFO login ok ext=2001 email={{EMAIL_2001}}
2025-10-14 10:15:02 DEBUG login failed ext=2002 password={{LOG_PASS}}
2025-10-14 10:15:30 INFO push sent ext=2001 endpoint={{PUSH_2001}}
""",
    0o644,
)

_TEXT["home/public_html/error_log"] = (
    """\
[14-Oct-2025 10:15:02 UTC] PHP Warning:  file_get_contents({{HOME}}/users/2009.json): \
Failed to open stream: No such file or directory in {{HOME}}/public_html/api/login.php on line 21
""",
    0o644,
)

_TEXT["home/sessions/sess_5f1c9e2a7b3d"] = (
    'extension|s:4:"2001";token|s:64:"{{SESSION_2001}}";csrf|s:32:"{{CSRF_TOKEN}}";\n',
    0o600,
)

_TEXT["home/tmp/import-users.csv"] = (
    "extension,name,email\n2004,{{CSV_NAME}},{{CSV_EMAIL}}\n",
    0o644,
)

# --- system side ---

_TEXT["system/etc/asterisk/pjsip.conf"] = (
    """\
; FlexPBX PJSIP configuration.
; Managed by FlexPBX ({{HOME}}/public_html/api); edit extensions in the portal.

[global]
type=global
user_agent=FlexPBX 1.0
endpoint_identifier_order=ip,username

[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0:5060

[transport-tls]
type=transport
protocol=tls
bind=0.0.0.0:5061
cert_file=/etc/asterisk/keys/pbx.crt
priv_key_file=/etc/asterisk/keys/pbx.key
password={{TLS_KEY_PASS}}          ; passphrase of priv_key_file
method=tlsv1_2

; NAT settings appended to the UDP transport
[transport-udp](+)
local_net=192.168.10.0/24
external_media_address=203.0.113.10
external_signaling_address=203.0.113.10

;=============== trunk: outbound registration with outbound auth ===============

[acme-trunk]
type=registration
transport=transport-udp
outbound_auth=acme-trunk-auth
server_uri=sip:sip.acme-voip.net
client_uri=sip:4155550100@sip.acme-voip.net
contact_user=4155550100
retry_interval=60
expiration=3600

[acme-trunk-auth]
type=auth
auth_type=userpass
username=4155550100
password={{TRUNK_REG_PASS}}
realm=sip.acme-voip.net

[acme-trunk]
type=endpoint
transport=transport-udp
context=from-trunk
disallow=all
allow=ulaw
outbound_auth=acme-trunk-auth
aors=acme-trunk
direct_media=no

[acme-trunk]
type=aor
contact=sip:sip.acme-voip.net:5060

[acme-trunk]
type=identify
endpoint=acme-trunk
match=198.51.100.20

;=============== templates ===============

[endpoint-basic](!)
type=endpoint
context=from-internal
disallow=all
allow=ulaw,alaw,opus
transport=transport-udp
direct_media=no
rtp_symmetric=yes
force_rport=yes

[auth-userpass](!)
type=auth
auth_type=userpass

[aor-single](!)
type=aor
max_contacts=1
remove_existing=yes

;=============== extensions ===============

[2001](endpoint-basic)
auth=2001
aors=2001
callerid="{{NAME_2001}}" <2001>
mailboxes=2001@default

[2001](auth-userpass)
username=2001
password={{SIP_2001}}

[2001](aor-single)

[2002](endpoint-basic)
auth=2002
aors=2002
callerid="{{NAME_2002}}" <2002>
mailboxes=2002@default

[2002](auth-userpass)
username=2002
password={{SIP_2002}}

[2002](aor-single)

[2003](endpoint-basic)
auth=2003
aors=2003
mailboxes=2003@default

[2003]
type=auth
auth_type=md5
username=2003
realm=asterisk
md5_cred={{MD5_2003}}

[2003](aor-single)
""",
    0o640,
)

_TEXT["system/etc/asterisk/sip.conf"] = (
    """\
; Legacy chan_sip configuration, kept for the lobby phone.
[general]
context=default
allowoverlap=no
udpbindaddr=0.0.0.0:5160
tcpenable=no
transport=udp
srvlookup=yes
allowguest=no
alwaysauthreject=yes
register => acmelegacy:{{SIP_REG_PASS}}@sip.acme-voip.net/1000

[legacy-phone](!)
type=friend
host=dynamic
context=from-internal
dtmfmode=rfc2833
disallow=all
allow=ulaw

[2090](legacy-phone)
secret={{SIP_2090}}
;secret={{SIP_OLD}}    ; rotated 2025-09-30
callerid="Lobby Phone" <2090>
mailbox=2090@default

[acme-legacy-out]
type=peer
host=sip.acme-voip.net
defaultuser=acmelegacy
fromuser=acmelegacy
remotesecret={{SIP_REMOTE}}
insecure=invite
context=from-trunk
""",
    0o640,
)

_TEXT["system/etc/asterisk/iax.conf"] = (
    """\
; FlexPBX IAX2 trunk.
[general]
bindport=4569
bindaddr=0.0.0.0
bandwidth=high
disallow=all
allow=ulaw
allow=alaw
jitterbuffer=no
autokill=yes
register => acmeiax:{{IAX_REG_PASS}}@iax.acme-voip.net

[acme-iax]
type=friend
host=iax.acme-voip.net
username=acmeiax
secret={{IAX_PEER_PASS}}
auth=md5
context=from-trunk
trunk=yes
qualify=yes
""",
    0o640,
)

_TEXT["system/etc/asterisk/extensions.conf"] = (
    """\
; FlexPBX dialplan.
[general]
static=yes
writeprotect=no
clearglobalvars=no

[globals]
CONSOLE=Console/dsp
FLEXPBX_HOME={{HOME}}
TRUNK=IAX2/acmeiax:{{IAX_TRUNK_PASS}}@iax.acme-voip.net
TRUNKMSD=1
PROVIDER_SECRET={{ESC_HEAD}}\\;{{ESC_TAIL}}
WELCOME_TEXT=Welcome to Acme Telecom\\; please hold   ; the escaped semicolon is part of the value

[from-internal]
exten => _20XX,1,NoOp(Internal call to ${EXTEN})
 same => n,Dial(PJSIP/${EXTEN},25)
 same => n,VoiceMail(${EXTEN}@default,u)
 same => n,Hangup()

exten => *97,1,VoiceMailMain(${CALLERID(num)}@default)
 same => n,Hangup()

exten => 600,1,Queue(support)
 same => n,Hangup()

exten => _9NXXNXXXXXX,1,Dial(SIP/acmetrunk:{{DIAL_PASS}}@sip.acme-voip.net/${EXTEN:1},60)
 same => n,Hangup()

exten => _9011.,1,Dial(${GLOBAL(TRUNK)}/${EXTEN:4})
 same => n,Hangup()

[from-trunk]
exten => _X.,1,NoOp(Inbound call from ${CALLERID(num)})
 same => n,Goto(from-internal,600,1)
""",
    0o640,
)

_TEXT["system/etc/asterisk/manager.conf"] = (
    """\
; Asterisk Manager Interface, used by the FlexPBX API.
[general]
enabled = yes
webenabled = no
port = 5038
bindaddr = 127.0.0.1

[flexpbx-api]
secret = {{AMI_SECRET}}
deny=0.0.0.0/0.0.0.0
permit=127.0.0.1/255.255.255.255
read = system,call,agent,user,config,dtmf,reporting,cdr,dialplan
write = system,call,originate,reporting
""",
    0o640,
)

_TEXT["system/etc/asterisk/voicemail.conf"] = (
    """\
; FlexPBX voicemail.
[general]
format=wav49|gsm|wav
serveremail={{ALERTS_EMAIL}}
attach=yes
maxmsg=100
maxsecs=180
skipms=3000
maxsilence=10
silencethreshold=128
maxlogins=3
fromstring=Acme Telecom PBX
emaildateformat=%A, %B %d, %Y at %r
imapserver=mail.acme-telecom.net
authuser=vm-master
authpassword={{VM_IMAP_PASS}}

[zonemessages]
eastern=America/New_York|'vm-received' Q 'digits/at' IMp
european=Europe/London|'vm-received' a d b 'digits/at' HM

[default]
2001 => {{VM_PIN_2001}},{{NAME_2001}},{{EMAIL_2001}},{{PAGER_2001}},attach=yes|tz=eastern
2002 => {{VM_PIN_2002}},{{NAME_2002}},{{EMAIL_2002}},,attach=no|tz=eastern
2003 => {{VM_PIN_2003}},{{NAME_2003}},{{EMAIL_2003}},,attach=yes|saycid=yes|tz=european
""",
    0o640,
)

_TEXT["system/etc/asterisk/res_odbc.conf"] = (
    """\
; Database connection for realtime and CDR.
[flexpbx]
enabled => yes
dsn => flexpbx-mysql
username => flexpbx_ast
password => {{ODBC_PASS}}
pre-connect => yes
max_connections => 5
""",
    0o640,
)

_TEXT["system/etc/asterisk/queues.conf"] = (
    """\
[general]
persistentmembers = yes
autofill = yes
monitor-type = MixMonitor

[support]
strategy = ringall
timeout = 20
retry = 5
wrapuptime = 10
maxlen = 0
musicclass = default
announce-frequency = 60
member => PJSIP/2001,0,{{NAME_2001}},PJSIP/2001
member => PJSIP/2002,0,{{NAME_2002}},PJSIP/2002
""",
    0o640,
)

_TEXT["system/etc/asterisk/musiconhold.conf"] = (
    """\
[general]
cachertclasses=yes

[default]
mode=files
directory=moh
sort=alpha
""",
    0o640,
)

_TEXT["system/etc/asterisk/features.conf"] = (
    """\
[general]
transferdigittimeout => 3
xfersound = beep
xferfailsound = beeperr
pickupexten = *8

[featuremap]
blindxfer => #1
atxfer => *2
automixmon => *3

[applicationmap]
""",
    0o640,
)

_TEXT["system/etc/sudoers.d/flexpbx-asterisk"] = (
    """\
# FlexPBX: let the web account manage Asterisk without a password.
# Installed by FlexPBX and rebuilt for the target account on migrate.
Cmnd_Alias FLEXPBX_CMDS = /usr/local/bin/flexpbx-toggle-permissions, \\
                          /usr/local/bin/flexpbx-backup-helper, \\
                          /usr/sbin/asterisk -rx *
Defaults:{{USER}} !requiretty
{{USER}} ALL=(root) NOPASSWD: FLEXPBX_CMDS
""",
    0o440,
)

_TEXT["system/usr/local/bin/flexpbx-toggle-permissions"] = (
    """\
#!/bin/bash
# flexpbx-toggle-permissions: give the FlexPBX account write access to the
# Asterisk configuration (on), take it back (off) or show it (status).
# Run through sudo (see /etc/sudoers.d/flexpbx-asterisk).
set -euo pipefail

FLEXPBX_USER="{{USER}}"
FLEXPBX_HOME="{{HOME}}"
ASTERISK_ETC="/etc/asterisk"

case "${1:-status}" in
  on)
    chgrp "$FLEXPBX_USER" "$ASTERISK_ETC"/*.conf
    chmod 0664 "$ASTERISK_ETC"/*.conf
    echo "$(date '+%F %T') permissions on" >> "$FLEXPBX_HOME/logs/flexpbx.log"
    ;;
  off)
    chgrp asterisk "$ASTERISK_ETC"/*.conf
    chmod 0640 "$ASTERISK_ETC"/*.conf
    echo "$(date '+%F %T') permissions off" >> "$FLEXPBX_HOME/logs/flexpbx.log"
    ;;
  status)
    stat -c '%a %U:%G %n' "$ASTERISK_ETC"/*.conf
    ;;
  *)
    echo "usage: $(basename "$0") on|off|status" >&2
    exit 2
    ;;
esac
""",
    0o755,
)

_TEXT["system/usr/local/bin/flexpbx-backup-helper"] = (
    """\
#!/bin/bash
# flexpbx-backup-helper: dump the FlexPBX database, or reload Asterisk after a
# restore. Run through sudo by the FlexPBX account.
set -euo pipefail

DB_NAME="flexpbx_main"
DB_USER="flexpbx_db"
DB_PASS="{{DB_PASS}}"
OUT_DIR="{{HOME}}/backup"

cd "{{HOME}}/public_html"
case "${1:-dump}" in
  dump)
    umask 077
    mysqldump --single-transaction -u"$DB_USER" -p"$DB_PASS" "$DB_NAME" > "$OUT_DIR/flexpbx-db.sql"
    chown "{{USER}}:" "$OUT_DIR/flexpbx-db.sql"
    ;;
  reload)
    /usr/sbin/asterisk -rx 'core reload'
    ;;
  *)
    echo "usage: $(basename "$0") dump|reload" >&2
    exit 2
    ;;
esac
""",
    0o755,
)

# --- excluded system files ---

_TEXT["system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.txt"] = (
    """\
;
; Message Information file
;
[message]
origmailbox=2001
context=from-internal
exten=2001
rdnis=unknown
priority=3
callerchan=PJSIP/2002-00000012
callerid="{{NAME_2002}}" <2002>
origdate=Tue Oct 14 10:15:00 AM UTC 2025
origtime=1760436900
msg_id=1760436900-00000000
duration=12
""",
    0o640,
)

_TEXT["system/var/log/asterisk/cdr-csv/Master.csv"] = (
    '"","{{CDR_NUMBER}}","2001","from-trunk","""{{NAME_2001}}"" <2001>",'
    '"IAX2/acme-iax-00000003","PJSIP/2001-00000014","Dial","PJSIP/2001,25",'
    '"2025-10-14 10:12:01","2025-10-14 10:12:05","2025-10-14 10:14:40",159,155,'
    '"ANSWERED","DOCUMENTATION","1760436721.20",""\n',
    0o640,
)

_TEXT["system/var/log/asterisk/messages"] = (
    """\
[Oct 14 10:15:02] NOTICE[2211] res_pjsip/pjsip_distributor.c: Request 'REGISTER' from \
'<sip:2004@203.0.113.50>' failed for '198.51.100.77:5060' - Failed to authenticate
[Oct 14 10:16:40] VERBOSE[2211] pbx.c: Executing [2001@from-internal:1] NoOp("PJSIP/2002-00000012")
""",
    0o640,
)

_TEXT["system/etc/hostname"] = ("pbx01\n", 0o644)
_TEXT["system/etc/sudoers.d/other-admin"] = (
    "# Not FlexPBX: the operations team's admin account.\nopsadmin ALL=(ALL:ALL) ALL\n",
    0o440,
)
_TEXT["system/usr/local/bin/unrelated-tool"] = (
    """\
#!/bin/sh
# Nightly off-site sync of /srv/www (not part of FlexPBX).
S3_TOKEN="{{UNRELATED_TOKEN}}"
exec /usr/bin/rclone sync /srv/www offsite:www --header "Authorization: Bearer $S3_TOKEN"
""",
    0o755,
)


# --- JSON files (built from Python values) ---


def _default_settings() -> dict[str, Any]:
    return {
        "timezone": "America/New_York",
        "language": "en",
        "temp_password_expiry_hours": 24,
        "session_timeout_minutes": 60,
        "voicemail": {"max_messages": 100, "attach_audio": True},
        "push_notifications": {"enabled": True, "ttl_seconds": 86400},
        "sip_status": {"cache_seconds": 15, "poll_interval_seconds": 30},
        "email_validation": {"enabled": True, "placeholder_domains": ["example.com"]},
    }


def _json_files(user: str, home: str, v: dict[str, str]) -> dict[str, tuple[Any, int]]:
    def ext(n: str) -> dict[str, Any]:
        return {
            "extension": n,
            "name": v[f"NAME_{n}"],
            "email": v[f"EMAIL_{n}"],
            "phone": v[f"PHONE_{n}"],
            "secret": v[f"SIP_{n}"],
            "voicemail": True,
        }

    def user_record(n: str, created: str) -> dict[str, Any]:
        return {
            "extension": n,
            "name": v[f"NAME_{n}"],
            "email": v[f"EMAIL_{n}"],
            "phone": v[f"PHONE_{n}"],
            "password_hash": v[f"HASH_{n}"],
            "session_token": v[f"SESSION_{n}"],
            "role": "user",
            "created": created,
        }

    def push(n: str, agent: str) -> dict[str, Any]:
        return {
            "endpoint": v[f"PUSH_{n}"],
            "expirationTime": None,
            "keys": {"p256dh": v[f"P256DH_{n}"], "auth": v[f"AUTH_{n}"]},
            "user_agent": agent,
        }

    config = {
        "flexpbx_version": "1.0",
        "system_user": user,
        "install_dir": f"{home}/public_html",
        "backup_dir": f"{home}/backup",
        "database": {
            "host": "localhost",
            "port": 3306,
            "name": "flexpbx_main",
            "user": "flexpbx_db",
            "password": v["DB_PASS"],
        },
        "smtp": {
            "host": "mail.acme-telecom.net",
            "port": 587,
            "username": v["ALERTS_EMAIL"],
            "password": v["SMTP_PASS"],
            "from_name": "Acme Telecom PBX",
        },
        "admin_email": v["ADMIN_EMAIL"],
        "vapid": {
            "subject": f"mailto:{v['NOC_EMAIL']}",
            "public_key": v["VAPID_PUBLIC"],
            "private_key": v["VAPID_PRIVATE"],
        },
        "api_keys": {"portal": v["PORTAL_API_KEY"], "provisioning": v["PROVISION_API_KEY"]},
        "sip": {
            "server": "pbx.acme-telecom.net",
            "port": 5060,
            "transport": "udp",
            "ami_user": "flexpbx-api",
            "ami_secret": v["AMI_SECRET"],
        },
        "default_settings": _default_settings(),
        "extensions": [ext("2001"), ext("2002"), ext("2003")],
    }
    user_template = {
        "extension": "",
        "name": "New User",
        "email": "user@example.com",
        "password": "HASHED_PLACEHOLDER",
        "role": "user",
        "voicemail": {"enabled": True, "attach": True},
        "notifications": {"push": True, "email": True},
    }
    admin_template = {
        "username": "admin",
        "name": "Administrator",
        "email": "admin@example.com",
        "password": "HASHED_PLACEHOLDER",
        "role": "admin",
        "permissions": ["extensions", "voicemail", "queues", "backups", "settings"],
        "escalation_email": v["TEMPLATE_EMAIL"],
        "force_password_change": True,
    }
    admin = {
        "username": "admin",
        "name": v["ADMIN_NAME"],
        "email": v["ADMIN_EMAIL"],
        "password_hash": v["ADMIN_HASH"],
        "totp_secret": v["ADMIN_TOTP"],
        "role": "admin",
        "created": "2025-09-01 09:00:00",
    }
    temp = {
        "extension": "2003",
        "email": v["EMAIL_2003"],
        "temp_password": v["TEMP_PASS_2003"],
        "expires": "2025-10-15 12:00:00",
        "used": False,
    }
    status = {
        "extension": "2001",
        "name": v["NAME_2001"],
        "online": True,
        "contact": "sip:2001@192.168.10.21:5060",
        "checked": 1760436902,
    }
    return {
        "home/flexpbx-config.json": (config, 0o640),
        "home/templates/user_template.json": (user_template, 0o640),
        "home/templates/admin_template.json": (admin_template, 0o640),
        "home/templates/settings_template.json": (_default_settings(), 0o640),
        "home/users/2001.json": (user_record("2001", "2025-09-02 10:14:00"), 0o640),
        "home/users/2002.json": (user_record("2002", "2025-09-02 10:20:00"), 0o640),
        "home/users/2003.json": (user_record("2003", "2025-09-15 16:02:00"), 0o640),
        "home/admins/admin.json": (admin, 0o640),
        "home/" + _USER_DATA[4]: (push("2001", "Chrome 141 / Windows"), 0o640),
        "home/" + _USER_DATA[5]: (push("2002", "Firefox 143 / Ubuntu"), 0o640),
        "home/temp_passwords/2003.json": (temp, 0o640),
        "home/cache/sip_status/2001.json": (status, 0o644),
        "home/public_html/api/cache/sip_status_2001.json": (status, 0o644),
    }


def _dump(value: Any) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode()


_PLACEHOLDER = re.compile(r"\{\{([A-Z0-9_]+)\}\}")


def _render(text: str, values: dict[str, str]) -> bytes:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text).encode()


def _old_backup(entries: dict[str, tuple[bytes, int]]) -> bytes:
    """A `.flx` with user data, as the original tools wrote with -d."""
    files = []
    for rel in ("home/public_html/service-worker.js", "home/users/2001.json"):
        data = entries[rel][0]
        files.append(
            {
                "path": rel.removeprefix("home/"),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "content": base64.b64encode(data).decode(),
            }
        )
    return _dump(
        {
            "version": "1.0",
            "backup_type": "full_with_data",
            "created": "2025-10-13 02:00:00",
            "flexpbx_version": "1.0",
            "sensitive_data_included": True,
            "includes": {"system_files": True, "service_worker": True, "user_data": True},
            "file_count": len(files),
            "files": files,
            "default_settings": _default_settings(),
        }
    )


def _large_entries() -> dict[str, tuple[bytes, int]]:
    """2,000 ordinary PHP/JS files of a few KB and 40 binary images."""
    out: dict[str, tuple[bytes, int]] = {}
    for i in range(1000):
        rows = "".join(
            f"        ['id' => {i * 100 + r}, 'label' => 'Row {r} of module {i:04d}', "
            f"'enabled' => {'true' if r % 3 else 'false'}],\n"
            for r in range(20 + i % 40)
        )
        php = (
            "<?php\ndeclare(strict_types=1);\n\n"
            f"/** FlexPBX portal module {i:04d}. */\n"
            f"function flexpbx_module_{i:04d}_rows(): array\n{{\n    return [\n{rows}    ];\n}}\n"
        )
        out[f"home/public_html/modules/m{i // 100:02d}/module_{i:04d}.php"] = (php.encode(), 0o644)
        items = "".join(
            f"  {{ id: {i * 100 + r}, label: 'Item {r} of chunk {i:04d}', "
            f"on: {str(r % 2 == 0).lower()} }},\n"
            for r in range(20 + i % 40)
        )
        js = (
            f"/* FlexPBX portal chunk {i:04d}. */\n'use strict';\n\n"
            f"export const CHUNK_{i:04d} = [\n{items}];\n"
        )
        out[f"home/public_html/assets/js/c{i // 100:02d}/chunk-{i:04d}.js"] = (js.encode(), 0o644)
    for i in range(40):
        side = 16 + (i % 8) * 16
        png = _png(side, side, noise=f"asset-{i}")
        out[f"home/public_html/assets/img/icon-{i:02d}.png"] = (png, 0o644)
    return out


def build(
    home: Path,
    root: Path,
    *,
    user: str = "flexpbx",
    home_in_content: str | None = None,
    size: str = "small",
) -> Sample:
    """Lay out the installation under `home` and `root` (which stands in for "/").

    `home_in_content` (default `str(home)`) is the absolute home path written
    inside files, so migrate tests can check that paths are rewritten.
    """
    if size not in ("small", "large"):
        raise UsageError(f"unknown sample size {size!r}: use 'small' or 'large'")
    if root.resolve() == Path("/").resolve():
        raise UsageError("refusing to lay out the sample installation over the real system root")
    hic = str(home) if home_in_content is None else home_in_content
    values = {
        **_SECRETS,
        "HOME": hic,
        "HOME_DECOY": hic + "by",
        "USER": user,
        "VAPID_PUBLIC": _b64url(b"\x04" + _digest("vapid-public", 64)),
    }

    entries = {rel: (_render(text, values), mode) for rel, (text, mode) in _TEXT.items()}
    for rel, (value, mode) in _json_files(user, hic, values).items():
        entries[rel] = (_dump(value), mode)
    entries["home/public_html/portal/img/logo.png"] = (_png(32, 32), 0o644)
    entries["system/var/spool/asterisk/voicemail/default/2001/INBOX/msg0000.wav"] = (
        _wav(64),
        0o640,
    )
    entries["system/var/spool/asterisk/monitor/q-support-2001-20251014-101500.wav"] = (
        _wav(128),
        0o640,
    )
    entries[_BACKUP_FILE] = (_old_backup(entries), 0o640)
    if size == "large":
        entries.update(_large_entries())

    bases = {"home": home, "system": root}

    def place(rel: str) -> Path:
        side, _, rest = rel.partition("/")
        return bases[side] / rest

    dirs: set[str] = {_EMPTY_DIR}
    for rel, (data, mode) in sorted(entries.items()):
        path = place(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.exists():
            path.unlink()  # also replaces read-only files on a second run
        path.write_bytes(data)
        path.chmod(mode)
        parent = rel.rpartition("/")[0]
        while parent.count("/") >= 1:
            dirs.add(parent)
            parent = parent.rpartition("/")[0]

    link, target = _SYMLINK
    link_path = place(link)
    if link_path.is_symlink() or link_path.exists():
        link_path.unlink()
    link_path.symlink_to(target)

    place(_EMPTY_DIR).mkdir(parents=True, exist_ok=True)
    for rel in sorted(dirs):
        place(rel).chmod(_DIR_MODES.get(rel, 0o755))

    return Sample(
        home=home,
        root=root,
        user=user,
        secrets=tuple(dict.fromkeys(_SECRETS.values())),
        user_data=_USER_DATA,
        excluded=_EXCLUDED,
    )


def grow_modules(home: Path, count: int) -> None:
    """`count` more files of ordinary PHP under public_html/modules/, about
    20 KB each: a portal big enough that a first push arrives as one pack
    (the guard's tests and bench/guard.py)."""
    modules = home / "public_html/modules"
    for i in range(count):
        rows = "".join(f"    ['id' => {i * 1000 + r}, 'label' => 'Row {r} of module {i:04d}', "
                       f"'enabled' => {'true' if r % 3 else 'false'}],\n" for r in range(260))
        p = modules / f"m{i // 100:02d}" / f"module_{i:04d}.php"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"<?php\ndeclare(strict_types=1);\n\n/** FlexPBX portal module {i:04d}. "
                     f"*/\nfunction module_{i:04d}(): array\n{{\n    return [\n{rows}    ];\n}}\n")
