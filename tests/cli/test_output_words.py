"""Output people read (issue 14, point 7), through the installed console
script: typo suggestions, diff --json with key-level changes, an aligned
--stat, and wording that counts right."""

from __future__ import annotations

import json
import re

from tests.conftest import Env


def test_typos_json_diff_and_stat_through_the_console_script(env: Env) -> None:
    r = env.console("snapshto")
    assert r.returncode == 2 and "Did you mean 'snapshot'?" in r.stderr
    assert env.console("snapshot", "-m", "first").returncode == 0
    cfg = env.home / "flexpbx-config.json"
    doc = json.loads(cfg.read_text())
    doc["flexgit_words"] = {"port": 5060}
    cfg.write_text(json.dumps(doc, indent=2))
    conf = env.root / "etc/asterisk/extensions.conf"
    conf.write_text(conf.read_text() + "exten => 9999,1,Hangup()\n")
    assert env.console("snapshot", "-m", "second").returncode == 0
    r = env.console("diff", "latest~1", "latest", "--json")
    changes = {c["path"]: c for c in json.loads(r.stdout)["changes"]}
    assert {"op": "added", "key": "root['flexgit_words']", "old": None,
            "new": {"port": 5060}} in changes["home/flexpbx-config.json"]["keys"]
    dial = changes["system/etc/asterisk/extensions.conf"]
    assert (dial["added"], dial["removed"]) == (1, 0)
    assert "+exten => 9999,1,Hangup()" in dial["unified"]
    lines = env.console("diff", "latest~1", "latest", "--stat").stdout.splitlines()
    assert len({line.index("|") for line in lines[:-1]}) == 1
    assert re.fullmatch(r" 2 files changed, \d+ insertions?\(\+\), \d+ deletions?\(-\)",
                        lines[-1]), lines[-1]
