"""A review's stars are part of its judgement (triage/stars.py), through `judge`.

Texts written for the test (the review shapes of realdata/reviews/ carry no Dutch text)."""

from __future__ import annotations

import pytest

from chalicelib.model import Author, Mention
from chalicelib.triage import judge, should_alert


def review(text: str, rating: int | None, lang: str = "nl") -> Mention:
    return Mention(
        source="app_store",
        native_id="r1",
        url="",
        author=Author(id="Anne", handle="Anne"),
        text=text,
        created_at="2026-12-07T07:00:00Z",
        received_at="2026-12-07T07:01:00Z",
        lang=lang,
        rating=rating,
    )


@pytest.mark.parametrize("text", ["Werkt.", "Ik gebruik de app elke dag."])
def test_one_star_with_neutral_words_is_negative_and_alerts(text):
    judged = judge(review(text, 1))
    assert judged.sentiment is not None
    assert (judged.sentiment.label, judged.sentiment.score) == ("negative", -0.7)
    assert judged.reasons[0] == "rating: 1 star"
    assert judged.priority == 31.5  # 45 x 0.70: an alert (threshold 25), low band
    assert should_alert(judged)
    # the same words without stars page nobody
    assert not should_alert(judge(review(text, None)))


def test_two_stars_are_negative_without_paging_on_their_own():
    judged = judge(review("Prima app", 2))
    assert judged.sentiment is not None
    assert (judged.sentiment.label, judged.sentiment.score) == ("negative", -0.45)
    assert judged.reasons[0] == "rating: 2 stars"
    assert not should_alert(judged)


def test_five_stars_with_a_complaint_are_still_a_complaint():
    judged = judge(review("Top app, maar ik kan niet inloggen sinds de update.", 5))
    assert judged.sentiment is not None and judged.sentiment.label == "negative"
    assert judged.sentiment.score <= -0.3
    assert judged.reasons[0] == "complaint despite 5 stars"
    assert "complaint: kan niet inloggen" in judged.reasons
    # without the stars the same words read as praise
    plain = judge(review("Top app, maar ik kan niet inloggen sinds de update.", None))
    assert plain.sentiment is not None and plain.sentiment.label == "positive"


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_three_stars_and_up_let_happy_words_decide(rating):
    judged = judge(review("Geweldige app, werkt perfect!", rating))
    unrated = judge(review("Geweldige app, werkt perfect!", None))
    assert judged.sentiment == unrated.sentiment
    assert judged.sentiment is not None and judged.sentiment.label == "positive"
    assert judged.reasons == unrated.reasons


def test_stars_never_lift_a_negative_review():
    words = "App crasht sinds de update, ik kan niet inloggen. Storing?"
    one = judge(review(words, 1))
    assert one.sentiment is not None and one.sentiment.score == -1.0
    assert "urgency: outage" in one.reasons


def test_a_rating_outside_one_to_five_is_refused():
    with pytest.raises(ValueError, match=r"1\.\.5 stars"):
        review("x", 6)
