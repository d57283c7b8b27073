"""Lifecycle hooks: executables in `<hooks dir>/<event>.d/`, run in name order
with the event's facts in FLEXGIT_* environment variables.

The hooks directory is `<repo>/hooks/` (beside git's own hooks of the bare
store), or the profile's `hooks_dir`. A failing `pre-*` hook stops the
command before it changes anything; a failing `post-*` hook is a warning
(exit 3) since the work is done. Hooks do not run for a flexgit started by a
hook (FLEXGIT_EVENT is set), so a hook calling flexgit cannot loop.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from flexgit.errors import FlexgitError, HookFailed, UsageError

if TYPE_CHECKING:
    from flexgit.app import Context

EVENTS = ("pre-snapshot", "post-snapshot", "pre-restore", "post-restore", "post-export")
# The facts a hook may be given, as FLEXGIT_<NAME>; any left over from an
# outer flexgit are cleared so a hook never sees another run's facts.
FACTS = ("event", "home", "snapshot", "mode", "file", "source", "type", "user", "private", "store",
         "changed", "pre_restore", "written", "deleted", "copies", "encrypted", "paths",
         "include", "exclude")
SHIPPED = Path(__file__).parent / "hooks_shipped"
SERVER_HOOKS = ("pre-receive",)
INSTALL_PREFIX = "50-"  # leaves room for hooks of your own before and after
PYTHON_MARK = "# @flexgit-python@"
DEFAULT_TIMEOUT = 600.0
_SKIP_SUFFIXES = ("~", ".sample", ".disabled", ".orig", ".bak")

Say = Callable[[str], None]


@dataclass(frozen=True)
class Hook:
    event: str
    path: Path
    runnable: bool  # an executable regular file (others are listed, never run)

    @property
    def name(self) -> str:
        return self.path.name


def directory_for(repo: Path, home: Path, configured: str | None) -> Path:
    """The profile's hooks_dir (relative to the home), else <repo>/hooks."""
    if configured:
        p = Path(configured).expanduser()
        return p if p.is_absolute() else home / p
    return repo / "hooks"


def installed(directory: Path, event: str) -> list[Hook]:
    """Every candidate in <directory>/<event>.d, in the order they run."""
    d = directory / f"{event}.d"
    try:
        names = sorted(os.listdir(d))
    except (FileNotFoundError, NotADirectoryError):
        return []
    out = []
    for name in names:
        if name.startswith(".") or name.endswith(_SKIP_SUFFIXES):
            continue
        p = d / name
        out.append(Hook(event, p, p.is_file() and os.access(p, os.X_OK)))
    return out


@dataclass
class Ran:
    hook: Hook
    code: int
    output: str


@dataclass
class Runner:
    """Runs the hooks of one flexgit command."""

    directory: Path
    enabled: bool = True
    base: dict[str, str] = field(default_factory=dict)  # FLEXGIT_HOME, _ROOT, _REPO, …
    cwd: Path | None = None
    show: Say = print  # output of a failing hook, always shown
    detail: Say = lambda _s: None  # output of a hook that succeeded (-v)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def active(self) -> bool:
        return self.enabled and not os.environ.get("FLEXGIT_EVENT")

    def pre(self, event: str, **facts: object) -> None:
        """Run the event's hooks; the first failure raises HookFailed."""
        for ran in self._run(event, facts, stop_on_failure=True):
            if ran.code != 0:
                raise HookFailed(f"{event} hook {ran.hook.name} {_how(ran.code)}; nothing was "
                                 f"changed (fix the hook in {ran.hook.path.parent}, or skip "
                                 f"hooks with --no-hooks or FLEXGIT_NO_HOOKS=1)")

    def post(self, event: str, **facts: object) -> list[str]:
        """Run every hook of the event; failures come back as warnings."""
        warnings = []
        for ran in self._run(event, facts, stop_on_failure=False):
            if ran.code != 0:
                last = ran.output.strip().splitlines()[-1:] or [""]
                tail = f": {last[0][:200]}" if last[0] else ""
                warnings.append(f"{event} hook {ran.hook.name} {_how(ran.code)}{tail}")
        return warnings

    def environment(self, event: str, facts: dict[str, object]) -> dict[str, str]:
        env = dict(os.environ)
        for name in FACTS:
            env.pop(f"FLEXGIT_{name.upper()}", None)
        env.update(self.base)
        env["FLEXGIT_EVENT"] = event
        for key, value in facts.items():
            if key not in FACTS:
                raise FlexgitError(f"internal: unknown hook fact {key!r}")
            if value is None:
                continue
            if isinstance(value, bool):
                value = "1" if value else "0"
            env[f"FLEXGIT_{key.upper()}"] = str(value)
        return env

    def _run(self, event: str, facts: dict[str, object], *, stop_on_failure: bool) -> list[Ran]:
        if event not in EVENTS:
            raise FlexgitError(f"internal: unknown hook event {event!r}")
        if not self.active:
            return []
        env = self.environment(event, facts)
        out = []
        for hook in installed(self.directory, event):
            if not hook.runnable:
                self.detail(f"hook {hook.path} is not executable; skipped (chmod +x to run it)")
                continue
            ran = _execute(hook, env, self.cwd, self.timeout)
            out.append(ran)
            text = ran.output.rstrip("\n")
            if ran.code != 0:
                self.show(f"{event} hook {hook.name} {_how(ran.code)}"
                          + (f"; its output:\n{_indent(text)}" if text else " (no output)"))
                if stop_on_failure:
                    break
            elif text:
                self.detail(f"{event} hook {hook.name}:\n{_indent(text)}")
        return out


