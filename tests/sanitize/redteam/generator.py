"""A realistic FlexPBX installation with random secrets and personal data
planted in more than 300 idioms, for the red-team leak test.

    corpus = build(home, root, seed=7)

lays out the home (public_html with PHP/JS/HTML/Markdown, flexpbx-config.json,
users/, admins/, temp_passwords/, templates/, schema/, .env, .ini, shell, SQL,
XML, user data of every kind) and the system root (etc/asterisk with every
configuration family, built on Asterisk's own samples, includes and .inc files;
etc/sudoers.d/flexpbx-asterisk; usr/local/bin/flexpbx-*), and returns the record:
every plant as (class, idiom, file, line, value), every must-keep line, every
user-data path and every file's encoding and validators. The same seed gives
the same installation; the values are random per seed.

Written black-box: from the issue, the README and the CLI help, not from the
sanitizer's code, so it cannot share the sanitizer's blind spots.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.sanitize.redteam import (
    idioms_asterisk,
    idioms_cmd,
    idioms_code,
    idioms_dialplan,
    idioms_files,
    idioms_keep,
    idioms_label,
    idioms_personal,
    idioms_struct,
    idioms_vendor,
)
from tests.sanitize.redteam.builder import Builder
from tests.sanitize.redteam.record import Corpus
from tests.sanitize.redteam.values import Values

__all__ = ["CLASSES", "Corpus", "build"]

# The classes ("What to build" 1-6), in the order a report lists them.
CLASSES = ("encoding", "userdata", "label", "cmdline", "http", "vendor", "hash", "asterisk",
           "phpjs", "personal", "sweep", "names")

MODULES = (idioms_keep, idioms_label, idioms_cmd, idioms_vendor, idioms_asterisk, idioms_dialplan,
           idioms_code, idioms_personal, idioms_struct, idioms_files)


def build(home: Path, root: Path, seed: int, *, skip: tuple[str, ...] = ()) -> Corpus:
    """Lay out the installation under `home` and `root`; return what was planted.
    `skip`: idiom ids or prefixes to leave out (to see past a crash they cause)."""
    reserved = "\n".join(p.read_text(encoding="utf-8")
                         for p in sorted(idioms_keep.SAMPLES.glob("*.sample")))
    corpus = Corpus(home, root, seed)
    b = Builder(Values(random.Random(seed), reserved), corpus, skip)
    idioms_keep.samples(b)
    for module in MODULES:
        module.plant(b)
    b.write()
    return corpus
