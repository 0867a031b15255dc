"""Sending an alert's pending page: render it for its recipient, publish, record it.

A page is recorded on the alert as `pending_page` before it is published and cleared
after (conditional on it still being pending), so the every-minute job resends what SNS
refused or what a crash left in between; at least once, never lost. Recording a page SNS
accepted is retried in place, because failing there would make the job send it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..errors import DeliveryError, StoreError
from ..logs import get_logger
from ..model import Alert, iso
from . import links, message
from .notify import Notifier
from .policy import Policy, Rules
from .records import AlertRecords, due_at
from .team import Team

log = get_logger("alerts")

UNASSIGNED = "unassigned"
RECORD_ATTEMPTS = 3
RECORD_BACKOFF_SECONDS = 0.05
RESOLVE_TTL_FACTOR = 3  # resolve links live three times as long as acknowledge links


class Delivery:
    def __init__(
        self,
        *,
        records: AlertRecords,
        notifier: Notifier,
        team: Team,
        signing_key: Callable[[], str],
        base_url: str,
        timezone: str,
    ) -> None:
        self._records = records
        self._notifier = notifier
        self._team = team
        self._signing_key = signing_key
        self._base_url = base_url
        self._timezone = timezone

    def deliver(self, alert: Alert, now: datetime) -> Alert:
        """Publish the alert's pending page; record it, or count the failed attempt."""
        recipient = alert.pending_page
        if not recipient or recipient == UNASSIGNED:
            return alert
        rules = Rules.from_dict(alert.rules)
        rendered = message.render(
            alert.card,
            self._links(alert.id, recipient, now, self._team.policy()),
            timezone=self._timezone,
            band=rules.band,
            note=escalation_note(alert, rules),
        )
        try:
            self._notifier.publish(
                recipient, rendered.subject, rendered.email, rendered.sms, alert.kind, alert.id
            )
        except DeliveryError:
            log.warning(
                "page not sent; will retry",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id, "attempts": alert.attempts + 1}},
            )
            self._records.change(alert.id, {"attempts": alert.attempts + 1})
            return alert.with_(attempts=alert.attempts + 1)
        at = iso(now)
        next_at = now + timedelta(minutes=rules.escalate_after_minutes)
        paged = alert.paged if recipient in alert.paged else (*alert.paged, recipient)
        pages = (
            *alert.pages,
            {"escalation_level": alert.escalation_level, "recipient": recipient, "at": at},
        )
        changes: dict[str, Any] = {
            "state": "sent",
            "sent_at": alert.sent_at or at,
            "last_sent_at": at,
            "attempts": alert.attempts + 1,
            "pending_page": None,
            "paged": list(paged),
            "pages": list(pages),
            "next_escalation_at": iso(next_at),
            **due_at(next_at),
        }
        try:
            recorded = self._record_page(alert.id, changes, recipient)
        except StoreError:
            # SNS has the page; the next run may send it once more (at least once, never lost)
            log.error(
                "page sent but not recorded; it may be sent again",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id, "recipient": recipient}},
            )
            return alert.with_(state="sent", pending_page=None, attempts=alert.attempts + 1)
        if not recorded:
            return self._records.get(alert.id) or alert  # another run delivered it
        log.info(
            "page sent",
            extra={
                "fields": {
                    "alert_id": alert.id,
                    "recipient": recipient,
                    "escalation_level": alert.escalation_level,
                }
            },
        )
        return alert.with_(
            state="sent",
            sent_at=changes["sent_at"],
            last_sent_at=at,
            attempts=changes["attempts"],
            pending_page=None,
            paged=paged,
            pages=pages,
            next_escalation_at=iso(next_at),
        )

    def _record_page(self, alert_id: str, changes: dict[str, Any], recipient: str) -> bool:
        for attempt in range(RECORD_ATTEMPTS):
            try:
                return self._records.change(alert_id, changes, expect={"pending_page": recipient})
            except StoreError:
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
                time.sleep(RECORD_BACKOFF_SECONDS * 2**attempt)
        return False

    def _links(self, alert_id: str, recipient: str, now: datetime, policy: Policy) -> message.Links:
        key = self._signing_key()
        ttl = policy.link_ttl_hours * 3600
        ack = links.make_token(key, alert_id, recipient, now.timestamp(), ttl=ttl)
        resolve = links.make_token(
            key,
            alert_id,
            recipient,
            now.timestamp(),
            action="resolve",
            ttl=ttl * RESOLVE_TTL_FACTOR,
        )
        return message.Links(
            ack=links.link(self._base_url, alert_id, ack),
            resolve=links.link(self._base_url, alert_id, resolve, action="resolve"),
        )


def escalation_note(alert: Alert, rules: Rules) -> str:
    if alert.escalation_level == 0 or not alert.paged:
        return ""
    return (
        f"ESCALATED (step {alert.escalation_level + 1}): not acknowledged by"
        f" {', '.join(alert.paged)} within {rules.escalate_after_minutes} min."
    )
