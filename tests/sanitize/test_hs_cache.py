"""The prefilter's database cache: used when trusted, rebuilt when not."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

import hyperscan
import pytest

from flexgit.sanitize import hs_cache, prefilter

_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH
OURS = [b"password", b"secret"]
OTHER = [b"kitten", b"puppy"]


def hits(db: hyperscan.Database, data: bytes) -> set[int]:
    found: set[int] = set()

    def on_match(expression: int, *_args: object) -> None:
        found.add(expression)

    db.scan(data, match_event_handler=on_match, scratch=hyperscan.Scratch(db))
    return found


def cache_file(directory: Path) -> Path:
    (path,) = directory.glob("prefilter-*.hsdb")
    return path


def plant_other(directory: Path) -> Path:
    """A well-formed cache file for OURS whose body is OTHER's database: if
    it is loaded, the database finds kittens, not passwords."""
    digest = hs_cache.key(OURS, [_FLAGS] * 2, hyperscan.HS_MODE_BLOCK)
    other = hyperscan.dumpb(hs_cache.database(OTHER, [_FLAGS] * 2, directory / "o"))
    path = directory / f"prefilter-{digest.hex()[:40]}.hsdb"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"FLXHSDB1" + digest + hashlib.sha256(other).digest() + other)
    path.chmod(0o600)
    return path


def test_compiles_once_and_loads_after(tmp_path: Path) -> None:
    directory = tmp_path / "cache" / "flexgit"
    db = hs_cache.database(OURS, [_FLAGS] * 2, directory)
    assert hits(db, b"the password") == {0}
    path = cache_file(directory)
    st = path.stat()
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == os.geteuid()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    again = hs_cache.database(OURS, [_FLAGS] * 2, directory)
    assert hits(again, b"a secret, a password") == {0, 1}
    assert path.stat().st_ino == st.st_ino  # read, not written again


def test_a_trusted_file_is_what_is_loaded(tmp_path: Path) -> None:
    plant_other(tmp_path)
    db = hs_cache.database(OURS, [_FLAGS] * 2, tmp_path)
    assert hits(db, b"kitten password") == {0}  # OTHER's: it came from the file


def test_another_key_is_another_file(tmp_path: Path) -> None:
    hs_cache.database(OURS, [_FLAGS] * 2, tmp_path)
    hs_cache.database(OURS, [_FLAGS | hyperscan.HS_FLAG_CASELESS] * 2, tmp_path)
    assert len(list(tmp_path.glob("prefilter-*.hsdb"))) == 2


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x55
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _group_readable(path: Path) -> None:
    path.chmod(0o640)


def _foreign(path: Path) -> None:
    os.chown(path, 65534, 65534)


def _symlink(path: Path) -> None:
    target = path.with_name("elsewhere")
    path.rename(target)
    path.symlink_to(target.name)


@pytest.mark.parametrize("spoil", [_flip, _truncate, _empty, _group_readable, _foreign, _symlink])
def test_an_untrusted_file_is_ignored_and_replaced(tmp_path: Path,
                                                   spoil: Callable[[Path], None]) -> None:
    if spoil is _foreign and os.geteuid() != 0:
        pytest.skip("chown needs root")
    path = plant_other(tmp_path)
    spoil(path)
    db = hs_cache.database(OURS, [_FLAGS] * 2, tmp_path)
    assert hits(db, b"kitten password") == {0} and hits(db, b"kitten") == set()
    st = path.lstat()  # written again: a regular file of ours, the real database
    assert stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert hits(hs_cache.database(OURS, [_FLAGS] * 2, tmp_path), b"secret") == {1}


def test_a_directory_it_cannot_use_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    db = hs_cache.database(OURS, [_FLAGS] * 2, blocked / "flexgit")
    assert hits(db, b"password") == {0}


def test_the_cache_lives_under_the_users_cache_dir(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hs_cache.cache_dir() == tmp_path / "xdg" / "flexgit"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert hs_cache.cache_dir() == tmp_path / "home" / ".cache" / "flexgit"


def test_the_prefilter_uses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    registry = prefilter._REGISTRY
    monkeypatch.setattr(registry, "database", None)
    prefilter._database()
    assert len(list((tmp_path / "flexgit").glob("prefilter-*.hsdb"))) == 1


def test_no_cache_directory_is_made_in_another_users_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # root with a user's $HOME (sudo without -H) must not leave a root-owned
    # ~/.cache there; it compiles without caching.
    if os.geteuid() != 0:
        pytest.skip("chown needs root")
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    db = hs_cache.database(OURS, [_FLAGS] * 2)
    assert hits(db, b"password") == {0}
    assert list(home.iterdir()) == []
