"""Faults: a full disk (a real tiny tmpfs as root, an injected ENOSPC
otherwise) during snapshot, export and restore; EIO on read; a read-only
target. Each: one clear error naming the path, nothing half-written, no
retry loop, the previous state intact."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import files_of, flexgit, fsck_clean, head
from tests.reliability.test_crash import _installation

# A binary a shareable snapshot keeps (other kinds are left out): an image.
PNG = b"\x89PNG\r\n\x1a\n"


def _mount(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       capture_output=True)
    return r.returncode == 0


@pytest.fixture
def mount() -> Iterator[Callable[[Path, str], bool]]:
    """Mount a tmpfs of `size` at a path (True), or say it cannot (False: not
    root); unmounted when the test ends."""
    made: list[Path] = []

    def do(path: Path, size: str) -> bool:
        if _mount(path, size):
            made.append(path)
            return True
        return False

    yield do
    for p in reversed(made):
        subprocess.run(["umount", "-l", str(p)], capture_output=True)


def _fill(path: Path, leave: int) -> None:
    """Fill the file system of `path` until about `leave` bytes are free."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize
    if free > leave:
        with open(path / "filler", "wb") as f:
            f.write(b"\0" * (free - leave))


def _one_error_line(r: subprocess.CompletedProcess[str], *needles: str) -> None:
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    assert "Traceback" not in r.stderr


def test_enospc_during_snapshot(tmp_path: Path, mount: Callable[[Path, str], bool]) -> None:
    home, root, _ = _installation(tmp_path / "i")
    disk = tmp_path / "disk"
    real = mount(disk, "2m")
    repo = disk / "store.git"
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    before = head(repo)
    (home / "public_html/big.png").write_bytes(PNG + os.urandom(3 << 20))
    env = {} if real else {"FLEXGIT_FAIL_AT": "write:1:ENOSPC"}
    r = flexgit(home, root, repo, "snapshot", extra_env=env)
    assert r.returncode == 1
    _one_error_line(r, str(repo), "No space left on device")
    assert head(repo) == before
    assert not [p for p in (repo / "objects/pack").iterdir() if p.name.startswith(".flexgit")]
    fsck_clean(repo)


def test_enospc_during_export(tmp_path: Path, mount: Callable[[Path, str], bool]) -> None:
    home, root, repo = _installation(tmp_path / "i")
    (home / "public_html/big.png").write_bytes(PNG + os.urandom(1 << 20))
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    out = tmp_path / "out"
    real = mount(out, "512k")
    env = {} if real else {"FLEXGIT_FAIL_AT": "write:1:ENOSPC"}
    r = flexgit(home, root, repo, "export", "-o", str(out), extra_env=env)
    assert r.returncode == 1
    _one_error_line(r, "No space left on device")
    assert list(out.glob("flexpbx-*")) == [] and not os.path.lexists(out / "latest.flx")
    assert [p.name for p in out.iterdir() if p.name.startswith(".flexgit")] == []


def test_enospc_during_restore_is_rolled_back(tmp_path: Path,
                                              mount: Callable[[Path, str], bool]) -> None:
    base = tmp_path / "i"
    real = mount(base, "4m")
    home, root, _ = _installation(base)
    repo = tmp_path / "store.git"
    (home / "public_html/a.png").write_bytes(PNG + os.urandom(600 << 10))
    (home / "public_html/b.png").write_bytes(PNG + os.urandom(600 << 10))
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    (home / "public_html/a.png").write_bytes(b"small now")
    (home / "public_html/b.png").write_bytes(b"small too")
    # The private store's save of the small files fits; rewriting both big ones does not.
    assert flexgit(home, root, repo, "-y", "restore", "--dry-run", "latest").returncode == 0
    before = files_of(home, root)
    env: dict[str, str] = {}
    if real:
        _fill(base, 900 << 10)
    else:
        env = {"FLEXGIT_FAIL_AT": "write:3:ENOSPC"}
    r = flexgit(home, root, repo, "-y", "restore", "latest", extra_env=env)
    assert r.returncode == 1, r.stdout
    _one_error_line(r, "No space left on device", "undone")
    if real:
        (base / "filler").unlink()
    assert files_of(home, root) == before
    r = flexgit(home, root, repo, "-y", "undo")
    assert r.returncode == 2 and "nothing to undo" in r.stderr


def test_eio_on_read_names_the_file(tmp_path: Path) -> None:
    home, root, repo = _installation(tmp_path / "i")
    victim = home / "public_html/api/sip-status.php"
    r = flexgit(home, root, repo, "snapshot", extra_env={
        "FLEXGIT_FAIL_READ": str(victim), "FLEXGIT_FAIL_READ_ERRNO": "EIO"})
    assert r.returncode == 3
    assert f"warning: skipped {victim}: Input/output error" in r.stderr
    assert head(repo) is not None


def test_read_only_target(tmp_path: Path, mount: Callable[[Path, str], bool]) -> None:
    base = tmp_path / "i"
    real = mount(base, "4m")
    home, root, _ = _installation(base)
    repo = tmp_path / "store.git"
    assert flexgit(home, root, repo, "snapshot").returncode == 0
    (root / "etc/asterisk/extensions.conf").write_text("; edited\n")
    before = files_of(home, root)
    if real:
        subprocess.run(["mount", "-o", "remount,ro", str(base)], check=True)
    else:
        for d in (root / "etc/asterisk", home):
            d.chmod(0o555)
    r = flexgit(home, root, repo, "-y", "restore", "latest")
    assert r.returncode == 1
    _one_error_line(r, "Read-only file system" if real else "Permission denied")
    assert files_of(home, root) == before
    if real:
        subprocess.run(["mount", "-o", "remount,rw", str(base)], check=True)
