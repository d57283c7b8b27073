"""The central repository's pre-receive check: `python -m flexgit.serverhook`,
run by `<repo>/hooks/pre-receive` (see `flexgit hooks install --server`).

git hands the hook one "old new ref" line per pushed ref on stdin, with the
pushed objects readable but not yet part of the repository. Every commit new
to the repository is audited like `flexgit audit` does a snapshot (every
file, name, link target and the commit message, with the audit's own
detectors), and so is every pushed ref name; one finding the profile does not
acknowledge (`[audit] allow`) rejects the whole push (exit 1): the pusher sees
ref, commit, path, line, rule and fingerprint -- never the value. Commits of a private store
(`Flexgit-Sensitive: yes`) are refused too. Anything the check cannot read
rejects the push as well: a server that cannot look must not let it in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from flexgit import audit, profile
from flexgit.errors import FlexgitError
from flexgit.store import ZERO_ID, Store, new_commits, object_kind, open_plain, peel


@dataclass(frozen=True)
class Rejection:
    ref: str
    commit: str
    where: str  # "path:line: rule [fingerprint]", or what is wrong with the commit

    def describe(self) -> str:
        return f"{self.ref} {self.commit[:12]} {self.where}"


def check(store: Store, updates: Iterable[tuple[str, str, str]], *,
          allow: Collection[str] = ()) -> list[Rejection]:
    """Audit the commits that `updates` (old, new, ref) bring into `store`;
    findings whose fingerprint is in `allow` are acknowledged."""
    known = sorted(set(store.all_refs().values()))
    seen: set[tuple[str, str]] = set()
    done: set[str] = set()
    out: list[Rejection] = []
    for _old, new, ref in updates:
        if new == ZERO_ID:
            continue  # a deletion brings nothing in
        ref_audit = audit.Auditor()
        ref_audit.message(f"ref {ref}", ref)
        for f in audit.open_findings(ref_audit.result(), allow)[0]:
            out.append(Rejection(ref, new, f"(ref name): {f.rule} [{f.fingerprint}]"))
        tip = peel(store, new)
        if tip is None or object_kind(store, tip) != "commit":
            continue  # a tag of a tree or blob: nothing a snapshot is made of
        for sha in new_commits(store, tip, known):
            if sha in done:
                continue
            done.add(sha)
            if store.commit_info(sha).trailers.get("Flexgit-Sensitive") == "yes":
                out.append(Rejection(ref, sha, "(commit): private.snapshot -- a private "
                                               "store's snapshot holds user data"))
            found = audit.audit_commit(store, sha, seen=seen)
            for f in audit.open_findings(found, allow)[0]:
                out.append(Rejection(ref, sha, f.describe(verbose=True)))
    return out


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
        store = open_plain(path)
        try:
            rejected = check(store, _updates(stdin), allow=allow)
        finally:
            store.close()
    except FlexgitError as e:
        print(f"flexgit: push rejected: cannot audit it: {e.message}", file=err)
        return 1
    except Exception as e:  # fail closed: what cannot be checked does not get in
        print(f"flexgit: push rejected: cannot audit it ({type(e).__name__})", file=err)
        return 1
    if not rejected:
        return 0
    print(f"flexgit: push rejected: {len(rejected)} possible secret(s) or personal data "
          f"(ref commit path:line: rule [fingerprint]):", file=err)
    for r in rejected:
        print(f"flexgit:   {r.describe()}", file=err)
    print("flexgit: sanitize the installation's files and take a new snapshot; values are "
          "never shown; a finding that is no secret: add its fingerprint to [audit] allow "
          "in the profile that FLEXGIT_CONFIG names", file=err)
    return 1


if __name__ == "__main__":
    sys.exit(main())
