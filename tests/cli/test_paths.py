"""Path-level work as restic and git users expect it (issue 14), through the
installed console scripts: restore REV -- PATH, --include/--exclude,
--target DIR, ls, dump, log PATH, show REV DIR; and exports of any snapshot
as flx or flxx."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flexgit import sample
from flexgit.sanitize import SECRET_PLACEHOLDER
from tests.conftest import Env, path_without, tree_state
from tests.test_hooks import events, recorder

BIN = Path(sys.executable).parent
PJSIP = "system/etc/asterisk/pjsip.conf"
SIP = "system/etc/asterisk/sip.conf"


def script(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment (pip install -e .)")
    return str(path)


def fg(env: Env, *args: str, path: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed `flexgit` at the test's installation; bytes out, as dump writes them."""
    e = {**os.environ, "NO_COLOR": "1", "HOME": str(env.tmp)}
    if path is not None:
        e["PATH"] = path
    return subprocess.run([script("flexgit"), *env.args(), *args], capture_output=True,
                          env=e, timeout=120)


def ok(r: subprocess.CompletedProcess[bytes], code: int = 0) -> str:
    assert r.returncode == code, r.stderr.decode()
    return r.stdout.decode()


def error_line(r: subprocess.CompletedProcess[bytes], code: int = 2) -> str:
    """The one line a refused command prints."""
    assert r.returncode == code, (r.stdout, r.stderr)
    lines = r.stderr.decode().splitlines()
    assert len(lines) == 1 and r.stdout == b"", lines
    return lines[0]


def git_blob(env: Env, rev: str, path: str) -> bytes:
    return env.git("cat-file", "blob", f"{rev}:{path}")


def _history(env: Env) -> Env:
    """Three snapshots: the second changes pjsip.conf and adds api/added.php,
    the third deletes added.php and adds docs/extra.md."""
    ok(fg(env, "snapshot", "-m", "first"))
    with open(env.root / "etc/asterisk/pjsip.conf", "a") as f:
        f.write("\n; second snapshot\n")
    (env.home / "public_html/api/added.php").write_text("<?php echo 'added';\n")
    ok(fg(env, "snapshot", "-m", "second"))
    (env.home / "public_html/docs/extra.md").write_text("# notes\n")
    (env.home / "public_html/api/added.php").unlink()
    ok(fg(env, "snapshot", "-m", "third"))
    return env


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """One installation with three snapshots for the tests that change neither
    (a snapshot costs a second of CPU: the suite's budget is shared)."""
    tmp = tmp_path_factory.mktemp("paths")
    home, root = tmp / "home" / "flexpbx", tmp / "root"
    home.mkdir(parents=True)
    root.mkdir()
    yield _history(Env(sample.build(home, root), tmp / "store.git", tmp))


@pytest.fixture
def two(shared: Env) -> Iterator[Env]:
    """The shared installation, checked unchanged after each test."""
    before = tree_state(shared.home, shared.root)
    yield shared
    assert tree_state(shared.home, shared.root) == before


def test_ls_like_restic_mode_size_path_and_json(two: Env) -> None:
    lines = ok(fg(two, "ls", "latest", "system/etc/asterisk")).splitlines()
    size = int(two.git("cat-file", "-s", f"main:{PJSIP}"))
    assert lines[0] == f"d?????????  {0:>10}  system/etc/asterisk/"
    assert f"-rw-r-----  {size:>10}  {PJSIP}" in lines
    names = {line.split()[-1] for line in lines[1:]}
    tree = two.git("ls-tree", "--name-only", "main:system/etc/asterisk").decode().split()
    assert names == {f"system/etc/asterisk/{n}" for n in tree}
    # An absolute path names the same directory; a file lists itself.
    assert ok(fg(two, "ls", "latest", "/etc/asterisk")).splitlines() == lines
    doc = json.loads(ok(fg(two, "--json", "ls", "latest~1", "home/public_html/api")))
    paths = [e["path"] for e in doc["entries"]]
    assert "home/public_html/api/added.php" in paths and paths[0] == "home/public_html/api"
    one = json.loads(ok(fg(two, "--json", "ls", "latest", PJSIP)))["entries"]
    assert one == [{"path": PJSIP, "type": "file", "mode": "0640", "permissions": "-rw-r-----",
                    "size": size, "owner": one[0]["owner"], "group": one[0]["group"]}]
    everything = ok(fg(two, "ls")).splitlines()
    assert not any(".flexgit" in line for line in everything)
    assert len([x for x in everything if not x.startswith("d")]) == \
        len(two.git("ls-tree", "-r", "--name-only", "main").split()) - 2


