"""The audit: looking for secrets and personal data in what flexgit stores
and shares, with detectors of its own.

It imports nothing of `flexgit.sanitize` (tests/test_audit.py checks the import
graph): a check that shares the code it checks cannot find that code's blind
spots. Its layers, one module each:

* keywords.py    -- a secret keyword and a credential-shaped value bound to it
* entropy.py     -- long random-looking base64 and hex tokens
* vendor.py      -- detect-secrets' vendor plugins (AWS, Stripe, JWT, keys, ...)
* hashes.py      -- password hashes (crypt, argon2, pbkdf2, LDAP, MySQL, DES)
* credentials.py -- `user:password@host` outside URLs (dial strings, register)
* personal.py    -- emails, phone numbers, person names

scan.py runs them behind one regex prefilter; sources.py reads snapshots,
stores and backup files (contents, names, link targets, messages); gate.py
makes shareable exports fail closed. A finding names the place and the rule
and carries a fingerprint (findings.py); never the value.
"""

from __future__ import annotations

from flexgit.audit.findings import Finding, open_findings
from flexgit.audit.gate import AuditFailed, ExportGate
from flexgit.audit.sources import (
    Auditor,
    audit_commit,
    audit_file,
    audit_plain,
    audit_snapshot,
    audit_store,
    resolve_plain,
)

__all__ = ["AuditFailed", "Auditor", "ExportGate", "Finding", "audit_commit", "audit_file",
           "audit_plain", "audit_snapshot", "audit_store", "open_findings", "resolve_plain"]
