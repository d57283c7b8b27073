"""Vendor tokens (flexgit/sanitize/vendor.py): detect-secrets' rules, key armours, base64 pairs."""

from __future__ import annotations

import base64

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"
ENV = "home/.env"
PHP = "home/public_html/config/services.php"
MD = "home/docs/integrations.md"
YAML = "home/config/services.yml"
JS = "home/public_html/js/config.js"
INI = "home/config/vendors.ini"
SH = "home/scripts/deploy.sh"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (MD, "Twilio account AC0123456789abcdef0123456789abcdef in use.",
         f"Twilio account {R} in use."),
        (MD, "stripe webhook: whsec_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
         f"stripe webhook: {R}"),
        (JS, 'Stripe("pk_live_51HabcdefghijklmnopqrstuvwxYZ0123456789");', f'Stripe("{R}");'),
        (MD, "Deploy token glpat-AbCdEfGhIjKlMnOpQrSt for the mirror.",
         f"Deploy token {R} for the mirror."),
        ("home/.npmrc", "//registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
         f"//registry.npmjs.org/:_authToken={R}"),
        (INI, "conn = DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
              + "Ab12" * 21 + "Ab==;EndpointSuffix=core.windows.net",
         f"conn = DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={R};"
         "EndpointSuffix=core.windows.net"),
        (MD, "mailchimp 0123456789abcdef0123456789abcdef-us12 (marketing list)",
         f"mailchimp {R} (marketing list)"),
        (YAML, "  # discord bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.AbCdEfGhIjKlMnOpQrStUvWxYz0",
         f"  # discord bot {R}"),
        (MD, "The telegram bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawx sends alerts.",
         f"The telegram bot {R} sends alerts."),
        (MD, "square sq0csp-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ABCDEFG",
         f"square {R}"),
        (MD, "openai sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123 for summaries",
         f"openai {R} for summaries"),
        ("home/.npmrc", "_auth = YWRtaW46UzNjcmV0UHc=", f"_auth = {R}"),
        (YAML, "    auth: cmVnaXN0cnk6UmVnMXN0cnlQdw==", f"    auth: {R}"),
    ],
)  # fmt: skip
def test_vendor_tokens(path: str, before: str, after: str) -> None:
    out, counts = run(path, before)
    assert out == after
    assert "vendor.token" in counts
    assert run(path, out) == (out, {})  # idempotent


def test_token_pattern_rules_keep_their_names() -> None:
    out, counts = run(MD, "token ghp_abcdefghijklmnopqrstuvwxyz0123456789 end")
    assert out == f"token {R} end"
    assert counts == {"pattern.api_token": 1}


def test_aws_secret_access_key_next_to_its_key_id() -> None:
    text = (
        "[default]\n"
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        "region = eu-west-1\n"
    )
    out, _ = run("home/.aws/credentials", text)
    assert out == f"[default]\naws_access_key_id = {R}\naws_secret_access_key = {R}\n" \
        "region = eu-west-1\n"


def test_twilio_auth_token_next_to_its_sid() -> None:
    text = "$client = new Client('AC0123456789abcdef0123456789abcdef',\n" \
        "    '9f8e7d6c5b4a39281f0e9d8c7b6a5f4e');\n"
    out, counts = run(PHP, text)
    assert out == f"$client = new Client('{R}',\n    '{R}');\n"
    assert counts["vendor.token"] == 2


PPK = """PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: ed25519-key-20240101
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAIOx7pbJjfDVpYWt0kXk2vVbyw8tQ8m9y
AAAAC3NzaC1lZDI1NTE5AAAAIOx7pbJjfDVpYWt0kXk2vVbyw8tQ8m9z
Private-Lines: 2
AAAAIHUe1DbT4dsb3t7xEBoNPPpE6R2b0lYqwcOHRprgVbFe
AAAAIHUe1DbT4dsb3t7xEBoNPPpE6R2b0lYqwcOHRprgVbFf
Private-MAC: 4d2b0e3b4cbb8e1c9d6f3a0f2a9c4b7d6e5f1a2b3c4d5e6f7a8b9c0d1e2f3a4b
"""


@pytest.mark.parametrize("version", ["2", "3"])
def test_putty_private_lines_and_mac_go_public_lines_stay(version: str) -> None:
    text = PPK.replace("File-3", f"File-{version}")
    out, counts = run("home/.ssh/pbx.ppk", text)
    lines, before = out.splitlines(), text.splitlines()
    assert lines[:7] == before[:7]  # header and public lines
    assert lines[7:] == [R, R, f"Private-MAC: {R}"]
    assert counts == {"vendor.token": 3}
    assert run("home/.ssh/pbx.ppk", out) == (out, {})


