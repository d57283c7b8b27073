"""`flexgit forget` (issue 14, point 4): restic's policy for the store's
snapshots, tags pin, later snapshots keep their content, and --prune really
removes the forgotten objects (C git's cat-file and fsck --strict say so)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from flexgit import forget, retention
from flexgit.store import FILE, Entry, Store
from tests.conftest import Env, fsck

DAY = 86400


def _snapshots(env: Env, n: int) -> list[str]:
    """n real snapshots, each with its own content of `home/public_html/notes.txt`."""
    for k in range(n):
        (env.home / "public_html" / "notes.txt").write_text(f"note number {k} of the history\n")
        r = env.run("snapshot", "-m", f"snapshot {k}")
        assert r.exit_code == 0, r.output
    return [line.split()[0] for line in env.run("log").stdout.splitlines()]


def _blob(env: Env, rev: str, path: str) -> str:
    return env.git("rev-parse", f"{rev}:{path}").decode().strip()


def _exists(env: Env, sha: str) -> bool:
    return subprocess.run(["git", "--git-dir", str(env.repo), "cat-file", "-e", sha],
                          capture_output=True).returncode == 0


def test_keep_last_rewrites_later_ids_keeps_content_and_prunes(env: Env) -> None:
    _snapshots(env, 5)
    trees = env.git("log", "--format=%T %s", "main").decode().splitlines()
    env.run("tag", "first", "latest~4")
    first_note = _blob(env, "main~4", "home/public_html/notes.txt")
    third_note = _blob(env, "main~2", "home/public_html/notes.txt")
    size_before = Store.open(env.repo).disk_size()
    r = env.run("--json", "forget", "--keep-last", "2", "--dry-run")
    doc = json.loads(r.stdout)
    assert [s["keep"] for s in doc["snapshots"]] == [True, True, False, False, True]
    assert doc["snapshots"][4]["reasons"] == ["tag first"]
    assert env.git("log", "--format=%T %s", "main").decode().splitlines() == trees  # dry run

    r = env.run("forget", "--keep-last", "2", "--prune")
    assert r.exit_code == 0, r.output
    assert "3 kept, 2 forgotten; 2 later snapshot(s) have new ids" in r.stdout
    after = env.git("log", "--format=%T %s", "main").decode().splitlines()
    assert after == [trees[0], trees[1], trees[4]]  # the same trees, in order
    assert env.git("rev-parse", "first").decode().split() == env.git(
        "rev-list", "--max-parents=0", "main").decode().split()  # the tag moved along
    assert _exists(env, first_note)  # pinned by its tag
    assert not _exists(env, third_note)  # only the forgotten snapshots held it
    assert not (env.repo / "logs").exists()  # a reflog would have kept it reachable
    fsck(env.repo)
    subprocess.run(["git", "--git-dir", str(env.repo), "fsck", "--strict", "--unreachable",
                    "--no-dangling"], check=True, capture_output=True)
    assert Store.open(env.repo).disk_size() < size_before
    # the store still works as before: a new snapshot on top, a status
    (env.home / "public_html" / "notes-9.txt").write_text("after the forget\n")
    assert env.run("snapshot", "-m", "after").exit_code == 0
    assert env.run("status").exit_code == 0
    fsck(env.repo)


def test_a_tag_is_forgotten_only_by_name(env: Env) -> None:
    _snapshots(env, 3)
    env.run("tag", "old", "latest~2")
    assert env.run("forget", "--keep-last", "1").exit_code == 0
    assert env.git("tag", "-l").decode().split() == ["old"]
    assert len(env.git("rev-list", "main").split()) == 2
    r = env.run("forget", "old", "--keep-last", "1")
    assert r.exit_code == 0, r.output
    assert "tags deleted: old" in r.stdout
    assert env.git("tag", "-l").decode() == ""
    assert len(env.git("rev-list", "main").split()) == 1


def test_keep_tag_narrows_what_pins(env: Env) -> None:
    _snapshots(env, 3)
    env.run("tag", "release-1", "latest~2")
    env.run("tag", "scratch", "latest~1")
    assert env.run("forget", "--keep-last", "1", "--keep-tag", "release-*").exit_code == 0
    assert env.git("tag", "-l").decode().split() == ["release-1"]
    assert len(env.git("rev-list", "main").split()) == 2


def test_daily_weekly_monthly_like_restic(env: Env) -> None:
    """Snapshots a day apart for 40 days: --keep-daily 3 --keep-weekly 2 keeps
    the newest of the last 3 days and of the last 2 weeks."""
    env.run("snapshot", "-m", "base")
    st = Store.open(env.repo)
    try:
        base = st.read_tree(st.resolve("latest"))
        start = int(datetime(2026, 1, 1, 12).timestamp())
        parent: str | None = None  # a history of its own, all of it in 2026's first 40 days
        w = st.writer()
        for day in range(40):
            files = {**base, f"home/day-{day}.txt": Entry(FILE, w.add_blob(f"{day}\n".encode()))}
            parent = st.make_commit(w, tree=st.write_tree(w, files), parent=parent,
                                    message=f"day {day}", when=start + day * DAY)
        w.finish()
        st.move_head(st.head(), parent or "")
        policy = retention.Policy(daily=3, weekly=2)
        kept = [d.message for d in forget.decide(st, policy) if d.keep]
    finally:
        st.close()
    # 2026-02-09 (day 39) is a Monday: days 39, 38, 37; the weeks of day 39 and 38
    assert kept == ["day 39", "day 38", "day 37"]
    assert env.run("forget", "--keep-daily", "3", "--keep-weekly", "3").exit_code == 0
    assert [m.split(" ", 1)[1] for m in env.git("log", "--format=%ct %s").decode()
            .splitlines()] == ["day 39", "day 38", "day 37", "day 31"]


def test_refusals(env: Env) -> None:
    _snapshots(env, 2)
    r = env.run("forget")
    assert r.exit_code == 2 and "give a --keep-* rule" in r.stderr
    r = env.run("forget", "latest", "latest~1")
    assert r.exit_code == 2 and "would forget every snapshot" in r.stderr
    assert len(env.git("rev-list", "main").split()) == 2


def test_through_the_console_script(env: Env) -> None:
    exe = Path(sys.executable).parent / "flexgit"
    if not exe.exists():
        pytest.skip("flexgit is not installed in this environment (pip install -e .)")
    _snapshots(env, 3)
    r = subprocess.run([str(exe), *env.args(), "forget", "--keep-last", "1", "--prune"],
                       capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "pruned " in r.stdout and " MB -> " in r.stdout
    assert len(env.git("rev-list", "main").split()) == 1
    fsck(env.repo)
