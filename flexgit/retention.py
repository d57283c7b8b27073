"""Retention of exported backup files, with restic's semantics.

Each rule keeps the newest file of each of its last N periods that hold a file
(`--keep-daily 7`: the newest of each of the last 7 days with a backup); a file
is kept when any rule keeps it. Rules apply to .flx and .flxx files separately,
so daily .flx backups do not push out weekly .flxx ones. Timestamps come from
the file names, never from mtimes (a copy or restore changes those).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flexgit import fsutil
from flexgit.errors import UsageError
from flexgit.formats import latest
from flexgit.formats.flx import NAME_RE

ARCHIVE_DIR = "backups"


@dataclass(frozen=True)
class Policy:
    last: int = 0
    daily: int = 0
    weekly: int = 0
    monthly: int = 0

    @property
    def empty(self) -> bool:
        return not (self.last or self.daily or self.weekly or self.monthly)


# The seed's "Backup Best Practices": 7 daily, 4 weekly, 12 monthly.
DEFAULT_POLICY = Policy(daily=7, weekly=4, monthly=12)


@dataclass(frozen=True)
class Backup:
    name: str
    when: datetime
    seq: int  # the -N suffix of a second export within one second
    kind: str  # "flx" or "flxx"
    ext: str  # ".flx", ".flx.gz", ".flxx" or ".flxx.gz"


def parse_name(name: str) -> Backup | None:
    m = NAME_RE.fullmatch(name)
    if m is None:
        return None
    try:
        y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
        when = datetime(y, mo, d, h, mi, sec)
    except ValueError:
        return None
    kind, gz, gpg = m.group(8), m.group(9) or "", m.group(10) or ""
    return Backup(name, when, int(m.group(7) or 1), kind, f".{kind}{gz}{gpg}")


_PERIODS: tuple[tuple[str, Any], ...] = (
    ("last", lambda b: b.name),
    ("daily", lambda b: b.when.date()),
    ("weekly", lambda b: b.when.isocalendar()[:2]),
    ("monthly", lambda b: (b.when.year, b.when.month)),
)


def decide(backups: list[Backup], policy: Policy) -> dict[str, list[str]]:
    """Name -> the rules that keep it (empty: not kept)."""
    out: dict[str, list[str]] = {}
    for kind in sorted({b.kind for b in backups}):
        group = sorted((b for b in backups if b.kind == kind),
                       key=lambda b: (b.when, b.seq), reverse=True)
        left = {rule: getattr(policy, rule) for rule, _ in _PERIODS}
        last_bucket: dict[str, Any] = {}
        for b in group:
            reasons = out.setdefault(b.name, [])
            for rule, key in _PERIODS:
                bucket = key(b)
                if left[rule] > 0 and last_bucket.get(rule) != bucket:
                    last_bucket[rule] = bucket
                    left[rule] -= 1
                    reasons.append(rule)
    return out


@dataclass
class PruneResult:
    directory: Path
    dry_run: bool
    kept: dict[str, list[str]] = field(default_factory=dict)  # name -> reasons
    removed: list[tuple[str, str]] = field(default_factory=list)  # (name, "delete" | new path)
    links: list[tuple[str, str | None]] = field(default_factory=list)  # (link, target | None)

    def as_json(self) -> dict[str, Any]:
        return {"dir": str(self.directory), "dry_run": self.dry_run,
                "kept": [{"name": n, "reasons": r} for n, r in sorted(self.kept.items())],
                "removed": [{"name": n, "action": "delete" if to == "delete" else "move",
                             "to": None if to == "delete" else to} for n, to in self.removed],
                "links": [{"link": n, "target": t} for n, t in self.links]}


def _free(dest_dir: Path, name: str) -> Path:
    if not os.path.lexists(dest_dir / name):
        return dest_dir / name
    base, _, ext = name.partition(".")
    n = 2
    while os.path.lexists(dest_dir / f"{base}-{n}.{ext}"):
        n += 1
    return dest_dir / f"{base}-{n}.{ext}"


def prune(directory: Path, policy: Policy, *, delete: bool = False,
          dry_run: bool = False) -> PruneResult:
    """Move (or delete) the exports of `directory` that `policy` does not keep,
    and point the latest.* links at the newest remaining file of their type."""
    if policy.empty:
        raise UsageError("a policy that keeps nothing would remove every backup; give at "
                         "least one --keep-* option above 0 (or move the files yourself)")
    if not directory.is_dir():
        raise UsageError(f"backup directory {directory} does not exist; pass --dir")
    backups = [b for e in os.scandir(directory)
               if e.is_file(follow_symlinks=False) and (b := parse_name(e.name)) is not None]
    keep = decide(backups, policy)
    res = PruneResult(directory, dry_run, kept={n: r for n, r in keep.items() if r})
    gone = {b.name for b in backups if not keep[b.name]}
    archive = directory / ARCHIVE_DIR
    for b in sorted((b for b in backups if b.name in gone), key=lambda b: b.name):
        if delete:
            res.removed.append((b.name, "delete"))
            if not dry_run:
                os.unlink(directory / b.name)
            continue
        if not dry_run:
            archive.mkdir(mode=0o750, exist_ok=True)
        dest = _free(archive, b.name) if archive.is_dir() else archive / b.name
        res.removed.append((b.name, str(dest)))
        if not dry_run:
            os.rename(directory / b.name, dest)
            fsutil.fsync_dir(archive)
    if gone and not dry_run:
        fsutil.fsync_dir(directory)
    res.links = latest.relink(directory, gone=frozenset(gone), dry_run=dry_run)
    return res
