"""Personal data in every text file: person names and phone numbers.

Names (rule ``personal.name``; ``FlexPBX User``, or ``FlexPBX``/``User`` under a
first/last-name key) are replaced where something says they are a person's:

* a value under a person-name key, in any syntax (``'admin_name' => '…'``,
  ``define('ADMIN_NAME', …)``, ``owner: …``, ``MAIL_FROM_NAME="…"``,
  ``- **Owner:** …``, ``<author>…</author>``, ``<meta name="author" content="…">``).
  Keys that also name other things (``owner``, ``author``, ``manager``,
  ``contact``, ``from_name``, a plain ``name``) only take a value shaped like a
  person (one to four capitalised words, no digits, no ``Team``/``Support``/
  ``PBX``…); a plain ``name`` only beside person fields (an email, phone or
  extension key, or a ``staff``/``users``/``contacts`` list, within three lines).
* prose labels: ``Owner:``/``Maintainer:``/``Author:``/``Contact:``/``@author``
  and ``maintained by``/``managed by``/``written by``… followed by a person.
* ``Name <email>`` and ``Name (email, phone)``, unless the address is one the
  patterns keep (``example.com``).
* callerid display names Asterisk's own parser does not see: ``Set(CALLERID(name)=…)``
  and ``CALLERID(all)=``, and ``callerid=… <2001>`` outside ``.conf`` files.

Phone numbers (rule ``personal.phone``, replaced by ``+15555550100``) are
found by :mod:`.phones` (Google's libphonenumber); its docstring states the rule.
"""

from __future__ import annotations

import re

from flexgit.sanitize import patterns, phones
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import Kind, classify, normalize, words
from flexgit.sanitize.rules import Rules

NAME_RULE = "personal.name"
PHONE_RULE = "personal.phone"

# -- names -------------------------------------------------------------------

# Where a name may follow: key words (found with str.find on the lower-cased
# text, far faster than a case-insensitive regex) and "<verb> by ".
_KEY_WORDS = ("name", "owner", "author", "maintainer", "manager", "contact", "sender")
_BY_VERBS = words(
    "maintained managed owned written created authored edited run operated administered"
)
_HIT = re.compile(r"(?i)" + "|".join(_KEY_WORDS) + r"|[ \t]by[ \t]")
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
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-.][^\W\d_]+)*\.?")
_PARTICLES = words("van von de der den del della da di du la le bin ibn al el st")
_NOT_PEOPLE = words(
    "team support admin admins administrator administrators staff noc helpdesk desk sales "
    "service services office reception lobby front main default system systems pbx flexpbx "
    "asterisk telecom inc ltd llc gmbh corp co company group project community contributors "
    "developers maintainers foundation department dept it ops operations engineering billing "
    "accounts accounting hr unknown none anonymous nobody root user users guest everyone all "
    "queue ivr menu conference room general info information details us here below above "
    "form list page name email phone number address the this that your our my for and of to "
    "with by on at via see mailing list true false yes no null undefined owner owners "
    "manager managers author authors contact contacts maintainer sender string str int"
)
_VALUE_END = re.compile(r"[ \t]+(?:#|//|;).*|[ \t]*(?:\*\*|__|[|,;]).*|[ \t\r]+$")
_PERSON_HINT = re.compile(
    r"(?i)e[-_]?mail|phone|mobile|extension|\bext\b|first_?name|last_?name|surname|staff"
    r"|\busers\b|contacts|members|employees|\bteam\b|people|agents"
)
_ADDRESS = re.compile(r"<[^<>\s@]+@|\([^()\n@]*@")  # linear: no class overlaps "@"
_EMAIL_AFTER = re.compile(r"[ \t]*(?:<(?P<a>[^<>\s@]+@[^<>\s]+)>|\((?P<p>[^()\n]*)\))")
_NAME_BEFORE = re.compile(
    r"""(?:"(?P<q>[^"\n]{1,80})"|(?P<n>[^\W\d_][\w'\u2019.\- \t]{0,80}?))[ \t]*\Z"""
)
_META = re.compile(
    r"""(?i)<meta[ \t]+name=["'](?:author|owner|publisher|copyright)["'][ \t]+"""
    r"""content=(?P<q>["'])(?P<v>[^"'\n]*)(?P=q)"""
)
_CALLERID_SET = re.compile(r"(?i)CALLERID\((?P<f>name|all)\)[ \t]*=[ \t]*(?P<v>[^)\n]*)")
_CALLERID_KEY = re.compile(r"""(?i)(?<![\w(])callerid['"]?[ \t]*[=:][ \t]*(?P<v>[^\n;]*)""")
_CALLERID_VALUE = re.compile(
    r'[ \t]*(?:"(?P<q>(?:[^"\\]|\\.)*)"|(?P<n>[^"<>]*?))[ \t]*(?:<[^>\n]*>)'
)


