"""HTTP credentials: Authorization and API-key headers, query-string tokens, webhook URLs.

Wherever they stand (PHP header arrays, ``curl -H``, JS ``fetch()`` options,
nginx/Apache configs, Markdown), in three rules:

* ``http.authorization``: the credential of ``Authorization:``/``Proxy-Authorization:``
  (``Basic X``, ``Bearer X``, ``Token X``, a bare token, Digest's ``response=``),
  of API-key headers (``X-API-Key:``, ``X-Auth-Token:``, ``Api-Key:``, ``apikey:``,
  ``Private-Token:``, ...), of ``CURLOPT_USERPWD``/``CURLOPT_PASSWORD``-like
  curl options (PHP array and ``curl_setopt`` forms), of ``auth=('u', 'X')``
  and ``HTTPBasicAuth('u', 'X')``, the password of ``base64_encode('u:X')``/
  ``btoa('u:X')``, and a key standing alone as the user of a URL
  (``https://KEY@o1.ingest.sentry.io/2``: a random-looking user, not ``git@``).
* ``http.query_token``: ``key=``, ``sig=``, ``signature=``, ``auth=``, ``private_token=``,
  ``X-Amz-Signature=``, ... after ``?``/``&`` (``token=``, ``api_key=``, ``access_token=``,
  ``secret=`` and ``password=`` are pattern.password_param's). ``?page=2&sort=name`` stays.
* ``http.webhook``: URLs whose path is the secret (Slack ``hooks.slack.com/services/…``,
  Teams ``*.webhook.office.com/webhookb2/…`` and ``outlook.office.com/webhook/…``,
  Discord ``discord(app).com/api/webhooks/ID/TOKEN``, Telegram
  ``api.telegram.org/bot<ID>:<TOKEN>/``, a long random segment after ``/webhook(s)/``):
  each secret segment becomes the placeholder, so host and shape stay and the URL parses.

Kept: variables and code after the label (``'Bearer ' . $token``, ``${TOKEN}``,
``{{ key }}``), placeholders and stand-ins, JWTs (pattern.jwt names them), and
URL credentials with a password (pattern.url_credentials).
"""

from __future__ import annotations

import re

import ahocorasick_rs

from flexgit.sanitize import patterns
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules

AUTH, QUERY, WEBHOOK = "http.authorization", "http.query_token", "http.webhook"
_R = ph.SECRET_PLACEHOLDER

# Code or a template where a value would be: kept.
_CODE = ("$", "{", "%", "<", "'", '"', "+", ".", "`", "(", "[")
_TOKEN = r"[A-Za-z0-9+/=._~:-]+"
# 'Authorization' => ', "X-API-Key": ", nginx's Authorization "
_SEP = r"(?P<q1>[\"']?)[ \t]*(?:=>|:|=|,|[ \t](?=[\"']))[ \t]*(?P<q2>[\"']?)[ \t]*"
_AUTHORIZATION = re.compile(
    rf"(?<![\w-])(?:proxy-)?authorization{_SEP}"
    r"(?:(?P<scheme>basic|bearer|token|apikey|api-key|key|sso-key|otp|hmac|negotiate|ntlm)"
    rf"[ \t]+)?(?P<value>{_TOKEN})",
    re.I,
)
_SCHEMES = frozenset({"basic", "bearer", "token", "digest", "negotiate", "ntlm", "hmac", "key",
                      "apikey", "api-key", "sso-key", "otp"})
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_CODE_AFTER = re.compile(r"[ \t]*(?:[,})\];(]|\r?$)", re.M)
_DIGEST = re.compile(r"(?<![\w-])(?:proxy-)?authorization\W{0,8}digest\b", re.I)
_DIGEST_RESPONSE = re.compile(r"\bresponse=\\?\"?([0-9a-fA-F]{16,})")
_API_KEY_HEADER = re.compile(
    r"(?<![\w-])(?:x-(?:api|auth|access|client|app|rapidapi|goog-api|figma|vault|gitlab"
    r"|postmark-server|postmark-account|sentry|shopify-access|mailgun|pushover)[-_]?"
    r"(?:key|token|secret)|x-token|x-secret|api-?key|api-?token|private-token"
    r"|ocp-apim-subscription-key)"
    rf"{_SEP}(?P<value>{_TOKEN})",
    re.I,
)
_CURLOPT = re.compile(
    r"\bCURLOPT_(?:(?P<pair>(?:PROXY)?USERPWD)|(?:PROXY)?PASSWORD|KEYPASSWD|SSLKEYPASSWD"
    r"|SSLCERTPASSWD|XOAUTH2_BEARER|TLSAUTH_PASSWORD|PROXY_TLSAUTH_PASSWORD)"
    r"[ \t]*(?:=>|,)[ \t]*(?P<q>[\"'])(?P<value>[^\"'\n]*)(?P=q)"
)
_AUTH_PAIR = re.compile(
    r"(?:\bauth[ \t]*=[ \t]*\(|\bHTTP(?:Basic|Digest|Proxy)Auth\()[ \t]*"
    r"(?P<q1>[\"'])[^\"'\n]*(?P=q1)[ \t]*,[ \t]*(?P<q2>[\"'])(?P<value>[^\"'\n]*)(?P=q2)"
)
_B64_CALL = re.compile(
    r"\b(?:base64_encode|btoa|b64encode|encodebytes|Base64\.encode64|strict_encode64)"
    r"\([ \t]*b?(?P<q>[\"'])[^\"'\n$:{]*:(?P<value>[^\"'\n]*)(?P=q)"
)
_URL_USER = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://(?P<value>[^\s:/@?#'\"<>]+):?@")

