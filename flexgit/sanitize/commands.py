"""Credentials on the command lines of the usual tools (mysql -p, sshpass, curl -u, ...).

People paste commands with the password in them: into shell scripts, cron
lines, PHP ``exec()``/``shell_exec()`` strings, backticks, dialplan
``System()``/``TrySystem()`` and setup guides. This layer finds a known tool
name, reads the command that follows it (to the end of the line, across
``\\``-continued lines, up to a pipe, ``;``, ``&``, a backtick or ``)``) and
replaces the value of the tool's credential options, nothing else:

* ``mysql``/``mysqldump``/``mysqladmin``/``mariadb*`` ``-pX`` (``-p X`` is a
  database name and stays), ``--password=X``; ``sshpass -p X``;
  ``curl -u/--user/--proxy-user user:X``; ``wget --http-/--ftp-/--proxy-password=X``;
  ``lftp -u user,X``; ``smbclient``/``rpcclient``/``net ads`` ``-U user%X``;
  ``openssl -pass/-passin/-passout pass:X``, ``-k X``, ``-K X``;
  ``gpg --passphrase X``; ``htpasswd -b [file] user X``; ``redis-cli -a X``;
  ``ldap*`` ``-w X`` (``ldappasswd -s/-a`` too); ``sipp -ap X``; ``pjsua --password X``;
  ``docker/podman login -p X``; ``mongo*``/``sqlcmd``/``ipmitool``/``zip``/``7z``/
  ``ssh-keygen``/``keytool``/``xfreerdp``/``snmp*`` (v3 ``-A``/``-X``) password options;
* ``echo X | sudo -S``, ``sudo -S <<< X``, ``echo X | passwd --stdin``,
  ``echo user:X | chpasswd``.

Kept: the command, the user, variables and code (``-p"$DB_PASS"``, ``-p${PASS}``,
``-p{$pw}``, ``-p%s``, ``"-p" . $pw``), documentation stand-ins, and what follows
the value. ``PGPASSWORD=``/``MYSQL_PWD=`` assignments are the shell rules'
(text.shell_assign, label.value); URL credentials (``psql postgresql://u:X@h``)
and bare ``--password=X``/``password=X`` are pattern.url_credentials' and
pattern.password_param's: this layer leaves the values those would take whole.

Rule: ``command.credential``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick_rs

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules

RULE = "command.credential"


@dataclass(frozen=True)
class _Tool:
    names: tuple[str, ...]  # literal starts of the command name: the cheap gate
    name: re.Pattern[str]  # the whole command name, matched where a literal was found
    option: re.Pattern[str]  # an option whose value is a credential, up to the value
    part: str = ""  # the credential is what follows this separator in the value


def _tool(names: str, rest: str, options: str, part: str = "") -> _Tool:
    literals = tuple(names.split())
    alternatives = "|".join(map(re.escape, literals))
    return _Tool(
        literals,
        re.compile(rf"(?<![\w.-])(?:{alternatives}){rest}(?![\w-])"),
        re.compile(rf"(?<![\w-])(?:{options})"),
        part,
    )


_LONG = r"(?:=|[ \t]+)"  # --option=value or --option value
_TOOLS = (
    # -pX only: "mysql -p pbx" prompts and pbx is the database.
    _tool("mysql mariadb", r"[\w-]*", r"-p(?=[^\s-])|--password="),
    _tool("sshpass", "", r"-p[ \t]*"),
    _tool("curl", "", rf"-[uU][ \t]*|--(?:proxy-)?user{_LONG}", ":"),
    _tool("curl", "", rf"--oauth2-bearer{_LONG}"),
    _tool("wget", "", rf"--(?:http-|ftp-|proxy-)?passw(?:or)?d{_LONG}"),
    _tool("lftp", "", r"-u[ \t]*", ","),
    _tool("smbclient rpcclient smbcacls smbget smbmap winexe mount.cifs", "",
          rf"-U[ \t]*|--user{_LONG}", "%"),
    _tool("net", r"[ \t]+(?:ads|rpc|sam|join|user)", rf"-U[ \t]*|--user{_LONG}", "%"),
    _tool("openssl", "", r"-pass(?:in|out|word)?[ \t]+pass:|-[kK][ \t]+"),
    _tool("gpg gpg2", "", rf"--passphrase{_LONG}"),
    _tool("redis-cli", "", rf"-a[ \t]+|--pass{_LONG}"),
    _tool("ldapsearch ldapmodify ldapadd ldapdelete ldapcompare ldapmodrdn ldapwhoami "
          "ldapexop ldapurl", "", r"-w[ \t]*"),
    _tool("ldappasswd", "", r"-[wsa][ \t]*"),
    _tool("sipp", "", r"-ap[ \t]+"),
    _tool("pjsua", "", rf"--password{_LONG}"),
    _tool("docker podman buildah skopeo", r"[ \t]+login", rf"-p[ \t]+|--password{_LONG}"),
    _tool("helm", r"[ \t]+(?:registry[ \t]+login|repo[ \t]+add)", rf"--password{_LONG}"),
    _tool("mongo mongosh mongodump mongorestore mongoexport mongoimport", "",
          rf"-p[ \t]*|--password{_LONG}"),
    _tool("sqlcmd bcp ipmitool", "", r"-P[ \t]*"),
    _tool("zip unzip", "", r"-P[ \t]+"),
    _tool("7z 7za", "", r"-p(?=\S)"),
    _tool("ssh-keygen", "", r"-[NP][ \t]*"),
    _tool("keytool", "", r"-(?:src|dest|new)?(?:store|key)pass[ \t]+"),
    _tool("xfreerdp", "", r"/p:"),
    _tool("rdesktop", "", r"-p[ \t]+"),
    _tool("svn", "", rf"--password{_LONG}"),
    _tool("snmpwalk snmpget snmpset snmpbulkwalk snmptrap", "", r"-[AX][ \t]*"),
)  # fmt: skip
_GATES = tuple(dict.fromkeys(name for tool in _TOOLS for name in tool.names))

# Where the command ends: a pipe, a list operator, a backtick, ")" (System()),
# or a line end that is not "\"-continued.
_COMMAND_END = re.compile(r"\\\r?\n|[|;&`)\n]")
_MAX_COMMAND = 4000  # chars: a bound for pathological files without line ends
_QUOTE = re.compile(r"\\?[\"']")
_BARE = re.compile(r"[^\s\"'`;|&<>()]+")
# Text after an opening quote that shows the quote closes a string around the
# command instead ("mysql -p" . $pw, 'mysql -p' + pw, "... -p", ...).
_CLOSES_STRING = re.compile(r"[\s.+,)\]]")
# Code, not a credential: variables, interpolation, printf and template slots.
_CODE = ("$", "%", "{", "<", "@", "`", "#{")

_PIPE = re.compile(
    r"(?<![\w-])(?:echo|printf)(?:[ \t]+-[neE]+)*(?:[ \t]+(?:'%s\\n'|\"%s\\n\"))?[ \t]+"
    r"(?P<value>\\?\"[^\"\n]*\\?\"|'[^'\n]*'|[^\s|'\"`;&<>()]+)[ \t]*\|[ \t]*"
    r"(?P<tool>sudo\b[^|\n]*?[ \t](?:-[A-Za-z]*S\b|--stdin\b)|passwd\b[^|\n]*?--stdin\b"
    r"|chpasswd\b)"
)
_HERE_STRING = re.compile(
    r"(?<![\w-])sudo\b[^|\n]*?[ \t](?:-[A-Za-z]*S\b|--stdin\b)[^|\n]*?<<<[ \t]*"
)
_PIPE_GATES = ("sudo", "passwd")
_HTPASSWD = re.compile(r"(?<![\w.-])htpasswd(?![\w.-])")


def _value(text: str, pos: int) -> tuple[int, int, int] | None:
    """(start, end, after) of the shell word at pos, quotes excluded from start:end."""
    quote = _QUOTE.match(text, pos)
    if quote is None:
        bare = _BARE.match(text, pos)
        return (pos, bare.end(), bare.end()) if bare else None
    start = quote.end()
    if start < len(text) and _CLOSES_STRING.match(text, start):
        return None
    end = text.find(quote.group(), start)
    line_end = text.find("\n", start)
    if end < 0 or 0 <= line_end < end:
        return None
    return start, end, end + len(quote.group())


def _claim(editor: Editor, start: int, end: int, part: str = "") -> None:
    """Replace the credential in text[start:end] (after `part` when given)."""
    text = editor.text
    if part:
        cut = text.find(part, start, end)
        if cut < 0:
            return  # "curl -u admin": curl asks for the password
        start = cut + len(part)
    while end > start and text.startswith(("\\n", "\\r"), end - 2):
        end -= 2  # echo -e "pw\n"
    value = text[start:end]
    if not value or value.startswith(_CODE) or patterns.keep_value(value):
        if ":-" not in value and ":=" not in value:
            # Protected: the other layers agree. A variable with a default
            # (${DB_PASS:-X}) is left to the label layer, which takes X.
            editor.claim(start, end, value, RULE)
        return
    if patterns.password_param_end(text, start) == end:
        return  # pattern.password_param takes exactly this value
    editor.claim(start, end, ph.SECRET_PLACEHOLDER, RULE)


def _command_end(text: str, pos: int) -> int:
    limit = min(len(text), pos + _MAX_COMMAND)
    for m in _COMMAND_END.finditer(text, pos, limit):
        if not m.group().startswith("\\"):
            return m.start()
    return limit


def _words(text: str, pos: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each shell word in text[pos:end], quotes excluded."""
    words: list[tuple[int, int]] = []
    while True:
        while pos < end and text[pos] in " \t\\\r\n":
            pos += 1
        word = _value(text, pos) if pos < end else None
        if word is None:
            return words
        words.append(word[:2])
        pos = word[2]


