"""Property: any installation -> snapshot -> export -> import gives the same tree."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flexgit.formats import flx, importer
from flexgit.formats.limits import fold
from flexgit.profile import Profile
from flexgit.snapshot import Installation, take
from flexgit.store import Store

PROFILE = Profile()


def _name_ok(name: str) -> bool:
    if name in (".", "..") or len(name.encode()) > 100:
        return False
    return not (PROFILE.excluded("home", name) or PROFILE.excluded("home", name, is_dir=True))


names = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                              exclude_characters="/\\"), min_size=1, max_size=10).filter(_name_ok)
contents = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(str.encode),
    st.sampled_from([
        b"", b"[trunk]\nsecret = Hunter2Pass\nusername = trunk\n",
        b'{"password": "p4ss", "email": "someone@real-domain.org", "port": 5060}\n',
        b"<?php\n$db_pass = 'S3cretDb';\ndefine('DB_PASSWORD', 'x9x9');\n",
        b"#!/bin/sh\nPASSWORD=abc123\necho hi\n",
    ]),
)
leaf = st.one_of(
    st.tuples(st.just("file"), contents, st.booleans()),
    st.tuples(st.just("link"), st.text(st.characters(exclude_categories=("Cs", "Cc")),
                                       min_size=1, max_size=20).map(str.encode),
              st.just(False)),
    st.tuples(st.just("dir"), st.just(b""), st.just(False)),
)
trees = st.recursive(
    st.dictionaries(names, leaf, max_size=4),
    lambda children: st.dictionaries(names, st.one_of(leaf, children), max_size=4),
    max_leaves=12,
)


def _unique(tree: dict[str, object]) -> dict[str, object]:
    """Keep the first of names that fold alike (the importer refuses such twins)."""
    out: dict[str, object] = {}
    seen: set[str] = set()
    for name, node in tree.items():
        if fold(name) in seen:
            continue
        seen.add(fold(name))
        out[name] = _unique(node) if isinstance(node, dict) else node
    return out


def _lay(base: Path, tree: dict[str, object]) -> None:
    base.mkdir(parents=True, exist_ok=True)
    for name, node in tree.items():
        p = base / name
        if isinstance(node, dict):
            _lay(p, node)
            continue
        assert isinstance(node, tuple)
        kind, data, exe = node
        if kind == "file":
            p.write_bytes(data)
            p.chmod(0o755 if exe else 0o640)
        elif kind == "link":
            os.symlink(data, p)
        else:
            p.mkdir()


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(home_tree=trees, system_tree=trees, backup_type=st.sampled_from(["flx", "flxx"]),
       compress=st.booleans())
def test_snapshot_export_import_same_tree(home_tree: dict[str, object],
                                          system_tree: dict[str, object], backup_type: str,
                                          compress: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        home, root = t / "home", t / "root"
        _lay(home / "public_html", _unique(home_tree))
        _lay(root / "etc" / "asterisk", _unique(system_tree))
        a, b = Store.init(t / "a.git"), Store.init(t / "b.git")
        try:
            with a.locked("test"):
                res = take(a, Installation(home, root), PROFILE, backup_type=backup_type,
                           allow_empty=True)
            assert res.id is not None
            # Whatever its -t, a snapshot holds every category: its flxx is all of it.
            out = flx.export(a, "latest", profile=PROFILE, out_dir=t / "out", compress=compress,
                             backup_type="flxx")
            with b.locked("test"):
                imp = importer.import_file(b, out.path, profile=PROFILE)
            assert imp.resanitized == [] and imp.warnings == []
            assert imp.tree == a.commit_info(res.id).tree
        finally:
            a.close()
            b.close()
