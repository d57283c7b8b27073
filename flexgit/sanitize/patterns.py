"""Value patterns: secrets recognisable by their shape, whatever file they are in.

They run after the structural rules of each file kind (which claim the values
they understand) over whole text files, and over every decoded JSON string.
Order is priority: multi-line private keys first, then the specific shapes,
then the broad ``password=`` parameter, profile patterns and emails last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick_rs

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import words
from flexgit.sanitize.rules import Rules

_CRYPT = r"[./A-Za-z0-9]"
_ROUNDS = r"(?:rounds=\d+\$)?"

# scheme -> (rule, body after the leading "$"). One combined regex, literal "$"
# first so the scan is fast; the lookbehind after it checks the char before "$".
_SCHEMES: tuple[tuple[str, str, str], ...] = (
    ("bcrypt", "pattern.bcrypt", rf"2[abxy]\$\d\d\${_CRYPT}{{53}}"),
    ("argon2", "pattern.argon2",
     r"argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+(?:,[\w=]+)*\$[A-Za-z0-9+/]{8,}"
     r"\$[A-Za-z0-9+/]{16,}"),
    ("sha512crypt", "pattern.sha_crypt", rf"6\${_ROUNDS}{_CRYPT}{{1,16}}\${_CRYPT}{{86}}"),
    ("sha256crypt", "pattern.sha_crypt", rf"5\${_ROUNDS}{_CRYPT}{{1,16}}\${_CRYPT}{{43}}"),
    ("md5crypt", "pattern.md5_crypt", rf"1\${_CRYPT}{{1,8}}\${_CRYPT}{{22}}"),
    ("apr1", "pattern.md5_crypt", rf"apr1\${_CRYPT}{{1,8}}\${_CRYPT}{{22}}"),
    ("phpass", "pattern.phpass", rf"P\${_CRYPT}{{31}}"),
    ("phpass_h", "pattern.phpass", rf"H\${_CRYPT}{{31}}"),
    ("yescrypt", "pattern.yescrypt", rf"y\${_CRYPT}+\${_CRYPT}*\${_CRYPT}{{43}}"),
)  # fmt: skip
_HASH_RULES = {scheme: rule for scheme, rule, _ in _SCHEMES}
_HASH = re.compile(
    r"\$(?<![\w$./]\$)(?:"
    + "|".join(f"(?P<{scheme}>{body})" for scheme, _, body in _SCHEMES)
    + r")(?![./A-Za-z0-9])"
)


def _scheme(m: re.Match[str]) -> str:
    scheme = m.lastgroup or "unknown"
    if scheme == "argon2":
        scheme = m.group()[1:].split("$", 1)[0]  # argon2id / argon2i / argon2d
    return scheme


def hash_placeholder(value: str) -> str | None:
    """The placeholder of the same scheme when *value* is a whole password hash."""
    m = _HASH.fullmatch(value)
    return ph.HASH_PLACEHOLDERS[_scheme(m)] if m else None


_PRIVATE_KEY_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
# The body of a key whose END line is missing (a truncated file): its base64 lines.
_PRIVATE_KEY_OPEN = re.compile(
    rf"[^\n]*(?:\r?\n(?:[A-Za-z0-9+/=]+|{ph.SECRET_PLACEHOLDER})(?=\r?\n|\r?\Z))*"
)
_JWT = re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
_API_TOKEN = re.compile(
    r"(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"
    r"(?![\w-])"
)
# A password may hold "@" (p@ss@host): the authority ends at its last "@".
_URL_CREDENTIALS = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@?#'\"<>]*:"
    # A "#" in a password is not a fragment where an "@" follows it.
    r"((?:[^\s@/?'\"<>]|@(?=[^\s/?#'\"<>]*@))+)@"
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
def password_param_end(text: str, start: int) -> int | None:
    """Where pattern.password_param's value ends when one starts at *start*, else None.

    The layers that also know ``--password=X`` leave such a value to this rule.
    """
    name = start - 1
    if name < 1 or text[name] != "=":
        return None
    while name > 0 and (text[name - 1].isalnum() or text[name - 1] == "_"):
        name -= 1
    m = _PASSWORD_PARAM.match(text, name)
    return m.end(1) if m and m.start(1) == start else None


# Unicode-aware: internationalised addresses (café@bücher.de) are personal too.
EMAIL = re.compile(
    r"(?<![\w.%+-])([\w.%+-]+)@((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+([^\W\d_]{2,63}))(?![\w-])"
)
# Placeholders already in the text, with what may not touch them on either side
# (so "xFLEXGIT-REDACTEDy" is not mistaken for one).
_PROTECTED: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (ph.SECRET_PLACEHOLDER, re.compile(r"[\w-]"), re.compile(r"[\w-]")),
    (ph.LEGACY_HASH_PLACEHOLDER, re.compile(r"\w"), re.compile(r"\w")),
    *((e, re.compile(r"[\w.%+-]"), re.compile(r"[\w.-]"))
      for e in (ph.EMAIL_PLACEHOLDER, ph.ADMIN_EMAIL_PLACEHOLDER)),
    *((h, re.compile(r"[\w$./]"), re.compile(r"[\w./]"))
      for h in ph.HASH_PLACEHOLDERS.values() if h.startswith("$")),
)  # fmt: skip


def _protect_placeholders(editor: Editor) -> None:
    text = editor.text
    for value, left, right in _PROTECTED:
        i = text.find(value)
        while i >= 0:
            j = i + len(value)
            if not (i and left.match(text, i - 1)) and not right.match(text, j):
                editor.protect(i, j)
            i = text.find(value, i + 1)


_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost", "local"})
# "logo@2x.png" is a file name, not an address.
_FILE_TLDS = words(
    "png jpg jpeg gif svg webp ico bmp css js mjs php html htm json map txt xml woff woff2 "
    "ttf eot wav mp3 gsm ulaw alaw sln g729 ogg pdf zip gz"
)
_DOC_PLACEHOLDER = re.compile(
    r"(?i)your[\w.-]*|[\w.-]*_here|<[^<>]*>|\{\{.*\}\}|\$\{[^{}]*\}|%\(?\w*\)?s|x{3,}|\*{3,}"
    r"|%%?[A-Za-z_]\w*%%?|\$[A-Z][A-Z0-9_]*\$|@[A-Z][A-Z0-9_]*@"  # template variables
    r"|\.{3,}|\u2022+"
)


def is_doc_placeholder(value: str) -> bool:
    """``YOUR_PASSWORD_HERE``, ``<password>``, ``{{token}}``, ``xxxx``: examples, kept."""
    return bool(_DOC_PLACEHOLDER.fullmatch(value))


# The scheme word of an Authorization header, as code builds it
# ('Bearer ' . $token): the literal holds no part of the credential.
_AUTH_SCHEMES = words("basic bearer token digest negotiate ntlm apikey sso-key "
                      # fetch()'s credentials modes, not credentials
                      "same-origin include omit")


# YAML's block scalar indicators (password: |): the value is on the next lines.
_BLOCK_INDICATOR = re.compile(r"[|>][-+0-9]*")


def keep_value(value: str) -> bool:
    """Values no rule replaces: empty, already a placeholder, a documentation
    stand-in, or an auth scheme word."""
    return (
        not value.strip()
        or ph.is_placeholder(value)
        or ph.is_redacted(value)
        or is_doc_placeholder(value)
        or value.strip().rstrip(":").lower() in _AUTH_SCHEMES
        or _BLOCK_INDICATOR.fullmatch(value.strip()) is not None
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


def email_value_replacement(value: str, *, admin: bool = False) -> str | None:
    """The placeholder for a whole value under an email key that holds an address
    (``jane@acme.io``, ``Jane Doe <jane@acme.io>``: the name goes too), or None."""
    m = EMAIL.search(value)
    return email_replacement(m.group(), admin=admin) if m else None


def _secret(editor: Editor, start: int, end: int, rule: str) -> None:
    value = editor.text[start:end]
    if value.startswith(("$", "{", "[")) or keep_value(value):
        editor.claim(start, end, value, rule)
    else:
        editor.claim(start, end, ph.SECRET_PLACEHOLDER, rule)


def _redact_lines(body: str) -> str:
    """Each non-blank line of a key body becomes the marker; line breaks and
    indentation stay (a key in a YAML block scalar must stay inside it)."""
    parts = re.split(r"(\r?\n)", body)
    return "".join(
        part if i % 2 or not part.strip()
        else part[: len(part) - len(part.lstrip())] + ph.SECRET_PLACEHOLDER
        for i, part in enumerate(parts)
    )


def private_keys(editor: Editor) -> None:
    """PEM private key blocks. They span lines, so they run before every other rule.

    The claim covers the BEGIN/END lines too, so no later rule can eat a marker.
    END lines are found with str.find, remembering labels that have none left,
    so a file of many BEGIN lines without END costs one scan, not one per line.
    """
    text = editor.text
    if "PRIVATE KEY" not in text:
        return
    no_end: set[str] = set()
    for m in _PRIVATE_KEY_BEGIN.finditer(text):
        end_marker = f"-----END {m.group(1)}-----"
        end = -1 if m.group(1) in no_end else text.find(end_marker, m.end())
        if end < 0:
            no_end.add(m.group(1))
            body = _PRIVATE_KEY_OPEN.match(text, m.end())
            end = body.end() if body else m.end()
            stop = end
        else:
            stop = end + len(end_marker)
        new = text[m.start() : m.end()] + _redact_lines(text[m.end() : end]) + text[end:stop]
        editor.claim(m.start(), stop, new, "pattern.private_key")


def _dialstrings(editor: Editor, start: int, end: int) -> None:
    for m in _DIALSTRING.finditer(editor.text, start, end):
        chan_sip = m.group(1).upper() == "SIP"
        pos = m.start(2)
        for index, part in enumerate(m.group(2).split(":")):
            if part and (index == 0 or (index == 1 and chan_sip)):
                _secret(editor, pos, pos + len(part), "asterisk.dialstring")
            pos += len(part) + 1


_LOCAL_CHAR = re.compile(r"[\w.%+-]")


_REMOTE_SHELL = re.compile(
    r"(?:^|[\s;|&(`'\"\[])(?:ssh|scp|sftp|rsync|mosh|ssh-copy-id)['\"]?[\s,][^\n]*[\s'\"]$")


def _emails(editor: Editor, admin: bool) -> None:
    # Driven by the "@" signs: scanning every position of a large file for a
    # local part costs far more than walking back from each "@".
    text = editor.text
    at = text.find("@")
    while at >= 0:
        start = at
        # A local part is at most 64 characters; the bound keeps a long run of
        # letters before many "@" from costing quadratic time.
        while start > max(0, at - 256) and _LOCAL_CHAR.match(text, start - 1):
            start -= 1
        m = EMAIL.match(text, start)
        at = text.find("@", at + 1)
        if m is None:
            continue
        before = text[max(0, start - 7) : start].lower()
        # sip:2001@pbx.example, IAX2/2001@host, SIP/peer!touser@domain are
        # addresses of phones and trunks, not of people.
        if before[-1:] in (":", "/", "!") and not before.endswith("mailto:"):
            continue
        # ssh backup@nas.lan, rsync -a x flexpbx@host:/srv: an account on a
        # host, which the command needs, not somebody's mailbox.
        line = text[text.rfind("\n", 0, start) + 1 : start]
        if _REMOTE_SHELL.search(line) and m.group().split("@", 1)[0].islower():
            continue
        replacement = email_replacement(m.group(), admin=admin)
        editor.claim(m.start(), m.end(), replacement or m.group(), "pattern.email")


def _lines_with(text: str, needle: str) -> list[tuple[int, int]]:
    """(start, end) of each line that contains needle."""
    spans: list[tuple[int, int]] = []
    i = text.find(needle)
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        end = text.find("\n", i)
        end = len(text) if end < 0 else end
        spans.append((start, end))
        i = text.find(needle, end)
    return spans


# Cheap gates in front of the slow regexes. Each regex below starts with a
# lookbehind, "\b", an alternation or re.I, so `re` cannot skip ahead to a
# literal and tries every position of the text; a substring test that every
# match needs spares that scan for most files. The case-insensitive gates test
# the lower-cased text, which is only exact for ASCII text (re.I also folds
# "\u017f" to "s" and "\u212a" to "k"), so a non-ASCII text always runs the regex.
_API_TOKEN_GATE = (
    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "k_live_", "k_test_", "AKIA",
    "AIza", "SG.",
)  # fmt: skip
# Every _PASSWORD_PARAM name ends in one of these ("access_token" in "token").
_API_TOKEN_HINT = re.compile("|".join(map(re.escape, _API_TOKEN_GATE)))
_PASSWORD_PARAM_GATE = (
    "password=", "passwd=", "pwd=", "pass=", "secret=", "token=", "api_key=", "apikey=",
)  # fmt: skip
_URL_CREDENTIALS_GATE = ("://", "sip")
_DIALSTRING_GATE = ("sip/", "iax/", "iax2/", "h323/", "mgcp/", "motif/", "jingle/")


def _lower_ascii(text: str) -> str | None:
    """text.lower() when case-insensitive gates are exact for it (ASCII), else None."""
    return text.lower() if text.isascii() else None


def _gate(low: str | None, needles: tuple[str, ...]) -> bool:
    return low is None or any(needle in low for needle in needles)


# The same helpers for the layers over every text file.
lower_ascii = _lower_ascii
lower_gate = _gate
lines_with = _lines_with


def hint_lines(text: str, starts: Iterable[int]) -> list[tuple[int, int]]:
    """(start, end) of each line of text holding one of the positions, in order,
    each once: where a layer runs its regexes near a prefilter's hits."""
    spans: list[tuple[int, int]] = []
    for pos in sorted(starts):
        if spans and pos <= spans[-1][1]:
            continue
        end = text.find("\n", pos)
        spans.append((text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end))
    return spans


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def find_hints(automaton: ahocorasick_rs.AhoCorasick, text: str) -> list[tuple[int, int, int]]:
    """(literal index, start, end) of every match of a layer's prefilter in text.

    The automaton reads UTF-8, which lone surrogates (undecodable bytes, see
    flexgit.content) have none of: they are searched as U+FFFD, one character
    each, so the offsets stay those of text.
    """
    try:
        return automaton.find_matches_as_indexes(text, overlapping=True)
    except UnicodeEncodeError:
        clean = _LONE_SURROGATE.sub("\ufffd", text)
        return automaton.find_matches_as_indexes(clean, overlapping=True)


