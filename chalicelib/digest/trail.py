"""Minus -> plus: who complained on which day, kept per author at ingest. Pure but `sweep`.

Each negative mention adds, in its own conditional transaction (`ingest.day_counts`), to
its author's entry in the week's trail item (`keys.trail(week, author)`, one of
`keys.TRAIL_BUCKETS` per ISO week of the team's calendar):

    e#<source>:<author id>  Σ 100000^weekday over the author's negative posts that week
                            (local Monday = 0): the count per day in one number, so a
                            counter in the mention's transaction keeps it exactly once,
                            at no extra request, and erasure removes it by name
    e#<mention id>          the case of one of those posts that paged (the tally sets it):
                            author, time, excerpt, reach, alert id — a turnaround's "before"

A positive post then costs the three week items that cover the window, fetched for the
whole triage batch at once (BatchGetItem). Days are the team's local calendar days, so
DST and midnight need no care: a complaint on day X is followed within the window by a
positive post on day Y when X <= Y <= X + window days (on X itself only after it).
The weekly job deletes the items of weeks that have left the window (`sweep`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from .. import untrusted
from ..model import Alert, Mention
from ..store import StateTable, keys
from ..store.keys import Key

WEEKDAY_BASE = 100_000  # up to 99,999 negative posts by one author on one day
ENTRY = "e#"
EXCERPT = 200
SWEPT_WEEKS = 3  # weeks before the window's first one that `sweep` clears (a missed run)


def author_key(mention: Mention) -> str:
    return f"{mention.source}:{mention.author.id}"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def window_weeks(day: date, window_days: int) -> list[str]:
    """The ISO weeks of the days [day - window, day], oldest first."""
    first = day - timedelta(days=window_days)
    weeks = []
    at = first - timedelta(days=first.weekday())
    while at <= day:
        weeks.append(iso_week(at))
        at += timedelta(days=7)
    return weeks


def complaint_counts(mention: Mention, day: str) -> dict[Key, dict[str, int]]:
    """What one negative mention adds to its author's trail (an item of `DayCounts`)."""
    if not mention.author.id:
        return {}
    local = date.fromisoformat(day)
    author = author_key(mention)
    return {keys.trail(iso_week(local), author): {ENTRY + author: WEEKDAY_BASE ** local.weekday()}}


def decode(value: int, week: str) -> dict[date, int]:
    """Negative posts per local day from an author's entry of one week."""
    out = {}
    start = monday(week)
    for weekday in range(7):
        value, count = divmod(value, WEEKDAY_BASE)
        if count:
            out[start + timedelta(days=weekday)] = count
    return out


def trail_keys(authors: Iterable[str], day: date, window_days: int) -> set[Key]:
    weeks = window_weeks(day, window_days)
    return {keys.trail(week, author) for author in authors for week in weeks}


def complaints(
    items: Mapping[Key, Mapping[str, Any]], author: str, day: date, window_days: int
) -> dict[date, int]:
    """The author's negative posts per day in [day - window, day], from the items read."""
    out: dict[date, int] = {}
    for week in window_weeks(day, window_days):
        value = (items.get(keys.trail(week, author)) or {}).get(ENTRY + author)
        if isinstance(value, int | float) and value > 0:
            for when, count in decode(int(value), week).items():
                if day - timedelta(days=window_days) <= when <= day:
                    out[when] = count
    return out


def cases(items: Mapping[Key, Mapping[str, Any]], author: str) -> list[dict[str, Any]]:
    """The author's paged complaints (their "before"), newest first, from the items read."""
    found = [
        dict(value)
        for item in items.values()
        for name, value in item.items()
        if name.startswith(ENTRY) and isinstance(value, dict) and value.get("author") == author
    ]
    return sorted(found, key=lambda case: str(case.get("created_at", "")), reverse=True)


def case_entry(alert: Alert, mention: Mention) -> tuple[str, dict[str, Any]]:
    """The attribute and value that remember a paged complaint on its author's trail."""
    text = " ".join(mention.text.split())
    return ENTRY + mention.id, {
        "author": author_key(mention),
        "id": mention.id,
        "alert_id": alert.id,
        "source": mention.source,
        "handle": mention.author.handle,
        "name": mention.author.name,
        "followers": int(mention.author.followers or 0),
        "text": text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…",
        "url": untrusted.link(mention.url),
        "created_at": mention.created_at,
    }


def remember_case(state: StateTable, alert: Alert, mention: Mention, day: str) -> bool:
    """Put a paged complaint on its author's trail item (made by the mention's transaction)."""
    if not mention.author.id:
        return False
    name, value = case_entry(alert, mention)
    key = keys.trail(iso_week(date.fromisoformat(day)), author_key(mention))
    return state.update(key, {name: value})


def sweep(state: StateTable, today: date, window_days: int) -> int:
    """Delete the trail items of weeks that have left the window; the number deleted.

    Deleting a missing item is harmless, so this may run any number of times: it takes the
    `SWEPT_WEEKS` weeks before the oldest one still needed.
    """
    oldest = monday(window_weeks(today, window_days)[0])
    deleted = 0
    for back in range(1, SWEPT_WEEKS + 1):
        week = iso_week(oldest - timedelta(days=7 * back))
        for bucket in range(keys.TRAIL_BUCKETS):
            key = keys.trail_bucket_key(week, bucket)
            if state.get(key) is not None:
                state.delete(key)
                deleted += 1
    return deleted
