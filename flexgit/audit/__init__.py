"""The audit: looking for secrets and personal data in what flexgit stores
and shares, with detectors of its own.

It imports nothing of `flexgit.sanitize` (tests/test_audit.py checks the import
graph): a check that shares the code it checks cannot find that code's blind
spots. Its layers, one module each:

* keywords.py    -- a secret keyword and a credential-shaped value bound to it
* shape.py       -- password-shaped tokens wherever they stand
* entropy.py     -- long random-looking base64 and hex tokens
* words.py       -- whether letters read as words (shape and entropy ask it)
* vendor.py      -- detect-secrets' vendor plugins (AWS, Stripe, JWT, keys, ...)
* hashes.py      -- password hashes (crypt, argon2, pbkdf2, LDAP, MySQL, DES)
* credentials.py -- `user:password@host` outside URLs, `lftp -u`, `mysql -p`
* urls.py        -- URL userinfo, secret query parameters, webhook paths
* asterisk.py    -- PINs as dialplan arguments and in meetme/voicemail lines
* tables.py      -- values under a credential column
* personal.py    -- emails, phone numbers, person names under keys
* people.py      -- person names where no key names them
* encoded.py     -- base64 literals and JSON \\u escapes, decoded and read again
* archives.py    -- the members of gzip, bzip2, xz, tar and zip archives
* repeats.py     -- the audit's own sweep: a value found once, everywhere

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
