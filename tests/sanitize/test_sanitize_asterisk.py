"""Asterisk .conf rules: one line in, one exact line out."""

from __future__ import annotations

import pytest

from flexgit.sanitize import sanitize

R = "FLEXGIT-REDACTED"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(f"system/etc/asterisk/{path}", text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("conf", "before", "after", "rule"),
    [
        ("pjsip.conf", "[6001]\ntype=auth\nauth_type=userpass\npassword=Xy7#pq\nusername=6001\n",
         f"[6001]\ntype=auth\nauth_type=userpass\npassword={R}\nusername=6001\n",
         "asterisk.secret"),
        ("pjsip.conf", "md5_cred = 0123456789abcdef0123456789abcdef\n", f"md5_cred = {R}\n",
         "asterisk.secret"),
        ("pjsip.conf", "password_digest = MD5:43a8d9be3da524f9\n", f"password_digest = {R}\n",
         "asterisk.secret"),
        ("pjsip_wizard.conf", "outbound_auth/password = trunkpw\n",
         f"outbound_auth/password = {R}\n", "asterisk.secret"),
        ("sip.conf", "[trunk](!,tmpl)\nsecret=abc ; from the provider\n",
         f"[trunk](!,tmpl)\nsecret={R} ; from the provider\n", "asterisk.secret"),
        ("sip.conf", "md5secret=0123abcd\nremotesecret=x\n", f"md5secret={R}\nremotesecret={R}\n",
         "asterisk.secret"),
        ("sip.conf", 'secret="quoted pw"\n', f'secret="{R}"\n', "asterisk.secret"),
        ("sip.conf", "secret=ab\\;cd ; real comment\n", f"secret={R} ; real comment\n",
         "asterisk.secret"),
        ("sip.conf", ";secret=abc\n", f";secret={R}\n", "asterisk.secret"),
        ("sip.conf", ";;  secret = abc   ; doc\n", f";;  secret = {R}   ; doc\n",
         "asterisk.secret"),
        ("sip.conf", "context=x ;secret=abc ;password=def\n",
         f"context=x ;secret={R} ;password={R}\n", "asterisk.secret"),
        ("sip.conf", ";--\nsecret=inblock\n--;\nsecret=live\n",
         f";--\nsecret={R}\n--;\nsecret={R}\n", "asterisk.secret"),
        ("sip.conf", "register => 2001:regpw@sip.acme.net/2001\n",
         f"register => 2001:{R}@sip.acme.net/2001\n", "asterisk.register"),
        ("sip.conf", "register => tls://2001:regpw:authme@sip.acme.net:5061/2001~120\n",
         f"register => tls://2001:{R}:authme@sip.acme.net:5061/2001~120\n", "asterisk.register"),
        ("sip.conf", "register => acme?2001@acme.net:regpw:authme@sip.acme.net\n",
         f"register => acme?2001@acme.net:{R}:authme@sip.acme.net\n", "asterisk.register"),
        ("sip.conf", "register => 2001@acme.net:5082:regpw:authme@sip.acme.net\n",
         f"register => 2001@acme.net:5082:{R}:authme@sip.acme.net\n", "asterisk.register"),
        ("sip.conf", "register => p@ss:pw@rd@sip.acme.net\n",
         f"register => p@ss:{R}@sip.acme.net\n", "asterisk.register"),
        ("iax.conf", ";register => marko:secretpass@tormenta.example.net\n",
         f";register => marko:{R}@tormenta.example.net\n", "asterisk.register"),
        ("extensions.conf", "[globals]\nTRUNK=IAX2/acme:dialpw@iax.acme.net\n",
         f"[globals]\nTRUNK=IAX2/acme:{R}@iax.acme.net\n", "asterisk.dialstring"),
        ("extensions.conf", "exten => _9X.,1,Dial(SIP/acme:pw1:md5pw:auth@sip.acme.net/${EXTEN})\n",
         f"exten => _9X.,1,Dial(SIP/acme:{R}:{R}:auth@sip.acme.net/${{EXTEN}})\n",
         "asterisk.dialstring"),
        ("extensions.conf", "exten => 1,1,Dial(IAX2/acme:pw:[outkey]@iax.acme.net/1)\n",
         f"exten => 1,1,Dial(IAX2/acme:{R}:[outkey]@iax.acme.net/1)\n", "asterisk.dialstring"),
        ("extensions.conf", "exten => 1,n,Set(DB_PASSWORD=dbpw)\n",
         f"exten => 1,n,Set(DB_PASSWORD={R})\n", "asterisk.app_pin"),
        ("manager.conf", "[flexpbx]\nsecret = amipw\nread = all\n",
         f"[flexpbx]\nsecret = {R}\nread = all\n", "asterisk.secret"),
        ("ari.conf", "[flexpbx]\ntype = user\npassword = aripw\npassword_format = plain\n",
         f"[flexpbx]\ntype = user\npassword = {R}\npassword_format = plain\n", "asterisk.secret"),
        ("res_odbc.conf", "[asterisk]\ndsn => asterisk\nusername => flexpbx\npassword => dbpw\n",
         f"[asterisk]\ndsn => asterisk\nusername => flexpbx\npassword => {R}\n",
         "asterisk.secret"),
        ("res_pgsql.conf", "dbpass=pgpw\n", f"dbpass={R}\n", "asterisk.secret"),
        ("res_config_mysql.conf", "dbpassword = mypw\n", f"dbpassword = {R}\n", "asterisk.secret"),
        ("voicemail.conf", "[general]\nauthpassword=smtppw\n",
         f"[general]\nauthpassword={R}\n", "asterisk.secret"),
        ("users.conf", "[2001]\nemail = Jane Doe <jane@acme.net>\n",
         "[2001]\nemail = user@example.com\n", "asterisk.email"),
        ("voicemail.conf", "[general]\nserveremail=pbx@acme-corp.net\n",
         "[general]\nserveremail=user@example.com\n", "asterisk.email"),
        ("voicemail.conf",
         "[default]\n2001 => 8642,Jane Doe,jane@acme.net,pager@acme.net,attach=yes\n",
         f"[default]\n2001 => {R},FlexPBX User,user@example.com,user@example.com,attach=yes\n",
         "asterisk.mailbox"),
        ("voicemail.conf", "[default]\n;2002 => -1234,Bob,bob@acme.net,,imappassword=ip|tz=eu\n",
         f"[default]\n;2002 => -{R},FlexPBX User,user@example.com,,imappassword={R}|tz=eu\n",
         "asterisk.mailbox"),
        ("sip.conf", 'callerid="Jane Doe" <2001>\n', 'callerid="FlexPBX User" <2001>\n',
         "asterisk.callerid"),
        ("pjsip.conf", "callerid = Jane Doe <+12125551234>\n",
         "callerid = FlexPBX User <+15555550100>\n", "asterisk.callerid"),
        ("pjsip_wizard.conf", "endpoint/callerid = Jane <2001>\n",
         "endpoint/callerid = FlexPBX User <2001>\n", "asterisk.callerid"),
        ("users.conf", "[2001]\nfullname = Jane Doe\nemail = jane@acme.net\nvmsecret = 1234\n",
         f"[2001]\nfullname = FlexPBX User\nemail = user@example.com\nvmsecret = {R}\n",
         "asterisk.name"),
        ("queues.conf", "[sales]\nmember => PJSIP/2001,0,Jane Doe,PJSIP/2001\n",
         "[sales]\nmember => PJSIP/2001,0,FlexPBX User,PJSIP/2001\n", "asterisk.name"),
        ("meetme.conf", "[rooms]\nconf => 8000,1234,9876\n", f"[rooms]\nconf => 8000,{R},{R}\n",
         "asterisk.secret"),
        ("confbridge.conf", "[admin_user]\ntype=user\npin=4242\n",
         f"[admin_user]\ntype=user\npin={R}\n", "asterisk.secret"),
        ("xmpp.conf", "[gtalk]\nsecret=p\nusername=jane@gmail.com\n",
         f"[gtalk]\nsecret={R}\nusername=user@example.com\n", "asterisk.secret"),
    ],
)  # fmt: skip
def test_rule(conf: str, before: str, after: str, rule: str) -> None:
    out, counts = run(conf, before)
    assert out == after
    assert rule in counts


