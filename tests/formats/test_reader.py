from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from flexgit.cli import cli
from flexgit.cli.files import COMMANDS
from flexgit.formats.entries import parse_mode
from flexgit.formats.limits import Limits, PathSet, path_problem
from flexgit.formats.reader import FileEntry, Reader

BAD = Path(__file__).parent.parent / "data" / "bad"


@pytest.mark.parametrize(("path", "problem"), [
    ("a/b.php", None), ("é/ü.php", None), ("a/.hidden", None), ("a/..b", None),
    ("", "empty path"), ("/a", "absolute path"), ("a/../b", "'..' component"),
    ("./a", "'.' component"), ("a//b", "empty component"), ("a/", "empty component"),
    ("a\0b", "NUL"), ("a\\b", "backslash"), ("a\nb", "newline"), ("a\rb", "newline"),
    ("a\tb", "control character U+0009"), ("x" * 256, "component is too long"),
    ("/".join(["d" * 100] * 41), "path is too long"),
])
def test_path_problem(path: str, problem: str | None) -> None:
    got = path_problem(path, Limits())
    assert got == problem if problem is None else problem in (got or "")


def test_pathset_clashes() -> None:
    s = PathSet()
    assert s.add("home/a/b") is None
    assert s.add("home/A/c") is None  # same directory on a case-insensitive disk is fine
    assert "not a directory" in (s.add("home/a/b/c") or "")
    assert "is also a directory" in (s.add("home/A") or "")
    assert "case-folding" in (s.add("home/a/B") or "")
    assert s.add("home/a/b") == "duplicate path"
    assert s.add("home/STRASSE") is None
    assert "case-folding" in (s.add("home/straße") or "")


@pytest.mark.parametrize(("value", "kind", "mode", "problem"), [
    ("0644", "file", 0o644, None), ("755", "file", 0o755, None), ("1777", "file", 0o1777, None),
    ("0100644", "file", 0o644, None), ("0120777", "symlink", 0o777, None),
    ("0120777", "file", 0, "device or special file"), ("020644", "file", 0, "device"),
    ("4755", "file", 0, "setuid"), ("2755", "file", 0, "setgid"), ("rw-r--r--", "file", 0,
                                                                  "not an octal"),
])
def test_parse_mode(value: str, kind: str, mode: int, problem: str | None) -> None:
    got, prob = parse_mode(value, kind)
    assert (got, prob) == (mode, None) if problem is None else problem in (prob or "")


def test_keep_bad_hash_hands_the_entry_over_marked() -> None:
    seen: list[FileEntry] = []
    problems: list[tuple[str, str]] = []
    Reader(BAD / "hash_mismatch.flx", keep_bad_hash=True).read(
        seen.append, lambda p, m: problems.append((p, m)))
    assert [e.path for e in seen] == ["public_html/a.php"]
    assert (seen[0].hash_problem or "").startswith("Hash mismatch for public_html/a.php")
    # Marked, not reported: a problem would make the importer refuse the file.
    assert problems == []


def test_root_guess_for_files_without_root(tmp_path: Path) -> None:
    doc = json.loads((BAD / "path_duplicate.flx").read_text())
    doc["files"] = [doc["files"][0] | {"path": p} for p in
                    ("etc/asterisk/x.conf", "usr/local/bin/flexpbx-y", "etcetera/z", "var/q")]
    f = tmp_path / "g.flx"
    f.write_text(json.dumps(doc))
    seen: list[FileEntry] = []
    Reader(f).read(seen.append, lambda p, m: pytest.fail(m))
    assert [e.tree_path for e in seen] == ["system/etc/asterisk/x.conf",
                                           "system/usr/local/bin/flexpbx-y",
                                           "home/etcetera/z", "home/var/q"]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: c.name or "")
def test_every_command_has_help_with_an_example(cmd: object) -> None:
    assert cli.get_command(click.Context(cli), cmd.name) is cmd  # type: ignore[attr-defined]
    doc = getattr(cmd, "help", "") or ""
    summary, _, rest = doc.partition("\n")
    assert summary.strip() and "Example:" in rest and "flexgit " in rest


def _entry_json(i: int, *, odd: bool = False) -> dict[str, object]:
    import base64
    import hashlib

    data = f"<?php // {i}\n".encode()
    e: dict[str, object] = {"path": f"public_html/m/{i}.php", "root": "home",
                            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                            "size": len(data), "content": base64.b64encode(data).decode()}
    if odd:  # what no single match takes: the event path reads it
        e["x"] = [1, {"y": 2.5}]
    return e


@pytest.mark.parametrize("form", ["flat", "odd", "mixed", "gzip"])
def test_a_file_over_the_entry_limit_is_refused_before_any_entry(tmp_path: Path,
                                                                 form: str) -> None:
    import gzip

    n = 300
    entries = [_entry_json(i, odd=form == "odd" or (form == "mixed" and i % 7 == 0))
               for i in range(n)]
    text = json.dumps({"version": "1.0", "files": entries}).encode()
    f = tmp_path / "many.flx"
    f.write_bytes(gzip.compress(text) if form == "gzip" else text)
    seen: list[FileEntry] = []
    reader = Reader(f, limits=Limits(max_entries=n - 1))
    with pytest.raises(Exception, match=r": more than 299 file entries \(FLEXGIT_MAX_ENTRIES\)$"):
        reader.read(seen.append, lambda p, m: pytest.fail(m))
    assert seen == []  # counted first: nothing was checked or handed over
    got: list[FileEntry] = []
    Reader(f, limits=Limits(max_entries=n)).read(got.append, lambda p, m: pytest.fail(m))
    assert [e.path for e in got] == [f"public_html/m/{i}.php" for i in range(n)]


@pytest.mark.parametrize(("entry", "problem"), [
    ('{"path": "a", "path": "b"}', "files[0]: duplicate key 'path'"),
    ('{"path": "a", "sanitized": {"r": 1, "r": 2}}', "files[0].sanitized: duplicate key 'r'"),
    ('{"path": "a", "size": 1, "content": "' + "A" * 20000 + '"}',
     "a: content is longer than its declared size of 1 bytes; refused without reading further"),
])
def test_an_entry_read_in_one_match_is_held_to_the_same_rules(tmp_path: Path, entry: str,
                                                              problem: str) -> None:
    from flexgit.formats.reader import Invalid

    f = tmp_path / "e.flx"
    f.write_text('{"files": [' + entry + "]}")
    with pytest.raises(Invalid) as e:
        Reader(f).read(lambda e: None, lambda p, m: None)
    assert e.value.problem == problem
