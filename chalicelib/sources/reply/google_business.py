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

from ...errors import ReplyRefused
from ...i18n import N_
from .. import google_business, google_oauth
from .._common import Credentials, need_secret
from ..google_oauth import GoogleSession
from . import Channel, Sent, Target, google
from .length import Rule

LIMIT_BYTES = 4096
BUSINESS = google.Google(
    "Google Business Profile",
    "Google Business Profile",
    N_("the Business Profile grant"),
    N_(
        "the signed-in manager may not answer this location's reviews. Reply in Google "
        "Business Profile."
    ),
)


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
        raise ReplyRefused("refused", N_("This review's link names no location: reply in Google."))
    url = f"{google_business.API}/{name}/reply"
    google.send(BUSINESS, client, "PUT", url, {"comment": text})
    return Sent(f"{target.native_id}/reply", target.url)


CHANNEL = Channel(
    "google_business",
    "Google reviews",
    google_business.GRANT,
    connect,
    post,
    Rule(LIMIT_BYTES, N_("bytes (UTF-8)"), utf8_bytes),
)
