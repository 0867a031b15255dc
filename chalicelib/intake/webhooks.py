"""Accepting a webhook: size, signature, parse, limits, queue. Routes in app.py call `accept`.

Every post of a delivery must be within `limits` (text, handle, name, URL, list sizes,
a post time between 2000 and tomorrow): one that is not makes the delivery a 400 that
names the field, before anything is queued.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from .. import limits
from ..errors import InputError, MalformedPayload, PayloadTooLarge
from ..logs import get_logger
from ..model import Mention
from .queue import Intake

log = get_logger("webhooks")

MAX_BODY_BYTES = 256 * 1024


class Webhook(Protocol):
    def verify(self, headers: Mapping[str, str], raw_body: bytes, secret: str) -> None: ...

    def parse(self, raw_body: bytes, received_at: datetime) -> list[Mention]: ...


def accept(
    webhook: Webhook,
    *,
    headers: Mapping[str, str],
    raw_body: bytes | None,
    secret: str,
    intake: Intake,
    now: datetime,
) -> list[Mention]:
    """Verify and queue a webhook delivery; raises an `InputError` or `DeliveryError`.

    The signature is checked before the body is parsed: nothing unauthenticated is read.
    """
    body = raw_body or b""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    webhook.verify(headers, body, secret)
    try:
        mentions = webhook.parse(body, now)
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
    for mention in mentions:
        limits.check(mention, now)
    if mentions:
        intake.enqueue(mentions)
    return mentions
