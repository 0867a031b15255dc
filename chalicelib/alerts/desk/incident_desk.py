"""The case desk's incident pages: the incident page and the board's "declare" form.

A mixin of `desk.Desk` (the same codes, board passes, CSRF and refusals as a case page):
a post of an incident opens its incident; the incident page's forms act on all its posts
(`incident_page.IncidentActions`); whoever is on call declares an incident from the board.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from ...errors import MalformedPayload, TokenError
from ...i18n import EN, Lang
from ...model import Alert
from ..paging.linking import CaseLinks
from ..record.codes import Grant
from ..record.records import AlertRecords
from ..roster.team import Team
from . import notices, web
from .incident_page import IncidentActions


def subject(grant: Grant, alert_id: str) -> str:
    """What a form's CSRF token is bound to: the grant, its code and the case."""
    return f"{grant.scope}|{grant.code}|{alert_id}"


class IncidentDesk:
    """What `Desk` provides (its fields and rules), named for the type checker."""

    records: AlertRecords
    team: Team
    links: CaseLinks
    csrf: web.Csrf
    timezone: str
    incidents: IncidentActions

    def lang(self, manager: str) -> str:
        raise NotImplementedError

    def may_act(self, grant: Grant, alert: Alert, now: datetime, lang: Lang = EN) -> str:
        raise NotImplementedError

    def _board(
        self, grant: Grant, now: datetime, *, notice: str = "", error: str = "", status: int = 200
    ) -> web.Page:
        raise NotImplementedError

    def _guard(self, show: Callable[[], web.Page]) -> web.Page:
        raise NotImplementedError

    def act_board(self, board_pass: str, form: Mapping[str, str], now: datetime) -> web.Page:
        """Declare an incident from the board: whoever is on call (the lead too)."""

        def act() -> web.Page:
            grant = self.links.passes.check(board_pass, now)
            lang = Lang(self.lang(grant.recipient))
            if grant.recipient not in self.team.on_call(now).chain:
                text = lang.gettext(
                    "Only whoever is on call (the team lead too) declares an incident."
                )
                return self._board(grant, now, error=text, status=403)
            try:
                self.csrf.spend(form.get("csrf", ""), subject(grant, "declare"), now)
            except TokenError as error:
                why = lang._("Not done: %(why)s.", why=lang.gettext(str(error)))
                return self._board(grant, now, error=why, status=403)
            try:
                incident = self.incidents.declare(grant.recipient, form, now)
            except MalformedPayload as error:
                return self._board(grant, now, error=lang.gettext(str(error)), status=400)
            label = str(incident.card.get("label"))
            notice = lang._("Declared: %(label)s. Matching posts join it.", label=label)
            return self._board(grant, now, notice=notice)

        return self._guard(act)

    def _incident_of(self, alert: Alert) -> Alert:
        """A post of an incident opens the incident's page (its first post's link too)."""
        if alert.incident_id:
            return self.records.get(alert.incident_id) or alert
        return alert

    def _incident(
        self,
        grant: Grant,
        incident: Alert,
        now: datetime,
        *,
        notice: str = "",
        error: str = "",
        status: int = 200,
        reply: str = "",
    ) -> web.Page:
        lang = Lang(self.lang(grant.recipient))
        refusal = self.may_act(grant, incident, now, lang)
        context = self.incidents.page(
            incident,
            now,
            self.timezone,
            refusal=refusal,
            csrf=self.csrf.token(subject(grant, incident.id), now) if not refusal else "",
            board_url=self.links.board(grant.recipient, now) if grant.scope != "view" else "",
            lang=lang,
            reply=reply,
        )
        page = {**context, "notice": notice, "error": error}
        return notices.page(status, "incident.html", page, lang.code)

    def _act_incident(
        self, grant: Grant, incident: Alert, form: Mapping[str, str], now: datetime
    ) -> web.Page:
        lang = Lang(self.lang(grant.recipient))
        try:
            notice, reply = self.incidents.act(incident, grant.recipient, form, now, lang)
        except MalformedPayload as error:
            why = lang.gettext(str(error))
            return self._incident(grant, incident, now, error=why, status=400)
        fresh = self.records.get(incident.id) or incident
        return self._incident(grant, fresh, now, notice=notice, reply=reply)
