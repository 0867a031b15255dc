"""The case page and the notices, as HTML (Jinja2, autoescaped; templates/).

`case_context` turns an alert, its mention and the author's history into what the page
shows — every piece of network text through `untrusted` first, every time in the team's
local time; the templates escape it. Jinja2 loads on first use (cold start of the other
functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .. import untrusted
from ..model import Alert, Mention, parse_time
from . import message
from .cases import age_minutes
from .policy import Rules

if TYPE_CHECKING:
    import jinja2

OUTCOME_TEXT = {
    "answered": "Answered",
    "solved": "Solved",
    "turned_positive": "Turned positive",
    "handed_over": "Handed to a colleague (outside the team)",
    "no_action": "No action needed",
}
STATE_TEXT = {
    "pending": "paging…",
    "held": "held for a grouped message",
    "sent": "paged, not acknowledged",
    "board": "on the board (not paged)",
    "failed": "could not be paged",
    "acknowledged": "acknowledged",
    "resolved": "resolved",
}
CHANNEL_TEXT = {"sms": "SMS", "email": "e-mail"}


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib.alerts", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def local(stamp: str | None, timezone: str, fmt: str = "%a %d %b %H:%M") -> str:
    if not stamp:
        return ""
    try:
        return parse_time(stamp).astimezone(ZoneInfo(timezone)).strftime(fmt)
    except ValueError:
        return ""


def band_of(alert: Alert) -> str:
    return Rules.from_dict(alert.rules).band


def headline(alert: Alert) -> str:
    card = alert.card
    if alert.kind == "incident":
        return f"Incident: {untrusted.line(str(card.get('label') or ''))}, {alert.count} posts"
    if alert.kind in ("group", "spike"):
        what = "Spike" if alert.kind == "spike" else "Grouped"
        return f"{what}: {alert.count} negative posts"
    return f"Negative post on {untrusted.line(str(card.get('source', '')))}"


def _post(card: dict[str, Any], mention: Mention | None, timezone: str) -> dict[str, Any]:
    named = message.who(card)
    name = untrusted.line(str(card.get("name") or ""))
    text = mention.text if mention is not None else str(card.get("text") or card.get("excerpt"))
    return {
        "author": f"{name} ({named})" if name and name not in (named, named[1:]) else named,
        "reach": message.known_reach(card),
        "platform": untrusted.line(str(card.get("source", ""))),
        "posted": local(str(card.get("created_at") or ""), timezone),
        "text": untrusted.block(text),
        "url": untrusted.link(str(card.get("url") or "")),
    }


def case_context(
    alert: Alert,
    mention: Mention | None,
    members: list[Alert],
    *,
    now: datetime,
    timezone: str,
    targets: dict[str, int],
) -> dict[str, Any]:
    band = band_of(alert)
    target = targets.get(band)
    age = age_minutes(alert, now)
    if alert.kind in ("group", "spike"):
        posts = [_post(m.card, None, timezone) for m in members] or [
            _post(e, None, timezone) for e in alert.card.get("examples") or []
        ]
    else:
        posts = [_post(alert.card, mention, timezone)]
    state = STATE_TEXT.get(alert.state, alert.state)
    if alert.holder and alert.state == "acknowledged":
        state = f"with {alert.holder}"
    return {
        "id": alert.id,
        "band": band,
        "band_name": message.BAND_NAMES.get(band, band).title(),
        "priority": round(alert.priority),
        "age": age,
        "target": target,
        "late": bool(target and age > target and alert.state != "resolved"),
        "state_text": state,
        "headline": headline(alert),
        "posts": posts,
        "reasons": [untrusted.line(str(r)) for r in alert.card.get("reasons") or []],
        "author": posts[0]["author"] if posts else "the author",
        "theme": untrusted.line(str((alert.card.get("themes") or [""])[0])),
    }


def timeline(
    alert: Alert,
    mention: Mention | None,
    timezone: str,
    more: Iterable[tuple[str, str]] = (),
) -> list[dict[str, str]]:
    """What happened to the case, oldest first, in the team's local time (`more`: other
    (moment, text) events, such as its replies)."""
    events: list[tuple[str, str]] = list(more)
    card = alert.card
    if card.get("created_at"):
        events.append(
            (str(card["created_at"]), f"Posted on {untrusted.line(str(card.get('source')))}")
        )
    received = mention.received_at if mention is not None else card.get("received_at")
    if received:
        events.append((str(received), "Received"))
    opened = f"Case opened: {band_of(alert)} band, priority {round(alert.priority)}"
    if alert.state == "board" or (not alert.channels and alert.kind == "mention"):
        opened += " (board only: not paged)"
    events.append((alert.created_at, opened))
    if alert.held_reason:
        events.append((alert.created_at, f"Held ({alert.held_reason})"))
    if alert.group_id:
        events.append((alert.sent_at or alert.created_at, "Sent in a grouped message"))
    for page in alert.pages:
        channels = " + ".join(CHANNEL_TEXT.get(c, c) for c in page.get("channels") or ["e-mail"])
        verb = "Paged" if not int(page.get("escalation_level", 0)) else "Escalated to"
        events.append((str(page["at"]), f"{verb} {page['recipient']} ({channels})"))
    for failed in alert.failed_pages:
        events.append((str(failed["at"]), f"Could not page {failed['recipient']}: SNS refused it"))
    if alert.acknowledged_at:
        events.append((alert.acknowledged_at, f"Acknowledged by {alert.acknowledged_by}"))
    for step in alert.handovers:
        said = f': "{untrusted.line(str(step.get("note")))}"' if step.get("note") else ""
        why = " (shift change)" if step.get("reason") == "shift change" else ""
        events.append((str(step["at"]), f"Handed over {step['from']} → {step['to']}{why}{said}"))
    if alert.reminded_at:
        events.append((alert.reminded_at, f"Reminder to {alert.holder}: past its target"))
    if alert.reminder_escalated_at:
        events.append((alert.reminder_escalated_at, "Still open: the backup was told"))
    if alert.exhausted_at and alert.state != "failed":
        events.append((alert.exhausted_at, "Nobody acknowledged after every escalation step"))
    if alert.resolved_at:
        how = OUTCOME_TEXT.get(alert.outcome or "", "resolved")
        note = f': "{alert.resolution_note}"' if alert.resolution_note else ""
        events.append((alert.resolved_at, f"Resolved by {alert.resolved_by}: {how}{note}"))
        if alert.lesson:
            theme = f" ({alert.lesson_theme})" if alert.lesson_theme else ""
            events.append((alert.resolved_at, f"Lesson{theme}: {alert.lesson}"))
    events.sort(key=lambda e: e[0])
    return [{"when": local(at, timezone), "text": text} for at, text in events]


def history_context(
    entries: list[dict[str, Any]], timezone: str
) -> tuple[list[dict[str, Any]], str]:
    items = []
    for entry in entries:
        label = str(entry.get("label", "unknown"))
        items.append(
            {
                "when": local(str(entry.get("at", "")), timezone, "%d %b"),
                "label": f"{label} {float(entry.get('score', 0)):+.2f}",
                "tone": "neg" if label == "negative" else ("pos" if label == "positive" else ""),
                "priority": entry.get("priority", 0),
                "excerpt": untrusted.line(str(entry.get("excerpt", ""))),
            }
        )
    negatives = sum(1 for e in entries if e.get("label") == "negative")
    summary = (
        f"Repeat complainer: {negatives} earlier negative cases."
        if negatives >= 2
        else f"{len(entries)} earlier case{'s' if len(entries) != 1 else ''}."
    )
    return items, summary
