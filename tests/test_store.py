from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from flexgit.errors import NoRepository, UsageError
from flexgit.store import EXEC, FILE, LINK, Entry, Store, blob_id
from tests.conftest import fsck

_OPEN: list[Store] = []


def request_close(store: Store) -> None:
    _OPEN.append(store)


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def _commit(store: Store, files: dict[str, bytes], parent: str | None, msg: str = "m") -> str:
    w = store.writer()
    tree = store.write_tree(w, {p: Entry(FILE, w.add_blob(d)) for p, d in files.items()})
    sha = store.make_commit(w, tree=tree, parent=parent, message=msg + "\n")
    w.finish()
    store.move_head(parent, sha)
    return sha


def test_init_creates_bare_repo_git_accepts(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    assert (tmp_path / "s.git" / "flexgit").is_file()
    assert store.head() is None
    out = subprocess.run(["git", "--git-dir", str(tmp_path / "s.git"), "rev-parse",
                          "--is-bare-repository"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "true"
    # No temp directory left beside it.
    assert [p.name for p in tmp_path.iterdir()] == ["s.git"]


def test_init_refuses_non_empty_dir(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "file").write_text("hi")
    with pytest.raises(UsageError, match="exists and is not an empty directory"):
        Store.init(tmp_path / "x")


def test_open_missing_and_foreign(tmp_path: Path) -> None:
    with pytest.raises(NoRepository, match=r"no flexgit repository at .*run `flexgit init`"):
        Store.open(tmp_path / "nope")
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "plain.git")], check=True)
    with pytest.raises(NoRepository, match="is a git repository but not a flexgit store"):
        Store.open(tmp_path / "plain.git")


