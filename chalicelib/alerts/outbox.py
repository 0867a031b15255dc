"""A negative post's alert: stored first (the outbox), then paged or held.

The alert's id is derived from its mention's id and written with a conditional put,
so one post yields one alert however often triage retries it. The rules that apply
(band, escalation minutes, the on-call chain now) are copied onto it, so a later policy
change never alters an alert under way. Stored while nobody is on duty, it waits as
"unassigned" for the every-minute job to give it to whoever is on duty then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..logs import get_logger
from ..model import Alert, Mention, alert_id_for, iso
from ..store import MentionStore
from . import message
from .delivery import UNASSIGNED, Delivery
from .events import Events
from .records import AlertRecords, due_at, held_until
from .storm import Storm
from .team import Team

log = get_logger("alerts")

RESEND_AFTER = timedelta(seconds=30)


class Outbox:
    def __init__(
        self,
        *,
        records: AlertRecords,
        mentions: MentionStore,
        team: Team,
        storm: Storm,
        delivery: Delivery,
        events: Events,
        timezone: str,
    ) -> None:
        self._records = records
        self._mentions = mentions
        self._team = team
        self._storm = storm
        self._delivery = delivery
        self._events = events
        self._timezone = timezone

    def alert_for(self, mention: Mention, now: datetime) -> Alert | None:
        """Store and page the alert for a negative mention; None if it already exists.

        Held back instead of paged (and returned with state "held") when the on-duty
        manager already had more than the storm limit in the window, or when it is low
        priority in quiet hours; the every-minute job sends held alerts as one message.
        """
        policy = self._team.policy()
        chain = self._team.on_call(now).chain
        recipient = chain[0] if chain else UNASSIGNED
        if recipient == UNASSIGNED:
            log.error("nobody is on duty", extra={"fields": {"mention_id": mention.id}})
        rules = policy.rules(mention.priority, chain)
        card = message.card_for(mention)
        stored = message.render(card, None, timezone=self._timezone, band=rules.band)
        held_reason, release_at = self._storm.hold(mention.priority, recipient, policy, now)
        alert = Alert(
            id=alert_id_for(mention.id),
            kind="mention",
            recipient=recipient,
            created_at=iso(now),
            subject=stored.subject,
            body=stored.email,
            sms=stored.sms,
            mention_id=mention.id,
            priority=mention.priority,
            state="held" if held_reason else "pending",
            card=card,
            rules=rules.to_dict(),
            pending_page=None if held_reason else recipient,
            held_reason=held_reason,
            release_at=iso(release_at) if release_at else None,
        )
        index = held_until(iso(release_at)) if release_at else due_at(now + RESEND_AFTER)
        if not self._records.create(alert, index, now):
            return None
        self._storm.count(alert, now)
        self._mentions.set_status(mention.id, "alerted")
        if held_reason:
            log.info(
                "alert held for a grouped message",
                extra={"fields": {"alert_id": alert.id, "reason": held_reason}},
            )
        else:
            alert = self._delivery.deliver(alert, now)
        self._events.emit(alert, mention)
        return alert
