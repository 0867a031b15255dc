"""Priority 0..100 that explains itself: every point comes with a reason.

    negativity  up to 45   45 × |score| of a negative post (the lexicon's score blended
                           with the learned layer's, whose p(negative) is its own reason)
    complaint   up to 10   a complaint rule matched ("still waiting", "storing")
    urgency     up to 25   12 per kind of urgent word (cancel, legal, fraud, outage, refund, safety)
    reach       up to 20   followers on a log scale (100 -> 0, 1M -> 20)
    engagement  up to 10   likes + 2×replies + 3×reposts + score, log scale (1000 -> 10)
    watch list  25         the author is on the watch list (press, VIPs)
    staleness   ×0.5       the post is more than a day old when judged
    asks us     at least 40 a question about the customer's own case or a request for help
                           (needs.py) is at least the medium band (the policy's 40)

Reasons are short and human ("urgency: refund", "reach: 12.3k followers").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from ..model import Mention, Sentiment, parse_time
from .needs import Need
from .urgency import urgency_kinds

NEGATIVITY_POINTS = 45.0
COMPLAINT_POINTS = 10.0
URGENCY_POINTS = 12.0
URGENCY_CAP = 25.0
REACH_POINTS = 20.0
ENGAGEMENT_POINTS = 10.0
WATCHLIST_POINTS = 25.0
STALE_AFTER = timedelta(days=1)
ASKS_US_AT_LEAST = 40.0  # the alert policy's medium ("normal") band starts here


@dataclass(frozen=True, slots=True)
class Priority:
    score: float  # 0..100
    reasons: tuple[str, ...]


def _log_share(value: float, zero_at: float, full_at: float) -> float:
    if value <= zero_at:
        return 0.0
    return min(1.0, math.log10(value / zero_at) / math.log10(full_at / zero_at))


def _short(number: int) -> str:
    if number >= 1_000_000:
        return f"{number / 1_000_000:.1f}M"
    if number >= 1_000:
        return f"{number / 1_000:.1f}k"
    return str(number)


def on_watchlist(mention: Mention, watchlist: frozenset[str]) -> bool:
    """The author's handle (any case, with or without "@") or id is on the watch list."""
    if not watchlist:
        return False
    handle = mention.author.handle.lower().lstrip("@")
    return mention.author.id in watchlist or handle in _normalised(watchlist)


@lru_cache(maxsize=8)
def _normalised(watchlist: frozenset[str]) -> frozenset[str]:
    return frozenset(name.lower().lstrip("@") for name in watchlist)


def _age(mention: Mention, now: datetime | None) -> timedelta | None:
    """How old the post was when judged; None when unknown (no `now`, or a bad timestamp)."""
    if now is None or not mention.created_at:
        return None
    try:
        return now - parse_time(mention.created_at)
    except (ValueError, TypeError):
        return None


def prioritise(
    mention: Mention,
    sentiment: Sentiment,
    complaints: tuple[str, ...] = (),
    *,
    watchlist: frozenset[str] = frozenset(),
    now: datetime | None = None,
    model_negative: float | None = None,
    need: Need | None = None,
) -> Priority:
    """How urgently a conversation manager should look at this mention, and why.

    `model_negative` is the learned layer's p(negative), part of the sentiment score.
    """
    points = 0.0
    reasons: list[str] = []
    if sentiment.label == "negative":
        points += NEGATIVITY_POINTS * min(1.0, abs(sentiment.score))
        reasons.append(f"negative sentiment {sentiment.score:+.2f}")
        if model_negative is not None:
            reasons.append(f"model: {model_negative:.2f} negative")
    if complaints and sentiment.label == "negative":
        points += COMPLAINT_POINTS
        said = need.words if need is not None and need.kind == "complaint" else ""
        reasons.append("complaint: " + (said or ", ".join(complaints)))
    if need is not None and need.kind in ("help", "question") and (need.asks or need.words):
        reasons.append(need.reason)
    kinds = urgency_kinds(mention.text)
    if kinds:
        points += min(URGENCY_CAP, URGENCY_POINTS * len(kinds))
        reasons.extend(f"urgency: {kind}" for kind in kinds)
    followers = mention.author.followers
    reach = REACH_POINTS * _log_share(followers, 100, 1_000_000)
    if reach:
        points += reach
        reasons.append(f"reach: {_short(followers)} followers")
    e = mention.engagement
    interactions = e.likes + 2 * e.replies + 3 * e.reposts + max(e.score, 0)
    engaged = ENGAGEMENT_POINTS * _log_share(interactions + 1, 1, 1000)
    if engaged >= 1:
        points += engaged
        reasons.append(f"engagement: {_short(interactions)} interactions")
    if on_watchlist(mention, watchlist):
        points += WATCHLIST_POINTS
        reasons.append(f"watch-list author @{mention.author.handle.lstrip('@')}")
    age = _age(mention, now)
    if age is not None and age > STALE_AFTER:
        points *= 0.5
        reasons.append(f"old post: {age.days}d ago")
    if need is not None and need.asks and points < ASKS_US_AT_LEAST:
        points = ASKS_US_AT_LEAST
        reasons.append("asks us about their own case: at least medium")
    return Priority(round(min(100.0, points), 1), tuple(reasons))
