"""Alert outcomes for the digest: alerted, acknowledged, resolved, and how fast.

A listener of the alert service's "alert changed" event (`on_alert_changed`, wired in
`wiring.py`). `sync(alert)` records whatever an alert's current state says, each event
once: the counters are added in a transaction that also sets the event's flag on the
tally's own marker item beside the alert (`keys.alert_tally`, `StateTable.add_once`),
so telling it again — after a retry, a second tap on a link — changes nothing.

Counted on the stats item of the alerted post's team-local day (see aggregates.py),
acknowledgements also per alert band against the band's response target, and the first
reply on the network per band and time slot (`answering.py`). What the team
did with a case (open, how it ended, its story and lesson) is `outcomes.CaseLog`'s,
told after every sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..alerts.record.events import AlertChanged
from ..config import RESPONSE_TARGETS
from ..model import Alert, Mention, parse_time
from ..store import MentionStore, StateTable, keys
from . import aggregates, answering
from .outcomes import CaseLog
from .toplists import TopLists

FLAG = "counted#"


class AlertTally:
    def __init__(
        self,
        state: StateTable,
        lists: TopLists,
        mentions: MentionStore,
        timezone: str,
        retention: timedelta = timedelta(days=90),
        *,
        targets: Mapping[str, int] = RESPONSE_TARGETS,
        cases: CaseLog | None = None,
    ) -> None:
        self._state = state
        self._lists = lists
        self._mentions = mentions
        self._timezone = timezone
        self._retention = retention
        self._targets = targets  # minutes to acknowledge, per band
        self._cases = cases

    def on_alert_changed(self, event: AlertChanged) -> None:
        self.sync(event.alert, event.mention, created=event.created)

    def sync(
        self, alert: Alert, mention: Mention | None = None, *, created: bool = False
    ) -> list[str]:
        """Count the events `alert` has gone through that were not counted yet.

        An alert `created` just now (and stored: the outbox tells it after its conditional
        put) has nothing counted yet, so it is not read back; were a marker left over all
        the same, the transaction's condition would count nothing twice.

        One read (the alert and what was counted of it) and at most one transaction (with
        a new case's "opened" count in it, `CaseLog.opening`); a concurrent `sync` of the
        same alert makes it count nothing.
        """
        if created:
            counted: dict[str, Any] = {}
        else:
            found = self._state.get_many([keys.alert(alert.id), keys.alert_tally(alert.id)])
            if keys.alert(alert.id) not in found:
                return []  # erased, or never stored
            counted = found.get(keys.alert_tally(alert.id), {})
        if mention is None and alert.mention_id:
            mention = self._mentions.get(alert.mention_id)
        day = aggregates.local_day(
            mention.created_at if mention is not None else alert.created_at, self._timezone
        )
        band = str(alert.rules.get("band") or "")
        events = {"alerted": aggregates.alert_counts("alerted", band=band)}
        target = self._targets.get(band)
        posted = parse_time(mention.created_at if mention is not None else alert.created_at)
        when = answering.slot(posted.astimezone(ZoneInfo(self._timezone)))
        opened = answering.opened_counts(band, when) if alert.kind == "mention" else {}
        events = {"alerted": {**aggregates.alert_counts("alerted"), **opened}}
        if alert.answered_at and alert.kind == "mention":  # its first reply, on the network
            events["answered"] = answering.answered_counts(
                (parse_time(alert.answered_at) - posted).total_seconds(),
                band=band,
                when=when,
                target=target * 60 if target else None,
                via=alert.answered_via or "product",
            )
        for event, stamp in (
            ("acknowledged", alert.acknowledged_at),
            ("resolved", alert.resolved_at),
        ):
            if stamp:
                seconds = (parse_time(stamp) - parse_time(alert.created_at)).total_seconds()
                events[event] = aggregates.alert_counts(
                    event, seconds, band=band, target=target * 60 if target else None
                )
        todo = [event for event in events if FLAG + event not in counted]
        counts: dict[str, int] = {}
        for event in todo:
            for key, value in events[event].items():
                counts[key] = counts.get(key, 0) + value
        # a new case's "opened" count rides in the same transaction
        opening = self._cases.opening(alert, mention, counted) if self._cases else None
        flags = [FLAG + event for event in todo] + ([opening.flag] if opening else [])
        expires_at = int((parse_time(alert.created_at) + self._retention).timestamp())
        counted_now = bool(flags) and self._state.add_once(
            keys.alert_tally(alert.id),
            flags,
            keys.day_stats(day),
            counts,
            extra={"expires_at": expires_at},
            also={opening.target: opening.counts} if opening else None,
        )
        if self._cases is not None:
            now_counted = {**counted, **dict.fromkeys(flags, True)} if counted_now else counted
            self._cases.after_sync(alert, mention, now_counted)
        return todo if counted_now else []
