"""Whether letters read as words or as a random draw: the test that tells a
name built from words (`registrationEndpoint`, `T38FaxMaxDatagram`) from a
random token that happens to hold letters in a row (`Lngmbjdma`, `XlyPKlpfe`).

A run of letters is pronounceable when it has a vowel and no four consonants
stand in a row (six, in a run of eight letters or more: compounds such as
`grandstream`). It is a word when, besides, every pair of adjacent letters
is one English words are made of, or it is two such words glued at a pair no
word holds (`endpoint`: end + point). The pairs below make up 99.5 % of the
letter pairs of the English words (three letters or more) in the comments
and docstrings of Python's standard library: 98 % of those words pass, while
random letters pass at 14 % for five of them and 4 % for eight.

The strict test (words) is for what must look made up to be a finding
(shape.py); the loose one (pronounceable) keeps identifiers of rarer words
(`admin-voicemail-04558`) from being read as random tokens (entropy.py).
"""

from __future__ import annotations

import re

_PAIRS_TEXT = (
    "abacadafagaiakalamanaparasatauavawaxaybabcbdbebibjblbobpbrbsbtbubycacccdcechcickclcmcncocpcr"
    "csctcucydadbdcdddedfdidldndodrdsdtdudyeaebecedeeefegeheiekelemeneoepeqereseteuevewexeyfafdfe"
    "fffiflfofrfsftfufygageggghgiglgmgngogrgsgtgugvhahehihlhmhnhohrhshthuiaibicidieifigiiikilimin"
    "ioipirisitivixizjejojukakekgkiklknkskukwlalblcldlelflilllnlolplrlsltlulvlwlymambmdmemimlmmmn"
    "mompmsmtmunanbncndnenfngnhninknlnmnnnonpnrnsntnunvnyoaobocodoeofogoiokolomonoooporosotouovow"
    "oxpapcpdpepfphpiplpoppprpsptpupyqurarbrcrdrerfrgrirkrlrmrnrorprrrsrtrurvrwrysascsdsesfsgshsi"
    "skslsmsnsospsrssstsuswsytatctdtetfthtitltmtntotptrtstttutwtxtytzuaubucudueufuguiulumunuoupur"
    "usutvavevivowawdwewhwiwlwnwowrwswwxaxbxcxdxexfxixmxpxsxtycyeyiylymynyoypysytywzazezizo")
PAIRS = frozenset(_PAIRS_TEXT[i:i + 2] for i in range(0, len(_PAIRS_TEXT), 2))
_VOWELS = frozenset("aeiouy")
# A word inside a token: lower case, Capitalized, or an acronym of three or more.
RUNS = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{3,}(?![a-z])")
_WORD_RUNS = re.compile(r"[A-Z]?[a-z]{2,}")
_CLUSTER = re.compile(r"[^aeiouy]{4}")
_COMPOUND_CLUSTER = re.compile(r"[^aeiouy]{6}")


def pronounceable(run: str) -> bool:
    low = run.lower()
    cluster = _COMPOUND_CLUSTER if len(low) >= 8 else _CLUSTER
    return len(low) >= 3 and not _VOWELS.isdisjoint(low) and not cluster.search(low)


def is_word(run: str) -> bool:
    """A word, or two glued at a pair no word holds (`endpoint`: end + point)."""
    low = run.lower()
    if not pronounceable(low):
        return False
    odd = [k for k in range(len(low) - 1) if low[k:k + 2] not in PAIRS]
    if not odd:
        return True
    k = odd[0] + 1
    return len(odd) == 1 and k >= 3 and len(low) - k >= 3 and is_word(low[:k]) \
        and is_word(low[k:])


def word_share(token: str, *, least: int = 3, acronyms: bool = True,
               strict: bool = True) -> float:
    """The share of `token`'s characters that are in words of `least` letters
    or more. `acronyms`: a run of capitals counts as a word too (in a token
    that mixes cases, random capitals often read as one: `8CTERQzXtFUG`).
    `strict`: words by letter pairs; else any pronounceable run."""
    if not token:
        return 0.0
    runs = (RUNS if acronyms else _WORD_RUNS).findall(token)
    test = is_word if strict else pronounceable
    return sum(len(r) for r in runs if len(r) >= least and test(r)) / len(token)
