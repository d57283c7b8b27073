"""Shared harness of the round-3 outside red team (restore + central guard).

Every attack builds a fresh copy of one sample installation (account rr3a,
home and system root under a scratch directory), writes a hostile backup
file, runs the installed `flexgit` on it as root, and prints SAFE or BROKEN
with the evidence.  Paths of this machine come from the environment:
RR3_WORK (scratch, default a directory under the system temp dir) and
FLEXGIT (the flexgit to run, default `flexgit` on PATH).
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WORK = Path(os.environ.get("RR3_WORK", Path(tempfile.gettempdir()) / "rr3"))
FLEXGIT = os.environ.get("FLEXGIT", shutil.which("flexgit") or "flexgit")
USER, OTHER = "rr3a", "rr3b"
RESULTS: list[tuple[str, str, str]] = []


def ensure_users() -> None:
    for u in (USER, OTHER):
        try:
            pwd.getpwnam(u)
        except KeyError:
            subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", u], check=True)


def base() -> Path:
    """The sample installation and its plain flx export, built once."""
    b = WORK / "base"
    if (b / "base.json").exists():
        return b
    ensure_users()
    shutil.rmtree(b, ignore_errors=True)
    (b / "home" / USER).mkdir(parents=True)
    (b / "root").mkdir()
    from flexgit import sample
    sample.build((b / "home" / USER).resolve(), (b / "root").resolve(), user=USER)
    subprocess.run(["chown", "-R", f"{USER}:{USER}", str(b / "home" / USER)], check=True)
    h = b / "home" / USER
    subprocess.run([FLEXGIT, "--home", str(h), "--root", str(b / "root"), "--repo",
                    str(b / "store.git"), "-q", "snapshot", "-m", "base"], check=True)
    subprocess.run([FLEXGIT, "--home", str(h), "--root", str(b / "root"), "--repo",
                    str(b / "store.git"), "-q", "export", "latest", "-t", "flx", "-o",
                    str(b / "out")], check=True)
    shutil.copy(next((b / "out").glob("*.flx")), b / "base.json")
    return b


class Env:
    def __init__(self, name: str) -> None:
        b = base()
        self.name = name
        self.dir = WORK / "w" / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        subprocess.run(["cp", "-a", str(b / "home"), str(b / "root"), str(self.dir)], check=True)
        self.home = self.dir / "home" / USER
        self.root = self.dir / "root"
        self.repo = self.dir / "store.git"
        self.data = json.loads((b / "base.json").read_text())
        # the file as another host's: its manifest names this env's home
        self.data["flexgit"]["manifest"]["home"] = str(self.home)

    # --- the hostile file ---------------------------------------------------
    @property
    def files(self) -> list[dict]:
        return self.data["files"]

    def entry(self, path: str) -> dict:
        return next(e for e in self.files if e["path"] == path)

    def put(self, path: str, data: bytes | str, *, root: str | None = None, mode: str = "0644",
            type: str = "file", owner: str | None = None, group: str | None = None,
            replace: bool = True, **extra: object) -> dict:
        if isinstance(data, str):
            data = data.encode()
        e: dict = {"path": path, "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                   "size": len(data), "content": base64.b64encode(data).decode()}
        if root is None:
            root = "system" if path.startswith(("etc/", "usr/")) else "home"
        e.update(root=root, mode=mode, type=type)
        if owner is not None:
            e["owner"] = owner
        if group is not None:
            e["group"] = group
        e.update(extra)
        if replace:
            self.data["files"] = [x for x in self.files
                                  if not (x["path"] == path and x.get("root", root) == root)]
        self.files.append(e)
        self.data["file_count"] = len(self.files)
        return e

    def write(self, raw: bytes | None = None, *, gz: bool = False, suffix: str = ".flx") -> Path:
        p = self.dir / ("evil" + suffix + (".gz" if gz else ""))
        body = raw if raw is not None else json.dumps(self.data).encode()
        p.write_bytes(gzip.compress(body) if gz else body)
        return p

    # --- running ------------------------------------------------------------
    def flexgit(self, *args: str, timeout: float = 120, env: dict | None = None,
                stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [FLEXGIT, "--home", str(self.home), "--root", str(self.root), "--repo",
               str(self.repo), *args]
        e = dict(os.environ)
        e.update(env or {})
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  env=e, input=stdin)
        except subprocess.TimeoutExpired as ex:
            return subprocess.CompletedProcess(cmd, -999, str(ex.stdout), f"TIMEOUT {timeout}s")

    def restore(self, *opts: str, mode: str = "merge", path: Path | None = None,
                **kw: object) -> subprocess.CompletedProcess[str]:
        p = path or self.write()
        return self.flexgit("-y", "restore", "-m", mode, *opts, str(p), **kw)  # type: ignore[arg-type]

    def snap(self) -> dict[str, tuple[int, int, int, bytes | str]]:
        """(mode, uid, gid, content or link target) of every path of the env."""
        out = {}
        for top in (self.dir / "home", self.root):
            for dp, dns, fns in os.walk(top):
                for n in dns + fns:
                    p = Path(dp, n)
                    st = p.lstat()
                    if p.is_symlink():
                        v: bytes | str = os.readlink(p)
                    elif p.is_file():
                        v = hashlib.sha256(p.read_bytes()).hexdigest().encode()
                    else:
                        v = b"dir"
                    out[str(p.relative_to(self.dir))] = (st.st_mode, st.st_uid, st.st_gid, v)
        return out


def traceback_in(r: subprocess.CompletedProcess[str]) -> bool:
    return "Traceback" in (r.stderr or "") or "Traceback" in (r.stdout or "")


def short(r: subprocess.CompletedProcess[str]) -> str:
    err = (r.stderr or "").strip().splitlines()
    return f"rc={r.returncode} stderr={' | '.join(err[-3:])[:400]!r}"


def verdict(name: str, broken: bool, evidence: str) -> bool:
    v = "BROKEN" if broken else "SAFE"
    print(f"{v} {name}: {evidence}")
    RESULTS.append((name, v, evidence))
    sys.stdout.flush()
    return broken


def changed(env: Env, before: dict) -> list[str]:
    after = env.snap()
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                  and "/backup" not in k and not k.endswith("logs/flexgit.log"))


def clean_fail(name: str, r: subprocess.CompletedProcess[str], env: Env | None = None,
               before: dict | None = None, want_rc: tuple[int, ...] = (1, 4)) -> bool:
    """A refusal: documented rc, no traceback, nothing changed."""
    problems = []
    if r.returncode not in want_rc:
        problems.append(f"rc {r.returncode} not in {want_rc}")
    if traceback_in(r):
        problems.append("traceback")
    if env is not None and before is not None:
        c = changed(env, before)
        if c:
            problems.append(f"changed: {c[:5]}")
    return verdict(name, bool(problems), "; ".join(problems) + " " + short(r))