@pytest.mark.parametrize(
    ("conf", "text"),
    [
        ("sip.conf", 'secret=\n;password=   ; PlainText password (default: "")\n'),
        ("sip.conf", "[general]\nhost=sip.acme.net\nfromdomain=acme.net\ncontext=from-trunk\n"),
        ("sip.conf", "secret=FLEXGIT-REDACTED\nsecret=${SIPPASS}\nregister => 2001@sip.acme.net\n"),
        ("sip.conf", "register => marko:[torkey]@tormenta.example.net\ncallerid=asreceived\n"),
        ("sip.conf", 'callerid=2001\ncallerid=<2001>\ncallerid="FlexPBX User" <2001>\n'),
        ("iax.conf", "dbsecret=dundi/secret\noutkey=mykey\ninkeys=a:b\n"),
        ("pjsip.conf", "contact=sip:2001@pbx.acme.net:5060\nclient_uri=sip:2001@sip.acme.net\n"),
        ("pjsip.conf", "resource_display_name=no\nauth=2001-auth\noutbound_auth=trunk-auth\n"),
        ("pjsip.conf", "exten => 100,1,Dial(PJSIP/2001@trunk)\nmailbox=2001@default\n"),
        ("voicemail.conf", "[general]\nfromstring=The FlexPBX\nvm-password=custom_sound\n"),
        ("voicemail.conf", "[myaliases]\n2001@devices => 2001@default\n"),
        ("voicemail.conf", "[default]\n1234 => FLEXGIT-REDACTED,FlexPBX User,root@localhost\n"),
        ("extensions.conf", "exten => 1,1,Dial(IAX2/acme@iax.acme.net/1)\n"),
        ("extensions.conf", "switch => IAX2/user:[key]@myserver/mycontext\n"),
        ("sudo.conf", "#include /etc/asterisk/other.conf\n"),
    ],
)
def test_untouched(conf: str, text: str) -> None:
    result = sanitize(f"system/etc/asterisk/{conf}", text.encode())
    assert result.data == text.encode()
    assert result.counts == {}


