"""No silent gaps: what a webhook missed is read by polling, and a gap we caused is replayed.

A push source (a webhook route, `registry.pushed()`) records in its health item when it
last accepted a delivery (`Heard`: at most one write per container every few minutes)
and when our endpoint first failed one (`endpoint_failed`: a 5xx, the queue refusing).
The `catch_up` schedule (`run`) then, for each push source:

* quiet past its quiet time: runs its catch-up poller (`Source.catch_up`: X's owned
  mentions timeline, Meta's Page feed) and stores what it finds (deduplication makes a
  post both saw one mention). Source health pages the lead once, naming the webhook
  (`sources.health.sources_to_page`: the push source's quiet time);
* a gap our endpoint caused: asks X to deliver it again (`POST /2/webhooks/replay`, the
  last 24 hours at most), then forgets the gap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from .. import logs
from ..errors import ConfigError, SourceError, StoreError
from ..model import iso, parse_time
from ..store import StateTable, keys
from . import polling, registry
from ._common import Credentials
from .health import Health, load_health

log = logs.get_logger("catch_up")
HEARD_EVERY = timedelta(minutes=5)
Replay = Callable[[str, datetime, datetime], Any]  # (source, since, now): ask for a replay


class Heard:
    """Records deliveries of push sources, at most once per `every` per source (a webhook
    answers in milliseconds: one state write per delivery would double its cost), with the
    month's post events X bills (`Health.month_reads`; the events of a container that ends
    before its next write are not counted: the figure is a floor)."""

    def __init__(self, state: Callable[[], StateTable], every: timedelta = HEARD_EVERY) -> None:
        self._state = state  # built on first use: a delivery never fails for this record
        self._every = every
        self._written: dict[str, datetime] = {}
        self._pending: dict[str, int] = {}

    def delivered(self, source: str, now: datetime, events: int = 1) -> None:
        self._pending[source] = self._pending.get(source, 0) + events
        last = self._written.get(source)
        if last is not None and now - last < self._every:
            return
        month = now.strftime("%Y-%m")
        try:
            store = self._state()
            health = load_health(store, source, now).succeeded(now)
            before = health.month_reads if health.month == month else 0
            health = replace(health, month=month, month_reads=before + self._pending[source])
            store.put(keys.source_health(source), health.to_dict())
        except (StoreError, ConfigError):
            return  # the delivery is queued; its record can wait for the next one
        self._written[source] = now
        self._pending[source] = 0


def endpoint_failed(
    state: Callable[[], StateTable], source: str, now: datetime, reason: str = ""
) -> None:
    """Our endpoint refused a delivery (5xx): the gap starts now unless it already did.
    With a `reason` (a revoked grant: "renew gbp_refresh_token"), the failure counts like a
    poller's: three in a row page the manager on duty once, with the reason.
    Never raises: the delivery's answer (503) matters more than this record."""
    try:
        store = state()
        health = load_health(store, source, now)
        failed = health.failed(now, reason) if reason else health
        if reason or not health.gap_from:
            gap = health.gap_from or iso(now)
            store.put(keys.source_health(source), replace(failed, gap_from=gap).to_dict())
    except (StoreError, ConfigError):
        log.warning("gap not recorded", extra={"fields": {"source": source}})


def run(
    store: StateTable,
    *,
    extra: Mapping[str, str],
    credentials: Credentials,
    enqueue: polling.Enqueue,
    now: datetime,
    replay: Replay | None = None,
) -> dict[str, str]:
    """One pass over the push sources; returns what was done per source."""
    done: dict[str, str] = {}
    for source in registry.pushed():
        data = store.get(keys.source_health(source.name))
        if not data:
            continue  # never delivered here: nothing went quiet
        health = Health.from_dict(data)
        if health.gap_from and replay is not None:
            done[source.name] = _replay(store, source.name, health, now, replay)
        quiet = now - parse_time(health.last_success or health.since) > source.quiet
        if quiet and source.catch_up:
            outcome = polling.scheduled(
                source.catch_up,
                extra=extra,
                credentials=credentials,
                store=store,
                enqueue=enqueue,
                now=now,
                catching_up=True,
            )
            done[source.name] = f"quiet since {health.last_success}: {source.catch_up} " + (
                f"{outcome.status}, {outcome.queued} queued"
            )
    if done:
        log.warning("webhook gaps", extra={"fields": done})
    return done


def _replay(store: StateTable, name: str, health: Health, now: datetime, replay: Replay) -> str:
    since = parse_time(str(health.gap_from))
    try:
        replay(name, since, now)
    except (SourceError, ConfigError) as error:
        return f"replay from {health.gap_from} not requested: {error}"
    store.put(keys.source_health(name), replace(health, gap_from=None).to_dict())
    return f"replay requested from {health.gap_from}"
