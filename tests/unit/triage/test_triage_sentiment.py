"""Sentiment per language: score in [-1, 1], thresholds per language, honest "unknown"."""

from __future__ import annotations

import pytest

from chalicelib.triage import dutch
from chalicelib.triage.sentiment import assess, label_for


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("I love this, thank you so much!", "en", "positive"),
        ("This is the worst service I have ever had", "en", "negative"),
        ("The store opens at nine", "en", "neutral"),
        ("Wat een prachtig boek, echt een aanrader", "nl", "positive"),
        ("Slechte service, ik ben teleurgesteld", "nl", "negative"),
        ("De winkel gaat om negen uur open", "nl", "neutral"),
    ],
)
def test_clear_cases_get_the_obvious_label(text: str, lang: str, label: str) -> None:
    assert assess(text, lang).sentiment.label == label


def test_other_languages_get_unknown_rather_than_an_english_guess() -> None:
    sentiment = assess("Das ist wirklich schrecklich", "de").sentiment
    assert (sentiment.label, sentiment.score, sentiment.analyzer) == ("unknown", 0.0, "none")


def test_dutch_negation_turns_praise_negative() -> None:
    assert dutch.score("Het boek is goed").score > 0
    assert dutch.score("Het boek is niet goed").score < 0
    assert dutch.score("Geen aanrader").score < 0


def test_a_dutch_negation_belongs_to_the_nearest_opinion_word() -> None:
    # "niet" negates "normaal", not the "slecht" after it
    assert dutch.score("Niet normaal hoe slecht jullie klantenservice is").score < 0
    assert dutch.score("Niet erg goed").score < 0  # an intensifier does not stop it


def test_dutch_intensifiers_strengthen() -> None:
    assert dutch.score("heel slecht").score < dutch.score("slecht").score


def test_dutch_inflections_and_compounds_are_found() -> None:
    assert dutch.lookup("slechte") == dutch.lookup("slecht")
    assert dutch.lookup("grote") == dutch.lookup("groot")
    superslecht = dutch.lookup("superslecht")
    slecht = dutch.lookup("slecht")
    assert superslecht is not None and slecht is not None and superslecht[0] < slecht[0]
    kutservice = dutch.lookup("kutservice")
    assert kutservice is not None and kutservice[0] < 0


def test_dutch_contrast_weighs_what_follows_maar() -> None:
    assert dutch.score("Mooie cover, maar het verhaal is saai en langdradig").score < 0
    assert dutch.score("Het begin is wat saai, maar daarna prachtig").score > 0


def test_naar_is_the_preposition_unless_it_says_how_something_feels() -> None:
    # "naar huis", "uitkijken naar": the preposition, far the commonest use, says nothing
    for text in (
        "Ik breng je naar huis.",
        "Ik kijk uit naar het volgende deel",
        "Waar kijk je naar?",
    ):
        assert dutch.score(text) == dutch.DutchScore(0.0, 0), text
    # after "een" or a degree word, or how one feels: the adjective (nasty)
    for text in ("Ik heb een naar gevoel", "Wat naar voor je", "Ik voel me naar"):
        assert dutch.score(text).score < 0, text
    # and a degree word scales it like any adjective, without counting itself
    assert dutch.score("Dat voelt heel naar").score < dutch.score("Dat voelt naar").score < 0


def test_function_words_spelled_like_opinion_words_carry_no_sentiment() -> None:
    assert dutch.lookup("waar") is None  # where (not "true")
    assert dutch.lookup("langs") is None  # along (not "lang" + s)
    assert dutch.lookup("miss") is None and dutch.lookup("mis") is not None  # no -s after s
    assert dutch.lookup("fouts") is not None  # an -s still comes off ("iets fouts")


def test_a_dutch_negation_stops_at_a_comma() -> None:
    assert dutch.score("Ik hoef niet meer, dank u wel").score > 0
    assert dutch.score("Niet duur, wel goed").score > 0
    assert dutch.score("Niet goed").score < 0


def test_a_negation_word_that_negates_is_not_an_opinion_word_itself() -> None:
    assert dutch.score("Er gaat niks mis").score > 0  # "niks" negates "mis"
    assert dutch.score("Het boek is niks").score < 0  # alone, "niks" is no good


def test_swearing_lies_and_congratulations_are_opinion_words() -> None:
    for text in ("Jullie liegen gewoon", "Verdomme, weer geen bereik", "Wat een klootzakken"):
        assert dutch.score(text).score < 0, text
    assert dutch.score("Gefeliciteerd!").score > 0


def test_emoji_count_in_dutch() -> None:
    assert assess("Pakket is er 😡", "nl").sentiment.label == "negative"
    assert assess("Pakket is er 😍", "nl").sentiment.label == "positive"


def test_scores_stay_within_minus_one_and_one() -> None:
    text = "vreselijk waardeloos schandalig 😡😡 al drie dagen storing, nog steeds geen reactie"
    assert assess(text, "nl").sentiment.score == -1.0
    assert -1.0 <= assess("GREAT GREAT GREAT!!! love love love", "en").sentiment.score <= 1.0


def test_thresholds_are_per_language() -> None:
    assert label_for(-0.03, "en") == "neutral"
    assert label_for(-0.03, "nl") == "negative"
    assert label_for(-0.9, "xx") == "unknown"


def test_negation_alone_leans_negative_but_stays_mild() -> None:
    sentiment = assess("The meeting did not start today", "en").sentiment
    assert sentiment.label == "negative" and sentiment.score > -0.2
    # a delivery that did not come is a complaint stated as fact, no longer a mild lean
    complaint = assess("The delivery did not come today", "en")
    assert complaint.complaints == ("never arrived",) and complaint.sentiment.score <= -0.35
    assert assess("No worries, see you tomorrow", "en").sentiment.label != "negative"
