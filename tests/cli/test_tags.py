"""`flexgit tag` lists, names and deletes (issue 14, point 7), checked with C git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Env


def _flexgit(env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "flexgit"
    if not exe.exists():
        pytest.skip("flexgit is not installed in this environment (pip install -e .)")
    return subprocess.run([str(exe), *env.args(), *args], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=120)


def test_tag_lists_names_and_deletes(env: Env) -> None:
    assert _flexgit(env, "snapshot", "-m", "first").returncode == 0
    (env.home / "flexpbx-config.json").write_text('{"second": true}\n')
    assert _flexgit(env, "snapshot", "-m", "second").returncode == 0
    r = _flexgit(env, "tag")
    assert r.returncode == 0 and "no tags yet" in r.stdout
    assert _flexgit(env, "tag", "before-upgrade", "latest~1").returncode == 0
    assert _flexgit(env, "tag", "now").returncode == 0
    listed = json.loads(_flexgit(env, "tag", "--json").stdout)
    assert [(t["tag"], t["message"]) for t in listed] == [("before-upgrade", "first"),
                                                         ("now", "second")]
    text = _flexgit(env, "tag").stdout.splitlines()
    assert text[0].startswith("before-upgrade  ") and text[1].startswith("now             ")
    r = _flexgit(env, "tag", "-d", "before-upgrade")
    assert r.returncode == 0 and "the snapshot stays" in r.stdout
    assert env.git("tag", "-l").decode().split() == ["now"]
    assert len(env.git("rev-list", "--all").split()) == 2  # the snapshot is still there
    r = _flexgit(env, "tag", "-d", "before-upgrade")
    assert r.returncode == 2 and "no tag 'before-upgrade'" in r.stderr
    r = _flexgit(env, "tag", "-d")
    assert r.returncode == 2 and "needs the NAME" in r.stderr