_QUERY = re.compile(
    r"(?:[?&]|&amp;)(?:key|sig|signature|auth|authkey|auth_key|private_token|access_key"
    r"|secret_key|api_secret|app_secret|x-amz-signature|x-amz-security-token|jwt"
    r"|session_token|sessionid|phpsessid|hmac)=(?P<value>[^\s&#;'\"<>`\\)]+)",
    re.I,
)

# Every _QUERY name ends in one of these; every _B64_CALL name holds one of those.
_QUERY_NAMES = ("key=", "sig=", "signature=", "auth=", "token=", "secret=", "jwt=",
                "sessionid=", "hmac=")  # fmt: skip
_B64_CALLS = ("base64_encode(", "btoa(", "b64encode(", "encodebytes(", "encode64(")

# Webhooks: (literal gate, regex up to the secret path, what to keep among its segments).
_SEGMENTS = re.compile(r"[^/@\s'\"<>?#&\\)]+")
_KEEP_SEGMENTS = frozenset({"IncomingWebhook", "slack", "github"})
# A documentation stand-in (services/XXX/YYY/ZZZ, WEBHOOK/URL): no secret is one case of letters.
_DOC_SEGMENT = re.compile(r"[A-Z]{1,12}|[a-z]{1,12}")
_WEBHOOKS = tuple(
    (gate, re.compile(regex, re.I))
    for gate, regex in (
        ("hooks.slack.com", r"hooks\.slack\.com/(?:services|workflows|triggers)/"),
        ("webhook.office.com", r"[\w-]+\.webhook\.office\.com/webhookb2/"),
        ("outlook.office.com", r"outlook\.office(?:365)?\.com/webhook(?:b2)?/"),
        ("discord", r"(?:canary\.|ptb\.)?discord(?:app)?\.com/api/(?:v\d+/)?webhooks/"),
        ("api.telegram.org", r"api\.telegram\.org/(?:file/)?bot"),
    )
)
_GENERIC_WEBHOOK = re.compile(r"://[^\s/'\"<>]+/(?:[^\s'\"<>?#]*/)?webhooks?/", re.I)
_WEBHOOK_PATH = re.compile(r"[^\s'\"<>?#\\)]+")


