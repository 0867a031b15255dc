"""Alert items in the state table: read, create once, change conditionally.

An alert is stored under `keys.alert(id)` before it is sent (the outbox). Two index
entries on `gsi1` tell the every-minute job what to do next:

    keys.DUE_INDEX    gsi1sk = the next moment something must happen (resend, escalate)
    keys.HELD_INDEX   gsi1sk = the release time of an alert held back (storm, quiet hours)

Acknowledged, resolved and exhausted alerts carry neither. Alert items hold a post's
text, so they expire (TTL) with the retention period like the mention itself.

A change of hands (acknowledge, hand over, resolve) is written only over the state,
holder and version it was decided on (`decided_on`), and adds one to the version.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ...model import Alert, iso
from ...store import StateTable, keys

DUE = keys.DUE_INDEX
HELD = keys.HELD_INDEX
NO_INDEX = {"gsi1pk": None, "gsi1sk": None}


def decided_on(alert: Alert) -> dict[str, Any]:
    """What a change of hands was decided on: the expectation of its write, so that of
    two racing (two hand-overs, a hand-over and a resolve) one wins and the other finds
    the case changed. None expects the attribute absent (a case nobody has held yet)."""
    return {"state": alert.state, "holder": alert.holder, "version": alert.version}


def next_version(alert: Alert) -> dict[str, int]:
    return {"version": (alert.version or 0) + 1}


def due_at(moment: datetime) -> dict[str, str]:
    return {"gsi1pk": DUE, "gsi1sk": iso(moment)}


def held_until(moment: str) -> dict[str, str]:
    return {"gsi1pk": HELD, "gsi1sk": moment}


class AlertRecords:
    def __init__(self, state: StateTable, retention: timedelta) -> None:
        self._state = state
        self._retention = retention

    def get(self, alert_id: str) -> Alert | None:
        data = self._state.get(keys.alert(alert_id))
        return Alert.from_dict(data) if data else None

    def create(self, alert: Alert, index: Mapping[str, str | None], now: datetime) -> bool:
        """Store a new alert with its index entry; False if it exists already."""
        expires_at = int((now + self._retention).timestamp())
        item = {**alert.to_dict(), **index, "expires_at": expires_at}
        return self._state.put_new(keys.alert(alert.id), item)

    def change(
        self, alert_id: str, changes: Mapping[str, Any], *, expect: Mapping[str, Any] | None = None
    ) -> bool:
        """Apply `changes` (None removes) when `expect` holds; False otherwise."""
        return self._state.update(keys.alert(alert_id), changes, expect=expect)

    def due(self, now: datetime) -> list[Alert]:
        """Alerts with a page to resend or an escalation to make at `now`."""
        return [Alert.from_dict(item) for item in self._state.query_index(DUE, until=iso(now))]

    def held(self, now: datetime | None = None) -> list[Alert]:
        until = iso(now) if now is not None else None
        return [Alert.from_dict(item) for item in self._state.query_index(HELD, until=until)]
