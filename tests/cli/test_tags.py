"""`flexgit tag` lists, names and deletes (issue 14, point 7), checked with C git."""

from __future__ import annotations

import json

from tests.conftest import Env


def test_tag_lists_names_and_deletes(env: Env) -> None:
    assert env.console("snapshot", "-m", "first").returncode == 0
    (env.home / "flexpbx-config.json").write_text('{"second": true}\n')
    assert env.console("snapshot", "-m", "second").returncode == 0
    r = env.console("tag")
    assert r.returncode == 0 and "no tags yet" in r.stdout
    assert env.console("tag", "before-upgrade", "latest~1").returncode == 0
    assert env.console("tag", "now").returncode == 0
    listed = json.loads(env.console("tag", "--json").stdout)
    assert [(t["tag"], t["message"]) for t in listed] == [("before-upgrade", "first"),
                                                         ("now", "second")]
    text = env.console("tag").stdout.splitlines()
    assert text[0].startswith("before-upgrade  ") and text[1].startswith("now             ")
    r = env.console("tag", "-d", "before-upgrade")
    assert r.returncode == 0 and "the snapshot stays" in r.stdout
    assert env.git("tag", "-l").decode().split() == ["now"]
    assert len(env.git("rev-list", "--all").split()) == 2  # the snapshot is still there
    r = env.console("tag", "-d", "before-upgrade")
    assert r.returncode == 2 and "no tag 'before-upgrade'" in r.stderr
    r = env.console("tag", "-d")
    assert r.returncode == 2 and "needs the NAME" in r.stderr
