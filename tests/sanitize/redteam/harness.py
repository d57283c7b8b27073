"""Drive the real flexgit CLI over a red-team installation and judge what it
stored: `run(seed, workdir) -> Outcome`.

The store is read with the C git binary (`cat-file --batch-all-objects`), the
exports by gunzip + JSON + base64, never through flexgit's own code. Every
finding names the class, the idiom and the file of the plant, and where it was
found, never the value.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from tests.sanitize.redteam.forms import Matcher
from tests.sanitize.redteam.generator import build
from tests.sanitize.redteam.record import Corpus, FileInfo, Plant

SEEDS = (101, 202, 303)
EXPORTS = (("flx", True), ("flxx", False))  # type, compressed


@dataclass(frozen=True)
class Hay:
    """Bytes to search, and where they are: store paths or a pseudo-location."""

    source: str  # "store", "flx export", "flxx export"
    locations: tuple[str, ...]
    data: bytes


@dataclass(frozen=True)
class Leak:
    plant: Plant
    found_in: str
    form: str

    def __str__(self) -> str:
        return f"{self.plant.where()}: found in {self.found_in} ({self.form})"


def grouped(leaks: list[Leak]) -> list[str]:
    """One line per leaked plant: where it was planted, every place it was found."""
    places: dict[Plant, list[str]] = {}
    for leak in leaks:
        places.setdefault(leak.plant, []).append(f"{leak.found_in} ({leak.form})")
    return [f"{p.where()}: found in " + "; ".join(w) for p, w in places.items()]


@dataclass
class Outcome:
    corpus: Corpus
    leaks: list[Leak] = field(default_factory=list)
    user_data: list[str] = field(default_factory=list)
    keeps_changed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)  # each command and its exit code


def flexgit(corpus: Corpus, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed CLI in a child process, with a throwaway $HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEXGIT_")}
    fake_home = repo.parent / "user-home"
    fake_home.mkdir(exist_ok=True)
    env.update(HOME=str(fake_home), NO_COLOR="1", FLEXGIT_NO_HOOKS="1")
    return subprocess.run([sys.executable, "-m", "flexgit", "--home", str(corpus.home),
                           "--root", str(corpus.root), "--repo", str(repo), *args],
                          env=env, cwd=repo.parent, capture_output=True, text=True,
                          check=False)


def error(proc: subprocess.CompletedProcess[str]) -> str:
    """The error a run printed, with the exception of its crash log if it left one."""
    text = proc.stderr.strip()
    m = re.search(r"traceback in (\S+?);", text)
    if m and Path(m.group(1)).exists():
        last = Path(m.group(1)).read_text(errors="replace").strip().splitlines()[-1:]
        text += "".join(f" -> {line}" for line in last)
    return text


def run(seed: int, workdir: Path, *, skip: tuple[str, ...] = ()) -> Outcome:
    """Build, snapshot, export twice, and judge."""
    home, root = workdir / "home" / "flexpbx", workdir / "root"
    home.mkdir(parents=True)
    root.mkdir()
    corpus = build(home, root, seed, skip=skip)
    repo = workdir / "store.git"
    out = Outcome(corpus)
    snap = flexgit(corpus, repo, "snapshot", "-t", "flxx", "-m", corpus.message)
    out.runs.append(f"snapshot: exit {snap.returncode}")
    if snap.returncode not in (0, 3):
        raise RuntimeError(f"seed {seed}: snapshot failed ({snap.returncode}): {error(snap)}")
    hays = store_hays(repo)
    for kind, compress in EXPORTS:
        dest = workdir / f"export-{kind}"
        args = ["export", "-t", kind, "-o", str(dest)] + (["-c"] if compress else [])
        exp = flexgit(corpus, repo, *args)
        out.runs.append(f"export -t {kind}: exit {exp.returncode}")
        if exp.returncode not in (0, 3, 4):  # 4: the audit refused to write a file
            raise RuntimeError(f"seed {seed}: export failed ({exp.returncode}): {error(exp)}")
        for f in sorted(dest.glob("flexpbx-*")) if dest.exists() else []:
            hays += export_hays(f"{kind} export", f, out)
    out.leaks = find_leaks(corpus, hays)
    check_user_data(corpus, hays, out)
    check_files(corpus, repo, out)
    return out


# --- reading what was written -----------------------------------------------------------


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True).stdout


def store_paths(repo: Path) -> dict[str, dict[str, str]]:
    """Commit -> {path: blob id} for every commit of the store."""
    out: dict[str, dict[str, str]] = {}
    for commit in git(repo, "rev-list", "--all").decode().split():
        entries: dict[str, str] = {}
        for rec in git(repo, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0"):
            if rec:
                meta, _, path = rec.partition(b"\t")
                entries[path.decode("utf-8", "surrogateescape")] = meta.split()[2].decode()
        out[commit] = entries
    return out


def store_hays(repo: Path) -> list[Hay]:
    """Every object of the store as C git prints it, located by path."""
    where: dict[str, set[str]] = {}
    for entries in store_paths(repo).values():
        for path, oid in entries.items():
            where.setdefault(oid, set()).add(path)
    raw = git(repo, "cat-file", "--batch-all-objects", "--batch")
    hays, i = [], 0
    pseudo = {"commit": "<commit message>", "tree": "<tree entry names>", "tag": "<tag>"}
    while i < len(raw):
        nl = raw.index(b"\n", i)
        oid, kind, size = raw[i:nl].decode().split()
        data = raw[nl + 1: nl + 1 + int(size)]
        i = nl + 1 + int(size) + 1
        locs = tuple(sorted(where.get(oid, ()))) or (pseudo.get(kind, f"<unreachable {kind}>"),)
        hays.append(Hay("store", locs, data))
    return hays


def export_hays(source: str, path: Path, out: Outcome) -> list[Hay]:
    """An export file, decoded: each entry's content, and everything else."""
    data = path.read_bytes()
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        doc = json.loads(data)
    except (OSError, ValueError) as e:
        out.broken.append(f"{source} {path.name}: unreadable ({type(e).__name__})")
        return [Hay(source, ("<export file>",), data)]
    hays = []
    for entry in doc.get("files", []):
        prefix = "home/" if entry.get("root", "home") == "home" else "system/"
        hays.append(Hay(source, (prefix + entry["path"],),
                        base64.b64decode(entry.pop("content", ""))))
    meta = json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogateescape")
    hays.append(Hay(source, ("<export metadata and entry names>",), meta))
    return hays


