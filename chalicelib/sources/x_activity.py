"""X Activity API (XAA) deliveries on ``POST /webhooks/x``: the envelope after 2027-01-01.

Every delivery is ``{"data": {"event_uuid", "filter": {"user_id"}, "event_type", "tag",
"payload", "includes"}}`` with an API v2 post in ``payload`` (PLATFORM_NOTES, "X Activity
API"). The CRC and the signature are AAA's (`x_webhook`). What each event becomes:

    post.mention.create, post.reply.create,   a Mention (source "x", the poller's id space),
    post.quote.create                         unless the brand wrote it: then a BrandPost
    post.create                               a BrandPost: the brand's own post or reply
    post.delete                               a BrandPost with deleted=True
    anything else (repost, dm, oauth.revoke)  skipped: 200, logged and counted by the route

Dedupe is on the post id (``x:<id>``), never on ``event_uuid`` (equal to the post id for
``post.create``, negative for deletes, different per event for the same post).
Bad input names its field: ``data``, ``data.event_type``, ``data.payload``,
``data.payload.id``, ``data.payload.text`` -> `MalformedPayload` (400).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..activity import BrandPost, Delivery
from ..errors import MalformedPayload
from ..model import iso, parse_time
from ._common import clip, snowflake_time
from .watch import Watch
from .x import SOURCE, tweet_to_mention

MENTION_EVENTS = frozenset({"post.mention.create", "post.reply.create", "post.quote.create"})
BRAND_CREATE = "post.create"
BRAND_DELETE = "post.delete"
# What the operator command subscribes the brand to (tools/xaa.py).
SUBSCRIBED = (*sorted(MENTION_EVENTS), BRAND_CREATE, BRAND_DELETE)


def is_activity(payload: Any) -> bool:
    """An XAA envelope (has ``data``), as opposed to an Account Activity body."""
    return isinstance(payload, dict) and "data" in payload


def parse(payload: Mapping[str, Any], received_at: datetime, watch: Watch | None) -> Delivery:
    """One XAA delivery (already JSON-decoded) as mentions, brand posts or a skip."""
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedPayload("X Activity: data is not an object")
    event_type = data.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        raise MalformedPayload("X Activity: data.event_type is missing")
    if event_type not in MENTION_EVENTS and event_type not in (BRAND_CREATE, BRAND_DELETE):
        return Delivery(skipped=(event_type,))
    post = data.get("payload")
    if not isinstance(post, dict):
        raise MalformedPayload("X Activity: data.payload is not an object")
    native_id = _post_id(post)
    brand = _brand_id(data)
    if event_type == BRAND_DELETE:
        deleted = BrandPost(
            network=SOURCE,
            post_id=native_id,
            received_at=iso(received_at),
            author_id=str(post.get("author_id") or brand),
            deleted=True,
        )
        return Delivery(brand_posts=(deleted,))
    text = post.get("text")
    if not isinstance(text, str):
        raise MalformedPayload("X Activity: data.payload.text is missing")
    author = str(post.get("author_id") or "")
    if event_type == BRAND_CREATE or (brand and author == brand):
        return Delivery(brand_posts=(_brand_post(post, native_id, brand, received_at),))
    users = _users(data.get("includes"))
    try:
        mention = tweet_to_mention(post, users, watch=watch, received_at=received_at)
    except (AttributeError, TypeError, ValueError, OverflowError) as exc:
        raise MalformedPayload(f"X Activity: data.payload of an unexpected shape ({exc})") from exc
    return Delivery(mentions=(mention,))


def _brand_post(
    post: Mapping[str, Any], native_id: str, brand: str, received_at: datetime
) -> BrandPost:
    created = post.get("created_at")
    try:
        moment = parse_time(created) if isinstance(created, str) else snowflake_time(native_id)
    except (ValueError, OverflowError) as exc:
        raise MalformedPayload("X Activity: data.payload.created_at is not a time") from exc
    conversation = post.get("conversation_id")
    return BrandPost(
        network=SOURCE,
        post_id=native_id,
        text=clip(post.get("text")),
        created_at=iso(moment),
        received_at=iso(received_at),
        in_reply_to=_replied_to(post),
        conversation_id=str(conversation) if conversation else None,
        author_id=str(post.get("author_id") or brand),
    )


def _post_id(post: Mapping[str, Any]) -> str:
    native_id = str(post.get("id") or "")
    if not native_id.isdigit():
        raise MalformedPayload("X Activity: data.payload.id is missing or not a post id")
    return native_id


def _brand_id(data: Mapping[str, Any]) -> str:
    subscription = data.get("filter")
    if not isinstance(subscription, dict):
        return ""
    return str(subscription.get("user_id") or "")


def _replied_to(post: Mapping[str, Any]) -> str | None:
    direct = post.get("in_reply_to_tweet_id")
    if direct:
        return str(direct)
    for ref in post.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == "replied_to" and ref.get("id"):
            return str(ref["id"])
    return None


def _users(includes: Any) -> dict[str, Mapping[str, Any]]:
    """``includes.users`` by id; X sends each user bare or wrapped in ``{"data": …}``."""
    users: dict[str, Mapping[str, Any]] = {}
    listed = includes.get("users") if isinstance(includes, dict) else None
    for item in listed if isinstance(listed, list) else []:
        user = item.get("data", item) if isinstance(item, dict) else None
        if isinstance(user, dict) and user.get("id"):
            users[str(user["id"])] = user
    return users
