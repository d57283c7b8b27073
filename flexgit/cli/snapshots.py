"""Commands around snapshots: init, snapshot, status, log, show, diff, tag, profile."""

from __future__ import annotations

import json

import click

from flexgit import browse, history, lifecycle, selection, snapshot
from flexgit import diff as diff_mod
from flexgit.app import Context
from flexgit.errors import OK, WARNINGS, UsageError
from flexgit.store import Store

pass_ctx = click.make_pass_decorator(Context)


@click.command()
@pass_ctx
def init(ctx: Context) -> int:
    """Create the snapshot store (done by the first snapshot too).

    \b
    Example:
      flexgit --repo /srv/backup/pbx.git init
    """
    existed = (ctx.repo / "flexgit").exists()
    store = Store.init(ctx.repo)
    store.close()
    ctx.out.data({"repo": str(ctx.repo), "created": not existed})
    ctx.out.info(f"{'flexgit store already at' if existed else 'created flexgit store'} {ctx.repo}")
    return OK


@click.command("snapshot")
@click.option("-t", "--type", "backup_type", type=click.Choice(["flx", "flxx"]), default="flx",
              show_default=True,
              help="The type `export` writes by default for this snapshot (flx: system "
                   "configuration; flxx: plus templates, schemas). The snapshot holds both.")
@click.option("-m", "--message", help="Describe the snapshot.")
@click.option("--tag", help="Tag the new snapshot with NAME.")
@click.option("--allow-empty", is_flag=True,
              help="Commit even when nothing changed, or when no file of the home was found.")
@click.option("--include-data", is_flag=True,
              help="Full unsanitized snapshot with user records, into the private store.")
@click.option("--include-voicemail", is_flag=True, help="With --include-data: voicemail too.")
@pass_ctx
def snapshot_cmd(ctx: Context, backup_type: str, message: str | None, tag: str | None,
                 allow_empty: bool, include_data: bool, include_voicemail: bool) -> int:
    """Take a sanitized snapshot of the installation.

    A snapshot holds every category the profile manages, so any snapshot
    exports as flx or flxx (`flexgit export REV -t flxx`); -t only sets the
    type its export defaults to.

    With --include-data the snapshot is NOT sanitized and holds user records
    (and voicemail with --include-voicemail); it goes into the private store
    (HOME/backup/private.git, mode 0700) and never into the shareable one.

    \b
    Example:
      flexgit snapshot -m "before upgrade" --tag pre-1.1
      flexgit snapshot --include-data --include-voicemail
    """
    snap = lifecycle.take_snapshot(ctx, backup_type=backup_type, message=message,
                                   allow_empty=allow_empty, include_data=include_data,
                                   include_voicemail=include_voicemail, tag=tag,
                                   progress=ctx.out.progress)
    ctx.out.progress_done()
    res = snap.result
    for w in snap.warnings:
        ctx.out.warn(w)
    ctx.out.data({**res.as_json(), "private": include_data, "warnings": snap.warnings})
    ctx.summary = (f"snapshot={res.id or 'none'} files={res.files} changed={res.changed} "
                   f"sanitized={res.sanitized} warnings={len(snap.warnings)}")
    if res.id is None:
        ctx.out.info(snapshot.no_changes_message(res))
    elif include_data:
        ctx.out.success(f"private snapshot {res.id[:12]} in {ctx.private_repo}: {res.files} "
                        f"files, {res.changed} changed (NOT sanitized: holds user data)")
    else:
        ctx.out.success(f"snapshot {res.id[:12]}: {res.files} files, {res.changed} changed, "
                        f"{res.sanitized} sanitized")
        ctx.out.detail(f"{res.cached} files unchanged since the last snapshot (stat cache)")
    return WARNINGS if snap.warnings else OK


