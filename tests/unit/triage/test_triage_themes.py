"""Themes: per mention when judged; ranked across mentions for the digest."""

from __future__ import annotations

from chalicelib.model import Author, Mention, Sentiment
from chalicelib.triage.themes import extract_themes, rank_themes


def judged(native_id: str, themes: tuple[str, ...], label: str = "negative", priority: float = 10):
    return Mention(
        source="x",
        native_id=native_id,
        url="",
        author=Author(id="1", handle="a"),
        text="",
        created_at="2026-11-23T08:00:00Z",
        received_at="2026-11-23T08:00:00Z",
        sentiment=Sentiment(-0.5 if label == "negative" else 0.5, label, "vader-en"),
        priority=priority,
        themes=themes,
    )


def test_hashtags_come_first_then_urgency_then_content_words() -> None:
    themes = extract_themes("Al drie dagen storing bij #KPN, ik wil mijn geld terug #fail")
    assert themes[:2] == ("#kpn", "#fail")
    assert "outage" in themes and "refund" in themes
    assert len(themes) <= 5


def test_the_brands_own_terms_are_not_themes() -> None:
    themes = extract_themes("#Acme delivery arrived broken", exclude=("acme",))
    assert "#acme" not in themes and "acme" not in themes
    assert "delivery" in themes


def test_stopwords_and_short_words_are_not_themes() -> None:
    assert extract_themes("and the it is of dat het een") == ()


def test_rank_counts_negative_mentions_sharing_a_theme() -> None:
    mentions = [
        judged("1", ("#outage", "router")),
        judged("2", ("#outage", "billing"), priority=50),
        judged("3", ("#outage",)),
        judged("4", ("billing",)),
        judged("5", ("router",), label="positive"),
    ]
    ranked = rank_themes(mentions)
    assert [(t.name, t.count) for t in ranked] == [("#outage", 3), ("billing", 2)]
    assert ranked[0].examples[0] == "x:2"  # highest priority first


def test_rank_can_include_all_mentions() -> None:
    mentions = [judged("1", ("router",)), judged("2", ("router",), label="positive")]
    assert rank_themes(mentions, negative_only=False)[0].count == 2
    assert rank_themes(mentions) == []


def test_themes_are_topics_not_sentiment_words() -> None:
    english = extract_themes("Terrible service, the invoice is wrong", "en")
    assert "invoice" in english and "terrible" not in english
    dutch = extract_themes("Waardeloze klantenservice, factuur klopt niet", "nl")
    assert "factuur" in dutch and "waardeloze" not in dutch
