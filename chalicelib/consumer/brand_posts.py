"""The brand's own posts on the mentions queue: recorded after triage, never judged or paged.

`WithBrandPosts` wraps `Triage`: a message carrying ``brand_posts`` (`intake.queue`) is
triaged as usual (it holds no mentions) and its posts then go to `BrandActivity`
(idempotent puts). A store failure fails that message alone, so SQS redelivers it;
one that cannot be read is quarantined by triage's own rule (poison) before this runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from ..errors import InputError, StoreError
from ..intake.queue import decode_brand_posts
from ..logs import get_logger
from ..store.brand import BrandActivity
from .pipeline import BatchOutcome, Message, Triage

log = get_logger("brand_posts")
MARKER = '"brand_posts"'  # cheap test before decoding: most messages carry none


class WithBrandPosts:
    def __init__(self, triage: Triage, brand: BrandActivity, clock: Callable[[], datetime]) -> None:
        self._triage = triage
        self._brand = brand
        self._clock = clock

    def handle_batch(self, messages: Sequence[Message]) -> BatchOutcome:
        outcome = self._triage.handle_batch(messages)
        now = self._clock()
        recorded = 0
        for message in messages:
            if MARKER not in message.body or message.message_id in outcome.poison:
                continue
            try:
                for post in decode_brand_posts(message.body):
                    self._brand.record(post, now)
                    recorded += 1
            except (InputError, StoreError) as error:
                log.warning(
                    "brand posts not recorded; the message is retried",
                    extra={"fields": {"message": message.message_id, "error": str(error)[:200]}},
                )
                outcome.failed.add(message.message_id)
        if recorded:
            log.info("brand posts recorded", extra={"fields": {"brand_posts": recorded}})
        return outcome
