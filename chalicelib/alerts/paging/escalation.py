"""Every minute: resend pages left pending, and escalate what nobody acknowledged.

Both read the alerts due now (`keys.DUE_INDEX`). A pending page is sent again (to
whoever is on duty now if nobody was when it was stored); a sent alert past its
`next_escalation_at` goes one step down its chain (primary, backup, lead, repeated per
the rules stored on it), or is marked exhausted when the chain is used up. Updates are
conditional on the state and level read, so two overlapping runs never escalate or
deliver the same step twice. One alert's trouble with DynamoDB never stops the others.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime

from ...errors import StoreError
from ...logs import get_logger
from ...model import Alert, iso, parse_time
from ..record.records import NO_INDEX, AlertRecords
from ..roster.policy import Rules
from ..roster.team import Team
from .delivery import UNASSIGNED, Delivery
from .tick import Tick

log = get_logger("alerts")


class Escalation:
    def __init__(self, *, records: AlertRecords, team: Team, delivery: Delivery) -> None:
        self._records = records
        self._team = team
        self._delivery = delivery

    def resend(self, now: datetime, tick: Tick) -> None:
        for alert in self._records.due(now):
            if alert.pending_page:
                isolated(alert, tick, functools.partial(self._resend_one, alert, now, tick))

    def _resend_one(self, alert: Alert, now: datetime, tick: Tick) -> None:
        if alert.pending_page == UNASSIGNED:
            assigned = self._assign(alert, now)
            if assigned is None:
                tick.unassigned.append(alert.id)
                return
            alert = assigned
        result = self._delivery.deliver(alert, now)
        (tick.resent if result.pending_page is None else tick.failed).append(alert.id)
        if result.state == "failed":
            tick.undeliverable.append(alert.id)
        posted = alert.card.get("created_at")
        if result.pending_page is None and not alert.sent_at and isinstance(posted, str):
            waited = (now - parse_time(posted)).total_seconds()
            tick.post_to_page.append(max(0.0, waited))

    def _assign(self, alert: Alert, now: datetime) -> Alert | None:
        """An alert stored while nobody was on duty goes to whoever is on duty now."""
        chain = self._team.on_call(now).chain
        if not chain:
            return None
        rules = {**alert.rules, "chain": list(chain)}
        changes = {"recipient": chain[0], "pending_page": chain[0], "rules": rules}
        if not self._records.change(alert.id, changes, expect={"pending_page": UNASSIGNED}):
            return None
        return alert.with_(recipient=chain[0], pending_page=chain[0], rules=rules)

    def escalate(self, now: datetime, tick: Tick) -> None:
        for alert in self._records.due(now):
            if alert.pending_page or alert.state != "sent":
                continue
            if alert.next_escalation_at and parse_time(alert.next_escalation_at) > now:
                continue
            isolated(alert, tick, functools.partial(self._escalate_one, alert, now, tick))

    def _escalate_one(self, alert: Alert, now: datetime, tick: Tick) -> None:
        rules = Rules.from_dict(alert.rules)
        level = alert.escalation_level + 1
        recipient = rules.recipient(level)
        expect = {"state": "sent", "escalation_level": alert.escalation_level}
        if recipient is None:
            if self._records.change(
                alert.id, {"exhausted_at": iso(now), **NO_INDEX}, expect=expect
            ):
                tick.exhausted.append(alert.id)
                log.error(
                    "alert unacknowledged after every escalation step",
                    extra={
                        "fields": {"alert_id": alert.id, "escalation_level": alert.escalation_level}
                    },
                )
            return
        changes = {
            "escalation_level": level,
            "escalated_at": iso(now),
            "pending_page": recipient,
            "page_attempts": 0,
            "plain": False,
            "gsi1sk": iso(now),
        }
        if not self._records.change(alert.id, changes, expect=expect):
            return  # acknowledged meanwhile, or another run escalated it
        log.info(
            "alert escalated",
            extra={
                "fields": {"alert_id": alert.id, "escalation_level": level, "recipient": recipient}
            },
        )
        escalated = alert.with_(
            escalation_level=level, escalated_at=iso(now), pending_page=recipient
        )
        result = self._delivery.deliver(escalated, now)
        tick.escalated.append(alert.id)
        if result.pending_page is not None:
            tick.failed.append(alert.id)
        if result.state == "failed":
            tick.undeliverable.append(alert.id)


def isolated(alert: Alert, tick: Tick, work: Callable[[], None]) -> None:
    """One alert's trouble with DynamoDB must not stop the job for the others."""
    try:
        work()
    except StoreError:
        log.error(
            "alert skipped this run: state table refused",
            exc_info=True,
            extra={"fields": {"alert_id": alert.id}},
        )
        tick.failed.append(alert.id)