def _random_looking(value: str, min_len: int = 16) -> bool:
    """A key or signature, not a word: long, with letters and digits mixed."""
    return (
        len(value) >= min_len
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def _secret(editor: Editor, start: int, end: int, rule: str) -> None:
    value = editor.text[start:end]
    if not value or value.startswith(_CODE) or patterns.keep_value(value):
        editor.claim(start, end, value, rule)
    elif value.startswith("eyJ") and value.count(".") == 2:
        return  # a JWT: pattern.jwt's
    else:
        editor.claim(start, end, _R, rule)


def _is_code(m: re.Match[str]) -> bool:
    """A header's value that is code: ``'X-API-Key': API_KEY``, ``Authorization: auth``."""
    value = m.group("value")
    if m.group("q2") or not _IDENTIFIER.fullmatch(value):
        return False
    if m.group("q1") or "." in value or "_" in value:
        return True  # a map key's value, a member, a CONSTANT_NAME
    return not any(c.isdigit() for c in value) and bool(_CODE_AFTER.match(m.string, m.end()))


def _values(editor: Editor, regex: re.Pattern[str], spans: list[tuple[int, int]]) -> None:
    for start, end in spans:
        for m in regex.finditer(editor.text, start, end):
            if "q2" not in regex.groupindex or not _is_code(m):
                _secret(editor, m.start("value"), m.end("value"), AUTH)


def _headers(editor: Editor, near: dict[str, list[int]]) -> None:
    text = editor.text
    for start, end in patterns.hint_lines(text, near["authorization"]):
        for m in _AUTHORIZATION.finditer(text, start, end):
            if _is_code(m) and not m.group("scheme"):
                continue
            if m.group("scheme") or m.group("value").lower() not in _SCHEMES:
                _secret(editor, m.start("value"), m.end("value"), AUTH)
        for m in _DIGEST.finditer(text, start, end):
            response = _DIGEST_RESPONSE.search(text, m.end(), end)
            if response:
                _secret(editor, response.start(1), response.end(1), AUTH)
    _values(editor, _API_KEY_HEADER, patterns.hint_lines(text, near["header"]))
    for start, end in patterns.hint_lines(text, near["curlopt"]):
        for m in _CURLOPT.finditer(text, start, end):
            begin = m.start("value")
            if m.group("pair"):
                colon = m.group("value").find(":")
                if colon < 0:
                    continue
                begin += colon + 1
            _secret(editor, begin, m.end("value"), AUTH)
    _values(editor, _AUTH_PAIR, patterns.hint_lines(text, near["auth_pair"]))
    _values(editor, _B64_CALL, patterns.hint_lines(text, near["b64"]))


def _webhooks(editor: Editor, near: dict[str, list[int]]) -> None:
    text = editor.text
    found: list[re.Match[str]] = []
    for gate, regex in _WEBHOOKS:
        for start, end in patterns.hint_lines(text, near[gate]):
            found += regex.finditer(text, start, end)
    for start, end in patterns.hint_lines(text, near["/webhook"]):
        found += _GENERIC_WEBHOOK.finditer(text, start, end)
    for m in found:
        path = _WEBHOOK_PATH.match(text, m.end())
        if path is None:
            continue
        generic = m.re is _GENERIC_WEBHOOK
        for seg in _SEGMENTS.finditer(text, path.start(), path.end()):
            value = seg.group()
            if (
                value in _KEEP_SEGMENTS
                or (generic and not _random_looking(value))
                or _DOC_SEGMENT.fullmatch(value)
            ):
                continue
            _secret(editor, seg.start(), seg.end(), WEBHOOK)
            if m.re.pattern.endswith("bot"):
                break  # Telegram: the token is the first segment, a method name follows


def _cases(*words: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for w in words for v in (w, w.lower(), w.upper(), w.title())))


# rule group -> the literals one of its matches holds; one prefilter pass over
# the text finds them all, and each group's regexes run on the lines they are on.
_RULE_HINTS: dict[str, tuple[str, ...]] = {
    **{gate: (gate,) for gate, _ in _WEBHOOKS},
    "/webhook": ("/webhook",),
    "authorization": _cases("authorization"),
    "header": _cases("key", "token", "secret"),
    "curlopt": ("CURLOPT_",),
    "auth_pair": ("auth(", "Auth(", "auth=(", "auth = ("),
    "b64": _B64_CALLS,
    "query": (*_QUERY_NAMES, *(n.upper() for n in _QUERY_NAMES), "Signature="),
    "url": ("://",),
}
_LITERALS = tuple(dict.fromkeys(h for hints in _RULE_HINTS.values() for h in hints))
_GROUPS = {h: [g for g, hints in _RULE_HINTS.items() if h in hints] for h in _LITERALS}
_HINTS = ahocorasick_rs.AhoCorasick(_LITERALS)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim HTTP credentials in editor.text (see the module docstring)."""
    text = editor.text
    near: dict[str, list[int]] = {group: [] for group in _RULE_HINTS}
    for i, start, _ in patterns.find_hints(_HINTS, text):
        for group in _GROUPS[_LITERALS[i]]:
            near[group].append(start)
    # Webhook URLs first: their secret is the path, which no other rule knows.
    _webhooks(editor, near)
    _headers(editor, near)
    for start, end in patterns.hint_lines(text, near["query"]):
        for m in _QUERY.finditer(text, start, end):
            if _random_looking(m.group("value"), 8):
                _secret(editor, m.start("value"), m.end("value"), QUERY)
    if "@" in text:
        for start, end in patterns.hint_lines(text, near["url"]):
            for m in _URL_USER.finditer(text, start, end):
                if _random_looking(m.group("value")):
                    _secret(editor, m.start("value"), m.end("value"), AUTH)
