"""Priority: explainable points from negativity, reach, urgency words and the watch list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.model import Author, Engagement, Mention, Sentiment, iso
from chalicelib.triage import judge, should_alert
from chalicelib.triage.priority import prioritise
from chalicelib.triage.urgency import urgency_kinds

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NEGATIVE = Sentiment(-0.6, "negative", "vader-en")


def mention(
    text: str = "This is bad",
    *,
    followers: int = 0,
    handle: str = "someone",
    engagement: Engagement | None = None,
    age: timedelta = timedelta(minutes=5),
    lang: str | None = None,
) -> Mention:
    return Mention(
        source="x",
        native_id="1",
        url="https://x.com/someone/status/1",
        author=Author(id="42", handle=handle, followers=followers),
        text=text,
        created_at=iso(NOW - age),
        received_at=iso(NOW),
        lang=lang,
        engagement=engagement or Engagement(),
    )


def test_every_point_comes_with_a_reason() -> None:
    result = prioritise(
        mention("I want a refund or I call my lawyer", followers=12_300),
        NEGATIVE,
        watchlist=frozenset({"someone"}),
    )
    assert result.reasons == (
        "negative sentiment -0.60",
        "urgency: legal",
        "urgency: refund",
        "reach: 12.3k followers",
        "watch-list author @someone",
    )


def test_more_reach_means_more_priority() -> None:
    small = prioritise(mention(followers=50), NEGATIVE).score
    large = prioritise(mention(followers=500_000), NEGATIVE).score
    assert large > small


def test_engagement_counts() -> None:
    quiet = prioritise(mention(), NEGATIVE).score
    busy = prioritise(mention(engagement=Engagement(likes=300, replies=40, reposts=50)), NEGATIVE)
    assert busy.score > quiet
    assert any(reason.startswith("engagement:") for reason in busy.reasons)


def test_watchlist_matches_handle_without_at_and_ignoring_case() -> None:
    result = prioritise(mention(handle="NOS"), NEGATIVE, watchlist=frozenset({"@nos"}))
    assert "watch-list author @NOS" in result.reasons


def test_an_old_post_weighs_half() -> None:
    fresh = prioritise(mention(), NEGATIVE, now=NOW).score
    stale = prioritise(mention(age=timedelta(days=3)), NEGATIVE, now=NOW)
    assert stale.score == round(fresh * 0.5, 1)
    assert "old post: 3d ago" in stale.reasons


def test_priority_stays_within_zero_and_a_hundred() -> None:
    text = "fraud! cancel! lawyer! outage! refund! dangerous!"
    result = prioritise(
        mention(text, followers=10**8, engagement=Engagement(likes=10**6)),
        Sentiment(-1.0, "negative", "vader-en"),
        ("still waiting",),
        watchlist=frozenset({"someone"}),
    )
    assert result.score == 100.0


def test_urgency_words_in_both_languages() -> None:
    assert urgency_kinds("ik wil mijn geld terug, dit is oplichting") == ("fraud", "refund")
    assert urgency_kinds("I'll cancel, the app is down") == ("cancel", "outage")
    assert urgency_kinds("what a lovely brand") == ()


def test_judge_fills_in_everything_the_pipeline_stores() -> None:
    judged = judge(mention("al drie dagen storing #fail", followers=2_000), now=NOW)
    assert judged.lang == "nl"
    assert judged.sentiment is not None and judged.sentiment.analyzer == "lexicon-nl"
    assert judged.is_negative and judged.priority > 0
    assert judged.reasons[0].startswith("negative sentiment")
    assert "#fail" in judged.themes


def test_a_mild_negative_from_a_nobody_does_not_page() -> None:
    judged = judge(mention("the new app is a bit disappointing", lang="en"), now=NOW)
    assert judged.is_negative
    assert not should_alert(judged)


def test_the_threshold_can_be_chosen() -> None:
    judged = judge(mention("this is terrible", lang="en"), now=NOW)
    assert should_alert(judged, min_priority=0)
    assert not should_alert(judged, min_priority=99)


def test_a_bad_timestamp_costs_no_priority_and_raises_nothing() -> None:
    bad = mention().with_(created_at="yesterday-ish")
    assert prioritise(bad, NEGATIVE, now=NOW) == prioritise(mention(), NEGATIVE)
