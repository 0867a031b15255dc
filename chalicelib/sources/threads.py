"""Threads webhooks: ``replies`` to the brand's posts and ``mentions`` of the brand.

``GET /webhooks/threads`` answers Meta's ``hub.challenge`` (token ``threads_verify_token``);
``POST`` is signed like every Meta webhook, ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256
of the raw body with the Threads app secret>`` (``threads_app_secret``). Threads does not
use Meta's ``entry/changes`` envelope (PLATFORM_NOTES, "Threads")::

    {"app_id", "topic", "target_id", "time", "subscription_id",
     "values": {"field": "replies" | "mentions",
                "value": {"id", "username", "text", "permalink", "timestamp",
                          "replied_to": {"id"}, "root_post": {"id", "owner_id", "username"}}}}

(a list of such objects is read the same way). A post is ``threads:<id>``; a reply names
the post it answers (``in_reply_to``). Other fields are skipped (200); a malformed body
is a 400 naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..activity import Delivery
from ..errors import MalformedPayload, SignatureError
from ..model import Author, Mention, iso, parse_time
from . import signing
from ._common import clip, header, load_json
from .watch import Watch

SOURCE = "threads"
FIELDS = ("replies", "mentions")
SIGNATURE_HEADER = "X-Hub-Signature-256"


def verify(headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
    if not secret:
        raise SignatureError("no Threads app secret configured")
    expected = signing.hex_signature(secret, raw_body)
    signing.verify(expected, header(headers, SIGNATURE_HEADER), header=SIGNATURE_HEADER)


def parse_delivery(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> Delivery:
    payload = load_json(raw_body, "Threads webhook")
    notifications = payload if isinstance(payload, list) else [payload]
    mentions: list[Mention] = []
    skipped: list[str] = []
    for n, item in enumerate(notifications):
        where = f"[{n}]" if isinstance(payload, list) else "body"
        if not isinstance(item, dict):
            raise MalformedPayload(f"Threads webhook: {where} is not an object")
        values = item.get("values")
        if not isinstance(values, dict):
            raise MalformedPayload(f"Threads webhook: {where}.values is not an object")
        field = values.get("field")
        if field not in FIELDS:
            skipped.append(str(field)[:60])
            continue
        value = values.get("value")
        if not isinstance(value, dict):
            raise MalformedPayload(f"Threads webhook: {where}.values.value is not an object")
        mention = post_to_mention(value, f"{where}.values.value", received_at)
        if watch is not None:
            mention = mention.with_(
                matched_terms=watch.tag_author(watch.match(mention.text), mention.author.handle)
            )
        mentions.append(mention)
    return Delivery(mentions=tuple(mentions), skipped=tuple(skipped))


def parse(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> list[Mention]:
    return list(parse_delivery(raw_body, received_at, watch).mentions)


def post_to_mention(value: Mapping[str, Any], where: str, received_at: datetime) -> Mention:
    """A Threads post (webhook value or keyword-search result); `MalformedPayload` naming
    the field that is wrong."""
    post_id = value.get("id")
    if not isinstance(post_id, str) or not post_id.strip().isdigit():
        raise MalformedPayload(f"Threads webhook: {where}.id is missing or not a post id")
    text = value.get("text")
    if text is not None and not isinstance(text, str):
        raise MalformedPayload(f"Threads webhook: {where}.text is not text")
    try:
        created = parse_time(str(value.get("timestamp") or ""))
    except ValueError as exc:
        raise MalformedPayload(f"Threads webhook: {where}.timestamp is not a time") from exc
    username = str(value.get("username") or "").strip() or "threads-user"
    replied = value.get("replied_to")
    parent = replied.get("id") if isinstance(replied, dict) else None
    return Mention(
        source=SOURCE,
        native_id=post_id.strip(),
        url=str(value.get("permalink") or f"https://www.threads.net/@{username}"),
        author=Author(id=username, handle=username),
        text=clip(text or ""),
        created_at=iso(created),
        received_at=iso(received_at),
        in_reply_to=f"{SOURCE}:{parent}" if parent else None,
    )
