"""Spikes: negative volume in a window against its baseline, with a cooldown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.model import Author, Mention, Sentiment, iso
from chalicelib.triage.spikes import SpikePolicy, check_mentions, window_counts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = SpikePolicy(window=timedelta(minutes=15), baseline_windows=4, factor=3, min_count=5)


def negative(native_id: int, minutes_ago: float, priority: float = 10.0) -> Mention:
    at = iso(NOW - timedelta(minutes=minutes_ago))
    return Mention(
        source="x",
        native_id=str(native_id),
        url="",
        author=Author(id="1", handle="a"),
        text="storing",
        created_at=at,
        received_at=at,
        sentiment=Sentiment(-0.7, "negative", "lexicon-nl"),
        priority=priority,
    )


def test_a_burst_far_above_baseline_is_a_spike_with_examples() -> None:
    verdict = POLICY.check(
        12, [1, 2, 1, 2], now=NOW, examples=[negative(i, 1, priority=i) for i in range(12)]
    )
    assert verdict.is_spike
    assert (verdict.count, verdict.baseline, verdict.threshold) == (12, 1.5, 5.0)
    assert verdict.examples == ("x:11", "x:10", "x:9")
    assert "12 negative mentions in 15 min" in verdict.reason


def test_a_busy_but_normal_window_is_not_a_spike() -> None:
    assert not POLICY.check(12, [5, 6, 4, 5], now=NOW).is_spike


def test_a_few_posts_on_a_quiet_night_are_not_a_storm() -> None:
    assert not POLICY.check(4, [0, 0, 0, 0], now=NOW).is_spike


def test_within_the_cooldown_no_second_spike() -> None:
    verdict = POLICY.check(20, [1, 1, 1, 1], now=NOW, last_spike_at=NOW - timedelta(minutes=20))
    assert not verdict.is_spike
    assert verdict.reason == "cooling down: last spike alert 20 min ago"
    later = POLICY.check(20, [1, 1, 1, 1], now=NOW, last_spike_at=NOW - timedelta(hours=2))
    assert later.is_spike


def test_window_counts_are_oldest_first_and_ignore_the_future() -> None:
    moments = [NOW - timedelta(minutes=m) for m in (1, 2, 20, 50)] + [NOW + timedelta(minutes=1)]
    assert window_counts(moments, now=NOW, window=timedelta(minutes=15), windows=4) == [
        1,
        0,
        1,
        2,
    ]


def test_check_mentions_counts_only_negative_mentions_in_the_windows() -> None:
    storm = [negative(i, 3) for i in range(8)]
    background = [negative(100 + i, 20 + 15 * i) for i in range(4)]
    calm = storm[0].with_(native_id="calm", sentiment=Sentiment(0.8, "positive", "vader-en"))
    verdict = check_mentions([*storm, *background, calm], now=NOW, policy=POLICY)
    assert verdict.is_spike and verdict.count == 8 and verdict.baseline == 1.0
