from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import Env


def _flip(path: Path, offset: int) -> None:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_clean_store_is_ok(env: Env) -> None:
    env.run("snapshot")
    r = env.run("--json", "check", "--read-data")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["ok"] and doc["commits"] == 1 and doc["objects"] > 10


def test_bit_flip_in_pack_is_named(env: Env) -> None:
    env.run("snapshot")
    pack = next((env.repo / "objects" / "pack").glob("*.pack"))
    _flip(pack, pack.stat().st_size // 2)
    r = env.run("check", "--read-data")
    assert r.exit_code == 4
    assert f"objects/pack/{pack.name}" in r.stdout


def test_bit_flip_in_loose_object_is_named(env: Env) -> None:
    env.run("snapshot")
    sha = subprocess.run(["git", "--git-dir", str(env.repo), "hash-object", "-w", "--stdin"],
                         input=b"a loose object written by C git\n", capture_output=True,
                         check=True).stdout.decode().strip()
    loose = env.repo / "objects" / sha[:2] / sha[2:]
    _flip(loose, len(loose.read_bytes()) - 3)
    r = env.run("check", "--read-data")
    assert r.exit_code == 4
    assert f"object {sha}" in r.stdout


def test_bit_flip_in_backup_file_is_named(env: Env) -> None:
    env.run("snapshot")
    r = env.run("--json", "export")
    path = Path(json.loads(r.stdout)["path"])
    doc = json.loads(path.read_text())
    victim = doc["files"][3]
    text = path.read_text()
    i = text.index(victim["content"]) + 5
    ch = "A" if text[i] != "A" else "B"
    path.write_text(text[:i] + ch + text[i + 1:])
    r = env.run("verify", str(path))
    assert r.exit_code == 4
    assert victim["path"] in r.stdout


def test_leftovers_and_stale_lock_found_and_repaired(env: Env) -> None:
    env.run("snapshot")
    (env.repo / "objects" / "pack" / ".flexgit-tmp-deadbeef").write_bytes(b"PACK partial")
    (env.repo / "objects" / "pack" / "pack-0000.pack").write_bytes(b"PACK orphan")
    (env.repo / "flexgit.lock").write_text(json.dumps(
        {"host": socket.gethostname(), "pid": 2 ** 22 + 12345, "time": 0, "command": "x"}))
    r = env.run("check")
    assert r.exit_code == 4
    assert "stale lock" in r.stdout and ".flexgit-tmp-deadbeef" in r.stdout
    assert "pack-0000.pack" in r.stdout
    r = env.run("check", "--repair")
    assert r.exit_code == 0, r.stdout
    assert r.stdout.count("repaired:") == 3
    assert not (env.repo / "flexgit.lock").exists()
    r = env.run("check", "--read-data")
    assert r.exit_code == 0


def test_missing_object_is_named(env: Env) -> None:
    env.run("snapshot")
    # A commit made by hand that points at a blob the store does not have.
    tree = subprocess.run(["git", "--git-dir", str(env.repo), "mktree", "--missing"],
                          input=b"100644 blob " + b"1" * 40 + b"\tghost.txt\n",
                          capture_output=True, check=True).stdout.decode().strip()
    env_vars = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}
    commit = subprocess.run(["git", "--git-dir", str(env.repo), "commit-tree", tree, "-m", "x"],
                            capture_output=True, check=True, env=env_vars).stdout.decode().strip()
    subprocess.run(["git", "--git-dir", str(env.repo), "update-ref", "refs/tags/ghost", commit],
                   check=True)
    r = env.run("check")
    assert r.exit_code == 4
    assert "ghost.txt: object 1111111111111111111111111111111111111111 is missing" in r.stdout


def _slow_export(env: Env) -> subprocess.Popen[bytes]:
    """`flexgit export -c` of a snapshot with a 48 MB image: long enough to be
    caught mid-write. Returns once its temp file has data in it."""
    big = env.home / "public_html" / "img" / "big.png"
    big.parent.mkdir(parents=True, exist_ok=True)
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(48 << 20))
    assert env.run("snapshot").exit_code in (0, 3)
    proc = subprocess.Popen([sys.executable, "-m", "flexgit", *env.args(), "export", "-c"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        temps = list((env.home / "backup").glob(".flexgit-tmp-*"))
        if temps and temps[0].stat().st_size > (1 << 20):
            return proc
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("the export never wrote its temp file")


def _age(path: Path) -> None:
    """As if the grace period (fsutil.TEMP_GRACE_SECONDS) had passed."""
    old = time.time() - 60
    os.utime(path, (old, old))


def test_a_killed_exports_temp_is_removed_by_repair_and_by_the_next_export(env: Env) -> None:
    proc = _slow_export(env)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    backup = env.home / "backup"
    [left] = backup.glob(".flexgit-tmp-*")
    _age(left)
    r = env.run("check")
    assert r.exit_code == 4
    assert f"{left}: leftover of a killed export; --repair removes it" in r.stdout
    r = env.run("check", "--repair")
    assert r.exit_code == 0, r.output
    assert f"repaired: removed leftover of a killed export {left}" in r.stderr + r.stdout
    assert not left.exists()
    # killed again; this time the next export cleans up
    proc = _slow_export(env)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    [left] = backup.glob(".flexgit-tmp-*")
    _age(left)
    assert env.run("export").exit_code == 0
    assert not left.exists() and not list(backup.glob(".flexgit-tmp-*"))


def test_a_live_exports_temp_is_not_touched(env: Env) -> None:
    proc = _slow_export(env)
    proc.send_signal(signal.SIGSTOP)  # alive, holding its temp file, not writing
    try:
        backup = env.home / "backup"
        [live] = backup.glob(".flexgit-tmp-*")
        _age(live)
        r = env.run("check", "--repair")
        assert r.exit_code == 0, r.output
        assert env.run("export").exit_code == 0
        assert live.exists()
    finally:
        proc.send_signal(signal.SIGCONT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert not live.exists() and not list(backup.glob(".flexgit-tmp-*"))
