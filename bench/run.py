"""flexgit against C git and tar on one generated FlexPBX installation.

    python bench/run.py [--files 10000] [--mb 100] [--runs 3] [--out bench/out] [--profile]

Run by hand (never by pytest); see docs/performance.md. Every measured command
is a child process of a small launcher that times it and reads its peak RSS
from os.wait4 (the child's own rusage, descendants included, so each run is
measured apart; the launcher's ~8 MB is the floor of every RSS figure).
flexgit and its reference run interleaved, `--runs` times each, on warm caches;
the table shows the best run, results.json keeps every run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
FLEXGIT = str(Path(sys.executable).parent / "flexgit")
if not os.path.exists(FLEXGIT):
    FLEXGIT = shutil.which("flexgit") or "flexgit"
ENV = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
       "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost",
       "NO_COLOR": "1"}
CWD: str | None = None  # where children run (see freeze_source)


@dataclass
class Run:
    wall: float  # seconds
    rss_mb: float  # peak resident set of the child and its children


@dataclass
class Side:
    cmd: str
    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def worst(self) -> float:
        return max(r.wall for r in self.runs)

    @property
    def rss(self) -> float:
        return max(r.rss_mb for r in self.runs)


# The measuring parent is a small `python -S` (about 8 MB): a child's peak RSS
# counts the image it was forked from until exec, so forking from this
# script (30+ MB) would set a floor under every number.
LAUNCHER = """import os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    f.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


class Failed(Exception):
    """A measured command exited with an error; its case is reported as failed."""