def _htpasswd(editor: Editor, pos: int, end: int) -> None:
    """htpasswd -b[c...] file user X, htpasswd -nb user X: the password is positional."""
    flags, skip = "", False
    args: list[tuple[int, int]] = []
    for start, stop in _words(editor.text, pos, end):
        word = editor.text[start:stop]
        if skip:  # the number after -C
            skip = False
        elif word.startswith("-") and not args:
            flags += word[1:]
            skip = word.endswith("C")
        else:
            args.append((start, stop))
    index = 1 if "n" in flags else 2
    if "b" in flags and len(args) > index:
        _claim(editor, *args[index])


def _options(editor: Editor, tool: _Tool, pos: int, end: int) -> None:
    text = editor.text
    for m in tool.option.finditer(text, pos, end):
        word = _value(text, m.end())
        if word is not None:
            _claim(editor, word[0], word[1], tool.part)


# One pass over the text finds every tool name (a few dozen substring tests
# would each scan it again).
_LITERALS = (*_GATES, "htpasswd", *_PIPE_GATES, "<<<")
_HINTS = ahocorasick_rs.AhoCorasick(_LITERALS)
_TOOLS_BY_NAME = {name: [t for t in _TOOLS if name in t.names] for name in _GATES}


def _commands(editor: Editor, hits: list[tuple[int, str]]) -> None:
    text = editor.text
    for i, name in hits:
        for tool in _TOOLS_BY_NAME.get(name, ()):
            if m := tool.name.match(text, i):
                _options(editor, tool, m.end(), _command_end(text, m.end()))
        if name == "htpasswd" and _HTPASSWD.match(text, i):
            _htpasswd(editor, i + len("htpasswd"), _command_end(text, i))


