from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.model import Author, Engagement, Mention, Sentiment, iso, parse_time


def mention(**changes) -> Mention:
    base = Mention(
        source="x",
        native_id="123",
        url="https://x.com/i/status/123",
        author=Author(id="9", handle="jan", name="Jan", followers=1200),
        text="Nog steeds geen reactie",
        created_at="2026-11-22T08:15:00Z",
        received_at="2026-11-22T08:15:03Z",
    )
    return base.with_(**changes)


def test_id_is_source_and_native_id_so_poll_and_webhook_agree():
    assert mention().id == "x:123"


def test_round_trip_through_a_dict_keeps_every_field():
    original = mention(
        lang="nl",
        engagement=Engagement(likes=3, replies=1, reposts=2, score=0),
        matched_terms=("voltera",),
        sentiment=Sentiment(score=-0.61, label="negative", analyzer="pattern-nl"),
        priority=71.5,
        reasons=("negative sentiment -0.61", "reach: 1.2k followers"),
        themes=("storing",),
        status="alerted",
        expires_at=1_800_000_000,
    )
    data = original.to_dict()
    assert data["id"] == "x:123"
    assert Mention.from_dict(data) == original


def test_judged_equals_with_for_triage_fields_and_keeps_every_other_field():
    # GIVEN a mention with every field set away from its default
    original = mention(
        lang="und",
        engagement=Engagement(likes=3, replies=1, reposts=2, score=4),
        matched_terms=("voltera",),
        in_reply_to="x:122",
        sentiment=Sentiment(score=0.1, label="neutral", analyzer="old"),
        priority=1.5,
        reasons=("old",),
        themes=("old",),
        status="alerted",
        expires_at=1_800_000_000,
        by_brand=True,
        rating=2,
    )
    # (a new Mention field must be added above, or judged() may drop it unnoticed)
    assert {f.name for f in fields(Mention)} == set(original.to_dict()) - {"id"}
    defaults = Mention("y", "1", "", Author(id="1", handle="h"), "", "", "")
    assert all(getattr(original, f.name) != getattr(defaults, f.name) for f in fields(Mention))
    verdict = {
        "lang": "nl",
        "sentiment": Sentiment(score=-0.61, label="negative", analyzer="lexicon-nl"),
        "priority": 71.5,
        "reasons": ("negative sentiment -0.61",),
        "themes": ("storing",),
    }
    # WHEN triage's verdict is filled in THEN it is what with_() gives
    assert original.judged(**verdict) == original.with_(**verdict)


def test_from_dict_accepts_numbers_as_dynamodb_returns_them():
    data = mention().to_dict()
    data["author"]["followers"] = 1200.0
    data["priority"] = 12
    assert Mention.from_dict(data).author.followers == 1200


@pytest.mark.parametrize(
    "bad", [{"source": "a:b"}, {"source": ""}, {"native_id": ""}, {"status": "lost"}]
)
def test_invalid_mentions_are_refused(bad):
    with pytest.raises(ValueError):
        mention(**bad)


def test_parse_time_reads_iso_with_offset_and_epoch_millis():
    assert parse_time("2026-11-22T09:15:00+01:00") == datetime(2026, 11, 22, 8, 15, tzinfo=UTC)
    assert parse_time(1763799300000) == datetime(2025, 11, 22, 8, 15, tzinfo=UTC)
    assert parse_time("1763799300") == datetime(2025, 11, 22, 8, 15, tzinfo=UTC)


def test_parse_time_refuses_a_timestamp_without_zone():
    with pytest.raises(ValueError):
        parse_time("2026-11-22T08:15:00")


def test_iso_is_utc_with_z_and_refuses_naive_datetimes():
    amsterdam = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 11, 22, 9, 15, tzinfo=amsterdam)) == "2026-11-22T08:15:00Z"
    with pytest.raises(ValueError):
        iso(datetime(2026, 11, 22, 9, 15))
