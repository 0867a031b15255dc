"""English sentiment: VADER, with a few words its 2014 lexicon lacks for webcare."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# word -> valence on VADER's -4..4 scale
EXTRA_WORDS = {
    "sigh": -1.0, "hungover": -1.5, "fml": -2.0, "outage": -1.8, "crashed": -1.5,
    "crashing": -1.5, "crashes": -1.5, "glitch": -1.2, "glitchy": -1.5, "buggy": -1.5,
    "overcharged": -2.0, "canceled": -1.0, "sadface": -1.8, "scammed": -2.7,
    "ripoff": -2.5, "unreachable": -1.5, "unresponsive": -1.8,
}  # fmt: skip


@lru_cache(maxsize=1)
def analyzer() -> Any:
    """VADER, built on first use (it reads its lexicon files) and kept for the process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    vader.lexicon.update(EXTRA_WORDS)
    return vader


@lru_cache(maxsize=256)  # a text placed in no language may be asked twice
def score(text: str) -> float:
    """VADER's compound score in [-1, 1]."""
    return float(analyzer().polarity_scores(text)["compound"])
