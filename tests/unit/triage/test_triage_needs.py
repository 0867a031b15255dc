"""What the customer needs, beside sentiment: complaint, request for help, question,
praise, other, in English and Dutch, through the production path (no language tag)."""

from __future__ import annotations

import pytest

from chalicelib.triage import classify, should_alert


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("@brand please help, bag never arrived", "complaint"),
        ("26 minutes on hold now", "complaint"),
        ("waiting at the airport for 24h", "complaint"),
        ("Cancelled, moved to another flight", "complaint"),
        ("You charged me twice this month", "complaint"),
        ("Wanneer komt de monteur nou eindelijk?? Al 3 dagen zonder stroom", "complaint"),
        ("mijn afspraak met de monteur is zomaar geannuleerd", "complaint"),
        ("Top service van Voltera, echt niet", "complaint"),
        ("Hi, could you please check my order? Thanks a lot!", "help"),
        ("Kunnen jullie mij helpen met mijn factuur?", "help"),
        ("How do I cancel my subscription?", "question"),
        ("What is the best way to contact support", "question"),
        ("Hoi, hoe laat gaan jullie open?", "question"),
        ("Thanks so much, the engineer fixed it today!", "praise"),
        ("Super snel geholpen, bedankt!", "praise"),
        ("Drove by an office park on MoPac.", "other"),
        ("Pakket is net binnen", "other"),
    ],
)
def test_what_the_customer_needs(text: str, need: str) -> None:
    sentiment = classify(text).sentiment
    assert sentiment is not None and sentiment.need == need, sentiment


@pytest.mark.parametrize(
    "text",
    [
        "@brand please help, bag never arrived",
        "@airline hi, my refund still hasn't come through, could you please check? thanks",
        "Hi, could you please check my order? Thanks a lot!",
        "Lieve mensen, graag hulp, mijn pakket is nog steeds niet aangekomen. Dank!",
        "Top service van Voltera, echt niet",
        "Great service, not!",
    ],
)
def test_a_complaint_or_request_for_help_is_never_positive_whatever_its_polite_words(
    text: str,
) -> None:
    sentiment = classify(text).sentiment
    assert sentiment is not None and sentiment.label != "positive", sentiment


def test_a_polite_complaint_pages_and_its_reason_names_the_words() -> None:
    judged = classify("@brand please help, bag never arrived")
    assert should_alert(judged)
    assert "complaint: never arrived" in judged.reasons
    assert judged.priority >= 40  # it asks us: at least the medium band


def test_the_demo_s_dutch_question_about_the_engineer_pages_as_a_complaint() -> None:
    judged = classify("Wanneer komt de monteur nou eindelijk?? Al 3 dagen zonder stroom")
    assert judged.sentiment is not None and judged.sentiment.need == "complaint"
    assert should_alert(judged) and judged.priority >= 40
    (reason,) = [r for r in judged.reasons if r.startswith("complaint: ")]
    assert "zonder stroom" in reason and "eindelijk" in reason


def test_a_question_about_the_customer_s_own_case_is_at_least_the_medium_band() -> None:
    own = classify("How do I cancel my subscription?")
    assert own.priority >= 40
    assert "question about their own case: how do i cancel my subscription" in own.reasons
    # a question to the brand about nothing of their own stays where its words put it
    general = classify("What is the best way to contact support")
    assert general.priority < 25 and not should_alert(general)
    # a question is not a complaint: it does not page on its own
    assert not should_alert(own)


def test_a_happy_text_keeps_its_label_against_a_complaint_rule_it_does_not_ask_about() -> None:
    # the rules that say "again" or "not working" also match happy chatter; without a
    # request for help or irony the praise stands
    for text in ("Congrats for the 6th time!", "facebook isn't working is trending lol :D"):
        sentiment = classify(text).sentiment
        assert sentiment is not None and sentiment.label != "negative", text


def test_a_review_that_wonders_aloud_does_not_ask_us() -> None:
    review = (
        "Wat een drama. Ik ben nu bezig in het tweede deel van het boek en worstel me er "
        "dapper doorheen. Mijn instelling is namelijk, begonnen aan een boek? dan lees ik "
        "het ook uit, hoe saai het ook is, want misschien wordt het nog beter en dat wil ik "
        "dan niet missen, maar tot nu toe is het vooral heel erg langdradig en traag."
    )
    assert all(not r.startswith("asks us") for r in classify(review).reasons)


def test_the_learned_layer_cannot_invert_a_complaint_nor_make_a_weak_post_positive() -> None:
    from chalicelib.triage.model import Blend, LinearModel
    from chalicelib.triage.sentiment import assess

    # GIVEN a learned layer sure that everything is fine (p(negative) ~ 0)
    cheerful = LinearModel("en", {}, bias=-20.0, blend=Blend(0.1, 1.0, 0.1, 0.4))

    def models(lang: str) -> LinearModel | None:
        return cheerful if lang == "en" else None

    # THEN a complaint stated as fact stays a complaint, and negative
    complaint = assess("@brand please help, bag never arrived", "en", models=models)
    assert complaint.sentiment.label == "negative" and complaint.need.kind == "complaint"
    # AND a post the lexicon finds nothing in is neutral, not positive
    weak = assess("Pizza time.", "en", models=models)
    assert weak.sentiment.label == "neutral" and weak.sentiment.score == 0.0
