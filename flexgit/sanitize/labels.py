"""Label -> value in any syntax: prose, Markdown, tables, comments, heredocs.

The structure rules know where a value stands in JSON, Asterisk files and
code. People also write credentials down wherever they are: in a setup guide
(``- **SIP password:** X``), a table (``| pbx1 | root | X |`` under a
*password* column), a comment (``// old password: X``), a string written to
a socket (``"Secret: X\\r\\n"``), a heredoc, a README (``login: admin / X``).
This layer finds a credential *label* and takes the value that follows it:

* ``label.value``: a label (password, passwd, pass, pwd, passphrase, passcode,
  secret, PIN, token, API/access/secret/license/private key, credentials),
  then ``:``, ``=``, ``=>``, ``->``, ``|``, ``is``/``was``/``to``, with Markdown
  emphasis or backticks around either side, then the value: backticked,
  quoted (outside code) or a bare word. A ``user / pass`` or ``user:pass``
  pair after a login/credentials label loses its second half.
* ``label.table``: Markdown and CSV tables: every cell under a column whose
  header is a credential label.

Kept: variables and code (``$x``, ``${X}``, ``%s``, ``{{x}}``, calls, subscripts,
``$_POST[...]``), placeholders and documentation stand-ins, words that say
something *about* a password (``required``, ``hidden``, ``stored``...), and after
``is``/``was``/``to`` anything that does not look like a credential (prose).
Values already claimed by a structure rule (kept on purpose or replaced) are
never taken again: the first claim wins.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator

import ahocorasick_rs

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import normalize, words
from flexgit.sanitize.re_guard import guard
from flexgit.sanitize.rules import Rules

# Labels in the languages admins write notes in, not English only: German,
# French, Spanish, Portuguese, Italian, Dutch, Nordic, Polish, Czech,
# Hungarian, Turkish, Finnish, Greek, Russian, and CJK (matched anywhere).
_FOREIGN = (
    r"|passwort|kennwort|zugangscode|mot[ -]de[ -]passe|contrase[ñn]a|clave|senha"
    r"|palavra[ -]passe|parola(?:[ -]d'ordine)?|wachtwoord|l[öo]senord|adgangskode|passord"
    r"|salasana|has[łl]o|heslo|jelsz[óo]|[şs]ifre|κωδικός|пароль|парол[ья]"
)
_CJK = "密码|密碼|口令|パスワード|暗証番号|비밀번호|암호"
LABEL = (
    r"(?:(?:api|access|secret|license|licence|private|app|auth|master|encryption|wi-?fi|wlan"
    r"|wpa2?|wireless|network)[ _-]?key|psk|pre[ _-]?shared[ _-]?key"
    r"|(?:auth|access|api|bearer|bot|refresh)[ _-]?token"
    r"|pass(?:word|wd|phrase|code)?|pwd|pw|secret|pin(?:[ _-]?code)?|token|credentials?"
    + _FOREIGN + ")"
)
_EMPHASIS = r"(?:\*\*|__|\*|_|`)?"
# The label must stand as a word: "password_min_length", "pinned", "spin",
# "$password" (a variable), "'password' =>" (a key in code) and the "password"
# of a format example ("user:password:authuser@host") are not labels.
_LABEL_VALUE = prefilter.compile(
    # ...but "\r\nSecret:" in a string written to a socket is.
    rf"(?:(?<![\w$@>.:/-])|(?<=\\[nrt])){_EMPHASIS}(?P<label>{LABEL})s?{_EMPHASIS}"
    r"(?:[ \t]*\([^)\n]{0,40}\))?"  # "Password (admin):"
    r"[ \t]*(?P<sep>:|\uff1a|=>|=(?!=)|->|[\u2192\u21d2\u27f6\u279c]|(?<=\s)[-\u2013\u2014](?=\s)"
    r"|\bis\b|\bwas\b|\bto\b"
    rf"|\bist\b|\best\b|\bes\b|\b[\u00e9e]\b)[ \t]*{_EMPHASIS}[ \t]*"
    r"(?P<value>`[^`\n]+`|\"[^\"\n]+\"|'[^'\n]+'|[^\s`'\"\\|<>]+)",
    re.I,
)
_PAIR_LABEL = prefilter.compile(
    r"(?<![\w$@>.-])(?:log[ _-]?in|credentials?|creds|account|zugangsdaten|zugang|identifiants|"
    r"credenciales|credenciais|credenziali|inloggegevens|user(?:name)?[ \t]*/[ \t]*"
    r"pass(?:word)?)\**[ \t]*(?:[:=][ \t]*|(?=[ \t]+`?[\w.@+-]+`?[ \t]*/))\**[ \t]*`?"
    r"(?P<user>[\w.@+-]+)`?[ \t]*(?:/|:|,)[ \t]*(?!/)`?(?P<value>[^\s`'\"\\|<>]+)",
    re.I,
)
# A label, then a few words of prose, then the value: "the admin password for
# the portal is X", "(password X)", "pass X" after an ssh line, "PIN is X",
# "machine h login u password X" (.netrc). Only a credential-shaped value.
_PROSE_VALUE = r"(?P<value>`[^`\n]+`|\"[^\"\n]+\"|[^\s`'\"\\|<>]+)"
_PROSE = (
    prefilter.compile(rf"(?<![\w$@>.:/-])(?P<label>{LABEL})s?\b(?:[ \t]+\w[\w'-]*){{1,6}}?"
               rf"[ \t]*(?P<sep>:|=|\bis\b|\bwas\b|\bremains\b)[ \t]*{_PROSE_VALUE}", re.I),
    prefilter.compile(rf"(?<![\w$@>.:/-])(?P<label>{LABEL})s?[ \t]+{_PROSE_VALUE}", re.I),
)
_USER_OF_PAIR = re.compile(r"`?[ \t]*/[ \t]*(?!/)")
# A default for a secret the environment does not set: PASSWORD =
# os.environ.get("K", "X"), os.getenv('K', 'X'), ${DB_PASS:-X}, ${PIN:=X}.
_DEFAULTS = (
    prefilter.compile(rf"(?i)\b\w*(?:{LABEL})\w*\s*[:=]\s*[\w.]*(?:getenv|environ\.get|env\.get|get)\(\s*"
               r"(?P<kq>['\"])[^'\"\n]*(?P=kq)\s*,\s*(?P<q>['\"])(?P<value>[^'\"\n]+)(?P=q)\s*\)"),
    prefilter.compile(rf"(?i)\$\{{\w*(?:{LABEL})\w*:?[-=](?P<value>[^}}\s$`]+)\}}"),
)
# CJK labels: no word boundary before them; full-width colons.
_CJK_LABEL = prefilter.compile(rf"(?:{_CJK})[ \t]*(?:[:\uff1a=]|\u306f|\u662f|\u4e3a|\u70ba)[ \t]*"
                        r"(?P<value>[^\s`'\"\uff0c\u3002\u3001]+)")
# "Password:" closing a line, the value alone on the next one.
_NEXT_LINE = prefilter.compile(
    rf"(?im)(?<![\w$@>.:/-])(?:{LABEL})s?\**[ \t]*[:\uff1a][ \t]*\**[ \t]*\r?\n(?:[ \t]*\r?\n)?"
    r"[ \t>*-]*`?(?P<value>[^\s`]+)`?[ \t]*\r?$")
# YAML block scalars under a credential key (password: |), and a k8s-style
# env list (- name: DB_PASS / value: X).
_BLOCK = prefilter.compile(
    rf"(?im)^(?P<indent>[ \t]*)[\w.-]*(?:{LABEL})[\w.-]*:[ \t]*[|>][-+0-9]*[ \t]*\r?\n")
_ENV_ITEM = prefilter.compile(
    rf"(?im)^[ \t]*-?[ \t]*name:[ \t]*[\"']?[\w.-]*(?:{LABEL})[\w.-]*[\"']?[ \t]*\r?\n"
    r"[ \t]*value:[ \t]*(?P<q>[\"']?)(?P<value>[^\"'\n]+?)(?P=q)[ \t]*\r?$")
# PHP's serialize(): s:8:"password";s:12:"X"; (the length is rewritten too).
_SERIALIZED = re.compile(
    rf'(?i)s:\d+:"[\w.-]*(?:{LABEL})[\w.-]*";(?P<whole>s:\d+:"(?P<value>[^"]*)")')
_LINE = re.compile(r"[^\n]+")
# Backticked tokens after a label on the same line: "secret `X`".
_BACKTICK = prefilter.compile(r"`(?P<value>[^`\n]+)`")
_LABEL_WORD = guard(re.compile(rf"(?i)(?<![\w$@>.:/-])(?:{LABEL})s?\b"))
# A heading that names a credential, and the value alone on a line below it.
_HEADING = prefilter.compile(rf"(?im)^[ \t]*#{{1,6}}[ \t]+[^\n]*\b(?:{LABEL})s?\b[^\n]*\n"
                      r"(?:[ \t]*\r?\n){0,2}[ \t]*`?(?P<value>[^\s`]+)`?[ \t]*\r?$")
# A user and a password written as a pair of emphasised words, with or without
# a label ("AMI: `monitor` / `X`", "**admin** / **X**"): the second half goes
# when it has a credential's shape (`GET` / `POST`, **on** / **off** stay).
# (No back-references: the whole pattern is the prefilter's gate, not just the
# " / **" after them, which every "/**" doc comment holds.)
_EMPHASIS_MARK = r"(?:\*\*|__|`)"
_EMPHASISED_PAIR = prefilter.compile(
    rf"(?P<e1>{_EMPHASIS_MARK})(?P<user>[\w.@+-]{{1,64}})(?P<e2>{_EMPHASIS_MARK})[ \t]*/[ \t]*"
    rf"(?P<e3>{_EMPHASIS_MARK})(?P<value>[^\s`]{{1,128}}?)(?P<e4>{_EMPHASIS_MARK})(?![\w*`])")
_VERSION = re.compile(r"v?\d+(?:\.\d+)+[\w.-]*")
# A definition list (Markdown extra, pandoc): the term names a credential, the
# definition line below it opens with ":".
_DEFINITION = prefilter.compile(
    rf"(?im)^(?P<term>[^\n:|]{{0,40}}\b(?:{LABEL})s?\b[^\n:|]{{0,30}})\r?\n(?:[ \t]*\r?\n)?"
    r"[ \t]{0,3}:[ \t]+[*_]{0,2}`?(?P<value>[^\s`*]+)`?[*_]{0,2}[ \t]*\r?$")
# A configuration line quoted in prose or docs: a dotted key that ends with a
# label (undotted keys are the shell and config rules' business):
# "    account.1.password = X", "sip.auth_pw: X".
_CONFIG_LINE = prefilter.compile(
    rf"(?im)^[ \t>*-]*(?:[\w-]+\.)+(?:[\w-]*[_-])?(?P<label>{LABEL})s?[ \t]*(?P<sep>[:=])"
    r"[ \t]*"
    r"(?P<value>\"[^\"\n]+\"|'[^'\n]+'|[^\s\"'`]+)[ \t]*\r?$")
# A pass phrase runs to the end of the line.
_PHRASE = prefilter.compile(r"(?im)\bpass[ _-]?phrase\**[ \t]*[:=][ \t]*\**[ \t]*"
                     r"(?P<value>[^\s`'\"][^\n`'\"]*?)[ \t.]*\r?$")
# Two strings, the first naming a credential: setItem('authToken', 'X'),
# ('smtp_password', 'X'), ["password", "X"].
_STRING_PAIR = prefilter.compile(
    rf"(?P<q1>['\"])(?P<key>(?:\w*?[_-])?(?:{LABEL})s?(?:[_-]\w*)?)(?P=q1)\s*,\s*"
    r"(?P<q2>['\"])(?P<value>[^'\"\n]+)(?P=q2)",
    re.I,
)
# A name about a credential, not for one: PasswordMinLength, TOKEN_TTL,
# SECRET_FILE, pin_retries (a word of the name starts with one of these).
_POLICY_STEMS = tuple(words(
    "min max len length ttl expir age histor retr attempt timeout complex policy strength "
    "count digit char requir enabl reset change hint prompt field label placeholder type "
    "format regex pattern rule file path dir url uri id"))


def is_policy_name(name: str) -> bool:
    """Whether a name that holds a credential word is about a credential."""
    return any(w.startswith(_POLICY_STEMS) for w in normalize(name).split("_"))
_HINTS = ("pass", "pwd", "pw", "psk", "secret", "pin", "token", "key", "cred", "login", "account",
          "licen", "kennw", "zugang", "contrase", "clave", "senha", "parola", "wachtw", "lösen",
          "losen", "adgangs", "salasana", "hasło", "haslo", "heslo", "jelsz", "şifre", "sifre",
          "κωδικ", "парол", "ident", *_CJK.split("|"))
_HINT_AC = ahocorasick_rs.AhoCorasick(_HINTS)

_CODE_EXTENSIONS = (".php", ".phtml", ".inc", ".js", ".mjs", ".cjs", ".ts", ".py", ".rb",
                    ".pl", ".lua", ".java", ".go", ".c", ".h")
# Words that say something about a credential instead of being one.
_ABOUT = words(
    "required optional string text hidden none null nil true false yes no empty unset set "
    "see same default unknown n/a na tbd redacted your the a an is not must should will "
    "can field input type value length min max characters chars digits policy reset "
    "change changed expired expires expiry strength weak strong protected encrypted "
    "hashed stored enabled disabled auth authentication prompt below above here there this "
    "that it ok on off only if when from for and or with without of in by via using "
    "given needed missing invalid incorrect wrong correct valid generated random new old "
    "current confirm confirmation mismatch sent changes updated saved used file forgot "
    "forgotten protect please enter provide supply use"
)
# After "is"/"was"/"to" the value is prose unless it has the shape of a credential.
_CREDENTIAL_SHAPE = re.compile(r"(?=.*\d)(?=.*[A-Za-z])|(?=.*[^\w\s])(?=.*\w)|[a-z]+[A-Z]")
_TRAILING = ".,;:)]}!?*_`"
# A reference, not a value: a variable, a template, a format. In code also a
# call, a subscript or a member (outside code a password may hold brackets).
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*(?:(?:\.|->|::|\?\.)[A-Za-z_$][\w$]*)*[,;)]*")
_REFERENCE = re.compile(r"^(?:[$%@&{<]|!\w)|\$\{|\{\{|^[A-Za-z_][\w.]*\(")
_CODE_REFERENCE = re.compile(r"^[$%@!&{\[(<#]|[(\[]|::|->|\$\{|\{\{")
_TABLE_ROW = re.compile(r"^[ \t]*\|(?P<cells>.*)\|[ \t]*\r?$", re.M)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_HEADER_LABEL = re.compile(rf"(?i)^\W*(?:\w+[ _-]){{0,3}}{LABEL}s?(?:[ \t]*\([^()|]*\))?\W*$")


_SHEBANG_CODE = re.compile(r"#![^\n]*\b(?:python[\d.]*|php|node|perl|ruby|lua)\b")


def _is_code(path: str, text: str) -> bool:
    """A program's source: by its name, or by its #! line (scripts in
    /usr/local/bin have no extension)."""
    return posixpath.basename(path).lower().endswith(_CODE_EXTENSIONS) or \
        _SHEBANG_CODE.match(text) is not None


# The code between two strings read as a quoted value: 'pw=' . urlencode($x).
_CONCATENATED = re.compile(r"\s*[.+]\s+[$\w(\[]|\s*[.+]\s*[$\w]+\($")


def _keep(value: str, sep: str, label: str, code: bool = False) -> bool:
    """Whether a value after a label is not a credential (see module doc)."""
    reference = _CODE_REFERENCE if code else _REFERENCE
    if (not value or patterns.keep_value(value) or ph.is_placeholder(value)
            or ph.is_redacted(value) or reference.search(value)
            or _CONCATENATED.match(value)):
        return True
    low = value.lower()
    if low in _ABOUT or low == label.lower() or set(value) <= set("*x•.-#?"):
        return True
    if (label.lower().startswith("pin") or value.isdigit()) and len(value) < 4:
        return True  # a policy number (length 10), not a PIN
    if code and _IDENTIFIER.fullmatch(value):
        return True  # password: process.env.DB_PASS, pass = dbPass (code, not a literal)
    if label.lower().startswith(("pin", "passcode")) and value.isdigit():
        return False  # "the conference PIN is 16852314"
    if sep.lower() in ("is", "was", "to"):
        return len(value) < 6 or _CREDENTIAL_SHAPE.match(value) is None
    return False


def _value_span(m: re.Match[str]) -> tuple[int, int, str]:
    """The span of the credential itself: inside quotes/backticks, without
    sentence punctuation after a bare word."""
    start, end = m.span("value")
    value = m.group("value")
    if value[:1] in "`\"'" and len(value) >= 2:
        return start + 1, end - 1, value[1:-1]
    stripped = value.rstrip(_TRAILING)
    return start, start + len(stripped), stripped


def is_credential(value: str, *, prose: bool = False) -> bool:
    """Whether a value found where a credential stands is one (for the markup
    and SQL layers too). `prose`: it followed a label without a separator, so
    only a credential's shape counts."""
    return not _keep(value, "is" if prose else ":", "password")


