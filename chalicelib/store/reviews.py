"""Reviews their authors deleted (Trustpilot's ``service-review-deleted``).

One item a review, ``deleted#<mention id>`` / ``review`` (`keys.deleted_review`):
``{"mention_id", "deleted_at", "expires_at"}``. The mention itself stays as it was
judged (what the customer wrote did happen); the record says it is gone from the site.
Writing is idempotent: a redelivery keeps the first time heard.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from ..model import iso
from . import keys
from .state import StateTable


class DeletedReviews:
    def __init__(self, state: StateTable, retention: timedelta) -> None:
        self._state = state
        self._retention = retention

    def record(self, mention_ids: Sequence[str], now: datetime) -> None:
        """Record each deletion once; raises `StoreError` (the webhook answers 503)."""
        for mention_id in mention_ids:
            if self._state.get(keys.deleted_review(mention_id)):
                continue
            item = {
                "mention_id": mention_id,
                "deleted_at": iso(now),
                "expires_at": int((now + self._retention).timestamp()),
            }
            self._state.put(keys.deleted_review(mention_id), item)

    def get(self, mention_id: str) -> dict[str, Any] | None:
        return self._state.get(keys.deleted_review(mention_id))
