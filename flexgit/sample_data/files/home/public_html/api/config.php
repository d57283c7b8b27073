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
