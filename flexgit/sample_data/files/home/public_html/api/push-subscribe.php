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
