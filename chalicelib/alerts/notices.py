"""The pages that refuse or apologise: a link that is not valid, a case not found, a store
that cannot be reached. Small on purpose: the API handler imports this at a cold start,
the case desk (and its templates) only when a request needs it."""

from __future__ import annotations

from ..errors import InputError, NotFound, TokenError
from . import web


def page(status: int, title: str, text: str) -> web.Page:
    from . import views  # (Jinja2 and the templates load with the first page)

    nonce = web.new_nonce()
    html = views.render("notice.html", nonce=nonce, title=title, text=text)
    return web.Page(status, html, nonce)


def refused(error: InputError) -> web.Page:
    if isinstance(error, NotFound):
        title, text = "Case not found", str(error)
    elif isinstance(error, TokenError):
        title, text = (
            "Link not valid",
            f"{error}. Open the link in your latest page, or ask the team lead.",
        )
    else:
        title, text = "Not done", str(error)
    return page(error.status_code, title, text)


def unavailable() -> web.Page:
    text = "The case desk cannot reach its data right now. Try again in a minute."
    return page(503, "Temporarily unavailable", text)
