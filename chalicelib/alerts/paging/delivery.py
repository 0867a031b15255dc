"""Sending an alert's pending page: render it for its recipient, publish, record it.

A page is recorded on the alert as `pending_page` before it is published and cleared
after (conditional on it still being pending), so the every-minute job resends what SNS
refused or what a crash left in between; at least once, never lost. Recording a page SNS
accepted is retried in place, because failing there would make the job send it again.

Each page carries a case code of its own recipient's, stored before the publish, and goes
to the channels its band is routed to (`alert.channels`), SMS only while the recipient's
team's SMS budget lasts. A page SNS refuses for good (`PageRefused`), or after
`MAX_PAGE_ATTEMPTS`, is sent in its plain form (a fixed subject, no network text, the case
link); refused again, the next person in the chain is paged at once, and when there is
nobody left the alert is "failed" — logged as an error, still open on the board.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from ...errors import DeliveryError, PageRefused, StoreError
from ...i18n import DEFAULT, Lang, choose
from ...logs import get_logger
from ...model import Alert, iso
from ..record.records import NO_INDEX, AlertRecords, due_at
from ..roster.policy import RESOLVE_TTL_FACTOR, Rules
from ..roster.team import Team
from . import message, sms
from .budget import PhoneBudget
from .linking import CaseLinks
from .notify import Notifier

log = get_logger("alerts")

UNASSIGNED = "unassigned"
# Recording a page SNS accepted: failing here sends it twice, so it is tried for ~1.5 s
# (at 5 % injected faults, 3 tries left ~1 page in 8,000 sent twice; 6 tries, 1 in 60M).
RECORD_ATTEMPTS = 6
RECORD_BACKOFF_SECONDS = 0.05
MAX_PAGE_ATTEMPTS = 5


class Delivery:
    def __init__(
        self,
        *,
        records: AlertRecords,
        notifier: Notifier,
        team: Team,
        links: CaseLinks,
        budget: PhoneBudget,
        timezone: str,
        locale: str = DEFAULT,
    ) -> None:
        self._records = records
        self._notifier = notifier
        self._team = team
        self.links = links
        self.budget = budget
        self._timezone = timezone
        self.team_lang = Lang(locale)

    def lang(self, recipient: str) -> Lang:
        """The language `recipient` reads: their own choice, else the team's."""
        return Lang(choose(self._team.locale_of(recipient), self.team_lang.code))

    def deliver(self, alert: Alert, now: datetime) -> Alert:
        """Publish the alert's pending page; record it, or count the failed attempt."""
        recipient = alert.pending_page
        if not recipient or recipient == UNASSIGNED:
            return alert
        rules = Rules.from_dict(alert.rules)
        channels = self.channels_for(alert, recipient, now)
        try:
            lang = self.lang(recipient)
            rendered = self.render(alert, recipient, now, note=escalation_note(alert, rules, lang))
            self._notifier.publish(
                recipient,
                rendered.subject,
                rendered.email,
                rendered.sms,
                alert.kind,
                alert.id,
                channels=channels,
            )
        except DeliveryError as error:
            return self._failed(alert, recipient, now, error, rules)
        at = iso(now)
        next_at = now + timedelta(minutes=rules.escalate_after_minutes)
        paged = alert.paged if recipient in alert.paged else (*alert.paged, recipient)
        page = {
            "escalation_level": alert.escalation_level,
            "recipient": recipient,
            "at": at,
            "channels": list(channels),
        }
        changes: dict[str, Any] = {
            "state": "sent",
            "sent_at": alert.sent_at or at,
            "last_sent_at": at,
            "attempts": alert.attempts + 1,
            "page_attempts": 0,
            "plain": False,
            "pending_page": None,
            "paged": list(paged),
            "pages": [*alert.pages, page],
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
                    "channels": list(channels),
                }
            },
        )
        return alert.with_(
            state="sent",
            sent_at=changes["sent_at"],
            last_sent_at=at,
            attempts=changes["attempts"],
            page_attempts=0,
            plain=False,
            pending_page=None,
            paged=paged,
            pages=(*alert.pages, page),
            next_escalation_at=iso(next_at),
        )

    def render(
        self,
        alert: Alert,
        recipient: str,
        now: datetime,
        *,
        note: str = "",
        tag: str = message.ESCALATED,
    ) -> message.Rendered:
        """The page for `recipient`, with a case code of theirs (stored first)."""
        ttl = timedelta(hours=self._team.policy().link_ttl_hours * RESOLVE_TTL_FACTOR)
        links = self.links.for_page(alert.id, recipient, now, ttl)
        band = Rules.from_dict(alert.rules).band
        lang = self.lang(recipient)
        if alert.plain:
            return plain(alert, links, band, lang)
        return message.render(
            alert.card, links, timezone=self._timezone, lang=lang, band=band, note=note, tag=tag
        )

    def channels_for(self, alert: Alert, recipient: str, now: datetime) -> tuple[str, ...]:
        """The alert's channels for `recipient` now: SMS only within the SMS budget."""
        channels = alert.channels or ("email",)  # a page always reaches somebody
        if "sms" in channels and not self.budget.take(now, alert.priority):
            self.budget.miss(recipient, now)
            channels = tuple(c for c in channels if c != "sms") or ("email",)
        return channels

    def _failed(
        self, alert: Alert, recipient: str, now: datetime, error: DeliveryError, rules: Rules
    ) -> Alert:
        attempts = alert.page_attempts + 1
        final = isinstance(error, PageRefused) or attempts >= MAX_PAGE_ATTEMPTS
        changes: dict[str, Any] = {"attempts": alert.attempts + 1, "page_attempts": attempts}
        if final and not alert.plain:
            changes.update(page_attempts=0, plain=True, **due_at(now))
            what = "page refused; the next run sends its plain form"
        elif final:
            changes.update(self._give_up(alert, recipient, now, str(error), rules))
            what = "page refused in its plain form too; " + (
                "paging the next in the chain" if changes.get("pending_page") else "nobody left"
            )
        else:
            what = "page not sent; will retry"
        fields = {"alert_id": alert.id, "recipient": recipient, "attempts": attempts}
        (log.error if changes.get("state") == "failed" else log.warning)(
            what, exc_info=True, extra={"fields": fields}
        )
        self._records.change(alert.id, changes, expect={"pending_page": recipient})
        return alert.with_(**{k: v for k, v in changes.items() if k in Alert.__dataclass_fields__})

    def _give_up(
        self, alert: Alert, recipient: str, now: datetime, reason: str, rules: Rules
    ) -> dict[str, Any]:
        failed = [*alert.failed_pages, {"recipient": recipient, "at": iso(now), "reason": reason}]
        level = alert.escalation_level + 1
        following = rules.recipient(level)
        if following is None:
            return {
                "state": "failed",
                "failed_pages": failed,
                "pending_page": None,
                "exhausted_at": iso(now),
                **NO_INDEX,
            }
        return {
            "failed_pages": failed,
            "escalation_level": level,
            "escalated_at": iso(now),
            "pending_page": following,
            "page_attempts": 0,
            "plain": False,
            **due_at(now),
        }

    def _record_page(self, alert_id: str, changes: dict[str, Any], recipient: str) -> bool:
        for attempt in range(RECORD_ATTEMPTS):
            try:
                return self._records.change(alert_id, changes, expect={"pending_page": recipient})
            except StoreError:
                if attempt == RECORD_ATTEMPTS - 1:
                    raise
                time.sleep(RECORD_BACKOFF_SECONDS * 2**attempt)
        return False

    def send(
        self,
        recipient: str,
        rendered: message.Rendered,
        kind: str,
        channels: tuple[str, ...],
        alert_id: str = "",
    ) -> bool:
        """A message that is not a page (reminder, handover, catch-up); False if refused."""
        try:
            self._notifier.publish(
                recipient,
                rendered.subject,
                rendered.email,
                rendered.sms,
                kind,
                alert_id,
                channels=channels,
            )
        except DeliveryError:
            log.warning(
                "message not sent; the next run tries again",
                exc_info=True,
                extra={"fields": {"recipient": recipient, "kind": kind, "alert_id": alert_id}},
            )
            return False
        return True


