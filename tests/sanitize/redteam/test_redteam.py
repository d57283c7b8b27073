"""The red-team leak test (issue 12, "Tests and corpus"): a generated FlexPBX
installation with secrets and personal data planted in 300+ idioms goes through
the real CLI (`snapshot -m <a message with secrets>`, `export -t flx -c`,
`export -t flxx`), and then

- no planted value, nor its base64/URL/HTML/JSON-escaped or UTF-16/32 form,
  nor either half of a long one, is in `git cat-file --batch-all-objects` or in
  a decoded export (one test per class, so a run shows which classes leak);
- no user-data file is a tree entry or an export entry;
- every must-keep line is byte-identical, and every stored file keeps its
  encoding, its line count and its validity (JSON, XML, `php -l`, `bash -n`).

Failures name the class, the idiom and the file of each plant, never its value.
Seeds: a fixed one and one that changes every day (each run's ids show it, so
a failure is reproduced with FLEXGIT_REDTEAM_SEEDS="101,20250314"; any list
of seeds works). One seed costs one snapshot and two exports.
`python -m tests.sanitize.redteam.report` prints the same findings as a table.
"""

from __future__ import annotations

import datetime
import os
import random
import warnings
from collections import Counter
from pathlib import Path

import pytest

from tests.sanitize.redteam.forms import Matcher
from tests.sanitize.redteam.generator import CLASSES, Corpus, build
from tests.sanitize.redteam.harness import SEEDS, Outcome, grouped, run, valid

ENV_SEEDS = os.environ.get("FLEXGIT_REDTEAM_SEEDS", "")
# the same in every xdist worker: they collect the same day
RUN_SEEDS = (tuple(int(s) for s in ENV_SEEDS.split(",") if s.strip())
             or (SEEDS[0], int(datetime.date.today().strftime("%Y%m%d"))))

_outcomes: dict[int, Outcome | RuntimeError] = {}

# Idioms the sanitizer still lets through (issue 12 stays open for them). A
# ratchet: any other leak fails, each of these is reported as a warning, and
# an entry goes when its idiom is caught (or no longer exists: checked below).
KNOWN_OPEN: dict[str, str] = {
    "personal.md-phone-prose": "a national number without + in prose (some seeds)",
    # Caught when the first name is in gender-guesser's list (first_names.py):
    # about 1 in 7 of the corpus' first names (Kwame, Thandiwe, Oluwaseun) are not.
    "personal.md-lowercase-thanks": "a lower-case name after 'thanks to' (some seeds)",
    "personal.txt-lowercase-ask": "a lower-case name after 'ask' (some seeds)",
    "personal.md-lowercase-cc": "a lower-case name after 'cc' (some seeds)",
    "personal.md-surname-first": "'Surname, Firstname' in prose (some seeds)",
    "personal.txt-surname-first-signed": "'Signed, Surname, Firstname' (some seeds)",
}


def outcome(seed: int, factory: pytest.TempPathFactory) -> Outcome:
    """One CLI run per seed, shared by the tests of that seed."""
    if seed not in _outcomes:
        try:
            _outcomes[seed] = run(seed, factory.mktemp(f"redteam-{seed}"))
        except RuntimeError as e:  # flexgit crashed: every check of the seed fails
            _outcomes[seed] = e
    o = _outcomes[seed]
    if isinstance(o, RuntimeError):
        pytest.fail(str(o), pytrace=False)
    return o


