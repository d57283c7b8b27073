"""What a restore may write without anyone vouching for it.

A backup file is untrusted input and a restore runs as root. Two reviews of
a built plan, after `plan.build`:

* privileged files (the sudoers snippets, the helper scripts, anything a
  sudoers file lets the account run) from a source that is not this
  installation's own snapshot are written only when flexgit would write the
  same (sudoers: by meaning, see restore/sudoers.py) or with
  --trust-privileged; otherwise they are skipped with a warning and shown as
  a diff;
* Asterisk configuration that runs commands (restore/commands.py) the
  installed file does not, from such a source, likewise;
* symlinks from any source that would point outside the installation, or
  into its backup directory, are skipped with the reason.
"""

from __future__ import annotations

import collections
import hashlib
import os
import posixpath
import re
import socket
import stat
from pathlib import Path

from flexgit import diff as diff_mod
from flexgit.errors import BadInput
from flexgit.profile import Profile
from flexgit.restore import accounts, commands, sudoers
from flexgit.restore.apply import read_current
from flexgit.restore.plan import Action, Plan, Privileged, Target
from flexgit.restore.source import Source
from flexgit.store import LINK, is_ancestor

SUDOERS_DIR = "system/etc/sudoers.d/"
_MAX_HOPS = 40  # as the kernel's ELOOP limit
# Components one link may take to follow, and all links of a restore together:
# real links have a handful; PATH_MAX allows 2048 and a backup 100,000 links.
_MAX_PARTS = 256
_MAX_STEPS = 500_000
_NEVER = 1 << 30
WEB_ROOT = "public_html"  # what the web server serves of the home (FlexPBX's layout)


def own_snapshot(source: Source, home: Path) -> bool:
    """A snapshot of the store (not a backup file) that this installation
    made: on the store's own branch (a ref fetched from a central repository
    is another host's word, whatever its manifest claims), not imported (an
    imported file's manifest is the file's word, home and host included), and
    its manifest names this home and this host (a store copied from another
    installation is not its own). For a restore run as root, also a store
    that no one but root can write to (the account could have put any
    object, or any branch, in it)."""
    man = source.manifest
    if source.scratch is not None or man.home != str(home) or \
            man.host != socket.gethostname():
        return False
    if "Flexgit-Import" in source.store.commit_info(source.commit).trailers:
        return False
    if os.geteuid() == 0 and not only_root_writes(source.store.path):
        return False
    head = source.store.head()
    return head is not None and is_ancestor(source.store, source.commit, head)


def only_root_writes(path: Path) -> bool:
    """Whether only root can change what is at `path`: it and every directory
    above it are root's and writable by no one else (a sticky directory such
    as /tmp lets no one rename what is not theirs)."""
    for p in (path, *path.parents):
        try:
            st = p.lstat()
        except OSError:
            return False
        if st.st_uid != 0:
            return False
        if st.st_mode & 0o022 and not (p != path and st.st_mode & stat.S_ISVTX):
            return False
    return True


def account_name(target: Target) -> str:
    """The account the sudoers rules are for: the target account, else the
    owner of the home (as the system knows it), else the one running this."""
    if target.account is not None:
        return target.account.name
    try:
        return accounts.name_of(os.stat(target.home).st_uid)
    except OSError:
        return accounts.name_of(os.geteuid())


def review(plan: Plan, source: Source, profile: Profile, *, trusted: bool,
           trust_privileged: bool) -> None:
    """Change `plan` in place: untrusted privileged writes become skips (or,
    with trust_privileged, stay and are listed for the confirmation), and
    links leaving the installation become skips."""
    privileged = _privileged_globs(plan, source, profile)
    _links(plan, profile, None if trusted else privileged)
    if trusted:
        return
    user = account_name(plan.target)
    # One file of flexgit's own rules, where the account has none at all.
    own_rules = not any((plan.target.root / "etc/sudoers.d").glob("flexpbx*"))
    for i, a in enumerate(plan.actions):
        if not a.writes or a.action == "delete":
            continue
        if a.path.startswith("system/") and a.mode is not None:
            # A backup file's word on modes: no set-id bits, nothing anyone may write.
            a.mode &= 0o775
        runs = _runs_commands(plan, a)
        if runs is None and not _is_privileged(a.path, privileged):
            continue
        plan.actions[i] = _decide(plan, a, user, profile, trust_privileged, own_rules, runs)
        own_rules = own_rules and plan.actions[i].action == "skip"
        _root_owned(plan.actions[i], plan.target)


