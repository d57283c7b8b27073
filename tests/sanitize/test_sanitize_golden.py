"""Golden output: sanitize() must give the same bytes and counts as the recorded
version for every input of :mod:`.golden_inputs` (the large sample topped up by
the bench generator, the Asterisk corpus, each text file under other file kinds,
and seeded rule-fragment texts). A speed-up that changes any output fails here.

Per input the digest covers the output, the counts, the findings of
find_secrets() on the input, and the output and counts of a second sanitize()
of the output. Realistic files get one line each in ``golden.json``; the
variants and random inputs are digested in chunks to keep the file small.

Regenerate (only when a rule change is *meant* to change output):
``FLEXGIT_GOLDEN_WRITE=1 pytest tests/sanitize/test_sanitize_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from flexgit.sanitize import find_secrets, sanitize

from .golden_inputs import inputs

GOLDEN = Path(__file__).with_name("golden.json")
CHUNK = 50
RANDOM = ("fragments/", "config/", "json/")


def digest(path: str, data: bytes) -> str:
    first = sanitize(path, data)
    second = sanitize(path, first.data)
    findings = [(f.rule, f.line) for f in find_secrets(path, data)]
    blob = json.dumps(
        [
            hashlib.sha256(first.data).hexdigest(),
            first.counts,
            findings,
            hashlib.sha256(second.data).hexdigest(),
            second.counts,
        ]
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def table(tmp: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    chunk: list[str] = []
    chunk_key = ""
    for key, path, data in inputs(tmp):
        d = digest(path, data)
        if "<-" not in key and not key.startswith(RANDOM):
            out[key] = d
            continue
        if not chunk:
            chunk_key = f"chunk:{key}"
        chunk.append(f"{key}={d}")
        if len(chunk) == CHUNK:
            out[chunk_key] = hashlib.sha256("\n".join(chunk).encode()).hexdigest()[:16]
            chunk = []
    if chunk:
        out[chunk_key] = hashlib.sha256("\n".join(chunk).encode()).hexdigest()[:16]
    return out


def dump(t: dict[str, str]) -> str:
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in t.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


@pytest.mark.slow
def test_golden_output(tmp_path: Path) -> None:
    got = table(tmp_path)
    if os.environ.get("FLEXGIT_GOLDEN_WRITE"):
        GOLDEN.write_text(dump(got))
    want = json.loads(GOLDEN.read_text())
    assert list(got) == list(want), "the golden inputs changed; regenerate golden.json"
    differ = [k for k in want if got[k] != want[k]]
    assert not differ, f"{len(differ)} outputs differ from golden.json, first: {differ[:10]}"