def claim_value(editor: Editor, start: int, end: int, value: str, rule: str) -> None:
    """Replace a credential: a hash by its scheme's placeholder, the rest by the marker."""
    editor.claim(start, end, patterns.hash_placeholder(value) or ph.SECRET_PLACEHOLDER, rule)



# A word of prose around a label: "(vmsecret)", "field:", "[default]".
_NOT_A_VALUE = re.compile(r"^[(\[{]|[:)\]}]$")


def _names_a_label(value: str) -> bool:
    """Prose about a label: words with a label among them ("key holds the SIP
    password;") or (mostly) a label word ("pin-code", "passwords"); not a
    random value that happens to open with one ("pw^bAdP2N-ejTj2")."""
    m = _LABEL_WORD.search(value)
    return m is not None and (len(value) - (m.end() - m.start()) < 6
                              or any(c.isspace() for c in value))


def _claim_if(editor: Editor, start: int, end: int, value: str, *, prose: bool,
              code: bool, label: str = "password") -> None:
    if prose and (_NOT_A_VALUE.search(value) or _names_a_label(value)):
        return
    if editor.is_free(start, end) and not _keep(value, "is" if prose else ":", label, code):
        claim_value(editor, start, end, value, "label.value")


def _more_forms(editor: Editor, file_is_code: bool, start: int, stop: int) -> None:
    """The forms without a separator right after the label (see _PROSE)."""
    text = editor.text
    code = _in_code(text, start, file_is_code) and _in_code(text, stop, file_is_code)
    for regex in _PROSE:
        for m in prefilter.finditer(regex, text, start, stop):
            if m.group("value")[:1] in "'\"" and code:
                continue
            vstart, vend, value = _value_span(m)
            _claim_if(editor, vstart, vend, value, prose=True, code=code, label=m.group("label"))
    line = text[start:stop]
    if "`" in line and (label := _LABEL_WORD.search(line)) is not None:
        for m in prefilter.finditer(_BACKTICK, text, start + label.end(), stop):
            _claim_if(editor, m.start("value"), m.end("value"), m.group("value"), prose=True,
                      code=code)
    for regex in _DEFAULTS:
        for m in prefilter.finditer(regex, text, start, stop):
            _claim_if(editor, m.start("value"), m.end("value"), m.group("value"), prose=False,
                      code=False)
    for m in prefilter.finditer(_STRING_PAIR, text, start, stop):
        if " " not in m.group("value") and not is_policy_name(m.group("key")):
            _claim_if(editor, m.start("value"), m.end("value"), m.group("value"), prose=False,
                      code=code)