def test_paths_are_checked_with_one_line_and_a_suggestion(two: Env) -> None:
    assert error_line(fg(two, "ls", "latest", "system/etc/asterisk/pjsip.con")) == (
        f"Error: system/etc/asterisk/pjsip.con is not in snapshot "
        f"{two.git('rev-parse', 'main').decode()[:12]}; did you mean {PJSIP} or {SIP}"
        f" or system/etc/asterisk/iax.conf?")
    # A path typed without its side is most likely in one.
    assert error_line(fg(two, "dump", "latest", "public_html/docs/extra.md")).endswith(
        "; did you mean home/public_html/docs/extra.md?")
    # Every command that takes a PATH refuses one that climbs (more forms: test_selection).
    for escape, cmd in (("../../etc/passwd", ("ls", "latest")),
                        ("home/../../var/lib/x/id_rsa", ("dump", "latest")),
                        ("/etc/../etc/shadow", ("show", "latest")),
                        ("system/etc/asterisk/../../..", ("log",)),
                        ("home/public_html/../../../x", ("restore", "--dry-run", "latest", "--"))):
        line = error_line(fg(two, *cmd, escape))
        assert line == (f"Error: {escape}: '..' is not allowed in a snapshot path; name "
                        f"the file as home/… or system/…"), (cmd, line)


def test_dump_writes_the_stored_bytes_placeholders_and_all(two: Env) -> None:
    r = fg(two, "dump", "latest", PJSIP)
    assert ok(r) and r.stdout == git_blob(two, "main", PJSIP)
    assert SECRET_PLACEHOLDER.encode() in r.stdout
    old = fg(two, "dump", "latest~2", "/etc/asterisk/pjsip.conf")
    assert old.returncode == 0 and old.stdout == git_blob(two, "main~2", PJSIP)
    assert old.stdout != r.stdout
    png = "home/public_html/portal/img/logo.png"
    r = fg(two, "dump", "latest", png)
    assert r.returncode == 0 and r.stdout == git_blob(two, "main", png)
    assert r.stdout.startswith(b"\x89PNG")
    assert error_line(fg(two, "dump", "latest", "system/etc/asterisk")) == (
        "Error: system/etc/asterisk is a directory in snapshot "
        f"{two.git('rev-parse', 'main').decode()[:12]}; `flexgit ls latest "
        f"system/etc/asterisk` lists it")


def test_show_lists_a_directory(two: Env) -> None:
    out = ok(fg(two, "show", "latest", "system/etc/asterisk")).splitlines()
    names = two.git("ls-tree", "--name-only", "main:system/etc/asterisk").decode().split()
    assert out[0] == (f"system/etc/asterisk/ in snapshot "
                      f"{two.git('rev-parse', 'main').decode()[:12]}: {len(names)} entries")
    assert [line.split()[-1] for line in out[1:]] == sorted(names)
    top = ok(fg(two, "show", "latest", "home")).splitlines()
    assert "public_html/" in [line.split()[-1] for line in top[1:]]
    doc = json.loads(ok(fg(two, "--json", "show", "latest", "/etc/asterisk")))
    assert doc["type"] == "dir" and {e["path"] for e in doc["entries"]} == \
        {f"system/etc/asterisk/{n}" for n in names}
    # A file still shows its content.
    assert ok(fg(two, "show", "latest", PJSIP)).encode() == git_blob(two, "main", PJSIP)


def test_log_path_lists_the_snapshots_that_changed_it(two: Env) -> None:
    ids = two.git("rev-list", "main").decode().split()  # newest first
    doc = json.loads(ok(fg(two, "--json", "log", PJSIP)))
    assert [(d["id"], d["added"], d["modified"], d["deleted"]) for d in doc] == \
        [(ids[1], 0, 1, 0), (ids[2], 1, 0, 0)]
    assert [d["id"] for d in json.loads(ok(fg(two, "--json", "log", "home/public_html")))] \
        == ids  # the first snapshot added them, each later one changed some
    text = ok(fg(two, "log", "-n", "1", "--", "/etc/asterisk")).splitlines()
    assert len(text) == 1 and text[0].startswith(ids[1][:12]) and text[0].endswith("(+0 ~1 -0)")
    # Deleted by a later snapshot: it is listed with -1.
    gone = json.loads(ok(fg(two, "--json", "log", "home/public_html/api/added.php")))
    assert [(d["message"], d["added"], d["deleted"]) for d in gone] == \
        [("third", 0, 1), ("second", 1, 0)]
    assert error_line(fg(two, "log", "system/etc/asterisk/nope.conf")).startswith(
        "Error: system/etc/asterisk/nope.conf is in no snapshot of the history")


