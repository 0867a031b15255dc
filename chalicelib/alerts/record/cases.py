"""Open cases, as the shift board finds them: the team's queue and what each manager holds.

    keys.CASE_QUEUE              open cases nobody has acknowledged yet (the team's)
    keys.cases_held_pk(manager)  open cases a manager acknowledged or was handed

Sort key ``<created_at>#<alert id>``. An entry is a pointer with a few facts for sorting;
the alert item stays the truth: the board reads the alerts behind the entries it shows
(`open_alerts`) and keeps only those that really are open and where the entry says, so
an entry left behind by a failure in between never shows a case twice or a closed one.
Entries are written when an alert is stored, moved when it is acknowledged or handed
over, and deleted when it is resolved; they expire with the alert (TTL).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ...model import Alert, parse_time
from ...store import StateTable, keys

OPEN_STATES = ("pending", "held", "sent", "board", "failed", "acknowledged")
SHOWN = 100  # a board reads at most this many alerts behind its entries
CHUNK = 10  # alerts read at a time to answer "was anyone paged for a waiting case?"


def is_open(alert: Alert) -> bool:
    return alert.kind == "mention" and alert.state in OPEN_STATES


class OpenCases:
    def __init__(self, state: StateTable, retention: timedelta) -> None:
        self._state = state
        self._retention = retention

    def _entry(self, alert: Alert, holder: str | None) -> dict[str, object]:
        expires = parse_time(alert.created_at) + self._retention
        return {
            "alert_id": alert.id,
            "created_at": alert.created_at,
            "priority": alert.priority,
            "holder": holder,
            "expires_at": int(expires.timestamp()),
        }

    def add(self, alert: Alert) -> None:
        """A new case joins the team's queue (idempotent)."""
        if alert.kind == "mention":
            key = keys.open_case(keys.CASE_QUEUE, alert.created_at, alert.id)
            self._state.put(key, self._entry(alert, None))

    def take(self, alert: Alert, holder: str, *, previous: str | None = None) -> None:
        """`holder` has the case now (acknowledged, or handed it); from the queue or
        from `previous`'s cases."""
        if alert.kind != "mention":
            return
        pk = keys.cases_held_pk(holder)
        self._state.put(keys.open_case(pk, alert.created_at, alert.id), self._entry(alert, holder))
        old = keys.cases_held_pk(previous) if previous and previous != holder else keys.CASE_QUEUE
        if old != pk:
            self._state.delete(keys.open_case(old, alert.created_at, alert.id))

    def close(self, alert: Alert) -> None:
        """Resolved: off the board, wherever its entry is."""
        if alert.kind != "mention":
            return
        self._state.delete(keys.open_case(keys.CASE_QUEUE, alert.created_at, alert.id))
        if alert.holder:
            pk = keys.cases_held_pk(alert.holder)
            self._state.delete(keys.open_case(pk, alert.created_at, alert.id))

    def open_alerts(self, entries: Iterable[dict[str, Any]]) -> list[Alert]:
        """The open alerts behind `entries`: the `SHOWN` most urgent (priority, then age)."""
        ranked = sorted(entries, key=lambda e: (-float(e.get("priority", 0)), e["created_at"]))
        wanted = list(dict.fromkeys(str(e["alert_id"]) for e in ranked))[:SHOWN]
        found = self._state.get_many(keys.alert(i) for i in wanted)
        alerts = [Alert.from_dict(found[keys.alert(i)]) for i in wanted if keys.alert(i) in found]
        return [a for a in alerts if is_open(a)]

    def waiting(self) -> list[Alert]:
        """Open cases nobody has taken yet."""
        alerts = self.open_alerts(self._state.query(keys.CASE_QUEUE))
        return [a for a in alerts if a.state != "acknowledged"]

    def paged_waiting(self, managers: Iterable[str]) -> set[str]:
        """Which of `managers` were paged for an open case nobody has taken yet: the
        newest cases first, `CHUNK` entries and their alerts at a time until each is found
        (at most `SHOWN`); in a storm the first round finds the manager on duty."""
        wanted = set(managers)
        found: set[str] = set()
        entries = self._state.query(keys.CASE_QUEUE, newest_first=True, page=CHUNK)
        for _ in range(0, SHOWN if wanted else 0, CHUNK):  # (each round: one page, one read)
            ids = [str(e["alert_id"]) for e in itertools.islice(entries, CHUNK)]
            if not ids:
                break
            for item in self._state.get_many(keys.alert(i) for i in ids).values():
                alert = Alert.from_dict(item)
                if is_open(alert) and alert.state != "acknowledged":
                    found |= wanted & {*alert.paged, alert.pending_page or ""}
            if found >= wanted:
                break
        return found

    def held(self, manager: str) -> list[Alert]:
        """Open cases `manager` has."""
        alerts = self.open_alerts(self._state.query(keys.cases_held_pk(manager)))
        return [a for a in alerts if a.state == "acknowledged" and a.holder == manager]

    def count(self, manager: str | None = None) -> int:
        """How many entries (waiting, or held by `manager`): the board's "and N more"."""
        pk = keys.cases_held_pk(manager) if manager else keys.CASE_QUEUE
        return sum(1 for _ in self._state.query(pk))


def age_minutes(alert: Alert, now: datetime) -> int:
    return max(0, int((now - parse_time(alert.created_at)).total_seconds() // 60))
