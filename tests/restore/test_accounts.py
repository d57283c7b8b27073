"""The account rename and the shared sudoers file of a migrate."""

from __future__ import annotations

import subprocess
from pathlib import Path

from flexgit.restore.accounts import merge_sudoers, rewrite_user
from tests.conftest import which_or_skip

RULES = b"""# bob's rules: bob may reload asterisk
Cmnd_Alias FLEXPBX_CMDS = /usr/local/bin/flexpbx-toggle-permissions, \\
                          /usr/sbin/asterisk -rx *
Defaults:bob !requiretty
User_Alias PBX_ADMINS = bob, carol
bob ALL=(root) NOPASSWD: FLEXPBX_CMDS, /usr/bin/id bob
carol, bob  ALL = (bob : bob) /bin/true : ALL = (root) /bin/false
root ALL=(ALL:ALL) ALL
"""


def test_rename_only_where_sudoers_reads_a_user() -> None:
    before = RULES.decode().splitlines()
    after = rewrite_user(RULES, "bob", "alice").decode().splitlines()
    assert len(after) == len(before)
    # The comment, the command's argument, the Runas group and root's rule stay.
    assert {i: line for i, line in enumerate(after) if line != before[i]} == {
        3: "Defaults:alice !requiretty",
        4: "User_Alias PBX_ADMINS = alice, carol",
        5: "alice ALL=(root) NOPASSWD: FLEXPBX_CMDS, /usr/bin/id bob",
        6: "carol, alice  ALL = (alice : bob) /bin/true : ALL = (root) /bin/false",
    }


def test_a_name_like_root_in_a_rule_is_never_the_runas_root() -> None:
    rules = b"rootkit ALL=(root) NOPASSWD: /bin/true\n"
    assert rewrite_user(rules, "rootkit", "alice") == b"alice ALL=(root) NOPASSWD: /bin/true\n"


def test_merged_file_keeps_every_account_and_passes_visudo(tmp_path: Path) -> None:
    visudo = which_or_skip("visudo")
    merged = merge_sudoers(RULES, rewrite_user(RULES, "bob", "alice"))
    text = merged.decode()
    assert text.startswith(RULES.decode())  # live first, untouched
    assert "Defaults:alice !requiretty\n" in text
    assert "alice ALL=(root) NOPASSWD: FLEXPBX_CMDS, /usr/bin/id bob\n" in text
    assert text.count("Cmnd_Alias FLEXPBX_CMDS") == 1
    assert text.count("User_Alias PBX_ADMINS") == 1  # live's definition stays
    assert text.count("root ALL=(ALL:ALL) ALL") == 1
    f = tmp_path / "flexpbx-asterisk"
    f.write_bytes(merged)
    f.chmod(0o440)
    r = subprocess.run([visudo, "-c", "-f", str(f)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    # Merging again adds nothing.
    assert merge_sudoers(merged, rewrite_user(RULES, "bob", "alice")) == merged
