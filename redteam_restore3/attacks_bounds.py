"""Class 3: size, count, nesting and compression bombs in a backup file."""
from __future__ import annotations

import gzip
import json
import time
import zlib

from lib import Env, clean_fail, short, verdict

ATTACKS = {}


def attack(fn):
    ATTACKS[fn.__name__] = fn
    return fn


def _bomb(name: str, raw: bytes, *, gz: bool = False, env: dict | None = None,
          limit_s: float = 30, want: tuple[int, ...] = (1, 4)) -> bool:
    e = Env(name)
    before = e.snap()
    p = e.write(raw, gz=gz)
    t = time.monotonic()
    r = e.restore(path=p, env=env, timeout=limit_s * 4)
    dt = time.monotonic() - t
    if dt > limit_s:
        return verdict(name, True, f"took {dt:.1f}s (> {limit_s}s) {short(r)}")
    return clean_fail(name + f" ({dt:.1f}s, {len(raw)} bytes)", r, e, before, want)


def _doc(e: Env | None = None, **over: object) -> dict:
    d = json.loads(json.dumps((e or Env("bounds_tmp")).data))
    d.update(over)
    return d


@attack
def b01_gzip_bomb_over_limit():
    raw = json.dumps(_doc()).encode()
    pad = b" " * (200 << 20)
    return _bomb("b01_gzip_bomb_over_limit", raw[:-1] + pad + b"}", gz=True,
                 env={"FLEXGIT_MAX_BYTES": str(50 << 20)})


@attack
def b02_deep_nesting_settings():
    return _bomb("b02_deep_nesting_settings",
                 json.dumps(_doc(default_settings=None)).replace(
                     '"default_settings": null', '"default_settings": ' + "[" * 200000 +
                     "]" * 200000).encode())


@attack
def b03_many_entries():
    e = Env("b03_tmp")
    one = dict(e.files[0])
    files = [dict(one, path=f"public_html/x/{i}.md") for i in range(150_000)]
    return _bomb("b03_many_entries", json.dumps(_doc(e, files=files)).encode())


@attack
def b04_long_number():
    return _bomb("b04_long_number",
                 json.dumps(_doc()).replace('"file_count": 34', '"file_count": 1' +
                                            "0" * 5_000_000).encode())


@attack
def b05_content_longer_than_size():
    e = Env("b05_tmp")
    d = _doc(e)
    d["files"][0]["size"] = 10
    d["files"][0]["content"] = "A" * (60 << 20)
    return _bomb("b05_content_longer_than_size", json.dumps(d).encode())


@attack
def b06_empty_dirs_count_bomb():
    """The manifest's empty_dirs is not a file entry: 300,000 of them."""
    e = Env("b06_tmp")
    d = _doc(e)
    d["flexgit"]["manifest"]["empty_dirs"] = {
        f"home/public_html/d{i}/e/f": {"mode": "0755", "owner": "rr3a", "group": "rr3a",
                                        "category": "system_files"} for i in range(300_000)}
    e2 = Env("b06_empty_dirs_count_bomb")
    before = e2.snap()
    t = time.monotonic()
    r = e2.restore(path=e2.write(json.dumps(d).encode()), timeout=300)
    dt = time.monotonic() - t
    made = sum(1 for p in (e2.home / "public_html").iterdir() if p.name.startswith("d"))
    bad = made > 100_000 or dt > 60
    return verdict("b06_empty_dirs_count_bomb", bad,
                   f"{made} directories made in {dt:.1f}s (FLEXGIT_MAX_ENTRIES is 100,000 for "
                   f"entries); {len(before)} paths before; {short(r)}")


@attack
def b07_long_key_top_level():
    return _bomb("b07_long_key_top_level",
                 json.dumps(_doc(**{"k" * (70 << 20): 1})).encode())


@attack
def b08_many_small_gzip_members():
    raw = json.dumps(_doc()).encode()
    body = gzip.compress(raw[:-1]) + b"".join(gzip.compress(b" " * 1000) for _ in range(200_000)) \
        + gzip.compress(b"}")
    return _bomb("b08_many_small_gzip_members", body, want=(0, 1, 3, 4))


@attack
def b09_gzip_inside_gzip():
    raw = gzip.compress(gzip.compress(json.dumps(_doc()).encode()))
    return _bomb("b09_gzip_inside_gzip", raw)


@attack
def b10_deep_nesting_content_json():
    """A JSON file inside the backup nested 100,000 deep: the merge parses it."""
    e = Env("b10_deep_nesting_content_json")
    body = '{"a": ' * 100_000 + "1" + "}" * 100_000
    e.put("flexpbx-config.json", body, mode="0640")
    before = e.snap()
    t = time.monotonic()
    r = e.restore(timeout=120)
    dt = time.monotonic() - t
    return clean_fail(f"b10_deep_nesting_content_json ({dt:.1f}s)", r, None, None, (0, 1, 3, 4)) \
        if dt < 30 and "Traceback" not in r.stderr else verdict(
            "b10_deep_nesting_content_json", True, f"{dt:.1f}s {short(r)} {len(before)}")


@attack
def b11_many_links_budget():
    e = Env("b11_many_links_budget")
    for i in range(20_000):
        e.put(f"public_html/l{i}", "/".join(["."] * 200) + "/x", type="symlink", mode="0777",
              replace=False)
    before = e.snap()
    t = time.monotonic()
    r = e.restore(timeout=300)
    dt = time.monotonic() - t
    return verdict("b11_many_links_budget", dt > 60 or "Traceback" in r.stderr,
                   f"{dt:.1f}s {short(r)}; paths before {len(before)}")


@attack
def b12_sanitized_map_huge():
    e = Env("b12_tmp")
    d = _doc(e)
    d["files"][0]["sanitized"] = {f"r{i}": i for i in range(200_000)}
    return _bomb("b12_sanitized_map_huge", json.dumps(d).encode())


@attack
def b13_whitespace_flood():
    raw = json.dumps(_doc()).encode()
    return _bomb("b13_whitespace_flood", raw[:1] + b" " * (300 << 20) + raw[1:],
                 env={"FLEXGIT_MAX_BYTES": str(100 << 20)})


@attack
def b14_zlib_stream_not_gzip():
    return _bomb("b14_zlib_stream_not_gzip", zlib.compress(json.dumps(_doc()).encode()))


@attack
def b15_escaped_slashes_content():
    e = Env("b15_tmp")
    d = _doc(e)
    d["files"][0]["content"] = "\\/" * (40 << 20)
    return _bomb("b15_escaped_slashes_content", json.dumps(d).encode().replace(b"\\\\/", b"\\/"))


@attack
def b16_long_path_components():
    e = Env("b16_tmp")
    d = _doc(e)
    d["files"][0]["path"] = "/".join(["a" * 200] * 30)
    return _bomb("b16_long_path_components", json.dumps(d).encode())


@attack
def b17_many_distinct_case_names():
    e = Env("b17_tmp")
    d = _doc(e)
    one = dict(d["files"][0])
    d["files"] += [dict(one, path="public_html/x/" + "Aa"[i % 2] + "b") for i in range(2)]
    return _bomb("b17_many_distinct_case_names", json.dumps(d).encode())
