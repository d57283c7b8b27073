"""The manifest and the sanitize report are written byte for byte as
json.dumps(indent=1, sort_keys=True) would write them: their blob ids are part
of every snapshot's tree id, so a faster writer must not change one byte."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from flexgit.snapshot.manifest import Manifest, Meta, report_bytes

# Names with what JSON escapes: quotes, backslashes, control characters,
# non-ASCII, the separators of the format itself.
names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12) | \
    st.sampled_from(['a"b', "a\\b", "a\nb", '\n "files": {}', "é/ü", "home/x", "\x00"])
metas = st.builds(Meta, st.integers(0, 0o1777), names, names, names)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | names,
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(names, inner, max_size=3), max_leaves=8)


def plain_manifest(m: Manifest) -> bytes:
    doc = {"format": 1, "backup_type": m.backup_type, "sensitive_data_included": m.sensitive,
           "host": m.host, "account": m.account, "home": m.home,
           "flexpbx_version": m.flexpbx_version, "profile_digest": m.profile_digest,
           "files": {p: v.as_json() for p, v in sorted(m.files.items())},
           "empty_dirs": {p: v.as_json() for p, v in sorted(m.empty_dirs.items())},
           "default_settings": m.default_settings, "templates": m.templates}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"


@settings(max_examples=300, deadline=None)
@given(files=st.dictionaries(names, metas, max_size=6),
       empty_dirs=st.dictionaries(names, metas, max_size=3),
       settings_=st.dictionaries(names, json_values, max_size=3),
       templates=st.dictionaries(names, json_values, max_size=2),
       host=names, sensitive=st.booleans())
def test_manifest_bytes_are_json_dumps_bytes(files: dict[str, Meta],
                                             empty_dirs: dict[str, Meta],
                                             settings_: dict[str, object],
                                             templates: dict[str, object], host: str,
                                             sensitive: bool) -> None:
    m = Manifest("flx", host, "flexpbx", "/home/flexpbx", "1.0", "d" * 8, files, empty_dirs,
                 settings_, templates, sensitive)
    assert m.to_bytes() == plain_manifest(m)
    assert Manifest.from_bytes(m.to_bytes(), "test").files == files


@settings(max_examples=300, deadline=None)
@given(counts=st.dictionaries(names, st.dictionaries(names, st.integers(0, 99), max_size=3),
                              max_size=6), digest=names)
def test_report_bytes_are_json_dumps_bytes(counts: dict[str, dict[str, int]],
                                           digest: str) -> None:
    doc = {"rules_digest": digest,
           "files": {p: dict(sorted(c.items())) for p, c in sorted(counts.items()) if c}}
    plain = json.dumps(doc, indent=1, sort_keys=True).encode() + b"\n"
    assert report_bytes(digest, counts) == plain
