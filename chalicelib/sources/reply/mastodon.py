"""Replies on Mastodon: ``POST /api/v1/statuses`` with ``in_reply_to_id``, plain HTTP.

The reply starts with the author's ``@acct`` (Mastodon notifies only those it mentions)
unless the text names them already. Mastodon keeps an ``Idempotency-Key`` for an hour:
the reply's own key goes with it, so a retry of the same request never posts twice.
401 is the token, 404 a status that is gone, 422 a text it will not take, 429 the rate
limit (300 requests / 5 min).
"""

from __future__ import annotations

from ...errors import ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .._common import Credentials, need_secret
from . import Channel, Sent, Target
from .length import Rule, mastodon_length

KEYS = ("mastodon_base_url", "mastodon_access_token")
TIMEOUT = 10


class Server:
    def __init__(self, base: str, token: str) -> None:
        import requests

        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.base = base.rstrip("/")


def connect(credentials: Credentials) -> Server:
    base, token = need_secret(credentials, *KEYS, source="Mastodon replies")
    return Server(base, token)


def addressed(target: Target, text: str) -> str:
    handle = "@" + target.author_handle.lstrip("@") if target.author_handle else ""
    if not handle or handle.lower() in text.lower():
        return text
    return f"{handle} {text}"


def post(client: Server, target: Target, text: str, key: str) -> Sent:
    import requests

    if not target.native_id.isdigit():  # read on another server (sources/mastodon.py)
        raise ReplyRefused(
            "refused",
            "This post was read on another Mastodon server: answer it in a Mastodon app.",
        )
    try:
        response = client.session.post(
            f"{client.base}/api/v1/statuses",
            data={
                "status": addressed(target, text),
                "in_reply_to_id": target.native_id,
                "visibility": "public",
            },
            headers={"Idempotency-Key": key},
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise ReplyUncertain(f"Mastodon did not answer: {type(error).__name__}") from error
    status = response.status_code
    if status == 401:
        raise ReplyRefused(
            "revoked_token",
            N_(
                "The Mastodon server no longer accepts the brand's token. The team lead was "
                "told; reply in a Mastodon app for now."
            ),
            revoked=True,
        )
    if status == 404:
        raise ReplyRefused("deleted", N_("The post is gone: nothing to answer."))
    if status == 429:
        raise ReplyRefused(
            "rate_limited", N_("Mastodon says: too many requests. Try in a few minutes.")
        )
    if 400 <= status < 500:
        raise ReplyRefused(
            "refused",
            Phrase(N_("Mastodon refused the reply (%(said)s)."), said=response.text[:120]),
        )
    if status >= 500:
        raise ReplyUncertain(f"Mastodon answered {status}")
    try:
        body = response.json()
    except ValueError as error:
        raise ReplyUncertain("Mastodon answered without JSON") from error
    reply_id = str(body.get("id") or "")
    if not reply_id:
        raise ReplyUncertain("Mastodon answered without the reply's id")
    return Sent(reply_id, str(body.get("url") or ""))


CHANNEL = Channel(
    "mastodon",
    "Mastodon",
    KEYS,
    connect,
    post,
    Rule(500, N_("as Mastodon counts them (links 23)"), mastodon_length),
)
