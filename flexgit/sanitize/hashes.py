"""Password hashes in every crypt(3), htpasswd, LDAP, pbkdf2 and MySQL form, wherever they stand.

The ``$id$`` crypt schemes (bcrypt, argon2, sha-crypt, md5-crypt/apr1, phpass,
yescrypt) are patterns.py's; this layer adds the rest, each replaced by the
fixed placeholder of its own scheme (placeholders.HASH_PLACEHOLDERS), so code
that parses a hash still parses it and restore tells it from a live value:

* ``hash.ldap``: ``{SHA}``, ``{SSHA}``, ``{MD5}``, ``{SMD5}``, ``{SHA256/384/512}``
  and their salted forms (OpenLDAP, htpasswd, Dovecot); ``{CRYPT}`` with a DES
  hash; ``{PLAIN}``/``{CLEARTEXT}`` passwords; any other ``{SCHEME}`` value
  (``{PBKDF2}``, ``{CRAM-MD5}``...) becomes the generic hash placeholder;
  LDIF's base64 ``userPassword:: ...`` is decoded, replaced and encoded again.
* ``hash.des_crypt``: traditional 13-character DES crypt in ``user:hash``
  htpasswd lines and ``user:hash:...`` shadow lines (a word, a time zone or a
  path in a ``key:value`` line is not a hash and stays).
* ``hash.pbkdf2``: key-derivation and framework hashers: passlib
  ``$pbkdf2[-sha256|-sha512]$``, ``$scrypt$``, libxcrypt ``$7$`` (scrypt) and
  ``$sha1$`` (sha1crypt), Django ``pbkdf2_sha256$``, ``pbkdf2_sha1$``, ``scrypt$``,
  legacy ``sha1$salt$hex``/``md5$salt$hex`` and the ``argon2$``/``bcrypt$`` wrappers,
  Werkzeug ``pbkdf2:sha256:N$salt$hex`` and ``scrypt:N:r:p$salt$hex``.
* ``hash.mysql``: MySQL native ``*`` + 40 upper-case hex (``mysql.user``, ``SET PASSWORD``).
* ``hash.md5_hex``: the 32-hex value after an ``ha1``/``ha1b``/``md5_cred``/
  ``md5secret``/``md5_password`` name in any syntax (Asterisk's own files are
  asterisk.py's).

Git commit ids, sha256 sums and UUIDs stand without such a name and stay.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re

import ahocorasick_rs

from flexgit.sanitize import patterns
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules

H = ph.HASH_PLACEHOLDERS
_C = r"[./A-Za-z0-9]"  # the crypt alphabet
_B64 = r"[A-Za-z0-9+/]+={0,2}"

# -- LDAP and htpasswd {SCHEME} values ----------------------------------------
_LDAP_DIGESTS = frozenset(
    ("MD5", "SMD5", "SHA", "SSHA", "SHA256", "SSHA256", "SHA384", "SSHA384", "SHA512", "SSHA512")
)
# No ":" in a value: base64 and crypt have none, and Dovecot's passwd-file
# (user:{PLAIN}pw:uid:gid:...) separates fields with it.
_LDAP = re.compile(r"\{(?P<scheme>[A-Za-z][A-Za-z0-9-]{1,20})\}(?P<value>[^\s'\"<>,;:)}\]]+)")
# Schemes whose value is itself a crypt string patterns.py already knows.
_CRYPT_SCHEMES = ("CRYPT", "BLF-CRYPT", "MD5-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT",
                  "ARGON2I", "ARGON2ID")  # fmt: skip
_LDIF = re.compile(r"(?im)^userPassword::[ \t]*(?P<value>" + _B64 + r")[ \t]*\r?$")
_DES = re.compile(_C + r"{13}")


def _ldap_replacement(scheme: str, value: str) -> tuple[str, str] | None:
    """(replacement of "{SCHEME}value", rule), or None to leave it to other rules."""
    upper = scheme.upper().replace("SHA1", "SHA")
    if upper in _LDAP_DIGESTS:
        return H[f"ldap_{upper.lower()}"], "hash.ldap"
    if upper in ("PLAIN", "CLEARTEXT", "CLEAR"):
        return f"{{{scheme}}}{ph.SECRET_PLACEHOLDER}", "hash.ldap"
    if upper in _CRYPT_SCHEMES:
        if _DES.fullmatch(value):
            return f"{{{scheme}}}{H['des_crypt']}", "hash.des_crypt"
        return None  # $6$..., $2y$...: patterns' crypt rules
    if upper in ("PBKDF2", "PBKDF2-SHA256", "PBKDF2-SHA512", "CRAM-MD5", "DIGEST-MD5",
                 "PLAIN-MD5", "LDAP-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "SHA256-CRYPT"):
        return f"{{{scheme}}}{H['unknown']}", "hash.ldap"
    return None  # {ip}, {{ template }}: not a password scheme


def _ldap(editor: Editor) -> None:
    text = editor.text
    for m in _LDAP.finditer(text):
        found = _ldap_replacement(m.group("scheme"), m.group("value"))
        if found and not patterns.keep_value(m.group("value")):
            editor.claim(m.start(), m.end(), *found)
    if "userPassword::" in text or "userpassword::" in text.lower():
        for m in _LDIF.finditer(text):
            try:
                plain = base64.b64decode(m.group("value"), validate=True).decode()
            except (binascii.Error, ValueError):
                continue
            scheme = re.fullmatch(r"\{([\w-]+)\}(.*)", plain, re.S)
            found = _ldap_replacement(*scheme.groups()) if scheme else None
            hashed = patterns.hash_placeholder(plain)
            new = found[0] if found else hashed or ph.SECRET_PLACEHOLDER
            if not ph.is_placeholder(plain) and new != plain:
                new = base64.b64encode(new.encode()).decode()
            else:
                new = m.group("value")
            editor.claim(m.start("value"), m.end("value"), new, "hash.ldap")


# -- DES crypt in user:hash lines ---------------------------------------------
# Driven by ":" + 13 crypt characters, a literal-led scan; each hit's line decides.
_DES_HINT = re.compile(r":(?P<hash>" + _C + r"{13})(?![./A-Za-z0-9])")
_SHADOW = re.compile(r"[ \t]*[a-z_][\w.-]{0,31}:" + _C + r"{13}:\d*:\d*:")
_HTPASSWD_LINE = re.compile(r"[ \t]*[\w.@-]{1,64}:" + _C + r"{13}[ \t]*\r?$", re.M)
_USER_BEFORE = re.compile(r"(?<![\w.@-])[\w.@-]{1,64}\Z")
_COMMAND_HINTS = ("htpasswd", "passwd")  # echo 'admin:hash' >> .htpasswd, chpasswd -e
_WORDLIKE = re.compile(r"[A-Z]?[a-z]+(?:[/_][A-Z]?[a-z]+)*|[a-z0-9]+|[A-Z0-9_]+")
_PASSWD_FILES = ("htpasswd", "passwd", "shadow", "htdigest", ".htgroup")


def _des(editor: Editor, path: str) -> None:
    text = editor.text
    passwd_file: bool | None = None
    for m in _DES_HINT.finditer(text):
        line = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if _SHADOW.match(text, line):
            pass  # user:hash:lastchange:min:...: the shape says it all
        elif _HTPASSWD_LINE.match(text, line) or (
            any(h in text[line:line_end] for h in _COMMAND_HINTS)
            and _USER_BEFORE.search(text, line, m.start())
            and (m.end() == len(text) or text[m.end()] in "\"' \t\r\n")
        ):
            if passwd_file is None:
                name = posixpath.basename(path).lower()
                passwd_file = any(n in name for n in _PASSWD_FILES)
            if not passwd_file and _WORDLIKE.fullmatch(m.group("hash")):
                continue  # "tz:Europe/Berlin", "state:enabledxxxx": not a hash
        else:
            continue
        editor.claim(m.start("hash"), m.end("hash"), H["des_crypt"], "hash.des_crypt")


# -- pbkdf2, scrypt and framework hashers -------------------------------------
_KDF = re.compile(
    r"(?<![\w$./])(?:"
    r"(?P<pbkdf2>\$pbkdf2(?P<alg>-sha256|-sha512)?\$\d+\$" + _C + r"+\$" + _C + r"+)"
    r"|(?P<scrypt>\$scrypt\$ln=\d+,r=\d+,p=\d+\$[./A-Za-z0-9+]+\$[./A-Za-z0-9+]+)"
    r"|(?P<scrypt7>\$7\$" + _C + r"{11,}\$" + _C + r"{43})"
    r"|(?P<sha1crypt>\$sha1\$\d+\$" + _C + r"{1,64}\$" + _C + r"{28})"
    r"|(?P<django_pbkdf2>pbkdf2_sha(?P<dalg>256|1)\$\d+\$[\w.+/-]+\$" + _B64 + r")"
    r"|(?P<django_scrypt>scrypt\$\d+\$[\w.+/-]+\$\d+\$\d+\$" + _B64 + r")"
    r"|(?P<django_salted>(?P<salted>sha1|md5)\$[\w.+/-]*\$[0-9a-f]{32,40})"
    r"|(?P<werkzeug_pbkdf2>pbkdf2:sha\d+(?::\d+)?\$[A-Za-z0-9]+\$[0-9a-f]{40,128})"
    r"|(?P<werkzeug_scrypt>scrypt:\d+:\d+:\d+\$[A-Za-z0-9]+\$[0-9a-f]{64,256})"
    r"|(?:argon2|bcrypt(?:_sha256)?)(?P<wrapped>\$\$?[./A-Za-z0-9+=,$-]+)"
    r")(?![\w./+=-])"
)


def _kdf_placeholder(m: re.Match[str]) -> str | None:
    kind = m.lastgroup
    if m.group("pbkdf2"):
        return H["pbkdf2" + (m.group("alg") or "").replace("-", "_")]
    if m.group("django_pbkdf2"):
        return H["django_pbkdf2_sha" + m.group("dalg")]
    if m.group("django_salted"):
        return H["django_" + m.group("salted")]
    if m.group("wrapped"):
        return None
    return H.get(kind or "")


def _kdf(editor: Editor, start: int, end: int) -> None:
    for m in _KDF.finditer(editor.text, start, end):
        if m.group("wrapped"):
            # Django's argon2$/bcrypt$ prefix before a hash patterns.py knows:
            # its lookbehind keeps it off a "$" that follows a word.
            inner = m.group("wrapped").lstrip("$")
            start = m.end() - len(inner) - 1
            replacement = patterns.hash_placeholder("$" + inner)
            if replacement:
                editor.claim(start, m.end(), replacement, "hash.pbkdf2")
            continue
        replacement = _kdf_placeholder(m)
        if replacement:
            editor.claim(m.start(), m.end(), replacement, "hash.pbkdf2")


# -- MySQL native and named MD5 hex -------------------------------------------
# The literal first, so `re` skips to each "*"; *X* is emphasis, not a hash.
_MYSQL = re.compile(r"\*(?<![\w*]\*)[0-9A-F]{40}(?![0-9A-Za-z*])")
_MD5_NAMED = re.compile(
    r"(?<![\w-])(?:ha1b?|md5_?cred|md5_?secret|md5_?pass(?:word)?|password_?md5)(?![\w-])"
    r"[^\n]{0,40}?(?<![0-9A-Za-z])(?P<hash>[0-9a-fA-F]{32})(?![0-9A-Za-z])",
    re.I,
)


def _cases(*words: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for w in words for v in (w, w.lower(), w.upper())))


_LDAP_HINTS = _cases("{SHA", "{SSHA", "{MD5", "{SMD5", "{CRYPT}", "{PLAIN", "{CLEAR", "{PBKDF2",
                     "{CRAM-MD5}", "{DIGEST-MD5}", "{LDAP-MD5}", "-CRYPT}", "{ARGON2", "{BLF",
                     "userPassword::")  # fmt: skip
_KDF_HINTS = ("pbkdf2", "scrypt", "$7$", "$sha1$", "sha1$", "md5$", "argon2$", "bcrypt")
_MD5_HINTS = _cases("ha1", "md5")
_RULE_HINTS = (("ldap", _LDAP_HINTS), ("kdf", _KDF_HINTS), ("md5", _MD5_HINTS))
_LITERALS = tuple(dict.fromkeys(h for _, hints in _RULE_HINTS for h in hints))
_KIND = {h: kind for kind, hints in reversed(_RULE_HINTS) for h in hints}
_HINTS = ahocorasick_rs.AhoCorasick(_LITERALS)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the password hashes patterns.py does not know (see the module docstring)."""
    text = editor.text
    near: dict[str, list[int]] = {"ldap": [], "kdf": [], "md5": []}
    for i, start, _ in patterns.find_hints(_HINTS, text):
        near[_KIND[_LITERALS[i]]].append(start)
    if near["ldap"]:
        _ldap(editor)
    _des(editor, path)
    for start, end in patterns.hint_lines(text, near["kdf"]):
        _kdf(editor, start, end)
    if "*" in text:
        for m in _MYSQL.finditer(text):
            editor.claim(m.start(), m.end(), H["mysql_native"], "hash.mysql")
    for start, end in patterns.hint_lines(text, near["md5"]):
        for m in _MD5_NAMED.finditer(text, start, end):
            editor.claim(m.start("hash"), m.end("hash"), H["md5_hex"], "hash.md5_hex")