@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("seed", RUN_SEEDS)
def test_no_planted_value_reaches_store_or_exports(
        seed: int, cls: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    o = outcome(seed, tmp_path_factory)
    leaks = [leak for leak in o.leaks if leak.plant.cls == cls]
    known = [leak for leak in leaks if leak.plant.idiom in KNOWN_OPEN]
    if known:
        warnings.warn(f"seed {seed}: known open {cls} leaks:\n" + "\n".join(grouped(known)),
                      stacklevel=1)
    leaks = [leak for leak in leaks if leak.plant.idiom not in KNOWN_OPEN]
    planted = sum(p.cls == cls for p in o.corpus.plants)
    lines = grouped(leaks)
    assert not leaks, (f"seed {seed}: {len(lines)} of {planted} {cls} plants leaked\n"
                       + "\n".join(lines))


def test_known_open_idioms_exist(tmp_path: Path) -> None:
    """The ratchet names only idioms the corpus plants."""
    corpus = _build(tmp_path, SEEDS[0])
    assert set(KNOWN_OPEN) <= {p.idiom for p in corpus.plants}


@pytest.mark.parametrize("seed", RUN_SEEDS)
def test_no_user_data_file_is_stored(seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    o = outcome(seed, tmp_path_factory)
    assert not o.user_data, f"seed {seed}:\n" + "\n".join(o.user_data)


@pytest.mark.parametrize("seed", RUN_SEEDS)
def test_must_keep_lines_are_byte_identical(
        seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    o = outcome(seed, tmp_path_factory)
    assert not o.keeps_changed, (f"seed {seed}: {len(o.keeps_changed)} of {len(o.corpus.keeps)}"
                                 " must-keep lines changed\n" + "\n".join(o.keeps_changed))


@pytest.mark.parametrize("seed", RUN_SEEDS)
def test_stored_files_stay_valid(seed: int, tmp_path_factory: pytest.TempPathFactory) -> None:
    o = outcome(seed, tmp_path_factory)
    assert not o.broken, f"seed {seed}:\n" + "\n".join(o.broken)


# --- the corpus itself: what the leak test stands on --------------------------------------


def _build(tmp: Path, seed: int) -> Corpus:
    home, root = tmp / "home", tmp / "root"
    home.mkdir()
    root.mkdir()
    return build(home, root, seed)


def test_corpus_spans_every_class_file_kind_and_encoding(tmp_path: Path) -> None:
    c = _build(tmp_path, random.randrange(1 << 30))
    idioms = {(p.cls, p.idiom) for p in c.plants} | {("userdata", u.idiom) for u in c.user_data}
    per_class = Counter(cls for cls, _ in idioms)
    assert len(idioms) >= 300, per_class
    assert all(per_class[cls] >= 5 for cls in CLASSES), per_class
    files = {p.file for p in c.plants}
    suffixes = {Path(f).suffix for f in files}
    assert {".php", ".js", ".html", ".json", ".ini", ".md", ".sh", ".sql", ".xml", ".conf",
            ".inc"} <= suffixes
    assert any(Path(f).name.startswith(".env") for f in files)
    assert "system/etc/sudoers.d/flexpbx-asterisk" in files
    assert any(f.startswith("system/usr/local/bin/flexpbx-") for f in files)
    families = {Path(f).stem for f in files if f.startswith("system/etc/asterisk/")}
    assert {"pjsip", "sip", "iax", "manager", "voicemail", "extensions", "confbridge", "meetme",
            "queues", "musiconhold", "ari", "res_odbc", "pjsip_wizard", "users"} <= families
    assert {i.codec for i in c.files.values()} >= {"utf-8", "latin-1", "utf-16-le", "utf-16-be",
                                                   "utf-32-le", "cp1252"}
    assert c.message and len(c.user_data) >= 20 and len(c.keeps) >= 100


def test_corpus_plants_exactly_what_it_records(tmp_path: Path) -> None:
    """Every recorded value is in its file on disk (or its name), and no value
    is anywhere it was not recorded: a leak found later is the sanitizer's."""
    c = _build(tmp_path, 7)
    values = list(dict.fromkeys(p.value for p in c.plants))
    recorded: dict[str, set[str]] = {}
    for p in c.plants:
        recorded.setdefault(p.value, set()).add(p.file)
    matcher = Matcher([(v, ()) for v in values])
    found: dict[str, set[str]] = {v: set() for v in values}
    for top, base in (("home", c.home), ("system", c.root)):
        for path in sorted(base.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                continue
            rel = f"{top}/{path.relative_to(base).as_posix()}"
            data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            for i in matcher.find(data + b"\n" + rel.encode()):
                found[values[i]].add(rel)
    found_msg = {v for v in values if v in c.message}
    for p in c.plants:
        if p.file == "<message>":
            assert p.value in found_msg, p.where()
        elif not p.file.endswith(".gz"):
            assert p.file in found[p.value], f"{p.where()}: not on disk"
        stray = found[p.value] - recorded[p.value]
        assert not stray, f"{p.where()}: also in {sorted(stray)}"
    for name, info in c.files.items():
        top, _, rest = name.partition("/")
        data = ((c.home if top == "home" else c.root) / rest).read_bytes()
        for check in info.checks:
            assert valid(check, data), f"generator wrote an invalid {check} file: {name}"


def test_corpus_values_are_random_per_seed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = {p.value for p in _build(tmp_path / "a", 1).plants}
    two = {p.value for p in _build(tmp_path / "b", 2).plants}
    # people are drawn from name lists, so a full name may come up in both
    assert len(one & two) <= len(one) // 50
