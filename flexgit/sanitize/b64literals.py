"""Base64-wrapped literals: what they decode to is sanitized, then re-encoded.

``atob('...')``, ``base64_decode('...')``, ``Buffer.from('...', 'base64')``, or
a bare ``'eyJwYXNzd29yZCI6...'`` in a config: code hides a password, a DSN or
a whole JSON document from a casual reader by wrapping it in base64. A quoted
literal of base64 (or base64url) that is a decoder's argument, padded
(``...=``) or JSON (``eyJ...``), and decodes to UTF-8 text, is unwrapped and
the text goes through the whole sanitizer (a JSON document by its keys, a DSN
or ``password=`` by the patterns, ``user:secret`` by its shape); a lone
password-shaped or key-shaped token (:mod:`.shape`) is a secret by itself.
When anything changed, the literal is replaced by the base64 of the result in
the same alphabet and padding, so the code still decodes it (to the
placeholders). Binary payloads (an image, a key's DER body) do not decode to
text and stay; so does text with nothing to replace (``aGVsbG8gd29ybGQ=``).
Rule ``code.base64``.
"""

from __future__ import annotations

import base64
import binascii
import re

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize import prefilter
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules
from flexgit.sanitize.shape import key_shaped, password_shaped

RULE = "code.base64"
# A base64 literal has no shape of its own that a scan finds fast (any
# quoted identifier of 12 letters is one), so three that do: the argument of
# a decoder, a padded literal ("...=="), and JSON's opening '{"' (eyJ...).
_B64 = r"(?P<v>[A-Za-z0-9+/_\-]{8,}={0,2})"
_LITERALS = (
    prefilter.compile(r"(?:atob|base64_decode|b64decode|base64decode|decodeBase64|Base64\.decode"
                      r"|Buffer\.from)[ \t]*\([ \t]*(?P<q>['\"`])" + _B64 + r"(?P=q)"),
    prefilter.compile(r"(?P<q>['\"`])(?P<v>[A-Za-z0-9+/]{8,}={1,2})(?P=q)"),
    prefilter.compile(r"(?P<q>['\"`])(?P<v>eyJ[A-Za-z0-9+/_\-]{8,}={0,2})(?P=q)"),
)
_USER_SECRET = re.compile(r"(?P<user>[A-Za-z_][\w.@+-]{0,63}):(?P<secret>\S+)")
_MAX = 64 * 1024  # a literal longer than this is data, not a wrapped setting


def _decode(value: str) -> tuple[str, bool] | None:
    """The text a literal decodes to, and whether it was base64url; None when
    it is no base64 of UTF-8 text."""
    body = value.rstrip("=")
    if len(body) % 4 == 1 or len(value) > _MAX:
        return None
    url = "-" in body or "_" in body
    if url and ("+" in body or "/" in body):
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded) if url else base64.b64decode(padded, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if len(text) < 4 or not all(c.isprintable() or c in "\t\r\n" for c in text):
        return None
    return text, url


def _encode(text: str, like: str, url: bool) -> str:
    raw = text.encode("utf-8")
    out = (base64.urlsafe_b64encode(raw) if url else base64.b64encode(raw)).decode()
    return out if like.endswith("=") else out.rstrip("=")


def _sanitized(text: str, path: str, rules: Rules) -> str:
    """What the whole sanitizer makes of the decoded text; failing that, a
    ``user:secret`` or a lone token judged by its shape."""
    # Imported here: this layer is part of the sanitizer it calls.
    from flexgit.sanitize import sanitize

    token = text.strip()
    kind = ".json" if token[:1] in "{[" else ".txt"
    result = sanitize(f"{path}.base64{kind}", text.encode("utf-8", "surrogateescape"), rules)
    clean = result.data.decode("utf-8", "surrogateescape")
    if clean != text or not token or any(c.isspace() for c in token):
        return clean
    m = _USER_SECRET.fullmatch(token)
    if m is not None and (password_shaped(m["secret"]) or key_shaped(m["secret"])):
        return text.replace(m["secret"], ph.SECRET_PLACEHOLDER)
    if password_shaped(token) or key_shaped(token):
        return text.replace(token, ph.SECRET_PLACEHOLDER)
    return text


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim base64 literals whose decoded text holds secrets in editor.text."""
    seen: set[int] = set()
    for m in (m for regex in _LITERALS for m in prefilter.finditer(regex, editor.text)):
        if m.start("v") in seen:
            continue
        seen.add(m.start("v"))
        value = m.group("v")
        decoded = _decode(value)
        if decoded is None:
            continue
        text, url = decoded
        clean = _sanitized(text, path, rules)
        if clean != text:
            editor.claim(m.start("v"), m.end("v"), _encode(clean, value, url), RULE)
