"""Personal data in every text file: person names and phone numbers.

Names (rule ``personal.name``; ``FlexPBX User``, or ``FlexPBX``/``User`` under a
first/last-name key) are replaced where something says they are a person's:

* a value under a person-name key, in any syntax (``'admin_name' => '…'``,
  ``define('ADMIN_NAME', …)``, ``owner: …``, ``MAIL_FROM_NAME="…"``,
  ``- **Owner:** …``, ``<author>…</author>``).
  Keys that also name other things (``owner``, ``author``, ``manager``,
  ``contact``, ``from_name``, a plain ``name``) only take a value shaped like a
  person (one to four capitalised words, no digits, no ``Team``/``Support``/
  ``PBX``…); a plain ``name`` only beside person fields (an email, phone or
  extension key, or a ``staff``/``users``/``contacts`` list, within three lines).
* prose labels: ``Owner:``/``Maintainer:``/``Author:``/``Contact:``/``@author``,
  ``maintained by``/``managed by``/``written by``…, ``contact``/``thanks``
  followed by a person (the capitalised words up to the first punctuation).
* ``Name <email>``, ``Name (email, phone)``, ``Name mobile: <phone>`` and
  ``call Name on/at <phone>``, unless
  the address is one the patterns keep (``example.com``); the text of a
  ``mailto:`` link; ``<meta name="author" content="…">``; the display name
  beside an address literal in a call (``$mail->setFrom('a@b.io', 'Name')``,
  ``new Address('a@b.io', 'Name')``, ``formataddr(('Name', 'a@b.io'))``).
* in prose (Markdown, text, HTML): ``Surname, Firstname`` (the second word a
  known first name, :mod:`.first_names`), and a lower-case ``firstname
  surname`` after a person cue (``thanks to``, ``maintained by``, ``contact``).
* records of people by their structure: vCards, CSV phone books
  (:mod:`.contacts`); SQL rows are :mod:`.sql`'s.
* callerid display names Asterisk's own parser does not see: ``Set(CALLERID(name)=…)``
  and ``CALLERID(all)=``, and ``callerid=… <2001>`` outside ``.conf`` files.

Phone numbers (rule ``personal.phone``, replaced by ``+15555550100``) are
found by :mod:`.phones` (Google's libphonenumber); its docstring states the rule.
"""

from __future__ import annotations

import re

import ahocorasick

from flexgit.sanitize import contacts, labels, patterns, phones, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.first_names import is_first_name
from flexgit.sanitize.keys import Kind, classify, normalize, words
from flexgit.sanitize.person_names import leading_person, line_rest, person, trailing_person
from flexgit.sanitize.rules import Rules

NAME_RULE = "personal.name"
PHONE_RULE = "personal.phone"

# -- names -------------------------------------------------------------------

