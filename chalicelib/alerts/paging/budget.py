"""The team's SMS budget: at most `per_hour` SMS in a UTC hour, whatever the volume.

A page routed to SMS takes one from the budget (one atomic counter per hour,
`keys.sms_counter`, counted only while below the limit: one conditional request, no read
before, no race). Over the budget the page still goes at
once by its other channels (e-mail) and lands on the board; the manager's phone is owed
it (`keys.sms_missed`), and the every-minute job sends them one catch-up SMS — "4 more
cases by e-mail since 10:12 … board link" — as soon as the budget allows again. So the
SMS bill has a ceiling that no storm, volume or team size can lift: `per_hour` × 24 a
day (8 an hour: 5,760 a month, $403 at $0.07), and no phone buzzes more than that.

A third of the budget is kept for the most urgent posts (priority `URGENT_FROM` and up),
so the one that matters most in a storm is not the one left without an SMS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ...model import iso, parse_time
from ...store import StateTable, keys

HOUR = "%Y-%m-%dT%H"
KEEP_SECONDS = 2 * 24 * 3600  # counters expire (TTL) two days after their hour
URGENT_FROM = 80.0


@dataclass(frozen=True)
class Missed:
    count: int
    since: datetime


class PhoneBudget:
    def __init__(self, state: StateTable, per_hour: int) -> None:
        self._state = state
        self.per_hour = per_hour  # 0: no limit

    def take(self, now: datetime, priority: float = URGENT_FROM) -> bool:
        """Count one SMS this hour; False (and not counted) when it is over the budget —
        for a post below `URGENT_FROM`, over the part not kept in reserve."""
        if self.per_hour == 0:
            return True
        limit = self.per_hour - (0 if priority >= URGENT_FROM else self.per_hour // 3)
        key = keys.sms_counter(now.astimezone(UTC).strftime(HOUR))
        expires = int(now.timestamp()) + KEEP_SECONDS
        return (
            self._state.add_up_to(key, "count", limit, set_once={"expires_at": expires}) is not None
        )

    def miss(self, manager: str, now: datetime) -> None:
        """A page went without its SMS: the phone is owed a catch-up."""
        self._state.add(keys.sms_missed(manager), {"count": 1}, set_once={"since": iso(now)})

    def missed(self, manager: str) -> Missed | None:
        item = self._state.get(keys.sms_missed(manager))
        if not item or not int(item.get("count", 0)):
            return None
        return Missed(int(item["count"]), parse_time(item["since"]))

    def settle(self, manager: str) -> None:
        """The catch-up SMS went: the phone is owed nothing (a miss in between is on
        the board and in the e-mail; the next catch-up counts from here)."""
        self._state.delete(keys.sms_missed(manager))
