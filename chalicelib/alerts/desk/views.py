"""The case page and the notices, as HTML (Jinja2, autoescaped; templates/).

`case_context` turns an alert, its mention and the author's history into what the page
shows — every piece of network text through `untrusted` first, every time in the team's
local time and the reader's language (`Lang`); the templates escape it. Jinja2 loads on
first use (cold start of the other functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from ... import i18n, untrusted
from ...i18n import EN, N_, Lang
from ...model import Alert, Mention, parse_time
from ..paging import message
from ..record.cases import age_minutes
from ..roster.policy import Rules

if TYPE_CHECKING:
    import jinja2

OUTCOME_TEXT = {  # translated where shown (`N_`)
    "answered": N_("Answered"),
    "solved": N_("Solved"),
    "turned_positive": N_("Turned positive"),
    "handed_over": N_("Handed to a colleague (outside the team)"),
    "no_action": N_("No action needed"),
}
STATE_TEXT = {
    "pending": N_("paging…"),
    "held": N_("held for a grouped message"),
    "sent": N_("paged, not acknowledged"),
    "board": N_("on the board (not paged)"),
    "failed": N_("could not be paged"),
    "acknowledged": N_("acknowledged"),
    "resolved": N_("resolved"),
}
CHANNEL_TEXT = {"sms": "SMS", "email": N_("e-mail")}


@cache
def _environment(code: str) -> jinja2.Environment:
    env: jinja2.Environment = i18n.jinja_environment("chalicelib.alerts", code, autoescape=True)
    return env


def render(template: str, code: str, **context: Any) -> str:
    """`template` in language `code` (`<html lang>`, the catalogue, Babel's formats)."""
    return _environment(code).get_template(template).render(**context)


def local(
    stamp: str | None, timezone: str, lang: Lang = EN, pattern: str = "EEE d MMM HH:mm"
) -> str:
    """A stored UTC stamp in the team's time zone, written the reader's way (CLDR pattern)."""
    if not stamp:
        return ""
    try:
        return lang.moment(parse_time(stamp), pattern, timezone)
    except ValueError:
        return ""


def band_of(alert: Alert) -> str:
    return Rules.from_dict(alert.rules).band


def state_text(alert: Alert, lang: Lang = EN) -> str:
    if alert.holder and alert.state == "acknowledged":
        return lang._("with %(holder)s", holder=alert.holder)
    known = STATE_TEXT.get(alert.state)
    return lang.gettext(known) if known else alert.state


def headline(alert: Alert, lang: Lang = EN) -> str:
    card = alert.card
    if alert.kind == "incident":
        label = untrusted.line(str(card.get("label") or ""))
        return lang.n_(
            "Incident: %(label)s, %(num)s post",
            "Incident: %(label)s, %(num)s posts",
            alert.count,
            label=label,
        )
    if alert.kind in ("group", "spike"):
        what = lang.gettext(N_("Spike") if alert.kind == "spike" else N_("Grouped"))
        posts = lang.n_("%(num)s negative post", "%(num)s negative posts", alert.count)
        return f"{what}: {posts}"
    return lang._(
        "Negative post on %(source)s", source=message.source_name(card.get("source"), lang)
    )


def _post(
    card: dict[str, Any], mention: Mention | None, timezone: str, lang: Lang
) -> dict[str, Any]:
    named = message.who(card)
    name = untrusted.line(str(card.get("name") or ""))
    text = mention.text if mention is not None else str(card.get("text") or card.get("excerpt"))
    count = int(card.get("followers") or 0)
    reach = message.known_reach(card, lang)
    return {
        "author": f"{name} ({named})" if name and name not in (named, named[1:]) else named,
        "reach": lang.ngettext("%(reach)s follower", "%(reach)s followers", count)
        % {"reach": reach}
        if reach
        else "",
        "platform": message.source_name(card.get("source"), lang),
        "posted": local(str(card.get("created_at") or ""), timezone, lang),
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
    lang: Lang = EN,
) -> dict[str, Any]:
    band = band_of(alert)
    target = targets.get(band)
    age = age_minutes(alert, now)
    if alert.kind in ("group", "spike"):
        posts = [_post(m.card, None, timezone, lang) for m in members] or [
            _post(e, None, timezone, lang) for e in alert.card.get("examples") or []
        ]
    else:
        posts = [_post(alert.card, mention, timezone, lang)]
    return {
        "id": alert.id,
        "band": band,
        "band_name": message.band_name(band, lang).title(),
        "priority": round(alert.priority),
        "age": age,
        "target": target,
        "late": bool(target and age > target and alert.state != "resolved"),
        "state_text": state_text(alert, lang),
        "headline": headline(alert, lang),
        "posts": posts,
        "reasons": [untrusted.line(str(r)) for r in alert.card.get("reasons") or []],
        "author": posts[0]["author"] if posts else lang.gettext("the author"),
        "theme": untrusted.line(str((alert.card.get("themes") or [""])[0])),
    }


def timeline(
    alert: Alert,
    mention: Mention | None,
    timezone: str,
    lang: Lang = EN,
    more: Iterable[tuple[str, str]] = (),
) -> list[dict[str, str]]:
    """What happened to the case, oldest first, in the team's local time and the reader's
    language (`more`: other (moment, text) events, such as its replies)."""
    _ = lang._
    events: list[tuple[str, str]] = list(more)
    card = alert.card
    if card.get("created_at"):
        source = message.source_name(card.get("source"), lang)
        events.append((str(card["created_at"]), _("Posted on %(source)s", source=source)))
    received = mention.received_at if mention is not None else card.get("received_at")
    if received:
        events.append((str(received), _("Received")))
    band = message.band_name(band_of(alert), lang).lower()
    opened = _(
        "Case opened: %(band)s band, priority %(priority)s",
        band=band,
        priority=round(alert.priority),
    )
    if alert.state == "board" or (not alert.channels and alert.kind == "mention"):
        opened += " " + _("(board only: not paged)")
    events.append((alert.created_at, opened))
    if alert.held_reason:
        events.append((alert.created_at, _("Held (%(reason)s)", reason=alert.held_reason)))
    if alert.group_id:
        events.append((alert.sent_at or alert.created_at, _("Sent in a grouped message")))
    for page in alert.pages:
        channels = " + ".join(
            lang.gettext(CHANNEL_TEXT.get(c, c)) for c in page.get("channels") or ["email"]
        )
        who, level = page["recipient"], int(page.get("escalation_level", 0))
        text = (
            _("Paged %(who)s (%(channels)s)", who=who, channels=channels)
            if not level
            else _("Escalated to %(who)s (%(channels)s)", who=who, channels=channels)
        )
        events.append((str(page["at"]), text))
    for failed in alert.failed_pages:
        text = _("Could not page %(who)s: SNS refused it", who=failed["recipient"])
        events.append((str(failed["at"]), text))
    if alert.acknowledged_at:
        events.append(
            (alert.acknowledged_at, _("Acknowledged by %(who)s", who=alert.acknowledged_by))
        )
    for step in alert.handovers:
        said = f': "{untrusted.line(str(step.get("note")))}"' if step.get("note") else ""
        why = " " + _("(shift change)") if step.get("reason") == "shift change" else ""
        moved = _("Handed over %(from)s → %(to)s", **{"from": step["from"], "to": step["to"]})
        events.append((str(step["at"]), f"{moved}{why}{said}"))
    if alert.reminded_at:
        events.append(
            (alert.reminded_at, _("Reminder to %(who)s: past its target", who=alert.holder))
        )
    if alert.reminder_escalated_at:
        events.append((alert.reminder_escalated_at, _("Still open: the backup was told")))
    if alert.exhausted_at and alert.state != "failed":
        events.append((alert.exhausted_at, _("Nobody acknowledged after every escalation step")))
    if alert.resolved_at:
        known = OUTCOME_TEXT.get(alert.outcome or "")
        how = lang.gettext(known) if known else _("resolved")
        note = f': "{alert.resolution_note}"' if alert.resolution_note else ""
        resolved = _("Resolved by %(who)s: %(how)s", who=alert.resolved_by, how=how)
        events.append((alert.resolved_at, resolved + note))
        if alert.lesson:
            theme = f" ({alert.lesson_theme})" if alert.lesson_theme else ""
            events.append(
                (alert.resolved_at, _("Lesson%(theme)s: %(text)s", theme=theme, text=alert.lesson))
            )
    events.sort(key=lambda e: e[0])
    return [{"when": local(at, timezone, lang), "text": text} for at, text in events]


def history_context(
    entries: list[dict[str, Any]], timezone: str, lang: Lang = EN
) -> tuple[list[dict[str, Any]], str]:
    items = []
    labels = {"negative": N_("negative"), "positive": N_("positive"), "neutral": N_("neutral")}
    for entry in entries:
        label = str(entry.get("label", "unknown"))
        named = lang.gettext(labels[label]) if label in labels else label
        items.append(
            {
                "when": local(str(entry.get("at", "")), timezone, lang, "d MMM"),
                "label": f"{named} {float(entry.get('score', 0)):+.2f}",
                "tone": "neg" if label == "negative" else ("pos" if label == "positive" else ""),
                "priority": entry.get("priority", 0),
                "excerpt": untrusted.line(str(entry.get("excerpt", ""))),
            }
        )
    negatives = sum(1 for e in entries if e.get("label") == "negative")
    summary = (
        lang._("Repeat complainer: %(count)s earlier negative cases.", count=negatives)
        if negatives >= 2
        else lang.n_("%(num)s earlier case.", "%(num)s earlier cases.", len(entries))
    )
    return items, summary
