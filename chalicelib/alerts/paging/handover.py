"""Handing cases over: to a named colleague from the case page, and at each shift change.

A handover makes the colleague the case's `holder` (and counts as acknowledging it: a
person has decided who handles it, so escalation stops), records ``{from, to, at, note,
reason}``, restarts the reminder clock, moves the case on the board and sends the
colleague the case with a code of their own. It is written only over the holder, state
and version it was decided on (`records.decided_on`): of two racing hand-overs (a
colleague's and the shift change's) one wins, the other changes nothing and says so,
and the history keeps every hand-over that happened.

At a shift change (the every-minute job sees another primary than `keys.SHIFT` says)
the outgoing primary's open cases pass to the incoming one, who gets one message:
"5 open cases, oldest waiting 42 min" and the board link. The conditional update of
`keys.SHIFT` makes one run, of any that overlap, do it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ...errors import MalformedPayload
from ...i18n import N_
from ...logs import get_logger
from ...model import Alert, iso
from ...store import StateTable, keys
from ..record.acks import Acknowledgements, AckResult
from ..record.cases import OpenCases, age_minutes
from ..record.events import Events
from ..record.records import AlertRecords, decided_on, next_version
from ..roster.team import Team
from . import message, sms
from .delivery import Delivery
from .tick import Tick

log = get_logger("alerts")

NOTE_LIMIT = 300
HANDOVER_CHANNELS = ("sms", "email")


class Handovers:
    def __init__(
        self,
        *,
        state: StateTable,
        records: AlertRecords,
        team: Team,
        cases: OpenCases,
        acks: Acknowledgements,
        delivery: Delivery,
        events: Events,
        timezone: str,
        incidents_held: Callable[[str], list[Alert]] = lambda manager: [],
    ) -> None:
        self._incidents_held = incidents_held  # a manager's open incidents pass on too
        self._state = state
        self._records = records
        self._team = team
        self._cases = cases
        self._acks = acks
        self._delivery = delivery
        self._events = events
        self._timezone = timezone

    def hand_over(
        self,
        alert: Alert,
        who: str,
        to: str,
        now: datetime,
        *,
        note: str = "",
        reason: str = "colleague",
    ) -> AckResult:
        """`who` gives the case to `to`; raises `MalformedPayload` for a bad colleague."""
        if to == who or self._team.manager(to) is None:
            raise MalformedPayload(N_("hand over to a colleague from the list"))
        if alert.state == "resolved":
            return AckResult(alert, changed=False)
        step = {"from": who, "to": to, "at": iso(now), "note": " ".join(note.split())[:NOTE_LIMIT]}
        step["reason"] = reason
        changes: dict[str, Any] = {
            "holder": to,
            "state": "acknowledged",
            "acknowledged_at": alert.acknowledged_at or iso(now),
            "acknowledged_by": alert.acknowledged_by or who,
            "pending_page": None,
            "handovers": [*alert.handovers, step],
            "paged": list(dict.fromkeys((*alert.paged, to))),
            "reminders": 0,
            **next_version(alert),
            **self._acks.reminder_index(alert, now),
        }
        if not self._records.change(alert.id, changes, expect=decided_on(alert)):
            return AckResult(self._records.get(alert.id) or alert, changed=False)
        moved = self._records.get(alert.id) or alert
        self._cases.take(moved, to, previous=alert.holder)
        log.info(
            "case handed over",
            extra={"fields": {"alert_id": alert.id, "from": who, "to": to, "reason": reason}},
        )
        if reason == "colleague":
            self._tell(moved, to, who, step["note"], now)
        self._events.emit(moved)
        return AckResult(moved, changed=True)

    def _tell(self, alert: Alert, to: str, who: str, note: str, now: datetime) -> None:
        lang = self._delivery.lang(to)
        said = f' "{note}"' if note else ""
        headline = lang._(
            "HANDED OVER by %(who)s:%(said)s the case is yours now.", who=who, said=said
        )
        rendered = self._delivery.render(alert, to, now, note=headline, tag=message.HANDED_OVER)
        channels = self._delivery.channels_for(alert, to, now)
        self._delivery.send(to, rendered, "handover", channels, alert.id)

    # ------------------------------------------------------------ shift change

    def shift_change(self, now: datetime, tick: Tick) -> None:
        incoming = self._team.on_duty(now)
        current = self._state.get(keys.SHIFT)
        if current is None:
            self._state.put_new(keys.SHIFT, {"primary": incoming or "", "since": iso(now)})
            return
        outgoing = str(current.get("primary") or "")
        if outgoing == (incoming or ""):
            return
        if not self._state.update(
            keys.SHIFT, {"primary": incoming or "", "since": iso(now)}, expect={"primary": outgoing}
        ):
            return  # another run saw the change first
        if not incoming:
            log.error("shift change: nobody on duty now", extra={"fields": {"was": outgoing}})
            return
        if outgoing:
            for alert in [*self._cases.held(outgoing), *self._incidents_held(outgoing)]:
                self.hand_over(alert, outgoing, incoming, now, reason="shift change")
        waiting = self._cases.waiting()
        held = self._cases.held(incoming)
        self._greet(incoming, [*waiting, *held], now)
        tick.handed_over.append(incoming)

    def _greet(self, manager: str, open_cases: list[Alert], now: datetime) -> None:
        count = len(open_cases)
        oldest = max((age_minutes(a, now) for a in open_cases), default=0)
        cases = f"{count} open case" + ("" if count == 1 else "s")
        summary = f"{cases}, oldest waiting {oldest} min" if count else "no open cases"
        board = self._delivery.links.board(manager, now)
        top = sorted(open_cases, key=lambda a: (-a.priority, a.created_at))[:10]
        lines = [f"Your shift has begun: {summary}.", "", f"Your shift board: {board}"]
        if top:
            lines += ["", "Most urgent:"]
            lines += [
                f"- P{round(a.priority)} {a.card.get('source')} @{a.card.get('handle')}:"
                f" {message.first_words(str(a.card.get('excerpt', '')), 80)}"
                f" ({age_minutes(a, now)} min)"
                for a in top
            ]
        rendered = message.Rendered(
            message.subject_line(f"[Shift] {summary}"),
            "\n".join(lines),
            sms.compose(f"Your shift: {summary}. Board:", board),
        )
        self._delivery.send(manager, rendered, "handover", HANDOVER_CHANNELS)
