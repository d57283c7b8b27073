"""Encrypted exports: gpg in a throwaway keyring, export -> encrypt -> import /
verify / restore, and the failures a user meets (no key, damaged file)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from flexgit import crypto
from flexgit.cli.seedtools import restore as restore_cmd
from tests.conftest import Env, which_or_skip

RECIPIENT = "flexgit-test@example.com"


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    gpg = which_or_skip("gpg")
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    env = {**os.environ, "GNUPGHOME": str(home)}
    subprocess.run([gpg, "--batch", "--passphrase", "", "--quick-gen-key",
                    f"flexgit test <{RECIPIENT}>", "default", "default", "never"],
                   env=env, check=True, capture_output=True)
    yield home
    # The agent gpg started for this keyring, and nothing else.
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, capture_output=True,
                   check=False)


@pytest.fixture
def gnupg(keyring: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GNUPGHOME", str(keyring))
    return keyring


@pytest.mark.parametrize(("head", "encrypted"), [
    (b"\x85\x01\x8c\x03", True),  # old-format public-key session key packet (gpg's default)
    (b"\x85\x01\x8c\x07", False),  # the same with a version that does not exist
    (b"\xc1\x0c\x03", True),  # new-format public-key session key packet
    (b"\x8c\x0d\x04", True),  # symmetric (gpg -c)
    (b"\xd2\x43\x01", True),  # new-format encrypted data with integrity protection
    (b"\x90\x01\x02", False),  # a one-pass signature: not encrypted
    (b"-----BEGIN PGP MESSAGE-----\n", True),
    (b"{\n \"version\"", False),
    (b"\x1f\x8b\x08", False),
    (b"\xef\xbb\xbf{", False),  # a JSON file with a BOM
    (b"", False),
])
def test_looks_encrypted(head: bytes, encrypted: bool) -> None:
    assert crypto.looks_encrypted(head) is encrypted


def _export(env: Env, *args: str) -> dict[str, object]:
    r = env.run("--json", "export", *args)
    assert r.exit_code == 0, r.output
    doc: dict[str, object] = json.loads(r.stdout)
    return doc


def test_export_encrypt_import_restore_round_trip(env: Env, gnupg: Path,
                                                  tmp_path: Path) -> None:
    assert env.run("snapshot").exit_code == 0
    original = env.store().head()
    tree = env.store().commit_info(original or "").tree
    out = tmp_path / "out"
    # flxx: all of the snapshot, so its import is the identical tree.
    doc = _export(env, "-t", "flxx", "-c", "-o", str(out), "--encrypt", RECIPIENT)
    path = Path(str(doc["path"]))
    assert path.name.endswith(".flxx.gz.gpg") and doc["encrypted"] is True
    assert os.readlink(out / "latest.flxx.gz.gpg") == path.name
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in out.iterdir()) == sorted([path.name, "latest.flxx.gz.gpg"])
    raw = path.read_bytes()
    assert crypto.looks_encrypted(raw[:64]) and b"backup_type" not in raw
    assert doc["bytes"] == len(raw)
    # gpg itself reads it back: a gzip stream of the backup JSON.
    plain = subprocess.run(["gpg", "--batch", "--quiet", "--decrypt", str(path)],
                           capture_output=True, check=True).stdout
    assert json.loads(gzip.decompress(plain))["flexgit"]["snapshot"] == original
    # verify, audit and import read the encrypted file by its content.
    r = env.run("verify", str(path))
    assert r.exit_code == 0 and "OK (" in r.stdout, r.output
    assert env.run("audit", str(path)).exit_code == 0
    other = tmp_path / "imported.git"
    r = env.run("--repo", str(other), "--json", "import", str(path))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["tree"] == tree
    # And restore puts back what changed since.
    conf = env.root / "etc/asterisk/features.conf"
    before = conf.read_bytes()
    conf.write_text("; changed after the backup\n")
    # A backup file is trusted with the root-run files only when told so.
    r = env.run("-y", "restore", "-m", "fresh", "--trust-privileged", str(path))
    assert r.exit_code == 0, r.output
    assert conf.read_bytes() == before
    r = env.run("--json", "restore", "--dry-run", str(out / "latest.flxx.gz.gpg"))
    assert r.exit_code == 0
    assert all(a["action"] in ("keep", "preserve", "skip") for a in json.loads(r.stdout)["actions"]
               if a["path"].startswith("system/etc/asterisk/"))


def test_flexpbx_restore_reads_gpg_files(env: Env, gnupg: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.run("snapshot").exit_code == 0
    path = Path(str(_export(env, "--encrypt", RECIPIENT)["path"]))
    assert path.name.endswith(".flx.gpg")
    conf = env.root / "etc/asterisk/features.conf"
    before = conf.read_bytes()
    conf.write_text("; changed\n")
    monkeypatch.setenv("FLEXGIT_HOME", str(env.home))
    monkeypatch.setenv("FLEXGIT_ROOT", str(env.root))
    monkeypatch.setenv("FLEXGIT_REPO", str(env.repo))
    r = CliRunner().invoke(restore_cmd, ["-y", str(path)])
    assert r.exit_code == 0, r.output
    assert conf.read_bytes() == before


def test_unknown_recipient_writes_nothing(env: Env, gnupg: Path, tmp_path: Path) -> None:
    assert env.run("snapshot").exit_code == 0
    out = tmp_path / "out"
    r = env.run("export", "-o", str(out), "--encrypt", "nobody@example.invalid")
    assert r.exit_code == 1
    assert r.stderr == ("Error: no public key for 'nobody@example.invalid' in the gpg keyring; "
                        "import it with `gpg --import KEYFILE` (GNUPGHOME selects the "
                        "keyring)\n")
    assert not out.exists() or list(out.iterdir()) == []


def test_without_the_secret_key_nothing_is_imported(env: Env, gnupg: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert env.run("snapshot").exit_code == 0
    path = Path(str(_export(env, "-c", "--encrypt", RECIPIENT)["path"]))
    empty = tmp_path / "empty-gnupg"
    empty.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(empty))
    other = tmp_path / "imported.git"
    try:
        r = env.run("--repo", str(other), "import", str(path))
        assert r.exit_code == 1
        assert r.stderr == (f"Error: {path}: cannot decrypt: no secret key for it in this gpg "
                            f"keyring; import the key (`gpg --import`) or set GNUPGHOME\n")
        assert not other.exists()
        assert env.run("verify", str(path)).exit_code == 1
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], capture_output=True, check=False)


def test_damaged_encrypted_file_is_refused(env: Env, gnupg: Path, tmp_path: Path) -> None:
    assert env.run("snapshot").exit_code == 0
    path = Path(str(_export(env, "--encrypt", RECIPIENT)["path"]))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "damaged.flx.gpg"
    bad.write_bytes(bytes(data))
    other = tmp_path / "imported.git"
    r = env.run("--repo", str(other), "import", str(bad))
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {bad}: cannot decrypt: ")
    assert not other.exists()
    r = env.run("verify", str(bad))  # the key opened it: the file is what is wrong
    assert r.exit_code == 4 and f"{bad}: cannot decrypt: " in r.stdout


def test_prune_rotates_encrypted_exports_too(tmp_path: Path) -> None:
    from flexgit import retention

    for day in range(1, 5):
        (tmp_path / f"flexpbx-2025-03-0{day}_02-00-00.flx.gz.gpg").write_bytes(b"\x85\x01")
    (tmp_path / "latest.flx.gz.gpg").symlink_to("flexpbx-2025-03-01_02-00-00.flx.gz.gpg")
    res = retention.prune(tmp_path, retention.Policy(daily=2))
    assert sorted(res.kept) == ["flexpbx-2025-03-03_02-00-00.flx.gz.gpg",
                                "flexpbx-2025-03-04_02-00-00.flx.gz.gpg"]
    assert os.readlink(tmp_path / "latest.flx.gz.gpg") == "flexpbx-2025-03-04_02-00-00.flx.gz.gpg"
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [
        "flexpbx-2025-03-01_02-00-00.flx.gz.gpg", "flexpbx-2025-03-02_02-00-00.flx.gz.gpg"]
