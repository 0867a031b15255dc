"""Accepting a webhook: size, signature, parse, limits, queue. Routes in app.py call `accept`.

Every post of a delivery must be within `limits` (text, handle, name, URL, list sizes,
a post time between 2000 and tomorrow): one that is not makes the delivery a 400 that
names the field, before anything is queued.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from .. import limits
from ..activity import Delivery
from ..errors import InputError, MalformedPayload, PayloadTooLarge
from ..logs import get_logger
from ..model import Mention
from .queue import Intake

log = get_logger("webhooks")

MAX_BODY_BYTES = 256 * 1024


class Webhook(Protocol):
    def verify(self, headers: Mapping[str, str], raw_body: bytes, secret: str) -> None: ...

    def parse(self, raw_body: bytes, received_at: datetime) -> list[Mention]: ...


def read(webhook: Webhook, raw_body: bytes, now: datetime) -> Delivery:
    """A webhook's `parse_delivery` where it has one (X: the brand's own posts too)."""
    parse_delivery = getattr(webhook, "parse_delivery", None)
    if parse_delivery is None:
        return Delivery(mentions=tuple(webhook.parse(raw_body, now)))
    delivery: Delivery = parse_delivery(raw_body, now)
    return delivery


def accept(
    webhook: Webhook,
    *,
    headers: Mapping[str, str],
    raw_body: bytes | None,
    secret: str,
    intake: Intake,
    now: datetime,
    record_deleted: Callable[[Sequence[str], datetime], None] | None = None,
) -> Delivery:
    """Verify and queue a webhook delivery; raises an `InputError` or `DeliveryError`.

    The signature is checked before the body is parsed: nothing unauthenticated is read.
    """
    body = raw_body or b""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    webhook.verify(headers, body, secret)
    try:
        delivery = read(webhook, body, now)
    except InputError:
        raise
    except (
        RecursionError,
        ValueError,
        TypeError,
        LookupError,
        AttributeError,
        ArithmeticError,
        OSError,
    ) as exc:
        # A signed body its parser did not foresee (JSON nested thousands deep, a value
        # of an unexpected type) is still bad input: 400, never a 500 the sender retries.
        log.warning("webhook body not understood", extra={"fields": {"error": type(exc).__name__}})
        raise MalformedPayload(f"body could not be read ({type(exc).__name__})") from exc
    for mention in delivery.mentions:
        limits.check(mention, now)
    if delivery.skipped:
        log.info("webhook events skipped", extra={"fields": {"event_types": delivery.skipped}})
    if delivery.mentions or delivery.brand_posts:
        intake.enqueue(delivery.mentions, delivery.brand_posts)
    if delivery.deleted and record_deleted is not None:
        record_deleted(delivery.deleted, now)  # a StoreError: 503, the sender retries
    return delivery


def answer(delivery: Delivery) -> dict[str, object]:
    """The route's JSON answer: what was queued, and what was skipped."""
    body: dict[str, object] = {
        "accepted": len(delivery.mentions),
        "ids": [m.id for m in delivery.mentions],
    }
    if delivery.brand_posts:
        body["brand_posts"] = [p.id for p in delivery.brand_posts]
    if delivery.skipped:
        body["skipped"] = list(delivery.skipped)
    if delivery.deleted:
        body["deleted"] = list(delivery.deleted)
    return body
