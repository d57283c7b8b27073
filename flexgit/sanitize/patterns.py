"""Value patterns: secrets recognisable by their shape, whatever file they are in.

They run after the structural rules of each file kind (which claim the values
they understand) over whole text files, and over every decoded JSON string.
Order is priority: multi-line private keys first, then the specific shapes,
then the broad ``password=`` parameter, profile patterns and emails last.
"""

from __future__ import annotations

import re

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules

_CRYPT = r"[./A-Za-z0-9]"
_END = r"(?![./A-Za-z0-9])"
_START = r"(?<![\w$./])"

# scheme -> (rule, regex); the regex matches one whole hash.
_HASHES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (scheme, rule, re.compile(_START + regex + _END))
    for scheme, rule, regex in (
        ("bcrypt", "pattern.bcrypt", rf"\$2[abxy]\$\d\d\${_CRYPT}{{53}}"),
        ("argon2", "pattern.argon2",
         r"\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+(?:,[\w=]+)*\$[A-Za-z0-9+/]{8,}"
         r"\$[A-Za-z0-9+/]{16,}"),
        ("sha512crypt", "pattern.sha_crypt", rf"\$6\$(?:rounds=\d+\$)?{_CRYPT}{{1,16}}\${_CRYPT}{{86}}"),
        ("sha256crypt", "pattern.sha_crypt", rf"\$5\$(?:rounds=\d+\$)?{_CRYPT}{{1,16}}\${_CRYPT}{{43}}"),
        ("md5crypt", "pattern.md5_crypt", rf"\$1\${_CRYPT}{{1,8}}\${_CRYPT}{{22}}"),
        ("apr1", "pattern.md5_crypt", rf"\$apr1\${_CRYPT}{{1,8}}\${_CRYPT}{{22}}"),
        ("phpass", "pattern.phpass", rf"\$P\${_CRYPT}{{31}}"),
        ("phpass_h", "pattern.phpass", rf"\$H\${_CRYPT}{{31}}"),
        ("yescrypt", "pattern.yescrypt", rf"\$y\${_CRYPT}+\${_CRYPT}*\${_CRYPT}{{43}}"),
    )
)  # fmt: skip


def hash_placeholder(value: str) -> str | None:
    """The placeholder of the same scheme when *value* is a whole password hash."""
    for scheme, _rule, regex in _HASHES:
        if regex.fullmatch(value):
            if scheme == "argon2":
                scheme = value[1:].split("$", 1)[0]
            return ph.HASH_PLACEHOLDERS[scheme]
    return None


_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
    r"(.*?)-----END \1-----",
    re.S,
)
# A BEGIN line whose END is missing (a truncated file): the base64 lines after it.
_PRIVATE_KEY_OPEN = re.compile(
    r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY(?: BLOCK)?-----([^\n]*"
    rf"(?:\r?\n(?:[A-Za-z0-9+/=]+|{ph.SECRET_PLACEHOLDER})(?=\r?\n|\r?\Z))*)"
)
_JWT = re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_API_TOKEN = re.compile(
    r"(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"
    r"(?![\w-])"
)
_URL_CREDENTIALS = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@?#'\"<>]*:([^\s@/?#'\"<>]+)@"
    r"|\bsips?:[^\s:@;/'\"<>]+:([^\s@;/'\"<>]+)@",
    re.I,
)
# chan_sip: TECH/user:secret:md5secret:authname@host; IAX2: TECH/user:secret@host
# or TECH/user:[rsakey]@host (a key name, kept).
_DIALSTRING = re.compile(
    r"(?<!\w)(SIP|IAX2|IAX|PJSIP|H323|MGCP|MOTIF|JINGLE)/[^\s:/@\[\](),;|&\"'<>]+:"
    r"([^\s/@(),;|&\"'<>]*)@",
    re.I,
)
_PASSWORD_PARAM = re.compile(
    r"(?<![\w.])(?<!\w-)(?:password|passwd|pwd|pass|secret|token|api_?key|access_token"
    r"|auth_token|client_secret)=(?![$%{<\[=])([^\s;&'\"`<>(),\[\]{}|]+)",
    re.I,
)
# Unicode-aware: internationalised addresses (café@bücher.de) are personal too.
EMAIL = re.compile(
    r"(?<![\w.%+-])([\w.%+-]+)@((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+([^\W\d_]{2,63}))(?![\w-])"
)
_PLACEHOLDER = re.compile(
    "|".join(
        [rf"(?<![\w-]){re.escape(ph.SECRET_PLACEHOLDER)}(?![\w-])",
         rf"(?<!\w){re.escape(ph.LEGACY_HASH_PLACEHOLDER)}(?!\w)"]
        + [rf"(?<![\w.%+-]){re.escape(e)}(?![\w.-])"
           for e in (ph.EMAIL_PLACEHOLDER, ph.ADMIN_EMAIL_PLACEHOLDER)]
        + [rf"(?<![\w$./]){re.escape(h)}(?![./\w])" for h in ph.HASH_PLACEHOLDERS.values()]
    )
)  # fmt: skip