@click.command()
@pass_ctx
def status(ctx: Context) -> int:
    """Show what changed on disk since the latest snapshot.

    \b
    Example:
      flexgit status
    """
    store = ctx.open_store()
    try:
        head, changes, warnings = history.status(store, ctx.installation, ctx.profile)
    finally:
        store.close()
    for w in warnings:
        ctx.out.warn(w)
    from flexgit import schedrun

    mark = schedrun.load(ctx.home, ctx.repo)
    ctx.out.data({"latest": head, "changes": [c.as_json() for c in changes],
                  "clean": not changes,
                  "schedule": None if mark is None else {
                      "last_run": mark.last, "next_run": schedrun.next_run_text(mark)}})
    if head is None:
        ctx.out.info("no snapshots yet; run `flexgit snapshot`")
    ctx.out.info(f"latest snapshot {head[:12]}" if head else "")
    if not changes:
        ctx.out.info("nothing changed since the latest snapshot")
    names = {"A": "new", "M": "modified", "D": "deleted", "T": "mode changed"}
    for c in changes:
        ctx.out.info(f"  {names[c.status]:>13}:  {c.path}")
    if mark is not None:
        for line in schedrun.describe(mark):
            ctx.out.info(f"schedule: {line}")
        if schedrun.failed(mark):
            ctx.out.warn("the last scheduled backup failed; `flexgit schedule show` says more")
            return WARNINGS
    return WARNINGS if warnings else OK


@click.command()
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("-n", "--max-count", "limit", type=click.IntRange(min=1), help="At most N snapshots.")
@click.option("--remote", is_flag=False, flag_value="", default=None, metavar="[REMOTE]",
              help="The host branches fetched from REMOTE (every remote without a name).")
@pass_ctx
def log(ctx: Context, paths: tuple[str, ...], limit: int | None, remote: str | None) -> int:
    """List snapshots, newest first; with PATHs, those in which a PATH changed.

    PATH is a file or directory (home/public_html/api, system/etc/asterisk,
    or /etc/asterisk), as `git log -- PATH`; each line says how many of its
    files were added (+), changed (~) and deleted (-) by that snapshot.
    With --remote: every host's branch fetched with `flexgit fetch`.

    \b
    Example:
      flexgit log -n 5
      flexgit log system/etc/asterisk/pjsip.conf
      flexgit fetch central && flexgit log --remote central -n 3
    """
    if remote is not None:
        if paths:
            raise UsageError("--remote lists host branches; give PATHs without it")
        return _remote_log(ctx, remote or None, limit)
    if paths:
        return _path_log(ctx, paths, limit)
    store = ctx.open_store()
    try:
        entries = history.log(store, limit)
    finally:
        store.close()
    ctx.out.data([e.as_json() for e in entries])
    for e in entries:
        ctx.out.info(_log_line(e))
    if not entries:
        ctx.out.info("no snapshots yet; run `flexgit snapshot`")
    return OK


def _path_log(ctx: Context, paths: tuple[str, ...], limit: int | None) -> int:
    sel = selection.select([p for p in paths if p != "--"], (), (), home=ctx.home,
                           root=ctx.root)
    with ctx.open_store() as store:
        found = browse.changed_in(store, sel, limit)
    ctx.out.data([c.as_json() for c in found])
    for c in found:
        ctx.out.info(f"{_log_line(c.entry)}  (+{c.added} ~{c.modified} -{c.deleted})")
    return OK


def _log_line(e: history.LogEntry) -> str:
    tags = f" ({', '.join(e.tags)})" if e.tags else ""
    return f"{e.id[:12]}  {e.created}  {e.type:<4} {e.files:>5} files  {e.message}{tags}"


def _remote_log(ctx: Context, remote: str | None, limit: int | None) -> int:
    from flexgit import remotes

    with ctx.open_store() as store:
        found = remotes.remote_log(store, remote, limit)
    ctx.out.data([{**b.as_json(), "snapshots": [e.as_json() for e in entries]}
                  for b, entries in found])
    for b, entries in found:
        ctx.out.info(f"{b.remote}: {b.host}/{b.account}  ({b.ref})")
        for e in entries:
            ctx.out.info("  " + _log_line(e))
    if not found:
        ctx.out.info("no host branches fetched yet; run `flexgit fetch [REMOTE]`")
    return OK


