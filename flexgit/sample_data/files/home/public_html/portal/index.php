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