def test_crlf_and_line_count() -> None:
    text = "[a]\r\nsecret = x \r\n;password=y\r\n"
    out, _ = run("sip.conf", text)
    assert out == f"[a]\r\nsecret = {R} \r\n;password={R}\r\n"


def test_any_conf_outside_asterisk() -> None:
    out, _ = run("../../httpd/conf.d/flexpbx.conf", "SetEnv DB_PASS apachepw\n")
    assert out == f"SetEnv DB_PASS {R}\n"
    result = sanitize("system/etc/php-fpm.d/flexpbx.conf", b"env[DB_PASS] = fpmpw\n")
    assert result.data == f"env[DB_PASS] = {R}\n".encode()


def test_a_dollar_in_an_asterisk_value_is_not_interpolation() -> None:
    # Found in review: the text rules read "Pa$sw0rd" as shell interpolation
    # and kept it, which with asterisk.secret off hid it from every rule.
    # Asterisk itself expands only ${VAR} and $[expr].
    from flexgit.sanitize import Rules

    src = b"[1000]\nsecret=Pa$sw0rd\n[1001]\nsecret=${SECRET_1001}\n"
    out = sanitize("system/etc/asterisk/sip.conf", src,
                   Rules(disabled=frozenset({"asterisk.secret"})))
    assert b"Pa$sw0rd" not in out.data and b"secret=${SECRET_1001}" in out.data
    shell = b"DB_PASS=\"$prefix\"\n"  # still interpolation in a shell script
    assert sanitize("home/bin/backup.sh", shell).data == shell


# -- dialplan applications (asterisk.app_pin) and colon forms ----------------------

