"""Alert outcomes for the digest: alerted, acknowledged, resolved, and how fast.

A listener of the alert service's "alert changed" event (`on_alert_changed`, wired in
`wiring.py`). `sync(alert)` records whatever an alert's current state says, each event
once: the counters are added in a transaction that also sets the event's flag on the
tally's own marker item beside the alert (`keys.alert_tally`, `StateTable.add_once`),
so telling it again — after a retry, a second tap on a link — changes nothing.

Counted on the stats item of the alerted post's team-local day (see aggregates.py);
open alerts are kept, highest priority first, in a bounded list (`OPEN`) so the
digest can link the ones still waiting without reading every alert.
"""

from __future__ import annotations

from datetime import timedelta

from ..alerts.events import AlertChanged
from ..model import Alert, Mention, parse_time
from ..store import MentionStore, StateTable, keys
from . import aggregates
from .ingest import post_summary
from .toplists import ListSpec, TopLists

OPEN = ListSpec("open", cap=25, shards=4)
FLAG = "counted#"


class AlertTally:
    def __init__(
        self,
        state: StateTable,
        lists: TopLists,
        mentions: MentionStore,
        timezone: str,
        retention: timedelta = timedelta(days=90),
    ) -> None:
        self._state = state
        self._lists = lists
        self._mentions = mentions
        self._timezone = timezone
        self._retention = retention

    def on_alert_changed(self, event: AlertChanged) -> None:
        self.sync(event.alert, event.mention)

    def sync(self, alert: Alert, mention: Mention | None = None) -> list[str]:
        """Count the events `alert` has gone through that were not counted yet.

        One read (the alert and what was counted of it) and at most one transaction; a
        concurrent `sync` of the same alert makes it count nothing.
        """
        found = self._state.get_many([keys.alert(alert.id), keys.alert_tally(alert.id)])
        if keys.alert(alert.id) not in found:
            return []  # erased, or never stored
        counted = found.get(keys.alert_tally(alert.id), {})
        if mention is None and alert.mention_id:
            mention = self._mentions.get(alert.mention_id)
        day = aggregates.local_day(
            mention.created_at if mention is not None else alert.created_at, self._timezone
        )
        events = {"alerted": aggregates.alert_counts("alerted")}
        for event, stamp in (
            ("acknowledged", alert.acknowledged_at),
            ("resolved", alert.resolved_at),
        ):
            if stamp:
                seconds = (parse_time(stamp) - parse_time(alert.created_at)).total_seconds()
                events[event] = aggregates.alert_counts(event, seconds)
        todo = [event for event in events if FLAG + event not in counted]
        counts: dict[str, int] = {}
        for event in todo:
            for key, value in events[event].items():
                counts[key] = counts.get(key, 0) + value
        expires_at = int((parse_time(alert.created_at) + self._retention).timestamp())
        if not todo or not self._state.add_once(
            keys.alert_tally(alert.id),
            [FLAG + event for event in todo],
            keys.day_stats(day),
            counts,
            extra={"expires_at": expires_at},
        ):
            return []
        closed = bool(alert.acknowledged_at or alert.resolved_at)
        if "alerted" in todo and not closed and mention is not None:
            summary = {**post_summary(mention), "alert_id": alert.id}
            rank = (float(alert.priority), float(mention.author.followers or 0))
            self._lists.offer(day, OPEN, alert.id, rank, summary)
        if closed and "alerted" not in todo:
            self._lists.remove(day, OPEN, alert.id)
        return todo
