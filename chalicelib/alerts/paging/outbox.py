"""A negative post's alert: stored first (the outbox), then paged, held or put on the board.

The alert's id is derived from its mention's id and written with a conditional put,
so one post yields one alert however often triage retries it. The rules that apply
(band, escalation minutes, the on-call chain now, the channels its band is routed to)
are copied onto it, so a later policy change never alters an alert under way. Stored
while nobody is on duty, it waits as "unassigned" for the every-minute job to give it
to whoever is on duty then. A band routed to no channel ("low=board") is not paged: the
case waits on the shift board (state "board").

A post that shares an open incident's cause joins the incident instead of paging
(`incidents/`): its alert is stored unpaged ("board", with `incident_id`) after it is
added to the incident, so a retry finds it a member already and adds it once. A paged
post with a shared cause is listed under it, for the posts after it to join.

After the page: the case joins the board's queue (`cases.py`) and the author's history
(`history.py`). A retry that finds the alert stored already puts its board entry again
(idempotent), so a failure between the two never leaves a case off the board.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ...errors import StoreError
from ...logs import get_logger
from ...model import Alert, Mention, alert_id_for, iso
from ...store import MentionStore
from ..record.cases import OpenCases, is_open
from ..record.events import Events
from ..record.records import NO_INDEX, AlertRecords, due_at, held_until
from ..roster.policy import Rules
from ..roster.team import Team
from . import message
from .delivery import UNASSIGNED, Delivery
from .history import AuthorHistory
from .incidents import Entry, Incidents, cause_of
from .storm import Storm

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
        cases: OpenCases,
        history: AuthorHistory,
        routing: Mapping[str, tuple[str, ...]],
        timezone: str,
        incidents: Incidents | None = None,
    ) -> None:
        self._incidents = incidents
        self._records = records
        self._mentions = mentions
        self._team = team
        self._storm = storm
        self._delivery = delivery
        self._events = events
        self._cases = cases
        self._history = history
        self._routing = routing
        self._timezone = timezone

    def alert_for(self, mention: Mention, now: datetime) -> Alert | None:
        """Store and page the alert for a negative mention; None if it already exists.

        Held back instead of paged (and returned with state "held") when the on-duty
        manager already had more than the storm limit in the window (never the high
        band), or when it is low priority in quiet hours; the every-minute job sends held
        alerts as one message. Not paged at all when its band is routed to the board.
        """
        cause = cause_of(mention, self._incidents.kinds) if self._incidents else None
        entry = self._incidents.match(cause, mention, now) if self._incidents and cause else None
        if entry is not None:
            joined = self._join(mention, entry, now, cause.places if cause else ())
            if not isinstance(joined, bool):
                return joined
        policy = self._team.policy()
        chain = self._team.on_call(now).chain
        recipient = chain[0] if chain else UNASSIGNED
        rules = policy.rules(mention.priority, chain)
        channels = tuple(self._routing.get(rules.band, ()))
        if recipient == UNASSIGNED and channels:
            log.error("nobody is on duty", extra={"fields": {"mention_id": mention.id}})
        held_reason, release_at = (
            self._storm.hold(mention.priority, recipient, policy, now) if channels else (None, None)
        )
        state = "held" if held_reason else ("pending" if channels else "board")
        alert = self._new(
            mention,
            rules,
            now,
            recipient=recipient,
            state=state,
            pending_page=recipient if state == "pending" else None,
            held_reason=held_reason,
            release_at=iso(release_at) if release_at else None,
            channels=channels,
        )
        index: Mapping[str, str | None]
        if state == "held":
            index = held_until(iso(release_at or now))
        elif state == "pending":
            index = due_at(now + RESEND_AFTER)
        else:
            index = NO_INDEX
        if not self._records.create(alert, index, now):
            self._again(alert.id)
            return None
        self._storm.count(alert, now)
        self._mentions.set_status(mention.id, "alerted")
        if held_reason:
            log.info(
                "alert held for a grouped message",
                extra={"fields": {"alert_id": alert.id, "reason": held_reason}},
            )
        elif state == "pending":
            alert = self._delivery.deliver(alert, now)
        self._cases.add(alert)  # raising here: triage retries, `_again` puts it on the board
        self._remember(mention, alert, now)
        self._events.emit(alert, mention, created=True)
        if cause is not None and self._incidents and alert.state in ("pending", "sent"):
            self._incidents.register(cause, alert, now)
        return alert

    def _join(
        self, mention: Mention, entry: Entry, now: datetime, places: Sequence[str]
    ) -> Alert | bool | None:
        # (True never comes back; False: page on its own, None: a duplicate)
        """Store `mention`'s alert as a post of `entry`'s incident, unpaged; None if it
        was stored already, False when the incident is closed (page it on its own)."""
        assert self._incidents is not None
        policy = self._team.policy()
        rules = policy.rules(mention.priority, self._team.on_call(now).chain)
        alert = self._new(
            mention, rules, now, recipient=UNASSIGNED, state="board", incident_id=entry.id
        )
        incident = self._incidents.join(entry, alert, mention.author.followers, now, places)
        if incident is None:
            return False
        alert = alert.with_(recipient=incident.recipient)
        if not self._records.create(alert, NO_INDEX, now):
            return None
        self._storm.count(alert, now)
        self._mentions.set_status(mention.id, "alerted")
        self._cases.add(alert)
        self._remember(mention, alert, now)
        self._events.emit(alert, mention, created=True)
        log.info(
            "post joined an incident",
            extra={"fields": {"alert_id": alert.id, "incident_id": entry.id}},
        )
        return alert

    def _new(self, mention: Mention, rules: Rules, now: datetime, **fields: Any) -> Alert:
        """The alert of `mention`, its stored texts rendered (no links yet)."""
        card = message.card_for(mention)
        stored = message.render(
            card, None, timezone=self._timezone, lang=self._delivery.team_lang, band=rules.band
        )
        return Alert(
            id=alert_id_for(mention.id),
            kind="mention",
            created_at=iso(now),
            subject=stored.subject,
            body=stored.email,
            sms=stored.sms,
            mention_id=mention.id,
            priority=mention.priority,
            card=card,
            rules=rules.to_dict(),
            **fields,
        )

    def _again(self, alert_id: str) -> None:
        """A retry of a post already alerted: make sure its case is on the board."""
        existing = self._records.get(alert_id)
        if existing is not None and is_open(existing) and existing.state != "acknowledged":
            self._cases.add(existing)

    def _remember(self, mention: Mention, alert: Alert, now: datetime) -> None:
        try:
            self._history.record(mention, alert, now)
        except StoreError:  # the case page shows less history; the case itself is fine
            log.warning(
                "author history not updated",
                exc_info=True,
                extra={"fields": {"alert_id": alert.id}},
            )
