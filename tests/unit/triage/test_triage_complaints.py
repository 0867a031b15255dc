"""Complaints without strong sentiment words are caught; questions and compliments are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.triage import classify, complaints, should_alert
from chalicelib.triage.complaints import RULES, complaint_signals, is_question
from chalicelib.triage.text import clean, sentences

COMPLAINTS = [
    ("still waiting for my refund", "en"),
    ("been on hold for 90 minutes", "en"),
    ("Ordered two weeks ago, package never arrived", "en"),
    ("Where is my order? Paid on Monday.", "en"),
    ("You charged me twice this month", "en"),
    ("Why is my internet down again?", "en"),
    ("nog steeds geen reactie", "nl"),
    ("al drie dagen storing", "nl"),
    ("ik zeg mijn abonnement op", "nl"),
    ("Wacht nu al twee weken op mijn pakket", "nl"),
    ("Mijn bestelling is nog steeds niet geleverd", "nl"),
    ("Dubbel afgeschreven deze maand, waar blijft mijn geld", "nl"),
    ("Al 40 minuten in de wacht bij de klantenservice", "nl"),
    ("Internet ligt er weer uit, dit is de derde keer deze week", "nl"),
    ("Your app keeps crashing since the update. Fix it please", "en"),
    ("I have been trying to reach customer service for three days", "en"),
    ("Thanks for nothing", "en"),
]

NOT_COMPLAINTS = [
    ("How do I cancel my subscription?", "en"),
    ("Can I change my delivery address?", "en"),
    ("Thanks for the quick refund, great service!", "en"),
    ("Still the best provider in town", "en"),
    ("Can't wait for the new season!", "en"),
    ("Kan ik mijn abonnement opzeggen?", "nl"),
    ("Wat zijn jullie openingstijden?", "nl"),
    ("Super snelle service, bedankt!", "nl"),
    ("Ik zeg het eerlijk: top geregeld", "nl"),
    ("Amai, wreed plezant hier!", "nl"),
    ("Amai, da's wreed goe geregeld!", "nl"),
    ("Is there an outage in Amsterdam right now?", "en"),
]


@pytest.mark.parametrize(("text", "lang"), COMPLAINTS)
def test_complaint_phrasing_is_negative_and_alerts(text: str, lang: str) -> None:
    judged = classify(text, lang)
    assert judged.sentiment is not None and judged.sentiment.label == "negative", judged
    assert any(reason.startswith("complaint:") for reason in judged.reasons)
    assert should_alert(judged)


@pytest.mark.parametrize(("text", "lang"), COMPLAINTS)
def test_complaints_are_caught_without_a_language_tag(text: str, lang: str) -> None:
    judged = classify(text)
    assert judged.lang == lang
    assert judged.is_negative


@pytest.mark.parametrize(("text", "lang"), NOT_COMPLAINTS)
def test_questions_and_compliments_are_not_flagged(text: str, lang: str) -> None:
    judged = classify(text, lang)
    assert not judged.is_negative, judged
    assert not should_alert(judged)


def test_a_plain_question_does_not_count_a_weak_rule() -> None:
    assert is_question("How do I cancel my subscription?")
    assert complaint_signals(sentences("How do I cancel my subscription?"), "en") == ()
    assert complaint_signals(sentences("I'm cancelling my subscription."), "en") == ("cancelling",)


def test_a_question_that_complains_still_counts() -> None:
    assert complaint_signals(sentences("Where is my refund?"), "en") == ("where is my",)


def test_rules_of_one_language_do_not_fire_on_another() -> None:
    assert complaint_signals(sentences("still waiting for my refund"), "nl") == ()
    assert complaint_signals(sentences("nog steeds geen reactie"), "de") == ()


EXAMPLE_PER_RULE = {
    "en": {
        "still waiting": "I'm still waiting for an answer",
        "waiting for days": "Been waiting for 3 days now",
        "on hold": "On hold for 45 minutes",
        "still not fixed": "It is still broken",
        "no response": "No reply yet from your team",
        "never arrived": "My parcel never arrived",
        "where is my": "Where's my money",
        "charged twice": "You billed me twice",
        "refund demand": "I want my refund",
        "not working": "The app doesn't work on my phone",
        "service down": "The website is down",
        "cancelling": "I'm cancelling my subscription today",
        "again": "Cut off for the third time this week",
        "hours lost": "Wasted two hours on this",
        "bad service": "Terrible customer service",
        "what a joke": "what a joke",
        "cannot reach you": "I have been trying to reach you for days",
        "thanks for nothing": "Thanks for nothing",
        "where is it": "Paid on Monday, where is it",
        "waiting since": "Waiting since Friday for a callback",
        "logged out": "It keeps logging me out",
        "talking to a wall": "Like talking to a brick wall",
        "waiting hours": "waiting at the airport for 24h",
        "without service": "three days without power",
        "cancelled": "my flight was cancelled this morning",
        "finally": "When will my refund finally arrive?",
        "irony": "Great service, not!",
    },
    "nl": {
        "nog steeds": "nog steeds niks gehoord",
        "wachten": "ik wacht al twee weken",
        "in de wacht": "sta in de wacht",
        "al dagen": "al vijf dagen zonder tv",
        "storing": "weer een stroomstoring hier",
        "geen reactie": "niemand reageert op mijn mail",
        "geen verbinding": "geen internet in heel Gent",
        "opzeggen": "ik ga opzeggen",
        "niet ontvangen": "mijn pakket is niet bezorgd",
        "werkt niet": "de app werkt weer niet",
        "kan niet inloggen": "sinds de update kan ik niet meer inloggen",
        "dubbel betaald": "twee keer afgeschreven",
        "geld terug": "ik wil mijn geld terug",
        "waar blijft": "waar blijft mijn bestelling",
        "weer": "voor de derde keer kapot",
        "slechte service": "belabberde klantenservice",
        "klacht": "ik wil een klacht indienen",
        "wat een grap": "wat een grap",
        "wachten sinds": "ik wacht sinds dinsdag op een monteur",
        "uitgelogd": "ik word steeds uitgelogd",
        "tegen een muur": "tegen een muur praten is dit",
        "zonder stroom": "sinds gisteren zonder stroom",
        "geannuleerd": "mijn afspraak is zomaar geannuleerd",
        "eindelijk": "Wanneer komt de monteur nou eindelijk?",
        "ironie": "Top service van Voltera, echt niet",
    },
}


def test_every_rule_has_an_example_and_fires_on_it() -> None:
    # the word lists that let a post skip the regexes must never hide a rule's own match
    for lang, examples in EXAMPLE_PER_RULE.items():
        assert set(examples) == {rule.name for rule in RULES[lang]}
        for name, text in examples.items():
            assert name in complaint_signals(sentences(text), lang), (lang, name, text)


@pytest.mark.parametrize(
    ("text", "lang", "rule"),
    [
        ("no internet since this morning", "en", "service down"),
        ("our wifi is down again", "en", "service down"),
        ("I'm switching to another provider", "en", "cancelling"),
        ("You double-charged me", "en", "charged twice"),
        ("The app doesn’t load", "en", "not working"),  # a phone's curly apostrophe
        ("Nobody has replied to my email", "en", "no response"),
        ("ik wacht nog steeds op antwoord", "nl", "wachten"),
        ("internet ligt er weer plat", "nl", "storing"),
        ("de site is uit de lucht", "nl", "storing"),
        ("stroomstoring in Utrecht", "nl", "storing"),
        ("de app gooit me steeds eruit", "nl", "uitgelogd"),
        ("de app blijft me uitloggen", "nl", "uitgelogd"),
        ("voor de 3e keer kapot", "nl", "weer"),
        ("dubbel gefactureerd", "nl", "dubbel betaald"),
        ("al twee weken aan het wachten", "nl", "wachten"),
        ("ik zeg hierbij mijn contract op", "nl", "opzeggen"),
        # complaints stated as fact: what happened, in other words than the examples'
        ("26 mins on hold now", "en", "waiting hours"),
        ("stuck in the queue for over an hour", "en", "waiting hours"),
        ("no internet for 2 days", "en", "without service"),
        ("you cancelled our booking without telling us", "en", "cancelled"),
        ("Cancelled, moved to another flight", "en", "cancelled"),
        ("I was overcharged on my bill", "en", "charged twice"),
        ("my refund still hasn't come through", "en", "never arrived"),
        ("thanks for the THIRD gate change", "en", "again"),
        ("how long do I have to wait for a reply", "en", "finally"),
        ("de monteur is niet komen opdagen", "nl", "geannuleerd"),
        ("jullie hebben mijn bestelling zomaar geannuleerd", "nl", "geannuleerd"),
        ("er is te veel afgeschreven", "nl", "dubbel betaald"),
        ("ik ben twee keer afgeschreven deze maand", "nl", "dubbel betaald"),
        ("hoe lang moet ik nog wachten", "nl", "eindelijk"),
        ("Geweldige klantenservice. Niet dus.", "nl", "ironie"),
    ],
)
def test_other_branches_of_the_rules_fire_too(text: str, lang: str, rule: str) -> None:
    assert rule in complaint_signals(sentences(clean(text)), lang)


_VOCABULARY = sorted(
    {
        word
        for examples in EXAMPLE_PER_RULE.values()
        for text in examples.values()
        for word in text.lower().split()
    }
    | {"my", "the", "is", "not", "no", "op", "al", "nog", "steeds", "?", "."}
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=12),
    st.sampled_from(["en", "nl"]),
)
def test_the_word_prefilter_never_hides_a_match(chosen: list[str], lang: str) -> None:
    text = " ".join(chosen)
    parts = sentences(clean(text))
    with_prefilter = complaint_signals(parts, lang)
    with pytest.MonkeyPatch.context() as patched:
        every_rule = {rule.name for rules in RULES.values() for rule in rules}
        patched.setattr(complaints, "_candidates", lambda _tokens: set(every_rule))
        assert complaint_signals(parts, lang) == with_prefilter
