"""JSON: walked by key, rewritten in place token by token.

The text is never re-serialised: a small parser records where every token is,
and only the tokens that hold personal data are replaced, so formatting, key
order and the line count survive. Decisions where the brief left room:

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
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field

from flexgit.sanitize import patterns
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.keys import (
    Kind,
    classify,
    is_admin_context,
    looks_like_label,
    normalize,
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
    """The token tree of valid JSON from pos, built with a stack, not recursion.

    Like a recursive descent, refuses a value nested in more than _MAX_DEPTH
    containers (NotJson). In an object, a key is the first string after "{" or
    after the previous member.
    """
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
        if len(stack) > _MAX_DEPTH:
            raise NotJson
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


def parse(text: str) -> Node:
    """The token tree of a JSON document; NotJson when json.loads refuses it."""
    offset = 1 if text.startswith("\ufeff") else 0
    try:
        json.loads(text[offset:])
        root = _tree(text, offset)
    except (ValueError, RecursionError) as exc:
        raise NotJson from exc
    if text[root.end :].strip(" \t\n\r"):
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


class JsonSanitizer:
    def __init__(self, editor: Editor, rules: Rules, path: str) -> None:
        self.editor = editor
        self.text = editor.text
        self.rules = rules
        self.extra = rules.secret_keys
        self.admin = "admin" in posixpath.basename(path).lower()

    def run(self, root: Node) -> None:
        self.walk(root, _Context(admin=self.admin))

    def walk(self, node: Node, ctx: _Context) -> None:
        if node.kind == "object":
            self.object(node, ctx)
        elif node.kind == "array":
            inner = _Context(ctx.admin, person=ctx.person_items)
            for item in node.items:
                self.walk(item, inner)
        elif node.kind == "string":
            self.string(node, ctx.admin)

    def object(self, node: Node, ctx: _Context) -> None:
        norms = [normalize(self.decode(key)) for key, _ in node.members]
        kinds = [classify(n, self.extra) for n in norms]
        person = (
            ctx.person
            or any(n in _PERSON_HINTS for n in norms)
            or (any(n in _EXTENSION_KEYS for n in norms) and any(k is Kind.SECRET for k in kinds))
        )
        has_p256dh = "p256dh" in norms
        for (key, value), norm, kind in zip(node.members, norms, kinds, strict=True):
            self.string(key, ctx.admin)  # a changed key leaves the editor unsettled
            admin = ctx.admin or is_admin_context(norm)
            if value.kind in ("object", "array"):
                if kind is Kind.PUSH:
                    self.replace_container(value, "{}" if value.kind == "object" else "[]")
                elif value.kind == "object" and self.is_subscription(value):
                    self.replace_container(value, "null")
                elif kind is not None and kind is not Kind.MAYBE_NAME and value.kind == "array":
                    for item in value.items:
                        if item.kind in ("object", "array"):
                            self.walk(item, _Context(admin))
                        else:
                            self.scalar(item, kind, norm, admin)
                elif kind in (Kind.SECRET, Kind.TOKEN) and value.kind == "object":
                    # A table of secrets: its parent key says what every value is.
                    for sub_key, item in value.members:
                        self.string(sub_key, admin)
                        if item.kind in ("object", "array"):
                            self.walk(item, _Context(admin))
                        else:
                            self.scalar(item, kind, norm, admin)
                else:
                    child = _Context(
                        admin,
                        person_items=norm in _PERSON_PLURAL,
                        person=norm in _PERSON_SINGULAR or ctx.person_items,
                    )
                    self.walk(value, child)
                continue
            if norm == "auth" and has_p256dh:
                kind = Kind.TOKEN
            if kind is Kind.MAYBE_NAME:
                kind = Kind.NAME if person else None
            if kind is None:
                self.walk(value, _Context(admin))
            else:
                self.scalar(value, kind, norm, admin)

    def decode(self, node: Node) -> str:
        token = self.text[node.start : node.end]
        if "\\" not in token:
            # json.loads accepted the document, so the token holds no control
            # characters: without an escape its contents are its value.
            return token[1:-1]
        value: str = json.loads(token)
        return value

    def is_subscription(self, node: Node) -> bool:
        norms = {normalize(self.decode(key)) for key, _ in node.members}
        return "endpoint" in norms and bool(norms & {"keys", "expiration_time"})

    def replace_container(self, node: Node, empty: str) -> None:
        original = self.text[node.start : node.end]
        breaks = _NEWLINES.findall(original)
        last = original.rsplit("\n", 1)[-1] if breaks else ""
        indent = last[: len(last) - len(last.lstrip(" \t"))]
        if empty == "null":
            replacement = "null" + "".join(breaks) + indent if breaks else "null"
        else:
            replacement = empty[0] + "".join(breaks) + indent + empty[1]
        self.editor.claim(node.start, node.end, replacement, "json.push_subscription")

    def scalar(self, node: Node, kind: Kind, norm: str, admin: bool) -> None:
        if node.kind == "number":
            self.number(node, kind)
        elif node.kind == "string" and not self.keyed_string(node, kind, norm, admin):
            self.string(node, admin)

    def number(self, node: Node, kind: Kind) -> None:
        token = self.text[node.start : node.end]
        if kind is Kind.SECRET:
            self.editor.claim(node.start, node.end, ph.NUMBER_PLACEHOLDER, "json.password")
        elif kind is Kind.PHONE and len(token.lstrip("-")) >= 7 and token.isdigit():
            self.editor.claim(node.start, node.end, ph.PHONE_NUMBER_PLACEHOLDER, "json.phone")

    def keyed_string(self, node: Node, kind: Kind, norm: str, admin: bool) -> bool:
        """Replace a string by what its key says it is; False to fall back to patterns."""
        value = self.decode(node)
        if patterns.keep_value(value):
            return False
        replacement: str | None = None
        rule = ""
        if kind in (Kind.SECRET, Kind.TOKEN):
            if looks_like_label(norm, value):
                return False
            hashed = patterns.hash_placeholder(value)
            replacement, rule = (hashed, "json.hash") if hashed else (
                ph.SECRET_PLACEHOLDER, "json.password" if kind is Kind.SECRET else "json.token"
            )  # fmt: skip
        elif kind is Kind.HASH:
            replacement = patterns.hash_placeholder(value) or ph.LEGACY_HASH_PLACEHOLDER
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
        return self.editor.claim(node.start, node.end, _encode(replacement, ""), rule)

    def string(self, node: Node, admin: bool) -> None:
        before = len(self.editor.changes)
        self._string(node, admin)
        if len(self.editor.changes) != before:
            # Decided by the string's own content, which this changed: the
            # next pass may decide otherwise (a value no longer kept as a
            # label or an address gets its key's placeholder), so let it run.
            self.editor.unsettled = True

    def _string(self, node: Node, admin: bool) -> None:
        raw = self.text[node.start + 1 : node.end - 1]
        value = raw if "\\" not in raw else self.decode(node)
        if "@" in value and patterns.EMAIL.fullmatch(value):
            new = patterns.email_replacement(value, admin=admin)
            if new is not None:
                self.editor.claim(node.start, node.end, _encode(new, raw), "json.email")
            return
        if not patterns.could_match(value, self.rules):
            return  # most strings: no pattern has its anchor in them
        inner = Editor(value, self.editor.disabled)
        patterns.apply(inner, self.rules, admin=admin)
        self.editor.unsettled |= inner.unsettled
        if inner.changes:
            new_value = inner.result()
            self.editor.claim(node.start, node.end, _encode(new_value, raw), inner.counts())


def sanitize_json(editor: Editor, rules: Rules, path: str) -> bool:
    """Apply the JSON rules; False (and nothing claimed) when the text is not JSON."""
    try:
        root = parse(editor.text)
    except NotJson:
        return False
    JsonSanitizer(editor, rules, path).run(root)
    return True
