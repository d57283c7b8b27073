"""Session and token cookies written by code (http.cookie)."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"


@pytest.mark.parametrize(("path", "before", "after"), [
    ("home/public_html/js/app.js", 'document.cookie = "session=0123456789abcdef; path=/";',
     f'document.cookie = "session={R}; path=/";'),
    ("home/public_html/js/app.js", "document.cookie = 'PHPSESSID=Zk29dj2kd; path=/; secure';",
     f"document.cookie = 'PHPSESSID={R}; path=/; secure';"),
    ("home/public_html/a.php", "<?php\nheader('Set-Cookie: auth_token=Ab3dEf5gH7jK9; HttpOnly');",
     f"<?php\nheader('Set-Cookie: auth_token={R}; HttpOnly');"),
    ("home/docs/API.md", "curl -H 'Cookie: laravel_session=eyJpdiI6Ik1' https://pbx/api",
     f"curl -H 'Cookie: laravel_session={R}' https://pbx/api"),
])  # fmt: skip
def test_secret_cookies(path: str, before: str, after: str) -> None:
    assert sanitize(path, before.encode()).data.decode() == after


@pytest.mark.parametrize("text", [
    "document.cookie = 'theme=dark; path=/; max-age=31536000';",
    'document.cookie = "session=" + sid + "; path=/";',
    "document.cookie = `session=${sid}; path=/`;",
    'document.cookie = "session_timeout=30";',
])  # fmt: skip
def test_other_cookies_and_code_stay(text: str) -> None:
    assert sanitize("home/public_html/js/app.js", text.encode()).data.decode() == text