APP_PINS = [
    ("exten => 8000,1,Authenticate(1234)", f"exten => 8000,1,Authenticate({R})"),
    (" same => n,Authenticate(4455,a)", f" same => n,Authenticate({R},a)"),
    (" same => n,Authenticate( 8080 ,j,4)", f" same => n,Authenticate( {R} ,j,4)"),
    ("exten => 8004,1,DISA(5678,from-internal)", f"exten => 8004,1,DISA({R},from-internal)"),
    ("exten => 8007,1,DISA(1111|from-internal)", f"exten => 8007,1,DISA({R}|from-internal)"),
    ('exten => 8009,1,DISA("2580",outbound,"Lobby" <2000>)',
     f'exten => 8009,1,DISA("{R}",outbound,"Lobby" <2000>)'),
    ("exten => 8100,1,MeetMe(8100,MI,9988)", f"exten => 8100,1,MeetMe(8100,MI,{R})"),
    ("exten => 8200,1,Set(CONFBRIDGE(user,pin)=2468)",
     f"exten => 8200,1,Set(CONFBRIDGE(user,pin)={R})"),
    (" same => n,Set(CONFBRIDGE(user,admin_pin)=1357)",
     f" same => n,Set(CONFBRIDGE(user,admin_pin)={R})"),
    (" same => n,Set(DB(vmpin/2001)=8642)", f" same => n,Set(DB(vmpin/2001)={R})"),
    (" same => n,Set(DB(AMPUSER/2001/password)=webpw)",
     f" same => n,Set(DB(AMPUSER/2001/password)={R})"),
    (" same => n,Set(PIN=4321)", f" same => n,Set(PIN={R})"),
    (" same => n,Set(__AMI_SECRET=amisec)", f" same => n,Set(__AMI_SECRET={R})"),
    (" same => n,Set(GLOBAL(TRUNK_PASS)=tpw)", f" same => n,Set(GLOBAL(TRUNK_PASS)={R})"),
    (" same => n,MSet(PIN=1111,USER=bob)", f" same => n,MSet(PIN={R},USER=bob)"),
    (' same => n,GotoIf($["${PIN}" = "1234"]?ok:bad)',
     f' same => n,GotoIf($["${{PIN}}" = "{R}"]?ok:bad)'),
    (" same => n,GotoIf($[${PASSWORD} != 9999]?bad)",
     f" same => n,GotoIf($[${{PASSWORD}} != {R}]?bad)"),
    (" same => n,ExecIf($[${X}=1]?Authenticate(7777))",
     f" same => n,ExecIf($[${{X}}=1]?Authenticate({R}))"),
    (";exten => 8008,1,Authenticate(2222) ; old door code",
     f";exten => 8008,1,Authenticate({R}) ; old door code"),
    ("exten => 8800,1,ConfBridge(8800,default_bridge,default_user,6172)",
     f"exten => 8800,1,ConfBridge(8800,default_bridge,default_user,{R})"),
    ("exten => _88XX,1,ConfBridge(${EXTEN},,,597424)",
     f"exten => _88XX,1,ConfBridge(${{EXTEN}},,,{R})"),
    ("exten => 7002,1,Set(CURLOPT(userpwd)=api:mQXBeD1azOyq!0)",
     f"exten => 7002,1,Set(CURLOPT(userpwd)=api:{R})"),
    ("exten => 7004,1,Set( CURLOPT(proxyuserpwd) = crm:fXY92G )",
     f"exten => 7004,1,Set( CURLOPT(proxyuserpwd) = crm:{R} )"),
    ('exten => 7011,1,System(asterisk -rx "database put SECRETS trunk ke6Dcc-Y7")',
     f'exten => 7011,1,System(asterisk -rx "database put SECRETS trunk {R}")'),
]  # fmt: skip

APP_KEPT = [
    "exten => 8001,1,Authenticate(/etc/asterisk/pins.txt,m) ; one MD5 per line",
    "exten => 8002,1,Authenticate(${PIN})",
    "exten => 8003,1,VMAuthenticate(2001@default,s)",
    "exten => *98,1,VoiceMailMain(${CALLERID(num)}@default)",
    "exten => *97,1,VoiceMailMain(2001@default,s)",
    "exten => 8005,1,DISA(/etc/asterisk/disa.pins)",
    "exten => 8006,1,DISA(no-password,from-internal)",
    " same => n,ConfBridge(8200,default_bridge,default_user,sample_menu)",
    " same => n,ConfBridge(${EXTEN})",
    " same => n,Set(CURLOPT(httptimeout)=10)",
    " same => n,Set(CURLOPT(userpwd)=${CRM_USER}:${CRM_PASS})",
    ' same => n,System(asterisk -rx "database put DND 2001 YES")',
    " same => n,Set(DB(CF/${EXTEN})=${ARG1})",
    " same => n,Set(DB(AMPUSER/2001/cidname)=Front Desk)",
    " same => n,Set(CONFBRIDGE(user,pin)=${CONF_PIN})",
    " same => n,Set(_PIN_LENGTH=4)",
    " same => n,Read(PIN,vm-password,4)",
    " same => n,GotoIf($[${LEN(${PIN})} = 4]?ok)",
    "exten => _NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@trunk,30,tT)",
    "exten => _9X.,1,Dial(SIP/${TRUNKUSER}:${TRUNKPASS}@sip.acme.net/${EXTEN:1})",
    "exten => 8100,1,MeetMe(${EXTEN},MI)",
    "include => from-internal-custom",
]


@pytest.mark.parametrize(("before", "after"), APP_PINS)
def test_app_pin(before: str, after: str) -> None:
    out, counts = run("extensions_custom.conf", before + "\n")
    assert out == after + "\n"
    assert "asterisk.app_pin" in counts
    assert run("extensions_custom.conf", out) == (out, {})


@pytest.mark.parametrize("line", APP_KEPT)
def test_app_kept(line: str) -> None:
    assert run("extensions_custom.conf", line + "\n") == (line + "\n", {})


