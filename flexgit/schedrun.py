"""A scheduled backup run, and the mark it leaves.

cron and systemd start `flexgit schedule run`: snapshot, export and prune in
one process, so one place knows how the whole run ended. The run records
itself in <home>/logs/flexgit-schedule.json (per store): "running" with its
pid when it starts, then the result, the error line, the snapshot and the
backup file. `schedule show` and `status` read it, so a failed night is seen
the next time anyone looks, and a run killed half-way (the mark still says
running, its pid is gone) is reported as such. On a failure the optional
notify command runs with the result in its environment; cron also mails the
run's one error line to the crontab's MAILTO, as it mails any output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flexgit import fsutil
from flexgit.errors import ERROR, OK, WARNINGS, FlexgitError
from flexgit.schedule import Job

if TYPE_CHECKING:
    from flexgit.app import Context

STATE = Path("logs") / "flexgit-schedule.json"
NOTIFY_TIMEOUT = 60  # seconds: a hanging mailer must not hold the next night's run


@dataclass
class Mark:
    kind: str  # cron or systemd
    job: dict[str, Any]
    notify_cmd: str | None = None
    last: dict[str, Any] | None = None  # the latest run: see run()

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _load_all(home: Path) -> dict[str, Any]:
    try:
        doc = json.loads((home / STATE).read_text())
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def load(home: Path, repo: Path) -> Mark | None:
    d = _load_all(home).get(str(repo))
    if not isinstance(d, dict):
        return None
    try:
        return Mark(d["kind"], d["job"], d.get("notify_cmd"), d.get("last"))
    except (KeyError, TypeError):
        return None


def save(home: Path, repo: Path, mark: Mark | None) -> None:
    doc = _load_all(home)
    if mark is None:
        doc.pop(str(repo), None)
    else:
        doc[str(repo)] = mark.as_json()
    (home / STATE.parent).mkdir(mode=0o750, exist_ok=True)
    fsutil.atomic_write(home / STATE, (json.dumps(doc, indent=2) + "\n").encode(), mode=0o640)


def job_of(mark: Mark) -> Job:
    j = mark.job
    return Job(bool(j.get("weekly")), int(j.get("hour", 2)), int(j.get("minute", 0)),
               str(j.get("backup_type", "flx")), bool(j.get("compress")),
               int(j.get("keep_daily", 7)), int(j.get("keep_weekly", 4)),
               int(j.get("keep_monthly", 12)), tuple(j.get("encrypt_to", ())))


def next_run(job: Job, now: dt.datetime) -> dt.datetime:
    """When cron or the timer starts the job next (local time)."""
    t = now.replace(hour=job.hour, minute=job.minute, second=0, microsecond=0)
    while t <= now or (job.weekly and t.isoweekday() != 7):
        t += dt.timedelta(days=1)
    return t


def describe(mark: Mark, now: dt.datetime | None = None) -> list[str]:
    """Lines for `schedule show` and `status`: the last run, its result, the next."""
    now = now or dt.datetime.now()
    last = mark.last
    out = []
    if last is None:
        out.append("last run: never")
    elif last["result"] == "running":
        if fsutil.pid_alive(int(last.get("pid", 0))):
            out.append(f"last run: {last['started']}: running now (pid {last['pid']})")
        else:
            out.append(f"last run: {last['started']}: FAILED: it stopped before it "
                       f"finished (killed, or the machine went down)")
    elif last["result"] == "failed":
        out.append(f"last run: {last['started']}: FAILED (exit {last['code']}): "
                   f"{last['message']}")
    else:
        what = "ok" if last["result"] == "ok" else f"done with warnings: {last['message']}"
        out.append(f"last run: {last['started']}: {what}"
                   + (f"; {last['file']}" if last.get("file") else ""))
    out.append(f"next run: {next_run_text(mark, now)} ({mark.kind})")
    return out


def next_run_text(mark: Mark, now: dt.datetime | None = None) -> str:
    return f"{next_run(job_of(mark), now or dt.datetime.now()):%Y-%m-%d %H:%M}"


def failed(mark: Mark | None) -> bool:
    """Whether the last scheduled run did not end well (status warns then)."""
    if mark is None or mark.last is None:
        return False
    r = mark.last["result"]
    return r == "failed" or (r == "running" and not fsutil.pid_alive(int(mark.last.get("pid", 0))))


def run(ctx: Context, job: Job, *, notify_on_failure: bool = True) -> int:
    """snapshot -> export -> prune, recorded in the mark; the exit code."""
    # Here, not above: `status` reads the mark and must not load the snapshot code.
    from flexgit import lifecycle, retention

    mark = load(ctx.home, ctx.repo) or Mark("cron", asdict(job))
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    mark.last = {"started": started, "pid": os.getpid(), "result": "running"}
    save(ctx.home, ctx.repo, mark)
    code, message, file, warnings = OK, "", None, []
    try:
        snap = lifecycle.take_snapshot(ctx, backup_type=job.backup_type,
                                       message=f"scheduled ({job.backup_type})",
                                       command="flexgit schedule run")
        warnings += snap.warnings
        exp = lifecycle.export_backup(ctx, snap.head, backup_type=job.backup_type,
                                      compress=job.compress, encrypt_to=job.encrypt_to)
        warnings += exp.warnings
        file = str(exp.result.path)
        retention.prune(exp.result.path.parent, retention.Policy(
            daily=job.keep_daily, weekly=job.keep_weekly, monthly=job.keep_monthly))
    except FlexgitError as e:
        code, message = e.exit_code, e.message
    except OSError as e:
        code, message = ERROR, f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}"
    finally:
        if code == OK and warnings:
            code, message = WARNINGS, "; ".join(warnings)
        result = {OK: "ok", WARNINGS: "warnings"}.get(code, "failed")
        mark.last = {"started": started, "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "pid": os.getpid(), "result": result, "code": code, "message": message,
                     "file": file}
        save(ctx.home, ctx.repo, mark)
    if code not in (OK, WARNINGS):
        ctx.out.error(f"scheduled backup of {ctx.home} failed: {message}")
        if notify_on_failure:
            notify(mark)
    return code


def failed_elsewhere(home: Path, repo: Path) -> Mark | None:
    """systemd's OnFailure= unit: the run failed (or was killed before it
    could record it); record that if the mark does not say so, and notify."""
    mark = load(home, repo)
    if mark is None:
        return None
    if mark.last is None or mark.last["result"] in ("running", "ok", "warnings"):
        mark.last = {**(mark.last or {"started": time.strftime("%Y-%m-%d %H:%M:%S")}),
                     "result": "failed", "code": ERROR, "pid": 0,
                     "message": "systemd reported the run as failed before it finished "
                                "(`journalctl --user -u flexgit-backup` says why)"}
        save(home, repo, mark)
    notify(mark)
    return mark


def notify(mark: Mark) -> None:
    """Run the notify command of a failed run; its own failure only warns."""
    if not mark.notify_cmd or mark.last is None:
        return
    env = {**os.environ, "FLEXGIT_RESULT": str(mark.last.get("result")),
           "FLEXGIT_EXIT": str(mark.last.get("code")),
           "FLEXGIT_MESSAGE": str(mark.last.get("message") or "")}
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(["/bin/sh", "-c", mark.notify_cmd], env=env, timeout=NOTIFY_TIMEOUT,
                       stdin=subprocess.DEVNULL, check=False)


def linger_problem(user: str) -> str | None:
    """A systemd user timer runs only while its user is logged in, unless the
    user lingers (`loginctl enable-linger`); None when it does."""
    if Path("/var/lib/systemd/linger", user).exists():
        return None
    return (f"user {user} does not linger: the timer runs only while {user} is logged in; "
            f"enable it with `sudo loginctl enable-linger {user}`")
