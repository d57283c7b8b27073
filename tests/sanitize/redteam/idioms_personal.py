"""Class `personal` (names under person keys, `Name <email>`, Owner:/Maintainer:
labels, callerid names, emails, phone numbers in text, comments, JSON,
callerid, FOLLOWME and emergency settings) and class `sweep`: the
installation's own secrets and people (users/, admins/, temp_passwords/, the
live auth sections, voicemail boxes, flexpbx-config.json) repeated elsewhere,
verbatim or base64-, URL-, JSON- and HTML-encoded, where nothing but the
sweep can know them."""

from __future__ import annotations

from tests.sanitize.redteam.builder import Builder

H = "home/public_html/"
E = "system/etc/asterisk/"
CFG = "home/flexpbx-config.json"

ROWS: list[tuple[str, str, str]] = [
    ("env-mail-from-name", H + ".env", 'MAIL_FROM_NAME="«name»"'),
    ("env-mail-from-address", H + ".env", "MAIL_FROM_ADDRESS=«email»"),
    ("php-owner-key", H + "config.php", "$site = [\n    'owner' => '«name»',\n"
     "    'owner_email' => '«email»',\n];"),
    ("php-docblock-author", H + "includes/mailer.php", "/**\n * Mail helpers.\n *\n"
     " * @author «name» <«email»>\n */"),
    ("php-mail-to", H + "includes/mailer.php", "$to = '«email»';"),
    ("js-author-comment", H + "js/app.js", "// Author: «name» <«email»>"),
    ("js-phone-comment", H + "js/app.js", "// escalate to «phone» after 3 failures"),
    ("md-name-email", H + "docs/SUPPORT.md", "Questions go to «name» <«email»>."),
    ("md-name-email-phone", H + "docs/SUPPORT.md", "On call this week: «name» («email», «phone»)"),
    ("md-owner-label", H + "docs/SUPPORT.md", "Owner: «name»"),
    ("md-maintainer", H + "docs/SUPPORT.md", "Maintainer: «name» <«email»>"),
    ("md-maintained-by", H + "docs/SUPPORT.md", "This configuration is maintained by «name»."),
    ("md-phone-prose", H + "docs/SUPPORT.md",
     "If the trunk is down, call the provider NOC or my cell «phone»."),
    ("md-email-prose", H + "docs/SUPPORT.md", "Send the invoices to «email» every month."),
    ("md-changelog-thanks", H + "CHANGELOG.md", "- Fixed the queue timeout (thanks «name»)"),
    ("md-lowercase-thanks", H + "CHANGELOG.md",
     "- new IVR prompts, thanks to «lowername» for testing"),
    ("txt-lowercase-ask", H + "admin/notes.txt", "ask «lowername» for the rack keys"),
    ("md-lowercase-cc", H + "docs/SUPPORT.md", "Escalations: cc «lowername»."),
    ("md-surname-first", H + "docs/SUPPORT.md", "Night shift: «surname_first»"),
    ("txt-surname-first-signed", H + "admin/notes.txt", "Signed, «surname_first»"),
    ("html-surname-first", H + "docs/setup-guide.html", "<p>Contact: «surname_first».</p>"),
    ("php-setfrom-name", H + "includes/mailer.php",
     "$mail->setFrom('«=docmail»', '«name»');"),
    ("php-addaddress-name", H + "includes/mailer.php", '$mail->addAddress("«email»", "«name»");'),
    ("php-symfony-address", H + "includes/mailer.php",
     "$email->from(new Address('«email»', '«name»'));"),
    ("js-support-name", H + "js/app.js", 'const supportName = "«name»";'),
    ("js-agent-name", H + "js/app.js", "let agentName = '«name»';"),
    ("php-technician-name", H + "config.php", "$technician_name = '«name»';"),
    ("md-signed-off", H + "CHANGELOG.md", "Signed-off-by: «name» <«email»>"),
    ("html-mailto", H + "docs/setup-guide.html", '<p><a href="mailto:«email»">«name»</a></p>'),
    ("html-meta-author", H + "index.html", '<meta name="author" content="«name»">'),
    ("html-tel", H + "index.html", '<a href="tel:«e164»">Call support</a>'),
    ("pjsip-callerid-name", E + "pjsip.conf", "[2080]\n⊙type=endpoint\n"
     'callerid="«name»" <2080>\n⊙auth=2080-auth\n⊙aors=2080'),
    ("sip-callerid-name", E + "sip.conf", "[2102]\n⊙type=friend\ncallerid=«name» <2102>"),
    ("pjsip-callerid-mobile", E + "pjsip.conf", "[2081]\n⊙type=endpoint\n"
     "callerid=«name» <«e164»>\n⊙aors=2081"),
    ("conf-comment-phone", E + "pjsip.conf", "; «name» mobile: «phone»"),
    ("dialplan-callerid-name", E + "extensions.conf",
     "[flexpbx-cid]\nexten => 2004,1,Set(CALLERID(name)=«name»)\n⊙same => n,Dial(PJSIP/2004)"),
    ("dialplan-followme-global", E + "extensions.conf", "[globals]\nFOLLOWME_2001=«e164»"),
    ("dialplan-followme-var", E + "extensions.conf",
     "[flexpbx-fm]\nexten => 2001,1,Set(__FOLLOWME=«e164»)"),
    ("dialplan-dial-mobile", E + "extensions.conf",
     "exten => 2005,1,Dial(PJSIP/«e164»@voipms,30)"),
    ("followme-number", E + "followme.conf", "[2001]\n⊙musicclass=default\nnumber=>«e164»,25"),
    ("queues-member-named", E + "queues.conf",
     "[sales]\nmember => PJSIP/2003,0,«name»,PJSIP/2003"),
    ("vm-serveremail", E + "voicemail.conf", "[general]\nserveremail=«email»"),
    ("sudoers-maintainer", "system/etc/sudoers.d/flexpbx-asterisk",
     "# Maintainer: «name» <«email»>"),
    ("sh-owner-comment", "system/usr/local/bin/flexpbx-backup", "# Owner: «name» («email»)"),
    ("sql-contacts", H + "sql/flexpbx_dump.sql", "INSERT INTO contacts (name, email, phone) "
     "VALUES ('«name»', '«email»', '«phone»');"),
    ("xml-phonebook", H + "provisioning/phonebook.xml", "<DirectoryEntry>\n  <Name>«name»</Name>\n"
     "  <Telephone>«phone»</Telephone>\n</DirectoryEntry>"),
    ("vcard", H + "contacts/support.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:«name»\n"
     "TEL;TYPE=CELL:«phone»\nEMAIL:«email»\nEND:VCARD"),
    ("csv-phonebook", H + "provisioning/phonebook.csv", "Name,Number,Email\n«name»,«e164»,«email»"),
    ("ini-contact", H + "config/app.ini", "[support]\ncontact = «name» <«email»>"),
]

