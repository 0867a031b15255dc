"""The alert service: what the handlers call, put together from its parts.

outbox.py       alert_for(mention): store once, then page or hold
delivery.py     render per recipient, publish to SNS, record the page
storm.py        hold in storms and quiet hours; grouped and spike messages
escalation.py   resend pending pages; escalate what nobody acknowledged
acks.py         acknowledge and resolve from a signed link
records.py      the alert items and their index entries
events.py       "alert changed", told to the digest's tally (wired in wiring.py)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from ..logs import get_logger
from ..model import Alert, Mention
from ..store import MentionStore, StateTable
from ..triage.spikes import SpikePolicy
from .acks import Acknowledgements, AckResult
from .delivery import RECORD_ATTEMPTS, Delivery
from .escalation import Escalation
from .events import Events, Listener
from .notify import Notifier
from .outbox import Outbox
from .records import AlertRecords
from .storm import Storm
from .team import Team
from .tick import Tick

log = get_logger("alerts")

__all__ = ["RECORD_ATTEMPTS", "AckResult", "AlertService", "Tick"]


class AlertService:
    def __init__(
        self,
        *,
        state: StateTable,
        mentions: MentionStore,
        notifier: Notifier,
        team: Team,
        signing_key: Callable[[], str],
        base_url: str,
        timezone: str,
        spike_policy: SpikePolicy | None = None,
        listeners: Sequence[Listener] = (),
        retention: timedelta = timedelta(days=90),
    ) -> None:
        self.events = Events(listeners)
        self._records = AlertRecords(state, retention)
        delivery = Delivery(
            records=self._records,
            notifier=notifier,
            team=team,
            signing_key=signing_key,
            base_url=base_url,
            timezone=timezone,
        )
        self._storm = Storm(
            state=state,
            records=self._records,
            team=team,
            delivery=delivery,
            timezone=timezone,
            spike_policy=spike_policy,
        )
        self._escalation = Escalation(records=self._records, team=team, delivery=delivery)
        self._outbox = Outbox(
            records=self._records,
            mentions=mentions,
            team=team,
            storm=self._storm,
            delivery=delivery,
            events=self.events,
            timezone=timezone,
        )
        self._acks = Acknowledgements(
            records=self._records, mentions=mentions, signing_key=signing_key, events=self.events
        )

    # reading
    def get(self, alert_id: str) -> Alert | None:
        return self._records.get(alert_id)

    def due(self, now: datetime) -> list[Alert]:
        return self._records.due(now)

    def held(self, now: datetime | None = None) -> list[Alert]:
        return self._records.held(now)

    # a new negative post
    def alert_for(self, mention: Mention, now: datetime) -> Alert | None:
        return self._outbox.alert_for(mention, now)

    # the every-minute job
    def every_minute(self, now: datetime) -> Tick:
        """Resend failed pages, escalate, send held alerts grouped."""
        tick = Tick()
        self._escalation.resend(now, tick)
        self._escalation.escalate(now, tick)
        self._storm.flush_held(now, tick)
        if tick:
            log.info("alerts job", extra={"fields": tick.counts()})
        return tick

    # a manager's links
    def acknowledge(self, alert_id: str, token: str, now: datetime) -> AckResult:
        return self._acks.acknowledge(alert_id, token, now)

    def resolve(
        self,
        alert_id: str,
        token: str,
        now: datetime,
        *,
        note: str = "",
        outcome: str | None = None,
        lesson: str = "",
        lesson_theme: str = "",
    ) -> AckResult:
        return self._acks.resolve(
            alert_id,
            token,
            now,
            note=note,
            outcome=outcome,
            lesson=lesson,
            lesson_theme=lesson_theme,
        )

    def authorise(self, alert_id: str, token: str, now: datetime, action: str) -> Alert:
        return self._acks.authorise(alert_id, token, now, action)
