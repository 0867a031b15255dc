"""The team board: what the whole team holds, unacknowledged first, by priority and waiting.

Open incidents come first (one row each; the posts they stand for are left out of the
lists below). Then the team's queue (nobody has a case yet: whoever is on duty takes
them), the viewer's own cases, and each colleague's (who holds what, since when);
`show=mine` keeps the incidents, the queue and the viewer's own. Each row shows its age
against its band's response target and links to the case page through the viewer's board
pass (``/board/<pass>/<alert id>``), so the board opens every case without writing a code.
The page reloads itself every minute (``<meta http-equiv="refresh">``: no script, the CSP
holds) unless the reader stops it (``refresh=off``: WCAG 2.2.1's "turn off").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ... import untrusted
from ...i18n import EN, N_, Lang
from ...model import Alert
from ..paging import message
from ..paging.incidents.registry import Incidents
from ..record.cases import SHOWN, OpenCases, age_minutes
from ..record.codes import Grant
from ..roster.team import Team
from . import views
from .incident_page import board_rows

REFRESH_SECONDS = 60
FILTERS = ("all", "mine")


def row(
    alert: Alert,
    now: datetime,
    targets: Mapping[str, int],
    url: str,
    *,
    timezone: str = "Europe/Amsterdam",
    lang: Lang = EN,
) -> dict[str, Any]:
    band = views.band_of(alert)
    target = targets.get(band)
    age = age_minutes(alert, now)
    card = alert.card
    since = alert.acknowledged_at if alert.state == "acknowledged" else alert.created_at
    return {
        "url": url,
        "band": band,
        "band_name": message.band_name(band, lang).title(),
        "priority": round(alert.priority),
        "age": age,
        "target": target,
        "late": bool(target and age > target),
        "state_text": views.state_text(alert, lang),
        "since": views.local(since, timezone, lang, "HH:mm"),
        "platform": message.source_name(card.get("source"), lang),
        "author": message.who(card),
        "excerpt": message.first_words(str(card.get("excerpt", "")), 140),
    }


def ranked(alerts: list[Alert], now: datetime) -> list[Alert]:
    """By priority, then by time waiting (longest first)."""
    return sorted(alerts, key=lambda a: (-a.priority, -age_minutes(a, now), a.id))


def context(
    grant: Grant,
    *,
    cases: OpenCases,
    team: Team,
    now: datetime,
    timezone: str,
    targets: Mapping[str, int],
    incidents: Incidents | None = None,
    lang: Lang = EN,
    show: str = "all",
    refresh: bool = True,
) -> dict[str, Any]:
    """Open incidents first, then single cases: waiting, and the manager's own."""
    manager = grant.recipient
    show = show if show in FILTERS else "all"
    members = {m.id: m for m in team.managers()}
    person = members.get(manager)
    on_call = team.on_call(now)
    base = quote(grant.code, safe="")

    def link(alert: Alert) -> str:
        return f"{base}/{quote(alert.id, safe=':')}"

    def named(who: str) -> str:
        found = members.get(who)
        return untrusted.line(found.name if found and found.name else who)

    def section(title: str, found: list[Alert], holder: str | None, empty: str) -> dict[str, Any]:
        total = max(len(found), cases.count(holder) if len(found) >= SHOWN else 0)
        rows = [row(a, now, targets, link(a), timezone=timezone, lang=lang) for a in found]
        return {
            "title": title,
            "count": total,
            "cases": rows,
            "more": max(0, total - len(found)),
            "empty": empty,
        }

    incident_rows, in_incidents = (
        board_rows(incidents, now, link, timezone, lang) if incidents else ([], set())
    )
    waiting = ranked([a for a in cases.waiting() if a.id not in in_incidents], now)
    mine = ranked([a for a in cases.held(manager) if a.id not in in_incidents], now)
    sections = [
        section(
            lang.gettext("Waiting: not acknowledged"),
            waiting,
            None,
            lang.gettext("Nothing waiting. Well done."),
        ),
        section(
            lang.gettext("Yours: acknowledged, not resolved"),
            mine,
            manager,
            lang.gettext("You hold no open case."),
        ),
    ]
    everything = [*waiting, *mine]
    if show == "all":
        for colleague in sorted(members):
            if colleague == manager:
                continue
            held = ranked([a for a in cases.held(colleague) if a.id not in in_incidents], now)
            everything += held
            if held:
                title = lang._("With %(name)s", name=named(colleague))
                sections.append(section(title, held, colleague, ""))
    oldest = max((age_minutes(a, now) for a in everything), default=0)
    count = len(everything)
    summary = lang.n_("%(num)s open case", "%(num)s open cases", count)
    if count:
        summary += ", " + lang._("oldest waiting %(n)s min", n=oldest)
    duty = lang._("on duty now: %(who)s", who=on_call.primary or lang.gettext(N_("nobody")))
    if on_call.backup:
        duty += ", " + lang._("backup %(who)s", who=on_call.backup)
    return {
        "title": lang._("Board: %(summary)s", summary=summary),
        "manager_name": named(manager) if person else untrusted.line(manager),
        "duty": duty,
        "valid_until": views.local(grant.valid_until, timezone, lang),
        "summary": summary,
        "incidents": incident_rows,
        "sections": sections,
        "show": show,
        "refresh": REFRESH_SECONDS if refresh else 0,
        "keep": "" if refresh else "&refresh=off",  # the filter links keep the choice
        "targets": ", ".join(
            lang._("%(band)s %(n)s min", band=message.band_name(b, lang).lower(), n=m)
            for b, m in targets.items()
        )
        or lang.gettext("none"),
        "zone": timezone,
    }


def page_context(
    grant: Grant,
    cases: OpenCases,
    team: Team,
    incidents: Incidents,
    *,
    now: datetime,
    timezone: str,
    targets: dict[str, int],
    lang: Lang,
    declare_csrf: str,
    notice: str = "",
    error: str = "",
    **shown: Any,
) -> dict[str, Any]:
    """The board page's whole context: `context`, the page's notice or error, and the
    declare form's token (only for whoever is on call: "" hides the form)."""
    found = context(
        grant,
        cases=cases,
        team=team,
        now=now,
        timezone=timezone,
        targets=targets,
        incidents=incidents,
        lang=lang,
        **shown,
    )
    kinds = list(incidents.kinds)
    return found | {"notice": notice, "error": error, "declare_csrf": declare_csrf, "kinds": kinds}