# Where a name may follow: key words, "<verb> by ", "thanks".
_KEY_WORDS = ("name", "owner", "author", "maintainer", "manager", "contact", "sender")
_BY = (" by ", "thanks ", "thanks to ")
# Cues before a person in prose files only, where two words are needed.
_PROSE_CUES = ("ask ", " with ", "cc ", "ping ", "call ", "signed ", "regards ")
_FEATURES = ("callerid", "<meta", "mailto:", "insert", "begin:vcard")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_BY_VERBS = words(
    "maintained managed owned written created authored edited run operated administered"
)
_LAST_WORD = re.compile(r"[A-Za-z]+\Z")
_KEY_CHAR = re.compile(r"[\w.\-]")
_AFTER_KEY = re.compile(
    r"""(?P<kq>['"]?\]?)[*_]{0,2}[ \t]*(?P<op>=>|=(?![=>~])|:(?!:)|,|>)[ \t]*[*_]{0,2}[ \t]*"""
    r"""(?:(?P<q>['"])(?P<v>(?:(?!(?P=q))[^\\\n]|\\.)*)(?P=q)|(?P<u>[^\s'"$`{(<\[][^\n]*))"""
)
_PLACEHOLDER: dict[Kind | None, str] = {
    Kind.FIRST_NAME: ph.FIRST_NAME_PLACEHOLDER, Kind.LAST_NAME: ph.LAST_NAME_PLACEHOLDER,
}
_LABELS = frozenset({"owner", "maintainer", "author", "contact", "manager"})
_AMBIGUOUS = _LABELS | {"sender", "from"}
_PERSON_HINT = re.compile(
    r"(?i)e[-_]?mail|phone|mobile|extension|\bext\b|first_?name|last_?name|surname|staff"
    r"|\busers\b|contacts|members|employees|\bteam\b|people|agents"
)
_ADDRESS = re.compile(r"<[^<>\s@]+@|\([^()\n@]*@")  # linear: no class overlaps "@"
_EMAIL_AFTER = re.compile(r"[ \t]*(?:<(?P<a>[^<>\s@]+@[^<>\s]+)>|\((?P<p>[^()\n]*)\))")
# "Alice Jones mobile: +1…", and in prose "call Alice Jones on/at +1…".
_LABEL_BEFORE = re.compile(
    r"(?i)[ \t](?:(?:mobile|cell|phone|tel|fax)(?:[ \t]*(?:number|no\.?))?[ \t]*[:=]?|on|at)"
    r"[ \t]*\Z"
)
_MAILTO = re.compile(r"""(?i)<a[ \t][^<>]*href=["']mailto:[^<>]*>(?P<v>[^<>\n]{1,80})</a>""")
_META = re.compile(
    r"""(?i)<meta[ \t]+name=["'](?:author|owner|publisher|copyright)["'][ \t]+"""
    r"""content=(?P<q>["'])(?P<v>(?:(?!(?P=q))[^\n])*)(?P=q)"""
)
# Lower-case "first last" at the start of a cue's rest, up to punctuation.
_LOWER_PAIR = re.compile(r"[ \t]*(?P<name>(?P<first>[^\W\d_]+)[ \t]+[^\W\d_]+(?:-[^\W\d_]+)?)"
                         r"(?![\w@-])(?!\.\w)")
# An address literal and a name literal as the two arguments of a call, in
# either order. (No back-references: the prefilter gates on the whole shape.)
_Q = "['\"]"
_ADDRESS_LITERAL = rf"{_Q}[\w.%+-]+@[\w-]+(?:\.[\w-]+)+{_Q}"
_ADDRESS_ARGS = prefilter.compile(
    rf"\(\s*(?:{_ADDRESS_LITERAL}\s*,\s*{_Q}(?P<after>[^'\"\n\\$]{{1,80}}){_Q}"
    rf"|\(?\s*{_Q}(?P<before>[^'\"\n\\$]{{1,80}}){_Q}\s*,\s*{_ADDRESS_LITERAL})\s*\)")
_SURNAME_FIRST = prefilter.compile(
    r"(?<![\w,])(?P<last>[^\W\d_]+(?:['\u2019-][^\W\d_]+)?),[ \t]"
    r"(?P<first>[^\W\d_]+)(?=[ \t]*(?:[.;:)(<|\]]|\r?$))", re.M)
_CALLERID_SET = re.compile(r"(?i)CALLERID\((?P<f>name|all)\)[ \t]*=[ \t]*(?P<v>[^)\n]*)")
_CALLERID_KEY = re.compile(r"""(?i)(?<![\w(])callerid['"]?[ \t]*[=:][ \t]*(?P<v>[^\n;]*)""")
_CALLERID_VALUE = re.compile(
    r'[ \t]*(?:"(?P<q>(?:[^"\\]|\\.)*)"|(?P<n>[^"<>]*?))[ \t]*(?:<[^>\n]*>)'
)