JSON: list[tuple[str, str, tuple[str, ...], object]] = [
    ("json-admin-name", CFG, ("admin",), {"admin_name": "«name»", "admin_email": "«email»"}),
    ("json-owner", CFG, ("company",), {"owner": "«name»"}),
    ("json-staff-list", H + "config/company.json", (), {"staff": [
        {"name": "«name»", "role": "Reception"}, {"name": "«name_2»", "role": "Sales"}]}),
    ("json-contact-phone", H + "config/company.json", ("contact",),
     {"contact_name": "«name»", "phone": "«phone»", "mobile": "«phone_2»"}),
    ("json-emergency", CFG, ("emergency",), {"emergency_number": "«e164»",
                                              "notify_email": "«email»"}),
    ("json-sms-alert", CFG, ("alerts",), {"sms_alert_number": "«phone»"}),
    ("json-notify-from", CFG, ("notifications",), {"from": "«email»"}),
    ("composer-authors", H + "composer.json", (), {"name": "acme/flexpbx-portal",
                                                   "authors": [{"name": "«name»",
                                                                "email": "«email»"}]}),
    ("package-author", H + "package.json", (), {"name": "flexpbx-portal",
                                                "author": "«name» <«email»>"}),
    ("json-phone-in-note", H + "config/trunks.json", ("notes",),
     {"text": "Call «name» on «phone» before changing the trunk"}),
    ("json-template-owner", "home/templates/user_template.json", (),
     {"display_name": "«name»", "email": "«email»"}),
]

# The installation's own data, in files that never enter the store.
# (label, kind); u1name, u1email and u1phone are one person.
SOURCES: list[tuple[str, str]] = [
    ("u1name", "name"), ("u1email", "email"), ("u1sip", "pwx"), ("u1pin", "pin"),
    ("u1phone", "phone"), ("u2name", "name"), ("u2sip", "pw"), ("a1name", "name"),
    ("a1email", "email"), ("a1token", "token"), ("t1", "pws"), ("pj1", "pwx"),
    ("vm1pin", "pin"), ("vm1name", "name"), ("vm1email", "email"), ("cfg1", "pw"),
    ("env1", "pw"),
]

