"""Trustpilot service-review webhooks (Business accounts with the Connect module).

``POST /webhooks/trustpilot`` (PLATFORM_NOTES, "Reviews")::

    {"events": [{"eventName": "service-review-created" | "service-review-updated"
                              | "service-review-deleted",
                 "eventData": {"id", "stars", "title", "text", "createdAt",
                               "consumer": {"id", "name"}, "language"?, "link"?}}]}

Authentication: the documentation we could read does not say how Trustpilot signs a
delivery [u], so the route takes HTTP Basic credentials, which the webhook URL carries
(``https://user:password@<api>/webhooks/trustpilot``): the secret
``trustpilot_webhook_basic`` is ``user:password``, compared in constant time; a missing
or wrong ``Authorization`` is a 401, before the body is read.

A created or updated review is ``trustpilot:<review id>`` with its stars (an update
replaces the stored mention: text or stars changed); a deleted review is recorded
(`Delivery.deleted`, kept by `store/reviews.DeletedReviews`), never a new mention.
Other event names are skipped (200). A malformed body is a 400 naming the field.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..activity import Delivery
from ..errors import MalformedPayload, SignatureError
from ..model import Author, Mention, iso, mention_id, parse_time
from ._common import clip, header, load_json
from .watch import Watch

SOURCE = "trustpilot"
CHANGED = ("service-review-created", "service-review-updated")
DELETED = "service-review-deleted"


def verify(headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
    """HTTP Basic ``user:password`` equal to the secret (constant time), else 401."""
    if not secret or ":" not in secret:
        raise SignatureError("no Trustpilot webhook credentials configured")
    given = (header(headers, "Authorization") or "").strip()
    if not given.lower().startswith("basic "):
        raise SignatureError("missing Authorization header (Basic)")
    try:
        decoded = base64.b64decode(given[6:].strip(), validate=True)
    except ValueError as exc:
        raise SignatureError("Authorization is not Basic credentials") from exc
    if not hmac.compare_digest(decoded, secret.encode()):
        raise SignatureError("Authorization does not match")


def parse_delivery(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> Delivery:
    payload = load_json(raw_body, "Trustpilot webhook")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        raise MalformedPayload("Trustpilot webhook: events is missing or not a list")
    mentions: list[Mention] = []
    deleted: list[str] = []
    skipped: list[str] = []
    for n, event in enumerate(events):
        where = f"events[{n}]"
        if not isinstance(event, dict):
            raise MalformedPayload(f"Trustpilot webhook: {where} is not an object")
        name = event.get("eventName")
        data = event.get("eventData")
        if not isinstance(name, str):
            raise MalformedPayload(f"Trustpilot webhook: {where}.eventName is missing")
        if name not in (*CHANGED, DELETED):
            skipped.append(name[:60])
            continue
        if not isinstance(data, dict):
            raise MalformedPayload(f"Trustpilot webhook: {where}.eventData is not an object")
        review_id = data.get("id")
        if not isinstance(review_id, str) or not review_id.strip():
            raise MalformedPayload(f"Trustpilot webhook: {where}.eventData.id is missing")
        if name == DELETED:
            deleted.append(mention_id(SOURCE, review_id.strip()))
            continue
        mention = review_to_mention(data, where, received_at)
        if watch is not None:
            terms = watch.match(mention.text)
            mention = mention.with_(matched_terms=terms)
        mentions.append(mention)
    return Delivery(mentions=tuple(mentions), skipped=tuple(skipped), deleted=tuple(deleted))


def parse(raw_body: bytes, received_at: datetime, watch: Watch | None = None) -> list[Mention]:
    return list(parse_delivery(raw_body, received_at, watch).mentions)


def review_to_mention(data: Mapping[str, Any], where: str, received_at: datetime) -> Mention:
    """A created or updated review's eventData; `MalformedPayload` naming a bad field."""
    stars = data.get("stars")
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise MalformedPayload(f"Trustpilot webhook: {where}.eventData.stars is not 1..5")
    try:
        created = parse_time(str(data.get("createdAt") or ""))
    except ValueError as exc:
        raise MalformedPayload(
            f"Trustpilot webhook: {where}.eventData.createdAt is not a time"
        ) from exc
    text = data.get("text")
    if not isinstance(text, str):
        raise MalformedPayload(f"Trustpilot webhook: {where}.eventData.text is missing")
    raw = data.get("consumer")
    consumer: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
    name = str(consumer.get("name") or "").strip() or "Trustpilot reviewer"
    review_id = str(data["id"]).strip()
    title = str(data.get("title") or "").strip()
    language = str(data.get("language") or "").split("-")[0].lower() or None
    return Mention(
        source=SOURCE,
        native_id=review_id,
        url=str(data.get("link") or f"https://www.trustpilot.com/reviews/{review_id}"),
        author=Author(id=str(consumer.get("id") or name), handle=name, name=name),
        text=clip("\n\n".join(p for p in (title, text.strip()) if p)),
        created_at=iso(created),
        received_at=iso(received_at),
        lang=language,
        rating=stars,
    )