def test_dialstring_credentials() -> None:
    text = "exten => _9X.,1,Dial(IAX2/acme:trunkpw@iax.acme.net/${EXTEN:1}&SIP/b:sippw@h/1)\n"
    out, counts = run("extensions_custom.conf", text)
    assert out == f"exten => _9X.,1,Dial(IAX2/acme:{R}@iax.acme.net/${{EXTEN:1}}&SIP/b:{R}@h/1)\n"
    assert counts == {"asterisk.dialstring": 2}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[flexpbx]\nsecret: amipw\nread: all\n", f"[flexpbx]\nsecret: {R}\nread: all\n"),
        ("password:  trunkpw ; from the provider\n", f"password:  {R} ; from the provider\n"),
        (";secret: oldpw\n", f";secret: {R}\n"),
        ("; Password: the one from your provider\n", "; Password: the one from your provider\n"),
        ("; Note: dial 2001 first\nusername: 2001\n", "; Note: dial 2001 first\nusername: 2001\n"),
    ],
)
def test_colon_forms(before: str, after: str) -> None:
    assert run("manager_custom.conf", before)[0] == after


@pytest.mark.parametrize(
    "path",
    [
        "system/etc/asterisk/sip_custom_post",  # #include'd, any name
        "system/etc/asterisk/pjsip.d/trunks.include",
        "system/etc/asterisk/extensions_flexpbx.inc",
        "home/flexpbx/asterisk/extensions_custom.inc",
        "home/backup/sip.conf.bak",
        "home/backup/pjsip.conf.orig",
        "system/etc/asterisk.old/manager.conf~",
    ],
)
def test_included_and_copied_files_are_asterisk(path: str) -> None:
    text = "[trunk]\nsecret=incpw\nexten => 1,1,Authenticate(2468)\n"
    result = sanitize(path, text.encode())
    assert result.data.decode() == f"[trunk]\nsecret={R}\nexten => 1,1,Authenticate({R})\n"
    assert result.counts == {"asterisk.app_pin": 1, "asterisk.secret": 1}


def test_a_php_inc_file_is_php() -> None:
    # Elsewhere .inc is PHP's: Asterisk's ";" comments would misread its statements.
    text = "<?php\n$sql = <<<SQL\nUPDATE users SET\n  password = 'incpw'\nSQL;\n"
    result = sanitize("home/public_html/includes/db.inc", text.encode())
    assert result.data.decode() == text.replace("incpw", R)


def test_chan_sip_auth_and_app_mysql_passwords() -> None:
    from flexgit.sanitize import sanitize as _s

    sip = b"[p2]\ntype=peer\nauth=flexpbx:Qq8!zz1Lp@sip2.provider.net\n"
    assert _s("system/etc/asterisk/sip.conf", sip).data == \
        b"[p2]\ntype=peer\nauth=flexpbx:FLEXGIT-REDACTED@sip2.provider.net\n"
    pj = b"[6001]\ntype=endpoint\nauth=6001-auth\n"
    assert _s("system/etc/asterisk/pjsip.conf", pj).data == pj
    ext = b"exten => s,1,MYSQL(Connect connid localhost flexpbx My8!sql1Lq flexpbx)\n"
    assert _s("system/etc/asterisk/extensions_custom.conf", ext).data == \
        b"exten => s,1,MYSQL(Connect connid localhost flexpbx FLEXGIT-REDACTED flexpbx)\n"


@pytest.mark.parametrize(("conf", "before", "after"), [
    # a Local channel dials its number: a mobile in a queue member or a Dial()
    ("queues.conf", "[support]\nmember => Local/4152339804@from-internal/n,0,Mobile\n",
     "[support]\nmember => Local/+15555550100@from-internal/n,0,Mobile\n"),
    ("queues.conf", "[night]\nmember => PJSIP/+14152339805@voipms,0,Margaret Okonkwo\n",
     "[night]\nmember => PJSIP/+15555550100@voipms,0,FlexPBX User\n"),
    ("extensions.conf", "[oncall]\nexten => 7000,1,Dial(Local/02079460958@from-internal/n,30)\n",
     "[oncall]\nexten => 7000,1,Dial(Local/+15555550100@from-internal/n,30)\n"),
    ("minivm.conf", "[general]\nfromaddress=Bartholomew Drummond\n",
     "[general]\nfromaddress=FlexPBX User\n"),
    ("voicemail.conf", "[general]\nfromstring=Margaret Okonkwo\n",
     "[general]\nfromstring=FlexPBX User\n"),
])
def test_channel_numbers_and_sender_names(conf: str, before: str, after: str) -> None:
    assert run(conf, before)[0] == after


