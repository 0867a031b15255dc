"""Day aggregates: local days across DST changes, hourly keys, duration histograms."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from chalicelib.digest import aggregates
from chalicelib.digest.ingest import day_counts
from chalicelib.model import Author, Mention, Sentiment
from chalicelib.store import keys

TZ = "Europe/Amsterdam"


def mention(created_at: str, label: str = "negative", themes: tuple[str, ...] = ()) -> Mention:
    return Mention(
        source="x",
        native_id=created_at,
        url="https://x.example/1",
        author=Author(id="1", handle="a", followers=1200),
        text="t",
        created_at=created_at,
        received_at=created_at,
        lang="nl",
        sentiment=Sentiment(-0.8 if label == "negative" else 0.6, label, "test"),
        themes=themes,
    )


def test_spring_change_day_has_23_hours_and_skips_two_oclock():
    hours = aggregates.day_hours(date(2026, 3, 29), TZ)
    labels = [h.label for h in hours]
    assert len(hours) == 23
    assert "02:00" not in labels and labels[:3] == ["00:00", "01:00", "03:00"]


def test_autumn_change_day_has_25_hours_with_two_oclock_twice():
    hours = aggregates.day_hours(date(2026, 10, 25), TZ)
    labels = [h.label for h in hours]
    assert len(hours) == 25
    assert labels[2:4] == ["02:00", "02:00 (2nd)"]
    assert len({h.key for h in hours}) == 25  # UTC keys stay unique


def test_an_ordinary_day_has_24_hours():
    assert len(aggregates.day_hours(date(2026, 11, 22), TZ)) == 24


@pytest.mark.parametrize(
    ("created_at", "day"),
    [
        # spring: local midnight is 23:00Z the day before (CET), the next one 22:00Z (CEST)
        ("2026-03-28T22:59:59Z", "2026-03-28"),
        ("2026-03-28T23:00:00Z", "2026-03-29"),
        ("2026-03-29T21:59:59Z", "2026-03-29"),
        ("2026-03-29T22:00:00Z", "2026-03-30"),
        # autumn: local midnight is 22:00Z the day before (CEST), the next one 23:00Z (CET)
        ("2026-10-24T21:59:59Z", "2026-10-24"),
        ("2026-10-24T22:00:00Z", "2026-10-25"),
        ("2026-10-25T22:59:59Z", "2026-10-25"),
        ("2026-10-25T23:00:00Z", "2026-10-26"),
    ],
)
def test_a_post_counts_on_the_teams_local_day_across_dst_changes(created_at: str, day: str):
    assert day_counts(mention(created_at), TZ).day == day


def test_every_hourly_counter_of_a_dst_day_is_one_of_its_hours():
    day = date(2026, 10, 25)
    keys = {h.key for h in aggregates.day_hours(day, TZ)}
    start, end = aggregates.day_bounds(day, TZ)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 25 * 3600
    for minute in range(0, 25 * 60, 7):
        at = start.timestamp() + minute * 60
        stamp = f"{datetime.fromtimestamp(at, UTC):%Y-%m-%dT%H:%M:%SZ}"
        counts = day_counts(mention(stamp), TZ)
        assert counts.day == "2026-10-25"
        (hour,) = [k for k in counts.counts if k.startswith("h#")]
        assert hour[2:] in keys


def test_negative_post_counts_its_author_on_the_trail_a_positive_does_not():
    negative = day_counts(mention("2026-11-22T10:00:00Z", themes=("#storing", "monteur")), TZ)
    positive = day_counts(mention("2026-11-22T10:00:00Z", "positive", ("#storing",)), TZ)
    # (themes are not in the transaction: the day's theme tally counts them, ingest.THEMES)
    assert negative.items == {
        # Sunday 22 November is day 6 of ISO week 47 on the author's trail
        keys.trail("2026-W47", "x:1"): {"e#x:1": 100_000**6},
    }
    assert positive.items == {}
    assert negative.counts["hn#2026-11-22T10"] == 1 and "hn#2026-11-22T10" not in positive.counts
    assert negative.counts["reach#negative"] == 1200


def test_histogram_percentiles_are_within_five_percent_of_the_exact_ones():
    rng = random.Random(5)
    seconds = [rng.lognormvariate(6.5, 1.1) for _ in range(3000)]
    histogram: dict[int, int] = {}
    for s in seconds:
        histogram[aggregates.bucket(s)] = histogram.get(aggregates.bucket(s), 0) + 1
    for fraction in (0.5, 0.9):
        exact = aggregates.exact_percentile(seconds, fraction)
        estimate = aggregates.percentile(histogram, fraction)
        assert exact is not None and estimate is not None
        assert abs(estimate - exact) / exact < 0.05


def test_an_empty_histogram_has_no_percentile():
    assert aggregates.percentile({}, 0.5) is None
