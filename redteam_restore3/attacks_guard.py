"""Class 5: the central pre-receive guard (file:// pushes and raw receive-pack)."""
from __future__ import annotations

import base64
import codecs
import gzip
import os
import shutil
import subprocess
import zlib
from pathlib import Path

from lib import FLEXGIT, WORK, base, verdict

ATTACKS = {}


def attack(fn):
    ATTACKS[fn.__name__] = fn
    return fn


PW = "Vq8-Lz3mRt6Wk2Xp"
SECRET = f"db_password = '{PW}'\n"
GENV = {"GIT_AUTHOR_NAME": "ops", "GIT_AUTHOR_EMAIL": "ops@example.com",
        "GIT_COMMITTER_NAME": "ops", "GIT_COMMITTER_EMAIL": "ops@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(WORK)}


class G:
    def __init__(self, name: str) -> None:
        self.name = name
        self.dir = WORK / "g" / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.central = self.dir / "central.git"
        self.git("init", "-q", "--bare", str(self.central), cwd=self.dir)
        subprocess.run([FLEXGIT, "hooks", "install", "--server", str(self.central)],
                       check=True, capture_output=True)
        self.work = self.dir / "work"
        self.git("init", "-q", "-b", "main", str(self.work), cwd=self.dir)

    def git(self, *args: str, cwd: Path | None = None, input: bytes | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
        env = dict(os.environ)
        env.update(GENV)
        r = subprocess.run(["git", *args], cwd=cwd or self.work, env=env, input=input,
                           capture_output=True, timeout=300)
        if check and r.returncode != 0:
            raise RuntimeError(f"git {args}: {r.stderr.decode()[-300:]}")
        return r

    def commit_files(self, files: dict[str, bytes], msg: str = "update\n") -> str:
        for rel, data in files.items():
            p = self.work / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", msg)
        return self.git("rev-parse", "HEAD").stdout.decode().strip()

    def hash(self, kind: str, data: bytes, literally: bool = False) -> str:
        args = ["hash-object", "-w", "-t", kind, "--stdin"] + (["--literally"] if literally else [])
        return self.git(*args, input=data).stdout.decode().strip()

    def push(self, *refspecs: str) -> subprocess.CompletedProcess[bytes]:
        return self.git("push", "-q", f"file://{self.central}", *refspecs, check=False)

    def has(self, sha: str) -> bool:
        return self.git("cat-file", "-e", sha, cwd=self.central, check=False).returncode == 0

    def refs(self) -> str:
        return self.git("for-each-ref", cwd=self.central).stdout.decode()


def _pushed(g: G, r: subprocess.CompletedProcess[bytes], sha: str | None = None) -> bool:
    landed = bool(g.refs().strip()) or (sha is not None and g.has(sha))
    return landed


def _refuse(name: str, g: G, r: subprocess.CompletedProcess[bytes], sha: str | None = None):
    landed = _pushed(g, r, sha)
    err = r.stderr.decode(errors="replace").strip().splitlines()
    tb = "Traceback" in r.stderr.decode(errors="replace")
    return verdict(name, landed or tb, f"secret push accepted: {landed}; traceback: {tb}; "
                   f"rc={r.returncode} {' | '.join(err[-2:])[:300]!r}")


def _simple(name: str, files: dict[str, bytes], msg: str = "update\n", ref: str = "main"):
    g = G(name)
    sha = g.commit_files(files, msg)
    r = g.push(f"HEAD:refs/heads/{ref}" if not ref.startswith("refs/") else f"HEAD:{ref}")
    return _refuse(name, g, r, sha)


@attack
def g01_clean_snapshot_accepted():
    b = base()
    g = G("g01_clean_snapshot_accepted")
    r = g.git("push", "-q", f"file://{g.central}", "refs/heads/*:refs/heads/*",
              "refs/tags/*:refs/tags/*", cwd=b / "store.git", check=False)
    ok = r.returncode == 0 and bool(g.refs().strip())
    return verdict("g01_clean_snapshot_accepted", not ok,
                   f"clean flexgit snapshot accepted: {ok}; {r.stderr.decode()[-300:]!r}")


@attack
def g02_plain_blob():
    return _simple("g02_plain_blob", {"config.php": f"<?php\n$x = 1;\n{SECRET}".encode()})


@attack
def g03_utf16_blob():
    return _simple("g03_utf16_blob", {"c.ini": ("\ufeff" + SECRET).encode("utf-16-le")})


@attack
def g04_utf16_no_bom_be():
    return _simple("g04_utf16_no_bom_be", {"c.ini": SECRET.encode("utf-16-be")})


@attack
def g05_secret_in_name():
    return _simple("g05_secret_in_name", {f"db_password={PW}.txt": b"x\n"})


@attack
def g06_secret_in_symlink():
    g = G("g06_secret_in_symlink")
    os.symlink(f"/etc/db_password={PW}", g.work / "l")
    sha = g.commit_files({})
    return _refuse("g06_secret_in_symlink", g, g.push("HEAD:refs/heads/main"), sha)


@attack
def g07_commit_message():
    return _simple("g07_commit_message", {"a": b"a\n"}, f"fix\n\n{SECRET}")


@attack
def g08_tag_message_on_blob():
    g = G("g08_tag_message_on_blob")
    blob = g.hash("blob", b"hello\n")
    g.git("tag", "-a", "t1", blob, "-m", f"release\n{SECRET}")
    return _refuse("g08_tag_message_on_blob", g, g.push("refs/tags/t1"), blob)


@attack
def g09_notes():
    g = G("g09_notes")
    g.commit_files({"a": b"a\n"})
    g.git("notes", "add", "-m", SECRET)
    return _refuse("g09_notes", g, g.push("refs/notes/commits"))


@attack
def g10_custom_namespace():
    return _simple("g10_custom_namespace", {"x.conf": SECRET.encode()}, ref="refs/zz/hidden")


@attack
def g11_gzip_blob():
    return _simple("g11_gzip_blob", {"conf.gz": gzip.compress(SECRET.encode())})


@attack
def g12_zlib_raw_blob():
    return _simple("g12_zlib_raw_blob", {"conf.z": zlib.compress(SECRET.encode())})


@attack
def g13_base64_blob():
    return _simple("g13_base64_blob", {"c.txt": base64.b64encode(SECRET.encode()) + b"\n"})


@attack
def g14_hex_blob():
    return _simple("g14_hex_blob", {"c.txt": SECRET.encode().hex().encode() + b"\n"})


@attack
def g15_rot13_blob():
    return _simple("g15_rot13_blob", {"c.txt": codecs.encode(SECRET, "rot13").encode()})


@attack
def g16_extra_commit_header():
    g = G("g16_extra_commit_header")
    tree = g.git("write-tree").stdout.decode().strip()
    raw = (f"tree {tree}\nauthor a <a@example.com> 1 +0000\ncommitter a <a@example.com> 1 +0000\n"
           f"x-note {SECRET.strip()}\n\nplain\n").encode()
    sha = g.hash("commit", raw, literally=True)
    g.git("update-ref", "refs/heads/main", sha)
    return _refuse("g16_extra_commit_header", g, g.push("refs/heads/main"), sha)


@attack
def g17_author_name():
    g = G("g17_author_name")
    g.commit_files({"a": b"a\n"})
    g.git("commit", "-q", "--amend", "--author", f"{SECRET.strip()} <a@example.com>", "-m", "x")
    return _refuse("g17_author_name", g, g.push("HEAD:refs/heads/main"))


@attack
def g18_tag_to_tree():
    g = G("g18_tag_to_tree")
    blob = g.hash("blob", SECRET.encode())
    tree = g.git("mktree", input=f"100644 blob {blob}\tconfig.ini\n".encode()).stdout.decode().strip()
    g.git("tag", "-a", "tt", tree, "-m", "a tree")
    return _refuse("g18_tag_to_tree", g, g.push("refs/tags/tt"), blob)


@attack
def g19_ref_name_secret():
    return _simple("g19_ref_name_secret", {"a": b"a\n"}, ref=f"refs/heads/db_password={PW}")


@attack
def g20_gitlink_to_blob_in_pack():
    """A tree entry of mode 160000 (submodule) that names the secret blob; the
    blob rides in the pack unreferenced by the walk."""
    g = G("g20_gitlink_to_blob_in_pack")
    blob = g.hash("blob", SECRET.encode())
    tree = g.hash("tree", b"160000 sub\0" + bytes.fromhex(blob), literally=True)
    c = g.git("commit-tree", tree, "-m", "sub").stdout.decode().strip()
    return _raw_push("g20_gitlink_to_blob_in_pack", g, c, [c, tree, blob], blob)


def _raw_push(name: str, g: G, tip: str, objs: list[str], secret_sha: str):
    """receive-pack fed by hand: the pack holds `objs` whatever the ref reaches."""
    pack = g.git("pack-objects", "--stdout", input=("\n".join(objs) + "\n").encode()).stdout
    line = f"{'0' * 40} {tip} refs/heads/main\0report-status\n".encode()
    pkt = f"{len(line) + 4:04x}".encode() + line + b"0000" + pack
    env = dict(os.environ)
    env.update(GENV)
    r = subprocess.run(["git", "receive-pack", str(g.central)], input=pkt,
                       capture_output=True, env=env, timeout=300)
    landed = g.has(secret_sha)
    out = r.stdout.decode(errors="replace")
    tb = "Traceback" in out + r.stderr.decode(errors="replace")
    return verdict(name, landed or tb, f"secret blob {secret_sha[:12]} stored in central: "
                   f"{landed}; ref: {g.refs().strip()[:80]!r}; "
                   f"{[x for x in out.split('ok') if 'unpack' in x][:1]}")


@attack
def g21_unreferenced_blob_in_pack():
    g = G("g21_unreferenced_blob_in_pack")
    c = g.commit_files({"a": b"clean\n"})
    tree = g.git("rev-parse", "HEAD^{tree}").stdout.decode().strip()
    blob_a = g.git("rev-parse", "HEAD:a").stdout.decode().strip()
    secret = g.hash("blob", SECRET.encode())
    return _raw_push("g21_unreferenced_blob_in_pack", g, c, [c, tree, blob_a, secret], secret)


@attack
def g22_huge_object():
    g = G("g22_huge_object")
    big = os.urandom(17 << 20)
    sha = g.commit_files({"big.bin": big})
    return _refuse("g22_huge_object", g, g.push("HEAD:refs/heads/main"), sha)


@attack
def g23_deep_tag_chain():
    g = G("g23_deep_tag_chain")
    obj = g.hash("blob", SECRET.encode())
    for i in range(40):
        raw = (f"object {obj}\ntype {'blob' if i == 0 else 'tag'}\ntag t{i}\n"
               f"tagger a <a@example.com> 1 +0000\n\nx\n").encode()
        obj = g.hash("tag", raw)
    g.git("update-ref", "refs/tags/deep", obj)
    return _refuse("g23_deep_tag_chain", g, g.push("refs/tags/deep"))


@attack
def g24_delta_against_existing():
    """First push a clean large file; then a second version that differs by
    the secret line only (sent as a delta against the accepted blob)."""
    g = G("g24_delta_against_existing")
    body = b"".join(b"line %d of the portal css\n" % i for i in range(4000))
    g.commit_files({"big.css": body})
    r1 = g.push("HEAD:refs/heads/main")
    sha = g.commit_files({"big.css": body + SECRET.encode()})
    r = g.push("HEAD:refs/heads/main")
    landed = g.git("rev-parse", "refs/heads/main", cwd=g.central).stdout.decode().strip() == sha
    return verdict("g24_delta_against_existing", landed,
                   f"first push rc={r1.returncode}; secret version accepted: {landed}; "
                   f"{r.stderr.decode()[-200:]!r}")


@attack
def g25_encoding_header_lies():
    g = G("g25_encoding_header_lies")
    tree = g.git("write-tree").stdout.decode().strip()
    raw = (f"tree {tree}\nauthor a <a@example.com> 1 +0000\ncommitter a <a@example.com> 1 +0000\n"
           f"encoding utf-16\n\n").encode() + SECRET.encode()
    sha = g.hash("commit", raw, literally=True)
    g.git("update-ref", "refs/heads/main", sha)
    return _refuse("g25_encoding_header_lies", g, g.push("refs/heads/main"), sha)


@attack
def g26_secret_in_zip():
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("inner/config.ini", SECRET)
    return _simple("g26_secret_in_zip", {"x.zip": buf.getvalue()})


@attack
def g27_secret_in_xz():
    import lzma
    return _simple("g27_secret_in_xz", {"x.xz": lzma.compress(SECRET.encode())})


@attack
def g28_secret_in_bz2():
    import bz2
    return _simple("g28_secret_in_bz2", {"x.bz2": bz2.compress(SECRET.encode())})


@attack
def g29_secret_in_png_text():
    import struct
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"zTXt", b"Comment\0\0" + zlib.compress(SECRET.encode()))
           + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b""))
    return _simple("g29_secret_in_png_text", {"logo.png": png})


