"""Following a backup's symlinks is bounded: one link too deep is skipped
with its reason, and a file of many deep links is refused as a whole in
about a second (not planned for hours: every step is O(1), and the disk is
not asked below a directory it lacks)."""

from __future__ import annotations

import os
import time

from flexgit.restore import trust
from tests.conftest import Env, tree_state
from tests.restore.crafted import craft, exported


def test_a_link_too_deep_to_follow_is_skipped(env: Env) -> None:
    deep = "a/" * trust._MAX_PARTS + "x"
    bad = craft(exported(env, env.tmp / "out"), env.tmp / "deep.flx",
                links={"home/public_html/deep": deep, "home/public_html/ok": "portal"})
    r = env.run("-y", "restore", str(bad))
    assert r.exit_code == 3, r.output
    assert (f"warning: home/public_html/deep was not restored: the symlink -> {deep[:200]}… "
            f"is too deep to follow (more than {trust._MAX_PARTS} path components)") in r.stderr
    assert not os.path.lexists(env.home / "public_html/deep")
    assert os.readlink(env.home / "public_html/ok") == "portal"


def test_many_deep_links_are_refused_quickly(env: Env) -> None:
    per_link = trust._MAX_PARTS - 1
    n = trust._MAX_STEPS // per_link + 1
    target = "a/" * (per_link - 1) + "x"
    bad = craft(exported(env, env.tmp / "out"), env.tmp / "many.flx",
                links={f"home/public_html/l/{i}": target for i in range(n)})
    before = tree_state(env.home, env.root)
    start = time.process_time()
    r = env.run("-y", "restore", "--dry-run", str(bad))
    took = time.process_time() - start
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines()[-1] == (
        f"Error: {bad}: its symlinks take more than {trust._MAX_STEPS} path "
        f"components to follow; refusing it (nothing was written)")
    assert took < 10, took  # reading and planning the 1 MB file included
    r = env.run("-y", "restore", str(bad))
    assert r.exit_code == 1
    assert tree_state(env.home, env.root) == before
