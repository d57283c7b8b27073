"""`flexgit demo`: the whole tool at work on a bundled sample installation, for
a newcomer on a machine with no FlexPBX. Each step calls the same library
functions as the real commands and reports what it did."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from flexgit import history, restore, sample, snapshot
from flexgit.app import Context
from flexgit.errors import UsageError
from flexgit.formats import flx
from flexgit.output import Output
from flexgit.store import Store

Say = Callable[[str], None]


def _step(say: Say, n: int, title: str) -> None:
    say(f"\n== {n}. {title}")


def run(directory: Path | None, say: Say) -> Path:
    """Lay out the sample in `directory` (default: a new temp dir) and run
    snapshot -> export -> change -> diff -> restore -> rollback against it."""
    base = directory or Path(tempfile.mkdtemp(prefix="flexgit-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    if any(base.iterdir()):
        raise UsageError(f"{base} is not empty; give the demo an empty or new directory")
    home, root = base / "home" / "flexpbx", base / "root"
    home.mkdir(parents=True)
    root.mkdir()
    s = sample.build(home, root)
    repo = home / "backup" / "flexgit.git"
    ctx = Context(home=home, root=root, repo=repo, yes=True, out=Output(quiet=True))
    say(f"flexgit demo in {base}")
    say(f"  sample FlexPBX installation: home {home}, system root {root}")
    say(f"  it holds {len(s.secrets)} planted secrets and personal values "
        f"(SIP passwords, PINs, emails, hashes, tokens)")

    _step(say, 1, "snapshot: walk, sanitize, commit into a bare git repository")
    with Store.init(repo) as store, store.locked("demo"):
        first = snapshot.take(store, ctx.installation, ctx.profile, backup_type="flxx",
                              message="demo: first snapshot")
        leaked = _leaks(store, s.secrets)
    say(f"  snapshot {first.id and first.id[:12]}: {first.files} files, "
        f"{first.sanitized} sanitized, user data/logs/voicemail/CDR left out")
    say(f"  planted values found in any git object of the store: {leaked}")

    _step(say, 2, "export: a shareable .flxx.gz backup file")
    with Store.open(repo) as store:
        exp = flx.export(store, "latest", profile=ctx.profile, out_dir=home / "backup",
                         compress=True)
    say(f"  wrote {exp.path.name} ({exp.files} files, {exp.bytes} bytes), "
        f"{exp.link.name} -> {exp.path.name}")

    _step(say, 3, "change: an admin edits the dial plan and a setting")
    ext = root / "etc/asterisk/extensions.conf"
    ext.write_text(ext.read_text() + "exten => 7777,1,Playback(demo-congrats)\n")
    cfg = home / "flexpbx-config.json"
    doc = json.loads(cfg.read_text())
    doc["timezone"] = "Europe/Berlin"
    cfg.write_text(json.dumps(doc, indent=2) + "\n")
    with Store.open(repo) as store:
        head, changes, _ = history.status(store, ctx.installation, ctx.profile)
    for c in changes:
        say(f"  {c.status} {c.path}")

    _step(say, 4, "diff: what changed since the snapshot (sanitized, JSON by key)")
    with Store.open(repo) as store:
        disk = history.DiskSide(store, ctx.installation, ctx.profile)
        for text in history.iter_diff(changes, history.store_reader(store), disk.read,
                                      (head or "")[:12], "disk"):
            for line in text.rstrip("\n").splitlines():
                say(f"  {line}")
        second = snapshot.take(store, ctx.installation, ctx.profile, backup_type="flxx",
                               message="demo: dial plan change")
    say(f"  snapshot {second.id and second.id[:12]}: {second.changed} changed")

    _step(say, 5, "restore: a bad edit breaks pjsip.conf; a merge restore repairs it")
    victim = root / "etc/asterisk/pjsip.conf"
    live = victim.read_bytes()
    victim.write_bytes(live.replace(b"[", b"[broken-", 1) + b"garbage line\n")
    out = restore.restore(ctx, "latest", mode="merge")
    assert out.applied is not None
    say(f"  plan: {_counts(out.plan)}")
    _skipped(say, out.plan)
    say(f"  pjsip.conf repaired: {victim.read_bytes() == live} (the snapshot has only "
        f"placeholders; the live SIP passwords were kept)")
    say("  everything it changed was saved first to the private store: `flexgit undo`")

    _step(say, 6, "rollback: back to the first snapshot, recorded as a new snapshot")
    rb = restore.rollback(ctx, "latest~1")
    say(f"  rolled back to {rb.target[:12]}; new snapshot {(rb.snapshot or '')[:12]}")
    _skipped(say, rb.outcome.plan)
    say(f"  dial plan change gone: {'7777' not in ext.read_text()}")
    with Store.open(repo) as store:
        for e in history.log(store):
            say(f"  {e.id[:12]}  {e.created}  {e.message}")
    say(f"\nTry it yourself: flexgit --home {home} --root {root} log")
    return base


def _leaks(store: Store, secrets: tuple[str, ...]) -> int:
    found = set()
    for _sha, _kind, data in store.iter_objects():
        for s in secrets:
            if s.encode() in data:
                found.add(s)
    return len(found)


def _skipped(say: Say, plan: restore.Plan) -> None:
    """What the restore left out on this machine (no sudo: the sudoers file)."""
    for w in plan.warnings:
        say(f"  skipped: {w}")


def _counts(plan: restore.Plan) -> str:
    return ", ".join(f"{n} {a}" for a, n in sorted(plan.counts().items()))

