"""Deterministic inputs for the golden-output test and the throughput benchmark.

Not a test module (pytest collects only ``test_*.py``). Every input is a
(key, tree path, data) triple; the keys are stable, so ``golden.json`` can map
each one to the digest of what ``sanitize`` made of it.

Sources, all generated on the fly (nothing large is committed):

* ``bench/gen.py``: ``flexgit.sample.build(size="large")`` topped up with
  generated portal files and Asterisk configs (falls back to the plain large
  sample when ``bench/`` is not importable);
* the Asterisk sample configs under ``tests/data/corpus/asterisk/``;
* every text file of the above again under other file kinds (JSON, conf, PHP,
  admin-named), so each rule module sees each realistic file;
* seeded random texts, config lines and JSON documents built from the rule
  fragments of the property tests: the corner cases (conflicting claims,
  escapes, placeholders next to values) that realistic files rarely hold.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from flexgit import sample

from .test_sanitize_properties import FRAGMENTS, KEYS, OPS, PATHS

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO / "tests" / "data" / "corpus" / "asterisk"
SEED = 20261127

# Other file kinds each realistic text file is sanitized as, besides its own.
ALT_PATHS = (
    "home/alt/admin_settings.json",
    "system/etc/asterisk/alt.conf",
    "home/public_html/alt/page.php",
)
JSON_KEYS = [
    "name", "email", "password", "pin", "phone", "token", "session_timeout", "hostname",
    "users", "extensions", "push_subscriptions", "endpoint", "keys", "p256dh", "auth",
    "admin_email", "first_name", "apiKey", "password_hash", "hash", "extension", "secrets",
    "admin", "contacts", "label", "url", "dsn", "notes", "fullname", "mobile",
]  # fmt: skip


def _bench_gen() -> ModuleType | None:
    spec = importlib.util.spec_from_file_location("_flexgit_bench_gen", REPO / "bench" / "gen.py")
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except (ImportError, OSError):
        return None
    return module


def build_tree(home: Path, root: Path, *, extra_files: int, extra_mb: float) -> None:
    """The large sample plus ``extra_files`` generated files (~``extra_mb`` MB).

    The same bytes whatever the temp dir: the sample is laid out again with a
    fixed home path in its content, and the generator's byte budget is exact.
    """
    sample.build(home, root, size="large")
    gen = _bench_gen()
    if gen is not None and extra_files > 0:
        files, size = gen.tree_size(home, root)
        mb = (size + int(extra_mb * 1e6) + 0.5) / 1e6  # int(mb * 1e6) == size + extra
        gen.build(home, root, files=files + extra_files, mb=mb, seed=SEED)
    sample.build(home, root, size="large", home_in_content="/home/flexpbx")


def tree_files(home: Path, root: Path) -> Iterator[tuple[str, bytes]]:
    """(tree path, content) of every regular file, sorted by tree path."""
    out: list[tuple[str, Path]] = []
    for side, base in (("home", home), ("system", root)):
        for dirpath, _dirs, names in os.walk(base):
            for name in names:
                p = Path(dirpath) / name
                if p.is_symlink() or not p.is_file():
                    continue
                out.append((f"{side}/{p.relative_to(base).as_posix()}", p))
    for tree_path, p in sorted(out):
        yield tree_path, p.read_bytes()


def _random_texts(r: random.Random, n: int) -> Iterator[str]:
    for _ in range(n):
        parts = []
        for _ in range(r.randrange(41)):
            if r.random() < 0.7:
                parts.append(r.choice(FRAGMENTS))
            else:
                parts.append("".join(r.choice("ab1=:;@/.\"'$ \n\u00e9_-") for _ in range(6)))
        yield "".join(parts)


def _config_texts(r: random.Random, n: int) -> Iterator[str]:
    leads = ["", ";", ";;", " ", ";--", "export "]
    tails = ["", " ; comment", "'", '"', ",", ";secret=x", "\\;x", " --;"]
    for _ in range(n):
        lines = []
        for _ in range(r.randrange(13)):
            value = "".join(r.choice(FRAGMENTS) for _ in range(r.randrange(7)))
            lines.append(r.choice(leads) + r.choice(KEYS) + r.choice(OPS) + value + r.choice(tails))
        yield "\n".join(lines)


def _json_value(r: random.Random, depth: int) -> object:
    roll = r.random()
    if depth > 3 or roll < 0.5:
        return r.choice([
            None, True, False, r.randrange(-10**12, 10**12), r.random() * 1000,
            r.choice(FRAGMENTS), "".join(r.choice(FRAGMENTS) for _ in range(r.randrange(4))),
        ])  # fmt: skip
    if roll < 0.7:
        return [_json_value(r, depth + 1) for _ in range(r.randrange(5))]
    return {
        r.choice(JSON_KEYS) if r.random() < 0.8 else r.choice(FRAGMENTS): _json_value(r, depth + 1)
        for _ in range(r.randrange(6))
    }


def _json_texts(r: random.Random, n: int) -> Iterator[str]:
    for _ in range(n):
        text = json.dumps(
            _json_value(r, 0), indent=r.choice([None, 0, 2, 4]), ensure_ascii=r.random() < 0.3
        )
        if r.random() < 0.3:
            text = text.replace("/", "\\/")  # PHP's json_encode style
        yield text


def inputs(tmp: Path, *, extra_files: int = 300, extra_mb: float = 3.0) -> Iterator[
    tuple[str, str, bytes]
]:
    """Every golden input as (key, tree path, data), in a fixed order."""
    home, root = tmp / "home", tmp / "root"
    build_tree(home, root, extra_files=extra_files, extra_mb=extra_mb)
    realistic: list[tuple[str, bytes]] = list(tree_files(home, root))
    for p in sorted(CORPUS.glob("*.sample")):
        realistic.append((f"system/etc/asterisk/{p.name.removesuffix('.sample')}", p.read_bytes()))
    for tree_path, data in realistic:
        yield tree_path, tree_path, data
    for tree_path, data in realistic:
        if b"\0" in data[:8192]:
            continue
        for alt in ALT_PATHS:
            yield f"{alt}<-{tree_path}", alt, data
    r = random.Random(SEED)
    for kind, texts in (
        ("fragments", _random_texts(r, 3000)),
        ("config", _config_texts(r, 1500)),
        ("json", _json_texts(r, 1500)),
    ):
        for i, text in enumerate(texts):
            path = "home/flexpbx-config.json" if kind == "json" and i % 2 else PATHS[i % len(PATHS)]
            yield f"{kind}/{i:05d}", path, text.encode("utf-8", "surrogatepass")
