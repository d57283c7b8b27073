"""JSON: walked by key, rewritten in place token by token.

The text is never re-serialised. json.loads (in C) parses it and the rules
decide on the parsed values; only when something is to be replaced does a small
tokenizer find where those tokens are, and only they are replaced, so
formatting, key order and the line count survive (and a file with nothing to
replace, such as most files sanitized before, costs one parse and one walk).
Decisions where the brief left room:

* A numeric secret (``"pin": 1234``) becomes the number ``0`` and a numeric
  phone ``15555550100``: the JSON type is kept, ``0`` and ``15555550100`` are
  placeholders. Booleans and ``null`` are never touched; numbers only under
  secret and phone keys (``"session_timeout": 3600`` is not a secret).
* A plain ``"name"`` is personal only in a person record: an object whose
  parent key lists people (``users``, ``extensions``, ``contacts``...), whose
  own key is ``user``/``admin``/``owner``/..., or that has person fields beside
  it (``email``, ``first_name``, ``mobile``...) or is a SIP extension (an
  ``extension`` key next to a password). Trunks, queues, IVRs and contexts keep
  their names; restoring them as "FlexPBX User" would break the PBX.
* Web-push subscription containers (``push_subscriptions``...) become an empty
  ``{}``/``[]`` of the same type; any other object with ``endpoint`` and ``keys``
  (one device's subscription) becomes ``null``. The replacement carries the
  removed line breaks so the line count stays.
* Emails become ``admin@example.com`` under a key, an ancestor key or in a file
  whose name says ``admin``, else ``user@example.com``.
* In a table of secrets (an object under a secret or token key, such as
  ``"api_keys": {"portal": "..."}``) a value is what its own key says it is;
  when that says nothing or replaces nothing, what the table's key says.
* Values under neutral keys, by place and shape (credential tuples, key
  rings, split first/last names, service-account key files, base64
  ``user:password``): :mod:`.json_shapes`.
* A rule that is off stops only its own replacements: a push container it
  would have emptied is walked, a table still lets its values' own keys
  decide, an address it would have replaced still meets the patterns.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flexgit.sanitize import (
    commands,
    hashes,
    http,
    json_shapes,
    labels,
    patterns,
    person_names,
    personal,
    vendor,
)
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import (
    Kind,
    classify,
    is_admin_context,
    looks_like_label,
    normalize,
    value_fits,
    words,
)
from flexgit.sanitize.rules import Rules

_MAX_DEPTH = 200

_NEWLINES = re.compile(r"\r?\n")
_PHONE = re.compile(r"\+?[\d\s().\-/]{7,}")

_PERSON_PLURAL = words(
    "users admins extensions contacts members agents employees staff people operators "
    "customers accounts recipients mailboxes voicemail_boxes directory phonebook team"
)
_PERSON_SINGULAR = words(
    "user admin owner contact profile account caller customer employee member agent "
    "operator person sender recipient"
)
_PERSON_HINTS = words(
    "email mail first_name last_name full_name fullname mobile phone department job_title"
)
_EXTENSION_KEYS = frozenset({"extension", "ext", "exten"})


class NotJson(Exception):
    """The text is not JSON this module can rewrite; use the text rules."""


class _Object(list[tuple[str, Any]]):
    """A parsed JSON object: its members in order, duplicate keys kept."""

    __slots__ = ()


class _Number(str):
    """A parsed JSON number, as written (``-0``, ``1e5``): the rules read its digits."""

    __slots__ = ()


class _Constant(str):
    """``NaN``, ``Infinity`` or ``-Infinity``: a literal, never a number to replace."""

    __slots__ = ()


def _load(text: str) -> Any:
    """The parsed document (objects as _Object, numbers as _Number); NotJson when
    json.loads refuses it (also when nested past the C parser's recursion limit)."""
    offset = 1 if text.startswith("\ufeff") else 0
    try:
        return json.loads(text[offset:], object_pairs_hook=_Object, parse_int=_Number,
                          parse_float=_Number, parse_constant=_Constant)
    except (ValueError, RecursionError) as exc:
        raise NotJson from exc


@dataclass(slots=True)
class Node:
    kind: str  # object, array, string, number, literal
    start: int
    end: int
    members: list[tuple[Node, Node]] = field(default_factory=list)
    items: list[Node] = field(default_factory=list)


# One regex for every token of a document json.loads has already accepted:
# string, container open, container close, or number/literal (separators and
# whitespace are skipped; their place is known from the grammar).
_TOKEN = re.compile(
    r'[ \t\n\r,:]*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<open>[{\[])|(?P<close>[}\]])'
    r"|(?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>true|false|null|NaN|-?Infinity))",
    re.S,
)


def _tree(text: str, pos: int) -> Node:
    """Where every token of valid JSON from pos is: the same tree as _load's
    value, built with a stack. In an object, a key is the first string after
    "{" or after the previous member."""
    root: Node | None = None
    stack: list[Node] = []
    key: Node | None = None  # the key of the member being read, in an object
    for m in _TOKEN.finditer(text, pos):
        kind = m.lastgroup or ""
        if kind == "close":
            node = stack.pop()
            node.end = m.end()
            key = None  # a container value ends its member
            if not stack:
                return node
            continue
        if kind == "open":
            node = Node("object" if m.group(kind) == "{" else "array", m.start(kind), 0)
        else:
            node = Node(kind, m.start(kind), m.end())
        if not stack:
            root = node
        elif stack[-1].kind == "array":
            stack[-1].items.append(node)
        elif key is None:
            key = node
            continue
        else:
            stack[-1].members.append((key, node))
            key = None
        if kind == "open":
            stack.append(node)
        elif not stack:
            return node
    if root is None or stack:
        raise NotJson
    return root


def _encode(value: str, raw: str) -> str:
    encoded = json.dumps(value, ensure_ascii=False)
    try:
        encoded.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a \udXXX escape
        encoded = json.dumps(value, ensure_ascii=True)
    if "\\/" in raw:  # PHP's json_encode escapes slashes; keep its style
        encoded = encoded.replace("/", "\\/")
    return encoded


@dataclass(frozen=True)
class _Context:
    admin: bool = False
    person_items: bool = False  # objects directly inside are person records
    person: bool = False  # this object is a person record
    # In a table of secrets ({"api_keys": {"portal": ...}}): the kind and key
    # of the table, for the values whose own key says nothing or replaces
    # nothing (object() and scalar()).
    table: tuple[Kind, str] | None = None
    ring: bool = False  # an object of keys by their names ({"keys": {"primary": …}})


# Where a value sits: from the root, per container the member's 2*i (its
# key) or 2*i+1 (its value) in an object, the item's index in an array.
_Steps = tuple[int, ...]


@dataclass(slots=True)
class _Claim:
    path: _Steps
    replacement: str | Callable[[str], str]  # text, or made from the token as written
    rule: str | dict[str, int]
    by_content: bool = False  # decided by the value itself (see JsonSanitizer.string)


class JsonSanitizer:
    """Decides on the parsed document what to replace; `claims` says where."""

    def __init__(self, editor: Editor, rules: Rules, path: str) -> None:
        self.editor = editor
        self.rules = rules
        self.extra = rules.secret_keys
        self.admin = "admin" in posixpath.basename(path).lower()
        self.path_name = path
        self.path: list[int] = []  # steps to the container being walked
        self.claims: list[_Claim] = []

    def run(self, root: Any) -> None:
        self.walk(root, _Context(admin=self.admin), None)

    def claim(self, step: int | None, replacement: str | Callable[[str], str],
              rule: str | dict[str, int]) -> bool:
        """Note a replacement of the value at `step` in the current container
        (None: the container itself); False when the rule is off."""
        if isinstance(rule, str) and rule in self.editor.disabled:
            return False
        path = tuple(self.path) if step is None else (*self.path, step)
        self.claims.append(_Claim(path, replacement, rule))
        return True

    def walk(self, value: Any, ctx: _Context, step: int | None) -> None:
        """Visit `value`, found at `step` of the current container (None: the root)."""
        kind = type(value)
        if kind is str:
            self.string(value, ctx.admin, step)
            return
        if kind is not _Object and kind is not list:
            return  # numbers and literals count only under a key (scalar())
        if step is not None:
            self.enter(step)
        if kind is _Object:
            self.object(value, ctx)
        else:  # inline, not a method: one stack frame per nested array
            inner = _Context(ctx.admin, person=ctx.person_items)
            secrets = json_shapes.tuple_secrets(value)
            for j, item in enumerate(value):
                if j in secrets and not patterns.keep_value(item):
                    self.claim(j, _encode(ph.SECRET_PLACEHOLDER, ""), "json.password")
                else:
                    self.walk(item, inner, j)
        if step is not None:
            self.path.pop()

    def enter(self, step: int) -> None:
        """Step into the container at `step` (walk, or a loop over its values)."""
        if len(self.path) >= _MAX_DEPTH:
            raise NotJson  # the walk recurses once or twice per level
        self.path.append(step)

    def object(self, members: _Object, ctx: _Context) -> None:
        norms = [normalize(key) for key, _ in members]
        kinds = [classify(n, self.extra) for n in norms]
        person = (
            ctx.person
            or any(n in _PERSON_HINTS for n in norms)
            or (any(n in _EXTENSION_KEYS for n in norms) and any(k is Kind.SECRET for k in kinds))
        )
        has_p256dh = "p256dh" in norms
        secret_value = _named_secret(members, norms, self.extra)
        service = json_shapes.is_service_account(members)
        for i, ((key, value), norm, kind) in enumerate(zip(members, norms, kinds, strict=True)):
            if i == secret_value and kind is None:
                # {"key": "ami_secret", "value": "X"}: the name says what the value is.
                kind, norm = Kind.SECRET, "password"
            elif kind is None and type(value) is str:
                kind = self.by_place(norm, value, ctx, person, service)
            self.string(key, ctx.admin, 2 * i)  # a changed key leaves the editor unsettled
            fallback = ctx.table  # in a table of secrets: the table's kind and key
            if fallback is not None and kind in (None, Kind.MAYBE_NAME):
                (kind, norm), fallback = fallback, None
            admin = ctx.admin or is_admin_context(norm)
            step = 2 * i + 1
            vtype = type(value)
            if vtype is _Object or vtype is list:
                # Replaced whole, unless the rule is off: then walked like any
                # other container, so the keys and patterns still see inside.
                if kind is Kind.PUSH and self.replace_container(
                        step, "{}" if vtype is _Object else "[]"):
                    continue
                if vtype is _Object and self.is_subscription(value) and \
                        self.replace_container(step, "null"):
                    continue
                if kind is not None and kind is not Kind.MAYBE_NAME and vtype is list:
                    self.enter(step)
                    for j, item in enumerate(value):
                        if isinstance(item, list):  # _Object is a list too
                            self.walk(item, _Context(admin), j)
                        else:
                            self.scalar(item, kind, norm, admin, j, fallback)
                    self.path.pop()
                elif kind is None and vtype is _Object and json_shapes.is_ring(norm):
                    self.walk(value, _Context(admin, ring=True), step)
                elif kind in (Kind.SECRET, Kind.TOKEN) and vtype is _Object:
                    # A table of secrets: its key says what a value is, unless
                    # the value's own key does (which also holds with the
                    # table's rule off: a review found the table hiding
                    # passwords and hashes from their own rules then).
                    self.walk(value, _Context(admin, table=(kind, norm)), step)
                else:
                    child = _Context(
                        admin,
                        person_items=norm in _PERSON_PLURAL,
                        person=norm in _PERSON_SINGULAR or ctx.person_items,
                    )
                    self.walk(value, child, step)
                continue
            if norm == "auth" and has_p256dh:
                kind = Kind.TOKEN
            elif kind is None and norm in _PAIR_KEYS and vtype is str and \
                    (pair := _USER_PASS.fullmatch(value)) is not None and \
                    not patterns.keep_value(pair.group(2)):
                # "auth": "provision:X" (user:password, as curl -u and URLs write it)
                redacted = f"{pair.group(1)}:{ph.SECRET_PLACEHOLDER}"
                self.claim(step, functools.partial(_encode_as, redacted), "json.password")
                continue
            if kind is Kind.MAYBE_NAME:
                # In a person record, unless the value is an identifier
                # ({"name": "conference", "email": ...} names a room).
                kind = Kind.NAME if person and not (
                    vtype is str and _IDENTIFIER.fullmatch(value)) else None
            if kind is not None:
                self.scalar(value, kind, norm, admin, step, fallback)
            elif vtype is str:
                self.string(value, admin, step)

    @staticmethod
    def by_place(norm: str, value: str, ctx: _Context, person: bool,
                 service: bool) -> Kind | None:
        """What a string under a neutral key is by where it stands (:mod:`.json_shapes`)."""
        if service and norm in json_shapes.SERVICE_ACCOUNT_KEYS:
            return Kind.TOKEN
        if ctx.ring and json_shapes.ring_secret(norm, value):
            return Kind.TOKEN
        if person and norm in json_shapes.SPLIT_NAMES and \
                person_names.person(value, strict=False) is not None:
            return json_shapes.SPLIT_NAMES[norm]
        return None

    def is_subscription(self, members: _Object) -> bool:
        norms = {normalize(key) for key, _ in members}
        return "endpoint" in norms and bool(norms & {"keys", "expiration_time"})

    def replace_container(self, step: int, empty: str) -> bool:
        def replacement(original: str) -> str:
            breaks = _NEWLINES.findall(original)
            last = original.rsplit("\n", 1)[-1] if breaks else ""
            indent = last[: len(last) - len(last.lstrip(" \t"))]
            if empty == "null":
                return "null" + "".join(breaks) + indent if breaks else "null"
            return empty[0] + "".join(breaks) + indent + empty[1]

        return self.claim(step, replacement, "json.push_subscription")

    def scalar(self, value: Any, kind: Kind, norm: str, admin: bool, step: int,
               fallback: tuple[Kind, str] | None = None) -> None:
        """A value under a key of this kind; what the key of an enclosing table
        of secrets says (`fallback`) decides when the own key's rule does not."""
        vtype = type(value)
        if vtype is _Number:
            if not self.number(value, kind, step) and fallback is not None:
                self.number(value, fallback[0], step)
        elif vtype is str and not self.keyed_string(value, kind, norm, admin, step) and not (
                fallback is not None and self.keyed_string(value, *fallback, admin, step)):
            self.string(value, admin, step)

    def number(self, token: str, kind: Kind, step: int) -> bool:
        """Replace a number by what its key says it is; False when it does not."""
        if kind is Kind.SECRET:
            placeholder, rule = ph.NUMBER_PLACEHOLDER, "json.password"
        elif kind is Kind.PHONE and len(token.lstrip("-")) >= 7 and token.isdigit():
            placeholder, rule = ph.PHONE_NUMBER_PLACEHOLDER, "json.phone"
        else:
            return False
        # A placeholder already there is left unclaimed: no other rule can
        # take a JSON token, and a claim would cost the token tree for nothing.
        return token == placeholder or self.claim(step, placeholder, rule)

    def keyed_string(self, value: str, kind: Kind, norm: str, admin: bool, step: int) -> bool:
        """Replace a string by what its key says it is; False to fall back to patterns."""
        if patterns.keep_value(value):
            return False
        replacement: str | None = None
        rule = ""
        if kind in (Kind.SECRET, Kind.TOKEN):
            if looks_like_label(norm, value) or not value_fits(norm, value):
                return False
            hashed = patterns.hash_placeholder(value)
            replacement, rule = (hashed, "json.hash") if hashed else (
                ph.SECRET_PLACEHOLDER, "json.password" if kind is Kind.SECRET else "json.token"
            )  # fmt: skip
        elif kind is Kind.HASH:
            replacement = patterns.hash_placeholder(value) or ph.hex_digest_placeholder(value) \
            or ph.LEGACY_HASH_PLACEHOLDER
            rule = "json.hash"
        elif kind is Kind.PHONE and _PHONE.fullmatch(value.strip()):
            if sum(c.isdigit() for c in value) >= 7:
                replacement, rule = ph.PHONE_PLACEHOLDER, "json.phone"
        elif kind in (Kind.NAME, Kind.FIRST_NAME, Kind.LAST_NAME):
            replacement = {
                Kind.NAME: ph.NAME_PLACEHOLDER,
                Kind.FIRST_NAME: ph.FIRST_NAME_PLACEHOLDER,
                Kind.LAST_NAME: ph.LAST_NAME_PLACEHOLDER,
            }[kind]
            rule = "json.name"
        elif kind is Kind.EMAIL:
            replacement = patterns.email_value_replacement(value, admin=admin)
            rule = "json.email"
        if replacement is None:
            return False
        return self.claim(step, _encode(replacement, ""), rule)

    def string(self, value: str, admin: bool, step: int | None) -> None:
        before = len(self.claims)
        self._string(value, admin, step)
        if len(self.claims) != before:
            # Decided by the string's own content: when this changes it, the
            # next pass may decide otherwise (a value no longer kept as a label
            # or an address gets its key's placeholder), so let it run.
            self.claims[-1].by_content = True

    def _string(self, value: str, admin: bool, step: int | None) -> None:
        if len(value) >= 12 and json_shapes.is_basic_blob(value):
            self.claim(step, _encode(ph.SECRET_PLACEHOLDER, ""), "json.password")
            return
        if "@" in value and patterns.EMAIL.fullmatch(value):
            new = patterns.email_replacement(value, admin=admin)
            if new is not None and self.claim(step, lambda token: _encode(new, token[1:-1]),
                                              "json.email"):
                return
            # Kept (a reserved domain) or json.email is off: the patterns
            # still look, for a token posing as the address's local part.
        people = personal.could_match(value)  # a phone number or a name label in prose
        # A long string, or a URL, may be a token, a hash, a webhook or a
        # command line whatever its key: the value layers look at it too.
        shaped = len(value) >= 16 or "://" in value
        if not people and not shaped and not patterns.could_match(value, self.rules):
            return  # most strings: no pattern has its anchor in them
        inner = Editor(value, self.editor.disabled, regions=self.editor.regions)
        if people:
            personal.apply(inner, self.rules, "")
        if shaped:
            for layer in _VALUE_LAYERS:
                layer(inner, self.rules, self.path_name)
        patterns.apply(inner, self.rules, admin=admin)
        if shaped:
            labels.apply(inner, self.rules, self.path_name)
        self.editor.unsettled |= inner.unsettled
        if inner.changes:
            new_value = inner.result()
            self.claim(step, lambda token: _encode(new_value, token[1:-1]), inner.counts())


# The layers whose findings do not depend on a file's syntax (see __init__).
_VALUE_LAYERS = (commands.apply, http.apply, vendor.apply, hashes.apply)


def _encode_as(value: str, token: str) -> str:
    """`value` as a JSON string written like `token` (its escapes kept)."""
    return _encode(value, token[1:-1])


_IDENTIFIER = re.compile(r"[a-z0-9_.-]+")
# Keys whose string value is "user:password".
_PAIR_KEYS = frozenset({"auth", "basic_auth", "basicauth", "userinfo", "user_pass", "userpass",
                        "login", "credentials", "http_auth", "proxy_auth"})
_USER_PASS = re.compile(r"([^:\s/@]+):(\S+)")
# A settings row: a member that names the setting, one that holds its value.
_NAME_KEYS = frozenset({"key", "name", "setting", "option", "param", "parameter", "field",
                        "variable", "var", "id", "setting_name"})
_VALUE_KEYS = frozenset({"value", "val", "data", "content", "setting_value", "default"})


def _named_secret(members: _Object, norms: list[str], extra: tuple[str, ...]) -> int | None:
    """The index of the value member of a settings row whose name member names
    a secret ({"key": "smtp_password", "value": ...}), or None."""
    named = any(n in _NAME_KEYS and isinstance(v, str)
                and classify(normalize(v), extra) in (Kind.SECRET, Kind.TOKEN, Kind.HASH)
                for (_, v), n in zip(members, norms, strict=True))
    if not named:
        return None
    return next((i for i, n in enumerate(norms) if n in _VALUE_KEYS), None)


def _apply(editor: Editor, claims: list[_Claim]) -> None:
    """Find the claimed tokens in the text and claim their spans in order."""
    text = editor.text
    root = _tree(text, 1 if text.startswith("\ufeff") else 0)
    for c in claims:
        node = root
        for step in c.path:
            if node.kind == "object":
                key, value = node.members[step >> 1]
                node = value if step & 1 else key
            else:
                node = node.items[step]
        original = text[node.start : node.end]
        replacement = c.replacement if isinstance(c.replacement, str) else c.replacement(original)
        before = len(editor.changes)
        editor.claim(node.start, node.end, replacement, c.rule)
        if c.by_content and len(editor.changes) != before:
            editor.unsettled = True


def sanitize_json(editor: Editor, rules: Rules, path: str) -> bool:
    """Apply the JSON rules; False (and nothing claimed) when the text is not JSON."""
    try:
        walker = JsonSanitizer(editor, rules, path)
        walker.run(_load(editor.text))
        if walker.claims:
            _apply(editor, walker.claims)
    except NotJson:
        return False
    return True
