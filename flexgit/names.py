"""Names and messages bound for a shareable store.

File content is the sanitizer's job; what names things is this module's:
file and directory names, symlink targets, snapshot messages and tag names.
A name cannot be rewritten the way content is (a renamed file is a broken
installation), so a name that holds personal data keeps its file out of the
snapshot, and a tag name is refused. Messages are free text: they are
sanitized as a text file would be and stored sanitized; as prose with no
label to go by, a message also loses every name of a person it holds (two or
three capitalised words, the first a known first name).
"""

from __future__ import annotations

import re
from functools import lru_cache

from flexgit.errors import UsageError
from flexgit.sanitize import DEFAULT_RULES, Rules, Sweep, sanitize
from flexgit.sanitize.first_names import is_first_name
from flexgit.sanitize.placeholders import NAME_PLACEHOLDER

# Any address form, documentation domains included: in content an address at
# example.org may be a stand-in, but a file is named after a real person.
# Not `logo@2x.png` (retina images) nor `jquery@3.7.1` (pinned versions): the
# first label of the domain has a letter and is not a scale such as 2x/1.5x.
_EMAIL = re.compile(
    r"[\w.%+-]+@(?!\d+(?:\.\d+)?x\b)(?=[a-z0-9-]*[a-z])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}",
    re.IGNORECASE)
_DIGITS = re.compile(r"\d")
# Fewer digits than this is never a phone number (extensions, versions, dates
# are the names that have some); the matcher costs ~50 µs a name.
_MIN_PHONE_DIGITS = 7
_PHONE_REGIONS = (None, "US")  # international (+...) everywhere; national as NANP


@lru_cache(maxsize=4096)
def personal_in_name(name: str) -> str | None:
    """What personal datum one file or directory name holds ("an email
    address", "a phone number"), or None."""
    if "@" in name and _EMAIL.search(name):
        return "an email address"
    if len(_DIGITS.findall(name)) >= _MIN_PHONE_DIGITS and _has_phone(name):
        return "a phone number"
    if any(_looks_random(run) for run in _TOKEN_RUN.findall(name)):
        return "a token"
    if " " in name and _is_person(name):
        return "a person's name"
    return None


# A share link or upload named by its token (s_Qm8x...): 20+ letters and
# digits in both cases. Content hashes (app.3f9a8b7c.js, 40-hex ids) are
# lower-case hex and stay.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9]{20,}")
_NOT_SURNAMES = frozenset({
    "list", "lists", "file", "files", "sheet", "report", "reports", "rates", "notes", "data",
    "docs", "backup", "backups", "config", "page", "pages", "group", "team", "office", "desk",
    "room", "line", "lines", "center", "centre", "plan", "plans", "menu"})


def _looks_random(run: str) -> bool:
    return any(c.isupper() for c in run) and any(c.islower() for c in run) and \
        any(c.isdigit() for c in run)


def _is_person(name: str) -> bool:
    """A directory named after somebody ("Maria Schmidt"): two or three
    capitalised words, the first a known first name (first_names)."""
    from flexgit.sanitize.person_names import person

    words = name.split()
    if not 2 <= len(words) <= 3 or "." in name or words[-1].lower() in _NOT_SURNAMES:
        return False
    if person(name) is None:
        return False
    return is_first_name(words[0].strip(","))


def personal_in_path(path: str) -> str | None:
    """personal_in_name of the first component of `path` that holds one."""
    for part in path.split("/"):
        found = personal_in_name(part)
        if found:
            return found
    return None


def _has_phone(text: str) -> bool:
    import phonenumbers  # here: only names with many digits need it

    for region in _PHONE_REGIONS:
        for _ in phonenumbers.PhoneNumberMatcher(text, region,
                                                  leniency=phonenumbers.Leniency.VALID):
            return True
    return False


def clean_message(text: str, rules: Rules = DEFAULT_RULES,
                  known: Sweep | None = None) -> tuple[str, dict[str, int]]:
    """`text` (a snapshot or import message) as the sanitizer leaves it, with
    the installation's `known` values swept, and what it replaced (rule ->
    count; empty when nothing)."""
    res = sanitize("message.txt", text.encode("utf-8", "surrogateescape"), rules, known)
    cleaned = res.data.decode("utf-8", "surrogateescape") if res.counts else text
    counts = dict(res.counts)
    if "personal.name" not in rules.disabled:
        cleaned, people = _people_in_prose(cleaned)
        if people:
            counts["personal.name"] = counts.get("personal.name", 0) + people
    return cleaned, counts


_PROSE_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def _people_in_prose(text: str) -> tuple[str, int]:
    """text with every person's name in it replaced, and how many: a message
    says "agreed with Maria Schmidt" with no label before the name."""
    words = list(_PROSE_WORD.finditer(text))
    out: list[str] = []
    pos = found = i = 0
    while i < len(words):
        for n in (3, 2):
            last = i + n - 1
            if last >= len(words) or not words[i].group()[0].isupper():
                continue
            # The words of one name stand next to each other, spaces only.
            gaps = [text[words[k].end() : words[k + 1].start()] for k in range(i, last)]
            if any(not g or g.strip(" ") for g in gaps):
                continue
            if _is_person(text[words[i].start() : words[last].end()]):
                out += [text[pos : words[i].start()], NAME_PLACEHOLDER]
                pos, found, i = words[last].end(), found + 1, last
                break
        i += 1
    return "".join(out) + text[pos:], found


def message_warning(what: str, counts: dict[str, int]) -> str:
    rules = ", ".join(f"{rule} x{n}" for rule, n in sorted(counts.items()))
    return f"{what} was sanitized before it was stored ({rules})"


def check_tag_name(name: str, rules: Rules | None = None) -> None:
    """Refuse a tag name that could not be shared as it is (UsageError)."""
    if name.startswith("-"):
        raise UsageError(f"invalid tag name {name!r}: a tag name cannot start with '-'")
    found = personal_in_name(name)
    if found is None and clean_message(name, rules or DEFAULT_RULES)[1]:
        found = "what the sanitizer replaces (a secret or personal data)"
    if found:
        # The name itself is not repeated: it is what must not be shown.
        raise UsageError(f"refused the tag name: it holds {found}; tags are shared with the "
                         f"snapshots, choose a name without it")


def link_problem(target: str, rules: Rules = DEFAULT_RULES) -> str | None:
    """Why a symlink with this target cannot enter a shareable snapshot, or None."""
    found = personal_in_path(target)
    if found:
        return f"its target holds {found}"
    if clean_message(target, rules)[1]:
        return "its target holds what the sanitizer replaces (credentials, a token, an email)"
    return None
