"""Personal data layer: person names and phone numbers in every file kind."""

from __future__ import annotations

import json

import pytest

from flexgit.sanitize import Rules, sanitize

N = "FlexPBX User"
P = "+15555550100"
E = "user@example.com"

PHP = "home/public_html/api/config.php"
JS = "home/public_html/js/app.js"
HTML = "home/public_html/index.html"
ENV = "home/public_html/.env"
INI = "home/public_html/config/settings.ini"
YAML = "home/deploy/inventory.yml"
MD = "home/docs/SETUP.md"
SH = "system/usr/local/bin/flexpbx-notify"
EXT = "system/etc/asterisk/extensions.conf"
PJSIP = "system/etc/asterisk/pjsip.conf"
FOLLOWME = "system/etc/asterisk/followme.conf"
JSON = "home/flexpbx-config.json"


def run(path: str, text: str) -> tuple[str, dict[str, int]]:
    result = sanitize(path, text.encode())
    return result.data.decode(), result.counts


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (PHP, "$c = ['admin_name' => 'David Okafor', 'debug' => false];",
         f"$c = ['admin_name' => '{N}', 'debug' => false];"),
        (PHP, "define('ADMIN_NAME', 'David Okafor');", f"define('ADMIN_NAME', '{N}');"),
        (PHP, '$owner_name = "Carol Nguyen";', f'$owner_name = "{N}";'),
        (PHP, "$cfg['owner'] = 'Bob Martinez';", f"$cfg['owner'] = '{N}';"),
        (PHP, "    'first_name' => 'Alice', 'last_name' => 'Johnson',",
         "    'first_name' => 'FlexPBX', 'last_name' => 'User',"),
        (PHP, "$mail->setFrom($from, 'x'); $sender_name = 'Erin Walsh';",
         f"$mail->setFrom($from, 'x'); $sender_name = '{N}';"),
        (PHP, " * @author David Okafor <david.okafor@acme-telecom.net>", f" * @author {N} <{E}>"),
        (PHP, "    ['name' => 'Alice Johnson', 'ext' => '2001'],",
         f"    ['name' => '{N}', 'ext' => '2001'],"),
        (JS, "const site = { owner: 'Alice Johnson', maintainer: \"Bob Martinez\" };",
         f"const site = {{ owner: '{N}', maintainer: \"{N}\" }};"),
        (JS, "const ADMIN_NAME = 'David Okafor';", f"const ADMIN_NAME = '{N}';"),
        (JS, "staff.push({ name: 'Carol Nguyen', phone: '+44 20 7946 0321' });",
         f"staff.push({{ name: '{N}', phone: '{P}' }});"),
        (HTML, '<meta name="author" content="David Okafor">',
         f'<meta name="author" content="{N}">'),
        (HTML, "<p>Site owner: <owner>Alice Johnson</owner></p>",
         f"<p>Site owner: <owner>{N}</owner></p>"),
        (ENV, 'MAIL_FROM_NAME="David Okafor"', f'MAIL_FROM_NAME="{N}"'),
        (ENV, "MAIL_FROM_NAME=David Okafor", f"MAIL_FROM_NAME={N}"),
        (INI, "admin_name = David Okafor ; who gets the alerts",
         f"admin_name = {N} ; who gets the alerts"),
        (INI, "manager = Bob Martinez", f"manager = {N}"),
        (YAML, "owner: David Okafor  # on call", f"owner: {N}  # on call"),
        (YAML, "staff:\n  - name: Alice Johnson\n    ext: 2001\n",
         f"staff:\n  - name: {N}\n    ext: 2001\n"),
        (MD, "- **Owner:** David Okafor\n- **Maintainer**: Alice Johnson\n",
         f"- **Owner:** {N}\n- **Maintainer**: {N}\n"),
        (MD, "Maintained by Alice Johnson since 2021.", f"Maintained by {N} since 2021."),
        (MD, "This server is managed by Bob Martinez, IT.", f"This server is managed by {N}, IT."),
        (MD, "Please contact Carol Nguyen for access.", f"Please contact {N} for access."),
        (MD, "Contact: Erin Walsh", f"Contact: {N}"),
        (MD, "Questions to Alice Johnson <alice.johnson@acme-telecom.net>.",
         f"Questions to {N} <{E}>."),
        (MD, 'From: "Okafor, David" <david.okafor@acme-telecom.net>', f'From: "{N}" <{E}>'),
        (MD, "Escalate to Carol Nguyen (carol@northwind-media.com, +44 20 7946 0321).",
         f"Escalate to {N} ({E}, {P})."),
        (MD, 'Set `callerid="Alice Johnson" <2001>` on the desk phone.',
         f'Set `callerid="{N}" <2001>` on the desk phone.'),
        (SH, "# Maintainer: Bob Martinez <bob.martinez@acme-telecom.net>",
         f"# Maintainer: {N} <{E}>"),
        (EXT, "exten => 2001,1,Set(CALLERID(name)=Alice Johnson)",
         f"exten => 2001,1,Set(CALLERID(name)={N})"),
        (EXT, 'exten => 2002,1,Set(CALLERID(all)="Bob Martinez" <2002>)',
         f'exten => 2002,1,Set(CALLERID(all)="{N}" <2002>)'),
        (PJSIP, "[2001]\ncallerid=Alice Johnson <2001>\n", f"[2001]\ncallerid={N} <2001>\n"),
        (PJSIP, "; Hiroshi van der Berg mobile: +33 1 23 45 71 04",
         f"; {N} mobile: {P}"),
        (MD, "On call: Hiroshi van der Berg (hiroshi@acme-telecom.net, +33 1 23 45 71 04)",
         f"On call: {N} ({E}, {P})"),
        (MD, "- Fixed the queue timeout (thanks Lucía Müller)",
         f"- Fixed the queue timeout (thanks {N})"),
        (SH, "# Owner: Seán O'Brien (sean@acme-telecom.net)", f"# Owner: {N} ({E})"),
        (HTML, '<a href="mailto:zoe@acme-telecom.net">Zoë Lefèvre</a>',
         f'<a href="mailto:{E}">{N}</a>'),
        (HTML, '<meta name="author" content="Émilie O\'Brien">',
         f'<meta name="author" content="{N}">'),
        ("home/public_html/contacts/support.vcf",
         "BEGIN:VCARD\nVERSION:3.0\nN:Okafor;David;;;\nFN:David Okafor\n"
         "TEL;TYPE=CELL:+14155550142\nEMAIL;TYPE=work:david@acme-telecom.net\nEND:VCARD\n",
         f"BEGIN:VCARD\nVERSION:3.0\nN:{N};{N};;;\nFN:{N}\nTEL;TYPE=CELL:{P}\n"
         f"EMAIL;TYPE=work:{E}\nEND:VCARD\n"),
        ("home/public_html/provisioning/phonebook.csv",
         "Name,Number,Email\nAlice Johnson,+14155550142,alice@acme-telecom.net\nReception,2000,\n",
         f"Name,Number,Email\n{N},{P},{E}\nReception,2000,\n"),
        ("home/public_html/sql/dump.sql",
         "INSERT INTO contacts (name, email, phone) VALUES ('Seán O''Brien', "
         "'sean@acme-telecom.net', '+14155550142'), ('Sales Queue', '', '2000');",
         f"INSERT INTO contacts (name, email, phone) VALUES ('{N}', "
         f"'{E}', '{P}'), ('Sales Queue', '', '2000');"),
    ],
)  # fmt: skip
def test_names(path: str, before: str, after: str) -> None:
    out, _ = run(path, before)
    assert out == after
    assert sanitize(path, out.encode()).data.decode() == out


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        (MD, "Call me at 415-555-0142 or (415) 555-0187.", f"Call me at {P} or {P}."),
        (MD, "UK office: +44 20 7946 0321, Paris +33 6 12 34 56 78",
         f"UK office: {P}, Paris {P}"),
        (MD, "Mobile: 4155550199", f"Mobile: {P}"),
        (MD, "Phone (UK): 020 7946 0321", f"Phone (UK): {P}"),
        (PHP, "$notify = '+1 (212) 555-7890'; // night line", f"$notify = '{P}'; // night line"),
        (JS, "// on-call cell 212.555.7890", f"// on-call cell {P}"),
        (SH, 'curl -d "to=+14155550142" https://sms.example/api',
         f'curl -d "to={P}" https://sms.example/api'),
        (INI, "emergency_number = +1 415 555 0142", f"emergency_number = {P}"),
        (EXT, "exten => 2001,n,Set(CALLERID(num)=14155550142)",
         f"exten => 2001,n,Set(CALLERID(num)={P})"),
        (PJSIP, "[2001]\ncallerid=\"Alice\" <4155550142>\n", f"[2001]\ncallerid=\"{N}\" <{P}>\n"),
        (EXT, "same => n,Dial(PJSIP/+14155550142@acme-trunk,30)",
         f"same => n,Dial(PJSIP/{P}@acme-trunk,30)"),
        (EXT, "same => n,Dial(PJSIP/14155550142@acme-trunk,30)",
         f"same => n,Dial(PJSIP/{P}@acme-trunk,30)"),
        (EXT, "[globals]\nFOLLOWME_2001=+14155550142\n", f"[globals]\nFOLLOWME_2001={P}\n"),
        (JS, "// escalate to 01 23 45 67 89 after 3 failures",
         f"// escalate to {P} after 3 failures"),
        (HTML, '<a href="tel:+14155550142">Call support</a>',
         f'<a href="tel:{P}">Call support</a>'),
        (FOLLOWME, "[2001]\nnumber=>14155550142,25\nnumber=>2002,20\n",
         f"[2001]\nnumber=>{P},25\nnumber=>2002,20\n"),
        (JSON, '{"notes": "after hours call +1 415 555 0142"}',
         f'{{"notes": "after hours call {P}"}}'),
        (JSON, '{"followme": "+14155550142", "emergency_number": "911"}',
         f'{{"followme": "{P}", "emergency_number": "911"}}'),
        (JSON, '{"forward_to": "(415) 555-0187", "callback_number": 14155550142}',
         f'{{"forward_to": "{P}", "callback_number": 15555550100}}'),
    ],
)  # fmt: skip
def test_phones(path: str, before: str, after: str) -> None:
    out, _ = run(path, before)
    assert out == after
    assert sanitize(path, out.encode()).data.decode() == out


