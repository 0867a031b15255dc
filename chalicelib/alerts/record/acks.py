"""Acknowledge and resolve a case; a grouped alert closes its members too.

Who may do it is decided before (`desk/case_desk.py` for case codes and board passes; the signed
links of `links.py` for links sent before the case desk, and for the local tools). The
state change is conditional on the state, holder and version read (`records.decided_on`),
so two taps (or a tap and an escalation, or a resolve and a hand-over) cannot both win;
it reaches the alert's mention, or every member of a grouped alert, moves the case on
the board (`cases.py`), and is told to the listeners.

Acknowledging makes the manager the case's `holder`. A case of a band with a response
target (`Settings.response_targets`) is then due again at its target: still unresolved,
its holder is reminded, then the backup (`followups.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ...errors import MalformedPayload, NotFound, TokenError
from ...logs import get_logger
from ...model import LESSON_LIMIT, OUTCOMES, Alert, iso, parse_time
from ...store import MentionStore
from ..roster.policy import Rules
from . import links
from .cases import OpenCases
from .events import Events
from .records import NO_INDEX, AlertRecords, decided_on, due_at, next_version

log = get_logger("alerts")

NOTE_LIMIT = 500
THEME_LIMIT = 60


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    changed: bool  # False when it was already acknowledged (or resolved)


class Acknowledgements:
    def __init__(
        self,
        *,
        records: AlertRecords,
        mentions: MentionStore,
        signing_key: Callable[[], str],
        events: Events,
        cases: OpenCases,
        targets: Mapping[str, int],
    ) -> None:
        self._records = records
        self._mentions = mentions
        self._signing_key = signing_key
        self._events = events
        self._cases = cases
        self._targets = targets

    # ------------------------------------------------------------ as a manager

    def acknowledge_as(self, alert: Alert, who: str, now: datetime) -> AckResult:
        if alert.state in ("acknowledged", "resolved"):
            return AckResult(alert, changed=False)
        stamps = {"acknowledged_at": iso(now), "acknowledged_by": who}
        changes = {
            "state": "acknowledged",
            **stamps,
            "holder": who,
            "pending_page": None,
            **next_version(alert),
            **self.reminder_index(alert, now),
        }
        if not self._records.change(alert.id, changes, expect=decided_on(alert)):
            return AckResult(self._records.get(alert.id) or alert, changed=False)
        acknowledged = alert.with_(
            state="acknowledged", holder=who, version=changes["version"], **stamps
        )
        self._cases.take(acknowledged, who)
        self._close_members(alert, "acknowledged", {**stamps, "holder": who})
        log.info(
            "alert acknowledged",
            extra={
                "fields": {
                    "alert_id": alert.id,
                    "by": who,
                    "seconds_to_ack": _seconds(alert.created_at, now),
                }
            },
        )
        self._events.emit(acknowledged)
        self._settle_incident(acknowledged, "acknowledged", stamps, who, now)
        return AckResult(acknowledged, True)

    def resolve_as(
        self,
        alert: Alert,
        who: str,
        now: datetime,
        *,
        note: str = "",
        outcome: str | None = None,
        lesson: str = "",
        lesson_theme: str = "",
    ) -> AckResult:
        """Resolve (acknowledging too, if nobody had), with how it ended
        (`model.OUTCOMES`) and, optionally, a lesson for the organisation."""
        if outcome is not None and outcome not in OUTCOMES:
            raise MalformedPayload(f"outcome must be one of {', '.join(OUTCOMES)}")
        if alert.state == "resolved":
            return AckResult(alert, changed=False)
        stamps = {
            "resolved_at": iso(now),
            "resolved_by": who,
            "resolution_note": _text(note, NOTE_LIMIT),
            "outcome": outcome,
            "lesson": _text(lesson, LESSON_LIMIT),
            "lesson_theme": _text(lesson_theme, THEME_LIMIT),
            "acknowledged_at": alert.acknowledged_at or iso(now),
            "acknowledged_by": alert.acknowledged_by or who,
        }
        changes: dict[str, Any] = {"state": "resolved", **stamps, "pending_page": None}
        changes |= {**NO_INDEX, **next_version(alert)}
        if not self._records.change(alert.id, changes, expect=decided_on(alert)):
            return AckResult(self._records.get(alert.id) or alert, changed=False)
        self._cases.close(alert)
        self._close_members(alert, "resolved", stamps)
        log.info(
            "alert resolved",
            extra={
                "fields": {
                    "alert_id": alert.id,
                    "by": who,
                    "outcome": outcome,
                    "seconds_to_resolve": _seconds(alert.created_at, now),
                }
            },
        )
        resolved = self._records.get(alert.id) or alert
        self._events.emit(resolved)
        self._settle_incident(resolved, "resolved", stamps, who, now)
        return AckResult(resolved, changed=True)

    def reminder_index(self, alert: Alert, now: datetime) -> dict[str, Any]:
        """When an acknowledged case is due again: at its band's response target."""
        minutes = self._targets.get(Rules.from_dict(alert.rules).band)
        if not minutes or alert.kind not in ("mention", "incident"):
            return NO_INDEX
        due = parse_time(alert.created_at) + timedelta(minutes=minutes)
        return due_at(max(due, now))

    # ------------------------------------------------------------ with a signed link

    def acknowledge(self, alert_id: str, token: str, now: datetime) -> AckResult:
        """Acknowledge with a signed link. Raises `TokenError` or `NotFound`."""
        alert, who = self._authorise(alert_id, token, now, "ack")
        return self.acknowledge_as(alert, who, now)

    def resolve(self, alert_id: str, token: str, now: datetime, **given: Any) -> AckResult:
        alert, who = self._authorise(alert_id, token, now, "resolve")
        return self.resolve_as(alert, who, now, **given)

    def authorise(self, alert_id: str, token: str, now: datetime, action: str) -> Alert:
        """The alert a link is for; raises `TokenError` or `NotFound` (changes nothing)."""
        return self._authorise(alert_id, token, now, action)[0]

    def authorise_with_recipient(
        self, alert_id: str, token: str, now: datetime, action: str
    ) -> tuple[Alert, str]:
        return self._authorise(alert_id, token, now, action)

    def _authorise(
        self, alert_id: str, token: str, now: datetime, action: str
    ) -> tuple[Alert, str]:
        claims = links.check_token(
            self._signing_key(), token, alert_id, now.timestamp(), action=action
        )
        alert = self._records.get(alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}")
        if claims.recipient not in alert.paged and claims.recipient != alert.recipient:
            raise TokenError("this link was sent to someone else")
        return alert, claims.recipient

    def _settle_incident(
        self, post: Alert, state: str, stamps: dict[str, Any], who: str, now: datetime
    ) -> None:
        """A post of an incident acted on by itself (an older link, a tool): once every
        post of the incident is acknowledged (resolved), so is the incident, and it stops
        escalating. The incident page acts on the incident first, so this is a no-op there."""
        if not post.incident_id:
            return
        incident = self._records.get(post.incident_id)
        if incident is None or incident.state in (state, "resolved"):
            return
        members = [self._records.get(m) for m in incident.members]
        done = ("acknowledged", "resolved") if state == "acknowledged" else ("resolved",)
        if any(m is not None and m.state not in done for m in members):
            return
        changes: dict[str, Any] = {**stamps, "state": state, "pending_page": None}
        changes["holder"] = incident.holder or who
        changes.update(self.reminder_index(incident, now) if state == "acknowledged" else NO_INDEX)
        if self._records.change(incident.id, changes, expect={"state": incident.state}):
            self._events.emit(incident.with_(state=state, holder=changes["holder"]))

    def _close_members(self, alert: Alert, state: str, stamps: dict[str, Any]) -> None:
        """The state change of an alert reaches its mention, or a group's members'."""
        if alert.mention_id:
            self._mentions.set_status(alert.mention_id, state)
        for member_id in alert.members:
            member = self._records.get(member_id)
            if member is None or member.state == "resolved":
                continue
            changes = {
                k: v
                for k, v in stamps.items()
                if k not in ("acknowledged_at", "acknowledged_by", "holder")
                or not member.acknowledged_at
            }
            changes = {**changes, "state": state, "pending_page": None}
            self._records.change(member_id, {**changes, **NO_INDEX})
            changed = member.with_(**{k: v for k, v in changes.items() if k != "pending_page"})
            if state == "resolved":
                self._cases.close(changed)
            elif changed.holder:
                self._cases.take(changed, changed.holder)
            if member.mention_id:
                self._mentions.set_status(member.mention_id, state)
            self._events.emit(changed)


def _text(value: str, limit: int) -> str | None:
    """Typed text as stored: whitespace folded, capped; None when nothing is left."""
    return " ".join(value.split())[:limit] or None


def _seconds(start: str, end: datetime) -> int:
    return int((end - parse_time(start)).total_seconds())
