"""The small HTML pages a manager sees after tapping a link in an alert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from ..errors import NotFound, TokenError

if TYPE_CHECKING:
    from ..model import Alert
    from .acks import AckResult

_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;margin:24px;font-size:18px;line-height:1.4;">
<h1 style="font-size:22px;">{title}</h1><p>{body}</p></body></html>"""


@dataclass(frozen=True)
class Outcome:
    status: int
    title: str
    body: str


def page(title: str, body: str) -> str:
    return _PAGE.format(title=escape(title), body=escape(body))


_BUTTON = "display:block;width:100%;padding:16px;font-size:20px;border:0;border-radius:8px;"
_CONFIRM = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<meta name="robots" content="noindex"></head>
<body style="font-family:Arial,Helvetica,sans-serif;margin:24px;font-size:18px;line-height:1.4;">
<h1 style="font-size:22px;">{title}</h1><p>{summary}</p>
<form method="post">{note}<button type="submit" style="{style}">{button}</button></form>
</body></html>"""
_NOTE = (
    '<p><label for="note">Note (optional)</label><br><textarea id="note" name="note" '
    'rows="3" maxlength="500" style="width:100%;font-size:18px;"></textarea></p>'
)


def confirm(action: str, alert: Alert) -> str:
    """The page behind an alert's link: one button that does it (a POST to the same URL).

    Opening the link changes nothing, so mail scanners and link previews that fetch every
    URL in an e-mail cannot acknowledge an alert and silently stop its escalation.
    """
    resolving = action == "resolve"
    button = "Resolve" if resolving else "Acknowledge: I am on it"
    colour = "background:#067647;color:#fff;" if resolving else "background:#175cd3;color:#fff;"
    title = "Resolve this alert?" if resolving else "Acknowledge this alert?"
    return _CONFIRM.format(
        title=escape(title),
        summary=escape(alert.subject),
        note=_NOTE if resolving else "",
        style=_BUTTON + colour,
        button=escape(button),
    )


def refused(error: Exception) -> Outcome:
    if isinstance(error, TokenError):
        return Outcome(403, "Link not valid", f"{error}. Ask the team lead for a new link.")
    return Outcome(404, "Alert not found", "This alert does not exist (any more).")


def after_ack(acknowledge: Callable[[], AckResult]) -> Outcome:
    """Run an acknowledge and say what happened."""
    try:
        result = acknowledge()
    except (TokenError, NotFound) as error:
        return refused(error)
    alert = result.alert
    if not result.changed:
        return Outcome(
            200,
            "Already acknowledged",
            f"Acknowledged by {alert.acknowledged_by} at {alert.acknowledged_at}.",
        )
    return Outcome(
        200,
        "Acknowledged",
        f"Thanks, {alert.acknowledged_by}: the alert is yours. Nobody else will be paged for it.",
    )


def after_resolve(resolve: Callable[[], AckResult]) -> Outcome:
    """Run a resolve and say what happened, in words a manager on a phone reads at a glance."""
    try:
        result = resolve()
    except (TokenError, NotFound) as error:
        return refused(error)
    alert = result.alert
    if not result.changed:
        return Outcome(
            200, "Already resolved", f"Resolved by {alert.resolved_by} at {alert.resolved_at}."
        )
    note = f" Note: {alert.resolution_note}" if alert.resolution_note else ""
    posts = f" All {alert.count} posts in it are closed." if alert.count > 1 else ""
    return Outcome(
        200, "Resolved", f"Thanks, {alert.resolved_by}: the alert is closed.{posts}{note}"
    )
