"""Triage: language, sentiment, priority, themes, spikes — pure functions, no AWS.

    judge(mention)         -> the mention with lang, sentiment, priority, reasons, themes
    should_alert(mention)  -> negative and priority >= threshold
    classify(text, lang)   -> the same judgement for a bare text (the CLI)

Modules: `language` (platform tag, else a small detector), `sentiment` (per language:
`english` = VADER, `dutch` = lexicon + rules, blended with the learned layer `model`
on `features`; `complaints` = complaint phrasing), `priority`, `themes`, `spikes` and
`cli`. Importing this package loads no lexicon and no weights: VADER, the Dutch lexicon
and the model files load on first use and stay for the process. A text the detector
cannot place is judged all the same (as English or Dutch, whichever it leans to),
unless it is clearly another language.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..model import Author, Mention, iso
from .language import SUPPORTED, leaning, normalise_tag, resolve_language
from .model import ModelSource, shipped
from .priority import prioritise
from .sentiment import Assessment, assess, assess_unplaced
from .spikes import SpikePolicy, SpikeVerdict, check_mentions
from .stars import weigh
from .themes import Theme, extract_themes, rank_themes

DEFAULT_MIN_PRIORITY = 25.0

__all__ = [
    "DEFAULT_MIN_PRIORITY",
    "SpikePolicy",
    "SpikeVerdict",
    "Theme",
    "check_mentions",
    "classify",
    "judge",
    "rank_themes",
    "should_alert",
]


def _assess(mention: Mention, lang: str, models: ModelSource) -> tuple[str, Assessment]:
    """(the language it was judged as, the assessment) for the mention's resolved `lang`."""
    if lang in SUPPORTED or normalise_tag(mention.lang):
        return lang, assess(mention.text, lang, models=models)  # the platform's tag is trusted
    lean = leaning(mention.text)
    if lean is None:  # clearly another language: no English or Dutch guess
        return lang, assess(mention.text, lang, models=models)
    if lean:
        return lean, assess(mention.text, lean, models=models)
    return assess_unplaced(mention.text, models=models)


def judge(
    mention: Mention,
    *,
    watchlist: frozenset[str] = frozenset(),
    now: datetime | None = None,
    models: ModelSource = shipped,
) -> Mention:
    """Return the mention with lang, sentiment, priority, reasons and themes filled in.

    Themes are extracted for negative mentions only: they feed "what customers raise".

    `watchlist` holds author handles (without "@") or ids whose posts weigh more;
    `now` lets priority discount posts that were already old when they reached us;
    `models` gives the learned layer per language (evaluation passes fold models).
    """
    lang = resolve_language(mention.text, mention.lang)
    judged_as, assessment = _assess(mention, lang, models)
    assessment, stars = weigh(assessment, mention.rating, mention.text, judged_as)
    priority = prioritise(
        mention,
        assessment.sentiment,
        assessment.complaints,
        watchlist=watchlist,
        now=now,
        model_negative=assessment.model_negative,
        need=assessment.need,
    )
    reasons = (stars, *priority.reasons) if stars else priority.reasons
    if assessment.sentiment.label == "unknown":
        reasons = (f"language {lang}: sentiment not judged", *reasons)
    elif judged_as != lang:
        reasons = (f"language {lang}: judged as {judged_as}", *reasons)
    return mention.judged(
        lang,
        assessment.sentiment,
        priority.score,
        reasons,
        # themes are what *negative* posts share (the digest's "what customers raise")
        extract_themes(mention.text, judged_as, exclude=mention.matched_terms)
        if assessment.sentiment.label == "negative"
        else (),
    )


def should_alert(mention: Mention, *, min_priority: float = DEFAULT_MIN_PRIORITY) -> bool:
    """Page someone: the mention is negative and its priority is at least `min_priority`."""
    return mention.is_negative and mention.priority >= min_priority


def classify(
    text: str,
    lang: str | None = None,
    *,
    followers: int = 0,
    author: str = "cli",
    watchlist: frozenset[str] = frozenset(),
    models: ModelSource = shipped,
) -> Mention:
    """Judge a bare text, as if it were a post by `author` (the CLI and experiments)."""
    now = iso(datetime.now(UTC))
    mention = Mention(
        source="cli",
        native_id="0",
        url="",
        author=Author(id=author, handle=author, followers=followers),
        text=text,
        created_at=now,
        received_at=now,
        lang=lang,
    )
    return judge(mention, watchlist=watchlist, models=models)