def _pipes(editor: Editor) -> None:
    text = editor.text
    for m in _PIPE.finditer(text):
        value = m.group("value")
        start, end = m.span("value")
        if value[:1] in "\"'" or value.startswith("\\"):
            quote = _QUOTE.match(value)
            width = len(quote.group()) if quote else 1
            start, end = start + width, end - width
        _claim(editor, start, end, ":" if m.group("tool").startswith("chpasswd") else "")
    for m in _HERE_STRING.finditer(text):
        word = _value(text, m.end())
        if word is not None:
            _claim(editor, word[0], word[1])


# Argument lists in code (spawn('sshpass', ['-p', X]), proc_open([...])):
# the element after a tool's password flag, or the part of smbclient's
# "user%password" after the %.
_ARGV_TOOL = prefilter.compile(r"(?i)\b(?P<tool>sshpass|mysql\w*|mariadb\w*|redis-cli"
                        r"|mosquitto_(?:pub|sub)|smbclient|ldap\w+|snmp\w+)\b")
_ARGV_FLAG = re.compile(r"(['\"])(?P<flag>-p|-P|-a|-w|-c|-U|--password|--pass)\1\s*,\s*"
                        r"(?P<q>['\"])(?P<v>[^'\"\n]+)(?P=q)")
_FLAGS = {"sshpass": "-p", "redis-cli": "-a", "mosquitto": "-P", "smbclient": "-U",
          "ldap": "-w", "snmp": "-c"}
