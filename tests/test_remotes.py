"""Remotes: push and fetch through dulwich against real servers (a path, `git
daemon`, `git http-backend`), many hosts in one central repository, the
server's pre-receive audit, and the private store's double confirmation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pytest

from flexgit import remotes
from tests import gitservers
from tests.conftest import RESTORED, Env
from tests.gitservers import bare_repo, fsck, git, refs

HOST_ARGS = ("--host", "pbx1", "--account", "flexpbx")
BRANCH = "refs/heads/flexgit/pbx1/flexpbx"


@pytest.fixture
def central(tmp_path: Path) -> Path:
    base = tmp_path / "srv"
    base.mkdir()
    return bare_repo(base / "central.git")


def _snapshot(env: Env, change: str | None = None) -> str:
    if change is not None:
        (env.root / "etc/asterisk/features.conf").write_text(f"; {change}\n")
    r = env.run("snapshot")
    assert r.exit_code == 0, r.output
    head = env.store().head()
    assert head is not None
    return head


@pytest.mark.parametrize(("text", "lower", "want"), [
    ("PBX-01.example.com", True, "pbx-01.example.com"),
    ("flex pbx/user", False, "flex-pbx-user"),
    ("..hidden..name.", False, "hidden.name"),
    ("host.lock", False, "host-lock"),
    ("-~^:?*[", False, "unknown"),
    ("jöhn", False, "j-hn"),
])
def test_ref_component(text: str, lower: bool, want: str) -> None:
    assert remotes.ref_component(text, lower=lower) == want
    assert remotes.Identity("h", want).branch.count("/") == 4


def test_remote_add_list_remove(env: Env, central: Path, tmp_path: Path) -> None:
    r = env.run("remote", "add", "central", str(central))
    assert r.exit_code == 0, r.output
    assert env.run("remote", "add", "web", "https://git.example.com/pbx.git").exit_code == 0
    r = env.run("remote", "add", "bad", "ftp://example.com/x.git")
    assert r.exit_code == 2 and "unsupported URL scheme 'ftp'" in r.stderr
    r = env.run("remote", "add", "no/slash", str(central))
    assert r.exit_code == 2 and "invalid remote name 'no/slash'" in r.stderr
    assert env.run("remote", "list").stdout == (f"central\t{central}\n"
                                                "web\thttps://git.example.com/pbx.git\n")
    # C git sees the same remote and maps host branches as flexgit fetch does.
    assert git(env.repo, "config", "remote.central.url").stdout.strip() == str(central)
    assert git(env.repo, "config", "remote.central.fetch").stdout.strip() == \
        "+refs/heads/flexgit/*:refs/remotes/central/flexgit/*"
    assert env.run("remote", "remove", "web").exit_code == 0
    assert json.loads(env.run("--json", "remote", "list").stdout) == [
        {"name": "central", "url": str(central)}]
    r = env.run("remote", "remove", "web")
    assert r.exit_code == 2 and "no remote named 'web'" in r.stderr


def _server(kind: str, central: Path) -> AbstractContextManager[str]:
    if kind == "path":
        return nullcontext(str(central))
    if kind == "daemon":
        return _suffixed(gitservers.git_daemon(central.parent), central.name)
    return _suffixed(gitservers.http_backend(central.parent), central.name)


def _suffixed(cm: AbstractContextManager[str], name: str) -> AbstractContextManager[str]:
    from contextlib import contextmanager

    @contextmanager
    def inner() -> Iterator[str]:
        with cm as base:
            yield f"{base}/{name}"

    return inner()


@pytest.mark.parametrize("kind", ["path", "daemon", "http"])
def test_push_and_fetch_through_a_real_server(env: Env, central: Path, tmp_path: Path,
                                              kind: str) -> None:
    first = _snapshot(env)
    assert env.run("tag", "before-upgrade").exit_code == 0
    with _server(kind, central) as url:
        assert env.run("remote", "add", "central", url).exit_code == 0
        r = env.run("push", *HOST_ARGS)
        assert r.exit_code == 0, r.output
        assert f"pushed to central: {BRANCH}, refs/tags/flexgit/pbx1/flexpbx/before-upgrade" \
            in r.stdout
        assert refs(central) == {BRANCH: first,
                                 "refs/tags/flexgit/pbx1/flexpbx/before-upgrade": first}
        fsck(central)
        second = _snapshot(env, "v2")
        r = env.run("--json", "push", *HOST_ARGS)
        assert r.exit_code == 0, r.output
        doc = json.loads(r.stdout)
        assert doc["updated"] == {BRANCH: second}
        assert doc["unchanged"] == ["refs/tags/flexgit/pbx1/flexpbx/before-upgrade"]
        assert git(central, "rev-parse", BRANCH).stdout.strip() == second
        assert git(central, "rev-list", "--count", BRANCH).stdout.strip() == "2"
        fsck(central)
        # Another host's store fetches it.
        other = tmp_path / "other.git"
        args = ["--repo", str(other)]
        assert env.run(*args, "init").exit_code == 0
        assert env.run(*args, "remote", "add", "central", url).exit_code == 0
        r = env.run(*args, "fetch", "central")
        assert r.exit_code == 0, r.output
        assert "fetched 1 host branch(es) and 1 tag(s) from central" in r.stdout
    assert refs(other) == {"refs/remotes/central/flexgit/pbx1/flexpbx": second,
                           "refs/remotes/central/tags/flexgit/pbx1/flexpbx/before-upgrade": first}
    fsck(other)
    r = env.run(*args, "log", "--remote")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "central: pbx1/flexpbx  (refs/remotes/central/flexgit/pbx1/flexpbx)"
    assert lines[1].startswith(f"  {second[:12]}") and lines[2].startswith(f"  {first[:12]}")
    assert lines[2].endswith("(before-upgrade)")
    # The objects arrived: C git reads the fetched snapshot from this store.
    assert git(other, "show", f"{second}:system/etc/asterisk/features.conf").stdout == "; v2\n"
    # Disaster recovery: a new machine shows and restores the other host's snapshot.
    r = env.run(*args, "show", "central/flexgit/pbx1/flexpbx", "system/etc/asterisk/features.conf")
    assert r.exit_code == 0 and r.stdout == "; v2\n"
    newhome, newroot = tmp_path / "newhome", tmp_path / "newroot"
    newhome.mkdir()
    newroot.mkdir()
    # Another installation's snapshot: its root-run files only when trusted.
    r = env.run(*args, "--home", str(newhome), "--root", str(newroot), "-y", "restore",
                "-m", "fresh", "--trust-privileged", "refs/remotes/central/flexgit/pbx1/flexpbx")
    assert r.exit_code == RESTORED, r.output
    assert (newroot / "etc/asterisk/features.conf").read_text() == "; v2\n"


def test_many_hosts_share_one_repository(env: Env, central: Path, tmp_path: Path) -> None:
    _snapshot(env)
    assert env.run("remote", "add", "central", str(central)).exit_code == 0
    hosts = {}
    for n, host in enumerate(("pbx-paris", "PBX-Lyon.example.com")):
        repo = ["--repo", str(tmp_path / f"host{n}.git")]
        assert env.run(*repo, "snapshot").exit_code == 0
        assert env.run(*repo, "push", str(central), "--host", host,
                       "--account", "flex pbx").exit_code == 0
        hosts[host] = env.run(*repo, "--json", "log", "-n", "1").stdout
    assert env.run("push", *HOST_ARGS).exit_code == 0
    assert sorted(r for r in refs(central) if r.startswith("refs/heads/")) == [
        "refs/heads/flexgit/pbx-lyon.example.com/flex-pbx",
        "refs/heads/flexgit/pbx-paris/flex-pbx",
        BRANCH,
    ]
    fsck(central)
    assert env.run("fetch").exit_code == 0  # the only remote
    doc = json.loads(env.run("--json", "log", "--remote", "central").stdout)
    assert [(b["host"], b["account"]) for b in doc] == [
        ("pbx-lyon.example.com", "flex-pbx"), ("pbx-paris", "flex-pbx"), ("pbx1", "flexpbx")]
    # A branch deleted on the server is gone after the next fetch.
    git(central, "update-ref", "-d", "refs/heads/flexgit/pbx-paris/flex-pbx")
    r = env.run("fetch", "central")
    assert "gone from central: refs/remotes/central/flexgit/pbx-paris/flex-pbx" in r.stdout
    assert len(json.loads(env.run("--json", "log", "--remote").stdout)) == 2


def test_diverged_host_branch_needs_force(env: Env, central: Path, tmp_path: Path) -> None:
    _snapshot(env)
    assert env.run("push", str(central), *HOST_ARGS).exit_code == 0
    other = ["--repo", str(tmp_path / "recreated.git")]
    _ = env.run(*other, "snapshot", "-m", "a store made again")
    before = refs(central)
    r = env.run(*other, "push", str(central), *HOST_ARGS)
    assert r.exit_code == 1
    assert f"{BRANCH} not pushed: the remote branch has snapshots this store lacks" in r.stderr
    assert refs(central) == before
    r = env.run(*other, "push", str(central), *HOST_ARGS, "--force")
    assert r.exit_code == 0, r.output
    assert refs(central)[BRANCH] != before[BRANCH]


def test_unreachable_remote_is_one_clear_line(env: Env, tmp_path: Path) -> None:
    _snapshot(env)
    port = gitservers.free_port()  # nothing listens there
    r = env.run("push", f"git://127.0.0.1:{port}/central.git")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: git://127.0.0.1:{port}/central.git: ")
    assert r.stderr.count("\n") == 1
    r = env.run("push", str(tmp_path / "nowhere.git"))
    assert r.exit_code == 1
    assert (f"Error: no git repository at {tmp_path / 'nowhere.git'}; create one with "
            f"`git init --bare {tmp_path / 'nowhere.git'}`") in r.stderr
    assert env.run("push").stderr == ("Error: no remote configured; add one with "
                                      "`flexgit remote add NAME URL`\n")


# --- the central repository's pre-receive hook ------------------------------------


def _hand_commit(central: Path, tmp_path: Path, path: str, content: str) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "-b", "flexgit/pbx1/flexpbx", str(central),
                    str(clone)], check=True, capture_output=True)
    f = clone / path
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(content)
    subprocess.run(["git", "-C", str(clone), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(clone), "-c", "user.name=Admin", "-c",
                    "user.email=admin@pbx.invalid", "commit", "-q", "-m", "by hand"],
                   check=True)
    return clone


@pytest.mark.parametrize("kind", ["path", "daemon"])
def test_pre_receive_rejects_secrets_and_keeps_refs(env: Env, central: Path, tmp_path: Path,
                                                    kind: str) -> None:
    r = env.run("hooks", "install", "--server", str(central))
    assert r.exit_code == 0, r.output
    hook = central / "hooks" / "pre-receive"
    assert hook.stat().st_mode & 0o111
    assert "-m flexgit.serverhook" in hook.read_text()
    with _server(kind, central) as url:
        # A clean flexgit snapshot is accepted.
        _snapshot(env)
        r = env.run("push", url, *HOST_ARGS)
        assert r.exit_code == 0, r.output
        before = refs(central)
        # A commit made by hand with a real secret is not.
        clone = _hand_commit(central, tmp_path, "system/etc/asterisk/sip.conf",
                             "[6001]\ntype=friend\nsecret=RealPassw0rd99\n")
        res = subprocess.run(["git", "-C", str(clone), "push", url,
                              f"HEAD:{BRANCH}"], capture_output=True, text=True)
    assert res.returncode != 0
    assert "pre-receive hook declined" in res.stderr
    assert "system/etc/asterisk/sip.conf:3: keyword.secret  [" in res.stderr
    assert "RealPassw0rd99" not in res.stderr
    assert refs(central) == before
    fsck(central)


def test_flexgit_push_shows_the_servers_rejection(env: Env, central: Path,
                                                  tmp_path: Path) -> None:
    assert env.run("hooks", "install", "--server", str(central)).exit_code == 0
    # A profile with every sanitizer rule switched off lets secrets into the store.
    from flexgit.sanitize import RULE_NAMES

    cfg = tmp_path / "lax.toml"
    cfg.write_text(f"[sanitize]\ndisabled = {sorted(RULE_NAMES)!r}\n".replace("'", '"'))
    assert env.run("--config", str(cfg), "snapshot").exit_code == 0
    r = env.run("push", str(central), *HOST_ARGS)
    assert r.exit_code == 1
    assert "remote: flexgit: push rejected:" in r.stderr
    assert "keyword.secret" in r.stderr and "system/etc/asterisk/" in r.stderr
    assert (f"Error: {central} refused {BRANCH}: pre-receive hook declined; see the remote's "
            "messages above") in r.stderr
    assert refs(central) == {}


def test_audit_any_repo_reads_a_plain_repository(env: Env, central: Path,
                                                 tmp_path: Path) -> None:
    _snapshot(env)
    assert env.run("push", str(central), *HOST_ARGS).exit_code == 0
    clone = _hand_commit(central, tmp_path, "home/public_html/config.php",
                         "<?php\n$db_pass = 'S3cretDbPass';\n")
    subprocess.run(["git", "-C", str(clone), "push", "-q", "origin", f"HEAD:{BRANCH}"],
                   check=True, capture_output=True)
    on = ["--repo", str(central)]
    r = env.run(*on, "audit", "--any-repo", BRANCH)
    assert r.exit_code == 4
    sha = git(central, "rev-parse", BRANCH).stdout.strip()
    assert (f"commit {sha[:12]} of {central}: 1 possible secret(s) or personal data found"
            in r.stdout)
    assert "home/public_html/config.php:2:" in r.stdout and "S3cretDbPass" not in r.stdout
    r = env.run(*on, "audit", "--any-repo", git(central, "rev-parse", f"{BRANCH}~1").stdout.strip())
    assert r.exit_code == 0, r.output


# --- the private store ------------------------------------------------------------


def test_private_store_is_pushed_only_when_named_and_confirmed_twice(
        env: Env, central: Path, tmp_path: Path) -> None:
    assert env.run("snapshot", "--include-data").exit_code == 0
    _snapshot(env)
    assert env.run("remote", "add", "central", str(central)).exit_code == 0
    assert env.run("push", *HOST_ARGS).exit_code == 0
    assert not any("private" in ref for ref in refs(central))
    r = env.run("push", "--private", *HOST_ARGS)
    assert r.exit_code == 2 and "name the remote" in r.stderr
    r = env.run("-y", "push", "--private", "central", *HOST_ARGS)  # -y is not enough
    assert r.exit_code == 2
    assert ("refusing to push the private store without a second confirmation: no terminal to "
            "ask on; pass --yes-push-private") in r.stderr
    assert not any("private" in ref for ref in refs(central))
    r = env.run("push", "--private", "central", "--yes-push-private", *HOST_ARGS)
    assert r.exit_code == 0, r.output
    private = {ref for ref in refs(central) if "private" in ref}
    assert private == {"refs/heads/flexgit-private/pbx1/flexpbx/main"}
    fsck(central)




@pytest.mark.parametrize(("answers", "pushed"), [(("y", "n"), False), (("y", "y"), True)])
def test_private_push_asks_twice_on_a_terminal(env: Env, central: Path, answers: tuple[str, str],
                                               pushed: bool) -> None:
    pexpect = pytest.importorskip("pexpect")
    assert env.run("snapshot", "--include-data").exit_code == 0
    assert env.run("remote", "add", "central", str(central)).exit_code == 0
    child = pexpect.spawn(sys.executable, ["-m", "flexgit", *env.args(), "-y", "push",
                                           "--private", "central", *HOST_ARGS],
                          env={**os.environ, "NO_COLOR": "1"},
                          encoding="utf-8", timeout=60)
    child.expect("holds UNSANITIZED data")
    child.expect(r"Push it to central\? \[y/N\]")
    child.sendline(answers[0])
    child.expect(r"Really\? Anyone with access to that remote can read it \[y/N\]")
    child.sendline(answers[1])
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == (0 if pushed else 130)
    assert any("flexgit-private/" in ref for ref in refs(central)) is pushed


def test_url_credentials_never_printed_or_logged(env: Env) -> None:
    url = "https://alice:ghp_TOKENsecret123@git.example.net/x.git"
    r = env.run("remote", "add", "central", url)
    assert r.exit_code == 0, r.output
    r = env.run("--json", "remote", "list")
    assert "ghp_TOKENsecret123" not in r.stdout and "https://***@git.example.net" in r.stdout
    assert "ghp_TOKENsecret123" not in env.run("remote", "list").stdout
    log = (env.home / "logs" / "flexgit.log").read_text()
    assert "ghp_TOKENsecret123" not in log and "https://***@git.example.net/x.git" in log
