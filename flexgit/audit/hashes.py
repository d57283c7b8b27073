"""Password hashes in every form they are stored: crypt(3) ($1$, $2y$, $5$,
$6$, $y$, $apr1$), argon2, phpass, pbkdf2 and scrypt (Django's, passlib's and
werkzeug's), LDAP/
htpasswd ({SHA}, {SSHA}, ...), MySQL native (*HEX), and DES crypt on the lines
of password files (htpasswd, shadow)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flexgit.audit.placeholders import is_placeholder

TRIGGER = (r"\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|md5|sha1|argon2(?:id|i|d)|pbkdf2[\w-]*|[PH])\$"
           r"|pbkdf2_sha\d+\$|(?:pbkdf2|scrypt):\w|\{S?(?:SHA(?:256|512)?|MD5|CRYPT)\}|\*[0-9A-F]{40}")
_B = r"[./0-9A-Za-z]"
_FORMS = (
    ("hash.crypt", re.compile(rf"\$(?:1|5|6|md5|sha1|apr1)\$(?:rounds=\d+\$)?{_B}{{1,16}}"
                              rf"\${_B}{{22,86}}")),
    ("hash.crypt", re.compile(rf"\$2[abxy]?\$\d\d\${_B}{{53}}")),
    ("hash.crypt", re.compile(rf"\$(?:y|gy|7)\${_B}+\${_B}+\${_B}{{20,}}")),
    ("hash.argon2", re.compile(r"\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+"
                               r"\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}")),
    ("hash.phpass", re.compile(rf"\$[PH]\${_B}{{31}}")),
    ("hash.pbkdf2", re.compile(r"pbkdf2_sha\d+\$\d+\$[^$\s\"']+\$[A-Za-z0-9+/=]+"
                               r"|\$pbkdf2(?:-sha\d+)?\$\d+\$[./A-Za-z0-9+=]+\$[./A-Za-z0-9+=]+")),
    # werkzeug's and passlib's colon forms: pbkdf2:sha256:600000$salt$hex, scrypt:32768:8:1$...
    ("hash.pbkdf2", re.compile(r"(?:pbkdf2|scrypt)(?::\w+)+\$[^$\s\"']+\$[0-9a-fA-F]{32,}")),
    ("hash.ldap", re.compile(r"\{S?(?:SHA(?:256|512)?|MD5|CRYPT)\}[A-Za-z0-9+/=.$]{8,}")),
    ("hash.mysql", re.compile(r"(?<![0-9A-Za-z])\*[0-9A-F]{40}(?![0-9A-Za-z])")),
)
# Password files: `user:hash` with a 13-character DES crypt or an htdigest MD5.
PASSWORD_FILE = re.compile(r"(?:^|/)(?:\.?htpasswd|\.?htdigest|shadow|passwd)[^/]*$")
_DES = re.compile(rf"^[^:\s#]+:(?:[^:\s]*:)?({_B}{{13}}|[0-9a-f]{{32}})(?::|$)")


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    line = lines[i]
    for rule, rx in _FORMS:
        for m in rx.finditer(line):
            if not is_placeholder(m.group()):
                yield rule, m.group()


def find_in_password_file(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    m = _DES.match(lines[i])
    if m and not is_placeholder(m.group(1)):
        yield "hash.des", m.group(1)
