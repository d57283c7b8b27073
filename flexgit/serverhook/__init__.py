"""The central repository's pre-receive check: `python -m flexgit.serverhook`,
run by `<repo>/hooks/pre-receive` (see `flexgit hooks install --server`).

git hands the hook one "old new ref" line per pushed ref on stdin, with the
pushed objects waiting in a quarantine directory (objects.py reads them
through git itself). Everything new that a pushed ref reaches is audited with
the audit's own detectors, the same `flexgit audit` and exports use
(guard.py): commits, trees, blobs and tags of any chain, messages, names,
link targets, in any encoding; and so is every pushed ref name. One finding
the profile does not acknowledge (`[audit] allow`) rejects the whole push
(exit 1): the pusher sees one line per finding, `ref: path:line: rule
[fingerprint]`, never the value. Commits of a private store
(`Flexgit-Sensitive: yes`) are refused too. Anything the check cannot read
rejects the push as well: a server that cannot look must not let it in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from flexgit import profile
from flexgit.errors import FlexgitError
from flexgit.serverhook.guard import Rejection, check
from flexgit.serverhook.objects import Objects

__all__ = ["Rejection", "check", "main"]


def _updates(lines: Iterable[str]) -> list[tuple[str, str, str]]:
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2]))
    return out


def main(stdin: TextIO | None = None, err: TextIO | None = None,
         repo: Path | None = None) -> int:
    err = err or sys.stderr
    stdin = stdin or sys.stdin
    path = repo or Path(os.environ.get("GIT_DIR", ".")).absolute()
    try:
        config = os.environ.get("FLEXGIT_CONFIG")
        allow = profile.load(Path(config) if config else None).audit_allow
        with Objects(path) as objects:
            rejected = check(objects, _updates(stdin), allow=allow)
    except FlexgitError as e:
        print(f"flexgit: push rejected: cannot audit it: {e.message}", file=err)
        return 1
    except Exception as e:  # fail closed: what cannot be checked does not get in
        print(f"flexgit: push rejected: cannot audit it ({type(e).__name__})", file=err)
        return 1
    if not rejected:
        return 0
    print(f"flexgit: push rejected: {len(rejected)} possible secret(s), personal data or "
          f"unreadable object(s) (ref: path:line: rule [fingerprint]; values are never "
          f"shown):", file=err)
    for r in rejected:
        print(f"flexgit:   {r.describe()}", file=err)
    print("flexgit: sanitize the installation's files and take a new snapshot; a finding "
          "that is no secret: add its fingerprint to [audit] allow in the profile that "
          "FLEXGIT_CONFIG names", file=err)
    return 1
