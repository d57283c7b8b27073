"""A restore on a server that other accounts share loses none of their
files or sudo rules: fresh never deletes a system file the source lacks,
and a sudoers line naming this account and another keeps the other's part
(docs/decisions.md "Other accounts on a shared server")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from flexgit import profile as profile_mod
from flexgit.profile import Profile
from flexgit.restore import accounts, sudoers
from tests.conftest import Env, which_or_skip
from tests.restore.crafted import exported

SOURCE = b"Defaults:bob !requiretty\n" \
    b"bob ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx *, /usr/local/bin/flexpbx-*\n"


@pytest.mark.parametrize(("live", "kept"), [
    (b"bob, ann ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-backup-helper\n",
     b"ann ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-backup-helper\n"),
    (b"ann,bob,cy ALL=(root) NOPASSWD: /bin/true\n", b"ann, cy ALL=(root) NOPASSWD: /bin/true\n"),
    (b"Defaults:bob,ann !requiretty\n", b"Defaults:ann !requiretty\n"),
    (b"bob, %ops ALL=(root) /bin/true\n", b"%ops ALL=(root) /bin/true\n"),
    (b"bob, ann ALL=(root) NOPASSWD: /bin/true, \\\n  /bin/false\n",
     b"ann ALL=(root) NOPASSWD: /bin/true, \\\n  /bin/false\n"),
    # A negation is kept whole: without `!bob` the line would grant bob.
    (b"ALL, !bob ALL=(root) /bin/true\n", b"ALL, !bob ALL=(root) /bin/true\n"),
    (b"ann, !bob ALL=(root) /bin/true\n", b"ann, !bob ALL=(root) /bin/true\n"),
])
def test_a_line_for_this_account_and_others_keeps_the_others(live: bytes, kept: bytes) -> None:
    out = accounts.keep_other_accounts(b"opsadmin ALL=(ALL:ALL) ALL\n" + live, SOURCE)
    assert out == SOURCE + b"opsadmin ALL=(ALL:ALL) ALL\n" + kept


def test_the_merged_file_passes_visudo(tmp_path: Path) -> None:
    which_or_skip("visudo")
    out = accounts.keep_other_accounts(
        b"bob, ann ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-x\nDefaults:bob,ann !requiretty\n",
        SOURCE)
    f = tmp_path / "s"
    f.write_bytes(out)
    subprocess.run(["visudo", "-c", "-q", "-f", str(f)], check=True)


def test_fresh_keeps_other_accounts_system_files(env: Env) -> None:
    src = exported(env, env.tmp / "out")
    others = {
        env.root / "etc/sudoers.d/flexpbx-ann": b"ann ALL=(root) NOPASSWD: /usr/sbin/asterisk"
                                                b" -rx *\n",
        env.root / "etc/asterisk/pjsip_ann.conf": b"[ann-auth]\ntype=auth\npassword=AnnLive1\n",
        env.root / "usr/local/bin/flexpbx-ann-tool": b"#!/bin/sh\nexit 0\n",
    }
    for path, data in others.items():
        path.write_bytes(data)
    r = env.run("-y", "restore", "-m", "fresh", str(src))
    assert r.exit_code in (0, 3), r.output
    assert {p: p.read_bytes() for p in others} == others


def test_what_is_left_of_a_shared_line_is_not_a_new_grant() -> None:
    """The review (restore/trust.py) accepts the file keep_other_accounts
    makes: the others' part of a live line grants nothing new."""
    live = b"bob, ann ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-backup-helper\n" \
        b"Defaults:bob,ann !requiretty\nALL, !bob ALL=(root) /bin/true\n"
    merged = accounts.keep_other_accounts(live, SOURCE)
    profile: Profile = profile_mod.load(None)
    assert sudoers.beyond(merged, "bob", profile, installed=live) is None
    # Not a way to widen: more users, or a negation dropped, is a grant.
    for wider in (b"bob, ann, eve ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-backup-helper\n",
                  b"ALL ALL=(root) /bin/true\n", b"Defaults:ann,eve !requiretty\n"):
        assert sudoers.beyond(SOURCE + wider, "bob", profile, installed=live) is not None
