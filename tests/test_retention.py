from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from flexgit import retention
from tests.conftest import Env


def _name(d: date, hms: str = "02-00-00", ext: str = "flx") -> str:
    return f"flexpbx-{d.isoformat()}_{hms}.{ext}"


def _daily_dir(tmp: Path) -> Path:
    """Every day of Q1 2025 at 02:00, plus a second (noon) backup on Mar 31."""
    d = tmp / "backup"
    d.mkdir()
    day = date(2025, 1, 1)
    while day <= date(2025, 3, 31):
        (d / _name(day)).write_bytes(b"{}")
        day += timedelta(days=1)
    (d / _name(date(2025, 3, 31), "12-00-00")).write_bytes(b"{}")
    (d / "notes.txt").write_text("not a backup")
    return d


def test_restic_semantics_exact_keep_set(tmp_path: Path) -> None:
    d = _daily_dir(tmp_path)
    backups = [b for n in os.listdir(d) if (b := retention.parse_name(n))]
    keep = retention.decide(backups, retention.Policy(daily=7, weekly=4, monthly=3))
    kept = {n for n, r in keep.items() if r}
    noon = _name(date(2025, 3, 31), "12-00-00")
    expected = {noon} | {_name(date(2025, 3, day)) for day in range(25, 31)}  # 7 days
    # ISO weeks: W14 (Mon Mar 31, the noon one), W13 -> Sun Mar 30, W12 -> Mar 23, W11 -> Mar 16
    expected |= {_name(date(2025, 3, 23)), _name(date(2025, 3, 16))}
    expected |= {_name(date(2025, 2, 28)), _name(date(2025, 1, 31))}  # months
    assert kept == expected
    assert keep[noon] == ["daily", "weekly", "monthly"]
    last = retention.decide(backups, retention.Policy(last=3))
    assert {n for n, r in last.items() if r} == {
        noon, _name(date(2025, 3, 31)), _name(date(2025, 3, 30))}


def test_kinds_are_kept_separately() -> None:
    names = [_name(date(2025, 3, 1), ext="flxx.gz"), _name(date(2025, 3, 2)),
             _name(date(2025, 3, 3))]
    backups = [b for n in names if (b := retention.parse_name(n))]
    keep = retention.decide(backups, retention.Policy(last=1))
    assert {n for n, r in keep.items() if r} == {names[0], names[2]}


def test_prune_cli_dry_run_then_move_and_latest_link(env: Env, tmp_path: Path) -> None:
    d = _daily_dir(tmp_path)
    old = _name(date(2025, 1, 5))
    os.symlink(old, d / "latest.flx")
    gz = _name(date(2025, 1, 2), ext="flx.gz")
    (d / gz).write_bytes(b"")
    os.symlink(gz, d / "latest.flx.gz")
    before = sorted(os.listdir(d))
    r = env.run("prune", "--dir", str(d), "--keep-daily", "2", "--dry-run")
    assert r.exit_code == 0, r.output
    assert sorted(os.listdir(d)) == before and os.readlink(d / "latest.flx") == old
    assert f"would move    {old} -> backups/{old}" in r.stdout
    assert r.stdout.splitlines()[-1].endswith(" would be moved to backups/")
    r = env.run("--json", "prune", "--dir", str(d), "--keep-daily", "2")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    noon = _name(date(2025, 3, 31), "12-00-00")
    assert {k["name"] for k in doc["kept"]} == {noon, _name(date(2025, 3, 30))}
    left = sorted(n for n in os.listdir(d) if n.startswith("flexpbx-"))
    assert left == sorted([noon, _name(date(2025, 3, 30))])
    assert len(os.listdir(d / "backups")) == 90  # 90 days + noon + the .gz - the 2 kept
    assert os.readlink(d / "latest.flx") == noon  # retargeted to the newest left
    assert not os.path.lexists(d / "latest.flx.gz")  # nothing of that kind left
    assert (d / "notes.txt").exists()


def test_prune_default_policy_delete_and_all_zero_refused(env: Env, tmp_path: Path) -> None:
    d = _daily_dir(tmp_path)
    r = env.run("prune", "--dir", str(d), "--keep-last", "0")
    assert r.exit_code == 2 and "keeps nothing" in r.stderr
    r = env.run("--json", "prune", "--dir", str(d), "--delete")
    assert r.exit_code == 0, r.output
    kept = {k["name"] for k in json.loads(r.stdout)["kept"]}
    assert len(kept) == 7 + 4 + 3 - 3  # daily 7, weekly 4, monthly 3 (of 12): 3 shared
    assert {n for n in os.listdir(d) if n.startswith("flexpbx-")} == kept
    assert not (d / "backups").exists()


def test_missing_dir(env: Env) -> None:
    r = env.run("prune", "--dir", str(env.tmp / "nope"))
    assert r.exit_code == 2 and "does not exist" in r.stderr


@pytest.mark.parametrize("name", ["flexpbx-2025-13-01_00-00-00.flx", "flexpbx-2025.flx",
                                  "latest.flx", "flexpbx-2025-01-01_00-00-00.flx.bak"])
def test_foreign_names_are_ignored(name: str) -> None:
    assert retention.parse_name(name) is None
