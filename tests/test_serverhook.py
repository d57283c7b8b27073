"""The central guard: a bare repository with the pre-receive hook installed by
`flexgit hooks install --server`, served by a real `git daemon`, pushed to by
the C git binary. Objects are crafted with git itself (hash-object, mktree,
commit-tree, tag -a, mktag): the pushes a hostile or careless client can make.

Every push runs twice: with git's default unpack limit (a few objects arrive
loose) and with receive.unpackLimit=1, so even one object arrives as a pack
in the quarantine directory, as a real first snapshot always does."""

from __future__ import annotations

import os
import struct
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit.cli import cli
from flexgit.serverhook.guard import MAX_TAG_CHAIN, check
from flexgit.serverhook.objects import CannotRead, Objects
from tests import gitservers
from tests.conftest import Env
from tests.gitservers import bare_repo, fsck, git, refs

SECRET = "RealPassw0rd99"
SIP = f"[6001]\ntype=friend\nsecret={SECRET}\n"  # keyword.secret on line 3
CLEAN = "[general]\nbindport=5060\n"
BRANCH = "refs/heads/flexgit/pbx1/flexpbx"
SAMPLE_FILES = 36  # what a snapshot of the small sample installation holds


@dataclass
class Server:
    central: Path
    url: str


@pytest.fixture(params=["loose", "pack"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    base = tmp_path / "srv"
    base.mkdir()
    central = bare_repo(base / "central.git")
    r = CliRunner().invoke(cli, ["hooks", "install", "--server", str(central)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    if request.param == "pack":
        git(central, "config", "receive.unpackLimit", "1")
    with gitservers.git_daemon(base) as url:
        yield Server(central, f"{url}/central.git")


@dataclass
class Work:
    """A client repository in which objects are made by hand."""

    path: Path

    def git(self, *args: str, input: bytes | None = None) -> str:
        res = subprocess.run(["git", "-C", str(self.path), "-c", "user.name=Admin",
                              "-c", "user.email=admin@pbx.invalid", *args], input=input,
                             capture_output=True, check=True)
        return res.stdout.decode("utf-8", "replace").strip()

    def blob(self, data: bytes | str) -> str:
        raw = data.encode() if isinstance(data, str) else data
        return self.git("hash-object", "-w", "--stdin", input=raw)

    def tree(self, *entries: tuple[str, str, bytes | str]) -> str:
        """(mode, id, name) entries; the kind follows from the mode."""
        lines = b""
        for mode, sha, name in entries:
            kind = "tree" if mode == "040000" else "commit" if mode == "160000" else "blob"
            raw = name.encode() if isinstance(name, str) else name
            lines += f"{mode} {kind} {sha}\t".encode() + raw + b"\n"
        return self.git("mktree", "--missing", input=lines)

    def commit(self, tree: str, message: bytes | str = "snapshot", *parents: str) -> str:
        raw = message.encode() if isinstance(message, str) else message
        args = [a for p in parents for a in ("-p", p)]
        return self.git("commit-tree", tree, *args, "-F", "-", input=raw)

    def clean_commit(self) -> str:
        return self.commit(self.tree(("100644", self.blob(CLEAN), "sip.conf")))

    def tag(self, name: str, target: str, message: str = "tagged") -> str:
        self.git("tag", "-a", name, target, "-m", message)
        return self.git("rev-parse", f"refs/tags/{name}")

    def push(self, url: str, *specs: str,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(self.path), "push", url, *specs],
                              capture_output=True, text=True, check=False,
                              env=None if env is None else {**os.environ, **env})


@pytest.fixture
def work(tmp_path: Path) -> Work:
    path = tmp_path / "work"
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return Work(path)


def refused(server: Server, res: subprocess.CompletedProcess[str], *lines: str,
            before: dict[str, str] | None = None) -> None:
    """The push was rejected by the guard with these finding lines, no value shown,
    and the central repository is as it was."""
    assert res.returncode != 0, res.stderr
    assert "pre-receive hook declined" in res.stderr, res.stderr
    for line in lines:
        assert f"remote: flexgit:   {line}" in res.stderr, res.stderr
    assert SECRET not in res.stderr
    assert refs(server.central) == (before or {})
    fsck(server.central)


# --- what got past the guard: each pushed alone -------------------------------------
#
# A case makes its objects in the client repository and returns the refspec
# to push and the line the guard must answer with (after "ref: ").


def _png_with_text(text: str) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I",
                                                                        zlib.crc32(kind + data))
    pixels = zlib.compress(b"\x00\x80\x80\x80" * 4)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 4, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\0" + text.encode()) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def _file_commit(w: Work, data: bytes | str, name: bytes | str = "sip.conf") -> str:
    return w.commit(w.tree(("100644", w.blob(data), name)))


def _blob_tag(w: Work) -> tuple[str, str]:
    w.tag("cfg", w.blob(SIP))
    return "refs/tags/cfg", "tag cfg:3: keyword.secret"


def _tree_tag(w: Work) -> tuple[str, str]:
    w.tag("cfg", w.tree(("100644", w.blob(SIP), "sip.conf")))
    return "refs/tags/cfg", "tag cfg:sip.conf:3: keyword.secret"


def _blob_ref(w: Work) -> tuple[str, str]:
    return f"{w.blob(SIP)}:refs/tags/raw", "refs/tags/raw:3: keyword.secret"


def _tree_ref(w: Work) -> tuple[str, str]:
    tree = w.tree(("100644", w.blob(SIP), "sip.conf"))
    return f"{tree}:refs/tags/raw", "refs/tags/raw:sip.conf:3: keyword.secret"


def _tag_message(w: Work) -> tuple[str, str]:
    sha = w.tag("v1", w.clean_commit(), f"release\n\nadmin password: {SECRET}\n")
    return "refs/tags/v1", f"tag {sha[:12]}: keyword.secret"


def _commit_message(w: Work) -> tuple[str, str]:
    tree = w.tree(("100644", w.blob(CLEAN), "sip.conf"))
    sha = w.commit(tree, f"snapshot\n\npassword: {SECRET}\n")
    return f"{sha}:refs/heads/main", f"commit {sha[:12]}: keyword.secret"


def _latin1_message(w: Work) -> tuple[str, str]:
    # With its encoding header, as `git -c i18n.commitEncoding=ISO-8859-1` writes it.
    tree = w.tree(("100644", w.blob(CLEAN), "sip.conf"))
    sha = w.git("-c", "i18n.commitEncoding=ISO-8859-1", "commit-tree", tree, "-F", "-",
                input=f"Änderung\n\npassword={SECRET}\n".encode("latin-1"))
    assert "encoding ISO-8859-1" in w.git("cat-file", "commit", sha)
    return f"{sha}:refs/heads/main", f"commit {sha[:12]}: keyword.secret"


IDENT = "Admin <admin@pbx.invalid> 1700000000 +0000"


def _raw_commit(w: Work, headers: str, field: str) -> tuple[str, str]:
    """A commit written byte for byte (hash-object), with `headers` after its tree."""
    tree = w.tree(("100644", w.blob(CLEAN), "sip.conf"))
    raw = f"tree {tree}\n{headers}\nsnapshot\n"
    sha = w.git("hash-object", "-t", "commit", "-w", "--stdin", input=raw.encode())
    return f"{sha}:refs/heads/main", f"commit {sha[:12]} {field}: keyword.secret"


def _commit_header(w: Work) -> tuple[str, str]:
    return _raw_commit(w, f"author {IDENT}\ncommitter {IDENT}\nx-note password={SECRET}\n",
                       "x-note")


def _identity(w: Work) -> tuple[str, str]:
    return _raw_commit(w, f"author password={SECRET} <admin@pbx.invalid> 1700000000 +0000\n"
                          f"committer {IDENT}\n", "author")


def _chain(w: Work, length: int, target: str) -> str:
    for i in range(length):
        target = w.tag(f"t{i}", target)
    return f"refs/tags/t{length - 1}"


def _chain_of_12(w: Work) -> tuple[str, str]:
    return _chain(w, 12, _file_commit(w, SIP)), "sip.conf:3: keyword.secret"


def _chain_of_12_to_a_blob(w: Work) -> tuple[str, str]:
    return _chain(w, 12, w.blob(SIP)), "tag t0:3: keyword.secret"


def _chain_past_the_bound(w: Work) -> tuple[str, str]:
    return (_chain(w, MAX_TAG_CHAIN + 1, w.clean_commit()),
            f"(tag chain): more than {MAX_TAG_CHAIN} tags deep; the guard follows no further "
            f"and lets nothing in unread")


def _link_url(w: Work) -> tuple[str, str]:
    tree = w.tree(("120000", w.blob(f"https://admin:{SECRET}@pbx.example.com/"), "prov"))
    return f"{w.commit(tree)}:refs/heads/main", "prov:target: vendor.basic_auth"


def _link_path(w: Work) -> tuple[str, str]:
    tree = w.tree(("120000", w.blob(f"/etc/secret={SECRET}"), "keys"))
    return f"{w.commit(tree)}:refs/heads/main", "keys:target: keyword.secret"


def _file_name(w: Work) -> tuple[str, str]:
    return (f"{_file_commit(w, CLEAN, f'secret={SECRET}'.encode())}:refs/heads/main",
            "secret=…:name: keyword.secret")


def _latin1_file_name(w: Work) -> tuple[str, str]:
    name = f"Jürgen password={SECRET}".encode("latin-1")
    return (f"{_file_commit(w, CLEAN, name)}:refs/heads/main",
            "Jürgen password=…:name: keyword.secret")


def _empty_directory_name(w: Work) -> tuple[str, str]:
    tree = w.tree(("040000", w.tree(), f"password={SECRET}"))
    return f"{w.commit(tree)}:refs/heads/main", "password=…:name: keyword.secret"


def _encoded(data: bytes, line: str) -> Case:
    def case(w: Work) -> tuple[str, str]:
        return f"{_file_commit(w, data)}:refs/heads/main", line
    return case


def _image(data: bytes) -> Case:
    def case(w: Work) -> tuple[str, str]:
        return (f"{_file_commit(w, data, 'a.png')}:refs/heads/main",
                "a.png (image metadata): keyword.secret")
    return case


def _ancestor(w: Work) -> tuple[str, str]:
    clean = w.tree(("100644", w.blob(CLEAN), "sip.conf"))
    return f"{w.commit(clean, 'clean', _file_commit(w, SIP))}:refs/heads/main", \
        "sip.conf:3: keyword.secret"


Case = Callable[[Work], tuple[str, str]]
BYPASSES: dict[str, Case] = {
    "tag of a blob": _blob_tag,
    "tag of a tree": _tree_tag,
    "ref to a blob": _blob_ref,
    "ref to a tree": _tree_ref,
    "tag message": _tag_message,
    "commit message": _commit_message,
    "Latin-1 commit message": _latin1_message,
    "commit header": _commit_header,
    "author name": _identity,
    "chain of 12 tags": _chain_of_12,
    "chain of 12 tags to a blob": _chain_of_12_to_a_blob,
    "chain past the bound": _chain_past_the_bound,
    "symlink to a URL": _link_url,
    "symlink to a path": _link_path,
    "file name": _file_name,
    "Latin-1 file name": _latin1_file_name,
    "empty directory name": _empty_directory_name,
    "Latin-1 file": _encoded((SIP + "; Jürgen's phone\n").encode("latin-1"),
                             "sip.conf:3: keyword.secret"),
    "UTF-16 file": _encoded(SIP.encode("utf-16"), "sip.conf:3: keyword.secret"),
    "UTF-16 file without BOM": _encoded(SIP.encode("utf-16-le"), "sip.conf:3: keyword.secret"),
    "file with NULs": _encoded(SIP.encode() + b"\0" * 16, "sip.conf:binary: guard.binary"),
    "file with control bytes": _encoded(SIP.encode().replace(b"\n", b"\n\x01\x02"),
                                        "sip.conf:binary: guard.binary"),
    "secret in an ancestor": _ancestor,
    "image metadata": _image(_png_with_text(f"password={SECRET}")),
    "text after an image's end": _image(_png_with_text("x") + f"\npassword={SECRET}\n".encode()),
}


@pytest.mark.parametrize("case", BYPASSES)
def test_each_bypass_is_refused(server: Server, work: Work, case: str) -> None:
    spec, line = BYPASSES[case](work)
    ref = "refs/" + spec.rpartition(":refs/")[2] if ":refs/" in spec else spec
    refused(server, work.push(server.url, spec), f"{ref}: {line}")


def test_a_push_on_top_of_accepted_history_reads_what_it_adds(server: Server,
                                                              work: Work) -> None:
    conf = work.tree(("100644", work.blob(CLEAN), "sip.conf"))
    base = work.commit(work.tree(("040000", conf, "asterisk")))
    assert work.push(server.url, f"{base}:refs/heads/main").returncode == 0
    before = refs(server.central)
    # Accepted content under a new name: the name is new, and read.
    moved = work.commit(work.tree(("040000", conf, f"password={SECRET}")), "moved", base)
    res = work.push(server.url, f"{moved}:refs/heads/main")
    refused(server, res, "refs/heads/main: password=…:name: keyword.secret", before=before)
    # A secret in one changed file on top of accepted history.
    changed = work.commit(work.tree(("040000", work.tree(("100644", work.blob(SIP), "sip.conf")),
                                     "asterisk")), "changed", base)
    res = work.push(server.url, f"{changed}:refs/heads/main")
    refused(server, res, "refs/heads/main: asterisk/sip.conf:3: keyword.secret", before=before)


def test_a_finding_acknowledged_in_the_profile_gets_in(tmp_path: Path, work: Work) -> None:
    central = bare_repo(tmp_path / "central.git")
    assert CliRunner().invoke(cli, ["hooks", "install", "--server", str(central)]).exit_code == 0
    spec, _line = _file_name(work)
    res = work.push(str(central), spec)
    assert res.returncode != 0
    found = [ln for ln in res.stderr.splitlines() if ":name: keyword.secret  [" in ln]
    assert len(found) == 1, res.stderr
    fp = found[0].split("[")[1].split("]")[0]
    cfg = tmp_path / "central.toml"
    cfg.write_text(f'[audit]\nallow = ["{fp}"]\n')
    res = work.push(str(central), spec, env={"FLEXGIT_CONFIG": str(cfg)})
    assert res.returncode == 0, res.stderr
    assert list(refs(central)) == ["refs/heads/main"]


def test_an_object_too_large_to_read_fails_closed(work: Work) -> None:
    big = work.blob("x" * 4096)
    commit = work.commit(work.tree(("100644", big, "big.txt")))
    updates = [("0" * 40, commit, "refs/heads/main")]
    with Objects(work.path / ".git", max_object=1024) as objects, \
            pytest.raises(CannotRead, match=f"^blob {big} is 4096 bytes, more than the guard "
                                            f"reads \\(1024 bytes\\)$"):
        check(objects, updates)
    with Objects(work.path / ".git") as objects:
        assert check(objects, updates) == []


# --- what is let in, and how fast ---------------------------------------------


def _large_installation(env: Env, total: int = 900) -> None:
    """The sample installation grown to `total` files of ordinary PHP, about
    20 KB each: past transfer.unpackLimit and past the 16 MiB after which the
    old reader reopened the repository without the quarantine."""
    modules = env.home / "public_html/modules"
    for i in range(total - SAMPLE_FILES):
        rows = "".join(f"    ['id' => {i * 1000 + r}, 'label' => 'Row {r} of module {i:04d}', "
                       f"'enabled' => {'true' if r % 3 else 'false'}],\n" for r in range(260))
        p = modules / f"m{i // 100:02d}" / f"module_{i:04d}.php"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"<?php\ndeclare(strict_types=1);\n\n/** FlexPBX portal module {i:04d}. "
                     f"*/\nfunction module_{i:04d}(): array\n{{\n    return [\n{rows}    ];\n}}\n")


def _accepted(env: Env, server: Server, sha: str) -> float:
    """Push `sha` as the host branch with C git; it must get in. Seconds taken."""
    started = time.monotonic()
    res = subprocess.run(["git", "--git-dir", str(env.repo), "push", server.url,
                          f"{sha}:{BRANCH}"], capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    assert res.returncode == 0, res.stderr
    assert refs(server.central) == {BRANCH: sha}
    fsck(server.central)
    return took


# git's default unpack limit: 900 objects arrive as one pack in the quarantine.
@pytest.mark.parametrize("server", ["loose"], indirect=True)
def test_a_900_file_first_snapshot_is_accepted(env: Env, server: Server, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _large_installation(env)
    r = env.run("snapshot")
    assert r.exit_code == 0 and "900 files" in r.stdout, r.output
    head = env.store().head()
    assert head is not None
    took = _accepted(env, server, head)
    # The next snapshot brings one file: only what is new is read.
    (env.root / "etc/asterisk/features.conf").write_text("; changed\n")
    assert env.run("snapshot").exit_code == 0
    second = env.store().head()
    assert second is not None
    # What the guard would read of it: a copy of the central repository that
    # holds the new objects but no ref to them, as a quarantine does.
    scratch = bare_repo(tmp_path / "scratch.git")
    git(scratch, "fetch", "-q", str(server.central), "+refs/heads/*:refs/heads/*")
    git(scratch, "fetch", "-q", str(env.repo), "main")
    with Objects(scratch) as objects:
        new = objects.new_objects([second])
    kinds = sorted(git(scratch, "cat-file", "-t", sha).stdout.strip() for sha in new)
    # The commit, features.conf and the flexgit manifest, and the trees down to them.
    assert kinds.count("commit") == 1 and len(kinds) <= 12, kinds
    again = _accepted(env, server, second)
    with capsys.disabled():
        print(f"\n900-file first push through the guard: {took:.1f} s; next snapshot: "
              f"{again:.1f} s")


def test_a_clean_push_of_crafted_objects_is_accepted(server: Server, work: Work) -> None:
    clean = work.clean_commit()
    work.tag("v1", clean)
    tree = work.tree(("100644", work.blob(CLEAN), "sip.conf"),
                     ("120000", work.blob("../etc/asterisk/sip.conf"), "link"))
    work.tag("treetag", tree)
    res = work.push(server.url, f"{clean}:refs/heads/main", "refs/tags/v1", "refs/tags/treetag")
    assert res.returncode == 0, res.stderr
    assert set(refs(server.central)) == {"refs/heads/main", "refs/tags/v1", "refs/tags/treetag"}