_ESCAPED = re.compile(r"\\.")
_COMMENT = re.compile(r"//|#|/\*|<!--|^[ \t]*\*|--[ \t]|^[ \t]*;")


def _in_code(text: str, pos: int, code: bool) -> bool:
    """Whether text[pos] is code of a code file, not a comment or a string: in
    code a bare word after a label is an identifier, elsewhere a value."""
    if not code:
        return False
    start = text.rfind("\n", 0, pos) + 1
    if _COMMENT.search(text, start, pos):
        return False
    before = _ESCAPED.sub("", text[start:pos])
    return before.count('"') % 2 == 0 and before.count("'") % 2 == 0


def _label_values(editor: Editor, file_is_code: bool, start: int, stop: int) -> None:
    """Label forms in text[start:stop] (the lines a hint was found on)."""
    text = editor.text
    for m in prefilter.finditer(_PHRASE, text, start, stop):  # before the one-word forms
        _claim_if(editor, m.start("value"), m.end("value"), m.group("value"), prose=False,
                  code=False)
    for m in prefilter.finditer(_PAIR_LABEL, text, start, stop):
        code = _in_code(text, m.start(), file_is_code)
        vstart, vend = m.span("value")
        value = m.group("value").rstrip(_TRAILING)
        vend = vstart + len(value)
        if m.group("user").lower() in ("http", "https", "sip", "sips", "ftp"):
            continue
        if not _keep(value, ":", "password", code) and editor.is_free(vstart, vend):
            claim_value(editor, vstart, vend, value, "label.value")
    for m in prefilter.finditer(_LABEL_VALUE, text, start, stop):
        code = _in_code(text, m.start(), file_is_code)
        quoted = m.group("value")[:1] in "'\""
        if quoted and code:
            continue  # a literal in code: the PHP/JS rules decide by binding
        vstart, vend, value = _value_span(m)
        if _USER_OF_PAIR.match(text, m.end("value")):
            continue  # "Credentials: ops / X": the user; the pair form takes X
        if not _keep(value, m.group("sep"), m.group("label"), code) and \
                editor.is_free(vstart, vend):
            claim_value(editor, vstart, vend, value, "label.value")
    _more_forms(editor, file_is_code, start, stop)


