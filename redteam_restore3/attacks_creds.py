"""Class 2: a merge or migrate costs a live credential or another account."""
from __future__ import annotations

import base64
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from lib import OTHER, USER, Env, short, verdict

ATTACKS = {}


def attack(fn):
    ATTACKS[fn.__name__] = fn
    return fn


PJ = "etc/asterisk/pjsip.conf"
CFG = "public_html/api/config.php"
JS = "flexpbx-config.json"


def _text(e: Env, path: str) -> str:
    return base64.b64decode(e.entry(path)["content"]).decode()


def _keep(name: str, path: str, edit: Callable[[str], str], secrets: list[str],
          mode: str = "merge", root: str | None = None, opts: tuple[str, ...] = ()) -> bool:
    e = Env(name)
    ent = e.entry(path)
    new = edit(_text(e, path))
    e.put(path, new, root=ent.get("root"), mode=ent.get("mode", "0640"),
          owner=ent.get("owner"), group=ent.get("group"))
    r = e.restore(*opts, mode=mode)
    base = e.root if ent.get("root") == "system" else e.home
    after = (base / path).read_text(errors="replace")
    lost = [s for s in secrets if s not in after]
    return verdict(name, bool(lost) and r.returncode in (0, 3),
                   f"live secrets lost from {path}: {lost}; {short(r)}")


TRUNK = "Trunk-Reg-Pw-77Qx"
TLS = "TlsKey-Pass-8810"


@attack
def c01_merge_edit_nonsecret():
    return _keep("c01_merge_edit_nonsecret", PJ,
                 lambda t: t.replace("user_agent=FlexPBX 1.0", "user_agent=FlexPBX 2.0"),
                 [TRUNK, TLS])


@attack
def c02_attacker_value_same_key():
    # the backup names its own trunk password: the live secret is gone, the
    # writer of the file knows the new one
    return _keep("c02_attacker_value_same_key", PJ,
                 lambda t: t.replace("username=4155550100\npassword=FLEXGIT-REDACTED",
                                     "username=4155550100\npassword=Known-To-Attacker-1"),
                 [TRUNK])


@attack
def c03_key_case_and_arrow():
    return _keep("c03_key_case_and_arrow", PJ,
                 lambda t: t.replace("username=4155550100\npassword=FLEXGIT-REDACTED",
                                     "username=4155550100\nPassword => FLEXGIT-REDACTED"),
                 [TRUNK])


@attack
def c04_section_renamed_plus():
    return _keep("c04_section_renamed_plus", PJ,
                 lambda t: t.replace("[acme-trunk-auth]", "[acme-trunk-auth](!)\n\n"
                                     "[acme-trunk-auth](acme-trunk-auth)"), [TRUNK])


@attack
def c05_dup_section_first_attacker():
    return _keep("c05_dup_section_first_attacker", PJ,
                 lambda t: t.replace("[acme-trunk-auth]", "[acme-trunk-auth]\ntype=auth\n"
                                     "password=Attacker-Pw-9\n\n[acme-trunk-auth]", 1),
                 [TRUNK])


@attack
def c06_line_deleted():
    # the backup drops the password line; merge should keep the live one
    return _keep("c06_line_deleted", PJ,
                 lambda t: t.replace("username=4155550100\npassword=FLEXGIT-REDACTED\n",
                                     "username=4155550100\n"), [TRUNK])


@attack
def c07_spaces_tabs_comment():
    return _keep("c07_spaces_tabs_comment", PJ,
                 lambda t: t.replace("username=4155550100\npassword=FLEXGIT-REDACTED",
                                     "username=4155550100\n\tpassword\t=\tFLEXGIT-REDACTED ;x"),
                 [TRUNK])


@attack
def c08_php_rebound():
    return _keep("c08_php_rebound", CFG,
                 lambda t: t.replace("'db_password' => 'FLEXGIT-REDACTED'",
                                     "\"db_password\"=>\"FLEXGIT-REDACTED\""),
                 ["Fx-Db-Pass-2025-Kw8", "Smtp-Pass-4471-Jd", "Jwt-Sign-Secret-8f3a9c2e71"])


@attack
def c09_php_attacker_value():
    return _keep("c09_php_attacker_value", CFG,
                 lambda t: t.replace('$secret = "FLEXGIT-REDACTED";',
                                     '$secret = "attacker-knows-this-secret";'),
                 ["Jwt-Sign-Secret-8f3a9c2e71"])