def test_commits_are_packed_fsck_clean_and_readable(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    files = {"home/a.txt": b"hello\n", "home/d/e/f.php": b"<?php\n", "system/etc/x": b""}
    c1 = _commit(store, files, None)
    c2 = _commit(store, {**files, "home/a.txt": b"changed\n"}, c1)
    fsck(tmp_path / "s.git")
    packs = list((tmp_path / "s.git" / "objects" / "pack").glob("*.idx"))
    assert len(packs) == 2
    assert not [p for p in (tmp_path / "s.git" / "objects").iterdir()
                if p.name not in ("pack", "info")], "no loose objects"
    tree = store.read_tree(c2)
    assert tree["home/a.txt"].sha == blob_id(b"changed\n")
    assert store.read_blob(tree["home/d/e/f.php"].sha) == b"<?php\n"
    log = subprocess.run(["git", "--git-dir", str(tmp_path / "s.git"), "log", "--format=%H"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert log == [c2, c1]
    # Blobs identical to C git's ids.
    out = subprocess.run(["git", "hash-object", "--stdin"], input=b"changed\n",
                         capture_output=True, check=True).stdout.decode().strip()
    assert out == tree["home/a.txt"].sha


def test_modes_and_symlinks_roundtrip(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    w = store.writer()
    files = {"home/run.sh": Entry(EXEC, w.add_blob(b"#!/bin/sh\n")),
             "home/link": Entry(LINK, w.add_blob(b"run.sh"))}
    tree = store.write_tree(w, files)
    sha = store.make_commit(w, tree=tree, parent=None, message="x\n")
    w.finish()
    store.move_head(None, sha)
    assert store.read_tree(sha) == files
    fsck(tmp_path / "s.git")


def test_write_tree_gives_the_tree_c_git_writes(tmp_path: Path) -> None:
    # Names whose order differs between plain and git sorting ("a" is a
    # directory, compared as "a/"), deep and shallow runs, unicode, modes.
    names = ["a/x", "a/b/c", "a.b", "a-b/y", "a0", "a!b", "b/c/d/e", "é/f", "z", "A/q"]
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    w = store.writer()
    files = {f"home/{n}": Entry(EXEC if i % 3 == 0 else FILE, w.add_blob(n.encode()))
             for i, n in enumerate(names)}
    files["home/l"] = Entry(LINK, w.add_blob(b"z"))
    ours = store.write_tree(w, files)
    w.finish()
    env = {"GIT_DIR": str(tmp_path / "s.git"), "GIT_INDEX_FILE": str(tmp_path / "index")}
    info = "".join(f"{e.mode:o} {e.sha}\t{p}\n" for p, e in files.items())
    subprocess.run(["git", "update-index", "--add", "--index-info"], input=info.encode(),
                   env=env, check=True)
    theirs = subprocess.run(["git", "write-tree"], env=env, check=True, capture_output=True,
                            text=True).stdout.strip()
    assert ours == theirs
    w = store.writer()
    assert store.write_tree(w, {}) == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty
    w.abort()


def test_move_head_is_compare_and_swap(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    c1 = _commit(store, {"home/a": b"1"}, None)
    c2 = _commit(store, {"home/a": b"2"}, c1)
    w = store.writer()
    tree = store.write_tree(w, {"home/a": Entry(FILE, w.add_blob(b"3"))})
    stale = store.make_commit(w, tree=tree, parent=c1, message="x\n")
    w.finish()
    with pytest.raises(Exception, match="moved while this command was writing"):
        store.move_head(c1, stale)
    assert store.head() == c2


def test_resolve_revisions(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    c1 = _commit(store, {"home/a": b"1"}, None)
    c2 = _commit(store, {"home/a": b"2"}, c1)
    c3 = _commit(store, {"home/a": b"3"}, c2)
    store.set_tag("before", c2)
    assert store.resolve("latest") == c3
    assert store.resolve("latest~2") == c1
    assert store.resolve("before") == c2
    assert store.resolve("before~1") == c1
    assert store.resolve(c1[:8]) == c1
    assert store.resolve(c1.upper()) == c1
    with pytest.raises(UsageError, match="fewer than 4 snapshots"):
        store.resolve("latest~3")
    with pytest.raises(UsageError, match="unknown revision 'nope'"):
        store.resolve("nope")
    with pytest.raises(UsageError, match="tag 'before' exists already"):
        store.set_tag("before", c3)
    with pytest.raises(UsageError, match="invalid tag name"):
        store.set_tag("bad..name", c3)


def test_aborted_writer_leaves_nothing(tmp_path: Path) -> None:
    store = Store.init(tmp_path / "s.git")
    request_close(store)
    w = store.writer()
    w.add_blob(b"x" * 1000)
    w.abort()
    assert list((tmp_path / "s.git" / "objects" / "pack").iterdir()) == []


def test_config_is_0600_and_tightened_on_rewrite(tmp_path: Path) -> None:
    from flexgit.store import set_remote

    store = Store.init(tmp_path / "s.git")
    request_close(store)
    config = tmp_path / "s.git" / "config"
    assert config.stat().st_mode & 0o777 == 0o600
    config.chmod(0o644)
    set_remote(store, "c", "https://u:pw@example.com/r.git")
    assert config.stat().st_mode & 0o777 == 0o600


def test_reading_a_damaged_pack_is_integrity_error(tmp_path: Path) -> None:
    from flexgit.errors import IntegrityError

    store = Store.init(tmp_path / "s.git")
    request_close(store)
    sha = _commit(store, {f"home/f{i}.txt": b"line %d\n" % i * 300 for i in range(20)}, None)
    pack = next((tmp_path / "s.git" / "objects" / "pack").glob("*.pack"))
    pack.chmod(0o644)
    data = bytearray(pack.read_bytes())
    for i in range(100, len(data) - 20, 50):
        data[i] ^= 0xFF
    pack.write_bytes(bytes(data))
    damaged = Store.open(tmp_path / "s.git")
    request_close(damaged)
    with pytest.raises(IntegrityError, match=r"is damaged: .* run `flexgit check`$"):
        for e in damaged.read_tree(sha).values():
            damaged.read_blob(e.sha)
    damaged.close()  # no BufferError from the views a failed read left