def _cells(row: str, offset: int) -> list[tuple[int, int]]:
    """Spans of the cells of a Markdown row (between its outer pipes)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for cell in row.split("|"):
        lead = len(cell) - len(cell.lstrip())
        body = cell.strip()
        spans.append((offset + pos + lead, offset + pos + lead + len(body)))
        pos += len(cell) + 1
    return spans


def _claim_cell(editor: Editor, span: tuple[int, int]) -> None:
    s, e = span
    cell = editor.text[s:e]
    value = cell.strip("`*")
    if value and not _keep(value, "|", "password"):
        s += cell.index(value)
        claim_value(editor, s, s + len(value), value, "label.table")


def _next_line(text: str, end: int) -> str:
    nl = text.find("\n", end + 1)
    return text[end + 1 : nl if nl != -1 else len(text)].strip()


def _table_rows(text: str) -> Iterator[tuple[list[tuple[int, int]], list[int], list[int]]]:
    """Each data row of the Markdown tables in text: its cells' spans, the
    columns under a credential header, and the cells that are credential
    labels themselves (a two-column "setting | value" table)."""
    columns: list[int] = []
    header = False  # the last row was a header with credential columns
    prev_end = -1
    for m in _TABLE_ROW.finditer(text):
        if m.start() != prev_end + 1 and m.start() != 0:
            columns, header = [], False  # a new table
        prev_end = m.end()
        spans = _cells(m.group("cells"), m.start("cells"))
        if header:
            header = False
            if _TABLE_RULE.match(m.group().strip()):
                continue
            columns = []
        labelled = [i for i, (s, e) in enumerate(spans) if _HEADER_LABEL.match(text[s:e])]
        if not columns and labelled and _TABLE_RULE.match(_next_line(text, m.end())):
            columns, header = labelled, True
            continue
        yield spans, columns, labelled


def _markdown_tables(editor: Editor) -> None:
    """Columns under a credential header; in a two-column "setting | value"
    table, the cell right of a credential label."""
    for spans, columns, labelled in _table_rows(editor.text):
        for i in columns:
            if i < len(spans):
                _claim_cell(editor, spans[i])
        if not columns:
            for i in labelled:
                if i + 1 < len(spans):
                    _claim_cell(editor, spans[i + 1])


_CELL_EMAIL = re.compile(r"[`*_]*(?P<v>[^\s@|`*]+@[^\s@|`*]+\.[A-Za-z]{2,})[`*_]*")


def table_emails(editor: Editor) -> None:
    """A login in a credential table is an account: an email in it goes even
    at a documentation domain (the local part is the person's). Called by the
    personal layer, before the email pattern keeps documentation domains."""
    text = editor.text
    if "|" not in text or "@" not in text:
        return
    cells = (span for spans, columns, _ in _table_rows(text) if columns for span in spans)
    for s, e in cells:
        m = _CELL_EMAIL.fullmatch(editor.text, s, e)
        if m is None or ph.is_placeholder(m.group("v")):
            continue
        admin = "admin" in m.group("v").lower()
        marker = ph.ADMIN_EMAIL_PLACEHOLDER if admin else ph.EMAIL_PLACEHOLDER
        if m.group("v") != marker and editor.is_free(*m.span("v")):
            editor.claim(*m.span("v"), marker, "label.table")


def _csv_table(editor: Editor) -> None:
    """A CSV file whose header names a credential column."""
    text = editor.text
    first = text.split("\n", 1)[0]
    sep = max(",;\t", key=first.count)
    header = [h.strip().strip("\"'") for h in first.rstrip("\r").split(sep)]
    columns = [i for i, h in enumerate(header) if _HEADER_LABEL.match(h)]
    if not columns:
        return
    pos = len(first) + 1
    for line in text[pos:].split("\n"):
        offset = 0
        for i, cell in enumerate(line.rstrip("\r").split(sep)):
            value = cell.strip().strip("\"'")
            if i in columns and value and not _keep(value, "|", "password"):
                s = pos + offset + cell.index(value)
                claim_value(editor, s, s + len(value), value, "label.table")
            offset += len(cell) + 1
        pos += len(line) + 1


_LABEL_AT = guard(re.compile(
    rf"(?:{LABEL}|{_CJK}|log[ _-]?in|credentials?|creds|account|zugang\w*|identifiants"
    r"|credenci\w+|credenziali|inloggegevens|user(?:name)?[ \t]*/)s?"))


def _is_label_at(text: str, low: str, pos: int) -> bool:
    """Whether the hint at pos is part of a label word that is not inside
    another word ("keyboard", "passive", "mapping"), except at a camelCase
    boundary ("dbPassword", "apiKey")."""
    for m in _LABEL_AT.finditer(low, max(0, pos - 16), pos + 24):
        start, end = m.span()
        if not start <= pos < end:
            continue
        before = start == 0 or not low[start - 1].isalpha() or text[start].isupper()
        after = end >= len(low) or not low[end].isalpha() or text[end].isupper()
        if before and after:
            return True
    return False


@functools.lru_cache(maxsize=2)
def _label_lines(text: str) -> tuple[tuple[int, int], ...] | None:
    """The lines holding a label word (None: read the whole text). Asked for
    by this module twice and by markup.py once per text, so remembered."""
    low = text.lower()
    if len(low) != len(text):
        return None
    lines: list[tuple[int, int]] = []
    for pos in sorted(s for _, s, _ in patterns.find_hints(_HINT_AC, low)):
        # A line already taken needs no other label word (the check is a regex).
        if (not lines or pos > lines[-1][1]) and _is_label_at(text, low, pos):
            lines.extend(patterns.hint_lines(text, (pos,)))
    return tuple(lines)


def hint_spans(text: str, *, after: int = 0) -> list[tuple[int, int]]:
    """The lines that hold a label word, each with `after` lines after it
    (for forms that put the value on the next line): where the label forms
    of this module and of markup.py can match. One Aho-Corasick pass."""
    lines = _label_lines(text)
    if lines is None:
        return [(0, len(text))]  # lower() moved indexes: read it all
    spans: list[tuple[int, int]] = []
    for start, stop in lines:
        for _ in range(after):
            nl = text.find("\n", stop + 1)
            stop = len(text) if nl < 0 else nl
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(stop, spans[-1][1]))
        else:
            spans.append((start, stop))
    return spans


def _emphasised_pairs(editor: Editor, file_is_code: bool) -> None:
    """``**user** / **X**`` and `` `user` / `X` `` anywhere (see _EMPHASISED_PAIR)."""
    text = editor.text
    for m in prefilter.finditer(_EMPHASISED_PAIR, text):
        if len({m.group("e1"), m.group("e2"), m.group("e3"), m.group("e4")}) != 1:
            continue  # "**a** / `b`": not one pair
        if _in_code(text, m.start(), file_is_code):
            continue  # template strings divided in code
        value = m.group("value")
        start = text.rfind("\n", 0, m.start()) + 1
        labelled = _LABEL_WORD.search(text, start, m.start()) is not None or \
            _PAIR_WORD.search(text, start, m.start()) is not None
        if _VERSION.fullmatch(value) or (m.group("user").lower() in ("http", "https")):
            continue
        _claim_if(editor, m.start("value"), m.end("value"), value, prose=not labelled,
                  code=False)


_PAIR_WORD = re.compile(r"(?i)\b(?:log[ _-]?in|credentials?|creds|account|user(?:name)?)\b")


DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".rst", ".adoc", ".html", ".htm", ".wiki")


def is_document(path: str) -> bool:
    """Prose: Markdown, text, HTML and the like, and README/NOTES-style names."""
    name = posixpath.basename(path).lower()
    return name.endswith(DOCUMENT_SUFFIXES) or name.startswith(("readme", "notes", "install"))


def _documents(editor: Editor, spans: list[tuple[int, int]]) -> None:
    """Forms of documents, not code: definition lists, quoted config lines."""
    text = editor.text
    for start, stop in spans:
        for m in prefilter.finditer(_DEFINITION, text, start, stop):
            if not is_policy_name(m.group("term")):
                _claim_if(editor, m.start("value"), m.end("value"), m.group("value"),
                          prose=False, code=False)
        for m in prefilter.finditer(_CONFIG_LINE, text, start, stop):
            vstart, vend, value = _value_span(m)
            _claim_if(editor, vstart, vend, value, prose=False, code=False,
                      label=m.group("label"))


def _structured(editor: Editor, path: str, spans: list[tuple[int, int]]) -> None:
    """Forms that span lines or have a file of their own."""
    text = editor.text
    for start, stop in spans:
        for regex in (_NEXT_LINE, _ENV_ITEM):
            for m in prefilter.finditer(regex, text, start, stop):
                _claim_if(editor, m.start("value"), m.end("value"), m.group("value"),
                          prose=regex is _NEXT_LINE, code=False)
        if ":" in text[start:stop]:
            for m in prefilter.finditer(_BLOCK, text, start, stop):
                _block_body(editor, m.end(), len(m.group("indent")))
    if 's:' in text and '";s:' in text:
        _serialized(editor)
    for m in prefilter.finditer(_CJK_LABEL, text):
        _claim_if(editor, m.start("value"), m.end("value"), m.group("value"), prose=False,
                  code=False)
    if posixpath.basename(path) == ".pgpass":
        _pgpass(editor)


def _block_body(editor: Editor, pos: int, indent: int) -> None:
    """The lines of a YAML block scalar: more indented than its key."""
    text = editor.text
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        body = line.strip()
        if body and len(line) - len(line.lstrip()) <= indent:
            return
        if body:
            at = pos + line.index(body)
            _claim_if(editor, at, at + len(body), body, prose=False, code=False)
        pos = end + 1


def _serialized(editor: Editor) -> None:
    text = editor.text
    for m in _SERIALIZED.finditer(text):
        value = m.group("value")
        if value and editor.is_free(*m.span("whole")) and is_credential(value):
            marker = ph.SECRET_PLACEHOLDER
            editor.claim(*m.span("whole"), f's:{len(marker)}:"{marker}"', "label.value")


def _pgpass(editor: Editor) -> None:
    """host:port:database:user:password, one account a line."""
    text = editor.text
    for line in _LINE.finditer(text):
            fields = line.group().rstrip("\r").split(":")
            if len(fields) >= 5 and not line.group().startswith("#"):
                value = ":".join(fields[4:])
                start = line.start() + len(line.group().rstrip("\r")) - len(value)
                _claim_if(editor, start, start + len(value), value, prose=False, code=False)


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim credentials written after a label, and table columns of them."""
    text = editor.text
    code = _is_code(path, text)
    if "/" in text:
        _emphasised_pairs(editor, code)
    # The regexes run only on the lines that hold a label word.
    spans = hint_spans(text)
    if not spans:
        return
    _structured(editor, path, hint_spans(text, after=2))
    if is_document(path):  # code and config files have rules of their own for these
        _documents(editor, hint_spans(text, after=2))
    for start, stop in spans:
        _label_values(editor, code, start, stop)
    if "#" in text:
        for m in prefilter.finditer(_HEADING, text):
            _claim_if(editor, m.start("value"), m.end("value"), m.group("value"), prose=True,
                      code=False)
    if "|" in text:
        _markdown_tables(editor)
    if path.lower().endswith(".csv"):
        _csv_table(editor)
