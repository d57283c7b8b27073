"""Regular backups: a crontab entry (the seed's `0 2 * * *` example) or a
systemd user timer that runs `flexgit schedule run` (snapshot, export and
prune, recorded by schedrun.py) with absolute paths to flexgit and the
installation's --home/--root/--repo.

Only lines carrying the marker `# flexgit-schedule <repo>` are ever written or
removed; every other line of the crontab stays as it is. Installing twice
gives one entry.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flexgit import fsutil
from flexgit.errors import FlexgitError, UsageError

MARKER = "# flexgit-schedule"
UNIT = "flexgit-backup"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_AT = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


class ScheduleError(FlexgitError):
    """crontab or the unit files could not be read or written."""


@dataclass(frozen=True)
class Job:
    weekly: bool = False  # Sundays; else every day
    hour: int = 2
    minute: int = 0
    backup_type: str = "flx"
    compress: bool = False
    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12
    encrypt_to: tuple[str, ...] = ()

    @staticmethod
    def parse_at(text: str) -> tuple[int, int]:
        m = _AT.fullmatch(text.strip())
        if m is None:
            raise UsageError(f"--at {text!r}: give the time as HH:MM (e.g. 02:00)")
        return int(m.group(1)), int(m.group(2))


@dataclass(frozen=True)
class Where:
    """The installation the job backs up, as absolute paths."""

    home: Path
    root: Path
    repo: Path
    config: Path | None = None


def flexgit_argv() -> list[str]:
    """How to start this very flexgit: its console script beside the Python
    it runs on, else `python -m flexgit`."""
    exe = Path(sys.executable).parent / "flexgit"
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "flexgit"]


def command(job: Job, where: Where, *, notify: bool = True) -> list[str]:
    """The command line of one run: `flexgit ... schedule run` (schedrun.py),
    which takes the snapshot, exports it and prunes, and records how it went."""
    argv = [*flexgit_argv(), "--home", str(where.home), "--root", str(where.root),
            "--repo", str(where.repo)]
    if where.config is not None:
        argv += ["--config", str(where.config)]
    argv += ["-q", "schedule", "run", "-t", job.backup_type]
    argv += ["-c"] if job.compress else []
    for r in job.encrypt_to:
        argv += ["--encrypt", r]
    argv += ["--keep-daily", str(job.keep_daily), "--keep-weekly", str(job.keep_weekly),
             "--keep-monthly", str(job.keep_monthly)]
    return argv + ([] if notify else ["--no-notify"])


def marker(where: Where) -> str:
    return f"{MARKER} {where.repo}"


def cron_line(job: Job, where: Where) -> str:
    """One crontab line. With -q the run prints only its error line, which
    cron mails to the crontab's MAILTO."""
    when = f"{job.minute} {job.hour} * * {'0' if job.weekly else '*'}"
    line = f"{when} PATH={PATH}; {shlex.join(command(job, where))} {marker(where)}"
    # cron turns % into newlines: escape it (paths may hold one).
    return line.replace("%", "\\%")


# --- crontab ----------------------------------------------------------------


def _crontab(user: str | None) -> list[str]:
    exe = shutil.which("crontab")
    if exe is None:
        raise ScheduleError("crontab not found; install cron (e.g. `apt-get install cron`) "
                            "or use --systemd")
    return [exe, *(["-u", user] if user else [])]


def read_crontab(user: str | None = None) -> str:
    res = subprocess.run([*_crontab(user), "-l"], capture_output=True, text=True, check=False,
                         stdin=subprocess.DEVNULL)
    if res.returncode != 0:
        if "no crontab" in res.stderr.lower():
            return ""
        raise ScheduleError(f"crontab -l failed: {_first(res.stderr)}")
    return res.stdout


def write_crontab(text: str, user: str | None = None) -> None:
    res = subprocess.run([*_crontab(user), "-"], input=text, capture_output=True, text=True,
                         check=False)
    if res.returncode != 0:
        raise ScheduleError(f"crontab could not be written: {_first(res.stderr)}")


