from __future__ import annotations

import os
from pathlib import Path

import pytest

from flexgit import paths


def test_parent_dirs_reuses_and_creates_in_sorted_order(tmp_path: Path) -> None:
    with paths.ParentDirs(tmp_path) as dirs:
        for rel in ("a/b/c/one", "a/b/c/two", "a/b/d/three", "a/e/four", "top"):
            fd = dirs.open(rel, mode=0o750)
            os.close(os.open(rel.rsplit("/", 1)[-1], os.O_WRONLY | os.O_CREAT, 0o600,
                             dir_fd=fd))
    for rel in ("a/b/c/one", "a/b/c/two", "a/b/d/three", "a/e/four", "top"):
        assert (tmp_path / rel).is_file(), rel
    assert (tmp_path / "a/b/d").stat().st_mode & 0o777 == 0o750


def test_parent_dirs_refuses_a_symlinked_parent(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "base"
    (base / "a").mkdir(parents=True)
    (base / "a" / "link").symlink_to(outside)
    with paths.ParentDirs(base) as dirs:
        dirs.open("a/x")
        with pytest.raises(paths.UnsafeTarget, match="symlink"):
            dirs.open("a/link/evil")
    assert list(outside.iterdir()) == []


def test_parent_dirs_without_create_does_not_make_directories(tmp_path: Path) -> None:
    with paths.ParentDirs(tmp_path, create=False) as dirs, pytest.raises(FileNotFoundError):
        dirs.open("missing/x")
    assert not (tmp_path / "missing").exists()
