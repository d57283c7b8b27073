"""Values an encoding hides inside a literal: a base64 string that decodes
to text (`atob('...')`, `base64_decode('eyJwYXNzd29yZCI6...')`: the JSON of
a password), and runs of JSON's `\\uXXXX` escapes (`"\\u0047\\u007a..."`).
The decoded text is read by every detector (the escapes in place, so the key
before them still counts); a hit there is a finding on the literal's line,
its rule prefixed with `encoded.`.

Only base64 that decodes to printable UTF-8 is read: random bytes (keys,
digests) do not, and entropy.py judges those as they stand.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

TRIGGER = r"(?:\\u[0-9a-fA-F]{4}){4}"
_B64 = re.compile(r"(?<![A-Za-z0-9+/_\-])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/_\-=])")
_ESCAPES = re.compile(r"(?:\\u[0-9a-fA-F]{4}){4,}")
_MAX = 4096  # longer literals are files or images in base64, not a hidden value


def _text(token: str) -> str | None:
    body = token.rstrip("=")
    if len(body) % 4 == 1 or len(body) > _MAX:
        return None
    try:
        text = base64.b64decode(body + "=" * (-len(body) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return text if text.strip() and all(c.isprintable() or c in "\t\n" for c in text) else None


def _unescaped(run: str) -> str:
    return "".join(chr(int(run[k + 2:k + 6], 16)) for k in range(0, len(run), 6))


def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
    from flexgit.audit import scan  # scan runs this module's find: import at call time

    line = lines[i]
    for m in _B64.finditer(line):
        text = _text(m.group())
        if text is not None:
            for h in scan.scan_text(text):
                yield f"encoded.{h.rule}", h.value
    for m in _ESCAPES.finditer(line):
        plain = _unescaped(m.group())
        if "\n" in plain or _ESCAPES.search(plain):
            continue  # a value spanning lines, or escapes of escapes: not read
        for h in scan.scan_text(line[:m.start()] + plain + line[m.end():]):
            if h.value not in line:  # what the escapes hid, not what stood in plain text
                yield f"encoded.{h.rule}", h.value