def _person(value: str, *, strict: bool = True) -> tuple[int, int] | None:
    """The span of a person's name that *value* is (after trailing punctuation), or None.

    Strict: one to four capitalised words (particles such as ``van`` aside);
    lenient (a key that says name): up to six words of any case.
    """
    stripped = _VALUE_END.sub("", value, count=1) if value else value
    lead = len(stripped) - len(stripped.lstrip())
    name = stripped.strip()
    parts = name.split()
    if not parts or len(parts) > (4 if strict else 6) or patterns.keep_value(name):
        return None
    core = [w for w in parts if w.lower() not in _PARTICLES]
    if not core or any(not _NAME_WORD.fullmatch(w) for w in parts):
        return None
    if any(w.lower().strip(".") in _NOT_PEOPLE for w in parts):
        return None
    if strict and (any(not w[0].isupper() for w in core) or (len(core) == 1 and core[0].isupper())):
        return None
    return lead, lead + len(name)


class _Names:
    def __init__(self, editor: Editor, path: str) -> None:
        self.editor = editor
        self.text = editor.text
        self.conf = path.lower().endswith(".conf") or path.startswith("system/etc/asterisk/")

    def claim(self, start: int, end: int, replacement: str) -> None:
        if self.editor.is_free(start, end):
            self.editor.claim(start, end, replacement, NAME_RULE)

    def name(self, start: int, value: str, *, strict: bool, placeholder: str) -> None:
        span = _person(value, strict=strict)
        if span is not None:
            self.claim(start + span[0], start + span[1], placeholder)

    def run(self) -> None:
        text = self.text
        for start, end in _hits(text):
            if text[start] in " \t":  # "maintained by "
                verb = _LAST_WORD.search(text, max(0, start - 20), start)
                if verb is not None and verb.group().lower() in _BY_VERBS:
                    self.prose(end, 1)
            else:
                self.key(start, end)
        if "@" in text:
            self.name_before_address()
        low = text.lower()
        if "callerid" in low:
            self.callerid()
        if "<meta" in low:
            self.meta()

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
        self.name(m.start(group), value, strict=not explicit or group == "u",
                  placeholder=placeholder)

    def prose(self, start: int, least: int) -> None:
        """The capitalised words that open the rest of the line, if *least* or more."""
        found = _leading_person(_line_rest(self.text, start))
        if found is not None and found[2] >= least:
            self.claim(start + found[0], start + found[1], ph.NAME_PLACEHOLDER)

    def meta(self) -> None:
        for m in _META.finditer(self.text):
            self.name(m.start("v"), m.group("v"), strict=True, placeholder=ph.NAME_PLACEHOLDER)

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
            before = _NAME_BEFORE.search(text, max(line_start, m.start() - 80), m.start())
            if before is None:
                continue
            if before.group("q") is not None:
                self.name(before.start("q"), before.group("q").replace(",", " "),
                          strict=False, placeholder=ph.NAME_PLACEHOLDER)
                continue
            # The name is the last run of capitalised words before the address.
            words_ = list(re.finditer(r"\S+", before.group("n")))
            first = len(words_)
            while first > 0 and len(words_) - first < 4 and _person(words_[first - 1].group()):
                first -= 1
            if len(words_) - first >= (1 if after.group("a") is not None else 2):
                base = before.start("n")
                self.claim(base + words_[first].start(), base + words_[-1].end(),
                           ph.NAME_PLACEHOLDER)

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


def _hits(text: str) -> list[tuple[int, int]]:
    """(start, end) of every key word and " by ", in text order."""
    if not text.isascii():  # lower() may change lengths: the (slower) regex
        return [m.span() for m in _HIT.finditer(text)]
    low = text.lower()
    found: list[tuple[int, int]] = []
    for needle in (*_KEY_WORDS, " by "):
        i = low.find(needle)
        while i >= 0:
            found.append((i, i + len(needle)))
            i = low.find(needle, i + 1)
    found.sort()
    return found


def _leading_person(rest: str) -> tuple[int, int, int] | None:
    """(start, end, words) of the run of up to four name words opening *rest*,
    ending at the first punctuation (``Alice Johnson, since 2021``)."""
    lead = len(rest) - len(rest.lstrip(" \t*_-\u2013\u2014:"))
    found: tuple[int, int, int] | None = None
    for n, m in enumerate(re.finditer(r"\S+", rest[lead:]), 1):
        word = m.group().rstrip(",.;:!?)*_")
        if n > 4 or not word or _person(rest[lead : lead + m.start() + len(word)]) is None:
            break
        found = (lead, lead + m.start() + len(word), n)
        if len(word) < len(m.group()):
            break
    return found


def _line_rest(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos : len(text) if end < 0 else end]


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the names and phone numbers in editor.text (see the module docstring)."""
    if NAME_RULE not in editor.disabled:
        _Names(editor, path).run()
    if PHONE_RULE not in editor.disabled:
        for start, end in phones.spans(editor.text):
            if editor.is_free(start, end):
                editor.claim(start, end, ph.PHONE_PLACEHOLDER, PHONE_RULE)


def could_match(text: str) -> bool:
    """False when apply() cannot claim anything in text (a cheap gate for JSON strings)."""
    return phones.has_digits(text) or _HIT.search(text) is not None