@attack
def c10_json_dup_key_content():
    # PHP's json_decode keeps the last of two equal keys
    def edit(t: str) -> str:
        return t.replace('"ami_secret": "FLEXGIT-REDACTED"',
                         '"ami_secret": "FLEXGIT-REDACTED", "ami_secret": "attacker-ami-1"')
    e = Env("c10_tmp")
    live = (e.home / JS).read_text()
    m = re.search(r'"ami_secret":\s*"([^"]+)"', live)
    return _keep("c10_json_dup_key_content", JS, edit, [m.group(1)] if m else [])


@attack
def c11_json_key_moved():
    e = Env("c11_tmp")
    live = (e.home / JS).read_text()
    m = re.search(r'"ami_secret":\s*"([^"]+)"', live)
    return _keep("c11_json_key_moved", JS,
                 lambda t: t.replace('"ami_secret": "FLEXGIT-REDACTED"',
                                     '"ami_secret": {"value": "FLEXGIT-REDACTED"}'),
                 [m.group(1)] if m else [])


@attack
def c12_register_line_rewritten():
    e = Env("c12_tmp")
    live = (e.root / "etc/asterisk/iax.conf").read_text()
    m = re.search(r"register => acmeiax:([^@]+)@", live)
    return _keep("c12_register_line_rewritten", "etc/asterisk/iax.conf",
                 lambda t: t.replace("register => acmeiax:FLEXGIT-REDACTED@iax.acme-voip.net",
                                     "register=acmeiax:FLEXGIT-REDACTED@iax.acme-voip.net:4569"),
                 [m.group(1)] if m else [])


@attack
def c13_voicemail_pin_reordered():
    e = Env("c13_tmp")
    live = (e.root / "etc/asterisk/voicemail.conf").read_text()
    pins = re.findall(r"^(200\d) => (\d+),", live, re.M)
    return _keep("c13_voicemail_pin_reordered", "etc/asterisk/voicemail.conf",
                 lambda t: t.replace("2001 => FLEXGIT-REDACTED", "2001=>FLEXGIT-REDACTED"),
                 [p for _, p in pins])


@attack
def c14_migrate_keeps_system_secrets():
    return _keep("c14_migrate_keeps_system_secrets", PJ,
                 lambda t: t.replace("user_agent=FlexPBX 1.0", "user_agent=FlexPBX 2.0"),
                 [TRUNK, TLS], mode="migrate", opts=("-u", USER))


def _second_account(e: Env, user: str) -> Path:
    h = e.dir / "home" / user
    h.mkdir(parents=True, exist_ok=True)
    subprocess.run(["chown", f"{user}:{user}", str(h)], check=True)
    return h


@attack
def c15_migrate_beside_other_account():
    """Migrate rr3a's backup into rr3b on the same system root: rr3a's sudoers
    rules and its Asterisk secrets must stay."""
    e = Env("c15_migrate_beside_other_account")
    hb = _second_account(e, OTHER)
    sud = e.root / "etc/sudoers.d/flexpbx-asterisk"
    before = sud.read_text()
    e.home_a = e.home
    e.home = hb
    r = e.restore("-u", OTHER, "-s", USER, mode="migrate")
    after = sud.read_text() if sud.exists() else ""
    pj = (e.root / PJ).read_text()
    problems = []
    if "rr3a ALL=" not in after and "rr3a" in before:
        problems.append("rr3a's sudoers rule gone")
    for s in (TRUNK, TLS):
        if s not in pj:
            problems.append(f"{s} lost")
    others = sorted(p.name for p in (e.root / "etc/sudoers.d").iterdir())
    return verdict("c15_migrate_beside_other_account", bool(problems) and r.returncode in (0, 3),
                   f"{problems}; sudoers.d={others}; {short(r)}")