def test_ssh2_armour_keeps_headers() -> None:
    text = (
        "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n"
        'Comment: "rsa-key-20240101"\n'
        "P2/56wAAANgAAAA3aWYtbW9kbntzaWdue3JzYS1wa2NzMS1zaGExfSxlbmNyeXB0e3JzYS1wa2NzMXYy\n"
        "ym9uZQAAAJcAAACTAAAAESUAAAP/Y0xIvqq0kx0uHe1uHx==\n"
        "---- END SSH2 ENCRYPTED PRIVATE KEY ----\n"
    )
    out, _ = run("home/.ssh/id_rsa.ssh2", text)
    assert out.splitlines() == [
        "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", 'Comment: "rsa-key-20240101"', R, R,
        "---- END SSH2 ENCRYPTED PRIVATE KEY ----",
    ]  # fmt: skip


def test_pem_key_in_yaml_block_keeps_indentation() -> None:
    text = (
        "tls:\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEpAIBAAKCAQEA7\n"
        "    -----END RSA PRIVATE KEY-----\n  port: 5061\n"
    )
    out, _ = run(YAML, text)
    assert out == text.replace("MIIEpAIBAAKCAQEA7", R)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (MD, "commit 3f8a9b2c1d4e5f60718293a4b5c6d7e8f9a0b1c2"),
        (MD, "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        (MD, "id 123e4567-e89b-12d3-a456-426614174000"),
        (YAML, "  auth: basic"),
        (MD, "Authentication uses the base64 of the string (see RFC 7617)."),
        (MD, "Set AWS_ACCESS_KEY_ID=YOUR_KEY_HERE in the environment."),
        (SH, "ACCOUNT_SID=${TWILIO_ACCOUNT_SID}"),
        (JS, "const auth = btoa(user + ':' + pass);"),
        (MD, "A basic sample: ZXhhbXBsZQ== decodes to a word."),  # no colon inside
    ],
)  # fmt: skip
def test_kept_byte_identical(path: str, line: str) -> None:
    out, _ = run(path, line)
    assert out == line


def test_base64_blob_only_when_it_decodes_to_a_pair() -> None:
    pair = base64.b64encode(b"svc-backup:Nt7!kq9").decode()
    word = base64.b64encode(b"just some words").decode()
    out, _ = run(INI, f"basic_auth = {pair}\nbasic_note = {word}\n")
    assert out == f"basic_auth = {R}\nbasic_note = {word}\n"


# Shapes from vendor_rules.toml (detect-secrets has no plugin for them), under
# neutral names, in the file kinds people paste them into.
_HEX64 = "3f5a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a"


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (PHP, "$mg = 'key-0123456789abcdef0123456789abcdef';", f"$mg = '{R}';"),
        (SH, "curl --user 'api:key-0123456789abcdef0123456789abcdef' https://api.x/v3",
         f"curl --user 'api:{R}' https://api.x/v3"),
        (PHP, "Telnyx::setApiKey('KEY0185A4B2C3D4E5F6A7B8C9D0E1F2A3B4_Ab1Cd2Ef3Gh4Ij5Kl6Mn7');",
         f"Telnyx::setApiKey('{R}');"),
        (SH, f"doctl auth init -t dop_v1_{_HEX64}", f"doctl auth init -t {R}"),
        (YAML, f"refresh: dor_v1_{_HEX64}", f"refresh: {R}"),
        (JS, "const FCM = 'AAAAx1y2z3w:APA91b" + "Ab-_9" * 28 + "';", f"const FCM = '{R}';"),
        (SH, "# 0 3 * * * job && curl -fsS https://hc-ping.com/5f0c1e3a-7b2d-4c8e-9a1f-2d3e4f5a6b7c",
         f"# 0 3 * * * job && curl -fsS https://hc-ping.com/{R}"),
        (ENV, f"MAILER=xkeysib-{_HEX64}-AbCdEfGhIjKlMnOp", f"MAILER={R}"),
        (MD, "```\n$ aws configure\nAWS Access Key ID [None]: AKIAIOSFODNN7EXAMPLF\n"
             "AWS Secret Access Key [None]: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKQ\n```",
         f"```\n$ aws configure\nAWS Access Key ID [None]: {R}\n"
         f"AWS Secret Access Key [None]: {R}\n```"),
        (SH, "rclone config create s3 s3 provider AWS access_key_id AKIAIOSFODNN7EXAMPLF "
             "secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKQ",
         f"rclone config create s3 s3 provider AWS access_key_id {R} secret_access_key {R}"),
    ],
)
def test_vendor_rule_file_shapes(path: str, before: str, after: str) -> None:
    assert run(path, before)[0] == after


@pytest.mark.parametrize(
    "text",
    [
        "cache key-value store: key-value pairs",  # not 32 hex
        "KEY01 is the first key of the board",
        "commit 0123456789abcdef0123456789abcdef01234567 fixed it",  # a 40-hex id, no AKIA
        "see https://hc-ping.com/docs for the API",
        "AAAA record for pbx.example.org",
    ],
)
def test_vendor_rule_file_keeps_lookalikes(text: str) -> None:
    assert run(MD, text)[0] == text
