"""What the case desk says in a line: the notice after an action, why an action changed
nothing, and the pages that refuse a link or say the desk is down; each in the reader's
language (`Lang`), with the desk's headers (`web`). Small on purpose: the API handler
imports this at a cold start; the views (Jinja2, the templates) and the catalogue load
with the first page that needs them."""

from __future__ import annotations

from typing import Any

from ...errors import InputError, NotFound, TokenError
from ...i18n import DEFAULT, N_, Lang
from ...model import Alert
from . import web

DONE = {
    "ack": N_("Acknowledged: the case is yours. Nobody else will be paged for it."),
    "resolve": N_("Resolved. Thank you: the outcome is in the digest."),
    "handover": N_("Handed over: they have it now, with a link of their own."),
    "reply": N_("Sent: your reply is on the network."),
}


def done(action: str) -> str:
    """The notice after an action (the redirect's ``?done=``); "" for anything else."""
    return DONE.get(action, "")


def lost(alert: Alert, lang: Lang) -> str:
    """Why an action changed nothing: the case moved between the page and the button."""
    if alert.state == "resolved":
        now = lang._("it was resolved by %(who)s", who=alert.resolved_by)
    elif alert.holder:
        now = lang._("it is with %(holder)s now", holder=alert.holder)
    else:
        now = lang.gettext("look at it again")
    return lang._("Not done: the case changed while you decided; %(now)s.", now=now)


def page(status: int, template: str, context: dict[str, Any], code: str) -> web.Page:
    from . import views

    nonce = web.new_nonce()
    return web.Page(status, views.render(template, code, nonce=nonce, **context), nonce)


def refused(error: InputError, code: str = DEFAULT) -> web.Page:
    lang = Lang(code)
    why = lang.gettext(str(error))
    if isinstance(error, NotFound):
        title, text = lang.gettext("Case not found"), why
    elif isinstance(error, TokenError):
        title = lang.gettext("Link not valid")
        text = lang._("%(why)s. Open the link in your latest page, or ask the team lead.", why=why)
    else:
        title, text = lang.gettext("Not done"), why
    return page(error.status_code, "notice.html", {"title": title, "text": text}, code)


def unavailable(code: str = DEFAULT) -> web.Page:
    lang = Lang(code)
    text = lang.gettext("The case desk cannot reach its data right now. Try again in a minute.")
    title = lang.gettext("Temporarily unavailable")
    return page(503, "notice.html", {"title": title, "text": text}, code)
