"""Commands around git remotes: remote add/remove/list, push, fetch."""

from __future__ import annotations

import sys

import click

from flexgit import redact, remotes
from flexgit.app import Context
from flexgit.errors import OK, WARNINGS, Cancelled, UsageError
from flexgit.store import Store

pass_ctx = click.make_pass_decorator(Context)


@click.group()
def remote() -> None:
    """Manage the git remotes the store is pushed to and fetched from.

    \b
    Example:
      flexgit remote add central ssh://backup@vault.example.com/srv/git/flexpbx.git
      flexgit remote list
    """


@remote.command("add")
@click.argument("name")
@click.argument("url")
@pass_ctx
def remote_add(ctx: Context, name: str, url: str) -> int:
    """Add remote NAME at URL (a path, file://, git://, http(s):// or ssh://).

    \b
    Example:
      flexgit remote add central /srv/git/flexpbx.git
      flexgit remote add offsite https://git.example.com/pbx/flexpbx.git
    """
    with ctx.open_or_init_store() as store:
        url = remotes.add(store, name, url)
    ctx.out.data({"name": name, "url": redact.url(url)})
    ctx.out.success(f"added remote {name}: {redact.url(url)}")
    return OK


@remote.command("remove")
@click.argument("name")
@pass_ctx
def remote_remove(ctx: Context, name: str) -> int:
    """Forget remote NAME and the host branches fetched from it.

    \b
    Example:
      flexgit remote remove central
    """
    with ctx.open_store() as store, store.locked("flexgit remote remove"):
        dropped = remotes.remove(store, name)
    ctx.out.data({"name": name, "removed_refs": dropped})
    ctx.out.success(f"removed remote {name}" + (f" and {dropped} fetched refs" if dropped else ""))
    return OK


@remote.command("list")
@pass_ctx
def remote_list(ctx: Context) -> int:
    """List the remotes: NAME and URL, one a line.

    \b
    Example:
      flexgit remote list
    """
    if not (ctx.repo / "flexgit").exists():
        urls: dict[str, str] = {}
    else:
        with ctx.open_store() as store:
            urls = remotes.listing(store)
    ctx.out.data([{"name": n, "url": redact.url(u)} for n, u in urls.items()])
    for n, u in urls.items():
        ctx.out.info(f"{n}\t{redact.url(u)}")
    if not urls:
        ctx.out.info("no remotes; add one with `flexgit remote add NAME URL`")
    return OK


def _confirm_private(ctx: Context, remote: str, yes_push_private: bool) -> bool:
    if yes_push_private:
        return True
    # -y answers ordinary questions; this one it does not.
    if not sys.stdin.isatty():
        raise UsageError("refusing to push the private store without a second confirmation: "
                         "no terminal to ask on; pass --yes-push-private")
    click.echo(f"The private store {ctx.private_repo} holds UNSANITIZED data: user records, "
               f"password hashes, secrets.", err=True)
    if not click.confirm(f"Push it to {remote}?", default=False, err=True):
        return False
    return click.confirm("Really? Anyone with access to that remote can read it",
                         default=False, err=True)


@click.command()
@click.argument("name", metavar="[REMOTE]", required=False)
@click.option("--host", envvar="FLEXGIT_HOST", metavar="NAME",
              help="Host name in the shared repository [default: this machine's].")
@click.option("--account", envvar="FLEXGIT_ACCOUNT", metavar="NAME",
              help="Account name in the shared repository [default: the home's owner].")
@click.option("--force", is_flag=True, help="Replace the host branch even if it diverged.")
@click.option("--private", "private", is_flag=True,
              help="Push the PRIVATE store (user data) to the named REMOTE.")
@click.option("--yes-push-private", is_flag=True,
              help="The second confirmation --private needs (-y is not enough).")
@pass_ctx
def push(ctx: Context, name: str | None, host: str | None, account: str | None, force: bool,
         private: bool, yes_push_private: bool) -> int:
    """Push the snapshots and tags to a git remote, under this host's branch.

    They go to refs/heads/flexgit/HOST/ACCOUNT and tags to
    refs/tags/flexgit/HOST/ACCOUNT/…, so many hosts share one repository.
    REMOTE defaults to the only configured remote.

    \b
    Example:
      flexgit push central
      flexgit push --private --yes-push-private vault
    """
    identity = remotes.Identity.of(host, account or remotes.account_of(ctx.home))
    if private:
        if not name:
            raise UsageError("name the remote for the private store: "
                             "`flexgit push --private REMOTE`")
        urls = {}
        if (ctx.repo / "flexgit").exists():
            with ctx.open_store() as shareable:
                urls = remotes.listing(shareable)
        if not _confirm_private(ctx, name, yes_push_private):
            raise Cancelled("private store not pushed")
        with Store.open(ctx.private_repo) as store:
            res = remotes.push_private(store, name, identity=identity, confirmed=True,
                                       urls=urls, force=force)
    else:
        with ctx.open_store() as store:
            res = remotes.push(store, name, identity=identity, force=force)
    for line in res.messages:
        click.echo(f"remote: {line}", err=True)
    ctx.out.data(res.as_json())
    for ref, why in res.skipped.items():
        if ref != res.branch:
            ctx.out.warn(f"{ref} not pushed: {why}")
    res.check()
    ctx.summary = f"push remote={res.remote} updated={len(res.updated)}"
    if res.updated:
        ctx.out.success(f"pushed to {res.remote}: " + ", ".join(sorted(res.updated)))
    else:
        ctx.out.info(f"{res.remote} is up to date ({res.branch})")
    return WARNINGS if res.skipped else OK


@click.command()
@click.argument("name", metavar="[REMOTE]", required=False)
@pass_ctx
def fetch(ctx: Context, name: str | None) -> int:
    """Fetch every host's snapshots from a remote (see `flexgit log --remote`).

    They are kept as refs/remotes/REMOTE/flexgit/HOST/ACCOUNT; nothing of
    your own store changes.

    \b
    Example:
      flexgit fetch central && flexgit log --remote central
    """
    with ctx.open_store() as store:
        res = remotes.fetch(store, name)
    ctx.out.data(res.as_json())
    ctx.summary = f"fetch remote={res.remote} branches={len(res.branches)}"
    for ref in res.updated:
        ctx.out.detail(f"updated {ref}")
    for ref in res.removed:
        ctx.out.info(f"gone from {res.remote}: {ref}")
    ctx.out.success(f"fetched {len(res.branches)} host branch(es) and {len(res.tags)} tag(s) "
                    f"from {res.remote} ({len(res.updated)} updated)")
    return OK


COMMANDS = [remote, push, fetch]