@pytest.mark.parametrize(
    ("path", "text"),
    [
        # Extensions, short codes, dialplan patterns, DIDs that route calls.
        (EXT, "exten => 4155550100,1,Goto(from-trunk,s,1)\n"),
        (EXT, "exten => _1NXXNXXXXXX,1,Dial(PJSIP/${EXTEN}@acme-trunk)\n"),
        (EXT, "exten => _NXXNXXXXXX,1,Dial(PJSIP/1${EXTEN}@acme-trunk,60)\n"),
        (EXT, "exten => _X.,1,NoOp(Inbound call from ${CALLERID(num)})\n"),
        (EXT, "exten => 911,1,Dial(PJSIP/911@acme-trunk)\nexten => "
         "*97,1,VoiceMailMain(@default)\n"),
        (EXT, "exten => 2001,n,Dial(IAX2/4155550100@iax.acme-voip.net/2001)\n"),
        (EXT, "exten => 2001,1,Set(CALLERID(name)=${DB(cidname/${CALLERID(num)})})\n"),
        # Trunk accounts the provider assigned, and URIs.
        (PJSIP, "[acme]\ntype=registration\nclient_uri=sip:4155550100@sip.acme-voip.net\n"),
        (PJSIP, "[acme-auth]\ntype=auth\nusername=4155550100\n"),
        (PJSIP, "[acme]\ncontact_user=4155550100\nfromuser=4155550100\n"),
        (PJSIP, "[acme]\ndefaultuser=4155550100\nauthuser=4155550100\n"),
        (FOLLOWME, "[2001]\nnumber=>2002,20\n"),
        (INI, "emergency_number=911\nemergency_extension=911\nrtpstart=10000\nrtpend=20000\n"),
        (INI, "did = 4155550100\ninbound_did = 4155550101\naccountcode = 4155550102\n"),
        # Not phone numbers at all: addresses, dates, times, versions, ids, hashes.
        (MD, "Server 192.168.10.21:5060 since 2025-09-01 09:00:00 (1760436902), v1.2.3.4567\n"),
        (MD, "Backups at 2025/10/15 12:30:45; size 1048576; ports 10000-20000.\n"),
        (PHP, "$id = '550e8400-e29b-41d4-a716-446655440000'; $h = "
         "'5f4dcc3b5aa765d61d8327deb882cf99';\n"),
        (JS, "const blob = 'a3f+14155550142/xyz'; const n = 4155550100;\n"),
        (MD, "The PBX in New York answers 2001 2002 2003 2004.\n"),
        # Names that are not people, and code.
        (PHP, "$owner = getOwner($ext);\n$name = $user->name;\n"),
        (ENV, 'MAIL_FROM_NAME="${APP_NAME}"\n'),
        (INI, "from_name = Acme Telecom PBX\n"),
        (MD, "## Contact Information\nContact: FlexPBX Support\nContact us at the NOC.\n"),
        (MD, "Owner: the NOC team\nManaged by systemd.\n"),
        (MD, "Questions: John Doe <john@example.com>\n"),
        (JS, "const queue = { name: 'Sales Queue', strategy: 'ringall' };\n"),
        (SH, 'OWNER="asterisk"\nchown "$OWNER" /var/spool/asterisk\n'),
        (EXT, "exten => s,1,Dial(PJSIP/2001&PJSIP/2002)\n"),
        (JSON, '{"contact": "sip:2001@192.168.10.21:5060", "owner_uid": 1000}\n'),
        (JSON, '{"emergency_extension": "911", "emergency_number": 911, "followme": "2002"}\n'),
    ],
)  # fmt: skip
def test_must_keep(path: str, text: str) -> None:
    out, counts = run(path, text)
    assert out == text, counts
    assert "personal.name" not in counts and "personal.phone" not in counts


