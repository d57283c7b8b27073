"""Class `asterisk`, continued: credentials as dialplan application arguments
in the positions Asterisk's syntax gives them (ConfBridge's fourth argument,
CURLOPT(userpwd), AstDB puts from the dialplan and from the CLI), secrets
left in the comment after a value, and made-up keys whose values are keys
by their shape (`sessionkey=<40 hex>`).

Lines marked with KEEP (⊙) are the functional lines next to the secret."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

E = "system/etc/asterisk/"
EXT = E + "extensions.conf"
CUSTOM = E + "extensions_custom.conf"
B = "system/usr/local/bin/"

ROWS: list[tuple[str, str, str]] = [
    ("confbridge-menu-pin", EXT, "[conferences]\n"
     "exten => 8800,1,ConfBridge(8800,default_bridge,default_user,«pin»)"),
    ("confbridge-menu-pin-custom", CUSTOM, "exten => _88XX,1,ConfBridge(${EXTEN},,,«pin»)"),
    ("confbridge-func-admin-pin", CUSTOM,
     "exten => 8801,1,Set(CONFBRIDGE(user,admin_pin)=«pin»)\n⊙same => n,ConfBridge(8801)"),
    ("curlopt-userpwd", EXT, "exten => 7002,1,Set(CURLOPT(userpwd)=api:«pws»)\n"
     "⊙same => n,Set(res=${CURL(https://api.flexpbx.net/notify)})"),
    ("curlopt-proxyuserpwd", CUSTOM, "exten => 7003,1,Set(CURLOPT(proxyuserpwd)=proxy:«pws»)"),
    ("curlopt-userpwd-spaces", CUSTOM, "exten => 7004,1,Set( CURLOPT(userpwd) = crm:«pws» )"),
    ("astdb-set-secrets", EXT, "exten => 7010,1,Set(DB(SECRETS/trunk)=«pws»)"),
    ("astdb-system-put", EXT,
     'exten => 7011,1,System(asterisk -rx "database put SECRETS trunk «pws»")'),
    ("astdb-cli-put", B + "flexpbx-provision",
     'asterisk -rx "database put SECRETS trunk «pws»"'),
    ("astdb-cli-put-key", B + "flexpbx-provision",
     "/usr/sbin/asterisk -rx 'database put AMPUSER/2001 password «pin»'"),
    ("astdb-cli-put-quoted", "home/public_html/docs/ASTDB.md",
     'Run `asterisk -rx "database put api token «token»"` once.'),
    ("system-curl-user", CUSTOM,
     "exten => 7012,1,System(curl -s -u crm:«pws» https://crm.local/hook)"),
    ("meetme-pin-pipes", CUSTOM, "exten => 8601,1,MeetMe(8601|pM|«pin»)"),
    ("authenticate-aelish", CUSTOM, "exten => *96,1,Authenticate(«pin»,,6)"),
    # a secret left in the comment after the value that replaced it
    ("comment-old-secret", E + "sip.conf", "[2110]\n⊙type=friend\n"
     "secret    =    «pw»   ; old one was «pw_2»"),
    ("comment-reset-pin", E + "pjsip.conf", "[2111-auth]\n⊙type=auth\n⊙username=2111\n"
     "password = «pw» ; set «pin» for reset"),
    ("comment-previous-pin", E + "voicemail.conf", "[default]\n"
     "2112 => «pin»,,,,attach=yes ; was «pin_2» until May"),
    ("comment-after-placeholder", E + "manager.conf",
     "[reporting]\nsecret=FLEXGIT-REDACTED ; real one: «pws»\n⊙read=cdr"),
    # made-up key names whose values are keys by their shape
    ("sessionkey-hex", E + "http.conf", "[general]\nsessionkey=«hex40»"),
    ("authkey-b64", E + "ari.conf", "[general]\n⊙enabled=yes\nauthkey = «b64key»"),
    ("cookiesecret-token", E + "http.conf", "cookiesecret=«token»"),
    ("apitoken-globals", EXT, "[globals]\nCRMAPITOKEN=«token»"),
]

KEEPS: list[tuple[str, str, str]] = [
    ("confbridge-menu", EXT,
     "exten => 8802,1,ConfBridge(8802,default_bridge,default_user,sample_user_menu)"),
    ("confbridge-exten", EXT, "exten => _88XX,1,ConfBridge(${EXTEN})"),
    ("curlopt-timeout", EXT, "exten => 7005,1,Set(CURLOPT(httptimeout)=10)"),
    ("curlopt-vars", EXT, "exten => 7006,1,Set(CURLOPT(userpwd)=${CRM_USER}:${CRM_PASS})"),
    ("astdb-dnd", B + "flexpbx-provision", 'asterisk -rx "database put DND 2001 YES"'),
    ("astdb-cf-var", EXT, "exten => 7013,1,Set(DB(CF/${EXTEN})=${ARG1})"),
    ("comment-default-port", E + "http.conf", "bindport=8088 ; default 8088"),
    ("iax-keys", E + "iax.conf", "[branch-rsa]\ninkeys=freeworlddialup:branchkey\noutkey=pbx1"),
    ("tls-key-path", E + "http.conf", "tlsprivatekey=/etc/asterisk/keys/asterisk.key"),
    ("entityid", E + "asterisk.conf", "[options]\nentityid=00:11:22:33:44:55"),
]


def plant(b: Builder) -> None:
    for idiom, path, template in ROWS:
        b.put("asterisk", "asterisk." + idiom, path, template)
    for idiom, path, text in KEEPS:
        b.keep("keep." + idiom, path, text)
