from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import Env
from tests.formats.helpers import commit_by_hand


def _export(env: Env, *args: str) -> Path:
    r = env.run("--json", "export", *args)
    assert r.exit_code == 0, r.output
    return Path(json.loads(r.stdout)["path"])


def test_clean_file_and_snapshot_verify(env: Env) -> None:
    env.run("snapshot")
    path = _export(env)
    r = env.run("verify", str(path))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"{path}: OK (")
    r = env.run("--json", "verify", "latest")
    assert r.exit_code == 0 and json.loads(r.stdout) == {"ok": True, "problems": []}
    gz = _export(env, "-c")
    assert env.run("verify", str(gz)).exit_code == 0


def test_flipped_content_byte_is_named(env: Env) -> None:
    env.run("snapshot")
    path = _export(env)
    doc = json.loads(path.read_text())
    victim = next(e for e in doc["files"] if e["size"] > 100)
    i = 40  # a character well inside the base64, away from any padding
    c = victim["content"]
    victim["content"] = c[:i] + ("A" if c[i] != "A" else "B") + c[i + 1:]
    bad = env.tmp / "flipped.flx"
    bad.write_text(json.dumps(doc))
    r = env.run("--json", "verify", str(bad))
    assert r.exit_code == 4
    out = json.loads(r.stdout)
    assert out["ok"] is False
    assert out["problems"] == [{"path": victim["path"],
                                "problem": out["problems"][0]["problem"]}]
    assert out["problems"][0]["problem"].startswith("Hash mismatch for")
    r = env.run("verify", str(bad))
    assert r.exit_code == 4 and f"{victim['path']}: Hash mismatch for" in r.stdout


def test_truncated_gzip_and_count_disagreement(env: Env) -> None:
    env.run("snapshot")
    gz = _export(env, "-c")
    cut = env.tmp / "cut.flx.gz"
    cut.write_bytes(gz.read_bytes()[: gz.stat().st_size // 2])
    r = env.run("verify", str(cut))
    assert r.exit_code == 4 and "truncated gzip" in r.stdout
    doc = json.loads(gzip.decompress(gz.read_bytes()))
    doc["file_count"] += 3
    off = env.tmp / "count.flx"
    off.write_text(json.dumps(doc))
    r = env.run("--json", "verify", str(off))
    assert r.exit_code == 4
    assert json.loads(r.stdout)["problems"][0]["path"] == "file_count"


def test_snapshot_with_files_missing_from_manifest(env: Env) -> None:
    assert env.run("init").exit_code == 0
    commit_by_hand(env, {"home/a.txt": b"a\n"})
    r = env.run("--json", "verify", "latest")
    assert r.exit_code == 4
    assert json.loads(r.stdout)["problems"] == [
        {"path": ".flexgit/manifest.json", "problem": "missing"}]


def test_missing_file_is_an_error(env: Env) -> None:
    r = env.run("verify", str(env.tmp / "nope.flx"))
    assert r.exit_code == 1 and r.stderr == f"Error: {env.tmp / 'nope.flx'}: no such file\n"
