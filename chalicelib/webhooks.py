"""Accepting a webhook: size, signature, parse, queue. Routes in app.py call `accept`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from .errors import PayloadTooLarge
from .intake import Intake
from .model import Mention

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
    mentions = webhook.parse(body, now)
    if mentions:
        intake.enqueue(mentions)
    return mentions
