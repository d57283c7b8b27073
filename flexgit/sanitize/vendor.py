"""Vendor tokens, from a maintained rule set (detect-secrets' plugins).

The regexes are detect-secrets' own (``denylist`` of each plugin class, read
at first use: importing detect-secrets costs ~0.15 s, which a file without a
hint never pays), so new token shapes arrive with a library upgrade. This
module adds what a sanitizer needs on top: a cheap literal gate per plugin, a
word boundary before each match and the rest of the token after it (Stripe's
rule stops at 24 characters, today's keys are longer), and the values that
stand *next to* a key (AWS secret access key, Twilio auth token).

Covered (rule ``vendor.token``): AWS key ids and secret access keys, Azure
storage account keys, Discord bot tokens, GitHub and GitLab tokens, JWTs,
Mailchimp, npm (``.npmrc`` ``_authToken``), OpenAI, PyPI, SendGrid, Slack,
Square, Stripe, Telegram bot tokens, Twilio SIDs and auth tokens; private keys
in the armours patterns.private_keys does not read (SSH.com ``---- BEGIN SSH2
ENCRYPTED PRIVATE KEY ----``, PuTTY ``.ppk`` bodies: the private lines and the
MAC go, the public lines stay); base64 ``user:password`` blobs next to an
auth/basic/credentials hint. Tokens that pattern.api_token or pattern.jwt take
whole are left to them, so their rule names keep reporting them.
detect-secrets' entropy and keyword plugins are for the audit, not for here.

Shapes detect-secrets has no plugin for (Mailgun, Telnyx, DigitalOcean, FCM
legacy server keys, healthchecks.io ping URLs, Brevo, Sentry, Grafana, ...)
are data: ``flexgit/vendor_rules.toml`` (the audit reads it too), each rule
named after the rule of Kingfisher's maintained catalogue it takes its shape
from, compiled into the shared
Hyperscan prefilter so a file without the rule's literal never runs it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import ahocorasick_rs

from flexgit.sanitize import patterns, prefilter
from flexgit.sanitize import placeholders as ph
from flexgit.sanitize.engine import Editor
from flexgit.sanitize.rules import Rules

RULE = "vendor.token"
_R = ph.SECRET_PLACEHOLDER

# detect-secrets' plugin class name -> the literals one of its matches holds.
# A plugin runs only when the text holds one of them (the regexes mostly start
# with a character class, which `re` tries at every position).
_GATES: dict[str, tuple[str, ...]] = {
    "AWSKeyDetector": ("A3T", "ABIA", "ACCA", "AKIA", "ASIA"),
    "AzureStorageKeyDetector": ("AccountKey=",),
    "DiscordBotTokenDetector": ("discord", "Discord", "DISCORD"),
    "GitHubTokenDetector": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "GitLabTokenDetector": ("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "GR1348941",
                            "glcbt-", "glimt-", "glptt-", "glagent-", "gloas-"),
    "JwtTokenDetector": ("eyJ",),
    "MailchimpDetector": ("-us",),  # and _MAILCHIMP_HINT
    "NpmDetector": (":_authToken=",),
    "OpenAIDetector": ("T3BlbkFJ",),
    "PypiTokenDetector": ("pypi-Ag",),
    "SendGridDetector": ("SG.",),
    "SlackDetector": ("xox",),
    "SquareOAuthDetector": ("sq0csp-",),
    "StripeDetector": ("k_live_",),
    # The secret half of the bot tokens Telegram issues starts with "AA"
    # ("bot" alone is in every "both" and "bottom").
    "TelegramBotTokenDetector": (":AA", "telegram", "Telegram", "TELEGRAM"),
    "TwilioKeyDetector": ("AC", "SK"),
}  # fmt: skip

_MODULES = {
    "AWSKeyDetector": "aws", "AzureStorageKeyDetector": "azure_storage_key",
    "DiscordBotTokenDetector": "discord", "GitHubTokenDetector": "github_token",
    "GitLabTokenDetector": "gitlab_token", "JwtTokenDetector": "jwt",
    "MailchimpDetector": "mailchimp", "NpmDetector": "npm", "OpenAIDetector": "openai",
    "PypiTokenDetector": "pypi_token", "SendGridDetector": "sendgrid", "SlackDetector": "slack",
    "SquareOAuthDetector": "square_oauth", "StripeDetector": "stripe",
    "TelegramBotTokenDetector": "telegram_token", "TwilioKeyDetector": "twilio",
}  # fmt: skip

# Shapes detect-secrets 1.5 lacks: Stripe webhook secrets and live publishable
# and restricted keys, OpenAI project/service keys, Square access tokens.
_EXTRA = (
    (("whsec_", "pk_live_", "rk_live_", "rk_test_"),
     re.compile(r"(?:whsec|pk_live|rk_live|rk_test)_[A-Za-z0-9]{24,}")),
    (("sk-proj-", "sk-svcacct-", "sk-admin-"),
     re.compile(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}")),
    (("sq0atp-",), re.compile(r"sq0atp-[0-9A-Za-z_-]{22}")),
)  # fmt: skip

_MAILCHIMP_HINT = re.compile(r"-us\d")  # "-us" alone is in every "--user"
_TOKEN_TAIL = re.compile(r"[A-Za-z0-9_-]*")
_JWT_TAIL = re.compile(r"[A-Za-z0-9_.+/=-]*")
_B64_TAIL = re.compile(r"[A-Za-z0-9+/=]*")
# Plugins whose regex group (not the whole match) is the token.
_GROUP_IS_TOKEN = frozenset({"NpmDetector", "AWSKeyDetector"})
_NEAR_LINES = 3  # a secret access key / auth token is this close to its key id
_TWILIO_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])")
# A secret access key's shape (40 characters of base64), beside its key id
# without a label detect-secrets knows: "AWS Secret Access Key [None]: X" in an
# `aws configure` transcript, `rclone config create ... secret_access_key X`.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def _aws_secret_shaped(value: str) -> bool:
    """Mixed case and a digit: the random key, not a 40-letter word or hex digest."""
    return any(c.isupper() for c in value) and any(c.islower() for c in value) and \
        any(c.isdigit() for c in value)


@dataclass(frozen=True)
class _DataRule:
    keywords: tuple[str, ...]
    regex: re.Pattern[str]


def _data_rules() -> tuple[_DataRule, ...]:
    """The rules of vendor_rules.toml (the regexes registered with the prefilter)."""
    text = resources.files("flexgit").joinpath("vendor_rules.toml").read_text("utf-8")
    return tuple(_DataRule(tuple(rule["keywords"]), prefilter.compile(rule["regex"]))
                 for rule in tomllib.loads(text)["rule"])


_DATA_RULES = _data_rules()


@dataclass(frozen=True)
class _Detector:
    name: str
    regexes: tuple[re.Pattern[str], ...]


@functools.cache
def _detectors() -> tuple[_Detector, ...]:
    detectors = []
    for name in _GATES:
        module = importlib.import_module(f"detect_secrets.plugins.{_MODULES[name]}")
        denylist: Iterable[re.Pattern[str]] = getattr(module, name).denylist
        # Slack's webhook URL is http.webhook's, which keeps the URL's shape.
        regexes = tuple(r for r in denylist if not r.pattern.startswith("https://"))
        detectors.append(_Detector(name, regexes))
    return tuple(detectors)


def _secret_access_keys(lines: list[str]) -> list[str]:
    from detect_secrets.plugins.aws import get_secret_access_keys
    from detect_secrets.util.code_snippet import CodeSnippet

    return list(get_secret_access_keys(CodeSnippet(lines, 0, 0)))


def _is_jwt(token: str) -> bool:
    from detect_secrets.plugins.jwt import JwtTokenDetector

    return bool(JwtTokenDetector.is_formally_valid(token))


def _near(text: str, pos: int) -> tuple[int, int]:
    """The span of the lines around pos where a key's partner value stands."""
    start = text.rfind("\n", 0, pos) + 1
    for _ in range(_NEAR_LINES):
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    end = pos
    for _ in range(_NEAR_LINES + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            return start, len(text)
    return start, end


def _match_end(tail: re.Pattern[str], text: str, pos: int) -> int:
    m = tail.match(text, pos)
    return m.end() if m else pos


def _claim(editor: Editor, start: int, end: int) -> None:
    value = editor.text[start:end]
    if patterns.keep_value(value):
        editor.claim(start, end, value, RULE)
    elif not patterns.is_pattern_token(value):
        editor.claim(start, end, _R, RULE)


def _claim_all(editor: Editor, values: Iterable[str], start: int, end: int) -> None:
    """Claim each occurrence of each value inside text[start:end]."""
    text = editor.text
    for value in set(values):
        i = text.find(value, start, end)
        while i >= 0:
            _claim(editor, i, i + len(value))
            i = text.find(value, i + len(value), end)


def _token(editor: Editor, detector: str, m: re.Match[str]) -> None:
    text = editor.text
    start, end = m.span()
    grouped = m.re.groups and detector in _GROUP_IS_TOKEN
    if grouped:  # npm's token, AWS's quoted secret access key
        group = next((g for g in range(1, m.re.groups + 1) if m.group(g)), 0)
        start, end = m.span(group)
    elif detector == "AzureStorageKeyDetector":
        start = text.index("=", start) + 1
    elif start and text[start - 1].isalnum():
        return  # inside a longer word
    if detector == "JwtTokenDetector":
        # The library's class [A-Za-z0-9-_=] also spans "9"-"_" (":", "<", "@", ...).
        end = _match_end(_JWT_TAIL, text, start)
        if not _is_jwt(text[start:end]):
            return
    elif not grouped:
        tail = _B64_TAIL if detector == "AzureStorageKeyDetector" else _TOKEN_TAIL
        end = _match_end(tail, text, end)
    _claim(editor, start, end)
    if detector == "AWSKeyDetector" and text.startswith(("AKIA", "ASIA"), start):
        near = _near(text, start)
        _claim_all(editor, _secret_access_keys(text[near[0] : near[1]].splitlines()), *near)
        _claim_all(editor, (t.group() for t in _AWS_SECRET.finditer(text, *near)
                            if _aws_secret_shaped(t.group())), *near)
    elif detector == "TwilioKeyDetector" and text.startswith("AC", start):
        near = _near(text, start)
        _claim_all(editor, (t.group() for t in _TWILIO_TOKEN.finditer(text, *near)), *near)


_AWS_HINTS = ("aws", "AWS", "Aws")
_KEY_HINTS = ("BEGIN SSH2", "PuTTY-User-Key-File-")
_B64_HINTS = ("basic", "Basic", "BASIC", "auth", "Auth", "AUTH", "cred", "Cred", "CRED")
# Every gate of every plugin and of this module, found in one pass over the text.
_LITERALS = tuple(dict.fromkeys(
    (*(g for gates in _GATES.values() for g in gates), *(g for gs, _ in _EXTRA for g in gs),
     *_AWS_HINTS, *_KEY_HINTS, *_B64_HINTS, *(k for r in _DATA_RULES for k in r.keywords))
))  # fmt: skip
_HINTS = ahocorasick_rs.AhoCorasick(_LITERALS)


def _tokens(editor: Editor, found: set[str]) -> None:
    text = editor.text
    aws = not found.isdisjoint(_AWS_HINTS)
    for detector in _detectors():
        gated = not found.isdisjoint(_GATES[detector.name])
        if detector.name == "MailchimpDetector":
            gated = gated and _MAILCHIMP_HINT.search(text) is not None
        for regex in detector.regexes:
            # AWS's "aws ... key ... '<40 chars>'" rule is gated by "aws".
            if aws if regex.flags & re.I else gated:
                for m in regex.finditer(text):
                    _token(editor, detector.name, m)
    for gates, regex in _EXTRA:
        if not found.isdisjoint(gates):
            for m in regex.finditer(text):
                _token(editor, "extra", m)


# -- private keys in the armours patterns.private_keys does not read ----------

_SSH2 = re.compile(r"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----")
_SSH2_END = "---- END SSH2 ENCRYPTED PRIVATE KEY ----"
_SSH2_HEADER = re.compile(r"[ \t]*[A-Za-z][\w-]*:[ \t]")
# PuTTY-User-Key-File-3 is newer than detect-secrets' list (it has -2 only).
_PPK = re.compile(r"PuTTY-User-Key-File-[123]:")
_PPK_PRIVATE = re.compile(r"Private-Lines:[ \t]*(\d+)[ \t]*\r?\n")
_PPK_MAC = re.compile(r"Private-(?:MAC|Hash):[ \t]*(\S+)")
_PPK_NEXT_KEY = "PuTTY-User-Key-File-"


def _lines(editor: Editor, pos: int, count: int | None, end: int) -> None:
    """Claim each non-blank line from pos (count of them, or up to end), keeping breaks."""
    text = editor.text
    while pos < end and (count is None or count > 0):
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        line_end = stop - 1 if stop > pos and text[stop - 1] == "\r" else stop
        if text[pos:line_end].strip():
            _claim(editor, pos, line_end)
            count = None if count is None else count - 1
        pos = stop + 1


def _private_keys(editor: Editor, found: set[str]) -> None:
    text = editor.text
    if "BEGIN SSH2" in found:
        for m in _SSH2.finditer(text):
            end = text.find(_SSH2_END, m.end())
            end = len(text) if end < 0 else end
            pos = m.end()
            while pos < end:  # body lines, headers (Comment:) kept
                nl = text.find("\n", pos, end)
                stop = end if nl < 0 else nl
                if not _SSH2_HEADER.match(text, pos):
                    _lines(editor, pos, 1, stop)
                pos = stop + 1
    if "PuTTY-User-Key-File-" in found:
        for m in _PPK.finditer(text):
            stop = text.find(_PPK_NEXT_KEY, m.end())
            stop = len(text) if stop < 0 else stop
            private = _PPK_PRIVATE.search(text, m.end(), stop)
            if private:
                _lines(editor, private.end(), int(private.group(1)), stop)
            mac = _PPK_MAC.search(text, m.end(), stop)
            if mac:
                _claim(editor, mac.start(1), mac.end(1))


# -- base64 user:password ------------------------------------------------------

_B64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{8,}={0,2}(?![A-Za-z0-9+/=_-])")
_USER_PASS = re.compile(rb"[\w.@+-]{1,64}:[\x21-\x7e]{1,128}")


def _basic_blobs(editor: Editor, hints: list[int]) -> None:
    text = editor.text
    for start, end in patterns.hint_lines(text, hints):
        for m in _B64.finditer(text, start, end):
            if len(m.group()) % 4:
                continue
            try:
                raw = base64.b64decode(m.group(), validate=True)
            except (binascii.Error, ValueError):
                continue
            if _USER_PASS.fullmatch(raw):
                _claim(editor, m.start(), m.end())


def apply(editor: Editor, rules: Rules, path: str) -> None:
    """Claim vendor tokens, private key bodies and base64 credentials in editor.text."""
    hits = patterns.find_hints(_HINTS, editor.text)
    if not hits:
        return
    found = {_LITERALS[i] for i, _, _ in hits}
    for rule in _DATA_RULES:
        if not found.isdisjoint(rule.keywords):
            for m in prefilter.finditer(rule.regex, editor.text):
                group = "token" if m.re.groupindex.get("token") else 0
                _claim(editor, m.start(group), m.end(group))
    _private_keys(editor, found)
    _tokens(editor, found)
    b64 = [start for i, start, _ in hits if _LITERALS[i] in _B64_HINTS]
    if b64:
        _basic_blobs(editor, b64)
