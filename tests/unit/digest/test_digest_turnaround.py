"""Minus -> plus at ingest: the trail per author, the window in local calendar days,
once per author per day, across midnight and DST. In memory, through the same functions
the pipeline calls (`ingest.day_counts` in the mention's transaction, then the recorder)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from chalicelib.digest import trail
from chalicelib.digest.ingest import DayRecorder, day_counts
from chalicelib.digest.toplists import TopLists
from chalicelib.digest.turnaround import TURNED, Turnarounds
from chalicelib.model import Alert, Author, Mention, Sentiment, iso
from chalicelib.store import MemoryTable, keys

TZ = "Europe/Amsterdam"
AMS = ZoneInfo(TZ)
_ids = iter(range(10_000))


def post(local: str, label: str, *, author: str = "42", followers: int = 900) -> Mention:
    at = datetime.fromisoformat(local).replace(tzinfo=AMS)
    return Mention(
        source="x",
        native_id=str(next(_ids)),
        url="https://x.example/p",
        author=Author(author, f"user{author}", "User", followers),
        text="Geen internet, slechte service" if label == "negative" else "Top geholpen, dank!",
        created_at=iso(at),
        received_at=iso(at),
        lang="nl",
        sentiment=Sentiment(-0.8 if label == "negative" else 0.8, label, "test"),
    )


class Stack:
    """The state table, and triage's two steps for a batch: transaction, then lists."""

    def __init__(self, window_days: int = 14) -> None:
        self.state = MemoryTable()
        lists = TopLists(self.state)
        self.turnarounds = Turnarounds(self.state, lists, timezone=TZ, window_days=window_days)
        self.recorder = DayRecorder(self.state, lists, TZ, turnarounds=self.turnarounds)
        self.lists = lists

    def ingest(self, *mentions: Mention, redelivered: bool = False) -> None:
        if not redelivered:  # a duplicate's transaction is refused: counted once
            for mention in mentions:
                counts = day_counts(mention, TZ)
                self.state.add(keys.day_stats(counts.day), counts.counts)
                for key, values in counts.items.items():
                    self.state.add(key, values)
        self.recorder.after_insert_many(list(mentions))

    def turned(self, day: str) -> int:
        return int((self.state.get(keys.day_stats(day)) or {}).get("turned", 0))

    def listed(self, day: str) -> list[str]:
        return [e.key for e in self.lists.read(day, TURNED)]


def test_a_complaint_followed_within_the_window_by_praise_turns_its_author_once():
    stack = Stack()
    stack.ingest(post("2026-11-16T10:00", "negative"))
    stack.ingest(post("2026-11-22T09:00", "positive"), post("2026-11-22T15:00", "positive"))
    stack.ingest(post("2026-11-22T18:00", "positive"))
    assert stack.turned("2026-11-22") == 1
    assert stack.listed("2026-11-22") == ["x:42"]
    (entry,) = stack.lists.read("2026-11-22", TURNED)
    assert entry.payload["before"] == {"day": "2026-11-16", "count": 1}
    assert entry.payload["after"]["text"] == "Top geholpen, dank!"


def test_praise_after_midnight_counts_on_the_day_of_the_praise():
    stack = Stack()
    stack.ingest(post("2026-11-21T23:50", "negative"))
    stack.ingest(post("2026-11-22T00:10", "positive"))
    assert stack.turned("2026-11-21") == 0 and stack.turned("2026-11-22") == 1


def test_the_window_is_fourteen_local_calendar_days_across_the_autumn_clock_change():
    # A complaint at 00:30 on Sunday 25 October 2026 local time is Saturday 22:30 UTC; the
    # clocks go back that night. Praise 14 local days later, at 23:00 on 8 November, is
    # inside the window (by UTC days it would be 15 days later); on 9 November it is not.
    stack = Stack()
    stack.ingest(post("2026-10-25T00:30", "negative", author="1"))
    stack.ingest(post("2026-10-25T00:30", "negative", author="2"))
    stack.ingest(post("2026-11-08T23:00", "positive", author="1"))
    stack.ingest(post("2026-11-09T00:30", "positive", author="2"))
    assert stack.turned("2026-11-08") == 1 and stack.turned("2026-11-09") == 0


def test_the_spring_clock_change_day_is_one_day_like_any_other():
    stack = Stack(window_days=1)
    stack.ingest(post("2026-03-28T23:30", "negative"))  # Saturday; 29 March has 23 hours
    stack.ingest(post("2026-03-29T23:30", "positive"))
    assert stack.turned("2026-03-29") == 1


def test_praise_more_than_fourteen_days_after_the_complaint_is_no_turnaround():
    stack = Stack()
    stack.ingest(post("2026-11-01T10:00", "negative"))
    stack.ingest(post("2026-11-16T10:00", "positive"))
    assert stack.turned("2026-11-16") == 0


def test_praise_before_a_complaint_of_the_same_day_is_no_turnaround_also_in_one_batch():
    stack = Stack()
    stack.ingest(post("2026-11-22T09:00", "positive"), post("2026-11-22T10:00", "negative"))
    stack.ingest(post("2026-11-23T09:00", "positive", author="7"))
    assert stack.turned("2026-11-22") == 0
    stack.ingest(post("2026-11-22T11:00", "positive"))  # but after it, it is
    assert stack.turned("2026-11-22") == 1


def test_a_redelivered_batch_counts_nobody_twice():
    stack = Stack()
    complaint, praise = post("2026-11-20T10:00", "negative"), post("2026-11-22T10:00", "positive")
    stack.ingest(complaint)
    stack.ingest(praise)
    stack.ingest(complaint, praise, redelivered=True)
    assert stack.turned("2026-11-22") == 1


def test_the_trail_keeps_a_number_per_author_and_week_that_tells_the_days():
    stack = Stack()
    for local in ("2026-11-16T09:00", "2026-11-16T20:00", "2026-11-22T23:59"):
        stack.ingest(post(local, "negative"))
    item = stack.state.get(keys.trail("2026-W47", "x:42"))
    assert item == {"e#x:42": 2 + 100_000**6}  # Monday twice, Sunday once
    assert trail.decode(item["e#x:42"], "2026-W47") == {
        date(2026, 11, 16): 2,
        date(2026, 11, 22): 1,
    }


def test_a_case_resolved_turned_positive_turns_its_author_once_with_a_post_the_same_day():
    stack = Stack()
    complaint = post("2026-11-20T10:00", "negative")
    stack.ingest(complaint)
    alert = Alert(
        id="alert:x:c",
        kind="mention",
        recipient="ann",
        created_at=complaint.created_at,
        subject="s",
        body="b",
        mention_id=complaint.id,
        state="resolved",
        resolved_at="2026-11-22T08:00:00Z",
        outcome="turned_positive",
        resolution_note="Called back, solved",
    )
    assert stack.turnarounds.from_case(alert, complaint)
    stack.ingest(post("2026-11-22T12:00", "positive"))
    assert stack.turned("2026-11-22") == 1
    (entry,) = stack.lists.read("2026-11-22", TURNED)
    assert entry.payload["via"] == "post"  # the public praise tells it better than the note


def test_an_author_without_an_id_has_no_trail():
    anonymous = post("2026-11-20T10:00", "negative", author="")
    assert trail.complaint_counts(anonymous, "2026-11-20") == {}
