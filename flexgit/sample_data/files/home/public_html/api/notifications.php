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
