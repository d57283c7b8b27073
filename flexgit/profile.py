"""What belongs to a backup: categories of gitignore-style patterns per side,
which of them go into flx and which only into flxx, the privacy excludes that
nothing can switch off (listed in flexgit/userdata.py), and the sanitizer
rules. The built-in FlexPBX profile can be extended by a TOML file
(docs/profile.md)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import pathspec

from flexgit import userdata
from flexgit.errors import BadInput
from flexgit.sanitize import Rules
from flexgit.userdata import PRIVACY_EXCLUDES

SIDES = ("home", "system")
TYPES = ("flx", "flxx")
# What every snapshot walks: the categories of flxx are everything the
# profile manages, and flx is a choice of the export (docs/decisions.md).
CAPTURE = "flxx"


class Matcher:
    """gitignore patterns as one compiled regex: the walk asks about every path,
    and one `re` search beats pathspec's loop over each pattern by far.
    Negated patterns ("!x") keep pathspec's own ordered matching.
    With ignore_case, letters match either case (patterns and paths are
    compared in lower case)."""

    def __init__(self, patterns: list[str], *, ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        if ignore_case:
            patterns = [p.lower() for p in patterns]
        self._spec = pathspec.PathSpec.from_lines("gitignore", patterns)
        parts = []
        self.exact = True  # the one regex (`source`) decides alone: no negations
        for p in self._spec.patterns:
            if p.include is None or p.regex is None:
                continue
            if not p.include:
                self.exact = False
            parts.append(re.sub(r"\(\?P<[^>]+>", "(?:", p.regex.pattern))
        self.source = "|".join(f"(?:{x})" for x in parts) if parts else "(?!)"
        # A pattern for a name at any depth reads `^(?:.+/)?NAME`: as one regex
        # of such alternatives, `re` retries every one after every "/" it
        # backtracks to (~27 µs a path for the privacy excludes). Searched as
        # `(?:^|/)(?:NAME|...)` they are tried only where a component starts
        # (~6 µs), with the same answers for any path that does not start
        # with "/" (and a name after a newline is found too).
        anywhere = [x[len(_ANYWHERE):] for x in parts if x.startswith(_ANYWHERE)]
        anchored = [x for x in parts if not x.startswith(_ANYWHERE)]
        self._anywhere = re.compile("(?:^|/)(?:" + "|".join(anywhere) + ")" if anywhere
                                    else "(?!)")
        self._anchored = re.compile("|".join(f"(?:{x})" for x in anchored) or "(?!)")

    def match(self, path: str) -> bool:
        if self.ignore_case:
            path = path.lower()
        if self.exact:
            return (self._anywhere.search(path) is not None
                    or self._anchored.match(path) is not None)
        return bool(self._spec.match_file(path))


_ANYWHERE = "^(?:.+/)?"


@dataclass(frozen=True)
class Category:
    name: str
    side: str  # "home" (relative to the account home) or "system" (relative to /)
    include: tuple[str, ...]
    flxx_only: bool = False
    description: str = ""


# Order matters: a file belongs to the first category whose patterns match it,
# so specific categories come before the catch-all `system_files`.
DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("service_worker", "home", ("public_html/service-worker.js", "public_html/sw.js"),
             description="push-notification service worker"),
    Category("notification_system", "home",
             ("public_html/**/*notification*", "public_html/**/*push*"),
             description="notification and push endpoints"),
    Category("temp_password_system", "home", ("public_html/**/*temp*pass*",),
             description="temporary-password system"),
    Category("email_validation", "home",
             ("public_html/**/*email*valid*", "public_html/**/*verify*"),
             description="email validation"),
    Category("sip_status_monitoring", "home", ("public_html/**/*sip*status*",),
             description="SIP status monitoring"),
    Category("api_endpoints", "home", ("public_html/api/**",), description="PHP API endpoints"),
    Category("documentation", "home", ("public_html/docs/**", "public_html/**/*.md", "/*.md"),
             description="documentation files"),
    Category("system_files", "home", ("public_html/**",),
             description="portal PHP, helpers and assets"),
    Category("default_settings", "home",
             ("flexpbx-config.json", "templates/settings_template.json"),
             description="system settings (sanitized)"),
    Category("user_templates", "home", ("templates/user_template.json",), flxx_only=True,
             description="default user account template"),
    Category("admin_templates", "home", ("templates/admin_template.json",), flxx_only=True,
             description="default admin account template"),
    Category("extended_templates", "home", ("templates/*.json",), flxx_only=True,
             description="further account and settings templates"),
    Category("database_schema", "home", ("schema/**", "public_html/**/*.sql"), flxx_only=True,
             description="database schemas"),
    Category("config_examples", "home", ("examples/**",), flxx_only=True,
             description="extended configuration examples"),
    Category("asterisk_templates", "system", ("etc/asterisk/**",),
             description="Asterisk configuration"),
    Category("sudo_config", "system", ("etc/sudoers.d/flexpbx*",), description="sudoers snippet"),
    Category("system_scripts", "system", ("usr/local/bin/flexpbx-*",),
             description="helper scripts"),
)

# What a private snapshot (--include-data) adds: the account's user data, and
# with --include-voicemail the voicemail spool. Only ever into the private store.
DATA_CATEGORIES: tuple[Category, ...] = (
    Category("user_data", "home", ("users/**", "admins/**", "push_subscriptions/**",
                                   "temp_passwords/**"), description="user and admin records"),
)
VOICEMAIL_CATEGORIES: tuple[Category, ...] = (
    Category("voicemail_recordings", "system", ("var/spool/asterisk/voicemail/**",),
             description="voicemail messages"),
)
_DATA_EXCLUDES = frozenset(userdata.USER_RECORDS)
_VOICEMAIL_EXCLUDES = frozenset(userdata.VOICEMAIL + userdata.AUDIO)


@dataclass(frozen=True)
class Profile:
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    excludes: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {"home": (), "system": ()})
    rules: Rules = field(default_factory=Rules)
    backup_dir: str = "backup"
    source: str = "built-in FlexPBX profile"
    hooks_dir: str | None = None
    copy_dirs: tuple[str, ...] = ()
    copy_remotes: tuple[str, ...] = ()  # git remotes pushed after every export
    # Fingerprints of audit findings the user acknowledged (`[audit] allow`);
    # not part of `describe()`: they change nothing a snapshot contains.
    audit_allow: frozenset[str] = frozenset()
    # Set only by with_data(): the profile of a private, unsanitized snapshot.
    private: bool = False
    lifted: frozenset[str] = frozenset()

    def with_data(self, *, voicemail: bool = False) -> Profile:
        """This profile plus user data (and voicemail): for the private store only."""
        cats = DATA_CATEGORIES + (VOICEMAIL_CATEGORIES if voicemail else ())
        lifted = _DATA_EXCLUDES | (_VOICEMAIL_EXCLUDES if voicemail else set())
        return replace(self, categories=cats + self.categories, private=True,
                       lifted=frozenset(lifted))

    def categories_for(self, backup_type: str, side: str | None = None) -> list[Category]:
        return [c for c in self.categories
                if (backup_type == "flxx" or not c.flxx_only) and (side is None or c.side == side)]

    @cached_property
    def _specs(self) -> dict[str, list[tuple[Category, Matcher]]]:
        out: dict[str, list[tuple[Category, Matcher]]] = {s: [] for s in SIDES}
        for c in self.categories:
            # Includes are anchored at the side's base: "flexpbx-config.json" is the
            # file in the home, not any file of that name further down.
            anchored = ["/" + p.lstrip("/") for p in c.include]
            out[c.side].append((c, Matcher(anchored)))
        return out

    @cached_property
    def _never(self) -> Matcher:
        return Matcher([p for p in PRIVACY_EXCLUDES if p not in self.lifted], ignore_case=True)

    @cached_property
    def _exclude_specs(self) -> dict[str, Matcher]:
        # Apart from the privacy excludes: a "!pattern" of a TOML file must not
        # bring back what they leave out.
        return {side: Matcher([f"/{self.backup_dir}/", *self.excludes[side]]) for side in SIDES}

    def excluded(self, side: str, rel: str, *, is_dir: bool = False) -> bool:
        """Whether `rel` stays out of the snapshot. `dir/.keep` stands for the
        directory itself (how the walk and the restore ask about an empty one):
        `uploads/` is kept as a directory, only what is in it is user data."""
        if rel.endswith("/.keep") and not is_dir:
            rel, is_dir = rel[:-len("/.keep")], True
        path = rel + "/" if is_dir else rel
        return self._never.match(path) or self._exclude_specs[side].match(path)

    def category_of(self, side: str, rel: str, backup_type: str) -> Category | None:
        """The first category of this backup type that takes `rel`, None when none does."""
        combined = self._combined.get((side, backup_type))
        if combined is not None:
            m = combined[0].match(rel)
            return None if m is None else combined[1][m.lastgroup or ""]
        for cat, spec in self._specs[side]:
            if (backup_type == "flxx" or not cat.flxx_only) and spec.match(rel):
                return cat
        return None

    @cached_property
    def _combined(self) -> dict[tuple[str, str], tuple[re.Pattern[str], dict[str, Category]]]:
        """Per side and type, every category's patterns in one regex, a group a
        category: alternatives are tried in order, so the group that matched
        is the first category that takes the path, as in the loop above. Not
        for sides with negated patterns (they need pathspec's order)."""
        out = {}
        for side in SIDES:
            specs = self._specs[side]
            if not all(spec.exact for _, spec in specs):
                continue
            for backup_type in TYPES:
                chosen = [(c, spec) for c, spec in specs
                          if backup_type == "flxx" or not c.flxx_only]
                rx = re.compile("|".join(f"(?P<c{i}>{spec.source})"
                                         for i, (_, spec) in enumerate(chosen)) or "(?!)")
                out[(side, backup_type)] = (rx, {f"c{i}": c for i, (c, _) in enumerate(chosen)})
        return out

    def walk_plan(self, side: str) -> dict[str, int | None]:
        """Directories (relative to the side's base, "" for the base) a walk must
        list, each with how deep below it patterns can match (None: any depth).

        Only the literal leading components of the patterns are entered, so a
        walk never strays into the rest of `/` or the home.
        """
        plan: dict[str, int | None] = {}
        for c in self.categories:
            if c.side != side:
                continue
            for pat in c.include:
                parts = pat.strip("/").split("/")
                n = 0
                while n < len(parts) - 1 and not any(ch in parts[n] for ch in "*?[\\"):
                    n += 1
                prefix, rest = "/".join(parts[:n]), parts[n:]
                depth = None if "**" in rest or pat.endswith("/") else len(rest)
                old = plan.get(prefix, 0)
                plan[prefix] = None if old is None or depth is None else max(old, depth)
        return plan

    @cached_property
    def digest(self) -> str:
        """Changes whenever what a snapshot would contain could change."""
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()

    def describe(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "backup_dir": self.backup_dir,
            "categories": [
                {"name": c.name, "side": c.side, "include": list(c.include),
                 "types": ["flxx"] if c.flxx_only else ["flx", "flxx"],
                 "description": c.description}
                for c in self.categories
            ],
            "privacy_excludes": list(PRIVACY_EXCLUDES),
            "excludes": {k: list(v) for k, v in self.excludes.items()},
            "sanitize": {
                "rules_digest": self.rules.digest,
                "extra_secret_keys": list(self.rules.extra_secret_keys),
                "extra_patterns": dict(self.rules.extra_patterns),
                "disabled": sorted(self.rules.disabled),
            },
            "private": self.private,
            "hooks_dir": self.hooks_dir,
            "copy_dirs": list(self.copy_dirs),
            "copy_remotes": list(self.copy_remotes),
        }


def _strings(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{where}: expected a list of strings")
    return tuple(value)


def load(path: Path | None) -> Profile:
    """The built-in profile, extended by the TOML file at `path` when given."""
    base = Profile()
    if path is None:
        return base
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{path}: profile file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: cannot read profile: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"{path}: not valid TOML: {e}") from None
    return apply_toml(base, data, str(path))


def apply_toml(base: Profile, data: dict[str, Any], where: str) -> Profile:
    known = {"backup_dir", "categories", "exclude", "remove", "sanitize", "hooks_dir", "copies",
             "audit"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BadInput(f"{where}: unknown section or key {unknown[0]!r} "
                       f"(known: {', '.join(sorted(known))})")
    cats = {c.name: c for c in base.categories}
    order = [c.name for c in base.categories]

    remove = data.get("remove", {})
    for name in _strings(f"{where}: remove.categories", remove.get("categories", [])):
        if name not in cats:
            raise BadInput(f"{where}: remove.categories names unknown category {name!r}")
        del cats[name]
        order.remove(name)
    drop = set(_strings(f"{where}: remove.patterns", remove.get("patterns", [])))
    for name, c in list(cats.items()):
        cats[name] = replace(c, include=tuple(p for p in c.include if p not in drop))

    for name, spec in data.get("categories", {}).items():
        if not isinstance(spec, dict):
            raise BadInput(f"{where}: categories.{name} must be a table")
        include = _strings(f"{where}: categories.{name}.include", spec.get("include", []))
        side = spec.get("side", cats[name].side if name in cats else "home")
        if side not in SIDES:
            raise BadInput(f"{where}: categories.{name}.side must be 'home' or 'system'")
        only = spec.get("types", None)
        if only is not None and (not isinstance(only, list) or not set(only) <= set(TYPES)
                                 or not only):
            raise BadInput(f"{where}: categories.{name}.types must be [\"flx\", \"flxx\"] "
                           f"or [\"flxx\"]")
        if name in cats:
            old = cats[name]
            cats[name] = replace(old, include=old.include + include,
                                 flxx_only=old.flxx_only if only is None else only == ["flxx"])
        else:
            cats[name] = Category(name, side, include, flxx_only=only == ["flxx"],
                                  description=str(spec.get("description", "")))
            # New categories go before the catch-all ones so they are not shadowed.
            order.insert(0, name)

    excl = data.get("exclude", {})
    excludes = {side: base.excludes[side] + _strings(f"{where}: exclude.{side}", excl.get(side, []))
                for side in SIDES}

    san = data.get("sanitize", {})
    patterns = san.get("patterns", {})
    if not isinstance(patterns, dict) or not all(isinstance(v, str) for v in patterns.values()):
        raise BadInput(f"{where}: sanitize.patterns must map rule names to regular expressions")
    for name, rx in patterns.items():
        try:
            re.compile(rx)
        except re.error as e:
            raise BadInput(f"{where}: sanitize.patterns.{name} is not a valid regex: {e}") from None
    rules = Rules(
        extra_secret_keys=_strings(f"{where}: sanitize.secret_keys", san.get("secret_keys", [])),
        extra_patterns=tuple(sorted(patterns.items())),
        disabled=frozenset(_strings(f"{where}: sanitize.disabled", san.get("disabled", []))),
    )
    backup_dir = data.get("backup_dir", base.backup_dir)
    if not isinstance(backup_dir, str) or not backup_dir or backup_dir.startswith("/"):
        raise BadInput(f"{where}: backup_dir must be a path relative to the home")
    hooks_dir = data.get("hooks_dir")
    if hooks_dir is not None and not isinstance(hooks_dir, str):
        raise BadInput(f"{where}: hooks_dir must be a string")
    copies = data.get("copies", {})
    if not isinstance(copies, dict):
        raise BadInput(f"{where}: copies must be a table ([copies] dirs = [...])")
    extra = sorted(set(copies) - {"dirs", "remotes"})
    if extra:
        raise BadInput(f"{where}: unknown key copies.{extra[0]} (known: dirs, remotes)")
    copy_dirs = _strings(f"{where}: copies.dirs", copies.get("dirs", []))
    copy_remotes = _strings(f"{where}: copies.remotes", copies.get("remotes", []))
    audit = data.get("audit", {})
    if not isinstance(audit, dict) or set(audit) - {"allow"}:
        raise BadInput(f"{where}: audit must be a table with one key, allow "
                       f"([audit] allow = [\"fingerprint\", ...])")
    allow = _strings(f"{where}: audit.allow", audit.get("allow", []))
    bad = [a for a in allow if not re.fullmatch(r"[0-9a-f]{16}", a)]
    if bad:
        raise BadInput(f"{where}: audit.allow: {bad[0]!r} is not a fingerprint (16 hex digits, "
                       f"as `flexgit audit --verbose` prints them)")
    return Profile(
        categories=tuple(cats[n] for n in order),
        excludes=excludes,
        rules=rules,
        backup_dir=backup_dir.strip("/"),
        source=where,
        hooks_dir=hooks_dir,
        copy_dirs=copy_dirs,
        copy_remotes=copy_remotes,
        audit_allow=frozenset(allow),
    )
