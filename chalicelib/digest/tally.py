"""Alert outcomes for the digest: alerted, acknowledged, resolved, and how fast.

`AlertTally.sync(alert)` records whatever an alert's current state says, each event
once: the counters are added in a transaction that also sets a flag on the alert item
(`StateStore.add_once`), so calling it again — after a retry, a second tap on a link,
or from both the pipeline and the alert service — changes nothing. Call it whenever
an alert is created, acknowledged or resolved.

Counted on the stats item of the alerted post's team-local day (see aggregates.py);
open alerts are kept, highest priority first, in a bounded list (`OPEN`) so the
digest can link the ones still waiting without reading every alert.
"""

from __future__ import annotations

from typing import Any

from ..logs import get_logger
from ..model import Alert, Mention, parse_time
from . import aggregates
from .ingest import post_summary
from .toplists import ListSpec, TopLists

OPEN = ListSpec("open", cap=25, shards=4)
FLAG = "digest#"

log = get_logger("digest.tally")


def _alert_key(alert_id: str) -> tuple[str, str]:
    return f"alert#{alert_id}", "alert"  # the alert service's item (alerts/service.py)


class AlertTally:
    def __init__(self, state: Any, lists: TopLists, mentions: Any, timezone: str) -> None:
        self._state = state
        self._lists = lists
        self._mentions = mentions
        self._timezone = timezone

    def sync(self, alert: Alert, mention: Mention | None = None) -> list[str]:
        """Count the events `alert` has gone through that were not counted yet.

        One read of the alert item (which events are counted) and at most one
        transaction; a concurrent `sync` of the same alert makes it count nothing.
        """
        item = self._state.get(*_alert_key(alert.id))
        if item is None:
            return []
        if mention is None and alert.mention_id:
            mention = self._mentions.get(alert.mention_id)
        day = aggregates.local_day(
            mention.created_at if mention is not None else alert.created_at, self._timezone
        )
        events: dict[str, dict[str, int]] = {"alerted": {"alerts#alerted": 1}}
        for event, stamp, prefix in (
            ("acknowledged", alert.acknowledged_at, "tta"),
            ("resolved", alert.resolved_at, "ttr"),
        ):
            if stamp:
                seconds = (parse_time(stamp) - parse_time(alert.created_at)).total_seconds()
                events[event] = {f"alerts#{event}": 1, f"{prefix}#{aggregates.bucket(seconds)}": 1}
        todo = [event for event in events if FLAG + event not in item]
        counts: dict[str, int] = {}
        for event in todo:
            for key, value in events[event].items():
                counts[key] = counts.get(key, 0) + value
        if not todo or not self._state.add_once(
            _alert_key(alert.id),
            [FLAG + event for event in todo],
            (aggregates.day_pk(day), aggregates.STATS_SK),
            counts,
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

    def after_change(self, alert: Alert) -> None:
        """`sync` for request handlers: a failure is logged, never shown to the manager
        (the acknowledgement itself succeeded; the next sync of the alert catches up)."""
        try:
            self.sync(alert)
        except Exception:
            log.exception("digest tally not updated", extra={"fields": {"alert_id": alert.id}})
