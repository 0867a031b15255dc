"""Language: the platform's tag first; a small detector for short English and Dutch posts."""

from __future__ import annotations

import pytest

from chalicelib.triage import classify
from chalicelib.triage.language import (
    UNDETERMINED,
    detect,
    leaning,
    normalise_tag,
    resolve_language,
)


@pytest.mark.parametrize(
    "text",
    [
        "still waiting for my refund",
        "been on hold for 90 minutes",
        "Thanks, that was quick!",
        "Why is this app so slow today?",
    ],
)
def test_short_english_posts_are_english(text: str) -> None:
    assert detect(text).lang == "en"


@pytest.mark.parametrize(
    "text",
    [
        "nog steeds geen reactie",
        "al drie dagen storing",
        "ik zeg mijn abonnement op",
        "Waarom duurt het zo lang?",
        "amai, da's hier wreed plezant",  # Flemish
        "ge zijt de beste, merci!",  # Flemish
        "Hoera! Eindelijk glasvezel 🎉",
    ],
)
def test_short_dutch_and_flemish_posts_are_dutch(text: str) -> None:
    assert detect(text).lang == "nl"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ich warte immer noch auf mein Geld", "de"),
        ("Je suis très déçu du service", "fr"),
        ("No he recibido mi pedido todavía", "es"),
    ],
)
def test_neighbour_languages_are_not_mistaken_for_english_or_dutch(text: str, lang: str) -> None:
    assert detect(text).lang == lang


def test_text_without_words_is_undetermined() -> None:
    assert detect("🔥🔥🔥 http://example.com @someone 123").lang == UNDETERMINED


@pytest.mark.parametrize(
    ("tag", "code"), [("nl-BE", "nl"), ("EN", "en"), ("und", None), ("qme", None), (None, None)]
)
def test_platform_tags_are_normalised_and_unusable_ones_dropped(
    tag: str | None, code: str | None
) -> None:
    assert normalise_tag(tag) == code


def test_the_platform_tag_wins_over_detection() -> None:
    assert resolve_language("nog steeds geen reactie", "en") == "en"
    assert resolve_language("nog steeds geen reactie", "und") == "nl"


@pytest.mark.parametrize(
    ("text", "lean"),
    [
        ("Awful.", ""),  # no evidence either way: both lexicons are tried
        ("Waardeloos.", "nl"),  # spelling says Dutch, too little to be sure
        ("Ich warte immer noch auf mein Geld", None),  # clearly German: not guessed
    ],
)
def test_a_text_the_detector_cannot_place_leans_to_english_or_dutch(
    text: str, lean: str | None
) -> None:
    assert leaning(text) == lean


@pytest.mark.parametrize(
    ("text", "analyzer"), [("Awful.", "vader-en"), ("Waardeloos!!", "lexicon-nl")]
)
def test_an_undetermined_post_is_judged_rather_than_skipped(text: str, analyzer: str) -> None:
    judged = classify(text)
    assert judged.lang == UNDETERMINED
    assert judged.sentiment is not None and judged.sentiment.analyzer.startswith(analyzer)
    assert judged.is_negative
    assert judged.reasons[0] == f"language und: judged as {analyzer[-2:]}"


def test_an_untagged_post_clearly_in_another_language_is_still_not_judged() -> None:
    judged = classify("Ich warte immer noch auf mein Geld")
    assert judged.lang == "de"
    assert judged.sentiment is not None and judged.sentiment.label == "unknown"
