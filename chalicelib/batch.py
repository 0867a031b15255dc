"""SQS batches without partial-batch responses (Chalice has none).

Records are handled one by one. When some fail, the ones that succeeded are deleted
from the queue here and the handler raises, so SQS redelivers only the failures
(and, after the redrive limit, moves them to the dead-letter queue). A record that
can never succeed (`InputError`: not a mentions message) goes to the dead-letter
queue at once, with the reason, instead of being retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import InputError, PipelineError
from .logs import get_logger

log = get_logger("batch")

T = TypeVar("T")


@dataclass(frozen=True)
class QueueRecord:
    message_id: str
    body: str
    receipt_handle: str


class BatchFailed(PipelineError):
    """Some records of the batch failed; they will be redelivered."""

    def __init__(self, failed: list[str]) -> None:
        super().__init__(f"{len(failed)} record(s) failed: {', '.join(failed[:10])}")
        self.failed = failed


@dataclass
class BatchResult(Generic[T]):
    results: list[T]
    dead_lettered: list[str]


def process(
    records: Iterable[QueueRecord],
    handle: Callable[[str], T],
    *,
    sqs: Any,
    queue_url: str,
    dead_letter_queue_url: str,
) -> BatchResult[T]:
    """Handle every record; raise `BatchFailed` naming the ones to redeliver."""
    done: list[QueueRecord] = []
    failed: list[str] = []
    results: list[T] = []
    dead: list[str] = []
    for record in records:
        try:
            results.append(handle(record.body))
            done.append(record)
        except InputError as error:
            _dead_letter(sqs, dead_letter_queue_url, record, error)
            dead.append(record.message_id)
            done.append(record)
        except Exception:
            log.exception(
                "record failed; it will be retried",
                extra={"fields": {"message_id": record.message_id}},
            )
            failed.append(record.message_id)
    if failed:
        _delete(sqs, queue_url, done)
        raise BatchFailed(failed)
    return BatchResult(results, dead)


def _dead_letter(sqs: Any, url: str, record: QueueRecord, error: InputError) -> None:
    log.error(
        "poison message moved to the dead-letter queue",
        extra={"fields": {"message_id": record.message_id, "reason": str(error)[:200]}},
    )
    sqs.send_message(
        QueueUrl=url,
        MessageBody=record.body,
        MessageAttributes={
            "error": {"DataType": "String", "StringValue": str(error)[:256] or "input error"},
            "original_message_id": {"DataType": "String", "StringValue": record.message_id},
        },
    )


def _delete(sqs: Any, url: str, records: list[QueueRecord]) -> None:
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
