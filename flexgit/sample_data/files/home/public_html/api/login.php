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
$extension = preg_replace('/\D/', '', (string) ($input['extension'] ?? ''));
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
