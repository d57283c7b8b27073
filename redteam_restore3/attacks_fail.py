"""Class 4: corrupted stores, packs and files; Ctrl-C and kill -9."""
from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import time

from lib import FLEXGIT, Env, clean_fail, short, verdict

ATTACKS = {}


def attack(fn):
    ATTACKS[fn.__name__] = fn
    return fn


def _file(name: str, raw: bytes, want=(1, 4)) -> bool:
    e = Env(name)
    before = e.snap()
    return clean_fail(name, e.restore(path=e.write(raw)), e, before, want)


@attack
def f01_truncated_gzip():
    e = Env("f01_tmp")
    z = gzip.compress(json.dumps(e.data).encode())
    return _file("f01_truncated_gzip", z[: len(z) // 2])


@attack
def f02_invalid_utf8():
    e = Env("f02_tmp")
    raw = json.dumps(e.data).encode().replace(b'"1.0"', b'"1.\xff"', 1)
    return _file("f02_invalid_utf8", raw)


@attack
def f03_trailing_garbage():
    e = Env("f03_tmp")
    return _file("f03_trailing_garbage", json.dumps(e.data).encode() + b"\n{}")


@attack
def f04_hash_mismatch_one():
    e = Env("f04_hash_mismatch_one")
    before = e.snap()
    e.entry("public_html/portal/css/portal.css")["hash"] = "sha256:" + "0" * 64
    return clean_fail("f04_hash_mismatch_one", e.restore(), e, before, (1, 4))


@attack
def f05_gpg_garbage():
    e = Env("f05_gpg_garbage")
    before = e.snap()
    p = e.dir / "evil.flx.gpg"
    p.write_bytes(b"\x85\x01\x0c\x03garbage" * 50)
    return clean_fail("f05_gpg_garbage", e.restore(path=p), e, before, (1, 4))


@attack
def f06_source_is_directory():
    e = Env("f06_source_is_directory")
    before = e.snap()
    d = e.dir / "dir.flx"
    d.mkdir()
    return clean_fail("f06_source_is_directory", e.restore(path=d), e, before, (1, 2, 4))


def _store(name: str) -> Env:
    e = Env(name)
    r = e.flexgit("-q", "snapshot", "-m", "one")
    assert r.returncode == 0, short(r)
    (e.home / "public_html/portal/css/portal.css").write_text("/* changed */\n")
    r = e.flexgit("-q", "snapshot", "-m", "two")
    assert r.returncode == 0, short(r)
    return e


def _restore_rev(name: str, e: Env, rev: str = "latest~1", want=(1, 4, 10)) -> bool:
    before = e.snap()
    r = e.flexgit("-y", "restore", rev)
    return clean_fail(name, r, e, before, want)


@attack
def f07_store_missing_object():
    e = _store("f07_store_missing_object")
    subprocess.run(["git", "-C", str(e.repo), "repack", "-ad", "-q"], check=True)
    subprocess.run(["git", "-C", str(e.repo), "unpack-objects", "-q"], check=False,
                   stdin=open(next((e.repo / "objects/pack").glob("*.pack")), "rb"))
    for p in (e.repo / "objects/pack").glob("*"):
        p.unlink()
    objs = subprocess.run(["git", "-C", str(e.repo), "rev-list", "--objects", "--all"],
                          capture_output=True, text=True).stdout.splitlines()
    blob = next((o.split()[0] for o in objs if o.endswith("portal/css/portal.css")), "")
    if blob:
        (e.repo / "objects" / blob[:2] / blob[2:]).unlink()
    return _restore_rev("f07_store_missing_object", e)


@attack
def f08_store_corrupt_pack():
    e = _store("f08_store_corrupt_pack")
    subprocess.run(["git", "-C", str(e.repo), "repack", "-ad", "-q"], check=True)
    pack = next((e.repo / "objects/pack").glob("*.pack"))
    b = bytearray(pack.read_bytes())
    for i in range(200, len(b) - 40, 97):
        b[i] ^= 0x55
    pack.chmod(0o644)
    pack.write_bytes(bytes(b))
    return _restore_rev("f08_store_corrupt_pack", e)


@attack
def f09_store_head_dangling():
    e = _store("f09_store_head_dangling")
    ref = subprocess.run(["git", "-C", str(e.repo), "symbolic-ref", "HEAD"],
                         capture_output=True, text=True).stdout.strip()
    (e.repo / ref).parent.mkdir(parents=True, exist_ok=True)
    (e.repo / ref).write_text("1234567890123456789012345678901234567890\n")
    (e.repo / "packed-refs").unlink(missing_ok=True)
    return _restore_rev("f09_store_head_dangling", e, "latest")


@attack
def f10_store_garbage_loose_object():
    e = _store("f10_store_garbage_loose_object")
    c = subprocess.run(["git", "-C", str(e.repo), "rev-parse", "HEAD~1^{tree}"],
                       capture_output=True, text=True).stdout.strip()
    p = e.repo / "objects" / c[:2] / c[2:]
    if p.exists():
        p.chmod(0o644)
        p.write_bytes(b"\x78\x9cgarbage")
    else:  # packed: write a loose garbage copy the reader may prefer
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"\x78\x9cgarbage")
    # rc 0 is right when the reader took the intact packed copy: then the
    # restored file must be the snapshot's
    before = e.snap()
    r = e.flexgit("-y", "restore", "latest~1")
    if r.returncode == 0:
        css = (e.home / "public_html/portal/css/portal.css").read_text()
        return verdict("f10_store_garbage_loose_object", "changed" in css,
                       f"restored from the intact copy: {'changed' not in css}; {short(r)}")
    return clean_fail("f10_store_garbage_loose_object", r, e, before, (1, 4, 10))


def _leftovers(e: Env) -> list[str]:
    out = []
    for top in (e.home, e.root):
        for dp, dns, fns in os.walk(top):
            for n in fns + dns:
                if any(k in n for k in (".tmp", "~", ".flexgit-", "tmp.", ".part", ".new")) \
                        and "/backup" not in dp:
                    out.append(os.path.join(dp, n)[len(str(e.dir)) + 1:])
    return out


def _interrupt(name: str, sig: int, mode: str = "fresh", delay: float = 1.4) -> bool:
    e = Env(name)
    # a backup that rewrites many files: every css with new content
    for i in range(3000):
        e.put(f"public_html/portal/css/gen{i}.css", f"/* {i} */\n" * 50, replace=False)
    p = e.write()
    before_leftovers = _leftovers(e)
    cmd = [FLEXGIT, "--home", str(e.home), "--root", str(e.root), "--repo", str(e.repo),
           "-y", "restore", "-m", mode, str(p)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    time.sleep(delay)
    # wait until the restore has started writing
    end = time.time() + 60
    while time.time() < end and proc.poll() is None:
        if any((e.home / "public_html/portal/css").glob("gen*")):
            break
        time.sleep(0.01)
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=120)
    left = [x for x in _leftovers(e) if x not in before_leftovers]
    n = len(list((e.home / "public_html/portal/css").glob("gen*")))
    # the next run must clean what is left, or finish the job
    r2 = e.restore(path=p)
    left2 = [x for x in _leftovers(e) if x not in before_leftovers]
    r3 = e.flexgit("-y", "undo")
    n3 = len(list((e.home / "public_html/portal/css").glob("gen*")))
    problems = []
    if sig == signal.SIGINT and proc.returncode not in (130, -2):
        problems.append(f"rc {proc.returncode} after SIGINT")
    if "Traceback" in err:
        problems.append("traceback")
    if left2:
        problems.append(f"temp files left after the next run: {left2[:3]}")
    if r2.returncode not in (0, 3) or "Traceback" in r2.stderr:
        problems.append(f"next run failed: {short(r2)}")
    return verdict(name, bool(problems),
                   f"{problems}; interrupted rc={proc.returncode} with {n} of 3000 written, "
                   f"temp after interrupt={left[:3]}; next {short(r2)}; undo {short(r3)} "
                   f"-> {n3} left; {err.strip()[-200:]!r}")


@attack
def f11_ctrl_c():
    return _interrupt("f11_ctrl_c", signal.SIGINT)


@attack
def f12_kill_9():
    return _interrupt("f12_kill_9", signal.SIGKILL)


@attack
def f13_kill_9_then_undo():
    """kill -9 mid-apply: does undo put back the previous state?"""
    e = Env("f13_kill_9_then_undo")
    orig = (e.home / "public_html/portal/css/portal.css").read_bytes()
    e.put("public_html/portal/css/portal.css", "/* new */\n")
    for i in range(3000):
        e.put(f"public_html/portal/css/gen{i}.css", "x\n" * 20, replace=False)
    p = e.write()
    cmd = [FLEXGIT, "--home", str(e.home), "--root", str(e.root), "--repo", str(e.repo),
           "-y", "restore", "-m", "fresh", str(p)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    end = time.time() + 60
    while time.time() < end and proc.poll() is None:
        if any((e.home / "public_html/portal/css").glob("gen*")):
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    r = e.flexgit("-y", "undo")
    now = (e.home / "public_html/portal/css/portal.css").read_bytes()
    gens = len(list((e.home / "public_html/portal/css").glob("gen*")))
    bad = (now != orig or gens) and "Traceback" not in r.stderr
    bad = bad or "Traceback" in r.stderr
    return verdict("f13_kill_9_then_undo", bool(bad) and r.returncode == 0,
                   f"after kill -9 + undo: portal.css original={now == orig}, {gens} new files "
                   f"left; undo {short(r)}")


@attack
def f14_lock_left_by_kill():
    """A restore killed with -9 leaves its lock: the next run must not wait forever or fail."""
    e = Env("f14_lock_left_by_kill")
    for i in range(3000):
        e.put(f"public_html/portal/css/gen{i}.css", "x\n" * 20, replace=False)
    p = e.write()
    cmd = [FLEXGIT, "--home", str(e.home), "--root", str(e.root), "--repo", str(e.repo),
           "-y", "restore", "-m", "fresh", str(p)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    time.sleep(2.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    r = e.restore(path=p, timeout=120)
    return verdict("f14_lock_left_by_kill", r.returncode not in (0, 3),
                   f"next run after kill -9: {short(r)}")


@attack
def f15_dir_where_file_expected():
    """The account put a directory where the backup has a file, deep in a
    plan of many writes: the restore must fail before writing, or skip it."""
    e = Env("f15_dir_where_file_expected")
    css = e.home / "public_html/portal/css/portal.css"
    css.unlink()
    (css / "sub").mkdir(parents=True)
    e.put("public_html/portal/css/portal.css", "/* new */\n")
    e.put("public_html/aaa.php", "<?php // written first\n")
    before = e.snap()
    r = e.restore(mode="fresh")
    wrote = (e.home / "public_html/aaa.php").exists()
    half = wrote and r.returncode not in (0, 3)
    return verdict("f15_dir_where_file_expected", half or "Traceback" in r.stderr,
                   f"aaa.php written={wrote}; {short(r)}; paths before {len(before)}")


@attack
def f16_private_store_corrupt_undo():
    e = Env("f16_private_store_corrupt_undo")
    e.put("public_html/portal/css/portal.css", "/* new */\n")
    r1 = e.restore()
    priv = e.home / "backup/private.git"
    for p in priv.rglob("*"):
        if p.is_file() and "objects" in p.parts and p.parent.name != "info":
            p.chmod(0o644)
            p.write_bytes(b"junk")
    before = e.snap()
    r = e.flexgit("-y", "undo")
    return clean_fail("f16_private_store_corrupt_undo", r, e, before, (1, 4, 10))
