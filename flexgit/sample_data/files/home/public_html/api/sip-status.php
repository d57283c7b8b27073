<?php
declare(strict_types=1);

// Registration state of one extension, cached for a few seconds.
header('Content-Type: application/json');

$extension = preg_replace('/\D/', '', (string) ($_GET['extension'] ?? ''));
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
