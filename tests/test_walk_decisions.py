"""The walk's recorded decisions (scan.Decisions): a directory whose listing
is unchanged is not matched against the profile again, and the walk yields
exactly what a walk without them yields, whatever changed."""

from __future__ import annotations

import dataclasses
import json
import os

from flexgit import profile
from flexgit.snapshot import scan
from flexgit.snapshot.statcache import CACHE_NAME, Decisions
from flexgit.store import Store
from tests.conftest import Env
from tests.test_snapshot import _take


def _walk(env: Env, prof: profile.Profile, decisions: Decisions | None) -> list[tuple[str, ...]]:
    out = []
    for item in scan.walk(prof, env.home, env.root, profile.CAPTURE, avoid=(env.repo,),
                          decisions=decisions):
        if isinstance(item, scan.Skipped):
            out.append(("skipped", str(item.path), item.reason))
        else:
            out.append((item.path, item.abspath, item.kind, item.category,
                        str(item.st.st_mode), str(item.st.st_mtime_ns)))
    return out


def _twice(env: Env, prof: profile.Profile, old: Decisions) -> tuple[Decisions, set[str]]:
    """Walk with what `old` recorded; assert it yields what a plain walk
    does; return the new record and how many directories were matched again."""
    fresh = Decisions(old.key, old.new)
    assert _walk(env, prof, fresh) == _walk(env, prof, None)
    return fresh, set(fresh.rematched)


def test_an_unchanged_installation_is_not_matched_again(env: Env) -> None:
    prof = profile.Profile()
    first = Decisions("k")
    assert _walk(env, prof, first) == _walk(env, prof, None)
    assert len(first.rematched) == len(first.new) > 10
    again, rematched = _twice(env, prof, first)
    assert rematched == set()
    assert again.new == first.new


def test_a_new_file_in_a_directory_whose_mtime_was_put_back_is_seen(env: Env) -> None:
    # An mtime-keyed cache would miss this; the listing is compared instead.
    prof = profile.Profile()
    first = Decisions("k")
    _walk(env, prof, first)
    api = env.home / "public_html" / "api"
    st = os.stat(api)
    (api / "new.php").write_text("<?php echo 1;\n")
    os.utime(api, ns=(st.st_atime_ns, st.st_mtime_ns))
    _, rematched = _twice(env, prof, first)
    assert rematched == {"home/public_html/api"}
    assert any(p[0] == "home/public_html/api/new.php"
               for p in _walk(env, prof, Decisions("k", first.new)))


def test_removed_renamed_retyped_and_relinked_entries_are_seen(env: Env) -> None:
    prof = profile.Profile()
    rec = Decisions("k")
    _walk(env, prof, rec)
    api = env.home / "public_html" / "api"
    (api / "login.php").unlink()
    rec, n = _twice(env, prof, rec)
    assert n == {"home/public_html/api"}
    (api / "config.php").rename(api / "settings.php")
    rec, n = _twice(env, prof, rec)
    assert n == {"home/public_html/api"}
    (api / "settings.php").unlink()
    (api / "settings.php").mkdir()  # a file became a directory of the same name
    rec, n = _twice(env, prof, rec)
    assert n == {"home/public_html/api", "home/public_html/api/settings.php"}
    link = next(p for p in env.home.rglob("*") if p.is_symlink())
    target = os.readlink(link)
    link.unlink()
    link.symlink_to("https://admin:Hunter2-Secret@db.example.net/x")  # a target with a secret
    rec, n = _twice(env, prof, rec)
    assert n == {"home/" + str(link.parent.relative_to(env.home))}
    assert any(p[0] == "skipped" and p[1] == str(link) for p in _walk(env, prof, None))
    link.unlink()
    link.symlink_to(target)
    _twice(env, prof, rec)


