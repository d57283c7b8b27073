"""Vendor tokens, from detect-secrets' plugins used as a library: its authors
keep the formats of AWS, Twilio, Stripe, SendGrid, GitHub, GitLab, Slack,
Discord, Telegram, JWTs, private keys, URL credentials (BasicAuth) and more.

Each plugin's own `analyze_string` decides (the JWT plugin checks that the
token decodes); its patterns, joined into one trigger, only pick the lines.
Every token these plugins know has a run of 20 or more token characters, so
their triggers run only over the lines that hold such a run (the entropy
trigger finds them), except for the three whose mark is short: private key
armour, URL credentials and .npmrc tokens.
Left out: the keyword and entropy plugins (keywords.py and entropy.py are ours)
and the public-IP plugin (addresses are functional values).
The token shapes detect-secrets lacks (Mailgun, Telnyx, DigitalOcean, FCM,
healthchecks.io...) come from the project's rule data, ``flexgit/vendor_rules.toml``,
read here as data: like detect-secrets' plugins, a rule set both the
sanitizer and the audit use, no code of the sanitizer's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from flexgit.audit.placeholders import is_placeholder

_PLUGINS = (
    ("artifactory", "ArtifactoryDetector"), ("aws", "AWSKeyDetector"),
    ("azure_storage_key", "AzureStorageKeyDetector"), ("basic_auth", "BasicAuthDetector"),
    ("cloudant", "CloudantDetector"), ("discord", "DiscordBotTokenDetector"),
    ("github_token", "GitHubTokenDetector"), ("gitlab_token", "GitLabTokenDetector"),
    ("ibm_cloud_iam", "IbmCloudIamDetector"), ("ibm_cos_hmac", "IbmCosHmacDetector"),
    ("jwt", "JwtTokenDetector"), ("mailchimp", "MailchimpDetector"), ("npm", "NpmDetector"),
    ("openai", "OpenAIDetector"), ("private_key", "PrivateKeyDetector"),
    ("pypi_token", "PypiTokenDetector"), ("sendgrid", "SendGridDetector"),
    ("slack", "SlackDetector"), ("softlayer", "SoftlayerDetector"),
    ("square_oauth", "SquareOAuthDetector"), ("stripe", "StripeDetector"),
    ("telegram_token", "TelegramBotTokenDetector"), ("twilio", "TwilioKeyDetector"),
)
# The plugins' flags that scoped inline groups can carry.
_WHOLE_TEXT = frozenset({"private_key", "basic_auth", "npm"})
_FLAGS = ((re.IGNORECASE, "i"), (re.VERBOSE, "x"), (re.DOTALL, "s"), (re.MULTILINE, "m"))


@dataclass(frozen=True)
class Plugin:
    rule: str  # vendor.<module>, e.g. vendor.aws
    trigger: str  # the plugin's patterns as one regex source
    find: Callable[[list[str], int], Iterator[tuple[str, str]]]
    whole_text: bool  # its trigger runs over every line, not only long-token lines


def _scoped(rx: re.Pattern[str]) -> str:
    flags = "".join(c for f, c in _FLAGS if rx.flags & f)
    return f"(?{flags}:{rx.pattern})" if flags else f"(?:{rx.pattern})"


def _finder(rule: str, plugin: Any) -> Callable[[list[str], int], Iterator[tuple[str, str]]]:
    def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
        if rule == "vendor.private_key" and _body_redacted(lines, i):
            return  # the armour of a key whose body is a placeholder holds nothing
        for value in plugin.analyze_string(lines[i]):
            if isinstance(value, str) and len(set(value)) > 1 and not is_placeholder(value):
                yield rule, value
    return find


def _body_redacted(lines: list[str], i: int) -> bool:
    """Whether the key block opened on line i has only placeholders (and
    armour headers such as Proc-Type:) before its END line."""
    one = re.search(r"-----BEGIN[^-]*-----(.*?)-----END", lines[i])
    if one:  # a key on one line, as JSON and PHP strings hold it
        body = [b for b in re.split(r"\\n|\s", one.group(1)) if b]
        return bool(body) and all(is_placeholder(b) for b in body)
    if lines[i].startswith("PuTTY-User-Key-File"):
        return _putty_redacted(lines, i)
    body = []
    for line in lines[i + 1:i + 200]:
        if line.startswith("-----END"):
            break
        if ":" not in line and line.strip():
            body.append(line.strip())
    return bool(body) and all(is_placeholder(b) for b in body)


def _putty_redacted(lines: list[str], i: int) -> bool:
    """A .ppk whose Private-Lines are all placeholders (its Public-Lines are
    the public key)."""
    for j in range(i + 1, min(len(lines), i + 60)):
        m = re.match(r"Private-Lines:\s*(\d+)", lines[j])
        if m:
            body = lines[j + 1:j + 1 + int(m.group(1))]
            return bool(body) and all(is_placeholder(b) for b in body)
    return False


@cache
def plugins() -> tuple[Plugin, ...]:
    """The detect-secrets plugins, loaded on first use (the import takes ~0.1 s)."""
    import importlib

    out = []
    for module, cls in _PLUGINS:
        plugin = getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), cls)()
        rule = f"vendor.{module}"
        trigger = "|".join(_scoped(rx) for rx in plugin.denylist)
        out.append(Plugin(rule, trigger, _finder(rule, plugin), module in _WHOLE_TEXT))
    data = resources.files("flexgit").joinpath("vendor_rules.toml").read_text("utf-8")
    for entry in tomllib.loads(data)["rule"]:
        rule = f"vendor.{entry['id']}"
        regex = re.compile(entry["regex"])
        out.append(Plugin(rule, _scoped(regex), _data_finder(rule, regex), False))
    return tuple(out)


def _data_finder(rule: str, regex: re.Pattern[str]) -> Callable[[list[str], int],
                                                               Iterator[tuple[str, str]]]:
    group = "token" if "token" in regex.groupindex else 0

    def find(lines: list[str], i: int) -> Iterator[tuple[str, str]]:
        for m in regex.finditer(lines[i]):
            value = m.group(group)
            if len(set(value)) > 1 and not is_placeholder(value):
                yield rule, value
    return find
