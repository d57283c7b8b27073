"""Structured data: secrets and people in the places a format gives them, not
after a label. SQL rows (column lists, a CREATE TABLE in the same dump, no
columns at all, multi-row VALUES, COPY ... FROM stdin, UPDATE ... SET), JSON by
position and by parent (credential tuples, a secret-ish parent over neutral
keys, split first/last names, base64 user:pass), TOML multi-line strings,
abbreviated key words (pw, auth, creds), Asterisk channel strings and the
display names of phone provisioning files. Classes `personal`, `label`,
`vendor` and `asterisk`."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

H = "home/public_html/"
E = "system/etc/asterisk/"
DUMP = "home/schema/flexpbx_full.sql"
SEED = H + "install/seed_contacts.sql"
PROV = H + "provisioning/"

SQL: list[tuple[str, str, str, str]] = [
    ("personal", "sql-schema-row", DUMP,
     "CREATE TABLE `directory` (\n  `id` int NOT NULL AUTO_INCREMENT,\n"
     "  `full_name` varchar(128) DEFAULT NULL,\n  `cell` varchar(32),\n"
     "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
     "INSERT INTO `directory` VALUES (1,'«name»','«natphone»');"),
    ("personal", "sql-multirow-columns", DUMP,
     "INSERT INTO contacts (id, first_name, last_name, mobile) VALUES\n"
     "  (1, '«given»', '«family»', '«natphone»'),\n"
     "  (2, '«given_2»', '«family_2»', «natphone_2»);"),
    ("personal", "sql-no-columns", SEED,
     "INSERT INTO people VALUES (7, 'x7', '«name»', '«natphone»', NOW());"),
    ("personal", "sql-copy-block", DUMP,
     "COPY public.staff (id, display_name, phone) FROM stdin;\n1\t«name»\t«natphone»\n"
     "2\t«name_2»\t«natphone_2»\n\\."),
    ("personal", "sql-update-set", SEED,
     "UPDATE users SET full_name = '«name»', mobile = '«natphone»' WHERE id = 3;"),
    ("personal", "sql-insert-set", SEED,
     "INSERT INTO contacts SET display_name = '«name»', phone = '«natphone»', ext = 2005;"),
    ("label", "sql-update-md5", SEED,
     "UPDATE admins SET password = MD5('«pw»') WHERE username = 'admin';"),
    ("label", "sql-schema-secret", DUMP,
     "CREATE TABLE trunks (name varchar(40), host varchar(80), secret varchar(80));\n"
     "INSERT INTO trunks VALUES ('voipms', 'montreal.voip.ms', '«pw»');"),
]

# Lines a new SQL rule could over-redact: extension numbers, names of trunks
# and queues, timestamps, usernames.
SQL_KEEPS: list[tuple[str, str]] = [
    ("sql-ext-row", "INSERT INTO extensions (extension, name, context) VALUES "
     "('2001', 'Reception', 'from-internal');"),
    ("sql-queue-row", "INSERT INTO queues VALUES ('sales', 'ringall', 30, 2024031412);"),
    ("sql-user-row", "INSERT INTO sip_users (username, context) VALUES ('2002', 'internal');"),
    ("sql-copy-cdr", "COPY cdr (src, dst, duration) FROM stdin;\n2001\t2002\t35\n\\."),
]

JSON: list[tuple[str, str, str, tuple[str, ...], object]] = [
    ("label", "json-positional-trunk", H + "config/providers.json", (),
     {"trunks": [["sip.voipprovider.net", "trunk7781", "«pw»"]]}),
    ("label", "json-positional-db", H + "config/providers.json", (),
     {"databases": [["db.internal", 3306, "flexpbx", "«pw»"]]}),
    ("label", "json-keys-parent", "home/templates/settings_template.json", ("api",),
     {"keys": {"primary": "«token»", "secondary": "«token_2»"}}),
    ("label", "json-vapid-parent", H + "config/push.json", ("push",),
     {"vapid": {"subject": "mailto:admin@example.com", "private": "«token»"}}),
    ("label", "json-credentials-parent", H + "config/integrations.json", ("crm",),
     {"credentials": {"client": "flexpbx-crm", "value": "«pw»"}}),
    ("personal", "json-split-name", "home/flexpbx-config.json", ("contact",),
     {"first": "«given»", "last": "«family»"}),
    ("personal", "json-split-name-owner", H + "config/company.json", ("owner",),
     {"given": "«given»", "family": "«family»", "role": "Director"}),
    ("vendor", "basic-blob-neutral", H + "config/integrations.json", ("webhook",),
     {"header_value": "«basic»"}),
]

TEXT: list[tuple[str, str, str, str]] = [
    ("label", "toml-multiline-literal", H + "config/app.toml",
     "[smtp]\nhost = \"smtp.office365.com\"\npassword = '''«pw»'''"),
    ("label", "toml-multiline-basic", H + "config/app.toml",
     '[sip]\nsecret = """\n«pw»"""'),
    ("label", "toml-key-ring", H + "config/app.toml", '[api.keys]\nprimary = "«token»"'),
    ("label", "yaml-key-ring", "home/deploy/push.yml",
     "push:\n  vapid:\n    subject: mailto:admin@example.com\n    private: «token»"),
    ("personal", "yaml-split-name", "home/deploy/site.yml",
     "owner:\n  first: «given»\n  last: «family»\n  since: 2021"),
    ("label", "ini-bind-pw", H + "config/ldap.ini", "[ldap]\nbind_dn = cn=pbx,dc=corp\n"
     "bind_pw = «pw»"),
    ("label", "user-ini-default-pw", H + ".user.ini", "mysqli.default_pw = «pw»"),
    ("label", "env-auth-abbrev", H + ".env", "TWILIO_AUTH=«hex32»"),
    ("label", "env-creds-abbrev", H + ".env", 'SMTP_CREDS="mailer:«pw»"'),
    ("label", "ini-pwd-word", H + "config/ldap.ini", "[backup]\nftp.pw = «pw»"),
    ("asterisk", "queues-local-mobile", E + "queues.conf",
     "[support]\nmember => Local/«natphone»@from-internal/n,0,Mobile"),
    ("asterisk", "queues-pjsip-e164", E + "queues.conf",
     "[escalation]\nmember => PJSIP/«e164»@voipms,0,Night"),
    ("asterisk", "agents-local-number", E + "extensions.conf",
     "[flexpbx-oncall]\nexten => 7000,1,Dial(Local/«natphone»@from-internal/n,30)"),
    ("personal", "minivm-fromaddress", E + "minivm.conf",
     "[general]\nfromaddress=«name»\nfromemail=«email»"),
    ("personal", "yealink-label", PROV + "001565a1b2c3.cfg",
     "#!version:1.0.0.1\naccount.1.label = «name»\naccount.1.display_name = «name»"),
    ("personal", "grandstream-p3", PROV + "cfg000b82a1b2c3.xml",
     "<gs_provision version=\"1\">\n<config version=\"1\">\n<P3>«name»</P3>\n"
     "<P270>«name»</P270>\n</config>\n</gs_provision>"),
    ("personal", "polycom-label", PROV + "0004f2a1b2c3.cfg",
     '<reg reg.1.label="«name»" reg.1.address="2004"/>'),
    ("personal", "snom-realname", PROV + "snom-000413a1b2c3.xml",
     '<settings>\n<user_realname idx="1" perm="">«name»</user_realname>\n</settings>'),
    ("personal", "cisco-display-name", PROV + "spa-001122a1b2c3.xml",
     "<flat-profile>\n<Display_Name_1_ ua=\"na\">«name»</Display_Name_1_>\n</flat-profile>"),
]

TEXT_KEEPS: list[tuple[str, str, str]] = [
    ("queues-local-ext", E + "queues.conf",
     "[reception]\nmember => Local/2001@from-internal/n,0,Front Desk\n"
     "member => PJSIP/2002,0,Reception"),
    ("pjsip-auth-refs", E + "pjsip.conf",
     "[trunk-voipms]\ntype=endpoint\noutbound_auth=trunk-voipms-auth\naors=trunk-voipms"),
    ("env-auth-modes", H + ".env.example", "MAIL_SMTP_AUTH=login\nLDAP_AUTH=true"),
    ("yealink-keeps", PROV + "001565a1b2c3.cfg",
     "account.1.auth_name = 2003\naccount.1.user_name = 2003\naccount.2.label = 2004"),
    ("grandstream-keeps", PROV + "cfg000b82a1b2c3.xml",
     "<P35>2003</P35>\n<P47>pbx.example.com</P47>"),
]

JSON_KEEPS: list[tuple[str, str, tuple[str, ...], str, object]] = [
    ("json-public-key", H + "config/push.json", ("push", "vapid"), "public",
     "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"),
    ("json-keys-label", "home/templates/settings_template.json", ("api", "keys"), "label",
     "Primary key"),
    ("json-keys-created", "home/templates/settings_template.json", ("api", "keys"), "rotated",
     "2024-11-03T10:15:00Z"),
    ("json-contact-uri", H + "config/company.json", ("owner",), "last", "2024-11-03"),
]


def plant(b: Builder) -> None:
    for cls, idiom, path, template in SQL:
        b.put(cls, f"{cls}.{idiom}", path, template)
    for idiom, line in SQL_KEEPS:
        b.keep("keep." + idiom, DUMP, line)
    for cls, idiom, path, keys, obj in JSON:
        b.jput(cls, f"{cls}.{idiom}", path, keys, obj)
    for cls, idiom, path, template in TEXT:
        b.put(cls, f"{cls}.{idiom}", path, template)
    for idiom, path, text in TEXT_KEEPS:
        b.keep("keep." + idiom, path, text)
    for idiom, path, keys, key, value in JSON_KEEPS:
        b.jkeep("keep." + idiom, path, keys, key, value)
