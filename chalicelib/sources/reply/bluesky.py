"""Replies on Bluesky: a post record with ``reply: {root, parent}`` strong refs.

``app.bsky.feed.getPosts`` gives the parent's ``cid`` and its thread's root (the parent's
own ``reply.root``, else the parent), then ``com.atproto.repo.createRecord`` posts the
reply in the brand's repo (PLATFORM_NOTES, "Bluesky"), logged in with the listening app
password (sources/bluesky.py keeps the session). createRecord takes no idempotency key: a
request that fails without an answer is `ReplyUncertain` (the reply service asks before
sending again). 300 characters (Bluesky counts graphemes; counted here after NFC).
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

from ...errors import ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .. import bluesky
from .._common import Credentials
from . import Channel, Sent, Target
from .length import Rule

LIMIT = 300


def connect(credentials: Credentials) -> bluesky.BlueskyClient:
    return bluesky.make_client(credentials)


def bluesky_length(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


def post(client: bluesky.BlueskyClient, target: Target, text: str, key: str) -> Sent:
    uri = "at://" + target.native_id
    try:
        found = client.get("app.bsky.feed.getPosts", {"uris": [uri]})
        posts = found.body.get("posts") if isinstance(found.body, dict) else None
        if found.status != 200 or not posts:
            raise ReplyRefused("deleted", N_("The post is gone: nothing to answer."))
        parent = {"uri": str(posts[0]["uri"]), "cid": str(posts[0]["cid"])}
        root = ((posts[0].get("record") or {}).get("reply") or {}).get("root") or parent
        record = {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "reply": {"root": root, "parent": parent},
        }
        answer = client.procedure(
            "com.atproto.repo.createRecord",
            {"repo": client.did, "collection": "app.bsky.feed.post", "record": record},
        )
    except bluesky.LoginRefused as error:
        raise ReplyRefused(
            "revoked_token",
            N_(
                "Bluesky no longer accepts the brand's app password. The team lead was told; "
                "reply in the Bluesky app for now."
            ),
            revoked=True,
        ) from error
    except bluesky.RateLimited as error:
        raise ReplyRefused(
            "rate_limited", N_("Bluesky says: too many requests. Try later.")
        ) from error
    except OSError as error:
        raise ReplyUncertain(f"Bluesky did not answer: {error}") from error
    if answer.status >= 500:
        raise ReplyUncertain(f"Bluesky answered {answer.status}")
    if answer.status != 200 or not isinstance(answer.body, dict) or not answer.body.get("uri"):
        raise ReplyRefused(
            "refused",
            Phrase(N_("Bluesky refused the reply (HTTP %(status)s)."), status=answer.status),
        )
    reply_uri = str(answer.body["uri"])
    handle = client.handle
    return Sent(reply_uri, f"https://bsky.app/profile/{handle}/post/{reply_uri.rsplit('/', 1)[-1]}")


CHANNEL = Channel(
    "bluesky",
    "Bluesky",
    bluesky.SECRETS,
    connect,
    post,
    Rule(LIMIT, N_("characters as Bluesky counts them"), bluesky_length),
)
