"""Triage: language, sentiment, priority, themes — pure functions, no AWS.

`judge` fills in what a conversation manager needs to trust an alert; `should_alert`
says whether a judged mention pages someone. Lexicons load lazily, on first use.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from ..model import Mention, Sentiment

DEFAULT_MIN_PRIORITY = 50.0

__all__ = ["DEFAULT_MIN_PRIORITY", "judge", "should_alert"]


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def judge(
    mention: Mention, *, watchlist: frozenset[str] = frozenset(), now: datetime | None = None
) -> Mention:
    """Return the mention with lang, sentiment, priority, reasons and themes filled in."""
    lang = mention.lang or "en"
    score = float(_vader().polarity_scores(mention.text)["compound"])
    label = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
    reasons: list[str] = []
    priority = 0.0
    if label == "negative":
        priority += 60 * -score
        reasons.append(f"negative sentiment {score:+.2f}")
    if mention.author.handle.lower() in watchlist or mention.author.id in watchlist:
        priority += 30
        reasons.append(f"watch-list author @{mention.author.handle}")
    return mention.with_(
        lang=lang,
        sentiment=Sentiment(score=round(score, 4), label=label, analyzer="vader-en"),
        priority=round(min(priority, 100.0), 1),
        reasons=tuple(reasons),
        themes=(),
    )


def should_alert(mention: Mention, *, min_priority: float = DEFAULT_MIN_PRIORITY) -> bool:
    """Negative and at least `min_priority`."""
    return mention.is_negative and mention.priority >= min_priority
