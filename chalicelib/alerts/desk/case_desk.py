"""The case desk: who may see and do what, from a case code or a board pass.

    GET  /c/<code>                  the case page (changes nothing)
    POST /c/<code>                  acknowledge, resolve (outcome, note, lesson), hand over,
                                    reply on the network (`replies.py`)
    GET  /c/<code>?saved=<id>       the case page with a saved reply in the reply box
    GET  /board/<pass>              the manager's shift board
    POST /board/<pass>              declare an incident (whoever is on call)
    GET  /board/<pass>/<alert id>   a case page, opened from the board
    POST /board/<pass>/<alert id>   an action on it

A code opens its own alert only, and only if it was sent to someone the alert went to
(paged, handed it, or holding it). Acting needs, at the moment of the request: a code of
scope "act" (or a board pass), a case not resolved, and the case not with someone else
(once it has a holder, only the holder acts; before, whoever was paged for it, or whoever
is on call now with a board pass). Every POST spends a CSRF token of the page it came
from (`web.Csrf`). Refusals are pages that say why, with the same headers; an action
that lost a race (the case changed hands between the read and the write: another
hand-over, the shift change) is a 409 that says where the case is now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import InputError, MalformedPayload, NotFound, TokenError
from ...i18n import DEFAULT, EN, N_, Lang, choose
from ...model import OUTCOMES, Alert, Mention
from ...store import MentionStore
from ..paging.handover import Handovers
from ..paging.history import AuthorHistory
from ..paging.linking import CaseLinks
from ..record.acks import Acknowledgements
from ..record.cases import OpenCases
from ..record.codes import CaseCodes, Grant
from ..record.records import AlertRecords
from ..roster.team import Team
from . import board, notices, reply_box, views, web
from . import incident_page as incident_page
from .incident_desk import IncidentDesk
from .incident_desk import subject as _subject
from .replies import Replies
from .reply_text import timeline_events
from .saved_replies import SavedReplies


@dataclass(frozen=True)
class Desk(IncidentDesk):
    records: AlertRecords
    mentions: MentionStore
    team: Team
    cases: OpenCases
    history: AuthorHistory
    codes: CaseCodes
    links: CaseLinks
    csrf: web.Csrf
    acks: Acknowledgements
    handovers: Handovers
    targets: Mapping[str, int]
    timezone: str
    retention_days: int
    incidents: incident_page.IncidentActions
    locale: str = DEFAULT  # the team's language; a manager's own wins on their pages
    replies: Replies | None = None
    saved: SavedReplies | None = None

    def lang(self, manager: str) -> str:  # `manager`'s own language, else the team's
        return choose(self.team.locale_of(manager), self.locale)

    # ------------------------------------------------------------ entry points

    def open_code(self, code: str, now: datetime, *, done: str = "", saved: str = "") -> web.Page:
        return self._guard(
            lambda: self._case(
                self.codes.check(code, now), None, now, notice=notices.done(done), saved=saved
            )
        )

    def act_code(self, code: str, form: Mapping[str, str], now: datetime) -> web.Page:
        return self._guard(lambda: self._act(self.codes.check(code, now), None, form, now))

    def open_board(self, board_pass: str, now: datetime, **shown: Any) -> web.Page:
        return self._guard(
            lambda: self._board(self.links.passes.check(board_pass, now), now, **shown)
        )

    def _board(self, grant: Grant, now: datetime, *, status: int = 200, **shown: Any) -> web.Page:
        lang = Lang(self.lang(grant.recipient))
        acting = grant.recipient in self.team.on_call(now).chain
        csrf = self.csrf.token(_subject(grant, "declare"), now) if acting else ""
        context = board.page_context(
            grant, self.cases, self.team, self.incidents.incidents, now=now,
            timezone=self.timezone, targets=dict(self.targets), lang=lang, declare_csrf=csrf,
            **shown,
        )  # fmt: skip
        return notices.page(status, "board.html", context, lang.code)

    def open_board_case(
        self, board_pass: str, alert_id: str, now: datetime, *, done: str = "", saved: str = ""
    ) -> web.Page:
        return self._guard(
            lambda: self._case(
                self.links.passes.check(board_pass, now),
                alert_id,
                now,
                notice=notices.done(done),
                saved=saved,
            )
        )

    def act_board_case(
        self, board_pass: str, alert_id: str, form: Mapping[str, str], now: datetime
    ) -> web.Page:
        return self._guard(
            lambda: self._act(self.links.passes.check(board_pass, now), alert_id, form, now)
        )

    # ------------------------------------------------------------ the rules

    def _alert(self, grant: Grant, alert_id: str | None) -> Alert:
        wanted = grant.alert_id if grant.scope in ("act", "view") else (alert_id or "")
        if alert_id and grant.scope != "board" and alert_id != grant.alert_id:
            raise TokenError(N_("this link is for another case"))
        alert = self.records.get(wanted)
        if alert is None:
            raise NotFound(N_("this case does not exist (any more)"))
        if grant.scope == "act" and grant.recipient not in _reached(alert):
            raise TokenError(N_("this link was sent to someone else"))
        return alert

    def may_act(self, grant: Grant, alert: Alert, now: datetime, lang: Lang = EN) -> str:
        """Why `grant` may not act on `alert` now; "" when it may."""
        if grant.scope == "view":
            return lang.gettext("View only: this link shows the case, it cannot change it.")
        if alert.state == "resolved":
            return lang._("Resolved by %(who)s: nothing left to do.", who=alert.resolved_by)
        who = grant.recipient
        if alert.holder:
            if alert.holder == who:
                return ""
            return lang._("This case is with %(holder)s now.", holder=alert.holder)
        if who in _reached(alert) or (
            grant.scope == "board" and who in self.team.on_call(now).chain
        ):
            return ""
        return lang.gettext("This case was paged to someone else; you can see it, not change it.")

    def may_reply(self, grant: Grant, alert: Alert, now: datetime) -> str:
        """Why `grant` may not reply on `alert` now ("" when it may): `reply_box.may_reply`."""
        lead, acting = self.team.on_call(now).lead, self.may_act(grant, alert, now)
        return reply_box.may_reply(grant.scope, grant.recipient, alert, lead, acting)

    # ------------------------------------------------------------ pages

    def _case(
        self,
        grant: Grant,
        alert_id: str | None,
        now: datetime,
        *,
        notice: str = "",
        error: str = "",
        status: int = 200,
        saved: str = "",
        draft: str = "",
    ) -> web.Page:
        alert = self._incident_of(self._alert(grant, alert_id))
        if alert.kind == "incident":
            return self._incident(grant, alert, now, notice=notice, error=error, status=status)
        lang = Lang(self.lang(grant.recipient))
        mention = self.mentions.get(alert.mention_id) if alert.mention_id else None
        members = self._members(alert)
        refusal = self.may_act(grant, alert, now, lang)
        card = alert.card
        history = (
            self.history.earlier(
                str(card.get("source")), str(card.get("author_id")), str(alert.mention_id), now
            )
            if card.get("author_id")
            else []
        )
        items, summary = views.history_context(history, self.timezone, lang)
        acting = not refusal
        colleagues = [
            (m.id, m.name or m.id) for m in self.team.managers() if m.id != grant.recipient
        ]
        context = {
            "title": views.headline(alert, lang),
            "case": views.case_context(
                alert,
                mention,
                members,
                now=now,
                timezone=self.timezone,
                targets=dict(self.targets),
                lang=lang,
            ),
            "notice": lang.say(notice),
            "error": lang.say(error),
            "readonly": refusal,
            "actions": {
                "ack": alert.state not in ("acknowledged", "resolved"),
                "handover": alert.kind == "mention" and bool(colleagues),
            }
            if acting
            else None,
            "csrf": self.csrf.token(_subject(grant, alert.id), now)
            if acting or not self.may_reply(grant, alert, now)
            else "",
            "outcomes": [(o, lang.gettext(views.OUTCOME_TEXT[o])) for o in OUTCOMES],
            "themes": [str(t) for t in card.get("themes") or []],
            "colleagues": colleagues,
            "timeline": views.timeline(
                alert,
                mention,
                self.timezone,
                lang,
                more=timeline_events(self._replies_of(alert), lang),
            ),
            "reply": self._reply_box(grant, alert, mention, now, lang, saved=saved, draft=draft),
            "zone": self.timezone,
            "history": items,
            "history_summary": summary,
            "retention_days": self.retention_days,
            "board_url": self.links.board(grant.recipient, now) if grant.scope != "view" else "",
        }
        return notices.page(status, "case.html", context, lang.code)

    def _replies_of(self, alert: Alert) -> list[dict[str, Any]]:
        return self.replies.sent(alert.id) if self.replies and alert.kind == "mention" else []

    def _reply_box(
        self,
        grant: Grant,
        alert: Alert,
        mention: Mention | None,
        now: datetime,
        lang: Lang,
        **given: str,
    ) -> dict[str, Any] | None:
        if self.replies is None or alert.kind != "mention" or grant.scope == "view":
            return None
        refusal = self.may_reply(grant, alert, now)
        return reply_box.context(
            self.replies, self.saved, alert, mention, lang.say(refusal), lang, **given
        )

    def _members(self, alert: Alert) -> list[Alert]:
        if not alert.members:
            return []
        return [m for m in (self.records.get(i) for i in alert.members[:25]) if m is not None]

    def _act(
        self, grant: Grant, alert_id: str | None, form: Mapping[str, str], now: datetime
    ) -> web.Page:
        alert = self._incident_of(self._alert(grant, alert_id))
        lang = Lang(self.lang(grant.recipient))
        if form.get("do") == "reply":
            refusal = self.may_reply(grant, alert, now)
        else:
            refusal = self.may_act(grant, alert, now, lang)
        if refusal:
            return self._case(grant, alert_id, now, error=refusal, status=403)
        try:
            self.csrf.spend(form.get("csrf", ""), _subject(grant, alert.id), now)
        except TokenError as error:
            why = lang._("Not done: %(why)s.", why=lang.gettext(str(error)))
            return self._case(grant, alert_id, now, error=why, status=403)
        if alert.kind == "incident":
            return self._act_incident(grant, alert, form, now)
        action, who = form.get("do", ""), grant.recipient
        try:
            if action == "ack":
                result = self.acks.acknowledge_as(alert, who, now)
            elif action == "resolve":
                resolution = incident_page.resolution(form, "case")
                result = self.acks.resolve_as(alert, who, now, **resolution)
            elif action == "reply":
                sent = reply_box.answer(self.replies, self.mentions, alert, form, who, now)
                if sent.ok:
                    return self._case(grant, alert_id, now, notice=sent.message)
                status = 400 if sent.state == "invalid" else 200
                kept = form.get("text", "")  # the box keeps what was typed
                return self._case(
                    grant, alert_id, now, error=sent.message, status=status, draft=kept
                )
            elif action == "handover":
                result = self.handovers.hand_over(
                    alert, who, form.get("to", ""), now, note=form.get("note", "")
                )
            else:
                raise MalformedPayload(N_("unknown action"))
        except MalformedPayload as error:
            return self._case(grant, alert_id, now, error=lang.gettext(str(error)), status=400)
        done = result.alert
        again = action == "ack" and (done.state, done.holder) == ("acknowledged", who)
        if not result.changed and not again:  # someone else changed hands first
            return self._case(grant, alert_id, now, error=notices.lost(done, lang), status=409)
        # POST-redirect-GET: the page after an action is a GET of the same case, so a
        # reload (or the back button) shows it again instead of sending the form twice
        return web.Page(303, "", web.new_nonce(), {"Location": f"?done={action}"})

    def _guard(self, show: Any) -> web.Page:
        self.team.forget()  # the rotation and policy as they are now, read once per request
        try:
            page: web.Page = show()
        except InputError as error:
            return notices.refused(error, self.locale)
        return page


def _reached(alert: Alert) -> set[str]:
    """Everyone the case went to: paged, escalated to, handed it, holding it."""
    out = {alert.recipient, *alert.paged, *(str(h.get("to")) for h in alert.handovers)}
    if alert.holder:
        out.add(alert.holder)
    return out