def is_pattern_token(value: str) -> bool:
    """Whether pattern.api_token or pattern.jwt takes *value* whole (layers leave it)."""
    return bool(_API_TOKEN.fullmatch(value) or _JWT.fullmatch(value))


def could_match(text: str, rules: Rules) -> bool:
    """False when apply() cannot claim anything in text (no anchor of any pattern).

    Lets the JSON rules skip the pattern pass for the many strings that hold
    none of "@", "$", "=", "eyJ", ... without building an Editor for each.
    """
    if rules.extra_patterns or "@" in text or "$" in text or "eyJ" in text:
        return True
    if "PRIVATE KEY" in text or _API_TOKEN_HINT.search(text):
        return True
    return "=" in text and _gate(_lower_ascii(text), _PASSWORD_PARAM_GATE)


def apply(editor: Editor, rules: Rules, *, admin: bool = False) -> None:
    """Claim every pattern match in editor.text that is still free."""
    text = editor.text
    low = _lower_ascii(text)
    # Substring tests and "@" lines first: most files hold none of the anchors,
    # and a regex scan of a large file costs milliseconds per pattern.
    _protect_placeholders(editor)
    private_keys(editor)
    if "eyJ" in text:
        for m in _JWT.finditer(text):
            editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, "pattern.jwt")
    if _API_TOKEN_HINT.search(text):
        for m in _API_TOKEN.finditer(text):
            editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, "pattern.api_token")
    if "$" in text:
        for m in _HASH.finditer(text):
            scheme = _scheme(m)
            rule = _HASH_RULES[m.lastgroup or "bcrypt"]
            editor.claim(m.start(), m.end(), ph.HASH_PLACEHOLDERS[scheme], rule)
    at_lines = _lines_with(text, "@")
    if at_lines and _gate(low, _URL_CREDENTIALS_GATE):
        for start, end in at_lines:
            for m in _URL_CREDENTIALS.finditer(text, start, end):
                group = 1 if m.group(1) is not None else 2
                _secret(editor, m.start(group), m.end(group), "pattern.url_credentials")
    if at_lines and _gate(low, _DIALSTRING_GATE):
        for start, end in at_lines:
            _dialstrings(editor, start, end)
    if "=" in text and _gate(low, _PASSWORD_PARAM_GATE):
        for m in _PASSWORD_PARAM.finditer(text):
            _secret(editor, m.start(1), m.end(1), "pattern.password_param")
    for name, regex in rules.compiled_patterns:
        for m in regex.finditer(text):
            if m.end() > m.start():
                editor.claim(m.start(), m.end(), ph.SECRET_PLACEHOLDER, name)
    _emails(editor, admin)