def _first(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[0] if lines else "no reason given"


def _ours(line: str, where: Where | None) -> bool:
    if where is None:
        return MARKER in line and not line.lstrip().startswith("#")
    return line.rstrip().endswith(marker(where).replace("%", "\\%"))


def install_cron(job: Job, where: Where, *, user: str | None = None) -> tuple[str, bool]:
    """Put the job's line into the crontab, replacing ours for the same repo;
    returns (line, changed)."""
    line = cron_line(job, where)
    old = read_crontab(user)
    kept = [ln for ln in old.splitlines() if not _ours(ln, where)]
    new = "\n".join([*kept, line]) + "\n"
    if new == old:
        return line, False
    write_crontab(new, user)
    return line, True


def cron_entries(user: str | None = None) -> list[str]:
    return [ln for ln in read_crontab(user).splitlines() if _ours(ln, None)]


def remove_cron(where: Where | None, *, user: str | None = None) -> list[str]:
    """Remove our lines for `where` (every flexgit line when None)."""
    old = read_crontab(user)
    lines = old.splitlines()
    gone = [ln for ln in lines if _ours(ln, where)]
    if gone:
        kept = [ln for ln in lines if not _ours(ln, where)]
        write_crontab("\n".join(kept) + "\n" if kept else "", user)
    return gone


# --- systemd user units -------------------------------------------------------


def unit_dir(home: Path) -> Path:
    return home / ".config" / "systemd" / "user"


def _systemd_arg(arg: str) -> str:
    # systemd expands % specifiers and $VARIABLES in ExecStart=.
    escaped = arg.replace("%", "%%").replace("$", "$$")
    return shlex.quote(escaped)


def units(job: Job, where: Where, notify_cmd: str | None = None) -> dict[str, str]:
    """File name -> content of the service, its timer and, with a notify
    command, the unit systemd starts when the service fails (OnFailure=: also
    when the run was killed and could not say so itself)."""
    argv = command(job, where, notify=notify_cmd is None)
    execs = "ExecStart=" + " ".join(_systemd_arg(a) for a in argv)
    when = f"{'Sun ' if job.weekly else ''}*-*-* {job.hour:02d}:{job.minute:02d}:00"
    on_failure = f"OnFailure={UNIT}-failed.service\n" if notify_cmd else ""
    service = (f"{marker(where)}\n[Unit]\nDescription=flexgit backup of {where.home}\n"
               f"{on_failure}\n"
               f"[Service]\nType=oneshot\n# 3: done with warnings (a copy failed, …)\n"
               f"SuccessExitStatus=3\nEnvironment=PATH={PATH}\n{execs}\n")
    timer = (f"{marker(where)}\n[Unit]\nDescription=flexgit backup of {where.home}, "
             f"{'weekly' if job.weekly else 'daily'}\n\n[Timer]\nOnCalendar={when}\n"
             f"Persistent=true\n\n[Install]\nWantedBy=timers.target\n")
    out = {f"{UNIT}.service": service, f"{UNIT}.timer": timer}
    if notify_cmd:
        failed = [*argv[:argv.index("run")], "notify"]
        out[f"{UNIT}-failed.service"] = (
            f"{marker(where)}\n[Unit]\nDescription=tell that the flexgit backup of "
            f"{where.home} failed\n\n[Service]\nType=oneshot\nEnvironment=PATH={PATH}\n"
            f"ExecStart={' '.join(_systemd_arg(a) for a in failed)}\n")
    return out


def install_systemd(job: Job, where: Where, home: Path,
                    notify_cmd: str | None = None) -> tuple[list[Path], bool]:
    d = unit_dir(home)
    d.mkdir(parents=True, exist_ok=True)
    written, changed = [], False
    wanted = units(job, where, notify_cmd)
    for stale in set(systemd_units(home)) - {d / n for n in wanted}:
        fsutil.remove_quietly(stale)  # a notify unit no longer asked for
        changed = True
    for name, text in wanted.items():
        p = d / name
        if p.exists() and MARKER not in p.read_text(errors="replace"):
            raise ScheduleError(f"{p} exists and was not written by flexgit; remove or rename "
                                f"it first")
        if not p.exists() or p.read_text(errors="replace") != text:
            fsutil.atomic_write(p, text.encode(), mode=0o644)
            changed = True
        written.append(p)
    return written, changed


def systemd_units(home: Path) -> list[Path]:
    d = unit_dir(home)
    return [p for p in (d / f"{UNIT}.service", d / f"{UNIT}.timer", d / f"{UNIT}-failed.service")
            if p.is_file() and MARKER in p.read_text(errors="replace")]


def remove_systemd(home: Path) -> list[Path]:
    gone = systemd_units(home)
    for p in gone:
        fsutil.remove_quietly(p)
    return gone
