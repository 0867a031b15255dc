"""Every minute, after the pages: reminders on cases left open, and the phone's catch-up.

Reminders: an acknowledged case still unresolved at its band's response target (due on
`keys.DUE_INDEX` since it was acknowledged) reminds its holder once; still unresolved one
target later, it goes to the backup (the next in the on-call chain after the holder),
who gets a case code of their own. `reminders` (0, 1, 2) guards each step, so two
overlapping runs never send one twice.

Catch-up: a manager whose pages the SMS budget kept off their phone (`budget.py`) gets one
SMS as soon as the budget allows again (from its part not kept for urgent posts): how
many, since when, and the board link — unless nothing of theirs is still waiting (they
took the e-mailed cases already).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ...model import Alert, iso
from ..record.cases import OpenCases, age_minutes
from ..record.records import NO_INDEX, AlertRecords, due_at
from ..roster.policy import Rules
from ..roster.team import Team
from . import message, sms
from .delivery import Delivery
from .escalation import isolated
from .tick import Tick


class Followups:
    def __init__(
        self,
        *,
        records: AlertRecords,
        team: Team,
        delivery: Delivery,
        cases: OpenCases,
        targets: Mapping[str, int],
        timezone: str,
    ) -> None:
        self._cases = cases
        self._records = records
        self._team = team
        self._delivery = delivery
        self._targets = targets
        self._timezone = timezone

    def remind(self, now: datetime, tick: Tick) -> None:
        for alert in self._records.due(now):
            if alert.state == "acknowledged" and alert.holder:
                isolated(alert, tick, functools.partial(self._remind_one, alert, now, tick))

    def _remind_one(self, alert: Alert, now: datetime, tick: Tick) -> None:
        minutes = self._targets.get(Rules.from_dict(alert.rules).band)
        holder = str(alert.holder)
        expect = {"state": "acknowledged", "reminders": alert.reminders, "holder": holder}
        if not minutes or alert.reminders >= 2:
            self._records.change(alert.id, dict(NO_INDEX), expect=expect)
            return
        age = age_minutes(alert, now)
        if alert.reminders == 0:
            to: str | None = holder
            lang = self._delivery.lang(holder)
            note = lang._(
                "REMINDER: open %(age)s min, target %(target)s min, and still yours.",
                age=age,
                target=minutes,
            )
            later = due_at(now + timedelta(minutes=minutes))
            changes = {"reminders": 1, "reminded_at": iso(now), **later}
        else:
            to = self._backup(holder, now)
            lang = self._delivery.lang(to or holder)
            note = lang._(
                "ESCALATED: held by %(holder)s, still open after %(age)s min (target %(target)s).",
                holder=holder,
                age=age,
                target=minutes,
            )
            changes = {"reminders": 2, "reminder_escalated_at": iso(now), **NO_INDEX}
            if to:
                changes["paged"] = list(dict.fromkeys((*alert.paged, to)))
        if not self._records.change(alert.id, changes, expect=expect):
            return  # resolved, handed over or reminded meanwhile
        if to is None:
            return  # nobody to escalate to: the holder was reminded, the board shows it
        tag = message.REMINDER if alert.reminders == 0 else message.ESCALATED
        rendered = self._delivery.render(alert, to, now, note=note, tag=tag)
        channels = self._delivery.channels_for(alert, to, now)
        if self._delivery.send(to, rendered, "reminder", channels, alert.id):
            tick.reminded.append(alert.id)

    def _backup(self, holder: str, now: datetime) -> str | None:
        chain = self._team.on_call(now).chain
        if holder in chain:
            after = chain[chain.index(holder) + 1 :]
            return after[0] if after else None
        return chain[0] if chain else None

    def catch_up(self, now: datetime, tick: Tick) -> None:
        """One SMS for each on-call manager whose phone missed pages, budget allowing."""
        budget = self._delivery.budget
        owed = [(m, budget.missed(m)) for m in self._team.on_call(now).chain]
        if not any(missed for _, missed in owed):
            return
        paged = self._cases.paged_waiting(m for m, missed in owed if missed)
        for manager, missed in owed:
            if missed is None:
                continue
            if manager not in paged:
                budget.settle(manager)  # they took the e-mailed cases already
                continue
            if not budget.take(now, priority=0):
                continue
            since = missed.since.astimezone(ZoneInfo(self._timezone)).strftime("%H:%M")
            lang = self._delivery.lang(manager)
            pages = lang.n_("%(num)s more case", "%(num)s more cases", missed.count)
            board = self._delivery.links.board(manager, now)
            text = lang._(
                "%(pages)s by e-mail since %(since)s (SMS limit %(limit)s/h). Board:",
                pages=pages,
                since=since,
                limit=budget.per_hour,
            )
            subject = lang._(
                "[Phone] %(pages)s sent by e-mail only since %(since)s", pages=pages, since=since
            )
            rendered = message.Rendered(
                message.subject_line(subject, lang), f"{text} {board}", sms.compose(text, board)
            )
            if self._delivery.send(manager, rendered, "catch-up", ("sms",)):
                budget.settle(manager)
                tick.caught_up.append(manager)