@attack
def c16_undo_other_installation():
    """Restore into rr3b's installation, then rr3a's installation changes a
    shared file, then rr3b undoes: rr3a's change must stay."""
    e = Env("c16_undo_other_installation")
    hb = _second_account(e, OTHER)
    ha = e.home
    e.home = hb
    e.repo = hb / "backup/flexgit.git"
    r1 = e.restore("-u", OTHER, "-s", USER, mode="migrate")
    # the other installation edits a file it owns in the shared root afterwards
    f = e.root / "etc/asterisk/queues.conf"
    f.write_text(f.read_text() + "; rr3a change after the restore\n")
    home_file = ha / "public_html/portal/css/portal.css"
    home_file.write_text("/* rr3a's own edit */\n")
    r2 = e.flexgit("-y", "undo")
    problems = []
    if "rr3a change after" not in f.read_text():
        problems.append("queues.conf change of the other installation undone")
    if "rr3a's own edit" not in home_file.read_text():
        problems.append("rr3a home file changed by rr3b's undo")
    return verdict("c16_undo_other_installation", bool(problems),
                   f"{problems}; restore {short(r1)}; undo {short(r2)}")


@attack
def c17_undo_home_flag_swap():
    """Undo with another installation's home: it must not replay this one's save there."""
    e = Env("c17_undo_home_flag_swap")
    e.put("public_html/portal/css/portal.css", "/* from backup */\n")
    r1 = e.restore()
    hb = _second_account(e, OTHER)
    subprocess.run(["cp", "-a", str(e.home) + "/.", str(hb)], check=True)
    subprocess.run(["chown", "-R", f"{OTHER}:{OTHER}", str(hb)], check=True)
    (hb / "public_html/portal/css/portal.css").write_text("/* rr3b keeps this */\n")
    ha = e.home
    e.home = hb
    r2 = e.flexgit("-y", "undo")  # --repo still names rr3a's store
    kept = "rr3b keeps this" in (hb / "public_html/portal/css/portal.css").read_text()
    return verdict("c17_undo_home_flag_swap", not kept,
                   f"rr3b file kept: {kept}; {short(r1)}; undo {short(r2)}; home a={ha.name}")


@attack
def c18_json_key_case():
    e = Env("c18_tmp")
    live = (e.home / JS).read_text()
    m = re.search(r'"ami_secret":\s*"([^"]+)"', live)
    return _keep("c18_json_key_case", JS,
                 lambda t: t.replace('"ami_secret": "FLEXGIT-REDACTED"',
                                     '"AMI_SECRET": "FLEXGIT-REDACTED"'), [m.group(1)] if m else [])


@attack
def c19_php_heredoc():
    return _keep("c19_php_heredoc", CFG,
                 lambda t: t.replace('$secret = "FLEXGIT-REDACTED";',
                                     "$secret = <<<EOT\nFLEXGIT-REDACTED\nEOT;"),
                 ["Jwt-Sign-Secret-8f3a9c2e71"])


@attack
def c20_pjsip_auth_moved_to_template():
    return _keep("c20_pjsip_auth_moved_to_template", PJ,
                 lambda t: t.replace("[acme-trunk-auth]\ntype=auth\nauth_type=userpass\n"
                                     "username=4155550100\npassword=FLEXGIT-REDACTED",
                                     "[auth-tpl](!)\npassword=FLEXGIT-REDACTED\n\n"
                                     "[acme-trunk-auth](auth-tpl)\ntype=auth\nauth_type=userpass\n"
                                     "username=4155550100"), [TRUNK])


@attack
def c21_c10_check_attacker_last_key():
    """c10 again, judged as PHP reads it: the last of two equal keys wins."""
    import json as _j
    e = Env("c21_c10_check_attacker_last_key")
    live = (e.home / JS).read_text()
    m = re.search(r'"ami_secret":\s*"([^"]+)"', live)
    t = _text(e, JS).replace('"ami_secret": "FLEXGIT-REDACTED"',
                             '"ami_secret": "FLEXGIT-REDACTED", "ami_secret": "attacker-ami-1"')
    e.put(JS, t, mode="0640", owner=USER, group=USER)
    r = e.restore()
    after = (e.home / JS).read_text()
    eff = None
    try:
        def last(pairs):
            return dict(pairs)
        d = _j.loads(after, object_pairs_hook=last)
        stack = [d]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                if "ami_secret" in x:
                    eff = x["ami_secret"]
                stack += list(x.values())
    except ValueError:
        pass
    bad = m is not None and eff is not None and eff != m.group(1)
    return verdict("c21_c10_check_attacker_last_key", bad,
                   f"ami_secret as PHP reads it: {eff!r} (live {m.group(1) if m else None!r}); "
                   f"{short(r)}")
