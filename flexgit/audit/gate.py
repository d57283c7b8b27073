"""Failing closed: a shareable export is audited as it is written and refused
when anything is found that the profile does not acknowledge."""

from __future__ import annotations

from collections.abc import Collection

from flexgit.audit.findings import Finding, open_findings
from flexgit.audit.sources import Auditor
from flexgit.errors import IntegrityError

HOW_TO_ACKNOWLEDGE = ("remove the values from the installation and take a new snapshot, or, "
                      "for a finding that is no secret, add its fingerprint to "
                      "`[audit] allow = [...]` in the profile (docs/profile.md)")


class AuditFailed(IntegrityError):
    """Something that looks like a secret or personal data was about to be shared."""

    def __init__(self, what: str, findings: list[Finding]) -> None:
        lines = [f"{what}: refused, the audit found {len(findings)} possible secret(s) or "
                 f"personal data (path:line: rule [fingerprint]; values are never shown):"]
        lines += [f"  {f.describe(verbose=True)}" for f in findings]
        lines.append(HOW_TO_ACKNOWLEDGE)
        super().__init__("\n".join(lines))
        self.findings = findings


class ExportGate(Auditor):
    """An Auditor fed by the exporter with what it writes; `check` raises."""

    def __init__(self, allow: Collection[str]) -> None:
        super().__init__()
        self.allow = allow

    def check(self, what: str) -> int:
        """Raise AuditFailed for unacknowledged findings; else how many were acknowledged."""
        found, acknowledged = open_findings(self.result(), self.allow)
        if found:
            raise AuditFailed(what, found)
        return acknowledged
