"""JavaScript: literals under secret keys (text.js_literal) and by their place (js.binding)."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from flexgit.sanitize import Rules, sanitize

R = "FLEXGIT-REDACTED"
JS = "home/public_html/js/app.js"


def run(text: str, path: str = JS, rules: Rules | None = None) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode(), rules or Rules())
    return result.data.decode(), result.counts


KEYED = [
    ('const API_KEY = "abc123";', f'const API_KEY = "{R}";'),
    ("const cfg = { password: 'jspw', user: 'bob' };",
     f"const cfg = {{ password: '{R}', user: 'bob' }};"),
    ('this.authToken = "t$x";', f'this.authToken = "{R}";'),
    ('fetch(u, {headers: {"X-API-Key": "k"}})', f'fetch(u, {{headers: {{"X-API-Key": "{R}"}}}})'),
    ("const vapidPrivateKey = 'priv';", f"const vapidPrivateKey = '{R}';"),
    ("const pool = new Pool({ host: 'db', user: 'app', password: 'poolpw' });",
     f"const pool = new Pool({{ host: 'db', user: 'app', password: '{R}' }});"),
    ("const c = mysql.createConnection({ host: 'localhost', user: 'root', password: 'my-pw' });",
     f"const c = mysql.createConnection({{ host: 'localhost', user: 'root', password: '{R}' }});"),
    ("const a = new AMI({ host: 'pbx', port: 5038, username: 'admin', secret: 'ami-s3c' });",
     f"const a = new AMI({{ host: 'pbx', port: 5038, username: 'admin', secret: '{R}' }});"),
    ("  auth: { user: 'pbx', pass: 'smtp-pw' },", f"  auth: {{ user: 'pbx', pass: '{R}' }},"),
    ("const creds = { user: 'u', pass: 'credpw' };",
     f"const creds = {{ user: 'u', pass: '{R}' }};"),
]  # fmt: skip

BOUND = [
    # declarations named by any secret word
    ("const STRIPE_KEY = 'pk_live_abc';", f"const STRIPE_KEY = '{R}';"),
    ("let NONCE_SALT = \"n-salt\", WEBHOOK_KEY = 'wh-k';",
     f"let NONCE_SALT = \"{R}\", WEBHOOK_KEY = '{R}';"),
    ("var pushKey = 'BEl62iUYgUivxIkv69yViEuiBIa';", f"var pushKey = '{R}';"),
    # fallbacks of environment look-ups
    ("const t = process.env.TOKEN ?? 'tok-1';", f"const t = process.env.TOKEN ?? '{R}';"),
    ("const p = process.env['DB_PASS'] || \"dbpw\";",
     f"const p = process.env['DB_PASS'] || \"{R}\";"),
    ("const s = process.env.AMI_SECRET || 'amisecret';",
     f"const s = process.env.AMI_SECRET || '{R}';"),
    ("const k = import.meta.env.VITE_MAPS_KEY || 'mk-9';",
     f"const k = import.meta.env.VITE_MAPS_KEY || '{R}';"),
    # comparisons
    ('if (pass === "opensesame") { ok(); }', f'if (pass === "{R}") {{ ok(); }}'),
    ("if ('1234' == req.body.pin) {", f"if ('{R}' == req.body.pin) {{"),
    ("} else if (this.password !== 'p4ss') {", f"}} else if (this.password !== '{R}') {{"),
    ("return body['api_token'] === 'at-77';", f"return body['api_token'] === '{R}';"),
    # maps of credentials, also over lines
    ("const cfg = { passwords: { '2001': 'vm2001', \"2002\": 'vm2002' } };",
     f"const cfg = {{ passwords: {{ '2001': '{R}', \"2002\": '{R}' }} }};"),
    ("const pins = ['8642', '1357'];", f"const pins = ['{R}', '{R}'];"),
    ("const creds = { users: { admin: 'adm-pw' }, host: 'h' };",
     f"const creds = {{ users: {{ admin: '{R}' }}, host: 'h' }};"),
    ("axios.get(u, { auth: ['api', 'basic-pw'] });", f"axios.get(u, {{ auth: ['api', '{R}'] }});"),
    # arguments in credential position
    ("request.get(u).auth('user', 'superpw');", f"request.get(u).auth('user', '{R}');"),
    ("request.get(u).auth('bearer-tok', { type: 'bearer' });",
     f"request.get(u).auth('{R}', {{ type: 'bearer' }});"),
    ("ami.login('admin', 'amisecret');", f"ami.login('admin', '{R}');"),
    ("const m = new AsteriskManager(5038, 'localhost', 'admin', 'amipw', true);",
     f"const m = new AsteriskManager(5038, 'localhost', 'admin', '{R}', true);"),
    ("const ami = require('asterisk-manager')('5038', 'pbx', 'admin', 'amipw', true);",
     f"const ami = require('asterisk-manager')('5038', 'pbx', 'admin', '{R}', true);"),
    ("client.setPassword('zip-pw'); client.setApiKey('SG.x');",
     f"client.setPassword('{R}'); client.setApiKey('{R}');"),
    ("const sig = crypto.createHmac('sha256', 'hmac-key').update(b).digest('hex');",
     f"const sig = crypto.createHmac('sha256', '{R}').update(b).digest('hex');"),
    ("const token = jwt.sign(payload, 'jwtsecret', { expiresIn: '1h' });",
     f"const token = jwt.sign(payload, '{R}', {{ expiresIn: '1h' }});"),
    ("if (await bcrypt.compare('admin123', user.hash)) {",
     f"if (await bcrypt.compare('{R}', user.hash)) {{"),
]  # fmt: skip

KEPT = [
    "const password = document.getElementById('pw').value;",
    "img.src = 'img/logo@2x.png'; const token = `${a}`;",
    "const dbPass = process.env.DB_PASS; const port = process.env.PORT || '3000';",
    "if (typeof password === 'string' && password !== '' && input.type === 'password') {",
    "if (e.key === 'Enter' && field.name === 'pin') {",
    "const msgs = { password: 'Password', forgot: 'Forgot your password?' };",
    "const KEYBOARD = 'qwerty'; const keyName = 'id'; const monkey = 'george';",
    "const VAPID_PUBLIC_KEY = 'BPP1_V2X7r4t0htq6IB_Nj4KZcpp5Y6DrCV-8yEQgHU';",
    "const passwords = { label: 'Passwords', hint: 'At least 8 characters' };",
    "ami.connect(5038, 'localhost'); ami.login(user, pass); el.setAttribute('type', 'text');",
    "const pins = pinInput.value.split(','); const tokens = [];",
    "map.set('password', pw); form.setPasswordVisible(true);",
    "$('#password').val(''); if (pw.length === 0) {",
]


@pytest.mark.parametrize(("before", "after"), KEYED)
def test_keyed(before: str, after: str) -> None:
    out, counts = run(before)
    assert out == after
    assert "text.js_literal" in counts


@pytest.mark.parametrize(("before", "after"), BOUND)
def test_bound(before: str, after: str) -> None:
    out, counts = run(before)
    assert out == after
    assert "js.binding" in counts
    assert "js.binding" not in run(before, rules=Rules(disabled=frozenset({"js.binding"})))[1]


@pytest.mark.parametrize("text", KEPT)
def test_kept(text: str) -> None:
    assert run(text) == (text, {})


@pytest.mark.parametrize(("before", "after"), KEYED + BOUND)
def test_idempotent(before: str, after: str) -> None:
    assert run(after) == (after, {})


def test_an_inline_script_in_php_is_javascript() -> None:
    text = "<?php $x = 1; ?>\n<script>if (pin === '4321') { unlock(); }</script>\n"
    out, counts = run(text, "home/public_html/portal/index.php")
    assert out == f"<?php $x = 1; ?>\n<script>if (pin === '{R}') {{ unlock(); }}</script>\n"
    assert counts == {"js.binding": 1}


PORTAL_JS = textwrap.dedent(
    """\
    'use strict';
    const AmiClient = require('asterisk-ami-client');
    const STRIPE_KEY = 'pk_live_9f8e7d6c';
    const dbPass = process.env.DB_PASS || 'dev-db-pw';
    const config = {
      db: { host: 'localhost', user: 'flexpbx', password: 'maria-pw' },
      passwords: {
        '2001': 'vm-2001',   // front desk
        '2002': "vm-2002",
      },
    };
    const client = new AmiClient();
    client.connect('flexpbx', 'ami-secret', { host: 'localhost', port: 5038 });
    function check(pin) {
      if (pin === '0000' || typeof pin !== 'string') {
        return false;
      }
      return pin.length === 4;
    }
    module.exports = { check, config };
    """
)
SECRETS = ("pk_live", "dev-db-pw", "maria-pw", "vm-2001", "vm-2002", "ami-secret", "'0000'")


def test_js_file_keeps_lines_and_parses(tmp_path: Path) -> None:
    out, counts = run(PORTAL_JS)
    assert out.count("\n") == PORTAL_JS.count("\n")
    for value in SECRETS:
        assert value not in out
    assert "typeof pin !== 'string'" in out and "host: 'localhost'" in out
    assert counts == {"js.binding": 6, "text.js_literal": 1}
    assert run(out) == (out, {})
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    for name, source in (("before.js", PORTAL_JS), ("after.js", out)):
        (tmp_path / name).write_text(source)
        check = subprocess.run([node, "--check", str(tmp_path / name)], capture_output=True,
                               check=False)  # fmt: skip
        assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(("before", "after"), [
    ('  private readonly clientSecret: string = "ZAxfTPkL";',
     f'  private readonly clientSecret: string = "{R}";'),
    ("let apiToken: string = 'LhNVUbtq';", f"let apiToken: string = '{R}';"),
    ("  protected static authToken: string | null = '5Knco7Yh';",
     f"  protected static authToken: string | null = '{R}';"),
    ("const sipPassword: string = `KmLuf4_A`;", f"const sipPassword: string = `{R}`;"),
    ("const h = {\n  'auth-token': `r1HG8x9a`,\n};", f"const h = {{\n  'auth-token': `{R}`,\n}};"),
    ("const smtp = { host: 'mail', pass: `gvJbx9Zm` };",
     f"const smtp = {{ host: 'mail', pass: `{R}` }};"),
])  # fmt: skip
def test_typescript_types_and_template_literals(before: str, after: str) -> None:
    assert run(before, "home/public_html/src/api.ts")[0] == after


@pytest.mark.parametrize("text", [
    "  private readonly apiUrl: string = 'https://api.flexpbx.net/v1';",
    "let passwordField: string = 'password';",
    "const route = { token: `/users/${id}` };",
    "$headers = ['Authorization: Basic ZmxleHBieDpodzAxU1JudS5KVkx2Vy0=', 'Accept: text/html'];",
])  # fmt: skip
def test_typescript_and_templates_kept(text: str) -> None:
    out = run(text, "home/public_html/src/api.ts")[0]
    assert out == text or ("Basic" in text and "', 'Accept" in out)
