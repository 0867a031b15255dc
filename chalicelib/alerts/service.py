"""The alert service: what the handlers call, put together from its parts.

outbox.py       alert_for(mention): store once, then page, hold or put on the board
delivery.py     render per recipient (a case code each), publish to SNS, record the page
storm.py        hold in storms and quiet hours (never the high band); grouped messages
escalation.py   resend pending pages; escalate what nobody acknowledged
incidents/      one incident per shared cause (an outage), its follow-ups; see its docstring
acks.py         acknowledge and resolve; handover.py: to a colleague, at shift change
followups.py    reminders on cases left open; the SMS budget's catch-up SMS
desk.py         the case page and the shift board (codes.py, web.py, views.py, board.py)
records.py      the alert items and their index entries; cases.py the board's entries
events.py       "alert changed", told to the digest's tally (wired in wiring.py)
replies.py      reply on the network from the case, exactly once; the brand's replies
                seen on the network; saved_replies.py the team's ready answers
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..config import parse_routing, parse_targets
from ..logs import get_logger
from ..model import Alert, Mention
from ..sources.reply import Outbound
from ..store import MentionStore, StateTable
from ..triage.spikes import SpikePolicy
from .desk.case_desk import Desk
from .desk.incident_page import IncidentActions
from .desk.replies import Replies
from .desk.saved_replies import SavedReplies
from .desk.web import Csrf
from .paging.budget import PhoneBudget
from .paging.delivery import RECORD_ATTEMPTS, Delivery
from .paging.escalation import Escalation
from .paging.followups import Followups
from .paging.handover import Handovers
from .paging.history import AuthorHistory
from .paging.incidents import Incidents, IncidentUpdates
from .paging.linking import CaseLinks
from .paging.notify import Notifier
from .paging.outbox import Outbox
from .paging.storm import Storm
from .paging.tick import Tick
from .record.acks import Acknowledgements, AckResult
from .record.cases import OpenCases
from .record.codes import BoardPasses, CaseCodes
from .record.events import Events, Listener
from .record.records import AlertRecords
from .roster.team import Team

log = get_logger("alerts")

__all__ = ["RECORD_ATTEMPTS", "AckResult", "AlertService", "DeskSettings", "Tick"]


@dataclass(frozen=True)
class DeskSettings:
    """How cases are routed and answered (`Settings`: ALERT_ROUTING, RESPONSE_TARGETS…)."""

    routing: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: parse_routing("high=sms+email,medium=email,low=board")
    )
    targets: Mapping[str, int] = field(default_factory=lambda: parse_targets("high=15,medium=60"))
    sms_per_hour: int = 8
    board_grace: timedelta = timedelta(minutes=60)
    locale: str = "nl"  # the team's language (TEAM_LOCALE); a manager's own wins
    incident_kinds: tuple[str, ...] = ("outage",)  # () : every post a case of its own


class AlertService:
    def __init__(
        self,
        *,
        state: StateTable,
        mentions: MentionStore,
        notifier: Notifier,
        team: Team,
        signing_key: Callable[[], str],
        base_url: str,
        timezone: str,
        desk: DeskSettings | None = None,
        spike_policy: SpikePolicy | None = None,
        listeners: Sequence[Listener] = (),
        retention: timedelta = timedelta(days=90),
        outbound: Outbound | None = None,
        brand_handles: tuple[str, ...] = (),
    ) -> None:
        setup = desk or DeskSettings()
        self.events = Events(listeners)
        self._team = team
        self._in_batch = False
        self._records = AlertRecords(state, retention)
        self.cases = OpenCases(state, retention)
        self.codes = CaseCodes(state, team.generation)
        self.links = CaseLinks(
            codes_=self.codes,
            passes=BoardPasses(signing_key, team.generation),
            team=team,
            base_url=base_url,
            grace=setup.board_grace,
        )
        delivery = Delivery(
            records=self._records,
            notifier=notifier,
            team=team,
            links=self.links,
            budget=PhoneBudget(state, setup.sms_per_hour),
            timezone=timezone,
            locale=setup.locale,
        )
        self._storm = Storm(
            state=state,
            records=self._records,
            team=team,
            delivery=delivery,
            timezone=timezone,
            routing=setup.routing,
            spike_policy=spike_policy,
        )
        self._escalation = Escalation(records=self._records, team=team, delivery=delivery)
        history = AuthorHistory(state, retention)
        self.incidents = Incidents(
            state,
            self._records,
            kinds=setup.incident_kinds,
            timezone=timezone,
            lang=delivery.team_lang,
        )
        self._incident_updates = IncidentUpdates(
            incidents=self.incidents, records=self._records, team=team, delivery=delivery
        )
        self._outbox = Outbox(
            incidents=self.incidents,
            records=self._records,
            mentions=mentions,
            team=team,
            storm=self._storm,
            delivery=delivery,
            events=self.events,
            cases=self.cases,
            history=history,
            routing=setup.routing,
            timezone=timezone,
        )
        self._acks = Acknowledgements(
            records=self._records,
            mentions=mentions,
            signing_key=signing_key,
            events=self.events,
            cases=self.cases,
            targets=setup.targets,
        )
        self.handovers = Handovers(
            state=state,
            records=self._records,
            team=team,
            cases=self.cases,
            acks=self._acks,
            delivery=delivery,
            events=self.events,
            timezone=timezone,
            incidents_held=self.incidents.held_by,
        )
        self._followups = Followups(
            records=self._records,
            team=team,
            delivery=delivery,
            cases=self.cases,
            targets=setup.targets,
            timezone=timezone,
        )
        # replies through the networks (None: this service sends none, e.g. in the triage
        # function, which never replies)
        self.replies = (
            Replies(
                state=state,
                records=self._records,
                outbound=outbound,
                team=team,
                notifier=notifier,
                events=self.events,
                retention=retention,
                brand_handles=brand_handles,
            )
            if outbound is not None
            else None
        )
        self.saved_replies = SavedReplies(state)
        self.desk = Desk(
            records=self._records,
            mentions=mentions,
            team=team,
            cases=self.cases,
            history=history,
            codes=self.codes,
            links=self.links,
            csrf=Csrf(state, signing_key),
            acks=self._acks,
            handovers=self.handovers,
            targets=setup.targets,
            timezone=timezone,
            retention_days=retention.days,
            locale=setup.locale,
            replies=self.replies,
            saved=self.saved_replies,
            incidents=IncidentActions(self._records, self.incidents, self._acks, self.replies),
        )

    # reading
    def get(self, alert_id: str) -> Alert | None:
        return self._records.get(alert_id)

    def due(self, now: datetime) -> list[Alert]:
        return self._records.due(now)

    def held(self, now: datetime | None = None) -> list[Alert]:
        return self._records.held(now)

    # a new negative post
    def alert_for(self, mention: Mention, now: datetime) -> Alert | None:
        if not self._in_batch:
            self._team.forget()  # the rotation and policy as they are now, read once for it
        return self._outbox.alert_for(mention, now)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The alerts of one triage batch: the rotation, overrides and policy are read once
        for all of them (a batch takes a second or two), not once per alert."""
        self._team.forget()
        self._in_batch = True
        try:
            yield
        finally:
            self._in_batch = False

    # the every-minute job
    def every_minute(self, now: datetime) -> Tick:
        """Resend failed pages, escalate, send held alerts grouped, remind, hand over."""
        tick = Tick()
        self._team.forget()
        self._escalation.resend(now, tick)
        self._escalation.escalate(now, tick)
        self._storm.flush_held(now, tick)
        self._incident_updates.run(now, tick)
        self._followups.remind(now, tick)
        self.handovers.shift_change(now, tick)
        self._followups.catch_up(now, tick)
        if tick:
            log.info("alerts job", extra={"fields": tick.counts()})
        return tick

    # signed links (sent before the case desk; the local tools)
    def acknowledge(self, alert_id: str, token: str, now: datetime) -> AckResult:
        return self._acks.acknowledge(alert_id, token, now)

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
        return self._acks.resolve(
            alert_id,
            token,
            now,
            note=note,
            outcome=outcome,
            lesson=lesson,
            lesson_theme=lesson_theme,
        )

    def authorise(self, alert_id: str, token: str, now: datetime, action: str) -> Alert:
        return self._acks.authorise(alert_id, token, now, action)

    def legacy_link(self, alert_id: str, token: str, now: datetime, action: str) -> str:
        """A case link in place of a signed link sent before the case desk (same person)."""
        alert, who = self._acks.authorise_with_recipient(alert_id, token, now, action)
        return self.links.case_url(self.codes.issue(alert.id, who, now))
