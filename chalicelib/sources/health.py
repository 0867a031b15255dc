"""Source health: is each poller running, and should the on-duty manager hear about it?

A poller records its `Health` after every run (`polling.run_poller`): last success, last
error, failures in a row. `needs_page` is the pure decision the every-minute job uses to
page once per incident (alerts/paging/source_health.py sends the page); `mark_paged` records it.
Kept under `keys.source_health(name)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ..model import iso, parse_time
from ..store import StateTable, keys
from . import registry


@dataclass(frozen=True)
class Health:
    source: str
    since: str  # first time this source was recorded
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    consecutive_failures: int = 0
    paged_at: str | None = None
    month: str | None = None  # YYYY-MM of `month_reads`
    month_reads: int = 0  # posts read this month (X bills per read: `pricing.dollars`)
    gap_from: str | None = None  # a webhook: our endpoint failed a delivery since then

    def succeeded(self, now: datetime) -> Health:
        return replace(self, last_success=iso(now), consecutive_failures=0)

    def failed(self, now: datetime, error: str) -> Health:
        return replace(
            self,
            last_error=error[:300],
            last_error_at=iso(now),
            consecutive_failures=self.consecutive_failures + 1,
        )

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Health:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["consecutive_failures"] = int(known.get("consecutive_failures") or 0)
        known["month_reads"] = int(known.get("month_reads") or 0)
        return cls(**known)


def load_health(store: StateTable, source: str, now: datetime) -> Health:
    data = store.get(keys.source_health(source))
    return Health.from_dict(data) if data else Health(source=source, since=iso(now))


def mark_paged(store: StateTable, source: str, now: datetime) -> Health:
    """Record that the on-duty manager was paged about this source (once per incident)."""
    health = replace(load_health(store, source, now), paged_at=iso(now))
    store.put(keys.source_health(source), health.to_dict())
    return health


def needs_page(
    health: Health, now: datetime, expected_interval: timedelta, max_failures: int
) -> bool:
    """True once per incident: failing `max_failures` runs in a row, or silent too long.

    An incident ends with the next success; a page sent after that success is for a
    new incident, so the following incident pages again.
    """
    failing = health.consecutive_failures >= max_failures
    reference = health.last_success or health.since
    silent = now - parse_time(reference) > expected_interval
    if not (failing or silent):
        return False
    if health.paged_at is None:
        return True
    return health.last_success is not None and health.paged_at < health.last_success


# how long each source may stay without a success (a poll) or a delivery (a webhook) before
# someone is paged: the registry's quiet times
EXPECTED_INTERVALS = {source.name: source.quiet for source in registry.SOURCES}


def sources_to_page(
    store: StateTable,
    now: datetime,
    *,
    intervals: Mapping[str, timedelta] = EXPECTED_INTERVALS,
    max_failures: int = 3,
) -> list[Health]:
    """Sources to page about now (each once per incident; call `mark_paged` after paging).

    Only sources that have run at least once count: a source without credentials is
    skipped before it records anything, and so never pages.
    """
    out = []
    for source, interval in intervals.items():
        data = store.get(keys.source_health(source))
        if data and needs_page(Health.from_dict(data), now, interval, max_failures):
            out.append(Health.from_dict(data))
    return out
