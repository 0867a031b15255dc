"""The learned layer's features: one definition for training (offline) and scoring (Lambda).

A text becomes sparse features of its lower-cased word tokens (`text.words` after
`text.clean`): the word itself (``w:waiting``), its character 3- to 5-grams with word
boundaries (``c:<wai``, ``c:ing>``: they carry "superslecht", "klantonvriendelijk" and
misspellings) and each pair of neighbouring words (``b:no answer``). Every occurrence
counts 1 and the whole vector is scaled by 1/sqrt(number of features emitted), a length
normalisation that needs no vocabulary, so a scorer can add up per-word sums it cached.

Invariant: `featurise(text)` · weights == what `model.LinearModel` computes for `text`
(up to float rounding); the training script and the run time call this same module.
Cost: one regex pass (the tokens other steps already asked for are cached) and, per new
word, O(length) slices; known words cost one dict look-up.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from .text import clean, words

MIN_GRAM = 3
MAX_GRAM = 5
MAX_TOKENS = 200  # a long review says what it means in its first 200 words


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


def featurise(text: str) -> dict[str, float]:
    """The sparse feature vector of `text` (what training fits and scoring multiplies)."""
    found = tokens(text)
    counts: Counter[str] = Counter()
    for token in found:
        counts.update(token_features(token))
    counts.update(pair_feature(a, b) for a, b in pairwise(found))
    total = sum(counts.values())
    if not total:
        return {}
    scale = 1 / math.sqrt(total)
    return {name: count * scale for name, count in counts.items()}
