"""SQS batches without partial-batch responses: only failures come back, poison goes at once."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.consumer import batch
from chalicelib.consumer.batch import QueueRecord
from chalicelib.consumer.pipeline import BatchOutcome
from chalicelib.errors import BatchFailed

QUEUE = "https://sqs/q"
DLQ = "https://sqs/dlq"


class FakeSQS:
    def __init__(self, fail_delete: bool = False) -> None:
        self.deleted: list[str] = []
        self.dead: list[dict[str, Any]] = []
        self.fail_delete = fail_delete

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict:
        assert QueueUrl == QUEUE and len(Entries) <= 10
        if self.fail_delete:
            return {"Failed": [{"Id": e["Id"], "Code": "InternalError"} for e in Entries]}
        self.deleted += [e["ReceiptHandle"] for e in Entries]
        return {"Successful": [{"Id": e["Id"]} for e in Entries]}

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> dict:
        assert QueueUrl == QUEUE
        self.deleted.append(ReceiptHandle)
        return {}

    def send_message(self, QueueUrl: str, MessageBody: str, MessageAttributes: dict) -> dict:
        assert QueueUrl == DLQ
        self.dead.append({"body": MessageBody, **MessageAttributes})
        return {"MessageId": "d"}


def records(n: int) -> list[QueueRecord]:
    return [QueueRecord(f"m{i}", f"body{i}", f"rh{i}") for i in range(n)]


def run(recs, outcome: BatchOutcome, sqs: FakeSQS) -> BatchOutcome:
    return batch.process(recs, lambda messages: outcome, sqs=sqs, queue_url=QUEUE)


def test_when_all_succeed_nothing_is_deleted_by_hand_and_no_error_is_raised():
    sqs = FakeSQS()
    run(records(3), BatchOutcome(stored=3), sqs)
    assert sqs.deleted == [] and sqs.dead == []  # Lambda deletes the batch itself


def test_only_the_failed_records_come_back_the_rest_are_deleted_first():
    sqs = FakeSQS()
    with pytest.raises(BatchFailed) as raised:
        run(records(12), BatchOutcome(failed={"m3", "m7"}), sqs)
    assert raised.value.failed == ["m3", "m7"]
    assert sorted(sqs.deleted) == sorted(f"rh{i}" for i in range(12) if i not in (3, 7))


def test_poison_leaves_the_queue_at_once_and_never_takes_good_records_with_it():
    # GIVEN the pipeline quarantined m1 (not a mentions message) and m2 failed
    sqs = FakeSQS()
    outcome = BatchOutcome(poison={"m1": "not a mentions message: Expecting value"}, failed={"m2"})
    with pytest.raises(BatchFailed):
        run(records(4), outcome, sqs)
    # THEN the poison and the good ones are gone; only m2 comes back; nothing is sent
    # to the dead-letter queue (it holds transient failures only: the redrive's input)
    assert sorted(sqs.deleted) == ["rh0", "rh1", "rh3"] and sqs.dead == []


def test_when_the_handler_raises_nothing_is_deleted_or_dead_lettered():
    sqs = FakeSQS()

    def broken(messages):
        raise TimeoutError("DynamoDB unreachable")

    with pytest.raises(TimeoutError):
        batch.process(records(3), broken, sqs=sqs, queue_url=QUEUE)
    assert sqs.deleted == [] and sqs.dead == []


def test_a_delete_that_fails_still_reports_the_failures():
    # the undeleted records come back and are absorbed as duplicates
    sqs = FakeSQS(fail_delete=True)
    with pytest.raises(BatchFailed) as raised:
        run(records(3), BatchOutcome(failed={"m0"}), sqs)
    assert raised.value.failed == ["m0"]


def test_poison_leaves_the_queue_at_once_so_a_failing_batch_never_dead_letters_it_twice():
    # GIVEN a batch with poison and a failure, whose batch delete then fails
    sqs = FakeSQS(fail_delete=True)
    outcome = BatchOutcome(poison={"m1": "not a mentions message"}, failed={"m2"})
    with pytest.raises(BatchFailed):
        run(records(3), outcome, sqs)
    # THEN the poison (quarantined by the pipeline) was deleted on its own, never
    # sent to the dead-letter queue, where the automatic redrive would bring it back
    assert sqs.deleted == ["rh1"] and sqs.dead == []