def test_json_keys() -> None:
    doc = {
        "owner": "David Okafor",
        "admin_name": "David Okafor",
        "smtp": {"mail_from_name": "Carol Nguyen", "sender_name": "Erin Walsh"},
        "author": "Alice Johnson",
        "emergency_number": "+1 415 555 0142",
        "did": "4155550100",
        "contact": "sip:2001@pbx",
    }
    out = json.loads(sanitize(JSON, json.dumps(doc, indent=2).encode()).data)
    assert out == {
        "owner": N, "admin_name": N, "smtp": {"mail_from_name": N, "sender_name": N},
        "author": N, "emergency_number": P, "did": "4155550100", "contact": "sip:2001@pbx",
    }  # fmt: skip


def test_rules_off() -> None:
    text = "Owner: David Okafor\nMobile: +1 415 555 0142\n"
    off = Rules(disabled=frozenset({"personal.name", "personal.phone"}))
    assert sanitize(MD, text.encode(), off).data.decode() == text
    name_only = Rules(disabled=frozenset({"personal.phone"}))
    assert sanitize(MD, text.encode(), name_only).data.decode() == (
        f"Owner: {N}\nMobile: +1 415 555 0142\n"
    )


def test_line_count_and_counts() -> None:
    text = "Owner: David Okafor\n\nCall +1 415 555 0142 or 415-555-0187\n"
    out, counts = run(MD, text)
    assert out.count("\n") == text.count("\n")
    assert counts == {"personal.name": 1, "personal.phone": 2}