@click.command()
@click.argument("rev")
@click.argument("path", required=False)
@pass_ctx
def show(ctx: Context, rev: str, path: str | None) -> int:
    """Show a snapshot (summary and files), one file of it, or a directory.

    PATH is a tree path such as home/public_html/index.php or
    system/etc/asterisk (or the absolute path /etc/asterisk); a directory
    lists its entries, as `git show REV:DIR` does.

    \b
    Example:
      flexgit show latest system/etc/asterisk/pjsip.conf
      flexgit show latest system/etc/asterisk
    """
    with ctx.open_store() as store:
        if path is not None:
            return _show_path(ctx, store, rev, path)
        sha = store.resolve(rev)
        info = store.commit_info(sha)
        tree = store.read_tree(sha)
    files = sorted(p for p in tree if not p.startswith(".flexgit/"))
    ctx.out.data({"id": sha, "parent": info.parent, "created": history.created_of(info),
                  "message": info.message, "trailers": info.trailers, "files": files})
    ctx.out.info(f"snapshot {sha}\ncreated  {history.created_of(info)}\n\n{info.message}")
    for p in files:
        ctx.out.info(f"  {p}")
    return OK


def _show_path(ctx: Context, store: Store, rev: str, path: str) -> int:
    view = browse.View(store, rev)
    tp = selection.tree_path(path, home=ctx.home, root=ctx.root)
    if not tp or view.kind(tp, path) == "dir":
        entries = browse.directory(view, tp)
        ctx.out.data({"id": view.id, "path": tp, "type": "dir",
                      "entries": [e.as_json() for e in entries]})
        ctx.out.info(f"{tp or '/'}/ in snapshot {view.id[:12]}: {len(entries)} entries")
        prefix = tp + "/" if tp else ""
        for e in entries:
            ctx.out.info("  " + e.line(e.path[len(prefix):]))
        return OK
    entry = view.files[tp]
    data = store.read_blob(entry.sha)
    ctx.out.data({"id": view.id, "path": tp, "mode": f"{entry.mode:o}",
                  "content": data.decode("utf-8", "replace")})
    ctx.out.raw(data.decode("utf-8", "replace"))
    return OK


@click.command()
@click.argument("args", nargs=-1, metavar="[REV_A [REV_B]] [PATH]...")
@click.option("--stat", "mode", flag_value="stat", help="Lines added/removed per file.")
@click.option("--name-status", "mode", flag_value="name-status", help="Status letter and path.")
@click.option("-p", "--path", "opt_paths", multiple=True, help="Limit to PATH (repeatable).")
@pass_ctx
def diff(ctx: Context, args: tuple[str, ...], mode: str | None,
         opt_paths: tuple[str, ...]) -> int:
    """Compare two snapshots, or a snapshot with the installation on disk.

    REV_A defaults to latest; without REV_B the other side is the disk.
    PATHs (home/…, system/…, or after `--`) limit the comparison.
    JSON files are compared key by key, text as unified diff.

    \b
    Example:
      flexgit diff latest~1 latest --stat
      flexgit diff latest system/etc/asterisk
    """
    revs, paths = history.split_revs_and_paths(args)
    paths = (*paths, *opt_paths)
    rev_a, rev_b = ([*revs, None, None])[:2]
    store = ctx.open_store()
    try:
        a = store.resolve(rev_a or "latest")
        files_a = history.snapshot_files(store, a)
        read_a = history.store_reader(store)
        read_b: diff_mod.Reader
        if rev_b is None:
            disk = history.DiskSide(store, ctx.installation, ctx.profile)
            files_b, read_b, label_b = disk.files, disk.read, "disk"
        else:
            b = store.resolve(rev_b)
            files_b, read_b, label_b = history.snapshot_files(store, b), read_a, b[:12]
        changes = diff_mod.changes(files_a, files_b, tuple(p.strip("/") for p in paths))
        if ctx.out.json_mode:
            # What the text shows, as data: key changes, unified diffs, counts.
            details = [diff_mod.detail(c, read_a(c.path, c.old) if c.old else b"",
                                       read_b(c.path, c.new) if c.new else b"",
                                       label_a=a[:12], label_b=label_b) for c in changes]
            ctx.out.data({"a": a, "b": rev_b and store.resolve(rev_b), "changes": details})
        elif mode == "name-status":
            for c in changes:
                ctx.out.raw(f"{c.status}\t{c.path}\n")
        elif mode == "stat":
            stats = [diff_mod.line_stat(read_a(c.path, c.old) if c.old else b"",
                                        read_b(c.path, c.new) if c.new else b"")
                     for c in changes]
            for line in _stat_lines(changes, stats):
                ctx.out.raw(line + "\n")
        else:
            for text in history.iter_diff(changes, read_a, read_b, a[:12], label_b):
                ctx.out.raw(text)
    finally:
        store.close()
    return OK


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _stat_lines(changes: list[diff_mod.Change], stats: list[tuple[int, int]]) -> list[str]:
    """git's --stat: the paths in one column, the counts in the next, a total."""
    width = max((len(c.path) for c in changes), default=0)
    digits = max((len(str(a + r)) for a, r in stats), default=1)
    lines = [f" {c.path:<{width}} | {a + r:>{digits}} {'+' * min(a, 40)}{'-' * min(r, 40)}"
             .rstrip() for c, (a, r) in zip(changes, stats, strict=True)]
    added, removed = sum(a for a, _ in stats), sum(r for _, r in stats)
    lines.append(f" {_plural(len(changes), 'file')} changed, "
                 f"{_plural(added, 'insertion')}(+), {_plural(removed, 'deletion')}(-)")
    return lines