class _Names:
    def __init__(self, editor: Editor, path: str) -> None:
        self.editor = editor
        self.text = editor.text
        self.path = path
        self.conf = path.lower().endswith(".conf") or path.startswith("system/etc/asterisk/")
        # Prose: a document, or a JSON string value (json_rules passes no path),
        # which is a note when it reaches this layer.
        self.prose_file = path == "" or labels.is_document(path)

    def claim(self, start: int, end: int, replacement: str) -> None:
        if self.editor.is_free(start, end):
            self.editor.claim(start, end, replacement, NAME_RULE)

    def name(self, start: int, value: str, *, strict: bool, placeholder: str) -> None:
        span = person(value, strict=strict)
        if span is not None:
            self.claim(start + span[0], start + span[1], placeholder)

    def run(self, phone_spans: list[tuple[int, int]]) -> None:
        text = self.text
        low = _lower(text)
        hits = _hits(low)
        if self.prose_file:
            # Before the labels: "Contact: Jankowski, Ulrika" is one name.
            if ", " in text:
                self.surname_first()
            # A JSON string is short: a cue there is followed by a capitalised name.
            lower = self.path != ""
            for needle in _PROSE_CUES:
                for start in _find_all(low, needle):
                    self.prose(start + len(needle), 2, lower=lower)
        keys = sorted((i, i + len(k)) for k in _KEY_WORDS for i in hits.get(k, ()))
        for start, end in keys:
            self.key(start, end)
        for needle in (" by ", "thanks ", "thanks to "):
            for start in hits.get(needle, ()):
                verb = _LAST_WORD.search(text, max(0, start - 20), start)
                if needle != " by " or (verb and verb.group().lower() in _BY_VERBS):
                    # maintained by / (thanks Alice Jones)
                    self.prose(start + len(needle), 1, lower=self.prose_file)
        if "@" in text:
            self.name_before_address()
            self.name_beside_address()

        if "callerid" in low:
            self.callerid()
        if "<meta" in low or "mailto:" in low:
            self.meta()
        self.name_before_label(phone_spans)
        contacts.apply(self.editor, self.path, self.claim,
                       vcard="begin:vcard" in low)

    def key(self, start: int, end: int) -> None:
        text = self.text
        while start > 0 and _KEY_CHAR.match(text, start - 1):
            start -= 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        key = text[start:end]
        if start > 0 and text[start - 1] == "@" and key.lower() == "author":  # PHPDoc
            self.prose(end, 1)
            return
        norm = normalize(key)
        kind = classify(norm)
        last = norm.rsplit("_", 1)[-1]
        if kind not in (Kind.NAME, Kind.FIRST_NAME, Kind.LAST_NAME, Kind.MAYBE_NAME) and (
                last not in _AMBIGUOUS or norm.endswith(("_user", "_uri"))):
            return
        m = _AFTER_KEY.match(text, end)
        if m is None:
            if norm == "contact" and text[end : end + 1] in (" ", "\t"):  # "contact Alice Jones"
                self.prose(end, 2)
            return
        op = m.group("op")
        if op == "," and "define" not in text[max(0, start - 12) : start]:
            return
        if op == ">" and not (start > 0 and text[start - 1] == "<"):
            return
        placeholder = _PLACEHOLDER.get(kind, ph.NAME_PLACEHOLDER)
        explicit = kind in (Kind.NAME, Kind.FIRST_NAME, Kind.LAST_NAME) and last not in _AMBIGUOUS
        if kind is Kind.MAYBE_NAME and not self.person_context(start):
            return
        if op == ">":  # <owner>Alice Jones</owner>
            close = text.find("</", end + 1)
            if close > 0 and "\n" not in text[end:close]:
                self.name(end + 1, text[end + 1 : close], strict=not explicit,
                          placeholder=placeholder)
            return
        group = "v" if m.group("v") is not None else "u"
        value = m.group(group)
        if group == "v" and ("$" in value or "{" in value):
            return  # interpolation: code, not a literal
        if group == "v" or person(value, strict=not explicit) is not None:
            self.name(m.start(group), value, strict=not explicit, placeholder=placeholder)
        else:  # Owner: Alice Jones (alice@…), since 2020
            found = leading_person(value)
            rest = value[found[1] :].lstrip() if found is not None else ""
            if found is not None and not rest[:1].isalpha():  # not "Acme Telecom PBX"
                self.claim(m.start(group) + found[0], m.start(group) + found[1], placeholder)

    def prose(self, start: int, least: int, *, lower: bool = False) -> None:
        """The capitalised words that open the rest of the line, if *least* or more;
        with `lower` (after a person cue in a prose file), also a lower-case
        first name and surname ("thanks to ulrika jankowski")."""
        rest = line_rest(self.text, start)
        head = rest.lstrip(" \t*_-\u2013\u2014:")[:1]
        if not head.isupper() and not (lower and head.isalpha()):
            return  # neither a capitalised name nor a lower-case one to look for
        found = leading_person(rest) if head.isupper() else None
        if found is not None and found[2] >= least:
            self.claim(start + found[0], start + found[1], ph.NAME_PLACEHOLDER)
        elif lower and (m := _LOWER_PAIR.match(rest)) is not None and \
                is_first_name(m.group("first")) and \
                person(m.group("name"), strict=False) is not None:
            self.claim(start + m.start("name"), start + m.end("name"), ph.NAME_PLACEHOLDER)

    def name_beside_address(self) -> None:
        """The display name passed with an address literal (see the module doc)."""
        text = self.text
        for m in prefilter.finditer(_ADDRESS_ARGS, text):
            group = "after" if m.group("after") is not None else "before"
            self.name(m.start(group), m.group(group), strict=False,
                      placeholder=ph.NAME_PLACEHOLDER)

    def surname_first(self) -> None:
        """``Jankowski, Ulrika`` in prose: a capitalised word that is no first name,
        a comma, a first name, then the end of the clause ("Paris, France",
        "London, Victoria was there" stay)."""
        text = self.text
        for m in prefilter.finditer(_SURNAME_FIRST, text):
            first, last = m.group("first"), m.group("last")
            if first[0].isupper() and last[0].isupper() and is_first_name(first) and \
                    not is_first_name(last) and person(f"{first} {last}") is not None:
                self.claim(m.start(), m.end(), ph.NAME_PLACEHOLDER)

    def meta(self) -> None:
        """``<meta name="author" content="…">`` and ``<a href="mailto:…">Alice Jones</a>``."""
        for regex in (_META, _MAILTO):
            for m in regex.finditer(self.text):
                self.name(m.start("v"), m.group("v"), strict=True,
                          placeholder=ph.NAME_PLACEHOLDER)

    def person_context(self, pos: int) -> bool:
        """Whether a plain ``name`` at pos stands among a person's fields."""
        text = self.text
        lo = hi = pos
        for _ in range(4):
            lo = max(0, text.rfind("\n", 0, max(0, lo - 1)))
        for _ in range(4):
            nxt = text.find("\n", hi + 1)
            hi = len(text) if nxt < 0 else nxt
        return _PERSON_HINT.search(text, lo, hi) is not None

    def name_before_address(self) -> None:
        """``Alice Jones <alice@acme.io>``, ``"Jones, Alice" <…>``, ``Alice Jones (a@…, +1…)``."""
        text = self.text
        for m in _ADDRESS.finditer(text):
            after = _EMAIL_AFTER.match(text, m.start())
            if after is None:
                continue
            if after.group("a") is not None:
                if patterns.email_replacement(after.group("a")) is None:
                    continue
            elif not text[m.start() - 1 : m.start()].isspace():
                continue  # Dial(PJSIP/2001@host) is a call, not "Name (address)"
            line_start = text.rfind("\n", 0, m.start()) + 1
            lo = max(line_start, m.start() - 100)
            before = text[lo : m.start()].rstrip(" \t")
            if before.endswith('"'):  # "Jones, Alice" <…>
                quote = before.rfind('"', 0, len(before) - 1)
                if quote >= 0:
                    self.name(lo + quote + 1, before[quote + 1 : -1].replace(",", " "),
                              strict=False, placeholder=ph.NAME_PLACEHOLDER)
                continue
            first = trailing_person(before, least=1 if after.group("a") is not None else 2)
            if first is not None:
                self.claim(lo + first, lo + len(before), ph.NAME_PLACEHOLDER)

    def name_before_label(self, phone_spans: list[tuple[int, int]]) -> None:
        """``; Alice Jones mobile: +1 415 …``, ``call Alice Jones on +1 415 …``: a
        name (two words or more) just before a phone's label or preposition."""
        text = self.text
        for start, _ in phone_spans:
            line_start = text.rfind("\n", 0, start) + 1
            label = _LABEL_BEFORE.search(text, max(line_start, start - 40), start)
            if label is not None:
                first = trailing_person(text[line_start : label.start()], least=2)
                if first is not None:
                    self.claim(line_start + first, label.start(), ph.NAME_PLACEHOLDER)

    def callerid(self) -> None:
        text = self.text
        for m in _CALLERID_SET.finditer(text):
            value = m.group("v")
            if "$" in value:
                continue
            if m.group("f").lower() == "name":
                self.name(m.start("v"), value, strict=False, placeholder=ph.NAME_PLACEHOLDER)
            else:
                self.display_name(m.start("v"), value)
        if not self.conf:  # .conf files: asterisk.py parses callerid= itself
            for m in _CALLERID_KEY.finditer(text):
                if "$" not in m.group("v"):
                    self.display_name(m.start("v"), m.group("v"))

    def display_name(self, start: int, value: str) -> None:
        m = _CALLERID_VALUE.match(value)
        if m is None:
            return
        group = "q" if m.group("q") is not None else "n"
        self.name(start + m.start(group), m.group(group), strict=False,
                  placeholder=ph.NAME_PLACEHOLDER)




