"""The learned layer's features: one definition for training (offline) and scoring (Lambda).

A text becomes sparse features of its lower-cased word tokens (`text.words` after
`text.clean`): the word itself (``w:waiting``), its character 3- to 5-grams with word
boundaries (``c:<wai``, ``c:ing>``: they carry "superslecht", "klantonvriendelijk" and
misspellings) and each pair of neighbouring words (``b:no answer``). Every occurrence
counts 1 and these are scaled together by 1/sqrt(number emitted), a length normalisation
that needs no vocabulary, so a scorer can add up per-word sums it cached.

Then how the post is written, its *marks* (`marks`), each counting 1 whatever the
length: a link, an @handle, a #hashtag, a retweet, its length band, all lower case, no
end mark, an emoticon, "!!" or "??". And where the lexicon found next to nothing
(|score| < weak_below, where the model decides alone) the same marks again, prefixed
``z``, with ``z:weak`` (and ``z:zero`` when the score is exactly 0): there the model
learns its own base rate and its own reading of the marks. A chatty "Pizza time." and a
review's "The plot goes nowhere." both have no sentiment word; on the training data the
first kind is rarely negative and the second mostly is.

Invariant: `featurise(text, lexicon, weak_below)` · weights == what `model.LinearModel`
computes for the same text and lexicon score (up to float rounding); the training script
and the run time call this same module.
Cost: one regex pass for the words (cached for the other steps), a few substring tests
for the marks (a regex only when its character is there) and, per new word, O(length)
slices; known words cost one dict look-up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from .text import HANDLE_RE, HASHTAG_RE, URL_RE, clean, words

MIN_GRAM = 3
MAX_GRAM = 5
MAX_TOKENS = 200  # a long review says what it means in its first 200 words
WEAK = "z:weak"  # the lexicon found next to nothing
ZERO = "z:zero"  # the lexicon found nothing at all
WEAK_PREFIX = "z"  # a mark again, where the lexicon found next to nothing
_BANDS = ((3, "f:words<=3"), (7, "f:words<=7"), (15, "f:words<=15"), (30, "f:words<=30"))
_LONG = "f:words>30"
_END_MARKS = frozenset(".!?…\"')")
_EMOTICON_RE = re.compile(r"[:;=]-?[()DPp]|<3")


def tokens(text: str) -> tuple[str, ...]:
    """The word tokens the model sees (at most MAX_TOKENS)."""
    return words(clean(text))[:MAX_TOKENS]


@lru_cache(maxsize=65536)
def token_features(token: str) -> tuple[str, ...]:
    """The features one word emits: itself and its boundary-marked character n-grams."""
    marked = f"<{token}>"
    grams = [
        "c:" + marked[start : start + size]
        for size in range(MIN_GRAM, MAX_GRAM + 1)
        for start in range(len(marked) - size + 1)
    ]
    return ("w:" + token, *grams)


def pair_feature(first: str, second: str) -> str:
    return f"b:{first} {second}"


def marks(text: str, found: Sequence[str]) -> list[str]:
    """How the post is written (raw text; `found` its tokens): each counts 1."""
    out: list[str] = []
    if ("http" in text or "www." in text) and URL_RE.search(text):
        out.append("f:link")
    if "@" in text and HANDLE_RE.search(text):
        out.append("f:handle")
    if "#" in text and HASHTAG_RE.search(text):
        out.append("f:hashtag")
    if text.startswith("RT "):
        out.append("f:retweet")
    count = len(found)
    out.append(next((band for limit, band in _BANDS if count <= limit), _LONG))
    if text.islower():
        out.append("f:lower")
    stripped = text.rstrip()
    if not stripped or stripped[-1] not in _END_MARKS:
        out.append("f:no-end-mark")
    if ("<3" in text or ":" in text or ";" in text or "=" in text) and _EMOTICON_RE.search(text):
        out.append("f:emoticon")
    if "!!" in text or "??" in text:
        out.append("f:repeated-mark")
    return out


def weak_marks(text_marks: Sequence[str], lexicon: float) -> list[str]:
    """The marks of a text the lexicon found next to nothing in (the caller checks that)."""
    out = [WEAK, *(WEAK_PREFIX + mark for mark in text_marks)]
    if lexicon == 0:
        out.append(ZERO)
    return out


def featurise(text: str, lexicon: float, weak_below: float) -> dict[str, float]:
    """The sparse feature vector of `text` whose lexicon score is `lexicon` (what training
    fits and scoring multiplies)."""
    found = tokens(text)
    counts: Counter[str] = Counter()
    for token in found:
        counts.update(token_features(token))
    counts.update(pair_feature(a, b) for a, b in pairwise(found))
    total = sum(counts.values())
    vector = {name: count / math.sqrt(total) for name, count in counts.items()}
    text_marks = marks(text, found)
    if abs(lexicon) < weak_below:
        text_marks += weak_marks(text_marks, lexicon)
    for mark in text_marks:  # each at most once, and never an n-gram's name
        vector[mark] = 1.0
    return vector
