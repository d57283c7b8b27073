"""Crash injection: every operation killed at every k-th write, fsync, rename
and ref update leaves the store at the previous or the new snapshot (fsck
clean), no partial file under a final name, every restored file old or new
bytes; and the next run (or undo) completes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from flexgit.sanitize import sanitize
from tests.reliability.conftest import CRASHED, files_of, flexgit, fsck_clean, head

MAX_POINTS = 400  # a bound, so a fault point that never fires cannot loop forever


def _installation(base: Path) -> tuple[Path, Path, Path]:
    """A tiny installation, so that every crash point can be tried in seconds;
    it still has each kind: PHP, JSON settings, conf with a secret, a script,
    sudoers, a symlink, user data."""
    home, root = base / "home" / "flexpbx", base / "root"
    files = {
        home / "public_html/portal/index.php": "<?php echo 'portal';\n",
        home / "public_html/api/sip-status.php": "<?php $secret = 'Api-Secret-771';\n",
        home / "flexpbx-config.json": '{\n  "db_password": "Db-Pass-5512",\n  "tz": "UTC"\n}\n',
        home / "users/2001.json": '{"email": "alice@acme-telecom.net"}\n',
        root / "etc/asterisk/pjsip.conf": "[2001]\ntype=auth\npassword=Sip-Pass-2001\n",
        root / "etc/asterisk/extensions.conf": "[from-internal]\nexten => 600,1,Answer()\n",
        root / "etc/sudoers.d/flexpbx-asterisk": "flexpbx ALL=(root) NOPASSWD: /bin/true\n",
        root / "usr/local/bin/flexpbx-reload": "#!/bin/sh\nasterisk -rx 'core reload'\n",
    }
    for p, text in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (root / "usr/local/bin/flexpbx-reload").chmod(0o755)
    (root / "etc/sudoers.d/flexpbx-asterisk").chmod(0o440)
    (home / "public_html/index.php").symlink_to("portal/index.php")
    return home, root, base / "store.git"


def _copy(template: Path, to: Path) -> tuple[Path, Path, Path]:
    shutil.copytree(template, to, symlinks=True)
    return to / "home" / "flexpbx", to / "root", to / "store.git"


def _change(home: Path, root: Path) -> None:
    ext = root / "etc/asterisk/extensions.conf"
    ext.write_text(ext.read_text() + "exten => 4242,1,Hangup()\n")
    (home / "public_html/portal/new.php").write_text("<?php echo 'new';\n")
    (home / "public_html/api/sip-status.php").unlink()


def _every_crash_point(run_one, check_after) -> int:  # type: ignore[no-untyped-def]
    """Run with a crash at k = 1, 2, … until a run finishes without crashing."""
    for k in range(1, MAX_POINTS):
        r = run_one(k)
        if r.returncode != CRASHED:
            assert r.returncode in (0, 3), r.stderr
            print(f"crash points exercised: {k - 1}")
            return k - 1
        check_after(k)
    raise AssertionError("the operation never finished")


def test_snapshot_crash_at_every_point(tmp_path: Path) -> None:
    home, root, repo = _installation(tmp_path / "t")
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    _change(home, root)
    before = head(repo)
    n = 0

    def run_one(k: int):  # type: ignore[no-untyped-def]
        nonlocal n
        n = k
        shutil.rmtree(tmp_path / "w", ignore_errors=True)
        h, r, s = _copy(tmp_path / "t", tmp_path / "w")
        return flexgit(h, r, s, "snapshot", "-m", "second", crash=f"any:{k}")

    def check_after(k: int) -> None:
        h, r, s = tmp_path / "w/home/flexpbx", tmp_path / "w/root", tmp_path / "w/store.git"
        assert head(s) is not None  # the previous or the new snapshot
        fsck_clean(s)
        again = flexgit(h, r, s, "--json", "snapshot", "-m", "second")
        assert again.returncode == 0, again.stderr
        fsck_clean(s)
        assert flexgit(h, r, s, "check", "--repair").returncode == 0
        log = json.loads(flexgit(h, r, s, "--json", "log").stdout)
        assert log[-1]["id"] == before and len(log) == 2

    points = _every_crash_point(run_one, check_after)
    assert points > 10, "the snapshot passed through fault points"
    del n


def test_export_crash_leaves_no_partial_file(tmp_path: Path) -> None:
    home, root, repo = _installation(tmp_path / "t")
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    out = tmp_path / "out"

    def run_one(k: int):  # type: ignore[no-untyped-def]
        return flexgit(home, root, repo, "export", "-c", "-o", str(out), crash=f"any:{k}")

    def check_after(k: int) -> None:
        for f in out.glob("flexpbx-*"):
            # Anything under a final name is complete.
            r = flexgit(home, root, repo, "verify", str(f))
            assert r.returncode == 0, (k, f, r.stdout)
        link = out / "latest.flx.gz"
        if os.path.lexists(link):
            assert link.exists(), "latest link never dangles"

    points = _every_crash_point(run_one, check_after)
    assert points >= 3


def test_import_crash_at_every_point(tmp_path: Path) -> None:
    home, root, repo = _installation(tmp_path / "t")
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    r = flexgit(home, root, repo, "--json", "export", "-o", str(tmp_path / "out"))
    exported = json.loads(r.stdout)["path"]
    other = tmp_path / "other.git"

    def run_one(k: int):  # type: ignore[no-untyped-def]
        shutil.rmtree(other, ignore_errors=True)
        flexgit(home, root, other, "init")
        return flexgit(home, root, other, "import", exported, crash=f"any:{k}")

    def check_after(k: int) -> None:
        assert head(other) is None or head(other)
        fsck_clean(other)
        again = flexgit(home, root, other, "import", exported)
        assert again.returncode in (0, 3), again.stderr
        assert head(other) is not None

    assert _every_crash_point(run_one, check_after) > 5


@pytest.mark.parametrize("afterwards", ["undo", "restore"])
def test_restore_crash_at_every_point(tmp_path: Path, afterwards: str) -> None:
    home, root, repo = _installation(tmp_path / "t")
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    old = files_of(home, root)
    _change(home, root)
    new = files_of(home, root)

    def run_one(k: int):  # type: ignore[no-untyped-def]
        shutil.rmtree(tmp_path / "w", ignore_errors=True)
        h, r, s = _copy(tmp_path / "t", tmp_path / "w")
        return flexgit(h, r, s, "-y", "restore", "latest", crash=f"any:{k}")

    def moved(state: dict[str, bytes]) -> dict[str, bytes]:
        return {p.replace(str(tmp_path / "t"), str(tmp_path / "w")): v for p, v in state.items()}

    def same(path: str, a: bytes | None, b: bytes | None) -> bool:
        # A restored file whose secret had no live value gets a newly generated
        # one: equal to the snapshot's version once both are sanitized.
        if a is None or b is None:
            return a is b
        return a == b or sanitize(path, a).data == sanitize(path, b).data

    def check_after(k: int) -> None:
        h, r, s = tmp_path / "w/home/flexpbx", tmp_path / "w/root", tmp_path / "w/store.git"
        now = files_of(h, r)
        o, n = moved(old), moved(new)
        for p in set(now) | set(o) | set(n):
            assert now.get(p) == n.get(p) or same(p, now.get(p), o.get(p)), \
                f"crash {k}: {p} is neither old nor new"
        def no_temp_files_left() -> None:
            left = [p for d in (h, r) for p in d.rglob(".flexgit-tmp-*")
                    if "backup" not in p.parts]
            assert left == [], f"crash {k}: {left}"

        if afterwards == "undo":
            res = flexgit(h, r, s, "-y", "undo")
            if res.returncode == 2 and "nothing to undo" in res.stderr:
                assert files_of(h, r) == n  # crashed before anything was saved or written
            else:
                assert res.returncode == 0, res.stderr
                assert files_of(h, r) == n, f"crash {k}: undo did not give back the state"
                no_temp_files_left()
        else:
            res = flexgit(h, r, s, "-y", "restore", "latest")
            assert res.returncode == 0, res.stderr
            after = files_of(h, r)
            for p, v in o.items():
                assert same(p, after.get(p), v), f"crash {k}: {p} not restored"
            no_temp_files_left()

    assert _every_crash_point(run_one, check_after) > 10
