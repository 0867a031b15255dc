"""The dead-letter queue: what is in it, and sending it back to the mentions queue.

Two kinds of message end there (see `batch.py`):

* poison: not a mentions message; moved at once, with the reason in the `error`
  message attribute. Sending it back would only bring it here again, so `redrive`
  skips it unless asked.
* mentions that failed `maxReceiveCount` deliveries (an outage, a bug). Once the cause
  is fixed, `redrive` sends them back to the mentions queue; triage is idempotent, so a
  mention stored in an earlier attempt is absorbed as a duplicate.

`redrive` sends a message before deleting it from the dead-letter queue: a crash in
between leaves a copy in both, never in neither. The operator's CLI is `tools/dlq.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..intake.queue import decode

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

PEEK_SECONDS = 30  # messages being read stay hidden this long, then are made visible again


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receive_count: int
    sent_at: str  # epoch milliseconds, as SQS reports it
    reason: str  # the `error` attribute of poison, else "redrive limit"
    mention_ids: tuple[str, ...]
    poison: bool


def describe(message: Mapping[str, Any]) -> DeadLetter:
    attributes = message.get("Attributes") or {}
    error = ((message.get("MessageAttributes") or {}).get("error") or {}).get("StringValue")
    try:
        ids = tuple(m.id for m in decode(message["Body"]))
        poison = False
    except InputError as exc:
        ids, poison = (), True
        error = error or str(exc)
    return DeadLetter(
        message_id=message["MessageId"],
        receive_count=int(attributes.get("ApproximateReceiveCount", 0)),
        sent_at=str(attributes.get("SentTimestamp", "")),
        reason=error or "redrive limit",
        mention_ids=ids,
        poison=poison,
    )


class DeadLetterQueue:
    def __init__(self, sqs: SQSClient, dead_letter_queue_url: str, queue_url: str) -> None:
        self._sqs = sqs
        self._dlq = dead_letter_queue_url
        self._queue = queue_url

    def _receive(self, limit: int | None) -> Iterator[MessageTypeDef]:
        seen: set[str] = set()
        while limit is None or len(seen) < limit:
            want = 10 if limit is None else min(10, limit - len(seen))
            got = self._sqs.receive_message(
                QueueUrl=self._dlq,
                MaxNumberOfMessages=want,
                VisibilityTimeout=PEEK_SECONDS,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            messages = [m for m in got.get("Messages", []) if m["MessageId"] not in seen]
            if not messages:
                return
            for message in messages:
                seen.add(message["MessageId"])
                yield message

    def inspect(self, limit: int | None = None) -> list[DeadLetter]:
        """What is in the queue (up to `limit`); every message stays in it."""
        letters = []
        handles = []
        for message in self._receive(limit):
            letters.append(describe(message))
            handles.append(message["ReceiptHandle"])
        self._release(handles)
        return letters

    def redrive(self, limit: int | None = None, *, include_poison: bool = False) -> dict[str, int]:
        """Send messages back to the mentions queue; returns counts moved and kept."""
        moved = kept = 0
        keep = []
        for message in self._receive(limit):
            letter = describe(message)
            if letter.poison and not include_poison:
                keep.append(message["ReceiptHandle"])
                kept += 1
                continue
            self._sqs.send_message(QueueUrl=self._queue, MessageBody=message["Body"])
            self._sqs.delete_message(QueueUrl=self._dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
        self._release(keep)
        return {"moved": moved, "kept_poison": kept}

    def _release(self, handles: list[str]) -> None:
        """Make read messages visible again at once (not after `PEEK_SECONDS`)."""
        for start in range(0, len(handles), 10):
            self._sqs.change_message_visibility_batch(
                QueueUrl=self._dlq,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                    for i, h in enumerate(handles[start : start + 10])
                ],
            )