_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local"})
# "logo@2x.png" is a file name, not an address.
_FILE_TLDS = frozenset(
    ["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "css", "js", "mjs", "php", "html", "htm", "json", "map", "txt", "xml", "woff", "woff2", "ttf", "eot", "wav", "mp3", "gsm", "ulaw", "alaw", "sln", "g729", "ogg", "pdf", "zip", "gz"]
)
_DOC_PLACEHOLDER = re.compile(
    r"(?i)your[\w.-]*|[\w.-]*_here|<[^<>]*>|\{\{.*\}\}|\$\{[^{}]*\}|%\(?\w*\)?s|x{3,}|\*{3,}"
    r"|\.{3,}|\u2022+"
)


def is_doc_placeholder(value: str) -> bool:
    """``YOUR_PASSWORD_HERE``, ``<password>``, ``{{token}}``, ``xxxx``: examples, kept."""
    return bool(_DOC_PLACEHOLDER.fullmatch(value))


def keep_value(value: str) -> bool:
    """Values no rule replaces: empty, already a placeholder, or a documentation stand-in."""
    return (
        not value.strip()
        or ph.is_placeholder(value)
        or ph.is_redacted(value)
        or is_doc_placeholder(value)
    )


def email_replacement(address: str, *, admin: bool = False) -> str | None:
    """The placeholder for an address, or None to keep it (reserved domains, git@)."""
    local, _, domain = address.rpartition("@")
    domain = domain.lower().rstrip(".")
    tld = domain.rsplit(".", 1)[-1]
    if (
        domain in _RESERVED_DOMAINS
        or domain.endswith(tuple("." + d for d in _RESERVED_DOMAINS))
        or tld in _RESERVED_TLDS
        or tld in _FILE_TLDS
        or local.lower() == "git"  # git@github.com:org/repo is a remote, not a person
        or ph.is_placeholder(address)
    ):
        return None
    if admin or "admin" in local.lower():
        return ph.ADMIN_EMAIL_PLACEHOLDER
    return ph.EMAIL_PLACEHOLDER


def _secret(editor: Editor, start: int, end: int, rule: str) -> None:
    value = editor.text[start:end]
    if value.startswith(("$", "{", "[")) or keep_value(value):
        editor.claim(start, end, value, rule)
    else:
        editor.claim(start, end, ph.SECRET_PLACEHOLDER, rule)


def _redact_lines(body: str) -> str:
    """Each non-blank line of a key body becomes the marker; line breaks stay."""
    parts = re.split(r"(\r?\n)", body)
    return "".join(
        part if i % 2 or not part.strip() else ph.SECRET_PLACEHOLDER for i, part in enumerate(parts)
    )


def private_keys(editor: Editor) -> None:
    """PEM private key blocks. They span lines, so they run before every other rule.

    The claim covers the BEGIN/END lines too, so no later rule can eat a marker,
    and matching restarts after each BEGIN, so a marker swallowed by a refused
    match is still seen.
    """
    text = editor.text
    for regex, group in ((_PRIVATE_KEY, 2), (_PRIVATE_KEY_OPEN, 1)):
        pos = 0
        while m := regex.search(text, pos):
            new = text[m.start() : m.start(group)] + _redact_lines(m.group(group))
            new += text[m.end(group) : m.end()]
            editor.claim(m.start(), m.end(), new, "pattern.private_key")
            pos = m.start() + 1


def _dialstrings(editor: Editor) -> None:
    for m in _DIALSTRING.finditer(editor.text):
        chan_sip = m.group(1).upper() == "SIP"
        pos = m.start(2)
        for index, part in enumerate(m.group(2).split(":")):
            if part and (index == 0 or (index == 1 and chan_sip)):
                _secret(editor, pos, pos + len(part), "asterisk.dialstring")
            pos += len(part) + 1


def _emails(editor: Editor, admin: bool) -> None:
    text = editor.text
    for m in EMAIL.finditer(text):
        before = text[max(0, m.start() - 7) : m.start()].lower()
        # sip:2001@pbx.example, IAX2/2001@host, SIP/peer!touser@domain are
        # addresses of phones and trunks, not of people.
        if before[-1:] in (":", "/", "!") and not before.endswith("mailto:"):
            continue
        replacement = email_replacement(m.group(), admin=admin)
        editor.claim(m.start(), m.end(), replacement or m.group(), "pattern.email")


def apply(editor: Editor, rules: Rules, *, admin: bool = False) -> None:
    """Claim every pattern match in editor.text that is still free."""
    text = editor.text
    for m in _PLACEHOLDER.finditer(text):
        editor.protect(m.start(), m.end())
    private_keys(editor)
    for m in _JWT.finditer(text):
        editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, "pattern.jwt")
    for m in _API_TOKEN.finditer(text):
        editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, "pattern.api_token")
    for scheme, rule, regex in _HASHES:
        for m in regex.finditer(text):
            editor.claim(m.start(), m.end(), hash_placeholder(m.group()) or scheme, rule)
    for m in _URL_CREDENTIALS.finditer(text):
        group = 1 if m.group(1) is not None else 2
        _secret(editor, m.start(group), m.end(group), "pattern.url_credentials")
    _dialstrings(editor)
    for m in _PASSWORD_PARAM.finditer(text):
        _secret(editor, m.start(1), m.end(1), "pattern.password_param")
    for name, regex in rules.compiled_patterns:
        for m in regex.finditer(text):
            if m.end() > m.start():
                editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, name)
    _emails(editor, admin)