def test_partial_restore_plans_saves_undoes_and_hooks_only_the_part(env: Env) -> None:
    two = env
    ok(fg(two, "snapshot"))
    log = two.tmp / "hooks.jsonl"
    recorder(two, "pre-restore", log)
    recorder(two, "post-restore", log, name="60-record")
    pjsip, sip = two.root / "etc/asterisk/pjsip.conf", two.root / "etc/asterisk/sip.conf"
    pjsip.write_text(pjsip.read_text() + "; local edit 1\n")
    sip.write_text(sip.read_text() + "; local edit 2\n")
    edited = {p: p.read_bytes() for p in (pjsip, sip)}
    plan = json.loads(ok(fg(two, "--json", "restore", "--dry-run", "latest", "--", PJSIP)))
    assert [(a["path"], a["action"]) for a in plan["actions"]] == [(PJSIP, "update")]
    assert plan["source"] == f"latest -- {PJSIP}"
    before = tree_state(two.home, two.root)
    ok(fg(two, "-y", "restore", "latest", "--", "/etc/asterisk/pjsip.conf"))
    assert sip.read_bytes() == edited[sip]  # outside the part: untouched
    assert b"; local edit 1" not in pjsip.read_bytes()
    ran = events(log)
    assert [e["FLEXGIT_EVENT"] for e in ran] == ["pre-restore", "post-restore"]
    assert all(e["FLEXGIT_PATHS"] == PJSIP and "FLEXGIT_INCLUDE" not in e for e in ran)
    assert ran[1]["FLEXGIT_WRITTEN"] == "1"
    # Edits made after the restore outside the part survive its undo.
    sip.write_text(sip.read_text() + "; edit after the restore\n")
    after_restore_sip = sip.read_bytes()
    out = ok(fg(two, "-y", "undo"))
    assert "1 files put back, 0 created files removed" in out
    assert pjsip.read_bytes() == edited[pjsip] and sip.read_bytes() == after_restore_sip
    state = tree_state(two.home, two.root)
    bookkeeping = (str(two.home / "backup"), str(two.home / ".flexgit-restore.lock"))
    changed = {p for p in set(before) | set(state)
               if before.get(p) != state.get(p) and not p.startswith(bookkeeping)}
    assert changed == {str(sip)}


def test_include_exclude_and_fresh_of_a_part(env: Env) -> None:
    two = env
    ok(fg(two, "snapshot"))
    pjsip, sip = two.root / "etc/asterisk/pjsip.conf", two.root / "etc/asterisk/sip.conf"
    for p in (pjsip, sip):
        p.write_text(p.read_text() + "; drifted\n")
    extra_conf = two.root / "etc/asterisk/extra.conf"
    extra_conf.write_text("[general]\n")
    extra_php = two.home / "public_html/api/local.php"
    extra_php.write_text("<?php\n")
    plan = json.loads(ok(fg(two, "--json", "restore", "--dry-run", "latest", "--include",
                            "*.conf", "--exclude", SIP)))
    acts = {a["path"]: a["action"] for a in plan["actions"]}
    assert acts[PJSIP] == "update" and SIP not in acts
    assert acts["system/etc/asterisk/extra.conf"] == "preserve"
    assert all(p.endswith(".conf") for p in acts)
    assert plan["source"] == f"latest --include *.conf --exclude {SIP}"
    # fresh of a directory: its files become the snapshot's, nothing else moves
    # (no first admin, no user data deleted, no fresh directories); a system
    # file the snapshot lacks stays, as in every fresh restore (it may be
    # another account's on a shared server).
    users = tree_state(two.home / "admins", two.home / "users")
    out = ok(fg(two, "-y", "restore", "-m", "fresh", "latest", "--", "system/etc/asterisk"))
    assert "temporary admin password" not in out
    assert extra_conf.exists() and extra_php.exists()
    assert tree_state(two.home / "admins", two.home / "users") == users
    assert pjsip.read_bytes().count(b"; drifted") == 0
    assert error_line(fg(two, "restore", "--dry-run", "latest", "--include", "etc/*.conf")) \
        .startswith("Error: --include etc/*.conf matches nothing in snapshot ")


