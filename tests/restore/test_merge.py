from __future__ import annotations

import json

from flexgit.restore.merge import keep_live_values, merge_json


def test_secrets_follow_their_section_when_sections_move() -> None:
    src = (b"[2001](auth)\ntype=auth\nusername=2001\npassword=FLEXGIT-REDACTED\n"
           b"[2002](auth)\ntype=auth\nusername=2002\npassword=FLEXGIT-REDACTED\n")
    live = (b"[2000](auth)\ntype=auth\nusername=2000\npassword=Sip-2000-NEW\n"
            b"[2001](auth)\ntype=auth\nusername=2001\npassword=Sip-2001\n"
            b"[2002](auth)\ntype=auth\nusername=2002\npassword=Sip-2002\n")
    san = live
    for s in (b"Sip-2000-NEW", b"Sip-2001", b"Sip-2002"):
        san = san.replace(s, b"FLEXGIT-REDACTED")
    out, missing = keep_live_values(src, live, san)
    assert missing == 0
    assert out == src.replace(b"FLEXGIT-REDACTED", b"Sip-2001", 1).replace(
        b"FLEXGIT-REDACTED", b"Sip-2002", 1)


def test_placeholder_without_a_live_twin_is_counted() -> None:
    src = b"[9]\npassword=FLEXGIT-REDACTED\n"
    out, missing = keep_live_values(src, b"[1]\nx=1\n", b"[1]\nx=1\n")
    assert missing == 1 and out == src


def test_changed_lists_merge_as_one_value() -> None:
    base = json.dumps({"nets": ["a", "b", "c", "d"], "tz": "UTC"}).encode()
    src = json.dumps({"nets": ["a"], "tz": "UTC"}).encode()
    live = json.dumps({"nets": ["a", "b", "c", "d"], "tz": "Europe/Berlin"}).encode()
    r = merge_json(base, src, live, live)
    assert r is not None
    assert json.loads(r.data) == {"nets": ["a"], "tz": "Europe/Berlin"}
    # Live changed the list too: live wins and the path is listed.
    live2 = json.dumps({"nets": ["a", "x"], "tz": "UTC"}).encode()
    r = merge_json(base, src, live2, live2)
    assert r is not None and json.loads(r.data)["nets"] == ["a", "x"]
    assert r.conflicts == ["root['nets']"]


def test_placeholders_inside_a_list_never_replace_live_values() -> None:
    base = json.dumps({"tokens": ["FLEXGIT-REDACTED"]}).encode()
    src = json.dumps({"tokens": ["FLEXGIT-REDACTED", "FLEXGIT-REDACTED"]}).encode()
    live = json.dumps({"tokens": ["real-token-1"]}).encode()
    live_s = json.dumps({"tokens": ["FLEXGIT-REDACTED"]}).encode()
    r = merge_json(base, src, live, live_s)
    assert r is not None and json.loads(r.data) == {"tokens": ["real-token-1"]}
