"""The grouping rules: what a post's cause is, which towns it names, when it stands apart."""

from __future__ import annotations

import pytest

from chalicelib.alerts.paging.incidents import Cause, cause_of, places_in, same_place, stands_apart
from chalicelib.model import Author, Mention, Sentiment


def mention(
    text: str, reasons: tuple[str, ...], *, label: str = "negative", priority: float = 70.0
) -> Mention:
    return Mention(
        source="x",
        native_id="1",
        url="",
        author=Author("1", "a", "A", 10),
        text=text,
        created_at="2026-11-23T09:00:00Z",
        received_at="2026-11-23T09:00:00Z",
        sentiment=Sentiment(-0.5 if label == "negative" else 0.5, label, "test"),
        priority=priority,
        reasons=reasons,
    )


def test_an_outage_is_a_shared_cause_with_the_towns_it_names():
    post = mention(
        "Storing bij Voltera: duizenden klanten in Utrecht en Amersfoort zonder internet.",
        ("complaint: storing", "urgency: outage"),
    )
    assert cause_of(post) == Cause("outage", ("amersfoort", "utrecht"))
    assert Cause("outage", ("amersfoort", "utrecht")).label == "outage Amersfoort, Utrecht"


@pytest.mark.parametrize(
    ("reasons", "label"),
    [
        (("urgency: refund",), "negative"),  # one customer's own story
        (("urgency: cancel",), "negative"),
        ((), "negative"),
        (("urgency: outage",), "positive"),  # "the outage was fixed fast, thanks!"
    ],
)
def test_refunds_cancellations_and_positive_posts_are_cases_of_their_own(reasons, label):
    assert cause_of(mention("Storing", reasons, label=label)) is None


def test_the_first_shared_kind_among_the_urgencies_is_the_cause():
    post = mention("Outage again. Cancelling.", ("urgency: cancel", "urgency: outage"))
    assert cause_of(post) == Cause("outage", ())


def test_places_are_whole_words_and_two_word_towns_count():
    assert places_in("Storing in Den Haag en Gent") == ("den-haag", "gent")
    assert places_in("Utrechtse storing, Gentse klanten") == ()


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        ((), (), True),
        (("amersfoort",), (), True),
        ((), ("zwolle",), True),
        (("amersfoort", "utrecht"), ("amersfoort",), True),
        (("amersfoort",), ("zwolle",), False),
    ],
)
def test_places_contradict_only_when_both_name_towns_and_share_none(ours, theirs, same):
    assert same_place(ours, theirs) is same


def test_a_watch_list_author_or_a_priority_25_above_the_incident_stands_apart():
    assert stands_apart(mention("x", ("watch-list author @nos",)), 60.0) == "watch-list author"
    assert stands_apart(mention("x", (), priority=85.0), 60.0) == "priority 85, incident 60"
    assert stands_apart(mention("x", (), priority=84.0), 60.0) == ""


def test_an_incident_is_named_in_the_readers_language_and_a_declared_one_as_written():
    from chalicelib.alerts.paging.incidents.causes import label_of
    from chalicelib.i18n import Lang

    outage = Cause("outage", ("amersfoort", "den-haag"))
    assert outage.label_in(Lang("nl")) == "storing Amersfoort, Den Haag"
    assert outage.label_in(Lang("en")) == "outage Amersfoort, Den Haag"
    raw = {"cause": "outage", "places": ["utrecht"], "card": {"label": "storing Utrecht"}}
    assert label_of(raw, Lang("en")) == "outage Utrecht"
    declared = {**raw, "declared": True, "card": {"label": "Storing glasvezel Noord"}}
    assert label_of(declared, Lang("en")) == "Storing glasvezel Noord"


@pytest.mark.parametrize("code", ["nl", "en"])
def test_an_incident_update_is_one_gsm7_segment_in_either_language(code: str):
    from chalicelib.alerts.paging import sms
    from chalicelib.alerts.paging.incidents.updates import update_text
    from chalicelib.i18n import Lang

    label = Cause("outage", ("bergen-op-zoom", "hilversum", "sint-niklaas")).label_in(Lang(code))
    text = update_text(label, 1234, 2_345_678, 118, Lang(code))
    composed = sms.compose(text, "https://desk.example.com/c/" + "x" * 22)
    measured = sms.measure(composed)
    assert (measured.encoding, measured.segments) == ("GSM-7", 1)
    assert composed.endswith("https://desk.example.com/c/" + "x" * 22)