def _how(code: int) -> str:
    if code == -signal.SIGKILL:
        return "was stopped (timeout)"
    if code < 0:
        return f"was killed by signal {-code}"
    if code == 127:
        return "could not be started (exit 127)"
    return f"exited {code}"


def _indent(text: str, limit: int = 200) -> str:
    lines = text.splitlines()
    if len(lines) > limit:
        lines = [f"… ({len(lines) - limit} lines before)", *lines[-limit:]]
    return "\n".join(f"  | {ln}" for ln in lines)


def _execute(hook: Hook, env: dict[str, str], cwd: Path | None, timeout: float) -> Ran:
    try:
        proc = subprocess.Popen([str(hook.path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                cwd=cwd if cwd and cwd.is_dir() else "/",
                                start_new_session=True)
    except OSError as e:  # a bad #! line, a directory, …
        return Ran(hook, 127, f"cannot run {hook.path}: {e.strerror or e}")
    try:
        data, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        # The hook's whole process group: a hook that started children must
        # not keep our pipe (and this command) open.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        data, _ = proc.communicate()
        return Ran(hook, -signal.SIGKILL, data.decode("utf-8", "replace")
                   + f"\n(stopped after {timeout:g}s: FLEXGIT_HOOK_TIMEOUT)")
    return Ran(hook, proc.returncode, data.decode("utf-8", "replace"))


def for_context(ctx: Context) -> Runner:
    """The runner of a command: hooks directory, switches and base facts from
    the run's context; hook output goes to stderr."""
    base = {"FLEXGIT_HOME": str(ctx.home), "FLEXGIT_ROOT": str(ctx.root),
            "FLEXGIT_REPO": str(ctx.repo), "FLEXGIT_PYTHON": sys.executable}
    if ctx.config is not None:
        base["FLEXGIT_CONFIG"] = str(Path(ctx.config).absolute())
    out = ctx.out

    def show(text: str) -> None:
        print(text, file=out.err)

    def detail(text: str) -> None:
        if out.verbose and not out.quiet:
            print(text, file=out.err)

    try:
        timeout = float(os.environ.get("FLEXGIT_HOOK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        raise UsageError("FLEXGIT_HOOK_TIMEOUT must be a number of seconds") from None
    return Runner(directory_for(ctx.repo, ctx.home, ctx.profile.hooks_dir),
                  enabled=ctx.hooks and not os.environ.get("FLEXGIT_NO_HOOKS"), base=base,
                  cwd=ctx.home, show=show, detail=detail, timeout=timeout)


# --- shipped hooks ------------------------------------------------------------


def shipped() -> dict[str, Path]:
    """Name -> script of the hooks that come with flexgit."""
    if not SHIPPED.is_dir():
        return {}
    return {p.name: p for p in sorted(SHIPPED.iterdir())
            if p.is_file() and not p.name.startswith((".", "_"))}


def _shipped(name: str) -> Path:
    scripts = shipped()
    if name not in scripts:
        raise UsageError(f"no shipped hook named {name!r}; choose from "
                         f"{', '.join(sorted(scripts)) or '(none found)'}")
    return scripts[name]


def _put(target: Path, data: bytes, *, force: bool) -> bool:
    """Write an executable hook; False when it is there already as it is."""
    from flexgit import fsutil

    if target.is_symlink() or target.exists():
        if target.is_file() and target.read_bytes() == data:
            os.chmod(target, 0o755)
            return False
        if not force:
            raise UsageError(f"{target} exists and differs from the shipped hook; "
                             f"pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fsutil.atomic_write(target, data, mode=0o755)
    return True


def install(name: str, directory: Path, *, force: bool = False) -> tuple[Path, bool]:
    """Copy the shipped hook `name` (an event name) into <directory>/<event>.d/."""
    if name in SERVER_HOOKS:
        raise UsageError(f"{name} is a hook for a central repository: "
                         f"`flexgit hooks install --server REPO`")
    src = _shipped(name)
    if name not in EVENTS:
        raise UsageError(f"shipped hook {name!r} names no event ({', '.join(EVENTS)})")
    target = directory / f"{name}.d" / f"{INSTALL_PREFIX}{name}"
    return target, _put(target, src.read_bytes(), force=force)


def install_server(repo: Path, *, python: str | None = None,
                   force: bool = False) -> tuple[Path, bool]:
    """Put the shipped pre-receive into a (central) bare repository, calling
    this very Python, so the flexgit that installed it is the one that runs."""
    if not (repo / "HEAD").is_file() or not (repo / "objects").is_dir():
        raise UsageError(f"{repo} is not a bare git repository; create it with "
                         f"`git init --bare {repo}`")
    text = _shipped("pre-receive").read_text()
    exe = python or sys.executable
    lines = [f"FLEXGIT_PYTHON={shlex.quote(exe)}  {PYTHON_MARK}" if PYTHON_MARK in ln else ln
             for ln in text.splitlines()]
    target = repo / "hooks" / "pre-receive"
    if target.exists() and "flexgit" not in target.read_text(errors="replace") and not force:
        raise UsageError(f"{target} is someone else's hook; pass --force to replace it "
                         f"(or call `{exe} -m flexgit.serverhook` from it)")
    return target, _put(target, ("\n".join(lines) + "\n").encode(), force=True)
