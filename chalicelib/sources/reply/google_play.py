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

from urllib.parse import parse_qs, quote, urlsplit

from ...errors import ReplyRefused
from ...i18n import N_
from .. import google_play
from .._common import Credentials
from ..google_play import over_quota
from . import Channel, Sent, Target, google
from .length import Rule

LIMIT = 350
PLAY = google.Google(
    "Google Play",
    "Play Console",
    N_("the service account's key"),
    N_(
        "the service account may not reply to this app's reviews (Play Console, Users and "
        "permissions: 'Reply to reviews'). Reply in Play Console."
    ),
)


def connect(credentials: Credentials) -> google_play.PlayClient:
    return google_play.make_client(credentials)


def package_of(url: str) -> str:
    """ "https://play.google.com/store/apps/details?id=nl.voltera.app&reviewId=…" -> the
    package; "" when the link names none."""
    return (parse_qs(urlsplit(url).query).get("id") or [""])[0]


def post(client: google_play.PlayClient, target: Target, text: str, key: str) -> Sent:
    package = package_of(target.url)
    if not package:
        raise ReplyRefused("refused", N_("This review's link names no app: reply in Play Console."))
    review = quote(target.native_id, safe="")  # "gp:AO…" -> "gp%3AAO…", as a URI template does
    url = f"{google_play.BASE}/{quote(package, safe='')}/reviews/{review}:reply"
    google.send(PLAY, client.session, "POST", url, {"replyText": text}, over_quota=over_quota)
    return Sent(target.native_id, target.url)


CHANNEL = Channel(
    "google_play",
    "Google Play",
    ("google_play_service_account",),
    connect,
    post,
    Rule(LIMIT, "characters"),
)
