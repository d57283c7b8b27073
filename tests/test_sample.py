"""The sample installation is the fixture every other test relies on."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from flexgit.errors import UsageError
from flexgit.sample import Sample, build

HOME_IN_CONTENT = "/home/flexpbx"


def _build(base: Path, **kwargs: object) -> Sample:
    return build(base / "home", base / "root", **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    return _build(tmp_path, home_in_content=HOME_IN_CONTENT)


def _tree(s: Sample) -> dict[str, tuple[str, int, bytes]]:
    """Every entry under home and root: kind, permission bits, content or link target."""
    out: dict[str, tuple[str, int, bytes]] = {}
    for side, base in (("home", s.home), ("system", s.root)):
        for dirpath, dirnames, filenames in os.walk(base):
            for name in dirnames + filenames:
                path = Path(dirpath, name)
                rel = f"{side}/{path.relative_to(base).as_posix()}"
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode):
                    out[rel] = ("link", 0, os.readlink(path).encode())
                elif stat.S_ISDIR(st.st_mode):
                    out[rel] = ("dir", stat.S_IMODE(st.st_mode), b"")
                else:
                    out[rel] = ("file", stat.S_IMODE(st.st_mode), path.read_bytes())
    return out


def _files(s: Sample) -> dict[str, bytes]:
    return {rel: data for rel, (kind, _, data) in _tree(s).items() if kind == "file"}


def _place(s: Sample, rel: str) -> Path:
    side, _, rest = rel.partition("/")
    return (s.home if side == "home" else s.root) / rest


def _is_text(data: bytes) -> bool:
    return b"\x00" not in data


# --- determinism and size ---------------------------------------------------------


def test_same_call_gives_identical_trees(tmp_path: Path) -> None:
    a = _build(tmp_path / "a", home_in_content=HOME_IN_CONTENT)
    b = _build(tmp_path / "b", home_in_content=HOME_IN_CONTENT)
    assert _tree(a) == _tree(b)
    assert a.secrets == b.secrets
    assert a.user_data == b.user_data
    assert a.excluded == b.excluded


def test_building_again_in_place_gives_the_same_tree(sample: Sample) -> None:
    before = _tree(sample)
    again = build(sample.home, sample.root, home_in_content=HOME_IN_CONTENT)
    assert _tree(again) == before


def test_small_stays_small(sample: Sample) -> None:
    assert 40 <= len(_files(sample)) <= 60


def test_large_adds_thousands_of_ordinary_files(tmp_path: Path) -> None:
    small = _files(_build(tmp_path / "s", home_in_content=HOME_IN_CONTENT))
    large_sample = _build(tmp_path / "l", home_in_content=HOME_IN_CONTENT, size="large")
    large = _files(large_sample)
    extra = set(large) - set(small)
    assert len(extra) >= 2000
    assert set(small) <= set(large)
    pngs = [rel for rel in extra if rel.endswith(".png")]
    assert len(pngs) >= 20
    assert all(large[rel].startswith(b"\x89PNG\r\n\x1a\n") for rel in pngs)
    assert all(len(large[rel]) < 64 * 1024 for rel in extra)
    assert large_sample.secrets == _build(tmp_path / "s2").secrets


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown sample size"):
        _build(tmp_path, size="huge")


def test_real_system_root_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="real system root"):
        build(tmp_path / "home", Path("/"))
    assert not (tmp_path / "home").exists()


# --- planted secrets --------------------------------------------------------------


def test_secrets_are_meaningful_for_substring_search(sample: Sample) -> None:
    assert len(sample.secrets) >= 40
    assert len(set(sample.secrets)) == len(sample.secrets)
    for secret in sample.secrets:
        assert len(secret) >= 6, secret
        others = [o for o in sample.secrets if o != secret and secret in o]
        assert not others, f"{secret!r} is part of {others!r}"
    assert not any("example.com" in secret for secret in sample.secrets)


def test_every_secret_is_planted(sample: Sample) -> None:
    blob = b"\n".join(_files(sample).values())
    missing = [s for s in sample.secrets if s.encode() not in blob]
    assert missing == []


@pytest.mark.parametrize(
    "kind",
    ["php", "js", "md", "config-json", "template-json", "asterisk-conf", "shell"],
)
def test_every_backed_up_file_kind_carries_secrets(sample: Sample, kind: str) -> None:
    """Files that DO go into a backup hold secrets too, so sanitizing is exercised."""
    never = {f"home/{p}" for p in sample.user_data} | set(sample.excluded)
    selectors = {
        "php": lambda r: r.endswith(".php"),
        "js": lambda r: r.endswith(".js"),
        "md": lambda r: r.endswith(".md"),
        "config-json": lambda r: r == "home/flexpbx-config.json",
        "template-json": lambda r: r.startswith("home/templates/"),
        "asterisk-conf": lambda r: r.startswith("system/etc/asterisk/"),
        "shell": lambda r: r.startswith("system/usr/local/bin/"),
    }
    texts = [
        data for rel, data in _files(sample).items() if selectors[kind](rel) and rel not in never
    ]
    assert texts
    assert any(secret.encode() in data for data in texts for secret in sample.secrets)


def test_personal_data_in_asterisk_syntax(sample: Sample) -> None:
    conf = sample.root / "etc/asterisk"
    vm = (conf / "voicemail.conf").read_text()
    assert re.search(r"^2001 => \d{8},Alice Johnson,alice\.johnson@acme-telecom\.net,", vm, re.M)
    ext = (conf / "extensions.conf").read_text()
    assert re.search(r"^TRUNK=IAX2/\w+:[^@\s]+@", ext, re.M)
    assert re.search(r"Dial\(SIP/\w+:[^@\s]+@", ext)
    assert "\\;" in ext
    pjsip = (conf / "pjsip.conf").read_text()
    assert "md5_cred=" in pjsip and "(!)" in pjsip and "(+)" in pjsip
    assert re.search(r"^outbound_auth=", pjsip, re.M)
    sip = (conf / "sip.conf").read_text()
    assert re.search(r"^register => \w+:[^@\s]+@", sip, re.M)
    assert re.search(r"^;secret=\S{6,}", sip, re.M)
    assert re.search(r"^register => \w+:[^@\s]+@", (conf / "iax.conf").read_text(), re.M)


_CONF_LINE = re.compile(
    r"""^(\s*;.*|\s*
    |\[[\w.-]+\](\([!+]?[\w,-]*\))?\s*(;.*)?
    |\s*[\w.-]+\s*(=|=>)\s*.*
    |\s*same\s*=>\s*.*)$""",
    re.X,
)


def test_asterisk_files_use_asterisk_syntax(sample: Sample) -> None:
    for path in sorted((sample.root / "etc/asterisk").iterdir()):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert _CONF_LINE.match(line), f"{path.name}:{number}: {line}"


# --- declared paths, modes, links -------------------------------------------------

_USER_DATA_DIRS = {"users", "admins", "push_subscriptions", "temp_passwords"}


def test_declared_user_data_exists(sample: Sample) -> None:
    assert len(sample.user_data) >= 6
    assert {p.split("/")[0] for p in sample.user_data} == _USER_DATA_DIRS
    for rel in sample.user_data:
        path = sample.home / rel
        assert path.is_file() and not path.is_symlink(), rel
    on_disk = {
        p.relative_to(sample.home).as_posix()
        for d in _USER_DATA_DIRS
        for p in (sample.home / d).iterdir()
    }
    assert on_disk == set(sample.user_data)


def test_declared_excluded_files_exist(sample: Sample) -> None:
    for rel in sample.excluded:
        assert rel.startswith(("home/", "system/")), rel
        path = _place(sample, rel)
        assert path.is_file() and not path.is_symlink(), rel
    kinds = " ".join(sample.excluded)
    for word in ("logs/", "error_log", "cache/", "sessions/", "tmp/", "backup/", "voicemail/"):
        assert word in kinds
    for word in ("monitor/", "cdr-csv/", "var/log/asterisk/messages"):
        assert word in kinds


def test_push_subscription_names_match_the_php_endpoint(sample: Sample) -> None:
    for rel in sample.user_data:
        if rel.startswith("push_subscriptions/"):
            sub = json.loads((sample.home / rel).read_text())
            assert set(sub["keys"]) == {"p256dh", "auth"}
            assert sub["endpoint"].startswith("https://")
            digest = hashlib.sha256(sub["endpoint"].encode()).hexdigest()[:12]
            assert rel.endswith(f"-{digest}.json")


@pytest.mark.parametrize(
    ("rel", "mode"),
    [
        ("home/public_html/api/login.php", 0o644),
        ("home/public_html/api/config.php", 0o644),
        ("home/public_html/service-worker.js", 0o644),
        ("home/flexpbx-config.json", 0o640),
        ("home/templates/user_template.json", 0o640),
        ("home/templates/admin_template.json", 0o640),
        ("home/templates/settings_template.json", 0o640),
        ("home/users", 0o750),
        ("home/admins", 0o750),
        ("home/push_subscriptions", 0o750),
        ("home/temp_passwords", 0o750),
        ("home/public_html", 0o755),
        ("home/public_html/uploads", 0o755),
        ("home/bin/flexpbx-sip-status", 0o755),
        ("system/etc/sudoers.d/flexpbx-asterisk", 0o440),
        ("system/usr/local/bin/flexpbx-toggle-permissions", 0o755),
        ("system/usr/local/bin/flexpbx-backup-helper", 0o755),
        ("system/etc/asterisk/pjsip.conf", 0o640),
    ],
)
def test_modes(sample: Sample, rel: str, mode: int) -> None:
    assert stat.S_IMODE(_place(sample, rel).lstat().st_mode) == mode


def test_one_relative_symlink_and_one_empty_dir(sample: Sample) -> None:
    links = [rel for rel, (kind, _, _) in _tree(sample).items() if kind == "link"]
    assert links == ["home/public_html/index.php"]
    link = sample.home / "public_html/index.php"
    assert os.readlink(link) == "portal/index.php"
    assert link.resolve() == (sample.home / "public_html/portal/index.php").resolve()
    uploads = sample.home / "public_html/uploads"
    assert uploads.is_dir() and list(uploads.iterdir()) == []


# --- file formats -----------------------------------------------------------------


def test_json_files_parse_and_config_is_pretty_printed(sample: Sample) -> None:
    files = _files(sample)
    json_files = [rel for rel in files if rel.endswith((".json", ".flx"))]
    assert len(json_files) >= 12
    for rel in json_files:
        text = files[rel].decode()
        value = json.loads(text)
        assert text == json.dumps(value, indent=2) + "\n", rel
    config = json.loads(files["home/flexpbx-config.json"])
    assert {"database", "smtp", "vapid", "sip", "default_settings", "extensions"} <= set(config)
    assert all({"name", "email", "secret"} <= set(e) for e in config["extensions"])
    settings = json.loads(files["home/templates/settings_template.json"])
    assert settings == config["default_settings"]


def test_old_backup_file_is_a_consistent_flx(sample: Sample) -> None:
    rel = next(r for r in sample.excluded if r.endswith(".flx"))
    flx = json.loads(_place(sample, rel).read_text())
    assert flx["sensitive_data_included"] is True
    assert flx["file_count"] == len(flx["files"])
    for entry in flx["files"]:
        data = base64.b64decode(entry["content"], validate=True)
        assert entry["size"] == len(data)
        assert entry["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert data == (sample.home / entry["path"]).read_bytes()


def test_text_files_are_utf8_with_final_newline(sample: Sample) -> None:
    for rel, data in _files(sample).items():
        if _is_text(data):
            assert data.decode("utf-8").endswith("\n"), rel
            assert not re.search(r"\{\{[A-Z0-9_]+\}\}", data.decode()), rel


def test_binary_files_are_binary(sample: Sample) -> None:
    files = _files(sample)
    binaries = sorted(rel for rel, data in files.items() if not _is_text(data))
    assert any(rel.endswith(".png") for rel in binaries)
    assert any(rel.endswith(".wav") for rel in binaries)
    for rel in binaries:
        assert files[rel][:4] in (b"\x89PNG", b"RIFF"), rel


# --- paths and user inside contents -----------------------------------------------


def test_home_path_defaults_to_home(tmp_path: Path) -> None:
    s = _build(tmp_path)
    config = json.loads((s.home / "flexpbx-config.json").read_text())
    assert config["install_dir"] == f"{s.home}/public_html"


def test_home_path_in_content(sample: Sample) -> None:
    files = {rel: data.decode() for rel, data in _files(sample).items() if _is_text(data)}
    with_home = [rel for rel, text in files.items() if f"{HOME_IN_CONTENT}/" in text]
    assert any(rel.startswith("system/etc/asterisk/") for rel in with_home)
    assert any(rel.startswith("system/usr/local/bin/") for rel in with_home)
    assert "home/flexpbx-config.json" in with_home
    assert 'cd "/home/flexpbx/public_html"' in files["system/usr/local/bin/flexpbx-backup-helper"]
    # A path that merely shares the prefix, which migrate must leave alone.
    assert any(f"{HOME_IN_CONTENT}by/" in text for text in files.values())


def test_user_name_in_content(tmp_path: Path) -> None:
    s = _build(tmp_path, user="bob", home_in_content="/home/bob")
    sudoers = (s.root / "etc/sudoers.d/flexpbx-asterisk").read_text()
    assert re.search(r"^bob ALL=\(root\) NOPASSWD: ", sudoers, re.M)
    assert "Defaults:bob " in sudoers
    toggle = (s.root / "usr/local/bin/flexpbx-toggle-permissions").read_text()
    assert 'FLEXPBX_USER="bob"' in toggle
    assert "flexpbx ALL" not in sudoers


# --- external validators ----------------------------------------------------------


@pytest.mark.skipif(shutil.which("visudo") is None, reason="visudo not installed")
@pytest.mark.parametrize("name", ["flexpbx-asterisk", "other-admin"])
def test_sudoers_passes_visudo(sample: Sample, name: str) -> None:
    path = sample.root / "etc/sudoers.d" / name
    result = subprocess.run(
        ["visudo", "-c", "-f", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("php") is None, reason="php not installed")
def test_php_files_lint(sample: Sample) -> None:
    php_files = sorted(p for p in sample.home.rglob("*.php") if not p.is_symlink())
    assert len(php_files) >= 8
    for path in php_files:
        result = subprocess.run(
            ["php", "-l", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_shell_scripts_parse(sample: Sample) -> None:
    scripts = [
        _place(sample, rel)
        for rel, data in _files(sample).items()
        if data.startswith((b"#!/bin/bash", b"#!/bin/sh"))
    ]
    assert len(scripts) >= 4
    for path in scripts:
        result = subprocess.run(
            ["bash", "-n", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
