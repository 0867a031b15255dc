"""The digest's "answered on the network": slots, the tally's counts, the report."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.digest.aggregates import bucket
from chalicelib.digest.answering import report, slot
from chalicelib.digest.tally import AlertTally
from chalicelib.digest.toplists import TopLists
from chalicelib.model import Alert, Author, Mention
from chalicelib.store import day_counters, keys
from chalicelib.store.memory import MemoryTable

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2026-11-23T12:00", "day"),  # a Monday
        ("2026-11-23T07:00", "day"),
        ("2026-11-23T18:00", "evening"),
        ("2026-11-23T22:59", "evening"),
        ("2026-11-23T23:00", "night"),
        ("2026-11-24T06:59", "night"),
        ("2026-11-28T12:00", "weekend"),  # a Saturday
        ("2026-11-29T23:30", "weekend"),
    ],
)
def test_the_slot_of_a_post_is_its_local_time(local, expected):
    assert slot(datetime.fromisoformat(local).replace(tzinfo=AMS)) == expected


def test_the_report_tells_share_within_target_and_the_replies_per_band_and_slot():
    stats = {
        "answer.cases.high.evening": 4,
        "answer.met.high.evening": 3,
        f"reply.high.evening#{bucket(300)}": 2,
        f"reply.high.evening#{bucket(3600)}": 1,
        "answer.cases.medium.day": 2,
        "answered.via#product": 2,
        "answered.via#network": 1,
    }
    answered = report(stats)
    (evening, day) = sorted(answered.rows, key=lambda r: r.band)
    assert (evening.band, evening.slot, evening.cases, evening.within) == ("high", "evening", 4, 3)
    assert evening.share == 0.75 and evening.name == "evenings 18–23"
    assert evening.reply.n == 3 and evening.reply.median is None  # under 10: the values
    assert [round(v / 300, 1) for v in evening.reply.values[:2]] == [1.0, 1.0]
    assert (day.band, day.cases, day.within, day.share) == ("medium", 2, 0, 0.0)
    assert (answered.in_product, answered.outside, answered.answered) == (2, 1, 3)


def _case(posted_local: str, answered_after: timedelta | None, via: str = "network"):
    posted = datetime.fromisoformat(posted_local).replace(tzinfo=AMS)
    utc = posted.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
    mention = Mention("x", "7", "", Author("1", "a"), "t", utc, "2026-11-23T18:00:05Z")
    answered_at = (
        (posted + answered_after).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
        if answered_after
        else None
    )
    alert = Alert(
        id="alert:x:7", kind="mention", recipient="ann", created_at=mention.created_at,
        subject="", body="", mention_id=mention.id, rules={"band": "high"},
        answered_at=answered_at, answered_via=via if answered_after else None,
    )  # fmt: skip
    return alert, mention


def test_the_tally_counts_a_case_and_its_first_reply_once():
    state = MemoryTable()
    tally = AlertTally(state, TopLists(state), None, "Europe/Amsterdam", targets={"high": 15})
    alert, mention = _case("2026-11-23T19:00", None)
    state.put_new(keys.alert(alert.id), alert.to_dict())
    tally.sync(alert, mention, created=True)
    answered, _ = _case("2026-11-23T19:00", timedelta(minutes=12))
    assert tally.sync(answered, mention) == ["answered"]
    assert tally.sync(answered, mention) == []  # told twice: counted once
    stats = day_counters(state, "2026-11-23")
    assert stats["answer.cases.high.evening"] == 1
    assert stats["answer.met.high.evening"] == 1  # 12 minutes, target 15
    assert stats[f"reply.high.evening#{bucket(720)}"] == 1
    assert stats["answered.via#network"] == 1 and stats["alerts#answered"] == 1
