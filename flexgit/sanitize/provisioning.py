"""Phone provisioning files: the names a handset shows for its accounts.

The passwords in these files are found by key elsewhere (``account.1.password``,
Grandstream ``<P34>``, Polycom ``reg.1.auth.password``, Snom ``user_pass``:
:mod:`.text` and :mod:`.labels`); what only the vendors' key names say is a
person is read here (rule ``personal.name``), in the three forms the vendors
write:

* ``key = value`` lines (Yealink ``<MAC>.cfg``: ``account.1.label``,
  ``account.1.display_name``);
* elements, with attributes or not (Grandstream ``<P3>``/``<P270>`` and the
  display and account names of its accounts 2-4, ``P407``/``P417``,
  ``P507``/``P517``, ``P607``/``P617``; Snom ``<user_realname idx="1">``;
  Cisco SPA ``<Display_Name_1_ ua="na">``; ``<displayName>``);
* attributes (Polycom ``reg.1.label="…"``, ``reg.1.displayName="…"``).

Only a value shaped like a person's name is replaced (capitalised words, no
digits, no ``Reception``/``Front Desk``/``Support``: :mod:`.person_names`):
labels that are extension numbers or places stay, and the SIP user and
authentication names (``auth_name``, ``user_name``, ``<P35>``) are never read.
"""

from __future__ import annotations

from flexgit.sanitize import placeholders as ph
from flexgit.sanitize import prefilter
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.person_names import person
from flexgit.sanitize.rules import Rules

_NAME_KEYS = (
    r"(?:account|reg|line|sip_?line|pstn\.account)[._]?\d+[._](?:label|display_?name)"
    r"|P(?:3|270|407|417|507|517|607|617)|user_realname|realname|display_?name(?:_\d+_?)?"
)
_LINE = prefilter.compile(
    rf"(?im)^[ \t]*(?P<k>{_NAME_KEYS})[ \t]*=[ \t]*(?P<v>[^\r\n#;]*?)[ \t]*\r?$")
_ELEMENT = prefilter.compile(
    rf"(?i)<(?P<k>{_NAME_KEYS})(?:[ \t][^<>\n]*)?>(?P<v>[^<>\n]*)</(?P=k)[ \t]*>")
_ATTRIBUTE = prefilter.compile(
    rf"(?i)(?<=[ \t\n])(?P<k>{_NAME_KEYS})[ \t]*=[ \t]*(?P<q>[\"'])(?P<v>[^\"'<>\n]*)(?P=q)")
RULE = "personal.name"


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the people's names that provisioning keys hold (module docstring)."""
    if RULE in editor.disabled:
        return
    text = editor.text
    for regex in (_LINE, _ELEMENT, _ATTRIBUTE):
        for m in prefilter.finditer(regex, text):
            value = m.group("v")
            span = person(value, strict=True)
            if span is None or ph.is_placeholder(value.strip()):
                continue
            start, end = m.start("v") + span[0], m.start("v") + span[1]
            if editor.is_free(start, end):
                editor.claim(start, end, ph.NAME_PLACEHOLDER, RULE)