@click.command()
@click.argument("name", required=False)
@click.argument("rev", default="latest")
@click.option("-d", "--delete", is_flag=True, help="Delete the tag NAME (its snapshot stays).")
@pass_ctx
def tag(ctx: Context, name: str | None, rev: str, delete: bool) -> int:
    """Name a snapshot, list the names, or delete one.

    \b
    Example:
      flexgit tag before-upgrade latest
      flexgit tag
      flexgit tag -d before-upgrade
    """
    if delete and not name:
        raise UsageError("tag -d needs the NAME of the tag to delete")
    store = ctx.open_store()
    try:
        if name is None:
            return _list_tags(ctx, store)
        if delete:
            sha = store.delete_tag(name)
            ctx.out.data({"tag": name, "id": sha, "deleted": True})
            ctx.out.info(f"deleted tag {name} (was {sha[:12]}; the snapshot stays)")
            return OK
        sha = store.resolve(rev)
        store.set_tag(name, sha, rules=ctx.profile.rules)
    finally:
        store.close()
    ctx.out.data({"tag": name, "id": sha})
    ctx.out.info(f"tagged {sha[:12]} as {name}")
    return OK


def _list_tags(ctx: Context, store: Store) -> int:
    rows = []
    for name, sha in sorted(store.tags().items()):
        info = store.commit_info(sha)
        rows.append({"tag": name, "id": sha, "created": history.created_of(info),
                     "message": info.summary})
    ctx.out.data(rows)
    width = max((len(r["tag"]) for r in rows), default=0)
    for r in rows:
        ctx.out.info(f"{r['tag']:<{width}}  {r['id'][:12]}  {r['created']}  {r['message']}")
    if not rows:
        ctx.out.info("no tags yet; `flexgit tag NAME [REV]` names a snapshot")
    return OK


@click.command("profile")
@pass_ctx
def profile_cmd(ctx: Context) -> int:
    """Print the effective profile: categories, excludes, sanitizer rules.

    \b
    Example:
      flexgit --config site.toml profile
    """
    desc = ctx.profile.describe()
    ctx.out.data(desc)
    if not ctx.out.json_mode:
        ctx.out.info(f"profile: {desc['source']}  (digest {ctx.profile.digest[:12]})")
        for c in desc["categories"]:
            ctx.out.info(f"  {c['name']:<22} {c['side']:<6} {'+'.join(c['types']):<8} "
                         f"{', '.join(c['include'])}")
        ctx.out.info("never backed up: " + " ".join(desc["privacy_excludes"]))
        extra = [p for ps in desc["excludes"].values() for p in ps]
        if extra:
            ctx.out.info("also excluded: " + " ".join(extra))
        ctx.out.info("sanitizer: " + json.dumps(desc["sanitize"]))
    return OK


COMMANDS = [init, snapshot_cmd, status, log, show, diff, tag, profile_cmd]
