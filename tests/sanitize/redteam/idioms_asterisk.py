"""Class `asterisk`: secrets in every Asterisk configuration family (pjsip,
pjsip_wizard, sip, iax, manager, voicemail, users, ari, res_odbc and the other
database back ends, confbridge, meetme, musiconhold, xmpp), in files reached by
`#include`/`#tryinclude` and `.inc` files, and as arguments of dialplan
applications (Authenticate, DISA, VoiceMailMain, conference PINs, Dial
strings with credentials, MYSQL), in .conf, AEL and Lua dialplans.

Lines marked with KEEP (⊙) are the functional lines next to the secret: the
section references, usernames, paths and patterns that must stay."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

E = "system/etc/asterisk/"
PJSIP = E + "pjsip.conf"
SIP = E + "sip.conf"
EXT = E + "extensions.conf"
CUSTOM = E + "extensions_custom.conf"

ROWS: list[tuple[str, str, str]] = [
    ("pjsip-auth-userpass", PJSIP, "[2001]\n⊙type=endpoint\n⊙context=from-internal\n"
     "⊙auth=2001-auth\n⊙aors=2001\n\n[2001-auth]\n⊙type=auth\n⊙auth_type=userpass\n"
     "⊙username=2001\npassword=«pw»\n\n[2001]\n⊙type=aor\n⊙max_contacts=2"),
    ("pjsip-trunk-outbound-auth", PJSIP, "[voipms]\n⊙type=endpoint\n⊙transport=transport-udp\n"
     "⊙outbound_auth=voipms-auth\n⊙aors=voipms\n⊙from_user=123456_flexpbx\n\n[voipms-auth]\n"
     "⊙type=auth\n⊙auth_type=userpass\n⊙username=123456_flexpbx\npassword=«pw»"),
    ("pjsip-spaces", PJSIP, "[2070-auth]\ntype = auth\nusername = 2070\npassword = «pw»"),
    ("pjsip-template", PJSIP, "[auth-template](!)\n⊙type=auth\n⊙auth_type=userpass\n"
     "password=«pw»\n\n[2060-auth](auth-template)\n⊙username=2060"),
    ("pjsip-arrow", PJSIP, "[2075-auth]\ntype => auth\nusername => 2075\npassword => «pw»"),
    ("pjsip-inline-comment", PJSIP, "[2076-auth]\ntype=auth\nusername=2076\n"
     "password=«pw» ; reset by Jo"),
    ("pjsip-include", E + "pjsip_custom.conf", "[2050-auth]\ntype=auth\nusername=2050\n"
     "password=«pw»"),
    ("pjsip-tryinclude-dir", E + "flexpbx/pjsip_trunks.conf",
     "[flowroute-auth]\ntype=auth\n⊙username=flexpbx_fr\npassword=«pw»"),
    ("inc-file", E + "flexpbx/trunks.inc", "[trunk-backup-auth]\ntype=auth\nusername=backup\n"
     "password=«pw»"),
    ("pjsip-wizard-outbound", E + "pjsip_wizard.conf", "[trunk-telnyx]\n⊙type=wizard\n"
     "⊙sends_auth=yes\n⊙remote_hosts=sip.telnyx.com\n⊙outbound_auth/username=flexpbx_tx\n"
     "outbound_auth/password=«pw»"),
    ("pjsip-wizard-inbound", E + "pjsip_wizard.conf", "[2300]\n⊙type=wizard\n"
     "⊙accepts_auth=yes\n⊙inbound_auth/username=2300\ninbound_auth/password=«pw»"),
    ("sip-secret", SIP, "[2101]\n⊙type=friend\nsecret=«pw»\n⊙defaultuser=2101\n⊙host=dynamic"),
    ("sip-register-colon", SIP, "[general]\nregister => 123456:«pws»@sip.provider.net/2100"),
    ("sip-register-authuser", SIP,
     "register => 5551234:«pws»:authuser99@sip2.provider.net:5060/2100"),
    ("sip-peer-auth", SIP, "[provider2]\n⊙type=peer\n⊙fromuser=5551234\n"
     "auth=flexpbx:«pws»@sip2.provider.net"),
    ("sip-peer-auth-md5", SIP, "[provider3]\ntype=peer\nauth=flexpbx#«hex32»@sip3.provider.net"),
    ("iax-secret", E + "iax.conf", "[branch-office]\n⊙type=friend\nsecret=«pw»\n"
     "⊙dbsecret=iax/branch-office\n⊙context=from-branch"),
    ("iax-register", E + "iax.conf", "[general]\nregister => pbx1:«pws»@iax.branch.internal"),
    ("manager-secret", E + "manager.conf", "[flexpbx]\nsecret = «pw»\n⊙deny=0.0.0.0/0.0.0.0\n"
     "⊙permit=127.0.0.1/255.255.255.0\n⊙read = system,call,log\n⊙write = system,call,originate"),
    ("manager-inline-comment", E + "manager.conf", "[crm]\nsecret=«pws» ; set by installer\n"
     "⊙read=call"),
    ("manager-d-include", E + "manager.d/crm-sync.conf", "[crm-sync]\nsecret=«pw»\nread=all"),
    ("vm-mailbox", E + "voicemail.conf", "[flexpbx]\n2001 => «pin»,«name»,«email»"),
    ("vm-mailbox-pager", E + "voicemail.conf",
     "2002 => «pin»,«name»,«email»,«email_2»,attach=yes|saycid=yes"),
    ("vm-no-change-pin", E + "voicemail.conf", "2003 => -«pin»,«name»"),
    ("vm-imap", E + "voicemail.conf", "[general]\nimapserver=imap.gmail.com\n"
     "imapuser=pbx.voicemail\nimappassword=«pw»"),
    ("users-conf", E + "users.conf", "[2201]\nfullname = «name»\nemail = «email»\n"
     "secret = «pw»\nvmsecret = «pin»\n⊙hasvoicemail = yes"),
    ("ari-password", E + "ari.conf", "[flexpbx-ari]\n⊙type=user\n⊙read_only=no\npassword=«pw»"),
    ("res-odbc", E + "res_odbc.conf", "[asteriskcdrdb]\n⊙enabled => yes\n"
     "⊙dsn => MySQL-asteriskcdrdb\n⊙username => cdr\npassword => «pw»"),
    ("res-config-mysql", E + "res_config_mysql.conf",
     "[general]\ndbhost = 127.0.0.1\n⊙dbuser = flexpbx\ndbpass = «pw»"),
    ("cdr-mysql", E + "cdr_mysql.conf", "[global]\nhostname=localhost\npassword=«pw»"),
    ("cdr-pgsql", E + "cdr_pgsql.conf", "[global]\nuser=asterisk\npassword=«pw»"),
    ("res-pgsql", E + "res_pgsql.conf", "[general]\ndbhost=db1.internal\ndbpass=«pw»"),
    ("res-ldap", E + "res_ldap.conf", "[_general]\nurl=ldap://ldap.corp.local\n"
     "user=cn=asterisk,dc=corp,dc=local\npass=«pw»"),
    ("confbridge-pin", E + "confbridge.conf", "[sales_user]\n⊙type=user\npin=«pin»"),
    ("confbridge-admin-pin", E + "confbridge.conf", "[sales_admin]\ntype=user\n⊙admin=yes\n"
     "pin=«pin»"),
    ("meetme-conf", E + "meetme.conf", "[rooms]\nconf => 8600,«pin»,«pin_2»"),
    ("musiconhold-stream-creds", E + "musiconhold.conf", "[stream]\n⊙mode=custom\n"
     "application=/usr/bin/mpg123 -q -r 8000 -f 8192 -b 0 --mono -s "
     "http://radio:«pws»@stream.internal:8000/hold.mp3"),
    ("xmpp-secret", E + "xmpp.conf", "[alerts]\ntype=client\nserverhost=xmpp.corp.local\n"
     "username=pbx@xmpp.corp.local\nsecret=«pw»"),
    ("queues-member-name", E + "queues.conf",
     "[support]\n⊙strategy=ringall\nmember => PJSIP/2001,0,«name»"),
    ("dial-authenticate", EXT, "[flexpbx-features]\nexten => *90,1,Authenticate(«pin»)\n"
     "⊙same => n,Goto(admin-menu,s,1)"),
    ("dial-authenticate-options", EXT, "exten => *91,1,Authenticate(«pin»,a,8)"),
    ("dial-disa", EXT, "exten => *92,1,DISA(«pin»,from-internal)"),
    ("dial-voicemailmain", EXT, "exten => *97,1,Authenticate(«pin»)\n"
     "⊙same => n,VoiceMailMain(2001@default,s)"),
    ("dial-confbridge-pin", EXT, "exten => 8700,1,Set(CONFBRIDGE(user,pin)=«pin»)\n"
     "⊙same => n,ConfBridge(8700)"),
    ("dial-meetme-pin", EXT, "exten => 8600,1,MeetMe(8600,M,«pin»)"),
    ("dial-iax-colon", EXT, "[outbound-branch]\n"
     "exten => _9NXXNXXXXXX,1,Dial(IAX2/pbx1:«pws»@iax.branch.internal/${EXTEN:1})"),
    ("dial-sip-colon", EXT, "exten => _8NXXNXXXXXX,1,Dial(SIP/flexpbx:«pws»@sip.provider.net/"
     "${EXTEN:1})"),
    ("globals", EXT, "[globals]\nTRUNK_PASS=«pws»\nCRM_TOKEN=«token»"),
    ("globals-dialstring", EXT, "[globals]\nBRANCH_TRUNK=IAX2/pbx1:«pws»@iax.branch.internal"),
    ("mysql-app", CUSTOM, "[flexpbx-lookup]\nexten => s,1,MYSQL(Connect connid localhost "
     "flexpbx «pws» flexpbx)"),
    ("dial-authenticate-custom", CUSTOM, "[flexpbx-night]\nexten => *95,1,Authenticate(«pin»)"),
    ("ael-authenticate", E + "extensions.ael",
     "context admin {\n    *90 => {\n        Authenticate(«pin»);\n    };\n};"),
    ("lua-authenticate", E + "extensions.lua", 'extensions = {\n    admin = {\n'
     '        ["*93"] = function(c, e)\n            app.authenticate("«pin»")\n'
     "        end;\n    };\n}"),
]


def plant(b: Builder) -> None:
    # the includes are functional: each line must stay as it is
    b.keep("ast.include", PJSIP, "#include pjsip_custom.conf\n#tryinclude flexpbx/*.conf\n"
           "#include flexpbx/trunks.inc\n#include pjsip_branch.conf")
    b.keep("ast.include", E + "manager.conf", "#include manager.d/*.conf")
    b.keep("ast.include", EXT, "#include extensions_custom.conf")
    b.keep("ast.include", SIP, "#include sip_nul.conf")
    b.keep("ast.include", E + "iax.conf", "#include iax_windows.conf")
    for idiom, path, template in ROWS:
        b.put("asterisk", "ast." + idiom, path, template)
