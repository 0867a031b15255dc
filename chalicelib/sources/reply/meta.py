"""Replies on Facebook and Instagram through the Graph API, over plain HTTP.

    Facebook   POST /{comment-or-post-id}/comments  message=…   (pages_manage_engagement)
    Instagram  POST /{ig-comment-id}/replies        message=…   (instagram_manage_comments)

Both answer ``{"id": …}``. The Page access token (``meta_page_token``) goes in the form
body, never in the URL (URLs end up in logs). Errors are ``{"error": {"code",
"error_subcode", "message"}}``: 190 is the token (subcode 463: expired; others: revoked or
the password changed), 100 with subcode 33 or a 404 is a post that is gone, 4/17/32/613
are rate limits, 10 and 200–299 missing permissions.
"""

from __future__ import annotations

from typing import Any

from ...errors import ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .._common import Credentials, need_secret
from . import Channel, Sent, Target
from .length import Rule

GRAPH = "https://graph.facebook.com/v25.0"
KEYS = ("meta_page_token",)
TIMEOUT = 10


class Graph:
    """A requests session with the Page token; `base` is the Graph API version root."""

    def __init__(self, token: str, base: str = GRAPH) -> None:
        import requests

        self.session = requests.Session()
        self.token = token
        self.base = base


def connect(credentials: Credentials) -> Graph:
    (token,) = need_secret(credentials, *KEYS, source="Meta replies")
    return Graph(token, str(credentials.get("meta_graph_url") or GRAPH))


def _post(graph: Graph, path: str, text: str) -> Sent:
    import requests

    try:
        response = graph.session.post(
            f"{graph.base}/{path}",
            data={"message": text, "access_token": graph.token},
            timeout=TIMEOUT,
        )
    except requests.ConnectionError as error:
        if isinstance(error, requests.ConnectTimeout):
            raise ReplyRefused(
                "refused", N_("Meta could not be reached; nothing was sent. Try again.")
            ) from error
        raise ReplyUncertain(f"Meta did not answer: {type(error).__name__}") from error
    except requests.RequestException as error:
        raise ReplyUncertain(f"Meta did not answer: {type(error).__name__}") from error
    if response.status_code >= 500:
        raise ReplyUncertain(f"Meta answered {response.status_code}")
    try:
        body = response.json()
    except ValueError as error:
        raise ReplyUncertain("Meta answered without JSON") from error
    if response.status_code >= 400 or "error" in body:
        raise refusal(response.status_code, body.get("error") or {})
    reply_id = str(body.get("id") or "")
    if not reply_id:
        raise ReplyUncertain("Meta answered without the reply's id")
    return Sent(reply_id, str(body.get("permalink_url") or ""))


def refusal(status: int, error: dict[str, Any]) -> ReplyRefused:
    code, sub = int(error.get("code") or 0), int(error.get("error_subcode") or 0)
    said = str(error.get("message") or "")[:120]
    if code == 190 and sub == 463:
        return ReplyRefused(
            "expired_token",
            N_(
                "The Page's token has expired. The team lead was told; reply in Meta Business "
                "Suite for now."
            ),
            revoked=True,
        )
    if code == 190 or code == 10 or 200 <= code <= 299:
        return ReplyRefused(
            "revoked_token",
            N_(
                "Meta no longer accepts the Page's token (revoked or missing a permission). "
                "The team lead was told; reply in Meta Business Suite for now."
            ),
            revoked=True,
        )
    if status == 404 or (code == 100 and sub == 33):
        return ReplyRefused("deleted", N_("The post or comment is gone: nothing to answer."))
    if code in (4, 17, 32, 613):
        return ReplyRefused(
            "rate_limited", N_("Meta says: too many calls now. Try in a few minutes.")
        )
    return ReplyRefused("refused", Phrase(N_("Meta refused the reply (%(said)s)."), said=said))


def post_facebook(client: Graph, target: Target, text: str, key: str) -> Sent:
    sent = _post(client, f"{target.native_id}/comments", text)
    return sent if sent.url else Sent(sent.reply_id, f"https://www.facebook.com/{sent.reply_id}")


def post_instagram(client: Graph, target: Target, text: str, key: str) -> Sent:
    return _post(client, f"{target.native_id}/replies", text)


FACEBOOK = Channel("facebook", "Facebook", KEYS, connect, post_facebook, Rule(8000, "characters"))
INSTAGRAM = Channel(
    "instagram", "Instagram", KEYS, connect, post_instagram, Rule(2200, "characters")
)
