"""Scheduling: the crontab line (checked with the real `crontab`, in a test
user's crontab), what it runs, and the systemd user units."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flexgit import schedule
from tests.conftest import Env, which_or_skip

USER = "flexgit-crontest"
OTHER = ("MAILTO=ops@example.com\n"
         "# nightly log rotation\n"
         "15 3 * * * /usr/sbin/logrotate ~/logrotate.conf\n")


def where(env: Env) -> schedule.Where:
    return schedule.Where(env.home, env.root, env.repo)


def test_cron_line_runs_snapshot_export_prune_with_absolute_paths(env: Env) -> None:
    line = schedule.cron_line(schedule.Job(compress=True), where(env))
    exe = schedule.flexgit_argv()[0]
    assert os.path.isabs(exe) and exe.startswith(str(Path(sys.executable).parent))
    assert line.startswith("0 2 * * * PATH=")
    assert line.endswith(f"# flexgit-schedule {env.repo}")
    assert f"; set -- {exe} --home {env.home} --root {env.root} --repo {env.repo} -q; " in line
    assert '{ "$@" snapshot -t flx; [ $? -le 3 ]; }' in line
    assert '&& { "$@" export -t flx -c; [ $? -le 3 ]; }' in line
    assert '&& "$@" prune --keep-daily 7 --keep-weekly 4 --keep-monthly 12 #' in line
    weekly = schedule.Job(weekly=True, hour=3, minute=30, backup_type="flxx", keep_daily=0,
                          encrypt_to=("ops@example.com",))
    line = schedule.cron_line(weekly, schedule.Where(env.home, env.root, env.tmp / "50%.git"))
    assert line.startswith("30 3 * * 0 ")
    assert "export -t flxx --encrypt ops@example.com;" in line and "--keep-daily 0" in line
    assert "50\\%.git" in line and "50%" not in line.replace("\\%", "")


@pytest.mark.parametrize(("text", "ok"), [("02:00", (2, 0)), ("7:05", (7, 5)),
                                          ("23:59", (23, 59)), ("24:00", None),
                                          ("2h", None), ("02:60", None)])
def test_at(text: str, ok: tuple[int, int] | None) -> None:
    if ok is None:
        with pytest.raises(Exception, match="give the time as HH:MM"):
            schedule.Job.parse_at(text)
    else:
        assert schedule.Job.parse_at(text) == ok


def test_the_cron_command_works(env: Env) -> None:
    """What cron would run, run by sh: a snapshot, an export, a prune."""
    line = schedule.cron_line(schedule.Job(compress=True), where(env))
    command = line.split(" ", 5)[5].replace("\\%", "%")
    res = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""  # -q: cron mails only what goes wrong
    assert len(list((env.home / "backup").glob("flexpbx-2*.flx.gz"))) == 1
    assert (env.home / "backup" / "latest.flx.gz").is_symlink()


@pytest.fixture(scope="module")
def cron_user() -> Iterator[str]:
    which_or_skip("crontab")
    if os.geteuid() != 0:
        pytest.skip("needs root: the test writes the crontab of a user it creates")
    which_or_skip("useradd")
    subprocess.run(["userdel", USER], capture_output=True, check=False)
    subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", USER], check=True)
    try:
        yield USER
    finally:
        subprocess.run(["crontab", "-u", USER, "-r"], capture_output=True, check=False)
        subprocess.run(["userdel", USER], capture_output=True, check=False)


def crontab(user: str) -> str:
    return subprocess.run(["crontab", "-u", user, "-l"], capture_output=True, text=True,
                          check=False).stdout


def test_install_twice_keeps_one_entry_and_other_lines(env: Env, cron_user: str) -> None:
    subprocess.run(["crontab", "-u", cron_user, "-"], input=OTHER, text=True, check=True)
    r = env.run("schedule", "install", "--daily", "--at", "01:30", "-c", "--user", cron_user)
    assert r.exit_code == 0, r.output
    assert env.run("schedule", "install", "--daily", "--at", "01:30", "-c", "--user",
                   cron_user).stdout.startswith("already installed")
    text = crontab(cron_user)
    assert text.startswith(OTHER)
    ours = [ln for ln in text.splitlines() if "# flexgit-schedule" in ln]
    assert len(ours) == 1 and ours[0].startswith("30 1 * * * ")
    # Changing the schedule replaces our line, still one.
    r = env.run("--json", "schedule", "install", "--weekly", "--at", "04:00", "-t", "flxx",
                "--user", cron_user)
    assert json.loads(r.stdout)["changed"] is True
    text = crontab(cron_user)
    ours = [ln for ln in text.splitlines() if "# flexgit-schedule" in ln]
    assert len(ours) == 1 and ours[0].startswith("0 4 * * 0 ") and "-t flxx" in ours[0]
    assert env.run("schedule", "show", "--user", cron_user).stdout == ours[0] + "\n"
    # Another store's job is its own line; remove takes only this store's.
    other = ["--repo", str(env.tmp / "second.git")]
    assert env.run(*other, "schedule", "install", "--user", cron_user).exit_code == 0
    assert len([ln for ln in crontab(cron_user).splitlines() if "flexgit-schedule" in ln]) == 2
    r = env.run("schedule", "remove", "--user", cron_user)
    assert r.exit_code == 0 and r.stdout.startswith("removed: 0 4 * * 0 ")
    left = crontab(cron_user)
    assert left.startswith(OTHER) and str(env.tmp / "second.git") in left
    assert f"flexgit-schedule {env.repo}\n" not in left
    assert env.run(*other, "schedule", "remove", "--user", cron_user).exit_code == 0
    assert crontab(cron_user) == OTHER
    assert env.run("schedule", "remove", "--user", cron_user).stdout == "nothing to remove\n"


def test_systemd_user_units(env: Env) -> None:
    r = env.run("schedule", "install", "--systemd", "--weekly", "--at", "03:15", "-c")
    assert r.exit_code == 0, r.output
    d = env.home / ".config" / "systemd" / "user"
    service = (d / "flexgit-backup.service").read_text()
    timer = (d / "flexgit-backup.timer").read_text()
    assert "OnCalendar=Sun *-*-* 03:15:00\n" in timer and "Persistent=true" in timer
    execs = [ln for ln in service.splitlines() if ln.startswith("ExecStart=")]
    assert [e.split(" -q ")[1].split()[0] for e in execs] == ["snapshot", "export", "prune"]
    assert all(f"--home {env.home} --root {env.root} --repo {env.repo}" in e for e in execs)
    assert "SuccessExitStatus=3" in service
    again = env.run("schedule", "install", "--systemd", "--weekly", "--at", "03:15", "-c")
    assert again.stdout.startswith("unchanged:")
    assert "systemd: " in env.run("schedule", "show").stdout
    assert env.run("schedule", "remove", "--systemd").exit_code == 0
    assert not (d / "flexgit-backup.service").exists() and not (d / "flexgit-backup.timer").exists()


def test_systemd_leaves_foreign_units_alone(env: Env) -> None:
    d = env.home / ".config" / "systemd" / "user"
    d.mkdir(parents=True)
    (d / "flexgit-backup.service").write_text("[Service]\nExecStart=/bin/true\n")
    r = env.run("schedule", "install", "--systemd")
    assert r.exit_code == 1 and "was not written by flexgit" in r.stderr
    assert (d / "flexgit-backup.service").read_text() == "[Service]\nExecStart=/bin/true\n"
