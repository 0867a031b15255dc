"""Themes: per mention when judged; ranked across mentions for the digest."""

from __future__ import annotations

from chalicelib.model import Author, Mention, Sentiment
from chalicelib.triage.themes import extract_themes, rank_themes
from chalicelib.triage.topics import parse, topics_in


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


def test_configured_topics_come_first_then_hashtags_then_urgency() -> None:
    themes = extract_themes("Al drie dagen storing bij #KPN, ik wil mijn geld terug #fail")
    assert themes == ("outage", "refund", "#kpn", "#fail")


def test_a_post_no_configured_topic_fits_gets_two_key_words_of_its_own() -> None:
    # no greeting, time of day, verb form or the brand's name: what the post is about
    themes = extract_themes(
        "Goedemorgen Voltera, vanochtend heb ik gebeld over de warmtepomp in de schuur",
        "nl",
        exclude=("Voltera",),
    )
    assert themes == ("warmtepomp", "schuur")
    english = extract_themes("Good morning, I called yesterday about the heatpump", "en")
    assert english == ("heatpump",)


def test_a_brand_configures_its_own_topics_in_dutch_and_english() -> None:
    topics = parse(
        '{"topics": {"storing": ["*storing", "blackout", "geen stroom"], "monteur": ["monteur*"]}}'
    )
    # (the urgent kinds follow the topics: "outage" is one, whatever the brand calls it)
    assert extract_themes("Stroomstoring in Gent", "nl", topics=topics) == ("storing", "outage")
    assert extract_themes("Nog steeds geen stroom, monteurs?", "nl", topics=topics)[:2] == (
        "storing",
        "monteur",
    )
    assert extract_themes("Blackout downtown", "en", topics=topics) == ("storing",)
    assert topics_in(("de", "monteurs"), topics) == ["monteur"]


def test_the_shipped_topics_read_like_a_team_lead_s_list() -> None:
    # the digest's "themes customers raise" on the demo's kind of posts
    posts = {
        "Wanneer komt de monteur nou eindelijk?? Al 3 dagen zonder stroom": (
            "outage",
            "engineer visit",
        ),
        "@Voltera mijn factuur klopt niet, twee keer afgeschreven": ("billing",),
        "Ik wil mijn contract opzeggen, dit is de derde storing": ("outage", "cancel"),
        "The app keeps logging me out": ("app",),
        "My parcel never arrived": ("delivery",),
    }
    for text, expected in posts.items():
        assert extract_themes(text, exclude=("Voltera",)) == expected, text


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
    assert english == ("billing",)
    dutch = extract_themes("Waardeloze klantenservice, factuur klopt niet", "nl")
    assert dutch == ("billing", "customer service")
    # with no configured topic, a sentiment word is no key word either
    assert extract_themes("Terrible weather on the beach", "en") == ("weather", "beach")