@attack
def g30_replace_ref():
    g = G("g30_replace_ref")
    c = g.commit_files({"a": b"a\n"})
    c2 = g.commit_files({"a": SECRET.encode()})
    g.git("replace", c, c2)
    return _refuse("g30_replace_ref", g, g.push(f"refs/replace/{c}"), c2)


@attack
def g31_quoted_printable():
    qp = SECRET.replace("=", "=3D").replace("'", "=27")
    return _simple("g31_quoted_printable", {"mail.eml": qp.encode()})


@attack
def g32_url_encoded():
    from urllib.parse import quote
    return _simple("g32_url_encoded", {"u.txt": quote(SECRET).encode()})


@attack
def g33_tag_to_tag_to_commit_secret_in_history():
    g = G("g33_tag_to_tag_to_commit_secret_in_history")
    g.commit_files({"a": SECRET.encode()})
    g.commit_files({"a": b"clean\n"})
    g.git("tag", "-a", "t1", "HEAD", "-m", "one")
    g.git("tag", "-a", "t2", "t1", "-m", "two")
    return _refuse("g33_tag_to_tag_to_commit_secret_in_history", g, g.push("refs/tags/t2"))


@attack
def g34_git_daemon_push():
    """Through a real git daemon on loopback (receive-pack enabled)."""
    import socket
    import time as _t
    g = G("g34_git_daemon_push")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    d = subprocess.Popen(["git", "daemon", "--listen=127.0.0.1", f"--port={port}",
                          "--export-all", "--enable=receive-pack", f"--base-path={g.dir}",
                          str(g.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _t.sleep(1)
        g.commit_files({"x.ini": SECRET.encode()})
        r = g.git("push", "-q", f"git://127.0.0.1:{port}/central.git", "HEAD:refs/heads/main",
                  check=False)
    finally:
        d.terminate()
        d.wait()
    return _refuse("g34_git_daemon_push", g, r)


@attack
def g35_unreferenced_blob_via_daemon_thin():
    """g21 through git daemon: objects the pushed refs do not reach stay."""
    g = G("g35_unreferenced_blob_via_daemon_thin")
    c = g.commit_files({"a": b"clean\n"})
    tree = g.git("rev-parse", "HEAD^{tree}").stdout.decode().strip()
    blob_a = g.git("rev-parse", "HEAD:a").stdout.decode().strip()
    secret = g.hash("blob", ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9rT3kLmn\n"
                             + SECRET).encode())
    return _raw_push("g35_unreferenced_blob_via_daemon_thin", g, c, [c, tree, blob_a, secret],
                     secret)
