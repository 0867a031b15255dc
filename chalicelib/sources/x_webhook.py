"""X webhook: CRC answer, signature check; Account Activity bodies and, from 2027, the
X Activity API envelope (`x_activity`), told apart by its ``data`` key.

* ``GET ?crc_token=…`` -> `crc_response(token, consumer_secret)`:
  ``{"response_token": "sha256=<base64 HMAC-SHA256(consumer secret, token)>"}``.
* ``POST`` -> `verify(headers, raw_body, consumer_secret)` checks
  ``x-twitter-webhooks-signature`` over the raw bytes, then `parse(raw_body, received_at)`.

Posts use source ``"x"`` like the poller, so a post seen by both is one mention. Our
own account's posts (author = ``for_user_id``) are not mentions: its replies are kept
with `by_brand` (they answer the post they reply to), its other posts left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from ..activity import Delivery
from ..errors import MalformedPayload, SignatureError
from ..model import Author, Engagement, Mention, iso, parse_time
from . import signing, x_activity
from ._common import as_int, clip, header, load_json, snowflake_time
from .watch import Watch
from .x import SOURCE, post_url

SIGNATURE_HEADER = "x-twitter-webhooks-signature"


def crc_response(crc_token: str, consumer_secret: str) -> dict[str, str]:
    if not crc_token:
        raise MalformedPayload("crc_token is empty")
    if not consumer_secret:
        raise SignatureError("no X consumer secret configured")
    return {"response_token": signing.base64_signature(consumer_secret, crc_token.encode())}


def verify(headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
    if not secret:
        raise SignatureError("no X consumer secret configured")
    expected = signing.base64_signature(secret, raw_body)
    signing.verify(expected, header(headers, SIGNATURE_HEADER), header=SIGNATURE_HEADER)


def parse_delivery(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> Delivery:
    """An XAA delivery (mentions, the brand's own posts, skips) or an AAA body's mentions."""
    payload = load_json(raw_body, "X webhook")
    if not isinstance(payload, dict):
        raise MalformedPayload("X webhook: body is not a JSON object")
    if x_activity.is_activity(payload):
        return x_activity.parse(payload, received_at, watch)
    return Delivery(mentions=tuple(_account_activity(payload, received_at, watch)))


def parse(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> list[Mention]:
    """The mentions of a delivery (either API); the brand's own posts are left out."""
    return list(parse_delivery(raw_body, received_at, watch).mentions)


def _account_activity(
    payload: Mapping[str, Any], received_at: datetime, watch: Watch | None
) -> list[Mention]:
    """The new posts in an Account Activity event; other event kinds give []."""
    events = payload.get("tweet_create_events", [])
    if not isinstance(events, list):
        raise MalformedPayload("X webhook: tweet_create_events is not a list")
    own = str(payload.get("for_user_id") or "")
    mentions = []
    for event in events:
        if not isinstance(event, dict):
            raise MalformedPayload("X webhook: an event is not an object")
        if "retweeted_status" in event:
            continue  # a repost says nothing new; the original is what counts
        try:
            mention = status_to_mention(event, received_at=received_at, watch=watch)
        except (AttributeError, TypeError, ValueError, OverflowError) as exc:
            # a field of the wrong type (a "user" that is not an object, a bad time…)
            raise MalformedPayload(f"X webhook: a post of an unexpected shape ({exc})") from exc
        if own and mention.author.id == own:
            if mention.in_reply_to:  # the brand's reply: it answers that post's case
                mentions.append(mention.with_(by_brand=True, matched_terms=()))
            continue
        mentions.append(mention)
    return mentions


def status_to_mention(
    status: Mapping[str, Any], *, received_at: datetime, watch: Watch | None = None
) -> Mention:
    """A v1.1 status object (as Account Activity sends it) as a Mention."""
    native_id = str(status.get("id_str") or status.get("id") or "")
    if not native_id.isdigit():
        raise MalformedPayload("X webhook: a post without an id")
    user = status.get("user") or {}
    handle = str(user.get("screen_name") or "")
    extended = status.get("extended_tweet") or {}
    text = clip(extended.get("full_text") or status.get("full_text") or status.get("text"))
    replied = status.get("in_reply_to_status_id_str") or status.get("in_reply_to_status_id")
    lang = status.get("lang")
    terms = watch.tag_author(watch.match(text), handle) if watch else ()
    return Mention(
        source=SOURCE,
        native_id=native_id,
        url=post_url(native_id, handle),
        author=Author(
            id=str(user.get("id_str") or user.get("id") or ""),
            handle=handle,
            name=str(user.get("name") or ""),
            followers=as_int(user.get("followers_count")),
        ),
        text=text,
        created_at=iso(_created(status, native_id)),
        received_at=iso(received_at),
        lang=None if not lang or lang == "und" else str(lang),
        engagement=Engagement(
            likes=as_int(status.get("favorite_count")),
            replies=as_int(status.get("reply_count")),
            reposts=as_int(status.get("retweet_count")),
            score=as_int(status.get("quote_count")),
        ),
        matched_terms=terms,
        in_reply_to=f"{SOURCE}:{replied}" if replied else None,
    )


def _created(status: Mapping[str, Any], native_id: str) -> datetime:
    if status.get("timestamp_ms"):
        return parse_time(int(status["timestamp_ms"]))
    created = status.get("created_at")
    if isinstance(created, str) and created:
        try:  # "Thu Nov 15 23:31:30 +0000 2018"
            parts = created.split()
            return parsedate_to_datetime(
                f"{parts[0]}, {parts[2]} {parts[1]} {parts[5]} {parts[3]} {parts[4]}"
            )
        except (IndexError, ValueError):
            pass
    return snowflake_time(native_id)