def test_target_dir_writes_plain_files_and_nothing_else(two: Env) -> None:
    before = tree_state(two.home, two.root)
    target = two.tmp / "inspect-plain"
    # No sudo or visudo is needed: nothing privileged is written or checked.
    bare = path_without(two.tmp, "visudo", "sudo")
    dry = json.loads(ok(fg(two, "--json", "restore", "--dry-run", "latest~1", "--target",
                           str(target), path=bare)))
    assert not target.exists() and {a["action"] for a in dry["actions"]} == {"create"}
    out = ok(fg(two, "restore", "latest~1", "--target", str(target), path=bare))
    assert "the installation was not touched" in out
    assert tree_state(two.home, two.root) == before
    files = two.git("ls-tree", "-r", "main~1").decode().splitlines()
    for line in files:
        meta, path = line.split("\t")
        if path.startswith(".flexgit/"):
            continue
        p = target / path
        if meta.startswith("120000"):
            assert os.readlink(p).encode() == git_blob(two, "main~1", path)
        else:
            assert p.read_bytes() == git_blob(two, "main~1", path), path
            assert p.stat().st_uid == os.geteuid()
    sudoers = target / "system/etc/sudoers.d/flexpbx-asterisk"
    assert sudoers.stat().st_mode & 0o777 == 0o440  # as the snapshot records it
    assert SECRET_PLACEHOLDER.encode() in (target / PJSIP).read_bytes()
    # Again: equal files are kept; a part adds only itself to another directory.
    again = json.loads(ok(fg(two, "--json", "restore", "latest~1", "--target", str(target))))
    assert again["written"] == 0
    part = two.tmp / "inspect-part"
    ok(fg(two, "restore", "latest", "--target", str(part), "--", "system/etc/asterisk"))
    assert {p.name for p in part.iterdir()} == {"system"}
    assert (part / PJSIP).read_bytes() == git_blob(two, "main", PJSIP)


def test_target_dir_never_writes_outside_it(two: Env) -> None:
    outside = two.tmp / "outside"
    outside.mkdir()
    target = two.tmp / "inspect-symlinked"
    (target / "system").mkdir(parents=True)
    (target / "system/etc").symlink_to(outside)
    r = fg(two, "restore", "latest", "--target", str(target))
    assert r.returncode == 3, r.stderr
    assert list(outside.iterdir()) == []
    assert f"warning: {PJSIP} skipped: unsafe target: {target}/system/etc is a symlink" in \
        r.stderr.decode()
    assert (target / "home/public_html/docs/extra.md").exists()
    # DIR/home would be the installation's home: refused before anything.
    trick = two.tmp / "trick"
    trick.mkdir()
    (trick / "home").symlink_to(two.home)
    before = tree_state(two.home, two.root)
    assert error_line(fg(two, "restore", "latest", "--target", str(trick))) == (
        f"Error: --target {trick}: {trick}/home is the installation's home side; name a "
        f"separate directory")
    assert tree_state(two.home, two.root) == before
    inside = two.home / "public_html" / "inspect"
    assert error_line(fg(two, "restore", "latest", "--target", str(inside))).startswith(
        f"Error: --target {inside}: inside what the profile backs up")
    assert not inside.exists()


def test_any_snapshot_exports_as_either_type_from_the_seed_tool(env: Env) -> None:
    e = {**os.environ, "FLEXGIT_HOME": str(env.home), "FLEXGIT_ROOT": str(env.root),
         "NO_COLOR": "1"}
    r = subprocess.run([script("flexpbx-backup"), "-t", "flx"], capture_output=True, text=True,
                       env=e, timeout=120)
    assert r.returncode == 0, r.stderr
    repo = str(env.home / "backup/flexgit.git")
    r = subprocess.run([script("flexgit"), "--repo", repo, "--json", "export", "latest",
                        "-t", "flxx"], capture_output=True, text=True, env=e, timeout=120)
    assert r.returncode == 0, r.stderr
    doc = json.loads(Path(json.loads(r.stdout)["path"]).read_text())
    assert doc["backup_type"] == "extended" and isinstance(doc["user_template"], dict)