def test_a_name_holding_personal_data_is_skipped_from_the_record_too(env: Env) -> None:
    prof = profile.Profile()
    rec = Decisions("k")
    _walk(env, prof, rec)
    (env.home / "public_html" / "api" / "anna.miller@acme-telecom.net.php").write_text("x")
    rec, _ = _twice(env, prof, rec)
    walked = _walk(env, prof, Decisions("k", rec.new))
    assert any(p[0] == "skipped" and "personal data" in p[2] for p in walked)


def test_the_snapshot_keeps_them_under_a_key_of_profile_and_store(env: Env) -> None:
    _take(env)
    doc = json.loads((env.repo / CACHE_NAME).read_bytes())
    assert doc["dirs"] and profile.Profile().digest in doc["dirs_key"].split("\0")
    # Another profile (an exclude more) is another key: nothing recorded is used.
    base = profile.Profile()
    prof = dataclasses.replace(base, excludes={
        **base.excludes, "home": (*base.excludes["home"], "public_html/docs/")})
    store = Store.open(env.repo)
    try:
        from flexgit.snapshot import StatCache, cache_key, collect, known_for
        from flexgit.snapshot.install import Installation

        inst = Installation(env.home, env.root)
        sweep = known_for(inst, prof).sweep
        cache = StatCache(env.repo, cache_key(prof, sweep))
        c = collect(store, inst, prof, cache, None, known=sweep)
        assert cache.decisions is not None
        assert len(cache.decisions.rematched) == len(cache.decisions.new)
        assert not any(p.startswith("home/public_html/docs/") for p in c.files)
    finally:
        store.close()


def test_snapshots_see_a_new_file_in_a_put_back_directory_and_a_chmod(env: Env) -> None:
    first = _take(env)
    api = env.home / "public_html" / "api"
    st = os.stat(api)
    (api / "new.php").write_text("<?php echo 2;\n")
    os.utime(api, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = _take(env)
    assert second.id is not None and second.parent == first.id
    assert "home/public_html/api/new.php" in env.store().read_tree(second.id)
    os.chmod(api / "new.php", 0o600)
    third = _take(env)
    assert third.id is not None
    assert _take(env).id is None  # and then nothing changed


def _age(env: Env) -> None:
    """Every file old enough to be cached ("racy" files never are)."""
    for p in list(env.home.rglob("*")) + list(env.root.rglob("*")):
        if not p.is_symlink():
            os.utime(p, (1_600_000_000, 1_600_000_000))


def test_a_changed_sweep_source_reaches_a_file_the_caches_answered_for(env: Env) -> None:
    # users/ records are never walked (user data), but what they hold is swept
    # from every file: a value learnt there must reach an unchanged file.
    value = "TangerineVaultHarbor2031"
    notes = env.home / "FUTURE_ENHANCEMENTS.md"
    notes.write_text(notes.read_text() + f"\n- Codename of the next portal theme: {value}.\n")
    _age(env)
    first = _take(env)
    assert value.encode() in env.store().read_blob(
        env.store().read_tree(first.id or "")["home/FUTURE_ENHANCEMENTS.md"].sha)
    rec = env.home / "users" / "2001.json"
    doc = json.loads(rec.read_text())
    doc["session_token"] = value
    rec.write_text(json.dumps(doc))
    _age(env)
    second = _take(env)
    assert second.id is not None
    blob = env.store().read_blob(
        env.store().read_tree(second.id)["home/FUTURE_ENHANCEMENTS.md"].sha)
    assert value.encode() not in blob


def test_a_file_changed_just_after_its_snapshot_is_read_again(env: Env) -> None:
    # Racy git: a file written within the cache's timestamp tick may change
    # again without its stat changing, so it is never answered from the cache.
    _age(env)
    _take(env)
    target = env.home / "public_html" / "api" / "login.php"
    target.write_text(target.read_text().replace("installer", "installor"))
    second = _take(env)
    assert second.id is not None
    st = os.stat(target)
    target.write_text(target.read_text().replace("installor", "installer"))
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    third = _take(env)
    assert third.id is not None and third.changed == 1