SWEEP: list[tuple[str, str, str]] = [
    ("users-plain-guide", H + "docs/SETUP_GUIDE.md",
     "Then key in «$u1sip» on the handset and press OK."),
    ("pjsip-b64-guide", H + "docs/SETUP_GUIDE.md", "Provisioning blob for 2120: «$pj1|b64»"),
    ("users-url-link", H + "docs/setup-guide.html",
     '<p><a href="https://prov.flexpbx.net/p/2001/«$u1sip|url»">provisioning link</a></p>'),
    ("users-html-kbd", H + "docs/setup-guide.html",
     "<p>Handset 2001 accepted <kbd>«$u1sip|html»</kbd>.</p>"),
    ("users-b64-js", H + "js/provision.js", "const blob = atob('«$u1sip|b64»');"),
    ("users-name-php-comment", H + "includes/db.php", "// fixed call forwarding for «$u1name»"),
    ("users-name-conf-comment", E + "extensions.conf", "; «$u2name» asked for the night mode"),
    ("users-mobile-sh-comment", "system/usr/local/bin/flexpbx-reload", "# after hours: «$u1phone»"),
    ("users-pin-md", H + "docs/SUPPORT.md", "Reception mailbox: «$u1pin»."),
    ("users-email-txt", H + "humans.txt", "Team: «$u1email»"),
    ("users-u2-xml-note", H + "provisioning/phonebook.xml", "<Note>«$u2sip»</Note>"),
    ("admins-email-txt", H + "humans.txt", "Site: «$a1email»"),
    ("admins-token-js", H + "js/provision.js", "const t = '«$a1token»';"),
    ("admins-name-html", H + "index.html", "<footer>«$a1name»</footer>"),
    ("temp-password-changelog", H + "CHANGELOG.md", "- reset 2003 to «$t1»"),
    ("pjsip-plain-md", H + "docs/TRUNKS.md",
     "Trunk 2120 came back after re-entering «$pj1» on the ATA."),
    ("vm-pin-md", H + "docs/TRUNKS.md", "Mailbox 2120 now uses «$vm1pin»."),
    ("vm-name-html", H + "docs/setup-guide.html", "<ul><li>«$vm1name»</li></ul>"),
    ("vm-email-md", H + "docs/TRUNKS.md", "Voicemail copies: «$vm1email»"),
    ("config-smtp-md", H + "docs/TROUBLESHOOTING.md",
     "Outlook rejected «$cfg1» until we enabled SMTP AUTH."),
    ("detected-env-repeat", H + "docs/TROUBLESHOOTING.md",
     "The database came back with «$env1» after the restore."),
]

SWEEP_JSON: list[tuple[str, str, tuple[str, ...], object]] = [
    ("users-json-note", H + "config/handsets.json", (), {"handsets": [
        {"ext": "2001", "note": "«$u1sip»"}]}),
    ("pjsip-json-escaped", H + "config/provision.json", (), {"last_value": "«$pj1»"}),
]


def _sources(b: Builder) -> None:
    for label, kind in SOURCES:
        b.source(label, kind)
    s = "sweep.source"
    b.jput("sweep", s + ".users-json", "home/users/2001.json", (), {
        "extension": "2001", "full_name": "«$u1name»", "email": "«$u1email»",
        "sip_password": "«$u1sip»", "voicemail_pin": "«$u1pin»", "mobile": "«$u1phone»"})
    b.jput("sweep", s + ".users-json", "home/users/2002.json", (), {
        "extension": "2002", "full_name": "«$u2name»", "sip_password": "«$u2sip»"})
    b.jput("sweep", s + ".admins-json", "home/admins/admin.json", (), {
        "username": "admin", "full_name": "«$a1name»", "email": "«$a1email»",
        "password_hash": "«bcrypt»", "api_token": "«$a1token»"})
    b.jput("sweep", s + ".temp-passwords", "home/temp_passwords/2003.json", (), {
        "user": "2003", "temp_password": "«$t1»", "expires_at": "2025-03-14 10:15:00"})
    for path in ("home/users/2001.json", "home/users/2002.json", "home/admins/admin.json",
                 "home/temp_passwords/2003.json"):
        b.user_data("sweep.source", path)
    # held by files that do enter the store: the structure rules see them there
    b.put("asterisk", "ast.pjsip-auth-sweep-source", E + "pjsip.conf",
          "[2120-auth]\n⊙type=auth\n⊙username=2120\npassword=«$pj1»")
    b.put("asterisk", "ast.vm-sweep-source", E + "voicemail.conf",
          "[flexpbx-branch]\n2120 => «$vm1pin»,«$vm1name»,«$vm1email»")
    b.jput("label", "label.json-sweep-source", CFG, ("smtp",), {"password": "«$cfg1»"})
    b.put("label", "label.env-sweep-source", H + ".env", "BACKUP_DB_PASSWORD=«$env1»")


# National numbers of the installation's own country (its timezone says which),
# written without + and without a word that says "phone".
HOME: list[tuple[str, str, str]] = [
    ("md-home-national", H + "docs/SUPPORT.md", "If nobody answers, try «home_phone» after six."),
    ("txt-home-national", H + "admin/notes.txt", "night porter «home_phone»"),
    ("php-home-national", H + "includes/mailer.php", "// escalations go to «home_phone»"),
]


def plant(b: Builder) -> None:
    b.jkeep("keep.json-timezone", CFG, ("system",), "timezone", b.v.home()[1])
    for idiom, path, template in HOME:
        b.put("personal", "personal." + idiom, path, template)
    for idiom, path, template in ROWS:
        b.put("personal", "personal." + idiom, path, template)
    for idiom, path, keys, obj in JSON:
        b.jput("personal", "personal." + idiom, path, keys, obj)
    _sources(b)
    for idiom, path, template in SWEEP:
        b.put("sweep", "sweep." + idiom, path, template)
    for idiom, path, keys, obj in SWEEP_JSON:
        b.jput("sweep", "sweep." + idiom, path, keys, obj)
