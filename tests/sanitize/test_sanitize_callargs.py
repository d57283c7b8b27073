"""Secrets passed to calls by place and shape (code.argument), hash_equals and
timingSafeEqual operands, maps of accounts and password-shaped flat maps."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
PHP = "home/public_html/includes/ami.php"
JS = "home/public_html/js/app.js"


def run(text: str, path: str) -> str:
    return sanitize(path, text.encode()).data.decode()


REDACTED = [
    (PHP, "<?php\n$m = new Manager('127.0.0.1', 5038, 'admin', 'Xk9.mQ!r2Tz');",
     f"<?php\n$m = new Manager('127.0.0.1', 5038, 'admin', '{R}');"),
    (PHP, "<?php\n$l = pbx_connect('localhost', 'ops', 'weakpass1');",
     f"<?php\n$l = pbx_connect('localhost', 'ops', '{R}');"),
    (PHP, "<?php\n$c = new \\PAMI\\Client\\Impl\\ClientImpl('pbx', 'crm', \"Qh7_dK2mZx9\", 5038);",
     f"<?php\n$c = new \\PAMI\\Client\\Impl\\ClientImpl('pbx', 'crm', \"{R}\", 5038);"),
    (PHP, "<?php\n$x = do_thing('ops@corp.example', 'Kd8#fP2qLm');",
     f"<?php\n$x = do_thing('ops@corp.example', '{R}');"),
    (JS, "login('admin', 'n5+aVo%4_5r6');", f"login('admin', '{R}');"),
    (JS, 'await signIn("operator", "secret-word");', f'await signIn("operator", "{R}");'),
    (JS, "const enc = encodeURIComponent('J0%XD3fFNgRo');",
     f"const enc = encodeURIComponent('{R}');"),
    (JS, "const b = btoa('api:Rk3_dP9qWmZ');", f"const b = btoa('api:{R}');"),
    (PHP, "<?php\n$d = md5('jBV.L0zz+024');", f"<?php\n$d = md5('{R}');"),
    (PHP, "<?php\nif (hash_equals($sig, getenv('K') ?? 'abc123def')) {}",
     f"<?php\nif (hash_equals($sig, getenv('K') ?? '{R}')) {{}}"),
    (PHP, "<?php\n$ok = hash_equals($_SERVER['HTTP_X_SIG'] ?? '', 'f69104320');",
     f"<?php\n$ok = hash_equals($_SERVER['HTTP_X_SIG'] ?? '', '{R}');"),
    (JS, "crypto.timingSafeEqual(Buffer.from(k), Buffer.from('Nwb1hnOjF4K3'));",
     f"crypto.timingSafeEqual(Buffer.from(k), Buffer.from('{R}'));"),
    (PHP, "<?php\n$users = ['admin' => 'J0!G7JmLj*', 'ops' => 'pass-2024'];",
     f"<?php\n$users = ['admin' => '{R}', 'ops' => '{R}'];"),
    (PHP, "<?php\n$allowed = array('root' => 'IrEluW%+B2', 'backup' => 'gUS*j4H*J5b');",
     f"<?php\n$allowed = array('root' => '{R}', 'backup' => '{R}');"),
    (JS, "const table = {\n  'ops': \"fqWKZT5k.xs5\",\n  'night': \"D9!0Us0ayo!l\",\n};",
     f"const table = {{\n  'ops': \"{R}\",\n  'night': \"{R}\",\n}};"),
    (JS, "const accounts = { admin: 'FU.CYI6gX_h9', reception: 'L21pt3Sx0Z' };",
     f"const accounts = {{ admin: '{R}', reception: '{R}' }};"),
]  # fmt: skip

KEPT = [
    (PHP, "<?php\n$label = __('Username', 'flexpbx');"),
    (PHP, "<?php\n$name = str_replace('admin', 'root', $name);"),
    (PHP, "<?php\n$ami->connect('127.0.0.1', 5038);"),
    (PHP, "<?php\n$users = ['2001' => 'Front Desk', '2002' => 'Sales'];"),
    (PHP, "<?php\n$accounts = ['alice' => '2001', 'bob' => 'bob@corp.example'];"),
    (PHP, "<?php\n$key = md5('flexpbx-cdr-cache');"),
    (PHP, "<?php\n$map = ['home' => 'HomePage', 'about' => 'AboutUs2'];"),
    (PHP, "<?php\n$m = new Manager('127.0.0.1', 5038, 'admin', $secret);"),
    (JS, "const q = encodeURIComponent('sales queue') + encodeURIComponent('2001');"),
    (JS, "router.login('/login', 'auth/login');"),
    (JS, "login('admin', `${pw}`);"),
    (JS, "t('Login', 'Sign in');"),
    (JS, "bus.connect('event', 'handler');"),
    (PHP, "<?php\n$s = session('flash', 'saved');"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "before", "after"), REDACTED)
def test_redacted(path: str, before: str, after: str) -> None:
    assert run(before, path) == after
    assert run(after, path) == after


@pytest.mark.parametrize(("path", "text"), KEPT)
def test_kept(path: str, text: str) -> None:
    assert run(text, path) == text