@pytest.mark.parametrize(("text", "expected"), [
    ("Call Jarrah Hoffmeister on +34 612 38 46 87 before changing the trunk",
     f"Call {N} on {P} before changing the trunk"),
    ("reach Priya Nakashima at 415-233-9804 after 6pm", f"reach {N} at {P} after 6pm"),
])
def test_name_before_on_at_a_phone(text: str, expected: str) -> None:
    path = "home/public_html/config/trunks.json"
    doc = json.dumps({"notes": {"text": text}})
    assert json.loads(sanitize(path, doc.encode()).data)["notes"]["text"] == expected


@pytest.mark.parametrize("text", ["Priority on 2024-11-03", "Reach Support at 415-233-9804"])
def test_no_name_before_on_at(text: str) -> None:
    out = sanitize("home/notes.txt", (text + "\n").encode()).data.decode()
    assert N not in out


_USER = "FlexPBX User"


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("home/public_html/about.txt", "Thanks to ulrika papadopoulos for testing.",
         f"Thanks to {_USER} for testing."),
        ("home/public_html/admin/notes.txt", "ask søren wójcik for the rack keys",
         f"ask {_USER} for the rack keys"),
        ("home/public_html/docs/SUPPORT.md", "Escalations: cc mark kowalski.",
         f"Escalations: cc {_USER}."),
        ("home/public_html/about.txt", "Signed, Uchenna, Annelise", f"Signed, {_USER}"),
        ("home/public_html/docs/SUPPORT.md", "Night shift: Petrović, Zoë", f"Night shift: {_USER}"),
        ("home/public_html/docs/SUPPORT.md", "Contact: Jankowski, Ulrika", f"Contact: {_USER}"),
        ("home/public_html/includes/mailer.php",
         "$mail->setFrom('noreply@example.org', 'Annelise Eriksdottir');",
         f"$mail->setFrom('noreply@example.org', '{_USER}');"),
        ("home/public_html/includes/mailer.php",
         '$email->from(new Address("ops@acme-pbx.io", "Kasimir Lindqvist"));',
         f'$email->from(new Address("user@example.com", "{_USER}"));'),
        ("home/tools/notify.py", "msg['From'] = formataddr(('Niamh Oyelaran', 'n@acme-pbx.io'))",
         f"msg['From'] = formataddr(('{_USER}', 'user@example.com'))"),
        ("home/public_html/js/app.js", 'const supportName = "Perpetua Abernathy";',
         f'const supportName = "{_USER}";'),
        ("home/public_html/config.php", "$technician_name = 'Horatio Blackwood';",
         f"$technician_name = '{_USER}';"),
        ("home/public_html/config/trunks.json",
         '{"notes": {"text": "Call Renée Rasmussen on (02) 1238 3764 before changing it"}}',
         f'{{"notes": {{"text": "Call {_USER} on +15555550100 before changing it"}}}}'),
    ],
)
def test_names_in_prose_calls_and_role_keys(path: str, text: str, expected: str) -> None:
    assert sanitize(path, text.encode()).data.decode() == expected


@pytest.mark.parametrize(
    "text",
    [
        "Paris, France is lovely.",
        "We met in London, Victoria was there.",
        "Office hours: Monday, Tuesday",
        "Hello, Mark",
        "Go with the flow, Anna is here.",
        "call the provider NOC with the ticket number",
        "$mail->setFrom('noreply@example.org', 'FlexPBX Support');",
        "const queueName = 'Sales Queue';",
    ],
)
def test_names_lookalikes_stay(text: str) -> None:
    assert sanitize("home/public_html/docs/SUPPORT.md", text.encode()).data.decode() == text
