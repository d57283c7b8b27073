<?php
declare(strict_types=1);

require_once __DIR__ . '/../includes/email_validation.php';

// Issues a one-time password that expires after the configured number of hours.
header('Content-Type: application/json');

$input = json_decode((string) file_get_contents('php://input'), true);
$extension = preg_replace('/\D/', '', (string) ($input['extension'] ?? ''));
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
