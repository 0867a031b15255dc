"""Minus -> plus: authors whose complaint was followed by a positive post, or whose case
was resolved as "turned_positive". Counted once per author per day, listed by reach.

The rule (docs/digest.md): an author *turned* on local day Y when

* they posted a positive mention on Y and a negative one on a day X with
  Y - window <= X <= Y (on Y itself: before the positive one), the window being
  `Settings.turnaround_days` (14) calendar days in the team's time zone; or
* a case about one of their posts was resolved on Y with the outcome "turned_positive".

Counting: `day_stats(Y).turned` in a transaction that sets the flag ``e#<author>`` on
`keys.day_turned(Y)` (`StateTable.add_once`), so a redelivered batch, a second positive
post or a case and a post on the same day count the author once. The day's `TURNED`
list keeps the highest-reach ones with their before and after, keyed by the author (so
erasure removes them by name). Same-day order across batches is arrival order; a
complaint that arrives after the praise that followed it is not paired.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from ..model import Alert, Mention, parse_time
from ..store import StateTable, keys
from . import aggregates, trail
from .ingest import post_summary
from .toplists import ListSpec, TopLists

TURNED = ListSpec("turned", cap=10, shards=1)
VIA_POST, VIA_CASE = 1.0, 0.0  # a public positive post ranks above a case note


class Turnarounds:
    def __init__(
        self,
        state: StateTable,
        lists: TopLists,
        *,
        timezone: str,
        window_days: int = 14,
        retention: timedelta = timedelta(days=90),
    ) -> None:
        self._state = state
        self._lists = lists
        self._timezone = timezone
        self._window = window_days
        self._retention = retention

    def keys_for(self, mentions: Sequence[Mention]) -> set[keys.Key]:
        """The trail items `after_batch(mentions)` reads: the window's weeks of the
        authors of positive posts."""
        wanted: set[keys.Key] = set()
        for mention in _positives(mentions):
            day = date.fromisoformat(self._day(mention.created_at))
            wanted |= trail.trail_keys([trail.author_key(mention)], day, self._window)
        return wanted

    def after_batch(
        self, mentions: Sequence[Mention], *, read: Mapping[keys.Key, dict[str, Any]] | None = None
    ) -> int:
        """Find and count the turnarounds a triage batch's positive posts make (idempotent);
        `read` holds the trail items (`keys_for`) when the caller fetched them."""
        positives = _positives(mentions)
        if not positives:
            return 0
        days = {m.id: date.fromisoformat(self._day(m.created_at)) for m in positives}
        items = read if read is not None else self._state.get_many(sorted(self.keys_for(mentions)))
        later = _later_negatives(mentions, self._day)
        turned = 0
        for mention in sorted(positives, key=lambda m: m.created_at):
            author, day = trail.author_key(mention), days[mention.id]
            counts = trail.complaints(items, author, day, self._window)
            posted = parse_time(mention.created_at)
            after = sum(1 for at in later.get((author, day), ()) if parse_time(at) > posted)
            counts[day] = counts.get(day, 0) - after  # complaints that came after the praise
            earlier = sorted(d for d, n in counts.items() if n > 0)
            if not earlier:
                continue
            cases = [
                c
                for c in trail.cases(items, author)
                if parse_time(str(c["created_at"])) < posted
                and date.fromisoformat(self._day(str(c["created_at"]))) >= earlier[0]
            ]
            last = earlier[-1]
            before = cases[0] if cases else {"day": last.isoformat(), "count": counts[last]}
            payload = {
                "before": before,
                "after": post_summary(mention),
                "via": "post",
                "complaints": sum(counts[d] for d in earlier),
            }
            rank = (float(mention.author.followers or 0), VIA_POST)
            turned += self._record(day.isoformat(), author, rank, payload)
        return turned

    def from_case(self, alert: Alert, mention: Mention) -> bool:
        """A case resolved as "turned_positive" turns its author on the day it was resolved."""
        if not (alert.resolved_at and mention.author.id):
            return False
        day = self._day(alert.resolved_at)
        before: dict[str, Any] = dict(trail.case_entry(alert, mention)[1])
        payload = {
            "before": before,
            "after": {"note": alert.resolution_note or "", "by": alert.resolved_by or ""},
            "via": "case",
            "alert_id": alert.id,
        }
        rank = (float(mention.author.followers or 0), VIA_CASE)
        return bool(self._record(day, trail.author_key(mention), rank, payload))

    def _record(
        self, day: str, author: str, rank: tuple[float, ...], payload: dict[str, Any]
    ) -> int:
        """Count the author once for the day; list them (again: harmless) either way."""
        expires_at = int(
            (parse_time(f"{day}T00:00:00Z") + self._retention + timedelta(days=2)).timestamp()
        )
        counted = self._state.add_once(
            keys.day_turned(day),
            [trail.ENTRY + author],
            keys.day_stats(day),
            {aggregates.TURNED: 1},
            extra={"expires_at": expires_at},
        )
        self._lists.offer(day, TURNED, author, rank, payload)
        return int(counted)

    def _day(self, moment: str) -> str:
        return aggregates.local_day(moment, self._timezone)


def _positives(mentions: Sequence[Mention]) -> list[Mention]:
    return [m for m in mentions if aggregates.label_of(m) == "positive" and m.author.id]


def _later_negatives(mentions: Sequence[Mention], day_of: Any) -> dict[tuple[str, date], list[str]]:
    """The batch's own negative posts per (author, local day): their times."""
    out: dict[tuple[str, date], list[str]] = defaultdict(list)
    for mention in mentions:
        if aggregates.label_of(mention) == "negative" and mention.author.id:
            key = (trail.author_key(mention), date.fromisoformat(day_of(mention.created_at)))
            out[key].append(mention.created_at)
    return out
