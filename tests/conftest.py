"""Shared builders: a realistic FlexPBX installation in tmp_path, a store, and
helpers to run the CLI and the C git binary against the result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from flexgit import sample
from flexgit.cli import cli
from flexgit.store import Store

REAL_HOME = os.environ.get("HOME", "")


@pytest.fixture(autouse=True)
def dont_touch_real_home(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any test that falls back to $HOME gets a throwaway one, and fails if the
    real home's backup directory appears or changes."""
    fake = tmp_path_factory.mktemp("fake-home")
    monkeypatch.setenv("HOME", str(fake))
    for var in ("FLEXGIT_REPO", "FLEXGIT_HOME", "FLEXGIT_ROOT", "FLEXGIT_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    before = _fingerprint(Path(REAL_HOME) / "backup") if REAL_HOME else None
    yield
    if REAL_HOME:
        assert _fingerprint(Path(REAL_HOME) / "backup") == before, "a test wrote to the real home"


def _fingerprint(p: Path) -> tuple[bool, float]:
    try:
        return True, p.stat().st_mtime
    except OSError:
        return False, 0.0


@dataclass
class Env:
    """An installation plus a store location, and ways to drive flexgit at them."""

    sample: sample.Sample
    repo: Path
    tmp: Path
    opened: list[Store] = field(default_factory=list)

    def store(self) -> Store:
        """The store, closed when the test ends."""
        st = Store.open(self.repo)
        self.opened.append(st)
        return st

    @property
    def home(self) -> Path:
        return self.sample.home

    @property
    def root(self) -> Path:
        return self.sample.root

    def args(self) -> list[str]:
        return ["--home", str(self.home), "--root", str(self.root), "--repo", str(self.repo)]

    def run(self, *args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, [*self.args(), *args], input=input,
                                  catch_exceptions=False)

    def console(self, *args: str, at: bool = True) -> subprocess.CompletedProcess[str]:
        """The installed `flexgit` console script, in a subprocess (pointed at
        this installation unless `at` is False: the caller places the options)."""
        exe = Path(sys.executable).parent / "flexgit"
        if not exe.exists():
            pytest.skip("flexgit is not installed in this environment (pip install -e .)")
        return subprocess.run([str(exe), *(self.args() if at else []), *args],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"})

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        return subprocess.run(["git", "--git-dir", str(self.repo), *args], input=input,
                              check=True, capture_output=True).stdout


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    home, root = tmp_path / "home" / "flexpbx", tmp_path / "root"
    home.mkdir(parents=True)
    root.mkdir()
    s = sample.build(home, root)
    e = Env(s, tmp_path / "store.git", tmp_path)
    yield e
    for st in e.opened:
        st.close()


def all_objects(repo: Path) -> bytes:
    """Every object of a repository, as C git prints them."""
    return subprocess.run(["git", "--git-dir", str(repo), "cat-file", "--batch-all-objects",
                           "--batch"], check=True, capture_output=True).stdout


def fsck(repo: Path) -> None:
    subprocess.run(["git", "--git-dir", str(repo), "fsck", "--strict", "--no-dangling"],
                   check=True, capture_output=True)


requires_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def which_or_skip(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed")
    return path


def tree_state(*dirs: Path) -> dict[str, tuple[str, int, bytes]]:
    """Every file, link and directory under dirs: kind, mode, content/target.
    flexgit's own run log (logs/flexgit.log) is left out: every run appends to it."""
    out: dict[str, tuple[str, int, bytes]] = {}
    for d in dirs:
        for dirpath, dirnames, filenames in os.walk(d):
            for name in dirnames + filenames:
                p = Path(dirpath) / name
                if name == "flexgit.log" and p.parent.name == "logs":
                    continue
                st = p.lstat()
                if p.is_symlink():
                    out[str(p)] = ("link", 0, os.readlink(p).encode())
                elif p.is_dir():
                    out[str(p)] = ("dir", st.st_mode & 0o7777, b"")
                else:
                    out[str(p)] = ("file", st.st_mode & 0o7777, p.read_bytes())
    return out


@pytest.fixture
def two_users() -> Iterator[tuple[str, str]]:
    """Two real Unix users for migrate tests (no home made: homes live under
    the test's --root); removed afterwards. Needs root and useradd."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("needs root and useradd")
    import secrets

    tag = secrets.token_hex(3)
    names = (f"fgsrc{tag}", f"fgdst{tag}")
    for n in names:
        subprocess.run(["useradd", "-M", "-d", f"/home/{n}", "-s", "/bin/false", n],
                       check=True)
    yield names
    for n in names:
        subprocess.run(["userdel", n], check=False)


def path_without(tmp: Path, *hidden: str) -> str:
    """A PATH that has the tools of this one except `hidden` (e.g. visudo):
    a directory of symlinks to every other command on PATH."""
    bin_dir = tmp / "path-bin"
    bin_dir.mkdir(exist_ok=True)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            link = bin_dir / name
            if name in hidden or os.path.lexists(link):
                continue
            full = os.path.join(d, name)
            if os.access(full, os.X_OK) and not os.path.isdir(full):
                link.symlink_to(full)
    return str(bin_dir)


# A restore that has a sudoers file to install exits 3 where visudo is
# missing: it skips that file with a warning (the quick start on a bare machine).
RESTORED = 0 if shutil.which("visudo") else 3


def in_pty(argv: list[str], answer: bytes, *, prompt: bytes = b"Continue?",
           env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a command with a real terminal on stdin/stdout and type `answer`
    at its question; its exit code and everything it printed."""
    import pty

    main, sub = pty.openpty()
    p = subprocess.Popen(argv, stdin=sub, stdout=sub, stderr=sub, close_fds=True,
                         env={**(env or os.environ), "NO_COLOR": "1"})
    os.close(sub)
    out = b""
    answered = False
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
        if not answered and prompt in out:
            os.write(main, answer)
            answered = True
    os.close(main)
    return p.wait(timeout=120), out.decode("utf-8", "replace")