@pytest.mark.parametrize(("conf", "text"), [
    ("queues.conf", "[reception]\nmember => Local/2001@from-internal/n,0,Front Desk\n"
     "member => PJSIP/2002,0,Reception\nmember => SIP/2003,0,Mobile\n"),
    ("extensions.conf", "[x]\nexten => 7001,1,Dial(IAX2/4155550100@host/2001)\n"
     "exten => 7002,1,Dial(Local/2001@from-internal)\n"),
    ("minivm.conf", "[general]\nfromaddress=Asterisk the PBX\n"),
    ("voicemail.conf", "[general]\nfromstring=The Asterisk PBX\n"),
])
def test_extensions_accounts_and_system_senders_stay(conf: str, text: str) -> None:
    assert run(conf, text)[0] == text


@pytest.mark.parametrize(("conf", "before", "after"), [
    ("sip.conf", "[2110]\nsecret    =    nh!*wKga2l   ; old one was Ch3kd9sKq!2\n",
     f"[2110]\nsecret    =    {R}   ; old one was {R}\n"),
    ("pjsip.conf", "[1-auth]\npassword = Bh3kd9sKq!2 ; set 158636 for reset\n",
     f"[1-auth]\npassword = {R} ; set {R} for reset\n"),
    ("manager.conf", f"[crm]\nsecret={R} ; real one: e9JuOHSORoB-\n",
     f"[crm]\nsecret={R} ; real one: {R}\n"),
    ("sip.conf", "[2001]\nsecret=Dh3kd9sKq!2 ;old=Ch3kd9sKq!2\n", f"[2001]\nsecret={R} ;old={R}\n"),
    ("voicemail.conf", "[default]\n2112 => 4321,,,,attach=yes ; was 32778865 until May\n",
     f"[default]\n2112 => {R},,,,attach=yes ; was {R} until May\n"),
    ("http.conf", "[general]\nsessionkey=0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n",
     f"[general]\nsessionkey={R}\n"),
    ("extensions.conf", "[globals]\nCRMAPITOKEN=OYS4GG22tzAe1Wd3fAqeqJ6jmuKrfSrw\n",
     f"[globals]\nCRMAPITOKEN={R}\n"),
])  # fmt: skip
def test_trailing_comments_and_key_shaped_values(conf: str, before: str, after: str) -> None:
    assert run(conf, before)[0] == after
    assert run(conf, after)[0] == after


@pytest.mark.parametrize(("conf", "text"), [
    ("sip.conf", "[2110]\nsecret=FLEXGIT-REDACTED ; changed 2023 by the installer, ext 2001\n"),
    ("http.conf", "[general]\nbindport=8088 ; default 8088\n"
     "tlsprivatekey=/etc/asterisk/keys/asterisk.key\n"),
    ("iax.conf", "[branch-rsa]\ninkeys=freeworlddialup:branchkey\noutkey=pbx1\n"),
    ("asterisk.conf", "[options]\nentityid=00:11:22:33:44:55\n"),
    ("voicemail.conf", "[default]\n;4200 => FLEXGIT-REDACTED,FlexPBX User,user@example.com\n"),
])  # fmt: skip
def test_comments_and_keys_that_stay(conf: str, text: str) -> None:
    assert run(conf, text)[0] == text


def test_database_put_in_shell() -> None:
    text = ('asterisk -rx "database put SECRETS trunk p8cff3_0w4"\n'
            "/usr/sbin/asterisk -rx 'database put AMPUSER/2001 password 17904178'\n"
            'asterisk -rx "database put DND 2001 YES"\n')
    out = sanitize("system/usr/local/bin/flexpbx-provision", text.encode()).data.decode()
    assert out == (f'asterisk -rx "database put SECRETS trunk {R}"\n'
                   f"/usr/sbin/asterisk -rx 'database put AMPUSER/2001 password {R}'\n"
                   'asterisk -rx "database put DND 2001 YES"\n')


def test_database_put_with_quoted_words() -> None:
    text = 'exec("asterisk -rx \'database put \\"SECRETS\\" \\"trunk\\" \\"Bh3kd9 sKq2\\"\'");\n'
    out = sanitize("home/public_html/admin/astdb.php", text.encode()).data.decode()
    assert out == text.replace("Bh3kd9 sKq2", R)
