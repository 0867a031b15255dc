"""Acknowledge and resolve, from a signed link; a grouped alert closes its members too.

A link's token is bound to one alert, one action and one recipient (`links.py`); the
recipient must be someone the alert was sent to. The state change is conditional on the
state read, so two taps (or a tap and an escalation) cannot both win; it reaches the
alert's mention, or every member of a grouped alert, and is told to the listeners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import MalformedPayload, NotFound, TokenError
from ..logs import get_logger
from ..model import LESSON_LIMIT, OUTCOMES, Alert, iso, parse_time
from ..store import MentionStore
from . import links
from .events import Events
from .records import NO_INDEX, AlertRecords

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
    ) -> None:
        self._records = records
        self._mentions = mentions
        self._signing_key = signing_key
        self._events = events

    def acknowledge(self, alert_id: str, token: str, now: datetime) -> AckResult:
        """Acknowledge with a signed link. Raises `TokenError` or `NotFound`."""
        alert, who = self._authorise(alert_id, token, now, "ack")
        if alert.state in ("acknowledged", "resolved"):
            return AckResult(alert, changed=False)
        stamps = {"acknowledged_at": iso(now), "acknowledged_by": who}
        changes = {"state": "acknowledged", **stamps, "pending_page": None, **NO_INDEX}
        if not self._records.change(alert_id, changes, expect={"state": alert.state}):
            return AckResult(self._records.get(alert_id) or alert, changed=False)
        acknowledged = alert.with_(state="acknowledged", **stamps)
        self._close_members(alert, "acknowledged", stamps)
        log.info(
            "alert acknowledged",
            extra={
                "fields": {
                    "alert_id": alert_id,
                    "by": who,
                    "seconds_to_ack": _seconds(alert.created_at, now),
                }
            },
        )
        self._events.emit(acknowledged)
        return AckResult(acknowledged, True)

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
        """Resolve with a signed link (acknowledging too, if nobody had), with how it
        ended (`model.OUTCOMES`) and, optionally, a lesson for the organisation."""
        if outcome is not None and outcome not in OUTCOMES:
            raise MalformedPayload(f"outcome must be one of {', '.join(OUTCOMES)}")
        alert, who = self._authorise(alert_id, token, now, "resolve")
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
        changes = {"state": "resolved", **stamps, "pending_page": None, **NO_INDEX}
        if not self._records.change(alert_id, changes, expect={"state": alert.state}):
            return AckResult(self._records.get(alert_id) or alert, changed=False)
        self._close_members(alert, "resolved", stamps)
        log.info(
            "alert resolved",
            extra={
                "fields": {
                    "alert_id": alert_id,
                    "by": who,
                    "seconds_to_resolve": _seconds(alert.created_at, now),
                }
            },
        )
        resolved = self._records.get(alert_id) or alert
        self._events.emit(resolved)
        return AckResult(resolved, changed=True)

    def authorise(self, alert_id: str, token: str, now: datetime, action: str) -> Alert:
        """The alert a link is for; raises `TokenError` or `NotFound` (changes nothing)."""
        return self._authorise(alert_id, token, now, action)[0]

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
                if k not in ("acknowledged_at", "acknowledged_by") or not member.acknowledged_at
            }
            self._records.change(member_id, {**changes, "state": state})
            if member.mention_id:
                self._mentions.set_status(member.mention_id, state)
            self._events.emit(member.with_(**{**changes, "state": state}))


def _text(value: str, limit: int) -> str | None:
    """Typed text as stored: whitespace folded, capped; None when nothing is left."""
    return " ".join(value.split())[:limit] or None


def _seconds(start: str, end: datetime) -> int:
    return int((end - parse_time(start)).total_seconds())
