"""Property tests: the importer and the path validator never raise anything
but flexgit's own errors on arbitrary input; a secret planted anywhere in a
generated config never reaches a snapshot; snapshot -> export -> import ->
restore gives back the same bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flexgit import profile, snapshot
from flexgit.errors import FlexgitError
from flexgit.formats import importer
from flexgit.formats.limits import Limits, path_problem
from flexgit.store import Store
from tests.conftest import all_objects

PNG = b"\x89PNG\r\n\x1a\n"  # an image: a binary kind a shareable snapshot keeps

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def _import(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "x.flx"
        f.write_bytes(data)
        store = Store.init(Path(d) / "s.git")
        try:
            with store.locked("test"):
                importer.import_file(store, f, profile=profile.Profile(),
                                     limits=Limits(max_bytes=1 << 20, max_entries=50))
        except FlexgitError:
            pass
        finally:
            store.close()


@SETTINGS
@given(st.binary(max_size=2000))
def test_importer_on_arbitrary_bytes(data: bytes) -> None:
    _import(data)
    _import(gzip.compress(data))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["version", "backup_type", "files", "file_count",
                                        "created", "default_settings", "flexgit", "includes"]),
                       json_values, max_size=8),
       st.lists(st.dictionaries(st.sampled_from(["path", "hash", "size", "content", "mode",
                                                 "root", "type"]), json_values, max_size=7),
                max_size=4))
def test_importer_on_arbitrary_json(top: dict[str, object], entries: list[object]) -> None:
    doc = {**top, "files": entries}
    _import(json.dumps(doc).encode())


@SETTINGS
@given(st.text(max_size=300))
def test_path_validator_total(path: str) -> None:
    problem = path_problem(path, Limits())
    if problem is None:
        assert not path.startswith("/") and ".." not in path.split("/")
        assert "\0" not in path and "\\" not in path


secret_text = st.text(alphabet=st.characters(min_codepoint=48, max_codepoint=122,
                                             whitelist_categories=("Ll", "Lu", "Nd")),
                      min_size=12, max_size=24).map(lambda s: "Zq9" + s)


@SETTINGS
@given(secret_text, st.sampled_from([
    ("system/etc/asterisk/pjsip.conf", "[auth{n}]\ntype=auth\nusername=u{n}\npassword={s}\n"),
    ("system/etc/asterisk/sip.conf", "[peer{n}]\ntype=friend\nsecret={s}\n"),
    ("system/etc/asterisk/iax.conf", "[general]\nregister => user{n}:{s}@iax.example.net\n"),
    ("system/etc/asterisk/manager.conf", "[admin{n}]\nsecret = {s}\nread = all\n"),
    ("home/flexpbx-config.json", '{{\n  "db": {{"password": "{s}", "port": {n}}}\n}}\n'),
    ("home/public_html/api/config.php", "<?php\n$cfg = ['db_password' => '{s}', 'n' => {n}];\n"),
    ("home/public_html/api/login.php", "<?php\ndefine('DB_PASS', '{s}');\n"),
    ("system/usr/local/bin/flexpbx-sync", "#!/bin/sh\nDB_PASS=\"{s}\"\necho {n}\n"),
]), st.integers(0, 999))
def test_planted_secret_never_reaches_a_snapshot(secret: str, case: tuple[str, str],
                                                 n: int) -> None:
    path, template = case
    with tempfile.TemporaryDirectory() as d:
        home, root = Path(d) / "home", Path(d) / "root"
        side, rel = path.split("/", 1)
        target = (home if side == "home" else root) / rel
        target.parent.mkdir(parents=True)
        target.write_text(template.format(s=secret, n=n))
        home.mkdir(exist_ok=True)
        root.mkdir(exist_ok=True)
        with Store.init(Path(d) / "s.git") as store, store.locked("t"):
            # One planted file: a system-side form leaves the home empty on
            # purpose (the secret is the point, not the installation).
            snapshot.take(store, snapshot.Installation(home, root), profile.Profile(),
                          allow_empty=True)
        assert secret.encode() not in all_objects(Path(d) / "s.git")


@settings(max_examples=15, deadline=None)
@given(st.dictionaries(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-é", min_size=1, max_size=12),
    st.binary(max_size=300), min_size=1, max_size=8))
def test_snapshot_export_import_restore_is_byte_identical(files: dict[str, bytes]) -> None:
    from click.testing import CliRunner

    from flexgit.cli import cli
    from flexgit.content import is_binary

    # The property is about images: bytes behind a PNG magic that are mostly
    # printable are text, and sanitized as text (content.binary_kind).
    assume(all(is_binary(PNG + data) for data in files.values()))
    with tempfile.TemporaryDirectory() as d:
        home, root = Path(d) / "home", Path(d) / "root"
        (home / "public_html" / "assets").mkdir(parents=True)
        root.mkdir()
        for name, data in files.items():
            # Images: the binaries a shareable snapshot keeps byte for byte.
            (home / "public_html" / "assets" / f"{name}.png").write_bytes(PNG + data)
        run = CliRunner().invoke
        a = ["--home", str(home), "--root", str(root), "--repo", str(Path(d) / "a.git")]
        assert run(cli, [*a, "snapshot"]).exit_code == 0
        r = run(cli, [*a, "--json", "export", "-o", str(Path(d) / "out")])
        exported = json.loads(r.stdout)["path"]
        b_home = Path(d) / "home2"
        b_home.mkdir()
        b = ["--home", str(b_home), "--root", str(root), "--repo", str(Path(d) / "b.git")]
        assert run(cli, [*b, "import", exported]).exit_code in (0, 3)
        shutil.rmtree(home / "public_html")
        r = run(cli, [*b, "-y", "restore", "-m", "merge", "latest"])
        assert r.exit_code == 0, r.output
        for name, data in files.items():
            got = (b_home / "public_html" / "assets" / f"{name}.png").read_bytes()
            assert hashlib.sha256(got).digest() == hashlib.sha256(PNG + data).digest()

