"""Password hashes (flexgit/sanitize/hashes.py), each replaced by its own scheme's placeholder."""

from __future__ import annotations

import base64

import pytest

from flexgit.restore.merge import has_placeholder
from flexgit.sanitize import is_placeholder, sanitize
from flexgit.sanitize.placeholders import HASH_PLACEHOLDERS as H

R = "FLEXGIT-REDACTED"
LDIF = "home/ldap/users.ldif"
HTPASSWD = "home/public_html/admin/.htpasswd"
SHADOW = "home/backup/shadow.txt"
MD = "home/docs/accounts.md"
SQL = "home/db/seed.sql"
PY = "home/tools/users.py"
YAML = "home/config/users.yml"
DOVECOT = "system/etc/dovecot/users"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


SHA512 = (
    "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/"
)


@pytest.mark.parametrize(
    ("path", "before", "after", "rule"),
    [
        (LDIF, "userPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g9V0Q9",
         f"userPassword: {H['ldap_ssha']}", "hash.ldap"),
        (LDIF, "userPassword: {SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
         f"userPassword: {H['ldap_sha']}", "hash.ldap"),
        (HTPASSWD, "admin:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
         f"admin:{H['ldap_sha']}", "hash.ldap"),
        (LDIF, "userPassword: {MD5}X03MO1qnZdYdgyfeuILPmQ==", f"userPassword: {H['ldap_md5']}",
         "hash.ldap"),
        (LDIF, "userPassword: {SMD5}rV7bMdDzrTAoJUm5LyNLcxEp0s0=",
         f"userPassword: {H['ldap_smd5']}",
         "hash.ldap"),
        (LDIF, "userPassword: {SSHA512}" + "A" * 92 + "==", f"userPassword: {H['ldap_ssha512']}",
         "hash.ldap"),
        (LDIF, "userPassword: {CRYPT}abJnggxhB/yWI", f"userPassword: {{CRYPT}}{H['des_crypt']}",
         "hash.des_crypt"),
        (DOVECOT, "2001@acme.io:{PLAIN}Dov3cotPw::::::", f"user@example.com:{{PLAIN}}{R}::::::",
         "hash.ldap"),
        (DOVECOT, "ops:{CRAM-MD5}d8a2a0e7b5c4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3",
         f"ops:{{CRAM-MD5}}{H['unknown']}", "hash.ldap"),
        (HTPASSWD, "admin:abJnggxhB/yWI", f"admin:{H['des_crypt']}", "hash.des_crypt"),
        (HTPASSWD, "ops:ABCDEFGHIJKLM", f"ops:{H['des_crypt']}", "hash.des_crypt"),
        (SHADOW, "asterisk:abJnggxhB/yWI:19000:0:99999:7:::",
         f"asterisk:{H['des_crypt']}:19000:0:99999:7:::", "hash.des_crypt"),
        (MD, "    admin:abJnggxhB/yWI", f"    admin:{H['des_crypt']}", "hash.des_crypt"),
        ("home/scripts/setup.sh", "echo 'admin:abJnggxhB/yWI' >> /etc/asterisk/.htpasswd",
         f"echo 'admin:{H['des_crypt']}' >> /etc/asterisk/.htpasswd", "hash.des_crypt"),
        (PY, "h = '$pbkdf2-sha256$29000$N2bMWYuRsrZWCsF4T8nZ."
         "w$O1UJK6K6DfqJ1gVc8MZTc2ItZ/zOadeDRF.r/1GdAe8'",
         f"h = '{H['pbkdf2_sha256']}'", "hash.pbkdf2"),
        (SQL, "INSERT INTO auth_user VALUES (1,'pbkdf2_sha256$600000$X"
         "k2LpQ9$6Y3kzsNJ3y0uQWq2kO4b1BcY+2n8lqkWw4ZyqF8rBk4=');",
         f"INSERT INTO auth_user VALUES (1,'{H['django_pbkdf2_sha256']}');", "hash.pbkdf2"),
        (SQL, "('bob', 'sha1$a1976$a36cc8cbf81742a8fb52e221aaeab48ed7f58ab4'),",
         f"('bob', '{H['django_sha1']}'),", "hash.pbkdf2"),
        (YAML, "  hash: pbkdf2:sha256:600000$Zq3nLp8sV1xY2wA4$9f86d0818"
         "84c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         f"  hash: {H['werkzeug_pbkdf2']}", "hash.pbkdf2"),
        (YAML, "  hash: scrypt:32768:8:1$Zq3nLp8sV1xY2wA4$" + "9f86d0" * 21 + "ab",
         f"  hash: {H['werkzeug_scrypt']}", "hash.pbkdf2"),
        (PY, "H = '$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr"
         "1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E'",
         f"H = '{H['scrypt']}'", "hash.pbkdf2"),
        (SHADOW, "pbx:$7$CU..../....2MBPzYnqV9G4WmEfwtiRY.$rKmYfWS3vbd"
         "4Vg8mSq6B4W7Rl2pFx2lkBqT2kHnhy95:19000:0:99999:7:::",
         f"pbx:{H['scrypt7']}:19000:0:99999:7:::", "hash.pbkdf2"),
        (SQL, "('ann', 'argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdHNhbHQ$"
         "RdescudvJCsgt3ub+b+dWRWJTmaaJObG')",
         f"('ann', 'argon2{H['argon2id']}')", "hash.pbkdf2"),
        (SQL, "INSERT INTO mysql.user VALUES ('localhost','root"
         "','*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9');",
         f"INSERT INTO mysql.user VALUES ('localhost','root','{H['mysql_native']}');",
         "hash.mysql"),
        (MD, "| 2001 | ha1 | 5f4dcc3b5aa765d61d8327deb882cf99 |",
         f"| 2001 | ha1 | {H['md5_hex']} |",
         "hash.md5_hex"),
        (SQL, "UPDATE subscriber SET ha1='5f4dcc3b5aa765d61d8327deb882cf99' WHERE username='2001';",
         # ha1 is a hash key (keys.py): the key rules take it first, with the
         # same placeholder.
         f"UPDATE subscriber SET ha1='{H['md5_hex']}' WHERE username='2001';", "text.js_literal"),
        (YAML, "  ha1b: 5F4DCC3B5AA765D61D8327DEB882CF99", f"  ha1b: {H['md5_hex']}",
         "text.config_value"),
    ],
)  # fmt: skip
def test_hash(path: str, before: str, after: str, rule: str) -> None:
    out, counts = run(path, before)
    assert out == after
    assert rule in counts
    assert run(path, out) == (out, {})


def test_crypt_inside_ldap_scheme_stays_patterns() -> None:
    out, counts = run(LDIF, f"userPassword: {{CRYPT}}{SHA512}")
    assert out == f"userPassword: {{CRYPT}}{H['sha512crypt']}"
    assert counts == {"pattern.sha_crypt": 1}


def test_ldif_base64_user_password() -> None:
    encoded = base64.b64encode(b"{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g9V0Q9").decode()
    out, counts = run(LDIF, f"dn: uid=2001,ou=people\nuserPassword:: {encoded}\n")
    value = out.splitlines()[1].split(":: ")[1]
    assert base64.b64decode(value).decode() == H["ldap_ssha"]
    assert counts == {"hash.ldap": 1}
    assert run(LDIF, out) == (out, {})


def test_new_placeholders_are_known_to_restore() -> None:
    for scheme in ("ldap_ssha", "des_crypt", "pbkdf2_sha256", "django_pbkdf2_sha256",
                   "werkzeug_pbkdf2", "scrypt", "mysql_native", "md5_hex"):  # fmt: skip
        assert is_placeholder(H[scheme])
        assert has_placeholder(f"x = {H[scheme]}")


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (MD, "commit 3f8a9b2c1d4e5f60718293a4b5c6d7e8f9a0b1c2"),
        (MD, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  flexgit.tar.gz"),
        (MD, "md5sum: 5f4dcc3b5aa765d61d8327deb882cf99  asterisk-20.tar.gz"),
        (MD, "id 123e4567-e89b-12d3-a456-426614174000"),
        (YAML, "tz:Europe/Berlin"),
        (YAML, "timezone:America/New_York"),
        (MD, "state:enabledstate"),
        (MD, "**Note:** *3F786850E387550FDAB836ED7E6DC881DE23001B* is not in a table."),
        ("home/public_html/app.js", "const tpl = `{{user}}`;"),
        (PY, "print(f'{SHA}')"),
        (MD, "Use {SSHA} hashes in slapd.conf: password-hash {SSHA}"),
    ],
)  # fmt: skip
def test_kept_byte_identical(path: str, line: str) -> None:
    out, _ = run(path, line)
    assert out == line
