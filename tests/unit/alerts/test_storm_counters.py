"""Storm control's bucket counters: one small item per 5 minutes, however varied a storm's
posts, read back only as far as the spike rule's window, and gone after two days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.alerts.paging.storm import KEEP_BUCKETS, THEMED, THEMED_PER_BUCKET, Storm
from chalicelib.model import Alert
from chalicelib.store import MemoryTable, keys
from chalicelib.triage.rising import THEME_COUNTER

NOW = datetime(2026, 11, 23, 10, 2, tzinfo=UTC)


def storm(state: MemoryTable) -> Storm:
    # count() and the spike rule read and write the state table only
    none: Any = None
    return Storm(state=state, records=none, team=none, delivery=none, timezone="UTC", routing={})


def negative(n: int, text: str) -> Alert:
    return Alert(
        id=f"alert:x:{n}",
        kind="mention",
        recipient="ann",
        created_at="2026-11-23T10:00:00Z",
        subject="s",
        body="b",
        card={"excerpt": text, "lang": "en"},
    )


def themes_of(item: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in item.items() if k.startswith(THEME_COUNTER)}


def test_a_storm_of_varied_posts_keeps_its_bucket_small_and_its_count_exact():
    state = MemoryTable()
    counters = storm(state)
    # GIVEN 120 negative posts in one 5-minute bucket, each with a hashtag of its own
    for n in range(120):
        counters.count(negative(n, f"Storing again #{n}"), NOW)
    # THEN every post is counted and paged, but only the first 50 gave their themes
    item = state.get(keys.negatives_counter("2026-11-23T10:00"))
    assert item is not None
    assert item["count"] == 120 and item["pages#ann"] == 120
    assert item[THEMED] == THEMED_PER_BUCKET
    # ("Storing" is the configured topic "outage": one topic, not the word and the kind)
    assert themes_of(item)["t#outage"] == THEMED_PER_BUCKET and "t#storing" not in item
    assert len(themes_of(item)) <= 3 * THEMED_PER_BUCKET  # was one more attribute a post
    # AND it expires two days on (its themes are words of posts)
    assert item["expires_at"] == int((NOW + KEEP_BUCKETS).timestamp())


def test_the_container_that_found_the_themes_sampled_writes_once_a_post_after_it():
    state = MemoryTable()
    counters = storm(state)
    for n in range(THEMED_PER_BUCKET):
        counters.count(negative(n, "Storing again"), NOW)
    writes = state.writes
    # WHEN three more posts come in the same bucket
    for n in range(3):
        counters.count(negative(100 + n, "Storing again"), NOW)
    # THEN the first tries with its themes and is refused, then each writes once
    assert state.writes - writes == 2 + 1 + 1
    # AND the next bucket counts themes again
    counters.count(negative(200, "Storing again"), NOW + timedelta(minutes=5))
    assert state.get(keys.negatives_counter("2026-11-23T10:05"))[THEMED] == 1


def test_a_spike_in_a_storm_names_its_theme_with_the_count_scaled_to_every_post():
    state = MemoryTable()
    counters = storm(state)
    # GIVEN a quiet morning, then 200 complaints about a "storing" (the topic "outage")
    for n in range(200):
        counters.count(negative(n, f"Storing again #{n}"), NOW + timedelta(seconds=3 * n))
    # WHEN the spike rule looks at the last 15 minutes
    verdict = counters._spike_verdict(NOW + timedelta(minutes=11))
    # THEN it is a spike, and its reason counts the theme in all 200 posts, not the sample
    assert verdict.is_spike
    assert "200 negative mentions in 15 min" in verdict.reason
    assert "outage 200 (usually 0.0)" in verdict.reason


def test_the_spike_rule_reads_the_windows_buckets_not_the_whole_day():
    state = MemoryTable()
    counters = storm(state)
    # GIVEN a negative post every 5 minutes since midnight
    for n in range(10 * 12 + 1):
        counters.count(negative(n, "Storing"), NOW.replace(hour=0) + timedelta(minutes=5 * n))
    read: list[str] = []
    query = state.query

    def pulled(*args: Any, **kwargs: Any) -> Any:
        for item in query(*args, **kwargs):
            read.append(item["sk"])
            yield item

    state.query = pulled  # type: ignore[method-assign]
    # WHEN the spike rule runs at 10:02
    verdict = counters._spike_verdict(NOW)
    # THEN it read the 27 buckets of its nine 15-minute windows, and one more to stop
    assert len(read) == 27 + 1
    assert min(read) == "2026-11-23T07:45" and verdict.count == 3
