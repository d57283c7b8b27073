"""PATHs and patterns (flexgit/selection.py): what they name, what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from flexgit.errors import USAGE, UsageError
from flexgit.selection import Selection, Tree, select, tree_path

HOME, ROOT = Path("/home/flexpbx"), Path("/")
FILES = ["home/public_html/index.php", "home/public_html/api/login.php",
         "home/public_html/api/status.php", "system/etc/asterisk/pjsip.conf",
         "system/etc/asterisk/sip.conf", "system/etc/asterisk/iax.conf",
         "system/etc/sudoers.d/flexpbx-asterisk"]


@pytest.mark.parametrize(("arg", "expected"), [
    ("home/public_html/api", "home/public_html/api"),
    ("system/etc/asterisk/", "system/etc/asterisk"),
    ("./system//etc/./asterisk", "system/etc/asterisk"),
    ("/etc/asterisk/pjsip.conf", "system/etc/asterisk/pjsip.conf"),
    ("/home/flexpbx/public_html/api", "home/public_html/api"),
    ("/home/flexpbx", "home"),
    ("/home/flexpbx2/public_html", "system/home/flexpbx2/public_html"),  # another account
    ("/", "system"),
    (".", ""),
    ("home/..x/y", "home/..x/y"),  # a name that starts with dots is a name
])
def test_tree_path_names_the_same_file(arg: str, expected: str) -> None:
    assert tree_path(arg, home=HOME, root=ROOT) == expected


def test_tree_path_under_a_system_root() -> None:
    root = Path("/srv/chroot")
    assert tree_path("/srv/chroot/etc/asterisk", home=HOME, root=root) == "system/etc/asterisk"
    assert tree_path("/etc/asterisk", home=HOME, root=root) == "system/etc/asterisk"


@pytest.mark.parametrize("arg", ["..", "../etc/passwd", "home/../../etc/shadow",
                                 "/etc/../../root", "system/etc/asterisk/..",
                                 "home/public_html/api/../../../x", "a/\0/b"])
def test_tree_path_refuses_climbing_and_nul(arg: str) -> None:
    with pytest.raises(UsageError) as e:
        tree_path(arg, home=HOME, root=ROOT)
    assert e.value.exit_code == USAGE and "\n" not in e.value.message


def test_wants_paths_patterns_and_excludes() -> None:
    sel = select(["system/etc/asterisk"], ["home/**/login.php"], ["sip.conf"], home=HOME,
                 root=ROOT)
    wanted = [p for p in FILES if sel.wants(p)]
    assert wanted == ["home/public_html/api/login.php", "system/etc/asterisk/pjsip.conf",
                      "system/etc/asterisk/iax.conf"]
    # A PATH is a whole component: system/etc/aster names nothing below asterisk.
    assert not select(["system/etc/aster"], (), (), home=HOME, root=ROOT).wants(FILES[3])
    assert Selection().whole and all(Selection().wants(p) for p in FILES)
    only_out = Selection(exclude=("*.conf",))
    assert [p for p in FILES if only_out.wants(p)] == \
        [p for p in FILES if not p.endswith(".conf")]
    dirs = Selection(include=("system/etc/asterisk/",))
    assert dirs.wants("system/etc/asterisk", is_dir=True) and dirs.wants(FILES[3])


def test_check_names_the_closest_paths() -> None:
    def refused(sel: Selection) -> str:
        with pytest.raises(UsageError) as e:
            sel.check(FILES, "snapshot abc")
        return e.value.message

    assert refused(Selection(("system/etc/asterisk/pjsip.con",))) == (
        "system/etc/asterisk/pjsip.con is not in snapshot abc; did you mean "
        "system/etc/asterisk/pjsip.conf or system/etc/asterisk/sip.conf or "
        "system/etc/asterisk/iax.conf?")
    assert refused(Selection(("public_html/api",))).endswith(
        "; did you mean home/public_html/api?")
    assert refused(Selection(("zzz/qqq",))) == \
        "zzz/qqq is not in snapshot abc; `flexgit ls` lists its paths"
    assert refused(Selection(include=("etc/*.conf",))).startswith(
        "--include etc/*.conf matches nothing in snapshot abc")
    Selection(("system/etc",), include=("*.php",), exclude=("nothing-at-all",)).check(
        FILES, "snapshot abc")


def test_tree_kinds() -> None:
    t = Tree(FILES)
    assert [t.kind(p) for p in ("", "home", "system/etc/asterisk", FILES[0], "home/x")] == \
        ["dir", "dir", "dir", "file", None]
