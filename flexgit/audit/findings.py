"""What the audit reports: where, which rule and a fingerprint; never the value.

The fingerprint is a truncated sha256 over rule, location and value, like
detect-secrets' `hashed_secret` in a baseline: a profile acknowledges a finding
by it (`[audit] allow`), and it stays the same across snapshots and exports of
the same file as long as the value does not change. Line numbers are left out
of it so that an edit above a value does not un-acknowledge it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

FINGERPRINT_LENGTH = 16

# Where a finding sits: a line of a file's content, the file's name, a
# symlink's target, a commit or tag message, or a binary file's printable strings.
LINE, NAME, TARGET, MESSAGE, BINARY = "line", "name", "target", "message", "binary"


def fingerprint(rule: str, where: str, value: str) -> str:
    raw = f"{rule}\0{where}\0{value}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(raw).hexdigest()[:FINGERPRINT_LENGTH]


@dataclass(frozen=True)
class Finding:
    where: str  # tree path, "commit <id>", "tag <name>"; a name finding's value masked
    kind: str  # LINE, NAME, TARGET or MESSAGE
    line: int  # 1-based for LINE (and multi-line messages), else 0
    rule: str
    fingerprint: str
    object: str | None = None  # the blob id, for a whole-store audit

    def describe(self, *, verbose: bool = False) -> str:
        where = self.where or "(unreachable)"
        if self.object is not None:
            where = f"{self.object[:12]} {where}"
        if self.kind == LINE:
            text = f"{where}:{self.line}: {self.rule}"
        elif self.kind == MESSAGE:
            text = f"{where}: {self.rule}"
        else:
            text = f"{where}:{self.kind}: {self.rule}"
        return f"{text}  [{self.fingerprint}]" if verbose else text

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.where, "kind": self.kind, "line": self.line,
                               "rule": self.rule, "fingerprint": self.fingerprint}
        if self.object is not None:
            out["object"] = self.object
        return out


def open_findings(findings: Iterable[Finding],
                  allow: Collection[str]) -> tuple[list[Finding], int]:
    """(findings the profile does not acknowledge, how many it does)."""
    out, acknowledged = [], 0
    for f in findings:
        if f.fingerprint in allow:
            acknowledged += 1
        else:
            out.append(f)
    return out, acknowledged


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.where, f.object or "", f.kind, f.line, f.rule))
