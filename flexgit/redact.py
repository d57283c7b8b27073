"""Keeping credentials out of what flexgit prints and logs: a URL's user and
password (`https://alice:token@host/x.git` -> `https://***@host/x.git`)."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")


def url(text: str) -> str:
    """`text` with the userinfo of every URL in it replaced by ***."""
    return _USERINFO.sub(r"\g<scheme>***@", text)
