from __future__ import annotations

from pathlib import Path

import pytest

from flexgit import profile
from flexgit.errors import BadInput
from tests.conftest import Env


@pytest.mark.parametrize(("side", "rel", "category"), [
    ("home", "public_html/api/login.php", "api_endpoints"),
    ("home", "public_html/service-worker.js", "service_worker"),
    ("home", "public_html/api/sip-status.php", "sip_status_monitoring"),
    ("home", "public_html/docs/README.md", "documentation"),
    ("home", "public_html/portal/index.php", "system_files"),
    ("home", "flexpbx-config.json", "default_settings"),
    ("home", "templates/settings_template.json", "default_settings"),
    ("system", "etc/asterisk/pjsip.conf", "asterisk_templates"),
    ("system", "etc/asterisk/sub/dir/x.conf", "asterisk_templates"),
    ("system", "etc/sudoers.d/flexpbx-asterisk", "sudo_config"),
    ("system", "usr/local/bin/flexpbx-toggle-permissions", "system_scripts"),
])
def test_flx_categories(side: str, rel: str, category: str) -> None:
    cat = profile.Profile().category_of(side, rel, "flx")
    assert cat is not None and cat.name == category


@pytest.mark.parametrize(("side", "rel"), [
    ("home", "templates/user_template.json"),
    ("home", "templates/admin_template.json"),
    ("home", "schema/flexpbx.sql"),
    ("home", "notes.txt"),  # not part of FlexPBX
    ("home", "some/flexpbx-config.json"),  # includes are anchored at the home
    ("system", "etc/sudoers.d/other-admin"),
    ("system", "usr/local/bin/unrelated-tool"),
    ("system", "etc/passwd"),
])
def test_not_in_flx(side: str, rel: str) -> None:
    assert profile.Profile().category_of(side, rel, "flx") is None


def test_flxx_adds_templates() -> None:
    p = profile.Profile()
    cat = p.category_of("home", "templates/user_template.json", "flxx")
    assert cat is not None and cat.name == "user_templates" and cat.flxx_only


@pytest.mark.parametrize(("side", "rel", "is_dir"), [
    ("home", "users", True), ("home", "public_html/users", True), ("home", "admins", True),
    ("home", "temp_passwords", True), ("home", "push_subscriptions", True),
    ("home", "sessions", True), ("home", "public_html/sess_abc", False),
    ("home", "public_html/api/cache", True), ("home", "logs", True),
    ("home", "public_html/error_log", False), ("home", "public_html/x.log", False),
    ("home", "tmp", True), ("home", "public_html/temp", True), ("home", "backup", True),
    ("system", "var/spool/asterisk/voicemail", True),
    ("system", "var/spool/asterisk/monitor", True),
    ("system", "var/log/asterisk/cdr-csv", True),
    # user data by kind, at any depth and in any case
    ("home", "public_html/api/app.log.1", False), ("home", "public_html/a/php.log.2.gz", False),
    ("home", "public_html/access.log-20240101", False), ("home", "public_html/x.log.gz", False),
    ("home", "public_html/error_log.1", False), ("home", "public_html/logs.old", True),
    ("home", "public_html/log", True), ("system", "etc/asterisk/Logs", True),
    ("home", "public_html/cache_v2", True), ("home", "public_html/.cache", True),
    ("home", "public_html/tmp2", True), ("home", "public_html/tmp_upload", True),
    ("home", "public_html/sessions_old", True), ("home", "public_html/voicemail", True),
    ("system", "opt/spool/asterisk/voicemail", True), ("home", "public_html/recordings", True),
    ("home", "public_html/monitor", True), ("home", "public_html/call_recordings", True),
    ("home", "public_html/reports/Master.csv", False), ("home", "public_html/cdr-2024.csv", False),
    ("home", "public_html/CDR_export.CSV", False), ("home", "public_html/cdr-custom", True),
    ("home", "public_html/call_report_2024.csv", False),
    ("home", "public_html/uploads/cv.pdf", False), ("home", "public_html/img/avatars/a.png", False),
    ("home", "public_html/db/app.sqlite", False), ("home", "public_html/db/app.sqlite3", False),
    ("home", "public_html/db/app.sqlite-wal", False), ("home", "public_html/x.db", False),
    ("home", "public_html/x.mdb", False), ("home", "public_html/config.php.bak", False),
    ("system", "etc/asterisk/sip.conf.bak2", False), ("home", "public_html/a.old", False),
    ("home", "public_html/a.orig", False), ("home", "public_html/a.php~", False),
    ("home", "public_html/.a.php.swp", False), ("home", "public_html/s/a.wav", False),
    ("home", "public_html/s/a.WAV", False), ("home", "public_html/s/a.gsm", False),
    ("home", "public_html/s/a.mp3", False), ("system", "etc/asterisk/moh/a.ulaw", False),
    ("home", "public_html/s/a.alaw", False), ("home", "public_html/s/a.g722", False),
    ("home", "public_html/s/a.sln16", False),
])
def test_privacy_excludes(side: str, rel: str, is_dir: bool) -> None:
    assert profile.Profile().excluded(side, rel, is_dir=is_dir)