def run(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """One child process: wall time and its own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as res:
        subprocess.run([sys.executable, "-S", "-c", LAUNCHER, res.name, *cmd],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                       env=env or ENV, cwd=CWD, check=True)
        wall, rss_kib, code = res.read().split()
        if int(code) not in (0, 3):  # 3: flexgit's "done with warnings"
            err.seek(0)
            raise Failed(f"exit {code}: {' '.join(cmd)}\n"
                         f"{err.read().decode(errors='replace')[-1500:]}")
    return Run(round(float(wall), 4), round(int(rss_kib) / 1024, 1))  # Linux: KiB


def freeze_source(top: Path) -> str:
    """Copy the flexgit package into the work dir and make every child (and this
    script) import that copy: colleagues editing the work tree mid-run cannot
    change or break what is measured. Returns the source state copied."""
    global CWD
    state = source_state()
    shutil.copytree(BENCH.parent / "flexgit", top / "src/flexgit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = str(top / "src")
    sys.path.insert(0, str(top / "src"))
    CWD = str(top)  # not the checkout: `python -c` would import from the cwd first
    return state


def sh(script: str) -> list[str]:
    return ["sh", "-c", script]


def fresh_dir(*dirs: Path) -> Callable[[], None]:
    def setup() -> None:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
            if d.suffix != ".git":
                d.mkdir(parents=True)
    return setup


def compare(runs: int, fg: list[str], ref: list[str], setup_fg: Callable[[], None] | None = None,
            setup_ref: Callable[[], None] | None = None) -> tuple[Side, Side] | str:
    """Interleave flexgit and reference runs so machine noise hits both alike.
    A failing command makes the case a message instead of numbers."""
    a, b = Side(" ".join(fg)), Side(" ".join(ref))
    for _ in range(runs):
        for side, cmd, setup in ((a, fg, setup_fg), (b, ref, setup_ref)):
            if setup:
                setup()
            try:
                side.runs.append(run(cmd))
            except Failed as e:
                print(f"    FAILED {e}", flush=True)
                return str(e).splitlines()[-1]
    print(f"    flexgit {a.best:8.2f} s  {a.rss:6.0f} MB | reference {b.best:8.2f} s "
          f"{b.rss:6.0f} MB", flush=True)
    return a, b


def included(home: Path, root: Path) -> list[Any]:
    """What a flx snapshot takes: the same list the C git work tree gets."""
    from flexgit.profile import Profile
    from flexgit.snapshot import scan

    return [f for f in scan.walk(Profile(), home, root, "flx") if isinstance(f, scan.Found)]


def mirror(files: list[Any], dest: Path) -> int:
    """Copy the included files into dest in the snapshot's tree layout
    (home/…, system/…), so C git and tar work on exactly those files."""
    size = 0
    for f in files:
        p = dest / f.path
        if f.kind == "dir":
            p.mkdir(parents=True, exist_ok=True)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if f.kind == "link":
            os.symlink(os.readlink(f.abspath), p)
        else:
            shutil.copy2(f.abspath, p)
            size += f.st.st_size
    return size


def wait_out_racy_window() -> None:
    # The stat cache never trusts files changed within 2 s of a scan (racy
    # git), nor does git's index: let everything just written age first.
    time.sleep(2.2)


def build_installation(w: Path, files: int, mb: float, seed: int) -> dict[str, float]:
    import gen

    t = time.perf_counter()
    info: dict[str, float] = dict(gen.build(w / "inst/home", w / "inst/root", files=files,
                                            mb=mb, seed=seed))
    inc = included(w / "inst/home", w / "inst/root")
    info["included_files"] = sum(1 for f in inc if f.kind != "dir")
    info["included_bytes"] = mirror(inc, w / "mirror")
    info["build_seconds"] = round(time.perf_counter() - t, 1)
    print(f"  installation: {info['files']} files, {info['bytes'] / 1e6:.0f} MB on disk; "
          f"snapshot takes {info['included_files']} files, "
          f"{info['included_bytes'] / 1e6:.0f} MB", flush=True)
    wait_out_racy_window()
    return info


def fg(w: Path, *args: str, repo: str = "store.git", home: Path | None = None,
       root: Path | None = None) -> list[str]:
    return [FLEXGIT, "-q", "--home", str(home or w / "inst/home"),
            "--root", str(root or w / "inst/root"), "--repo", str(w / repo), *args]


def git(w: Path, worktree: Path, *args: str) -> str:
    return f"git --git-dir={w / 'c.git'} --work-tree={worktree} " + " ".join(args)


def bench_cases(w: Path, runs: int) -> dict[str, tuple[Side, Side] | str]:
    """All flexgit-vs-reference cases on the installation in w."""
    c: dict[str, tuple[Side, Side] | str] = {}
    m = w / "mirror"

    print("  full snapshot vs git init --bare + add -A + commit", flush=True)
    c["snapshot_full"] = compare(
        runs, fg(w, "snapshot"),
        sh(f"git init -q --bare {w / 'c.git'} && {git(w, m, 'add -A')} && "
           f"{git(w, m, 'commit -q -m snapshot')}"),
        fresh_dir(w / "store.git"), fresh_dir(w / "c.git"))

    print("  no-change snapshot vs git status", flush=True)
    c["snapshot_nochange"] = compare(runs, fg(w, "snapshot"), sh(git(w, m, "status")))

    print("  export -c vs tar czf", flush=True)
    c["export"] = compare(
        runs, fg(w, "export", "-c", "-o", str(w / "exp")),
        ["tar", "czf", str(w / "ref.tar.gz"), "-C", str(m), "."],
        fresh_dir(w / "exp"))
    if (w / "exp/latest.flx.gz").exists():
        shutil.copy(w / "exp/latest.flx.gz", w / "in.flx.gz")

    print("  import (into a new store) vs tar xzf", flush=True)
    c["import"] = compare(
        runs, fg(w, "import", str(w / "in.flx.gz"), repo="imp.git"),
        ["tar", "xzf", str(w / "ref.tar.gz"), "-C", str(w / "untar")],
        fresh_dir(w / "imp.git"), fresh_dir(w / "untar"))

    print("  restore -m fresh (empty dir) vs git checkout -f (empty dir)", flush=True)
    c["restore_fresh"] = compare(
        runs, [FLEXGIT, "-q", "-y", "--home", str(w / "fresh/home"), "--root",
               str(w / "fresh/root"), "--repo", str(w / "store.git"), "restore", "-m", "fresh",
               "latest"],
        # A throwaway index: the repository's own index stays that of the mirror.
        sh(f"rm -f {w / 'co.index'} && GIT_INDEX_FILE={w / 'co.index'} "
           f"{git(w, w / 'co', 'checkout -f -q')}"),
        fresh_dir(w / "fresh/home", w / "fresh/root"), fresh_dir(w / "co"))

    print("  restore --dry-run (merge, nothing to do) vs git status", flush=True)
    c["restore_dry_run"] = compare(runs, fg(w, "restore", "--dry-run", "latest"),
                                   sh(git(w, m, "status")))
    return c


def bench_2x(w: Path) -> dict[str, Run | str]:
    """One run each at twice the size: does peak RSS grow with the installation?"""
    out: dict[str, Run | str] = {}
    for name, cmd in (("snapshot_full", fg(w, "snapshot")),
                      ("export", fg(w, "export", "-c", "-o", str(w / "exp"))),
                      ("import", fg(w, "import", str(w / "exp/latest.flx.gz"), repo="imp.git"))):
        try:
            out[name] = run(cmd)
        except Failed as e:
            out[name] = str(e).splitlines()[-1]
    return out


def startup(runs: int) -> dict[str, float | str]:
    py = sys.executable
    cmds = {"python -c pass": [py, "-c", "pass"],
            "python -c 'import flexgit.cli'": [py, "-c", "import flexgit.cli"],
            "flexgit --version": [FLEXGIT, "--version"],
            "git --version": ["git", "--version"]}
    out: dict[str, float | str] = {}
    for k, c in cmds.items():
        try:
            out[k] = round(statistics.median(run(c).wall for _ in range(max(runs, 5))), 3)
        except Failed as e:
            out[k] = "failed: " + str(e).splitlines()[-1]
    return out


TARGETS = {  # case: (max ratio flexgit/reference, reference label)
    "snapshot_full": (1.5, "git init+add+commit"),
    "snapshot_nochange": (1.5, "git status"),
    "export": (1.5, "tar czf"),
    "import": (2.0, "tar xzf"),
    "restore_fresh": (1.5, "git checkout -f"),
    "restore_dry_run": (1.5, "git status"),
}
RSS_TARGETS = {"snapshot_full": 200, "export": 150, "import": 150}


def report(cases: dict[str, tuple[Side, Side] | str], two: dict[str, Run | str] | None,
           start: dict[str, float | str]) -> tuple[list[str], dict[str, object]]:
    lines = ["| case | flexgit s (best / worst) | reference | ref s | ratio | target | "
             "flexgit RSS MB | ref RSS MB | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    results: dict[str, object] = {}
    for name, case in cases.items():
        limit, label = TARGETS[name]
        if isinstance(case, str):
            lines.append(f"| {name} | failed: {case[:60]} | {label} | | | <={limit}x | | | NO |")
            results[name] = {"failed": case}
            continue
        a, b = case
        ratio = a.best / b.best
        ok = ratio <= limit
        rss_limit = RSS_TARGETS.get(name)
        rss_ok = rss_limit is None or a.rss <= rss_limit
        lines.append(f"| {name} | {a.best:.2f} / {a.worst:.2f} | {label} | {b.best:.2f} | "
                     f"{ratio:.1f}x | <={limit}x | {a.rss:.0f}"
                     f"{f' (<={rss_limit})' if rss_limit else ''} | {b.rss:.0f} | "
                     f"{'yes' if ok and rss_ok else 'NO'} |")
        results[name] = {"flexgit": asdict(a), "reference": asdict(b), "ratio": round(ratio, 2),
                         "target_ratio": limit, "met": ok, "rss_target_mb": rss_limit,
                         "rss_met": rss_ok, "flexgit_best": a.best, "flexgit_median": a.median,
                         "reference_best": b.best}
    if two:
        lines += ["", "| at 2x size (one run) | flexgit s | peak RSS MB | RSS at 1x | growth |",
                  "|---|---|---|---|---|"]
        for name, r in two.items():
            one = cases[name]
            if isinstance(r, str) or isinstance(one, str):
                lines.append(f"| {name} | failed | | | |")
                continue
            base = one[0].rss
            lines.append(f"| {name} | {r.wall:.2f} | {r.rss_mb:.0f} | {base:.0f} | "
                         f"{r.rss_mb / base:.2f}x |")
        results["at_2x"] = {k: v if isinstance(v, str) else asdict(v) for k, v in two.items()}
    lines += ["", "| start-up (median) | s |", "|---|---|"]
    lines += [f"| {k} | {v if isinstance(v, str) else f'{v:.3f}'} |"
              for k, v in start.items()]
    results["startup"] = start
    return lines, results


def git_version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()


def source_state() -> str:
    """The flexgit commit measured, and whether its work tree had changes."""
    def out(*a: str) -> str:
        return subprocess.run(["git", "-C", str(BENCH.parent), *a], capture_output=True,
                              text=True).stdout.strip()
    dirty = out("status", "--porcelain", "--", "flexgit")
    return out("rev-parse", "--short", "HEAD") + (" + uncommitted changes" if dirty else "")


def profile_all(w: Path, out: Path) -> None:
    """cProfile each flexgit case (single-threaded) and time the sanitizer's regexes."""
    prof = [sys.executable, str(BENCH / "prof.py")]

    def p(name: str, args: list[str]) -> None:
        print(f"  profiling {name}", flush=True)
        subprocess.run([*prof, "cmd", str(out / f"profile-{name}.txt"), "--", *args[1:]],
                       check=True, stdout=subprocess.DEVNULL, env=ENV, cwd=CWD)

    shutil.rmtree(w / "prof.git", ignore_errors=True)
    p("snapshot_full", fg(w, "snapshot", repo="prof.git"))
    p("snapshot_nochange_1", fg(w, "snapshot", repo="prof.git"))
    p("snapshot_nochange_2", fg(w, "snapshot", repo="prof.git"))
    shutil.rmtree(w / "exp", ignore_errors=True)
    p("export", fg(w, "export", "-c", "-o", str(w / "exp"), repo="prof.git"))
    shutil.rmtree(w / "imp.git", ignore_errors=True)
    p("import", fg(w, "import", str(w / "in.flx.gz"), repo="imp.git"))
    fresh_dir(w / "fresh/home", w / "fresh/root")()
    p("restore_fresh", [FLEXGIT, "-q", "-y", "--home", str(w / "fresh/home"), "--root",
                        str(w / "fresh/root"), "--repo", str(w / "prof.git"), "restore",
                        "-m", "fresh", "latest"])
    p("restore_dry_run", fg(w, "restore", "--dry-run", "latest", repo="prof.git"))
    print("  timing sanitizer regexes", flush=True)
    subprocess.run([*prof, "regex", str(out / "regex.txt"), str(w / "mirror")], check=True,
                   env=ENV, cwd=CWD)
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", "import flexgit.cli"],
                       capture_output=True, text=True, env=ENV, cwd=CWD)
    rows = [line.split("|") for line in r.stderr.splitlines()[1:] if line.count("|") == 2]
    rows.sort(key=lambda x: -int(x[1]))
    (out / "importtime.txt").write_text("cumulative µs | module\n" + "".join(
        f"{x[1].strip():>10} | {x[2].rstrip()}\n" for x in rows[:40]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=10000, help="files in the installation")
    ap.add_argument("--mb", type=float, default=100, help="MB in the installation")
    ap.add_argument("--runs", type=int, default=3, help="runs per command (best is reported)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=BENCH / "out")
    ap.add_argument("--no-2x", action="store_true", help="skip the RSS check at twice the size")
    ap.add_argument("--profile", action="store_true", help="also profile (slow)")
    ap.add_argument("--profile-only", action="store_true",
                    help="build the installation, then only profile (no measurements)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    top = Path(tempfile.mkdtemp(prefix="flexgit-bench-"))
    print(f"work dir {top}", flush=True)
    doc: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"), "command": " ".join(sys.argv),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "git": git_version(), "kernel": platform.release()},
        "params": {"files": args.files, "mb": args.mb, "runs": args.runs, "seed": args.seed}}
    cases: dict[str, tuple[Side, Side] | str] = {}
    two: dict[str, Run | str] | None = None
    start: dict[str, float | str] = {}

    def save() -> list[str]:
        """Write what is measured so far (a later failure loses nothing)."""
        lines, doc["results"] = report(cases, two, start)
        (args.out / "results.json").write_text(json.dumps(doc, indent=1) + "\n")
        (args.out / "table.md").write_text("\n".join(lines) + "\n")
        return lines

    try:
        doc["machine"]["flexgit_source"] = freeze_source(top)
        w = top / "1x"
        doc["installation"] = build_installation(w, args.files, args.mb, args.seed)
        if args.profile_only:
            run(fg(w, "snapshot"))
            run(fg(w, "export", "-c", "-o", str(w / "exp")))
            shutil.copy(w / "exp/latest.flx.gz", w / "in.flx.gz")
            profile_all(w, args.out)
            return
        cases.update(bench_cases(w, args.runs))
        save()
        start.update(startup(args.runs))
        lines = save()
        print("\n" + "\n".join(lines) + "\n", flush=True)
        if args.profile:
            profile_all(w, args.out)
        if not args.no_2x:
            shutil.rmtree(w, ignore_errors=True)
            print("2x installation", flush=True)
            w2 = top / "2x"
            doc["installation_2x"] = build_installation(w2, 2 * args.files, 2 * args.mb,
                                                        args.seed)
            two = bench_2x(w2)
            lines = save()
            print("\n" + "\n".join(lines[lines.index("| at 2x size (one run) | flexgit s | "
                                                      "peak RSS MB | RSS at 1x | growth |"):]))
        print(f"\nresults in {args.out}/")
    finally:
        if args.keep:
            print(f"kept {top}")
        else:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
