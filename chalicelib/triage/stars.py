"""A review's stars are part of its judgement (App Store, Google Play, review sites).

    1 star      negative whatever the words say: score at most -0.70 (45 x 0.70 = 31.5
                priority points: an alert in the low band, on the shift board; with a
                complaint or an urgent word, 40 and up: it pages)
    2 stars     negative: score at most -0.45
    3 stars     the words decide
    4-5 stars   the words decide, and a complaint in them stays a complaint: negative,
                score at most -0.30 ("vijf sterren, maar de app crasht sinds de update")

Stars only ever make a review more negative: a one-star review that reads kindly is still
a customer who gave one star, and five stars never hide a complaint.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Sentiment
from .complaints import complaint_signals, may_complain
from .sentiment import Assessment
from .text import clean, sentences, word_set

CEILING = {1: -0.70, 2: -0.45}  # the highest score a 1- or 2-star review may have
COMPLAINT_CEILING = -0.30


def weigh(
    assessment: Assessment, rating: int | None, text: str, lang: str
) -> tuple[Assessment, str | None]:
    """The assessment with the stars taken into account, and the reason (None: no change).

    `text` and `lang` (the language it was judged as): the sentiment looks for complaint
    phrasing only in texts that are not clearly happy; a 4- or 5-star review is always
    looked through."""
    if rating is None:
        return assessment, None
    sentiment = assessment.sentiment
    ceiling = CEILING.get(rating)
    complaints = assessment.complaints
    if ceiling is not None:
        score = min(sentiment.score, ceiling) if sentiment.label != "unknown" else ceiling
        reason = f"rating: {rating} star{'s' if rating > 1 else ''}"
    elif rating >= 4 and sentiment.label != "negative":
        complaints = complaints or _complaints(text, lang)
        if not complaints:
            return assessment, None
        score = min(sentiment.score, COMPLAINT_CEILING)
        reason = f"complaint despite {rating} stars"
    else:
        return assessment, None
    stars = Sentiment(round(score, 4), "negative", f"{sentiment.analyzer}+stars")
    return replace(assessment, sentiment=stars, complaints=complaints), reason


def _complaints(text: str, lang: str) -> tuple[str, ...]:
    if lang not in ("en", "nl"):
        return ()
    cleaned = clean(text)
    tokens = word_set(cleaned)
    return complaint_signals(sentences(cleaned), lang, tokens) if may_complain(tokens) else ()
