"""Scheduling: the crontab line (checked with the real `crontab`, in a test
user's crontab), what it runs, and the systemd user units."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flexgit import schedrun, schedule
from tests.conftest import Env, which_or_skip

USER = "flexgit-crontest"
OTHER = ("MAILTO=ops@example.com\n"
         "# nightly log rotation\n"
         "15 3 * * * /usr/sbin/logrotate ~/logrotate.conf\n")


def where(env: Env) -> schedule.Where:
    return schedule.Where(env.home, env.root, env.repo)


def test_cron_line_runs_one_recorded_run_with_absolute_paths(env: Env) -> None:
    line = schedule.cron_line(schedule.Job(compress=True), where(env))
    exe = schedule.flexgit_argv()[0]
    assert os.path.isabs(exe) and exe.startswith(str(Path(sys.executable).parent))
    assert line.startswith("0 2 * * * PATH=")
    assert line.endswith(f"# flexgit-schedule {env.repo}")
    assert (f"; {exe} --home {env.home} --root {env.root} --repo {env.repo} -q schedule run "
            f"-t flx -c --keep-daily 7 --keep-weekly 4 --keep-monthly 12 #") in line
    weekly = schedule.Job(weekly=True, hour=3, minute=30, backup_type="flxx", keep_daily=0,
                          encrypt_to=("ops@example.com",))
    line = schedule.cron_line(weekly, schedule.Where(env.home, env.root, env.tmp / "50%.git"))
    assert line.startswith("30 3 * * 0 ")
    assert "run -t flxx --encrypt ops@example.com --keep-daily 0" in line
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


def _cron_command(env: Env, job: schedule.Job) -> str:
    return schedule.cron_line(job, where(env)).split(" ", 5)[5].replace("\\%", "%")


def test_the_cron_command_works_and_leaves_a_mark(env: Env) -> None:
    """What cron would run, run by sh: a snapshot, an export, a prune, and
    the mark that `schedule show` and `status` print."""
    res = subprocess.run(["sh", "-c", _cron_command(env, schedule.Job(compress=True))],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and res.stderr == ""  # -q: cron mails only what goes wrong
    assert len(list((env.home / "backup").glob("flexpbx-2*.flx.gz"))) == 1
    assert (env.home / "backup" / "latest.flx.gz").is_symlink()
    mark = json.loads((env.home / "logs" / "flexgit-schedule.json").read_text())[str(env.repo)]
    assert mark["last"]["result"] == "ok" and mark["last"]["file"].endswith(".flx.gz")
    st = env.run("status")
    assert st.exit_code == 0
    assert f"schedule: last run: {mark['last']['started']}: ok; " in st.stdout
    assert "schedule: next run: " in st.stdout


def test_a_failed_run_is_marked_notified_and_shown(env: Env, tmp_path: Path) -> None:
    told = tmp_path / "told.txt"
    notify = f'echo "$FLEXGIT_RESULT $FLEXGIT_EXIT $FLEXGIT_MESSAGE" > {told}'
    schedrun.save(env.home, env.repo, schedrun.Mark("cron", {"hour": 2}, notify))
    shutil.rmtree(env.home / "backup")
    (env.home / "backup").write_text("a file where the backup directory should be")
    res = subprocess.run(["sh", "-c", _cron_command(env, schedule.Job())], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode not in (0, 3)
    [line] = res.stderr.splitlines()  # one line, which cron mails to MAILTO
    assert line.startswith(f"Error: scheduled backup of {env.home} failed: ")
    assert str(env.home / "backup") in line
    result, code, message = told.read_text().strip().split(" ", 2)
    assert (result, int(code)) == ("failed", res.returncode)
    assert message == line.split(" failed: ", 1)[1]
    st = env.run("status")
    assert st.exit_code == 3
    assert f": FAILED (exit {res.returncode}): {message}" in st.stdout
    assert "the last scheduled backup failed" in st.stderr
    doc = json.loads(env.run("--json", "status").stdout)["schedule"]
    assert doc["last_run"]["result"] == "failed" and doc["next_run"]


def test_a_killed_run_is_reported_as_failed(env: Env) -> None:
    mark = schedrun.Mark("cron", {"hour": 2, "minute": 30, "weekly": True})
    dead = subprocess.Popen(["true"])
    dead.wait()
    mark.last = {"started": "2026-12-01 02:30:00", "pid": dead.pid, "result": "running"}
    assert schedrun.failed(mark)
    lines = schedrun.describe(mark, dt.datetime(2026, 12, 2, 9, 0))
    assert lines == ["last run: 2026-12-01 02:30:00: FAILED: it stopped before it finished "
                     "(killed, or the machine went down)",
                     "next run: 2026-12-06 02:30 (cron)"]  # the next Sunday


def test_next_run_daily_and_weekly() -> None:
    now = dt.datetime(2026, 12, 2, 1, 59)
    assert schedrun.next_run(schedule.Job(hour=2), now) == dt.datetime(2026, 12, 2, 2, 0)
    assert schedrun.next_run(schedule.Job(hour=1), now) == dt.datetime(2026, 12, 3, 1, 0)
    assert schedrun.next_run(schedule.Job(weekly=True), now) == dt.datetime(2026, 12, 6, 2, 0)


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
    shown = env.run("schedule", "show", "--user", cron_user).stdout.splitlines()
    assert shown[:2] == [ours[0], "last run: never"]
    when = dt.datetime.strptime(shown[2], "next run: %Y-%m-%d %H:%M (cron)")
    assert (when.isoweekday(), when.hour, when.minute) == (7, 4, 0) and when > dt.datetime.now()
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
    assert r.exit_code in (0, 3), r.output
    d = env.home / ".config" / "systemd" / "user"
    service = (d / "flexgit-backup.service").read_text()
    timer = (d / "flexgit-backup.timer").read_text()
    assert "OnCalendar=Sun *-*-* 03:15:00\n" in timer and "Persistent=true" in timer
    [execs] = [ln for ln in service.splitlines() if ln.startswith("ExecStart=")]
    assert execs.split(" -q ")[1].startswith("schedule run -t flx -c ")
    assert f"--home {env.home} --root {env.root} --repo {env.repo}" in execs
    assert "SuccessExitStatus=3" in service and "OnFailure=" not in service
    if not Path("/var/lib/systemd/linger", getpass.getuser()).exists():
        assert r.exit_code == 3 and "enable-linger" in r.stderr  # said, not left to find out
    again = env.run("schedule", "install", "--systemd", "--weekly", "--at", "03:15", "-c")
    assert again.stdout.startswith("unchanged:")
    assert "systemd: " in env.run("schedule", "show").stdout
    assert env.run("schedule", "remove", "--systemd").exit_code == 0
    assert not (d / "flexgit-backup.service").exists() and not (d / "flexgit-backup.timer").exists()


def test_systemd_on_failure_runs_the_notify_command(env: Env, tmp_path: Path) -> None:
    told = tmp_path / "told"
    r = env.run("schedule", "install", "--systemd", "--notify-cmd", f"touch {told}")
    assert r.exit_code in (0, 3), r.output
    d = env.home / ".config" / "systemd" / "user"
    service = (d / "flexgit-backup.service").read_text()
    assert "OnFailure=flexgit-backup-failed.service\n" in service
    assert " schedule run " in service and "--no-notify" in service
    [failed] = [ln for ln in (d / "flexgit-backup-failed.service").read_text().splitlines()
                if ln.startswith("ExecStart=")]
    # what systemd would start after a killed run: the mark says failed, the user is told
    mark = schedrun.load(env.home, env.repo)
    assert mark is not None
    mark.last = {"started": "2026-12-01 02:00:00", "pid": os.getpid(), "result": "running"}
    schedrun.save(env.home, env.repo, mark)
    res = subprocess.run(["sh", "-c", failed.removeprefix("ExecStart=")], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert told.exists()
    after = schedrun.load(env.home, env.repo)
    assert after is not None and after.last is not None and after.last["result"] == "failed"
    # installed again without a notify command: the failure unit goes
    env.run("schedule", "install", "--systemd")
    assert not (d / "flexgit-backup-failed.service").exists()


def test_systemd_leaves_foreign_units_alone(env: Env) -> None:
    d = env.home / ".config" / "systemd" / "user"
    d.mkdir(parents=True)
    (d / "flexgit-backup.service").write_text("[Service]\nExecStart=/bin/true\n")
    r = env.run("schedule", "install", "--systemd")
    assert r.exit_code == 1 and "was not written by flexgit" in r.stderr
    assert (d / "flexgit-backup.service").read_text() == "[Service]\nExecStart=/bin/true\n"
