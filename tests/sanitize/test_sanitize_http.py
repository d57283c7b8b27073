"""HTTP credentials (flexgit/sanitize/http.py): headers, query tokens, webhook URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
SH = "home/scripts/notify.sh"
PHP = "home/public_html/api/client.php"
MD = "home/docs/integrations.md"
JS = "home/public_html/js/app.js"
CONF = "system/etc/nginx/conf.d/pbx.conf"
YAML = "home/config/services.yml"
INI = "home/config/crm.ini"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("path", "before", "after", "rule"),
    [
        (SH, 'curl -H "Authorization: Bearer 8f2d9c1e7b6a5d4c3b2a1f0e" https://api.acme.io',
         f'curl -H "Authorization: Bearer {R}" https://api.acme.io', "http.authorization"),
        (SH, "curl -H 'Authorization: Basic YWRtaW46UzNjcmV0UHc=' https://api.acme.io",
         f"curl -H 'Authorization: Basic {R}' https://api.acme.io", "http.authorization"),
        (PHP, "$h = ['Authorization: Token a1b2c3d4e5f6a7b8c9d0', 'Accept: text/xml'];",
         f"$h = ['Authorization: Token {R}', 'Accept: text/xml'];", "http.authorization"),
        (CONF, 'proxy_set_header Authorization "Basic cHJveHk6UHJveHlQdzk=";',
         f'proxy_set_header Authorization "Basic {R}";', "http.authorization"),
        (MD, 'Authorization: Digest username="2001", realm="asterisk", nonce="4f1a", '
             'uri="/", response="6629fae49393a05397450978507c4ef1"',
         'Authorization: Digest username="2001", realm="asterisk", nonce="4f1a", '
         f'uri="/", response="{R}"', "http.authorization"),
        (SH, 'curl -H "X-API-Key: sk9Kd82jdLq0Zm" https://crm.acme.io/v1/calls',
         f'curl -H "X-API-Key: {R}" https://crm.acme.io/v1/calls', "http.authorization"),
        (PHP, "$headers[] = 'X-Auth-Token: Zm9vYmFyYmF6cXV4MTIzNDU2';",
         f"$headers[] = 'X-Auth-Token: {R}';", "http.authorization"),
        (MD, "    Api-Key: 5f4dcc3b5aa765d61d8327deb882cf99", f"    Api-Key: {R}",
         "http.authorization"),
        (PHP, "curl_setopt($ch, CURLOPT_USERPWD, 'admin:Cu7lPass');",
         f"curl_setopt($ch, CURLOPT_USERPWD, 'admin:{R}');", "http.authorization"),
        (PHP, "    CURLOPT_USERPWD => \"api:Cu7lArr\",", f"    CURLOPT_USERPWD => \"api:{R}\",",
         "http.authorization"),
        (PHP, "curl_setopt($ch, CURLOPT_PROXYUSERPWD, 'px:Pr0xyPw');",
         f"curl_setopt($ch, CURLOPT_PROXYUSERPWD, 'px:{R}');", "http.authorization"),
        ("home/tools/sync.py", "r = requests.get(url, auth=('admin', 'Py7hon'))",
         f"r = requests.get(url, auth=('admin', '{R}'))", "http.authorization"),
        (PHP, "$auth = 'Basic ' . base64_encode('admin:B64src9');",
         f"$auth = 'Basic ' . base64_encode('admin:{R}');", "http.authorization"),
        (JS, "const maps = 'https://maps.googleapis.com/maps/api/js?key=Ab12Cd34Ef56Gh78&v=3';",
         f"const maps = 'https://maps.googleapis.com/maps/api/js?key={R}&v=3';",
         "http.query_token"),
        (MD, "<https://api.acme.io/v1/calls?sig=9f8e7d6c5b4a3921&expires=1700000000>",
         f"<https://api.acme.io/v1/calls?sig={R}&expires=1700000000>", "http.query_token"),
        (CONF, "return 302 https://files.acme.io/dl?name=x&amp;signature=Zk93Jd82Kd0q;",
         f"return 302 https://files.acme.io/dl?name=x&amp;signature={R};", "http.query_token"),
        (SH, "curl 'https://gitlab.acme.io/api/v4/projects?private_token=glx8Hd72Kd93'",
         f"curl 'https://gitlab.acme.io/api/v4/projects?private_token={R}'",
         "http.query_token"),
        (JS, "Sentry.init({dsn: 'https://3f8a9b2c1d4e5f6071"
         "8293a4b5c6d7e8@o12345.ingest.sentry.io/45'});",
         f"Sentry.init({{dsn: 'https://{R}@o12345.ingest.sentry.io/45'}});", "http.authorization"),
        (INI, "url = mysql://pbx:p@ss@db.acme.io:3306/pbx",
         f"url = mysql://pbx:{R}@db.acme.io:3306/pbx",
         "pattern.url_credentials"),
        (SH, "curl -X POST https://hooks.slack.com/services"
         "/T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX",
         f"curl -X POST https://hooks.slack.com/services/{R}/{R}/{R}", "http.webhook"),
        (YAML, "  teams: https://acme.webhook.office.com/webhookb2/1c2d3e4f-1111-2222-3333-4444"
               "55556666@9a8b7c6d-1111-2222-3333-444455556666/IncomingWebhook/0123456789abcdef"
               "0123456789abcdef/1c2d3e4f-1111-2222-3333-444455556666",
         f"  teams: https://acme.webhook.office.com/webhookb2/{R}@{R}/IncomingWebhook/{R}/{R}",
         "http.webhook"),
        (PHP, "$u = 'https://outlook.office.com/webhook/1c2d3e4f-"
         "aaaa@9a8b7c6d-bbbb/IncomingWebhook/0a1b2c3d/9f8e';",
         f"$u = 'https://outlook.office.com/webhook/{R}@{R}/IncomingWebhook/{R}/{R}';",
         "http.webhook"),
        (JS, "fetch('https://discord.com/api/webhooks/1234567"
         "89012345678/AbCdEf-GhIjKlMn0123456789_xyz', o)",
         f"fetch('https://discord.com/api/webhooks/{R}/{R}', o)", "http.webhook"),
        (SH, "curl \"https://api.telegram.org/bot123456789:AAHdqTc"
         "vCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage?chat_id=42\"",
         f"curl \"https://api.telegram.org/bot{R}/sendMessage?chat_id=42\"", "http.webhook"),
        (MD, "POST to https://n8n.acme.io/webhook/8f3c2a1b9d7e4f60a5b4c3d2e1f0a9b8 on hangup",
         f"POST to https://n8n.acme.io/webhook/{R} on hangup", "http.webhook"),
    ],
)  # fmt: skip
def test_http_credentials(path: str, before: str, after: str, rule: str) -> None:
    out, counts = run(path, before)
    assert out == after
    assert rule in counts
    assert run(path, out) == (out, {})  # idempotent


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (PHP, "$h = ['Authorization: Bearer ' . $token];"),
        (JS, "headers: { Authorization: `Bearer ${token}` },"),
        (SH, 'curl -H "Authorization: Bearer $API_TOKEN" https://api.acme.io'),
        (PHP, "    'Authorization: Key ' . $this->apiKey,"),
        (JS, "      'X-API-Key': API_KEY,"),
        (JS, "  headers: { Authorization: authHeader, 'X-Auth-Token': this.token },"),
        (MD, "Send `Authorization: Bearer <token>` with each request."),
        (PHP, "curl_setopt($ch, CURLOPT_USERPWD, $user . ':' . $pass);"),
        (PHP, 'curl_setopt($ch, CURLOPT_USERPWD, "$user:$pass");'),
        (MD, "https://www.acme.io/list?page=2&sort=name&order=asc"),
        (JS, "location.href = '/admin/?key=' + encodeURIComponent(k);"),
        (MD, "https://pbx.acme.io/admin/config.php?display=extensions&extdisplay=2001"),
        (SH, "git clone git@github.com:acme/flexpbx.git"),
        (MD, "ssh://git@git.acme.io/pbx.git and https://admin@pbx.acme.io/"),
        (MD, "https://n8n.acme.io/webhook/new-call"),
        (MD, "https://hooks.slack.com/services/YOUR/WEBHOOK/URL"),
        (MD, "commit 3f8a9b2c1d4e5f60718293a4b5c6d7e8f9a0b1"
         "c2, id 123e4567-e89b-12d3-a456-426614174000"),
        ("system/etc/asterisk/pjsip.conf", "auth=2001-auth"),
    ],
)  # fmt: skip
def test_kept_byte_identical(path: str, line: str) -> None:
    out, counts = run(path, line)
    assert out == line, counts


def test_webhook_urls_still_parse() -> None:
    text = (
        "SLACK=https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX\n"
        "DISCORD=https://discordapp.com/api/webhooks/123456789012345678/AbCdEf-Gh0123456789\n"
        "TG=https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe\n"
    )
    out, _ = run("home/.env.example", text)
    for before, after in zip(text.splitlines(), out.splitlines(), strict=True):
        old, new = urlsplit(before.split("=", 1)[1]), urlsplit(after.split("=", 1)[1])
        assert (new.scheme, new.netloc) == (old.scheme, old.netloc)
        assert new.path.count("/") == old.path.count("/")
        assert R in new.path
    assert run("home/.env.example", out) == (out, {})
