"""Triage of queued mentions: judge, store exactly once, count, alert.

One SQS message carries a few mentions (see intake.py). Every step is idempotent,
so a redelivered message changes nothing that already happened:

* the mention and its day counters are written in one conditional transaction;
* an already-stored mention that should have alerted is checked again for its alert
  (the previous attempt may have died between storing and alerting); the alert's own
  conditional put keeps it to one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import triage
from .alerts.service import AlertService
from .intake import decode
from .logs import get_logger
from .model import Mention, parse_time
from .store import DayCounts, MentionStore

log = get_logger("pipeline")


@dataclass
class Outcome:
    stored: int = 0
    duplicates: int = 0
    negative: int = 0
    alerts: int = 0
    alert_ids: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.negative += other.negative
        self.alerts += other.alerts
        self.alert_ids += other.alert_ids


def local_day(mention: Mention, timezone: str) -> str:
    """The team's calendar day of a post: what "yesterday" means in the digest."""
    return parse_time(mention.created_at).astimezone(ZoneInfo(timezone)).date().isoformat()


def day_counts(mention: Mention, timezone: str) -> DayCounts:
    label = mention.sentiment.label if mention.sentiment else "unknown"
    return DayCounts(
        day=local_day(mention, timezone),
        counts={
            "total": 1,
            f"sentiment#{label}": 1,
            f"source#{mention.source}": 1,
            f"source#{mention.source}#{label}": 1,
            f"lang#{mention.lang or 'unknown'}": 1,
        },
    )


class Triage:
    def __init__(
        self,
        *,
        mentions: MentionStore,
        alerts: AlertService,
        retention: timedelta,
        timezone: str,
        clock: Callable[[], datetime],
        watchlist: frozenset[str] = frozenset(),
    ) -> None:
        self._mentions = mentions
        self._alerts = alerts
        self._retention = retention
        self._timezone = timezone
        self._clock = clock
        self._watchlist = watchlist

    def handle_message(self, body: str) -> Outcome:
        """Process one queue message; raises `MalformedPayload` for a poison message."""
        outcome = Outcome()
        for mention in decode(body):
            outcome.add(self.handle(mention))
        return outcome

    def handle(self, mention: Mention) -> Outcome:
        now = self._clock()
        outcome = Outcome()
        judged = triage.judge(mention, watchlist=self._watchlist, now=now).with_(
            expires_at=int((now + self._retention).timestamp()),
        )
        if self._mentions.insert(judged, day_counts(judged, self._timezone)):
            outcome.stored = 1
        else:
            outcome.duplicates = 1
            stored = self._mentions.get(judged.id)
            if stored is None or stored.status != "new":
                return outcome  # already alerted (or not alertable): nothing left to do
            judged = stored
        if judged.is_negative:
            outcome.negative = outcome.stored
        if triage.should_alert(judged):
            alert = self._alerts.alert_for(judged, now)
            if alert is not None:
                outcome.alerts = 1
                outcome.alert_ids.append(alert.id)
        log.info(
            "mention triaged",
            extra={
                "fields": {
                    "mention_id": judged.id,
                    "label": judged.sentiment.label if judged.sentiment else None,
                    "priority": judged.priority,
                    "duplicate": bool(outcome.duplicates),
                }
            },
        )
        return outcome
