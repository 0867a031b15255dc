"""Slang and hashtag complaints, and comparisons, in English and Dutch, through the
production path (no language tag): wordings other than the rules' own examples."""

from __future__ import annotations

import pytest

from chalicelib.triage import classify, should_alert


@pytest.mark.parametrize(
    "text",
    [
        "@brand your customer service is an absolute joke",
        "This app is a complete shambles since the update",
        "such a farce, third appointment missed",
        "Another #fail from @brand this morning",
        "The new billing portal: #EpicFail",
        "that was an epic failure on your part",
        "Dit is echt een lachertje, @voltera",
        "wat een aanfluiting weer met die monteur",
        "Weer een #faal van Voltera vanochtend",
        "De klantenservice is gewoon een grote poppenkast",
        "Nou, dat was weer een epic fail van jullie",
        "Wat een faalbedrijf",
    ],
)
def test_a_slang_or_hashtag_complaint_is_negative_and_pages(text: str) -> None:
    mention = classify(text)
    assert mention.sentiment is not None and mention.sentiment.label == "negative", mention
    assert should_alert(mention), mention


@pytest.mark.parametrize(
    "text",
    [
        "haha what a joke, love it 😂",  # a happy post keeps its label
        "He told a great joke at the party",
        "De cabaretier maakte een leuke grap over de trein",
    ],
)
def test_a_joke_that_is_a_joke_is_no_complaint(text: str) -> None:
    sentiment = classify(text).sentiment
    assert sentiment is not None and sentiment.need != "complaint", sentiment
    assert sentiment.label != "negative", sentiment


@pytest.mark.parametrize(
    "text",
    [
        "Nieuwe tarieven van Voltera vergeleken met de rest van de markt: gemiddeld, niet "
        "spectaculair.",
        "Prijzen van Voltera t.o.v. de concurrentie: niet goedkoop, niet duur.",
        "The new plan is pricier than the competition, not impressed",
        "Voltera's new rates compared to the market average: a bit disappointing",
    ],
)
def test_a_comparison_without_a_complaint_is_neutral_and_does_not_page(text: str) -> None:
    mention = classify(text, followers=53_000)
    assert mention.sentiment is not None and mention.sentiment.label == "neutral", mention
    assert not should_alert(mention)


@pytest.mark.parametrize(
    "text",
    [
        # a comparison that complains, or is plainly negative, stays negative
        "Compared to the competition you are a terrible ripoff, worst service ever",
        # a verdict compared with other products is no market benchmark
        "Minder goed dan de vorige delen, vergeleken met de andere boeken echt slecht",
        "Vergeleken met vorig jaar: nog steeds geen reactie op mijn mail",
        # Dutch puts the verb before its subject after a fronted phrase: "wacht ik al…"
        "Vergeleken met vorig jaar wacht ik al 3 dagen op de monteur",
        "Nu wachten we al twee weken op de monteur, in vergelijking met de buren",
    ],
)
def test_a_comparison_that_complains_stays_negative(text: str) -> None:
    sentiment = classify(text).sentiment
    assert sentiment is not None and sentiment.label == "negative", sentiment


def test_the_demo_s_price_comparison_is_neutral() -> None:
    # demo/posts.jsonl: the 53k-follower account's comparison was 53k of the day's "reach of
    # negative posts"
    mention = classify(
        "Nieuwe tarieven van Voltera vergeleken met de rest van de markt: gemiddeld, niet "
        "spectaculair.",
        "nl",
        followers=53_000,
    )
    assert mention.sentiment is not None and mention.sentiment.label == "neutral"
    assert mention.sentiment.need == "other"


@pytest.mark.parametrize(
    "text",
    [
        # a question about a negative topic asks; it does not complain
        "how much notice do I get if my flight is cancelled?",
        "Wat gebeurt er met mijn tegoed als er een storing is?",
        # a negative word inside thanks
        "was about to complain, thanks for the credit",
        "Ik wilde al gaan klagen, maar bedankt voor de snelle oplossing!",
    ],
)
def test_the_issue_s_false_alarms_do_not_page(text: str) -> None:
    mention = classify(text)
    assert mention.sentiment is not None and mention.sentiment.label != "negative", mention
    assert not should_alert(mention)


def test_the_smart_meter_is_a_name_not_praise() -> None:
    # "slimme" (clever, +0.8) made the complaint a happy post, which keeps its label
    waiting = classify("Nu wachten we al twee weken op onze slimme meter").sentiment
    assert waiting is not None and waiting.label == "negative" and waiting.need == "complaint"
    clever = classify("Wat een slimme oplossing, top!").sentiment
    assert clever is not None and clever.label == "positive"