def _root_owned(a: Action, t: Target) -> None:
    """A file root runs or sudo reads is root's and writable by root only,
    whatever the source says of its owner (sudo ignores a sudoers file the
    account owns, and the account could rewrite it)."""
    if a.action == "skip" or not t.as_root:
        return
    a.uid, a.gid = 0, 0
    if a.mode is not None:
        a.mode &= 0o755


def _runs_commands(plan: Plan, a: Action) -> str | None:
    """Why an Asterisk configuration file the action writes runs commands
    the installed one does not (restore/commands.py), or None."""
    if a.kind != "file" or a.action not in ("create", "update", "merge") or \
            not commands.is_asterisk_config(a.path):
        return None
    kinds = commands.added(a.path, plan.data_of(a), _live(plan.target, a.path))
    if not kinds:
        return None
    return "Asterisk would run commands the installed file does not: " + ", ".join(kinds)


def _decide(plan: Plan, a: Action, user: str, profile: Profile, trust: bool,
            own_rules: bool, runs: str | None = None) -> Action:
    is_sudoers = a.path.startswith(SUDOERS_DIR)
    data = plan.data_of(a) if a.action in ("create", "update", "merge") else None
    live = _live(plan.target, a.path)
    if is_sudoers and data is not None and a.kind == "file":
        why = sudoers.beyond(data, user, profile, installed=live)
        if why is None:
            return a  # nothing flexgit would not write itself
    elif runs is not None:
        why = runs
    elif data is not None:
        why = "a file root runs that flexgit did not write"
    else:
        why = f"its mode or owner would change ({a.reason})"
    reference = live if live is not None else (
        sudoers.flexgit_rules(user, profile) if is_sudoers else b"")
    shown = diff_mod.render(diff_mod.Change(a.path, "M", None, None),
                            plan.sanitized(a.path, reference),
                            plan.sanitized(a.path, data if data is not None else reference),
                            label_a="installed" if live is not None else "flexgit",
                            label_b="backup")
    if a.kind == "link":
        shown += f"  a symlink to {(data or b'').decode('utf-8', 'replace')}\n"
    plan.privileged.append(Privileged(a.path, why, shown, trust))
    if trust:
        # Root-run files are never left writable by others, trusted or not.
        if a.mode is not None:
            a.mode &= 0o755
        if plan.target.as_root:
            a.uid, a.gid = 0, 0
        a.reason = "privileged, trusted by --trust-privileged"
        return a
    if is_sudoers and own_rules and a.kind == "file":
        # Nothing installed: the account still gets its rules, flexgit's own.
        rules = sudoers.flexgit_rules(user, profile)
        plan.warnings.append(f"{a.path}: the backup's sudoers was not installed: {why}; "
                             f"flexgit's own rules for {user} were written instead (see "
                             f"the diff in `flexgit restore --dry-run`; --trust-privileged "
                             f"installs the backup's)")
        return Action(a.path, "create", "flexgit's rules instead of the backup's",
                      data=rules, mode=0o440, uid=0 if plan.target.as_root else None,
                      gid=0 if plan.target.as_root else None,
                      sha256=hashlib.sha256(rules).hexdigest())
    if a.path in plan.sudoers:
        plan.sudoers.remove(a.path)
    plan.warnings.append(f"{a.path} was not restored: {why} (see the diff in `flexgit restore "
                         f"--dry-run`; --trust-privileged installs it)")
    return Action(a.path, "skip", "privileged: not trusted (--trust-privileged)", kind=a.kind)


def _live(t: Target, path: str) -> bytes | None:
    try:
        current = read_current(*t.abspath(path))
    except OSError:
        return None
    return None if current is None else current[0]


# --- which paths are privileged ---------------------------------------------


