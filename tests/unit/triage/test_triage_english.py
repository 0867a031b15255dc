"""Triage's VADER (`english.analyzer()`) does less work than the library's, never other work."""

from __future__ import annotations

from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from chalicelib.triage import english
from chalicelib.triage.text import clean

# the branches the faster steps rewrite: negation look-backs, "never so", "without doubt",
# idioms and boosters before and after, "least", emoji, ALL CAPS, "but"
TRICKY = [
    "not good",
    "isn't good at all",
    "never so happy",
    "never this bad",
    "without doubt the best",
    "without a doubt great",
    "this is the shit",
    "yeah right, great service",
    "kind of bad",
    "sort of okay but not really",
    "the least helpful team",
    "at least it works",
    "very least good",
    "I am 😠 and 😀",
    "😀",
    "GREAT service, NOT",
    "no good, no love",
    "it was bad ass",
    "",
    "   ",
    "Great!!! but awful???",
    "kiss of death for this phone",
    "he is not so good",
    "nor good or bad",
]


@pytest.fixture(scope="module")
def stock() -> SentimentIntensityAnalyzer:
    vader = SentimentIntensityAnalyzer()
    vader.lexicon.update(english.EXTRA_WORDS)
    return vader


@pytest.mark.parametrize("text", TRICKY)
def test_the_faster_vader_scores_like_the_library(
    text: str, stock: SentimentIntensityAnalyzer
) -> None:
    fast = english.analyzer()
    assert fast.polarity_scores(text) == stock.polarity_scores(text)
    assert fast.compound(text) == stock.polarity_scores(text)["compound"]


def test_the_faster_vader_scores_every_labelled_tweet_like_the_library(
    realdata: Path, stock: SentimentIntensityAnalyzer
) -> None:
    # GIVEN the 4,200 labelled tweets, raw and cleaned as triage cleans them
    path = realdata / "sentiment" / "tweets_GroundTruth.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    texts = [line.split("\t", 2)[-1] for line in lines if line.count("\t") >= 2]
    # WHEN both score them THEN every score is the same, to the last digit
    fast = english.analyzer()
    differ = [
        text
        for text in texts + [clean(t) for t in texts]
        if fast.polarity_scores(text) != stock.polarity_scores(text)
        or fast.compound(text) != stock.polarity_scores(text)["compound"]
    ]
    assert differ == []
