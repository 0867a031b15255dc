"""What Google's answer to a reply means, for Google Play and Google Business Profile:
both refuse the same way (Google's JSON error ``{"error": {"code", "message", "errors"}}``),
only the product's name, its console and what to grant differ (`Google`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...errors import CredentialsRefused, ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from ..google_oauth import GoogleSession
from ..http_json import Answer


@dataclass(frozen=True)
class Google:
    product: str  # "Google Play"
    console: str  # where to answer by hand: "Play Console"
    credential: str  # what Google stopped accepting: "the service account's key"
    permission: str  # what a 401/403 means and what to grant


def send(
    service: Google,
    session: GoogleSession,
    method: str,
    url: str,
    body: dict[str, Any],
    *,
    over_quota: Callable[[Answer], bool] = lambda answer: False,
) -> Answer:
    """The reply's request; its answer when Google took it (200), else `ReplyRefused`
    (Google said no: nothing was posted) or `ReplyUncertain` (it may be posted)."""
    try:
        answer = session.request(method, url, datetime.now(UTC), json=body)
    except CredentialsRefused as error:
        raise ReplyRefused(
            "revoked_token",
            Phrase(
                N_(
                    "Google no longer accepts %(credential)s. The team lead was told; "
                    "reply in %(console)s for now."
                ),
                credential=Phrase(service.credential),
                console=service.console,
            ),
            revoked=True,
        ) from error
    except OSError as error:
        raise ReplyUncertain(f"{service.product} did not answer: {error}") from error
    if answer.status == 200:
        return answer
    if answer.status == 429 or over_quota(answer):
        raise ReplyRefused(
            "rate_limited",
            Phrase(N_("%(product)s says: too many requests. Try later."), product=service.product),
        )
    if answer.status in (401, 403):
        raise ReplyRefused(
            "refused",
            Phrase(
                N_("%(product)s: %(why)s"), product=service.product, why=Phrase(service.permission)
            ),
        )
    if answer.status == 404:
        raise ReplyRefused("deleted", N_("The review is gone: nothing to answer."))
    if answer.status >= 500:
        raise ReplyUncertain(f"{service.product} answered {answer.status}")
    raise ReplyRefused(
        "refused",
        Phrase(
            N_("%(product)s refused the reply (%(said)s)."),
            product=service.product,
            said=_reason(answer),
        ),
    )


def _reason(answer: Answer) -> str:
    """Google's ``error.message``, cut short."""
    body = answer.body if isinstance(answer.body, dict) else {}
    problem = body.get("error")
    message = problem.get("message") if isinstance(problem, dict) else None
    return str(message or "no reason given")[:120]