def _lower(text: str) -> str:
    """text lower-cased with the same offsets (a few non-ASCII letters lower to two)."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def _find_all(low: str, needle: str) -> list[int]:
    found = []
    i = low.find(needle)
    while i >= 0:
        found.append(i)
        i = low.find(needle, i + 1)
    return found


def _hits(low: str) -> dict[str, list[int]]:
    """Where each key word and prose needle starts (str.find: faster than one
    Aho-Corasick pass or a case-insensitive regex over a whole file)."""
    found: dict[str, list[int]] = {}
    for needle in (*_KEY_WORDS, *_BY):
        if at := _find_all(low, needle):
            found[needle] = at
    return found


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the names and phone numbers in editor.text (see the module docstring)."""
    # Phones are found first (a name before a phone's label needs them) and
    # claimed last: a name rule knows better where a record's fields end.
    spans = list(phones.spans(editor.text, regions=editor.regions))
    if NAME_RULE not in editor.disabled:
        _Names(editor, path).run(spans)
    labels.table_emails(editor)
    if PHONE_RULE not in editor.disabled:
        for start, end in spans:
            if editor.is_free(start, end):
                editor.claim(start, end, ph.PHONE_PLACEHOLDER, PHONE_RULE)


def _needles() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for needle in (*_KEY_WORDS, *_BY, *_FEATURES):
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return automaton


# For short JSON strings one automaton call beats a str.find per needle. With
# a needle, apply() could find something in a string with an address or seven
# digit-or-separator characters after a digit.
_NEEDLES = _needles()
_GATE = re.compile(r"@|[0-9][0-9 ().\-/]{6}")


def could_match(text: str) -> bool:
    """False when apply() cannot claim anything in text (a cheap gate for JSON strings)."""
    return _GATE.search(text) is not None or next(_NEEDLES.iter(text.lower()), None) is not None
