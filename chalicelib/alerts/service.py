"""The alert outbox: store the alert, then send it; resend what failed; acknowledge.

An alert's id is derived from its mention's id and is written with a conditional put,
so one post yields one alert however often it is retried. An alert is stored
`pending` before it is published and marked `sent` after; the every-minute job
resends alerts left `pending` (SNS failed, or the Lambda died in between).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..errors import DeliveryError
from ..logs import get_logger
from ..model import Alert, Mention, alert_id_for, iso, parse_time
from ..store import MentionStore, StateStore
from . import links, message
from .notify import Notifier
from .team import Team

log = get_logger("alerts")

PENDING = "alerts#pending"
OPEN = "alerts#open"
RESEND_AFTER = timedelta(seconds=30)
UNASSIGNED = "unassigned"


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    changed: bool  # False when it was already acknowledged


def _key(alert_id: str) -> tuple[str, str]:
    return f"alert#{alert_id}", "alert"


class AlertService:
    def __init__(
        self,
        *,
        state: StateStore,
        mentions: MentionStore,
        notifier: Notifier,
        team: Team,
        signing_key: Callable[[], str],
        base_url: str,
        timezone: str,
    ) -> None:
        self._state = state
        self._mentions = mentions
        self._notifier = notifier
        self._team = team
        self._signing_key = signing_key
        self._base_url = base_url
        self._timezone = timezone

    def get(self, alert_id: str) -> Alert | None:
        data = self._state.get(*_key(alert_id))
        return Alert.from_dict(data) if data else None

    def alert_for(self, mention: Mention, now: datetime) -> Alert | None:
        """Store and send the alert for a negative mention; None if it already exists."""
        recipient = self._team.on_duty(now)
        if recipient is None:
            log.error(
                "nobody is on duty: alert stored unassigned",
                extra={"fields": {"mention_id": mention.id}},
            )
            recipient = UNASSIGNED
        alert_id = alert_id_for(mention.id)
        ack_url = self._ack_url(alert_id, recipient, now)
        alert = Alert(
            id=alert_id,
            kind="mention",
            recipient=recipient,
            created_at=iso(now),
            subject=message.subject(mention),
            body=message.email_body(mention, ack_url, self._timezone),
            sms=message.sms_body(mention, ack_url),
            mention_id=mention.id,
            priority=mention.priority,
        )
        item = {**alert.to_dict(), "gsi1pk": PENDING, "gsi1sk": alert.created_at}
        if not self._state.put_new(*_key(alert_id), item):
            return None
        self._mentions.set_status(mention.id, "alerted")
        return self._send(alert, now)

    def resend_pending(self, now: datetime) -> list[Alert]:
        """Send alerts left pending for longer than `RESEND_AFTER`."""
        sent = []
        for item in self._state.query_index(PENDING, until=iso(now - RESEND_AFTER)):
            alert = Alert.from_dict(item)
            if alert.recipient == UNASSIGNED:
                continue
            sent.append(self._send(alert, now))
        return sent

    def _send(self, alert: Alert, now: datetime) -> Alert:
        key = _key(alert.id)
        try:
            self._notifier.publish(
                alert.recipient, alert.subject, alert.body, alert.sms, alert.kind
            )
        except DeliveryError:
            log.warning(
                "alert not sent; will retry",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id, "attempts": alert.attempts + 1}},
            )
            self._state.update(*key, {"attempts": alert.attempts + 1})
            return alert.with_(attempts=alert.attempts + 1)
        changes = {
            "state": "sent",
            "sent_at": iso(now),
            "attempts": alert.attempts + 1,
            "gsi1pk": OPEN,
        }
        self._state.update(*key, changes, expect={"state": "pending"})
        log.info(
            "alert sent", extra={"fields": {"alert_id": alert.id, "recipient": alert.recipient}}
        )
        return alert.with_(state="sent", sent_at=changes["sent_at"], attempts=changes["attempts"])

    def acknowledge(self, alert_id: str, token: str, now: datetime) -> AckResult:
        """Acknowledge with a signed link. Raises `links.TokenError` or `LookupError`."""
        claims = links.check_token(self._signing_key(), token, alert_id, now.timestamp())
        alert = self.get(alert_id)
        if alert is None:
            raise LookupError(alert_id)
        if claims.recipient != alert.recipient:
            raise links.TokenError("this link was sent to someone else")
        if alert.state in ("acknowledged", "resolved"):
            return AckResult(alert, changed=False)
        changes = {
            "state": "acknowledged",
            "acknowledged_at": iso(now),
            "acknowledged_by": claims.recipient,
            "gsi1pk": None,
            "gsi1sk": None,
        }
        if not self._state.update(*_key(alert_id), changes, expect={"state": alert.state}):
            return AckResult(self.get(alert_id) or alert, changed=False)
        if alert.mention_id:
            self._mentions.set_status(alert.mention_id, "acknowledged")
        log.info(
            "alert acknowledged",
            extra={
                "fields": {"alert_id": alert_id, "seconds_to_ack": _seconds(alert.created_at, now)}
            },
        )
        return AckResult(
            alert.with_(
                state="acknowledged", acknowledged_at=iso(now), acknowledged_by=claims.recipient
            ),
            changed=True,
        )

    def _ack_url(self, alert_id: str, recipient: str, now: datetime) -> str:
        token = links.make_token(self._signing_key(), alert_id, recipient, now.timestamp())
        return links.link(self._base_url, alert_id, token)


def _seconds(start: str, end: datetime) -> int:
    return int((end - parse_time(start)).total_seconds())
