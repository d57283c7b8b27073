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
