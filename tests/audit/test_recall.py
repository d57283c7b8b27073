"""The audit's recall on the red-team corpus snapshotted with the sanitizer
off, per class, and its false positives on the same corpus sanitized
(bench/audit_recall.py does the measuring; docs/performance.md has the figures).

The floors are what the audit reached when they were set (seeds 101, 202,
303, 404, 505; the outside red team's generator, measured with
`bench/audit_recall.py --outside`, is not in this tree): a class that drops
below fails, and so does the whole below 95 %."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "audit_recall.py"
SEED = 303
# class -> least share of its planted locations the audit must flag (what it
# reached on seeds 101-505 when set, a miss or two of margin where a class
# has few plants: names 4, userdata 2 a seed).
FLOORS = {"label": 0.97, "cmdline": 0.97, "http": 0.97, "asterisk": 0.97, "phpjs": 0.97,
          "hash": 0.95, "vendor": 0.95, "personal": 0.95, "sweep": 0.95, "encoding": 0.95,
          "names": 0.75, "userdata": 1.0}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_recall", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured() -> Any:
    return _bench().measure(SEED, [])


def test_recall_is_at_least_95_percent(measured: Any) -> None:
    assert measured.found >= 0.95 * measured.total, measured.missed


@pytest.mark.parametrize(("cls", "floor"), sorted(FLOORS.items()))
def test_recall_of_each_class_keeps_its_floor(measured: Any, cls: str, floor: float) -> None:
    planted: Counter[str] = measured.planted
    missed: Counter[str] = measured.missed
    assert planted[cls] > 0
    assert (planted[cls] - missed[cls]) >= floor * planted[cls], (cls, missed[cls], planted[cls])


def test_no_false_positive_on_the_sanitized_store(measured: Any) -> None:
    """A finding on the sanitized store where the sanitizer redacted is a false
    positive; one where it leaked is a true positive."""
    assert measured.false == [], [f.describe() for f in measured.false]
    # (Findings on real sanitizer leaks are measured.leaks: on this seed the
    # sanitizer now leaves none, so they are not required; recall is above.)