# --- judging --------------------------------------------------------------------------------


def find_leaks(corpus: Corpus, hays: list[Hay]) -> list[Leak]:
    """A plant leaks where any form of its value is found in its own file, or
    anywhere no plant of that value was put (a name, a message, the metadata)."""
    plants = corpus.plants
    values = list(dict.fromkeys(p.value for p in plants))
    index = {v: i for i, v in enumerate(values)}
    frags = {p.value: p.fragments for p in plants}
    planted_at: dict[str, set[str]] = {}
    for p in plants:
        planted_at.setdefault(p.value, set()).add(p.file)
    matcher = Matcher([(v, frags[v]) for v in values])
    by_value: dict[int, list[Plant]] = {}
    for p in plants:
        by_value.setdefault(index[p.value], []).append(p)
    seen: set[tuple[Plant, str]] = set()
    leaks = []
    for hay in hays:
        for i, form in matcher.find(hay.data).items():
            for p in by_value[i]:
                own = p.file in hay.locations
                stray = not planted_at[p.value] & set(hay.locations)
                where = f"{hay.source} {hay.locations[0]}"
                if (own or stray) and (p, where) not in seen:
                    seen.add((p, where))
                    leaks.append(Leak(p, where, form))
    return leaks


def check_user_data(corpus: Corpus, hays: list[Hay], out: Outcome) -> None:
    entries = {(h.source, loc) for h in hays for loc in h.locations if not loc.startswith("<")}
    for u in corpus.user_data:
        for source, loc in sorted(entries):
            if loc == u.file:
                out.user_data.append(f"{u.idiom}: {u.file} is an entry of the {source}")


def check_files(corpus: Corpus, repo: Path, out: Outcome) -> None:
    """Must-keep lines byte-identical and every file still valid, in the latest
    snapshot (the only one)."""
    head = git(repo, "rev-parse", "HEAD").decode().strip()
    tree = store_paths(repo)[head]
    blobs: dict[str, bytes] = {}

    def blob(path: str) -> bytes | None:
        if path not in tree:
            return None
        if path not in blobs:
            blobs[path] = git(repo, "cat-file", "blob", tree[path])
        return blobs[path]

    for k in corpus.keeps:
        data = blob(k.file)
        info = corpus.files[k.file]
        if data is None:
            out.keeps_changed.append(f"{k.idiom} {k.file}:{k.line}: file not in the snapshot")
            continue
        lines = decode(data, info).split("\n")
        got = lines[k.line - 1].rstrip("\r") if k.line <= len(lines) else None
        if got != k.text:
            out.keeps_changed.append(f"{k.idiom} {k.file}:{k.line}: changed ({k.text!r})")
    for path, info in sorted(corpus.files.items()):
        data = blob(path)
        if data is not None:
            for problem in problems(path, data, info, corpus):
                out.broken.append(f"{path}: {problem}")


def decode(data: bytes, info: FileInfo) -> str:
    body = data[len(info.bom):] if info.bom and data.startswith(info.bom) else data
    return body.decode(info.codec, "surrogateescape" if info.codec == "utf-8" else "replace")


def problems(path: str, data: bytes, info: FileInfo, corpus: Corpus) -> list[str]:
    """What is wrong with a stored file that was fine on disk."""
    if info.bom and not data.startswith(info.bom):
        return [f"{info.codec} byte order mark lost"]
    try:
        text = data[len(info.bom):].decode(
            info.codec, "surrogateescape" if info.codec == "utf-8" else "strict")
    except UnicodeDecodeError:
        return [f"no longer {info.codec}"]
    found = []
    if text.count("\n") != info.lines:
        found.append(f"line count {info.lines} -> {text.count(chr(10))}")
    original = (corpus.home if path.startswith("home/") else corpus.root) / path.split("/", 1)[1]
    for check in info.checks:
        if not valid(check, data) and valid(check, original.read_bytes()):
            found.append(f"fails {check} check")
    return found


def valid(check: str, data: bytes) -> bool:
    """JSON parses, XML is well-formed, PHP lints (php -l), shell parses (bash -n)."""
    if check == "json":
        try:
            json.loads(data)
        except ValueError:
            return False
        return True
    if check == "xml":
        try:
            ET.fromstring(data)
        except ET.ParseError:
            return False
        return True
    tool = {"php": "php", "sh": "bash"}[check]
    if shutil.which(tool) is None:
        return True  # cannot tell: the test reports php as skipped
    with tempfile.NamedTemporaryFile(suffix=".php" if check == "php" else ".sh") as f:
        f.write(data)
        f.flush()
        argv = ["php", "-l", f.name] if check == "php" else ["bash", "-n", f.name]
        return subprocess.run(argv, capture_output=True, check=False).returncode == 0
