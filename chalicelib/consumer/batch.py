"""SQS batches without partial-batch responses (Chalice has none).

The triage handler reports which messages failed. When some did, the ones that
succeeded are deleted from the queue here and `BatchFailed` is raised, so SQS
redelivers only the failures (and, after the redrive limit, moves them to the
dead-letter queue, from where `dead_letters.AutoRedrive` sends them back). A message
that can never succeed (poison: not a mentions message) has been quarantined by the
pipeline (`quarantine.py`, with the reason); it is deleted here at once, never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import BatchFailed
from ..logs import get_logger

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

    from .pipeline import BatchOutcome, Message

log = get_logger("batch")


@dataclass(frozen=True)
class QueueRecord:
    message_id: str
    body: str
    receipt_handle: str


def process(
    records: Sequence[QueueRecord],
    handle: Callable[[Sequence[Message]], BatchOutcome],
    *,
    sqs: SQSClient,
    queue_url: str,
) -> BatchOutcome:
    """Handle the batch; raise `BatchFailed` naming the records to redeliver.

    If `handle` itself raises, nothing was acknowledged and the whole batch returns.
    """
    from .pipeline import Message  # (triage's modules load with the first batch, not the API)

    outcome = handle([Message(r.message_id, r.body) for r in records])
    by_id = {r.message_id: r for r in records}
    for message_id in outcome.poison:
        # quarantined: gone from the queue at once, should the rest of the batch fail
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=by_id[message_id].receipt_handle)
    if outcome.failed:
        done = [r for r in records if r.message_id not in outcome.failed | outcome.poison.keys()]
        _delete(sqs, queue_url, done)
        raise BatchFailed(sorted(outcome.failed))
    return outcome


def _delete(sqs: SQSClient, url: str, records: Sequence[QueueRecord]) -> None:
    for start in range(0, len(records), 10):
        chunk = records[start : start + 10]
        response = sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": r.receipt_handle} for i, r in enumerate(chunk)
            ],
        )
        if response.get("Failed"):
            # Not deleted: they come back and are absorbed as duplicates.
            log.warning(
                "could not delete some handled records",
                extra={"fields": {"failed": len(response["Failed"])}},
            )
