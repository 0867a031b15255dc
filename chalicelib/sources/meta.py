"""Meta Graph webhooks: Facebook Page (feed, mention) and Instagram (comments, mentions).

* ``GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`` -> `answer_subscription`
  returns the challenge to echo (as plain text) when the token is ours.
* ``POST`` -> `verify(headers, raw_body, app_secret)` checks ``X-Hub-Signature-256``
  (``sha256=<hex HMAC-SHA256>`` over the raw bytes), then `parse(raw_body, received_at)`.

Mentions use source ``"facebook"`` or ``"instagram"``. Only new and edited posts and
comments are kept (removals, hides, likes are not mentions), nor posts by the Page itself.
A new comment by the Page (``from.id`` = the Page, i.e. the entry's id) is the brand's
reply: kept with `by_brand`, it marks the case of its ``parent_id`` answered.
Mention notifications carry no text (the Graph API has it); they become a mention with
an empty text and a link, so nobody misses that someone tagged us.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..errors import MalformedPayload, SignatureError
from ..model import Author, Mention, iso, parse_time
from . import signing
from ._common import clip, header, load_json
from .watch import Watch

SIGNATURE_HEADER = "X-Hub-Signature-256"
_KEPT_VERBS = {"add", "edited", None}
_FB_ITEMS = {"status", "post", "photo", "video", "comment", "share", "link"}


def answer_subscription(params: Mapping[str, str] | None, verify_token: str) -> str:
    """The `hub.challenge` to echo; `SignatureError` when mode or token is wrong."""
    params = params or {}
    if not verify_token:
        raise SignatureError("no Meta verify token configured")
    if params.get("hub.mode") != "subscribe":
        raise SignatureError("hub.mode is not subscribe")
    given = params.get("hub.verify_token") or ""
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        raise SignatureError("hub.verify_token does not match")
    challenge = params.get("hub.challenge") or ""
    if not challenge or len(challenge) > 200:
        raise MalformedPayload("hub.challenge is missing or too long")
    return challenge


def verify(headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
    if not secret:
        raise SignatureError("no Meta app secret configured")
    expected = signing.hex_signature(secret, raw_body)
    signing.verify(expected, header(headers, SIGNATURE_HEADER), header=SIGNATURE_HEADER)


def parse(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> list[Mention]:
    payload = load_json(raw_body, "Meta webhook")
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedPayload("Meta webhook: expected an object with an entry list")
    kind = payload.get("object")
    mentions: list[Mention] = []
    for entry in payload["entry"]:
        if not isinstance(entry, dict):
            raise MalformedPayload("Meta webhook: an entry is not an object")
        changes = entry.get("changes") or []
        if not isinstance(changes, list):
            raise MalformedPayload("Meta webhook: changes is not a list")
        for change in changes:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                raise MalformedPayload("Meta webhook: a change without a value object")
            try:
                mention = change_to_mention(
                    kind, entry, change.get("field"), change["value"], received_at=received_at
                )
            except (AttributeError, TypeError, ValueError, OverflowError) as exc:
                # a field of the wrong type (a "from" that is not an object, a bad time…)
                raise MalformedPayload(
                    f"Meta webhook: a change of an unexpected shape ({exc})"
                ) from exc
            if mention is not None:
                terms = watch.match(mention.text) if watch else ()
                mentions.append(mention.with_(matched_terms=terms) if terms else mention)
    return mentions


def change_to_mention(
    kind: Any,
    entry: Mapping[str, Any],
    field: Any,
    value: Mapping[str, Any],
    *,
    received_at: datetime,
) -> Mention | None:
    """One `entry.changes[]` item as a Mention, or None when it is not a mention."""
    when = value.get("created_time") or entry.get("time")
    created = iso(parse_time(when)) if when else iso(received_at)
    if kind == "page":
        return _facebook(entry, field, value, created, iso(received_at))
    if kind == "instagram":
        return _instagram(field, value, created, iso(received_at))
    return None


def _facebook(
    entry: Mapping[str, Any], field: Any, value: Mapping[str, Any], created: str, received: str
) -> Mention | None:
    if value.get("verb") not in _KEPT_VERBS:
        return None
    if field == "feed":
        if value.get("item") not in _FB_ITEMS:
            return None  # reactions, likes, events…
        sender = value.get("from") or {}
        own = str(sender.get("id") or "") == str(entry.get("id") or "-")
        if own and not (value.get("item") == "comment" and value.get("verb") == "add"):
            return None  # the Page's own post (its comments answer a thread: kept below)
        author = Author(
            id=str(sender.get("id") or ""), handle="", name=str(sender.get("name") or "")
        )
        text = value.get("message") or ""
    elif field == "mention":
        author = Author(
            id=str(value.get("sender_id") or ""),
            handle="",
            name=str(value.get("sender_name") or ""),
        )
        text = value.get("message") or ""
    else:
        return None
    post_id = str(value.get("post_id") or "")
    comment_id = str(value.get("comment_id") or "") if value.get("item") == "comment" else ""
    native_id = comment_id or post_id
    if not native_id:
        raise MalformedPayload(f"Meta webhook: a {field} change without post_id")
    url = f"https://www.facebook.com/{post_id}" if post_id else ""
    if comment_id and url:
        url += f"?comment_id={comment_id}"
    parent = value.get("parent_id") if comment_id else None
    by_brand = field == "feed" and str(author.id) == str(entry.get("id") or "-")
    if by_brand and not parent:
        return None
    return Mention(
        source="facebook",
        native_id=native_id,
        url=url,
        author=author,
        text=clip(text),
        created_at=created,
        received_at=received,
        in_reply_to=f"facebook:{parent}" if parent else None,
        by_brand=by_brand,
    )


def _instagram(field: Any, value: Mapping[str, Any], created: str, received: str) -> Mention | None:
    if field in ("comments", "live_comments"):
        native_id = str(value.get("id") or "")
        sender = value.get("from") or {}
        author = Author(id=str(sender.get("id") or ""), handle=str(sender.get("username") or ""))
        text = value.get("text") or ""
        parent = value.get("parent_id")
        in_reply_to = f"instagram:{parent}" if parent else None
    elif field == "mentions":
        native_id = str(value.get("comment_id") or value.get("media_id") or "")
        author = Author(id="", handle="")
        text = ""
        in_reply_to = None
    else:
        return None
    if not native_id:
        raise MalformedPayload(f"Meta webhook: an Instagram {field} change without an id")
    return Mention(
        source="instagram",
        native_id=native_id,
        url="",  # Instagram links need a Graph API call (permalink); none in the payload
        author=author,
        text=clip(text),
        created_at=created,
        received_at=received,
        in_reply_to=in_reply_to,
    )