@pytest.mark.parametrize(("side", "rel", "is_dir"), [
    # near the patterns above, and what a FlexPBX installation is made of
    ("home", "public_html/tmpl", True), ("home", "public_html/templates", True),
    ("home", "public_html/api/call_report.php", False),
    ("home", "public_html/includes/db.php", False),
    ("home", "public_html/js/console.log.js", False), ("home", "public_html/changelog.md", False),
    ("home", "public_html/api/temp-password.php", False), ("home", "public_html/logo.png", False),
    ("home", "public_html/api/sip-status.php", False), ("home", "public_html/cdr.php", False),
    ("system", "etc/asterisk/voicemail.conf", False),
    ("system", "etc/asterisk/cdr_custom.conf", False),
    ("system", "etc/asterisk/cdr.conf", False), ("home", "schema/flexpbx.sql", False),
    # an upload directory is the portal's structure; its files are the users'
    ("home", "public_html/uploads", True), ("home", "public_html/uploads/.keep", False),
])
def test_not_user_data(side: str, rel: str, is_dir: bool) -> None:
    assert not profile.Profile().excluded(side, rel, is_dir=is_dir)


def test_toml_negation_cannot_bring_back_privacy_excludes(tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text('[exclude]\nhome = ["public_html/big/", "!*.sqlite", "!users/", "!*.log"]\n')
    p = profile.load(cfg)
    assert p.excluded("home", "public_html/db/app.sqlite")
    assert p.excluded("home", "users", is_dir=True)
    assert p.excluded("home", "public_html/x.log")
    assert p.excluded("home", "public_html/big", is_dir=True)


def test_include_voicemail_lifts_voicemail_and_its_audio_only() -> None:
    p = profile.Profile().with_data(voicemail=True)
    assert not p.excluded("system", "var/spool/asterisk/voicemail", is_dir=True)
    assert not p.excluded("system", "var/spool/asterisk/voicemail/default/2001/INBOX/m.wav")
    assert not p.excluded("home", "users", is_dir=True)
    assert p.excluded("home", "public_html/db/app.sqlite")
    assert p.excluded("home", "public_html/cache", is_dir=True)
    data_only = profile.Profile().with_data()
    assert data_only.excluded("system", "var/spool/asterisk/voicemail", is_dir=True)
    assert data_only.excluded("home", "public_html/s/a.wav")


def test_toml_cannot_remove_privacy_excludes(tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text('[remove]\npatterns = ["users/", "public_html/**"]\n')
    p = profile.load(cfg)
    assert p.excluded("home", "users", is_dir=True)
    assert p.category_of("home", "public_html/portal/x.php", "flx") is None


def test_toml_adds_categories_excludes_and_rules(tmp_path: Path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text("""
[categories.provisioning]
side = "system"
include = ["etc/flexpbx/**"]

[categories.api_endpoints]
include = ["public_html/api2/**"]

[exclude]
home = ["public_html/big/"]

[sanitize]
secret_keys = ["acme_token"]
disabled = ["pattern.email"]
patterns = { acme_key = "ACME-[0-9A-F]{16}" }
""")
    p = profile.load(cfg)
    assert p.category_of("system", "etc/flexpbx/a.conf", "flx").name == "provisioning"  # type: ignore[union-attr]
    assert p.category_of("home", "public_html/api2/x.php", "flx").name == "api_endpoints"  # type: ignore[union-attr]
    assert p.excluded("home", "public_html/big", is_dir=True)
    assert p.rules.extra_secret_keys == ("acme_token",)
    assert "pattern.email" in p.rules.disabled
    assert p.digest != profile.Profile().digest
    assert "etc/flexpbx" in p.walk_plan("system")


@pytest.mark.parametrize(("text", "message"), [
    ("[[[", "not valid TOML"),
    ("bogus = 1", "unknown section or key 'bogus'"),
    ("[remove]\ncategories = ['nope']", "unknown category 'nope'"),
    ("[categories.x]\ninclude = 'a'", "expected a list of strings"),
    ("[categories.x]\nside = 'moon'\ninclude = ['a']", "side must be 'home' or 'system'"),
    ("[sanitize]\npatterns = { x = '(' }", "not a valid regex"),
])
def test_bad_toml(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text(text)
    with pytest.raises(BadInput, match=message) as e:
        profile.load(cfg)
    assert str(cfg) in str(e.value)


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="profile file not found"):
        profile.load(tmp_path / "nope.toml")


def test_walk_plan_stays_in_literal_prefixes() -> None:
    plan = profile.Profile().walk_plan("system")
    assert plan == {"etc/asterisk": None, "etc/sudoers.d": 1, "usr/local/bin": 1}
    home = profile.Profile().walk_plan("home")
    assert home["public_html"] is None
    assert home[""] == 1  # flexpbx-config.json, *.md at the top
    assert home["templates"] == 1


def test_matcher_agrees_with_pathspec() -> None:
    import pathspec

    pats = ["/public_html/**", "users/", "*.log", "/etc/asterisk/**", "/var/log/asterisk/cdr-*",
            "sess_*", "/backup/", "templates/*.json", "/*.md", "error_log", "cache/"]
    spec = pathspec.PathSpec.from_lines("gitignore", pats)
    m = profile.Matcher(pats)
    paths = ["public_html/a.php", "public_html/x/users/", "users/", "a/b/c.log", "c.log/x",
             "etc/asterisk/pjsip.conf", "etc/asteriskx", "var/log/asterisk/cdr-csv/",
             "sess_1", "x/sess_1", "backup/", "x/backup/", "templates/a.json",
             "templates/x/a.json", "README.md", "x/README.md", "error_log", "x/error_logs",
             "a/cache/", "cache", "public_html"]
    for p in paths:
        assert m.match(p) == bool(spec.match_file(p)), p
    neg = profile.Matcher(["*.log", "!keep.log"])
    assert neg.match("a.log") and not neg.match("keep.log")


def test_privacy_matcher_agrees_with_pathspec(env: Env) -> None:
    # The privacy excludes are searched per component, not matched as
    # pathspec's regexes: same answers on every path of an installation, as
    # a file and as a directory, and on names built from the patterns.
    import os

    import pathspec

    pats = [p.lower() for p in profile.PRIVACY_EXCLUDES]
    spec = pathspec.PathSpec.from_lines("gitignore", pats)
    m = profile.Matcher(pats)
    paths = [os.path.relpath(os.path.join(d, n), base).lower()
             for base in (env.home, env.root) for d, dirs, names in os.walk(base)
             for n in names + dirs]
    made = [p.strip("/").replace("**/", "").replace("*", "x").replace("[0-9]", "1")
            .replace("[!l]", "m") for p in pats]
    paths += [f"{pre}{name}{post}" for name in made for pre in ("", "a/", "a/b/")
              for post in ("", "/", "/f", ".php")]
    assert len(paths) > 1000
    for p in paths:
        assert m.match(p) == bool(spec.match_file(p)), p


def test_category_of_is_the_first_category_pathspec_matches(env: Env) -> None:
    # category_of asks one combined regex; the oracle asks pathspec category
    # by category, in order, as the profile's comment says it must.
    import os

    import pathspec

    prof = profile.Profile()
    paths = [(side, os.path.relpath(os.path.join(d, n), base))
             for side, base in (("home", env.home), ("system", env.root))
             for d, dirs, names in os.walk(base) for n in names + dirs]
    paths += [("system", "etc/asterisk/x/y.conf"), ("home", "templates/user_template.json"),
              ("home", "nowhere.txt"), ("system", "usr/local/bin/flexpbx-x")]
    assert len(paths) > 100
    for backup_type in profile.TYPES:
        cats = prof.categories_for(backup_type)
        for side, rel in paths:
            want = next((c for c in cats if c.side == side and pathspec.PathSpec.from_lines(
                "gitignore", ["/" + p.lstrip("/") for p in c.include]).match_file(rel)), None)
            assert prof.category_of(side, rel, backup_type) == want, (side, rel, backup_type)
