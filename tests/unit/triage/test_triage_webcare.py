"""Webcare phrasing: service failures said plainly page; questions and compliments do not.

The posts are our own short examples, written for these tests (no data set is copied).
"""

from __future__ import annotations

import pytest

from chalicelib.triage import classify, should_alert
from chalicelib.triage.complaints import complaint_signals
from chalicelib.triage.sarcasm import sarcastic_praise
from chalicelib.triage.text import clean, sentences


def _pages(text: str) -> bool:
    judged = classify(text)  # no language tag: the detector decides, as for Reddit and feeds
    return should_alert(judged)


def _rules(text: str, lang: str) -> tuple[str, ...]:
    return complaint_signals(sentences(clean(text)), lang)


def test_an_app_that_keeps_logging_me_out_is_a_complaint() -> None:
    assert "logged out" in _rules("Your app keeps logging me out", "en")
    assert "logged out" in _rules("I keep getting logged out since the update", "en")
    assert _pages("Your app keeps logging me out")


def test_steeds_uitgelogd_is_a_complaint() -> None:
    assert "uitgelogd" in _rules("Ik word steeds uitgelogd in de app", "nl")
    assert "uitgelogd" in _rules("De app logt me telkens uit", "nl")
    assert _pages("Ik word steeds uitgelogd in de app")


def test_waiting_since_monday_is_a_complaint() -> None:
    assert "waiting since" in _rules("Been waiting since Monday for the engineer", "en")
    assert _pages("Been waiting since Monday for the engineer")


def test_ik_wacht_al_sinds_maandag_is_a_complaint() -> None:
    assert "wachten sinds" in _rules("Ik wacht al sinds maandag op mijn pakket", "nl")
    assert "wachten sinds" in _rules("Sinds gisteren niks gehoord over de monteur", "nl")
    assert _pages("Ik wacht al sinds maandag op mijn pakket")


def test_where_is_it_after_an_order_is_a_complaint() -> None:
    assert "where is it" in _rules("Ordered a week ago. Where is it?", "en")
    assert _pages("Ordered a week ago. Where is it?")


def test_waar_blijft_het_is_a_complaint() -> None:
    assert "waar blijft" in _rules("Waar blijft het?", "nl")
    assert "waar blijft" in _rules("Waar blijft de monteur nou", "nl")
    assert _pages("Besteld op vrijdag, waar blijft het?")


def test_no_answer_is_a_complaint() -> None:
    assert "no response" in _rules("Emailed you twice. No answer.", "en")
    assert "no response" in _rules("Nobody answers the phone", "en")
    assert "no response" in _rules("Never heard back from your team", "en")
    assert _pages("Emailed you twice. No answer.")


def test_geen_reactie_and_niks_gehoord_are_complaints() -> None:
    assert "geen reactie" in _rules("Twee keer gemaild, geen reactie", "nl")
    assert "geen reactie" in _rules("Nog niks van jullie gehoord", "nl")
    assert _pages("Twee keer gemaild, geen reactie")


def test_like_talking_to_a_wall_is_a_complaint() -> None:
    assert "talking to a wall" in _rules("Your chat is like talking to a wall", "en")
    assert _pages("Your chat is like talking to a wall")


def test_tegen_een_muur_praten_is_a_complaint() -> None:
    assert "tegen een muur" in _rules("Het is net alsof ik tegen een muur praat", "nl")
    assert _pages("Het is net alsof ik tegen een muur praat")


@pytest.mark.parametrize(
    "text",
    [
        "Still no refund after three weeks. Great job…",
        "Internet ligt er weer uit. Top.",
        "Waar blijft mijn pakket?? Lekker bezig hoor.",
        "Third time this month the app is down. Well done guys.",
    ],
)
def test_sarcastic_praise_after_a_complaint_does_not_overrule_it(text: str) -> None:
    judged = classify(text)
    assert judged.is_negative, judged
    assert any("sarcastic praise" in reason for reason in judged.reasons)
    assert should_alert(judged)


def test_stock_praise_is_sarcasm_only_after_something_else() -> None:
    assert sarcastic_praise(["Still down.", "Top."], "nl")
    assert not sarcastic_praise(["Top."], "nl")  # a post that only says "Top." praises
    assert not sarcastic_praise(["Still down.", "Top that it works now for most people."], "en")


@pytest.mark.parametrize(
    "text",
    [
        "Where is the nearest store?",
        "Where is it located, the new shop in Gent?",
        "Waar is de dichtstbijzijnde winkel?",
        "Since Monday I have been using the new app, love it",
        "Great job on the new app, works perfectly!",
        "Thanks for the quick answer, great service!",
        "Top service, bedankt!",
        "Super snel geholpen. Top.",
        "Sinds maandag glasvezel, wat een verschil!",
        "Hoe kan ik mijn wachtwoord wijzigen?",
        "Top.",
    ],
)
def test_questions_and_compliments_do_not_page(text: str) -> None:
    judged = classify(text)
    assert not should_alert(judged), judged
    assert not judged.is_negative, judged


def test_the_learned_layer_gives_its_reason_on_a_negative_post() -> None:
    judged = classify("The update is a disaster, nothing loads anymore", "en")
    assert judged.is_negative
    model_reasons = [reason for reason in judged.reasons if reason.startswith("model: ")]
    assert len(model_reasons) == 1
    share = float(model_reasons[0].split()[1])
    assert 0.5 < share <= 1.0 and model_reasons[0].endswith(" negative")
