"""Replies to Google reviews: ``PUT https://mybusiness.googleapis.com/v4/<review name>/reply``.

The Business Profile API's documented call (PLATFORM_NOTES, "Reviews"): ``{"comment":
"<text>"}``, answered with the ReviewReply ``{"comment", "updateTime"}``. A review has one
reply and the same call replaces it, so a request sent twice leaves one. The review's
resource name (``accounts/{a}/locations/{l}/reviews/{r}``) is the one the push brought, kept
in the mention's link (`sources/google_business.review_link`); the grant is the push
route's (a location manager's refresh token, `sources/google_oauth.py`). 4,096 bytes of
UTF-8 (Google's documented maximum for ``comment``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...errors import CredentialsRefused, ReplyRefused, ReplyUncertain
from ...i18n import N_
from .. import google_business, google_oauth
from .._common import Credentials, need_secret
from ..google_oauth import GoogleSession
from . import Channel, Sent, Target
from .length import Rule

LIMIT_BYTES = 4096


def connect(credentials: Credentials) -> GoogleSession:
    client_id, client_secret, refresh = need_secret(
        credentials, *google_business.GRANT, source="Google Business Profile replies"
    )
    return GoogleSession(google_oauth.refresh_grant(client_id, client_secret, refresh))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def post(client: GoogleSession, target: Target, text: str, key: str) -> Sent:
    name = google_business.review_name(target.url)
    if not name:
        raise ReplyRefused("refused", "This review's link names no location: reply in Google.")
    try:
        answer = client.request(
            "PUT", f"{google_business.API}/{name}/reply", datetime.now(UTC), json={"comment": text}
        )
    except CredentialsRefused as error:
        raise ReplyRefused(
            "revoked_token",
            "Google no longer accepts the Business Profile grant. The team lead was told; "
            "reply in Google Business Profile for now.",
            revoked=True,
        ) from error
    except OSError as error:
        raise ReplyUncertain(f"Google Business Profile did not answer: {error}") from error
    if answer.status == 200:
        return Sent(f"{target.native_id}/reply", target.url)
    if answer.status == 429:
        raise ReplyRefused("rate_limited", "Google says: too many requests. Try later.")
    if answer.status in (401, 403):
        raise ReplyRefused(
            "refused",
            "Google Business Profile: the signed-in manager may not answer this location's "
            "reviews. Reply in Google Business Profile.",
        )
    if answer.status == 404:
        raise ReplyRefused("deleted", "The review is gone: nothing to answer.")
    if answer.status >= 500:
        raise ReplyUncertain(f"Google Business Profile answered {answer.status}")
    raise ReplyRefused("refused", f"Google refused the reply ({_message(answer.body)}).")


def _message(body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    return str((error or {}).get("message") or "no reason given")[:120]


CHANNEL = Channel(
    "google_business",
    "Google reviews",
    google_business.GRANT,
    connect,
    post,
    Rule(LIMIT_BYTES, N_("bytes (UTF-8)"), utf8_bytes),
)