def _privileged_globs(plan: Plan, source: Source, profile: Profile) -> list[re.Pattern[str]]:
    """Tree-path patterns of every file root may run for the account: the
    sudoers snippets, the helper scripts, and each command a sudoers file
    (the source's or the installed ones) names."""
    t = plan.target
    named: list[str] = list(sudoers.script_globs(profile))
    for path, entry in source.files.items():
        if path.startswith(SUDOERS_DIR) and entry.mode != LINK:
            named += sudoers.commands_in(source.read(entry))
    installed = t.root / "etc/sudoers.d"
    if installed.is_dir() and not installed.is_symlink():
        for f in sorted(installed.iterdir()):
            if f.is_file() and not f.is_symlink():
                named += sudoers.commands_in(f.read_bytes())
    # The programs Asterisk configuration starts (System(), AGI(), mailcmd=...),
    # the source's and the installed: replacing one runs the backup's code.
    for path, entry in source.files.items():
        if commands.is_asterisk_config(path) and entry.mode != LINK:
            named += commands.named_paths(path, source.read(entry))
    for item in _asterisk_files(t):
        named += commands.named_paths(item[0], item[1])
    pats = [re.compile(re.escape(SUDOERS_DIR) + r".*", re.IGNORECASE)]
    home = t.home_in_content.rstrip("/")
    for cmd in named:
        cmd = posixpath.normpath(cmd)
        if cmd == home or cmd.startswith(home + "/"):
            tree = "home/" + cmd[len(home) + 1:]
        else:
            tree = "system/" + cmd.lstrip("/")
        pats.append(re.compile(_glob_regex(tree), re.IGNORECASE))
    return pats


def _asterisk_files(t: Target) -> list[tuple[str, bytes]]:
    """The installed configuration files under /etc/asterisk (not through links)."""
    top = t.root / "etc/asterisk"
    out: list[tuple[str, bytes]] = []
    if not top.is_dir() or top.is_symlink():
        return out
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            f = Path(dirpath, name)
            if f.is_file() and not f.is_symlink() and f.stat().st_size < (1 << 20):
                rel = f.relative_to(t.root).as_posix()
                out.append(("system/" + rel, f.read_bytes()))
    return out


def _glob_regex(glob: str) -> str:
    """sudo's fnmatch with FNM_PATHNAME: `*` and `?` never match `/`."""
    out = []
    for ch in glob:
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
    return "".join(out) + r"\Z"


def _is_privileged(path: str, pats: list[re.Pattern[str]]) -> bool:
    # Case-blind: on a case-insensitive file system FLEXPBX-X is flexpbx-x.
    return any(p.match(path) for p in pats)


# --- symlinks ------------------------------------------------------------------


def _links(plan: Plan, profile: Profile,
           privileged: list[re.Pattern[str]] | None = None) -> None:
    t = plan.target
    links = {a.path: plan.data_of(a).decode("utf-8", "surrogateescape")
             for a in plan.actions if a.kind == "link" and a.writes and a.action != "delete"}
    budget = _Budget(plan.source)
    for i, a in enumerate(plan.actions):
        if a.path not in links or a.action == "skip":
            continue
        why = _link_problem(a.path, links, t, profile, privileged, budget)
        if why is not None:
            plan.actions[i] = Action(a.path, "skip", f"symlink {why}", kind="link")
            plan.warnings.append(f"{a.path} was not restored: the symlink {why}")