def plain(alert: Alert, links: message.Links, band: str, lang: Lang) -> message.Rendered:
    """The page with nothing from the network in it: what SNS cannot refuse for its text."""
    priority = int(alert.priority)
    named = message.band_name(band, lang).lower() if band else ""
    head = f"{lang.gettext('CASE')} P{priority} {named}".strip()
    email = "\n".join(
        (
            lang._(
                "A case (priority %(priority)s, %(band)s) is waiting.",
                priority=priority,
                band=named or lang.gettext("band unknown"),
            ),
            lang.gettext("Its text could not be sent here; everything is on the case page."),
            "",
            lang._("Open the case: %(url)s", url=links.case),
            lang._("Your shift board: %(url)s", url=links.board),
        )
    )
    subject = f"{lang.gettext('Webcare case')} P{priority}"
    return message.Rendered(subject, email, sms.compose(head, links.case))


def escalation_note(alert: Alert, rules: Rules, lang: Lang) -> str:
    failed = [f["recipient"] for f in alert.failed_pages if f["recipient"] not in alert.paged]
    step = alert.escalation_level + 1
    if alert.escalation_level and failed:
        return lang._(
            "ESCALATED (step %(step)s): %(who)s could not be paged.",
            step=step,
            who=", ".join(failed),
        )
    if alert.escalation_level == 0 or not alert.paged:
        return ""
    return lang._(
        "ESCALATED (step %(step)s): not acknowledged by %(who)s within %(minutes)s min.",
        step=step,
        who=", ".join(alert.paged),
        minutes=rules.escalate_after_minutes,
    )
