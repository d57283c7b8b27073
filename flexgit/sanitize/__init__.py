"""The sanitizer: what makes a snapshot safe to share.

``sanitize(path, data)`` replaces secrets and personal data in one file with
fixed placeholders (see :mod:`.placeholders`); ``find_secrets(path, data)`` runs
the same detectors and reports, by rule and line, what sanitize would still
change, which is empty for every sanitized file. Structure first, patterns
second (docs/design.md "The sanitizer, in layers"):

* JSON (``*.json`` or text that parses as an object/array): walked by key and
  rewritten token by token (:mod:`.json_rules`).
* Asterisk configuration (``system/etc/asterisk/*`` and any ``*.conf``): parsed
  with Asterisk's syntax (:mod:`.asterisk`), then the text rules.
* sudoers (``system/etc/sudoers``, ``system/etc/sudoers.d/*``): user names and
  command paths are what migrate needs, so only the value patterns run.
* Everything else textual: secret-named literals (:mod:`.text`).
* Then everywhere: value patterns (:mod:`.patterns`), and the layers: among
  them SQL rows by their columns (:mod:`.sql`, :mod:`.sql_rows`) and the
  display names of phone provisioning files (:mod:`.provisioning`).

Bytes in: every text is sanitized whatever its encoding (Latin-1 bytes,
invalid UTF-8, NULs, UTF-16/32) and written back in it (:mod:`flexgit.content`);
only binary files are returned unchanged, and the snapshot decides what to do
with them by kind. Every replacement keeps the file's line
count; no value ever appears in counts, findings or exceptions. Kept on purpose:
empty values, documentation stand-ins (``YOUR_PASSWORD_HERE``, ``<password>``,
``xxxx``, ``${VAR}``), addresses at example.com/.org/.net and RFC 2606 TLDs,
``sip:``/``TECH/`` user@host (phones and trunks), UI labels under secret keys
(``"password": "Password"``). ``changeme`` and the like are redacted: a weak
password in use is still a password.

Rule names (``Rules.disabled`` takes them; counts and findings report them):

* ``json.email`` ``json.name`` ``json.phone`` ``json.password`` (passwords, PINs,
  secrets) ``json.hash`` ``json.token`` (tokens, sessions, API and private keys)
  ``json.push_subscription``
* ``asterisk.secret`` (secret/password/md5_cred/dbpass/... and conference PINs)
  ``asterisk.register`` ``asterisk.dialstring`` (``IAX2/user:secret@host``, in
  every file kind) ``asterisk.mailbox`` ``asterisk.callerid`` ``asterisk.name``
  (fullname=, queue member names) ``asterisk.email`` ``asterisk.phone``
* ``text.php_literal`` ``text.js_literal`` ``text.shell_assign``
  ``text.config_value``
* ``php.binding`` ``js.binding`` (:mod:`.php`, :mod:`.js`) ``code.argument``
  (credentials passed to calls by place and shape: :mod:`.callargs`)
  ``code.base64`` (base64-wrapped literals, unwrapped and sanitized: :mod:`.b64literals`)
  ``http.cookie`` (session and token cookies: :mod:`.cookies`)
* ``pattern.private_key`` ``pattern.jwt`` ``pattern.api_token`` ``pattern.bcrypt``
  ``pattern.argon2`` ``pattern.sha_crypt`` ``pattern.md5_crypt`` ``pattern.phpass``
  ``pattern.yescrypt`` ``pattern.url_credentials`` ``pattern.password_param``
  (``password=...`` in DSNs and query strings) ``pattern.email``
* ``personal.name`` (a person under a person-name key in any syntax, after an
  ``Owner:``/``Maintainer:``/``maintained by`` label, before ``<email>``, in
  ``CALLERID(name)=``) ``personal.phone`` (libphonenumber, leniency VALID,
  in the installation's countries (``Sweep.regions``) then US: a valid number
  written with ``+`` or separators or on a line that names a phone;
  extensions, short codes, dialplan patterns, DIDs, trunk accounts and
  ``number@`` URIs kept; :mod:`.personal`, :mod:`.phones`)
* a profile's extra patterns under their own names; its extra secret keys count
  under the secret rule of the file kind (``json.password``, ``asterisk.secret``,
  ``text.*``).
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass

from flexgit import content
from flexgit.content import is_binary
from flexgit.sanitize import (
    b64literals,
    callargs,
    commands,
    cookies,
    dialplan,
    hashes,
    http,
    js,
    labels,
    markup,
    patterns,
    personal,
    php,
    provisioning,
    sections,
    sql,
    sweep,
    vendor,
)
from flexgit.sanitize.asterisk import sanitize_conf
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.json_rules import sanitize_json
from flexgit.sanitize.placeholders import PLACEHOLDERS, SECRET_PLACEHOLDER, is_placeholder
from flexgit.sanitize.rules import DEFAULT_RULES, RULE_NAMES, RULES_VERSION, Rules
from flexgit.sanitize.sweep import Sweep
from flexgit.sanitize.text import sanitize_text

# Each layer is one module with one ``apply(editor, rules, path)``.
LAYERS = (php.apply, js.apply, callargs.apply, b64literals.apply, commands.apply, http.apply,
          cookies.apply, dialplan.apply, vendor.apply, hashes.apply, provisioning.apply,
          sections.apply, personal.apply)
# After the value patterns: a label takes whatever follows it, so every rule
# that knows a value's shape (a DSN, a query string, a hash) goes first.
CATCH_ALL = (markup.apply, sql.apply, labels.apply)
SUDOERS_LAYERS = (personal.apply, commands.apply)

__all__ = [
    "DEFAULT_RULES",
    "PLACEHOLDERS",
    "RULES_VERSION",
    "RULE_NAMES",
    "SECRET_PLACEHOLDER",
    "Finding",
    "Result",
    "Rules",
    "Sweep",
    "find_secrets",
    "is_binary",
    "is_placeholder",
    "sanitize",
]

_MAX_PASSES = 4


@dataclass(frozen=True)
class Result:
    data: bytes  # sanitized content (the same object when nothing changed)
    counts: dict[str, int]  # rule name -> replacements; never values
    # The values the rules removed that are distinctive enough to sweep from
    # every other file (sweep.sweepable) and the PINs swept from prose lines;
    # kept in memory, never stored shareably.
    removed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Finding:
    rule: str
    line: int  # 1-based


# Editors' and package managers' copies of a .conf file are the same syntax.
_CONF_COPIES = tuple(f".conf{s}" for s in ("~", ".bak", ".old", ".orig", ".save", ".sample",
                                           ".dist", ".dpkg-old", ".dpkg-dist", ".rpmsave"))


def _is_conf(path: str) -> bool:
    """Asterisk syntax: everything under etc/asterisk (``#include``d files have
    any name), any ``*.conf`` and its copies, ``.inc``/``.ael`` files of an
    ``asterisk`` directory (elsewhere ``.inc`` is PHP's)."""
    low = path.lower()
    dirs = low.split("/")[:-1]
    return (
        low.startswith("system/etc/asterisk/")
        or low.endswith((".conf", *_CONF_COPIES))
        or ("asterisk" in dirs and low.endswith((".inc", ".ael")))
    )


def _is_sudoers(path: str) -> bool:
    return path == "system/etc/sudoers" or path.startswith("system/etc/sudoers.d/")


def _looks_like_json(path: str, text: str) -> bool:
    return path.lower().endswith(".json") or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


def _run(path: str, text: str, rules: Rules, regions: tuple[str, ...] = ()) -> Editor:
    editor = Editor(text, rules.disabled, regions=regions)
    if _looks_like_json(path, text) and sanitize_json(editor, rules, path):
        return editor  # every JSON value was seen by key or by pattern
    # Text rules decide by context another rule may change in the same pass
    # (a comment read as a label until a word in it is replaced, a key that a
    # pattern swallows): their output is only known settled after a second pass.
    editor.unsettled = True
    patterns.private_keys(editor)
    if _is_sudoers(path):
        pass
    elif _is_conf(path):
        sanitize_conf(editor, rules, path)
        sanitize_text(editor, rules, path)
    else:
        sanitize_text(editor, rules, path)
    # The layers over every text file, most specific first: each claims what
    # it understands, and catches what the ones before it missed. A sudoers
    # file keeps its rules (user names and command paths are what migrate
    # needs): only names, phones and labelled credentials in it are replaced.
    sudoers = _is_sudoers(path)
    for layer in LAYERS:
        if not sudoers or layer in SUDOERS_LAYERS:
            layer(editor, rules, path)
    patterns.apply(editor, rules, admin="admin" in posixpath.basename(path).lower())
    for layer in CATCH_ALL:
        layer(editor, rules, path)
    return editor


def _fixed_point(path: str, text: str, rules: Rules, counts: Counter[str],
                 removed: set[str], regions: tuple[str, ...] = ()) -> str:
    """Run the rules until they change nothing; count and collect what they
    removed.

    Rules claim spans first come first served, so a second pass over the
    output normally changes nothing. When two rules disagree on where a value
    ends (``secret=>#0``: one stops at ">", another at "#"), the next pass
    redacts what the first left, and the loop stops at the fixed point: the
    output is what find_secrets() finds nothing in. JSON whose changes
    cannot have moved anything a rule looks at (Editor.settled) is known to
    end there already, which spares most JSON files the confirming pass.
    """
    for _ in range(_MAX_PASSES):
        editor = _run(path, text, rules, regions)
        if not editor.changes:
            break
        counts.update(editor.counts())
        removed.update(editor.removed())
        text = editor.result()
        if editor.settled():
            break
    return text


def sanitize(path: str, data: bytes, rules: Rules = DEFAULT_RULES,
             known: Sweep | None = None) -> Result:
    """Replace secrets and personal data in one snapshot file; `known` are the
    values swept from every file (:mod:`.sweep`).

    >>> sanitize("system/etc/asterisk/manager.conf", b"[admin]\\nsecret = s3cr3t\\n").data
    b'[admin]\\nsecret = FLEXGIT-REDACTED\\n'
    """
    decoded = content.decode(data)
    if decoded is None:
        return Result(data, {})
    text = decoded.text
    counts: Counter[str] = Counter()
    removed: set[str] = set()
    regions = known.regions if known is not None else ()
    text = _fixed_point(path, text, rules, counts, removed, regions)
    # Last, the sweep: the known values and what this file's own rules removed
    # (a password labelled once and repeated bare further down).
    local = Sweep(removed)
    swept = sweep.union(known, local) if known is not None else local
    if swept and "sweep.secret" not in rules.disabled:
        editor = Editor(text, rules.disabled)
        swept.apply(editor, json_text=_looks_like_json(path, text),
                    prose=path.lower().endswith(sweep.PROSE_SUFFIXES))
        if editor.changes:
            counts.update(editor.counts())
            # A swept value may have been part of something a rule reads
            # ("secret=$2y$10$..." minus "$2y$10$" is a new value): the rules
            # run again on what the sweep left, to their fixed point.
            text = _fixed_point(path, editor.result(), rules, counts, set(), regions)
    if not counts:
        return Result(data, {}, local.values | local.pins)
    return Result(decoded.encode(text), dict(sorted(counts.items())), local.values | local.pins)


def find_secrets(path: str, data: bytes, rules: Rules = DEFAULT_RULES,
                 regions: tuple[str, ...] = ()) -> list[Finding]:
    """What in *data* still looks like a secret or personal data, by rule and line.

    The detectors are sanitize()'s own, so ``find_secrets(p, sanitize(p, d).data)``
    is always empty and anything reported is something sanitize would replace.
    """
    decoded = content.decode(data)
    if decoded is None:
        return []
    editor = _run(path, decoded.text, rules, regions)
    found = {Finding(rule, line) for rule, line in editor.findings()}
    return sorted(found, key=lambda f: (f.line, f.rule))