class _Budget:
    """Path components followed for all the plan's links together: a backup
    of many deep links (thousands of `a/a/…` targets) is refused in about a
    second instead of planned for hours."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.left = _MAX_STEPS

    def step(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise BadInput(f"{self.source}: its symlinks take more than {_MAX_STEPS} path "
                           f"components to follow; refusing it (nothing was written)")


class _TooDeep(Exception):
    pass


def _link_problem(path: str, links: dict[str, str], t: Target, profile: Profile,
                  privileged: list[re.Pattern[str]] | None = None,
                  budget: _Budget | None = None) -> str | None:
    """Where the link at `path` leads, followed through every link of the
    plan and of the disk, and why that is not inside the installation."""
    side = path.split("/", 1)[0]
    target = links[path]
    shown = f"-> {target}" if len(target) <= 200 else f"-> {target[:200]}…"
    try:
        where = _resolve(path, links, t, budget or _Budget(path))
    except _TooDeep:
        return f"{shown} is too deep to follow (more than {_MAX_PARTS} path components)"
    if where is None:
        return f"{shown} loops"
    wside, _, wrel = where.partition("/")
    backup = profile.backup_dir
    if wside == "home":
        if wrel == "":
            return f"{shown} leads to the home itself, backup directory included"
        low = wrel.lower()  # a case-insensitive file system has one BACKUP/backup
        if low == backup.lower() or low.startswith(backup.lower() + "/"):
            return f"{shown} points into the backup directory"
        if side == "system":
            return f"{shown} makes a system file the account's"
        if _in_web_root(path.partition("/")[2]) and not _in_web_root(wrel):
            # The web server serves what the link names: ~/.ssh, users/ or the
            # settings file the merge just kept would be published.
            return f"{shown} publishes {wrel} of the home, outside the web root"
        return None
    if wrel and profile.category_of("system", wrel, "flxx") is not None and \
            not profile.excluded("system", wrel):
        if side == "system" and privileged is not None and _is_privileged(where, privileged):
            # A chmod/chgrp that follows it (flexpbx-toggle-permissions on
            # /etc/asterisk/*.conf) would hand root's files to the account.
            return f"{shown} leads to a privileged file"
        return None if side == "system" else f"{shown} exposes a system file in the home"
    return f"{shown} points outside the installation"


def _in_web_root(rel: str) -> bool:
    # Case-blind like the backup directory: one PUBLIC_HTML/public_html on a
    # case-insensitive file system.
    low = rel.lower()
    return low == WEB_ROOT or low.startswith(WEB_ROOT + "/")


def _resolve(path: str, links: dict[str, str], t: Target, budget: _Budget) -> str | None:
    """The tree path (home/… or system/…) of what the link at `path` finally
    names, each component followed through the plan's links and the disk's
    as the kernel would; None when it loops. Absolute targets are read as the
    installation sees them: the home by its own path, the rest under the
    system root. Bounded: `_MAX_PARTS` components per link, `budget` for all;
    each step costs O(1) (keys are built as the walk goes), and the disk is
    not asked below a directory it does not have."""
    home = [p for p in t.home_in_content.split("/") if p]
    side, _, rel = path.partition("/")
    cur = ((home if side == "home" else []) + rel.split("/"))[:-1]
    keys = [""]  # keys[i]: "/".join(cur[:i])
    for part in cur:
        keys.append(f"{keys[-1]}/{part}" if keys[-1] else part)
    absent = _NEVER  # cur[:absent] is known to be missing from the disk
    todo = collections.deque(links[path].split("/"))
    if links[path].startswith("/"):
        cur, keys = [], [""]
    hops = steps = 0
    while todo:
        part = todo.popleft()
        budget.step()
        steps += 1
        if steps > _MAX_PARTS:
            raise _TooDeep
        if part in ("", "."):
            continue
        if part == "..":
            if cur:  # /.. is /
                cur.pop()
                keys.pop()
                if absent > len(cur):
                    absent = _NEVER  # the missing component is gone from the walk
            continue
        cur.append(part)
        keys.append(f"{keys[-1]}/{part}" if keys[-1] else part)
        key = _tree_key(keys[-1], cur, home)
        target = links.get(key)
        if target is None and len(cur) < absent:
            target = _disk_link(t, key)
            if target is None and not os.path.lexists(os.path.join(*t.abspath(key))):
                absent = len(cur)  # nothing below it is on the disk either
        if target is None:
            continue
        hops += 1
        if hops > _MAX_HOPS:
            return None
        cur.pop()
        keys.pop()
        if target.startswith("/"):
            cur, keys = [], [""]
        if absent > len(cur):
            absent = _NEVER
        todo.extendleft(reversed(target.split("/")))
    return _tree(cur, home)


def _tree_key(joined: str, cur: list[str], home: list[str]) -> str:
    if len(cur) >= len(home) and cur[:len(home)] == home:
        return "home/" + joined[len("/".join(home)) + 1:] if len(cur) > len(home) else "home/"
    return "system/" + joined


def _tree(parts: list[str], home: list[str]) -> str:
    if parts[:len(home)] == home:
        return "home/" + "/".join(parts[len(home):])
    return "system/" + "/".join(parts)


def _disk_link(t: Target, tree_path: str) -> str | None:
    base, rel = t.abspath(tree_path)
    if not rel:
        return None
    try:
        return os.readlink(base / rel)
    except OSError:
        return None
