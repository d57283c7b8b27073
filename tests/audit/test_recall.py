"""The audit's recall on the red-team corpus snapshotted with the sanitizer
off, per class, and its false positives on the same corpus sanitized
(bench/audit_recall.py does the measuring; docs/performance.md has the figures).

The floors are what the audit reached when they were set (seed 303, not the
seed its detectors were fixed on): a class that drops below fails."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "audit_recall.py"
SEED = 303
# class -> least share of its planted locations the audit must flag.
FLOORS = {"label": 0.97, "cmdline": 1.0, "http": 1.0, "asterisk": 1.0, "phpjs": 0.9,
          "hash": 0.9, "vendor": 0.8, "personal": 0.85, "sweep": 0.7, "encoding": 0.85}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_recall", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Idioms the sanitizer catches and the audit does not yet see (structured
# data: people by SQL column, split JSON names, provisioning display names,
# numbers in Local channels). A ratchet like the red-team test's KNOWN_OPEN:
# they are left out of this measure until the audit finds them, and an entry
# goes when it does (the red-team leak test plants them all the same).
AUDIT_OPEN: dict[str, str] = {
    "personal.sql-schema-row": "names and national numbers in SQL cells, by column",
    "personal.sql-multirow-columns": "names and national numbers in SQL cells, by column",
    "personal.sql-copy-block": "names and national numbers in COPY rows",
    "personal.sql-no-columns": "names and national numbers in SQL cells, by shape",
    "personal.sql-insert-set": "names and national numbers in INSERT ... SET",
    "personal.json-split-name": "first/last names in separate JSON keys (both idioms)",
    "personal.minivm-fromaddress": "the sender's name in minivm.conf",
    "personal.yealink-label": "a handset's account label",
    "personal.grandstream-p3": "Grandstream P-value display names",
    "personal.polycom-label": "Polycom reg.N.label",
    "personal.snom-realname": "Snom user_realname",
    "personal.cisco-display-name": "Cisco Display_Name_N_",
    "asterisk.queues-local-mobile": "a national number in a Local/ channel",
    "asterisk.agents-local-number": "a national number in a Local/ channel",
}


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    result: dict[str, Any] = _bench().measure(SEED, [], skip=tuple(AUDIT_OPEN))
    return result


def test_recall_is_at_least_95_percent(measured: dict[str, Any]) -> None:
    assert measured["found"] >= 0.95 * measured["total"], measured["missed"]


@pytest.mark.parametrize(("cls", "floor"), sorted(FLOORS.items()))
def test_recall_of_each_class_keeps_its_floor(measured: dict[str, Any], cls: str,
                                              floor: float) -> None:
    planted: Counter[str] = measured["planted"]
    missed: Counter[str] = measured["missed"]
    assert planted[cls] > 0
    assert (planted[cls] - missed[cls]) >= floor * planted[cls], (cls, missed[cls], planted[cls])


def test_few_false_positives_on_the_sanitized_store(measured: dict[str, Any]) -> None:
    """A finding on the sanitized store where the sanitizer redacted is a false
    positive (a few remain: docs/performance.md lists them); one where it
    leaked is a true positive."""
    assert len(measured["false"]) <= 4, [f.describe() for f in measured["false"]]
    assert measured["leaks"], "the sanitizer's known leaks are no longer found"
