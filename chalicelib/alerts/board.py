"""The shift board: a manager's open cases, unacknowledged first, by priority and waiting.

Open incidents come first (one row each; the posts they stand for are left out of the
lists below). Then two lists: the team's queue (nobody has a case yet: whoever is on
duty takes them) and the cases the manager holds. Each row shows its age against its
band's response target and links to the case page through the manager's board pass
(``/board/<pass>/<alert id>``), so the board opens every case without writing a code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .. import untrusted
from ..model import Alert
from . import message, views
from .cases import SHOWN, OpenCases, age_minutes
from .codes import Grant
from .incidents.page import board_rows
from .incidents.registry import Incidents
from .team import Team


def row(alert: Alert, now: datetime, targets: Mapping[str, int], url: str) -> dict[str, Any]:
    band = views.band_of(alert)
    target = targets.get(band)
    age = age_minutes(alert, now)
    card = alert.card
    return {
        "url": url,
        "band": band,
        "band_name": message.BAND_NAMES.get(band, band).title(),
        "priority": round(alert.priority),
        "age": age,
        "target": target,
        "late": bool(target and age > target),
        "state_text": views.STATE_TEXT.get(alert.state, alert.state),
        "platform": untrusted.line(str(card.get("source", ""))),
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
) -> dict[str, Any]:
    """Open incidents first, then single cases: waiting, and the manager's own."""
    manager = grant.recipient
    person = team.manager(manager)
    on_call = team.on_call(now)
    base = quote(grant.code, safe="")

    def link(alert: Alert) -> str:
        return f"{base}/{quote(alert.id, safe=':')}"

    incident_rows, in_incidents = (
        board_rows(incidents, now, link, timezone) if incidents else ([], set())
    )
    waiting = ranked([a for a in cases.waiting() if a.id not in in_incidents], now)
    mine = ranked([a for a in cases.held(manager) if a.id not in in_incidents], now)
    sections = []
    for title, found, pk_manager, empty in (
        ("Waiting: not acknowledged", waiting, None, "Nothing waiting. Well done."),
        ("Yours: acknowledged, not resolved", mine, manager, "You hold no open case."),
    ):
        total = max(len(found), cases.count(pk_manager) if len(found) >= SHOWN else 0)
        sections.append(
            {
                "title": title,
                "count": total,
                "cases": [row(a, now, targets, link(a)) for a in found],
                "more": max(0, total - len(found)),
                "empty": empty,
            }
        )
    everything = [*waiting, *mine]
    oldest = max((age_minutes(a, now) for a in everything), default=0)
    count = len(everything)
    summary = f"{count} open case{'s' if count != 1 else ''}"
    if count:
        summary += f", oldest waiting {oldest} min"
    duty = f"on duty now: {on_call.primary or 'nobody'}"
    if on_call.backup:
        duty += f", backup {on_call.backup}"
    return {
        "title": f"Board: {summary}",
        "manager_name": untrusted.line(person.name if person and person.name else manager),
        "duty": duty,
        "valid_until": views.local(grant.valid_until, timezone),
        "summary": summary,
        "incidents": incident_rows,
        "sections": sections,
        "targets": ", ".join(
            f"{message.BAND_NAMES.get(b, b).lower()} {m} min" for b, m in targets.items()
        )
        or "none",
        "zone": timezone,
    }
