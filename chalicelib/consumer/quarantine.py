"""Quarantine: what can never succeed, kept with its reason, out of everyone's way.

Three things end here, each as one item in the state table (`keys.quarantined(ref)`,
on the `gsi1` index under `keys.QUARANTINE_INDEX` by time, so `python -m tools dlq list`
reads them in order):

* a poison *message* (not a mentions message): `ref` is its SQS message id, `body` the
  message as it came;
* a poison *mention* (over an input limit, a value triage or DynamoDB cannot take):
  `ref` is the mention id, `body` the mention; the rest of its message goes on;
* a message the dead-letter redrive gave up on (`dead_letters.AutoRedrive`).

Quarantined items expire with the retention period (TTL) and are erased like the rest
(`tools/erase.py` finds them by the mention ids they name). Nothing here is retried by
itself: a person reads the reason, fixes the cause, and sends it again if it should be.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..model import iso
from ..store import StateTable, keys

BODY_LIMIT = 300_000  # bytes of a body kept (an SQS message is at most 256 KiB)
REASON_LIMIT = 500


@dataclass(frozen=True)
class Quarantined:
    ref: str  # message id or mention id
    kind: str  # "message" | "mention" | "redrive"
    reason: str
    at: str
    mention_ids: tuple[str, ...] = ()
    body: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "reason": self.reason,
            "at": self.at,
            "mention_ids": list(self.mention_ids),
            "body": self.body,
        }


class Quarantine:
    def __init__(self, state: StateTable, retention: timedelta) -> None:
        self._state = state
        self._retention = retention

    def put(
        self,
        kind: str,
        ref: str,
        reason: str,
        *,
        body: str,
        now: datetime,
        mention_ids: Sequence[str] = (),
    ) -> None:
        """Keep `body` with `reason`; raises `StoreError` when DynamoDB fails (the caller
        then leaves the message to be retried: quarantine is never skipped)."""
        encoded = body.encode()
        truncated = len(encoded) > BODY_LIMIT
        self._state.put(
            keys.quarantined(ref),
            {
                "ref": ref,
                "kind": kind,
                "reason": reason[:REASON_LIMIT] or "unknown",
                "at": iso(now),
                "mention_ids": list(mention_ids)[:100],
                "body": encoded[:BODY_LIMIT].decode(errors="ignore") if truncated else body,
                "truncated": truncated or None,
                "gsi1pk": keys.QUARANTINE_INDEX,
                "gsi1sk": f"{iso(now)}#{ref}",
                "expires_at": int((now + self._retention).timestamp()),
            },
        )

    def items(self) -> Iterator[Quarantined]:
        """Everything quarantined, oldest first."""
        for data in self._state.query_index(keys.QUARANTINE_INDEX):
            yield Quarantined(
                ref=str(data.get("ref", "")),
                kind=str(data.get("kind", "")),
                reason=str(data.get("reason", "")),
                at=str(data.get("at", "")),
                mention_ids=tuple(data.get("mention_ids") or ()),
                body=str(data.get("body", "")),
            )

    def release(self, ref: str) -> None:
        """Forget a quarantined item (its cause is fixed, or it was sent again)."""
        self._state.delete(keys.quarantined(ref))