# Tools whose password flag the command-line forms do not know yet.
_MORE_TOOLS = prefilter.compile(
    r"\b(?:mosquitto_(?:pub|sub)\b[^\n]*?\s-P|snmp\w+\b[^\n]*?\s-c)[ \t]+"
    r"(?P<q>['\"]?)(?P<v>[^\s'\"$]+)(?P=q)")
# sprintf('mysql -u%s -p%s %s', 'u', 'X', 'db'): the argument a password flag takes.
_SPRINTF = prefilter.compile(r"\b(?:s?printf|format)\(\s*(?P<q>['\"])(?P<fmt>[^'\"\n]*)(?P=q)\s*,"
                      r"(?P<args>[^;\n]*)\)")
_FORMAT_SLOT = re.compile(r"%[-+ 0#]*\d*(?:\.\d+)?[sdq]")
_FLAG_BEFORE = re.compile(r"(?:-p|--password=|--pass=|-P ?|pass:)$")
_STRING_ARG = re.compile(r"\s*(?P<q>['\"])(?P<v>[^'\"\n]*)(?P=q)\s*(?:,|$)|\s*[^,]*(?:,|$)")


def _argv(editor: Editor) -> None:
    text = editor.text
    for line in re.finditer(r"[^\n]+", text):
        tool = _ARGV_TOOL.search(line.group())
        if tool is None:
            continue
        name = tool.group("tool").lower()
        wanted = next((f for t, f in _FLAGS.items() if name.startswith(t)), "-p")
        for m in _ARGV_FLAG.finditer(text, line.start(), line.end()):
            if m.group("flag") not in (wanted, "--password", "--pass"):
                continue
            start, value = m.start("v"), m.group("v")
            if m.group("flag") == "-U":  # user%password
                if "%" not in value:
                    continue
                start, value = start + value.index("%") + 1, value.split("%", 1)[1]
            if value and not value.startswith(_CODE) and not patterns.keep_value(value):
                editor.claim(start, start + len(value), ph.SECRET_PLACEHOLDER, RULE)


def _more_tools(editor: Editor) -> None:
    for m in prefilter.finditer(_MORE_TOOLS, editor.text):
        if not patterns.keep_value(m.group("v")):
            editor.claim(m.start("v"), m.end("v"), ph.SECRET_PLACEHOLDER, RULE)


def _formats(editor: Editor) -> None:
    text = editor.text
    for m in prefilter.finditer(_SPRINTF, text):
        slots = [s for s in _FORMAT_SLOT.finditer(m.group("fmt"))]
        secret = [i for i, s in enumerate(slots)
                  if _FLAG_BEFORE.search(m.group("fmt")[:s.start()])]
        if not secret:
            continue
        pos, index = m.start("args"), 0
        while pos < m.end("args") and index <= max(secret):
            a = _STRING_ARG.match(text, pos, m.end("args"))
            if a is None or a.end() == pos:
                break
            if index in secret and a.group("v"):
                editor.claim(a.start("v"), a.end("v"), ph.SECRET_PLACEHOLDER, RULE)
            pos, index = a.end(), index + 1


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim the credential values of the usual tools' command lines in editor.text."""
    text = editor.text
    if prefilter.search(_ARGV_TOOL, text) is not None:
        _more_tools(editor)
        if "," in text:
            _argv(editor)
    _formats(editor)
    hits = [
        (start, _LITERALS[i])
        for i, start, _ in patterns.find_hints(_HINTS, text)
    ]
    if not hits:
        return
    _commands(editor, hits)
    names = {name for _, name in hits}
    if "<<<" in names or (names & set(_PIPE_GATES) and "|" in text):
        _pipes(editor)
