"""Urgent words, English and Dutch: cancel, legal, fraud, outage, refund, safety.

Matched on word tokens (set look-ups and prefix checks, no regex scan of the text),
because every mention is checked: a word list per kind, stems that any word may start
with ("refund" -> "refunded"), and a few phrases matched on the normalised words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .text import clean, word_set, words


@dataclass(frozen=True, slots=True)
class Kind:
    words: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()  # a word starting with one of these
    # (first word, " the phrase ") lower case, whole words only
    phrases: tuple[tuple[str, str], ...] = ()


def _kind(words_: str = "", stems: str = "", phrases: tuple[str, ...] = ()) -> Kind:
    return Kind(
        frozenset(words_.split()),
        tuple(stems.split()),
        tuple((p.split()[0], f" {p} ") for p in phrases),
    )


KINDS = {
    "cancel": _kind(
        "opzeggen opgezegd opzegging",
        "cancel unsubscrib",
        ("zeg mijn abonnement op", "zeg mijn contract op", "zeg ik op", "stop met jullie"),
    ),
    "legal": _kind(
        "lawyer lawyers attorney sue suing lawsuit rechtszaak rechter consumentenbond "
        "geschillencommissie ombudsman ombudsdienst aangifte",
        "advoca juridisch",
        ("legal action",),
    ),
    "fraud": _kind(
        "phishing hacked stolen fraude gehackt gestolen nep", "fraud scam oplicht", ("rip off",)
    ),
    "outage": _kind(
        "outage offline storing storingen stroomstoring internetstoring plat",
        "",
        (
            "is down",
            "are down",
            "went down",
            "been down",
            "goes down",
            "not working",
            "werkt niet",
            "uit de lucht",
            "geen internet",
            "geen bereik",
            "geen stroom",
        ),
    ),
    "refund": _kind(
        "chargeback terugstorting",
        "refund terugbetal",
        ("money back", "charged twice", "geld terug", "dubbel afgeschreven"),
    ),
    "safety": _kind(
        "unsafe gevaarlijk gewond onveilig brandgevaar",
        "danger injur explod",
        ("caught fire", "in brand"),
    ),
}


_BY_WORD = {word: name for name, kind in KINDS.items() for word in kind.words}
_BY_STEM = tuple((stem, name) for name, kind in KINDS.items() for stem in kind.stems)
# a phrase is looked for only when its longest (least common) word is in the text
_PHRASES = tuple(
    (max(phrase.split(), key=len), phrase, name)
    for name, kind in KINDS.items()
    for _first, phrase in kind.phrases
)
_PHRASE_KEYS = frozenset(key for key, _phrase, _name in _PHRASES)
_WORDS = frozenset(_BY_WORD)
_STEM_RE = re.compile(" (" + "|".join(re.escape(stem) for stem, _name in _BY_STEM) + ")")
_STEM_KIND = dict(_BY_STEM)


@lru_cache(maxsize=256)  # priority and themes both ask, for the same text
def urgency_kinds(text: str) -> tuple[str, ...]:
    """Kinds of urgent words in the text, in a fixed order."""
    cleaned = clean(text)
    tokens = words(cleaned)
    present = word_set(cleaned)
    found = {_BY_WORD[token] for token in present & _WORDS}
    joined = f" {' '.join(tokens)} "
    found.update(_STEM_KIND[stem] for stem in _STEM_RE.findall(joined))
    keys = present & _PHRASE_KEYS
    if keys:
        found.update(name for key, phrase, name in _PHRASES if key in keys and phrase in joined)
    return tuple(name for name in KINDS if name in found)
