"""Replies to Google Play reviews: ``POST …/applications/{package}/reviews/{id}:reply``.

The Android Publisher API's documented shape (realdata/reviews/googleplay_reviews_reply
.shape.json): ``{"replyText": "<text>"}``, answered ``{"result": {"replyText",
"lastEdited": {"seconds", "nanos"}}}``. A review has one developer reply and the same
call replaces it, so a request sent twice leaves one reply. About 350 characters (a
longer reply is refused) and no HTML. The package is the one in the review's link (the
poller writes ``…/details?id=<package>&reviewId=<id>``); the service account is the
poller's (`sources/google_play.py`), with "Reply to reviews" for the app in Play Console.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ...errors import CredentialsRefused, ReplyRefused, ReplyUncertain
from .. import google_play
from .._common import Credentials
from . import Channel, Sent, Target
from .length import Rule

LIMIT = 350


def connect(credentials: Credentials) -> google_play.PlayClient:
    return google_play.make_client(credentials)


def package_of(url: str) -> str:
    """ "https://play.google.com/store/apps/details?id=nl.voltera.app&reviewId=…" -> the
    package; "" when the link names none."""
    return (parse_qs(urlsplit(url).query).get("id") or [""])[0]


def post(client: google_play.PlayClient, target: Target, text: str, key: str) -> Sent:
    package = package_of(target.url)
    if not package:
        raise ReplyRefused("refused", "This review's link names no app: reply in Play Console.")
    review = quote(target.native_id, safe="")  # "gp:AO…" -> "gp%3AAO…", as a URI template does
    url = f"{google_play.BASE}/{quote(package, safe='')}/reviews/{review}:reply"
    try:
        answer = client.session.request("POST", url, datetime.now(UTC), json={"replyText": text})
    except CredentialsRefused as error:
        raise ReplyRefused(
            "revoked_token",
            "Google no longer accepts the service account's key. The team lead was told; "
            "reply in Play Console for now.",
            revoked=True,
        ) from error
    except OSError as error:
        raise ReplyUncertain(f"Google Play did not answer: {error}") from error
    if answer.status == 200:
        return Sent(target.native_id, target.url)
    if answer.status == 429 or google_play.over_quota(answer):
        raise ReplyRefused("rate_limited", "Google Play says: too many requests. Try later.")
    if answer.status in (401, 403):
        raise ReplyRefused(
            "refused",
            "Google Play: the service account may not reply to this app's reviews (Play "
            "Console, Users and permissions: 'Reply to reviews'). Reply in Play Console.",
        )
    if answer.status == 404:
        raise ReplyRefused("deleted", "The review is gone: nothing to answer.")
    if answer.status >= 500:
        raise ReplyUncertain(f"Google Play answered {answer.status}")
    raise ReplyRefused("refused", f"Google Play refused the reply ({_message(answer.body)}).")


def _message(body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    return str((error or {}).get("message") or "no reason given")[:120]


CHANNEL = Channel(
    "google_play",
    "Google Play",
    ("google_play_service_account",),
    connect,
    post,
    Rule(LIMIT, "characters"),
)
