"""The dead-letter queue and the quarantine: what lands where, how to see it, and how it
goes back by itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders

from chalicelib import wiring
from chalicelib.consumer import dead_letters
from chalicelib.model import iso
from tests.functional.conftest import scheduled
from tests.functional.test_faults import (
    counted,
    drain,
    pages_by_alert,
    quarantined,
    send,
    stored_ids,
)
from tests.functional.test_faults import (
    dead_letters as in_dlq,
)
from tools import dlq


def transaction_with(native_id: str):
    def matches(params: dict[str, Any]) -> bool:
        return f"generic:{native_id}" in json.dumps(params)

    return matches


@pytest.fixture
def queue(stack: dict[str, str]) -> dead_letters.DeadLetterQueue:
    return dead_letters.DeadLetterQueue(
        boto3.client("sqs"),
        stack["DEAD_LETTER_QUEUE_URL"],
        stack["MENTIONS_QUEUE_URL"],
        wait_seconds=0,
        quarantine=wiring.quarantine(),
    )


@pytest.fixture
def outage(client, stack, team, secret, faults):
    """DynamoDB keeps refusing post 1's transaction until someone fixes it (a deploy took
    a permission away: AccessDenied is not worth an immediate retry, yet is no fault of the
    post): after five deliveries it is in the DLQ. Post 2 is fine; a poison message was
    quarantined at once."""
    faults.fail(
        "dynamodb",
        "TransactWriteItems",
        times=-1,
        code="AccessDeniedException",
        status=400,
        when=transaction_with("1"),
    )
    send(client, secret, "1", "2")
    boto3.client("sqs").send_message(QueueUrl=stack["MENTIONS_QUEUE_URL"], MessageBody="junk")
    drain(client, stack)
    assert stored_ids(stack) == ["generic:2"]
    return faults


def redrive_job(client, at: datetime) -> None:
    client.lambda_.invoke("redrive_dead_letters", scheduled(client, at))


def test_list_shows_each_dead_letter_and_each_quarantined_message_and_removes_nothing(
    outage, queue
):
    (letter,) = queue.inspect()
    assert letter.mention_ids == ("generic:1",) and letter.receive_count >= 5
    assert letter.reason == "redrive limit" and not letter.poison
    ((_, reason),) = quarantined({}).items()
    assert "not a mentions message" in reason
    assert len(queue.inspect()) == 1  # still there, visible again at once


def test_list_reads_on_when_a_receive_answers_with_nothing_new(outage, queue, stack):
    # GIVEN 30 dead letters, and SQS answering the first receives with nothing, as short
    # polling does when it samples servers that hold none of them
    sqs = boto3.client("sqs")
    for n in range(29):
        sqs.send_message(QueueUrl=stack["DEAD_LETTER_QUEUE_URL"], MessageBody=f"letter {n}")
    empty = {"left": 2}

    def sampled(**_: Any) -> Any:
        if empty["left"]:  # answered without asking SQS: the messages stay visible
            empty["left"] -= 1
            return AWSResponse("https://sqs.sampled", 200, HTTPHeaders(), None), {}
        return None

    sqs.meta.events.register("before-call.sqs.ReceiveMessage", sampled)
    listing = dead_letters.DeadLetterQueue(
        sqs, stack["DEAD_LETTER_QUEUE_URL"], stack["MENTIONS_QUEUE_URL"], wait_seconds=0
    )
    # THEN all 30 are listed (was: none, the first empty answer ended the listing)
    assert len(listing.inspect()) == 30


def test_the_schedule_redrives_a_transient_failure_by_itself_and_it_alerts_once(
    outage, client, stack, team
):
    # GIVEN the outage is over (nobody touches anything)
    outage.rules.clear()
    # WHEN the every-5-minutes redrive runs, then triage drains the queue
    redrive_job(client, datetime.now(UTC))
    drain(client, stack)
    # THEN post 1 is stored, counted and paged once; the DLQ is empty
    assert stored_ids(stack) == ["generic:1", "generic:2"]
    assert counted(stack) == 2
    assert pages_by_alert(team["ann"]) == {"alert:generic:1": 1, "alert:generic:2": 1}
    assert in_dlq(stack) == []


def test_a_message_that_keeps_failing_is_redriven_with_back_off_then_quarantined(
    outage, client, stack, queue
):
    # GIVEN the outage goes on: every redrive fails five more deliveries
    at = datetime.now(UTC)
    for wait in dead_letters.BACKOFF:
        at += timedelta(seconds=wait)
        redrive_job(client, at)
        # a run before the wait is over leaves it where it is (hidden until it is due)
        drain(client, stack)
    (letter,) = queue.inspect()
    assert letter.redrives == dead_letters.MAX_REDRIVES
    # WHEN the next run finds it spent THEN it is quarantined with its reason
    redrive_job(client, at + timedelta(hours=2))
    assert in_dlq(stack) == []
    reason = quarantined(stack)[letter.message_id]
    assert f"after {dead_letters.MAX_REDRIVES} automatic redrives" in reason


def test_a_redrive_that_is_not_due_yet_waits(outage, client, stack, queue):
    now = datetime.now(UTC)
    assert queue.auto_redrive(now)["redriven"] == 1
    drain(client, stack)  # fails again: back in the DLQ with one redrive behind it
    counts = queue.auto_redrive(now + timedelta(seconds=10))
    assert counts == {"arrived": 0, "redriven": 0, "waiting": 1, "quarantined": 0}


def test_redriving_a_post_that_was_stored_meanwhile_does_not_count_it_twice(
    outage,
    queue,
    client,
    stack,
    secret,
):
    outage.rules.clear()
    send(client, secret, "1")  # the sender retried after the outage
    drain(client, stack)
    queue.redrive(datetime.now(UTC))
    drain(client, stack)
    assert stored_ids(stack) == ["generic:1", "generic:2"]
    assert counted(stack) == 2


def test_the_cli_lists_the_dlq_and_the_quarantine_and_requeues(outage, client, stack, capsys):
    assert dlq.main(["--stage", "dev", "list"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(line["where"] for line in lines) == ["dlq", "quarantine"]
    (poison,) = [line for line in lines if line["where"] == "quarantine"]
    assert poison["body"] == "junk" and "not a mentions message" in poison["reason"]
    outage.rules.clear()
    assert dlq.main(["--stage", "dev", "redrive", "--limit", "5"]) == 0
    assert json.loads(capsys.readouterr().out) == {"moved": 1, "quarantined": 0}
    assert dlq.main(["--stage", "dev", "release", poison["ref"]]) == 0
    assert quarantined(stack) == {}
    assert dlq.main(["--stage", "dev", "release", "nothing"]) == 2
    assert "nothing quarantined" in capsys.readouterr().err


# ---------------------------------------------------------------- issue 25, item 7


def letters(
    stack, count: int, *, redrives: int = 0, redriven_at: datetime | None = None, first: int = 0
):
    """`count` dead letters, each a mentions message, as the schedule would find them."""
    from chalicelib.intake.queue import encode
    from tests.unit.test_intake import mention

    sqs = boto3.client("sqs")
    attributes = {}
    if redrives:
        assert redriven_at is not None
        attributes = {
            dead_letters.REDRIVES: {"DataType": "Number", "StringValue": str(redrives)},
            dead_letters.REDRIVEN_AT: {"DataType": "String", "StringValue": iso(redriven_at)},
        }
    base = first + redrives * 1_000_000
    for start in range(0, count, 10):
        sqs.send_message_batch(
            QueueUrl=stack["DEAD_LETTER_QUEUE_URL"],
            Entries=[
                {
                    "Id": str(n),
                    "MessageBody": encode([mention(base + n)]),
                    "MessageAttributes": attributes,
                }
                for n in range(start, min(start + 10, count))
            ],
        )


def depth(stack, name: str) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack[name],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attributes.values())


def test_list_and_redrive_see_letters_the_schedule_is_backing_off(stack, queue):
    # GIVEN 200 letters the schedule has redriven before and now waits on (back-off)
    now = datetime.now(UTC)
    letters(stack, 200, redrives=2, redriven_at=now - timedelta(seconds=30))
    counts = queue.auto_redrive(now)
    assert counts == {"arrived": 0, "redriven": 0, "waiting": 200, "quarantined": 0}
    # AND 100 new ones since
    letters(stack, 100, first=500)
    # THEN an operator lists all 300 (was: 100, the 200 hidden until due) and moves them all
    assert len(queue.inspect()) == 300
    assert queue.redrive(now) == {"moved": 300, "quarantined": 0}
    assert depth(stack, "DEAD_LETTER_QUEUE_URL") == 0
    assert depth(stack, "MENTIONS_QUEUE_URL") == 300


def test_the_schedule_empties_a_deep_dlq_within_the_hour_of_the_outage_ending(stack, queue):
    # GIVEN 250 letters at every stage of the back-off, the last redrives just done
    # (the worst moment for the outage to end); the depth a run can take is measured
    # in docs/reliability.md (moto's SQS is too slow for thousands here)
    now = datetime.now(UTC)
    letters(stack, 150)
    for redrives in range(1, dead_letters.MAX_REDRIVES):
        letters(stack, 20, redrives=redrives, redriven_at=now)
    assert depth(stack, "DEAD_LETTER_QUEUE_URL") == 250
    # WHEN the schedule runs every 5 minutes and each letter it sends back succeeds
    runs = 0
    at = now
    while depth(stack, "DEAD_LETTER_QUEUE_URL") and runs < 13:
        at += timedelta(minutes=5)
        queue.auto_redrive(at)
        runs += 1
    # THEN the DLQ is empty within the hour (12 runs) and every letter is back in the queue
    assert depth(stack, "DEAD_LETTER_QUEUE_URL") == 0
    assert at - now <= timedelta(hours=1)
    assert depth(stack, "MENTIONS_QUEUE_URL") == 250
    assert quarantined(stack) == {}


def test_a_run_goes_on_when_sqs_refuses_some_of_its_requests(stack, faults):
    # GIVEN 30 letters, and SQS refusing a receive and the first batch send three times
    # (as at 20 % faults: every run used to die within its first requests)
    from chalicelib import aws

    letters(stack, 30)
    queue = dead_letters.DeadLetterQueue(
        aws.sqs(),
        stack["DEAD_LETTER_QUEUE_URL"],
        stack["MENTIONS_QUEUE_URL"],
        wait_seconds=0,
        quarantine=wiring.quarantine(),
    )
    faults.fail("sqs", "ReceiveMessage", times=1)
    faults.fail("sqs", "SendMessageBatch", times=dead_letters.ATTEMPTS)
    # WHEN the schedule runs
    counts = queue.auto_redrive(datetime.now(UTC))
    # THEN the other 20 go back, the refused ten are visible again for the next run
    assert counts["redriven"] == 20
    assert depth(stack, "MENTIONS_QUEUE_URL") == 20
    assert len(queue.inspect()) == 10
    assert queue.auto_redrive(datetime.now(UTC))["redriven"] == 10
    assert depth(stack, "DEAD_LETTER_QUEUE_URL") == 0
