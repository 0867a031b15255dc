"""The dead-letter queue: what lands there, how to see it, how to send it back."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.functional.test_faults import (
    counted,
    dead_letters,
    drain,
    faults,  # noqa: F401 - fixture
    secret,  # noqa: F401 - fixture
    send,
    stored_ids,
)
from tools import dlq


def transaction_with(native_id: str):
    def matches(params: dict[str, Any]) -> bool:
        return f"generic:{native_id}" in json.dumps(params)

    return matches


@pytest.fixture
def queue(stack: dict[str, str]) -> dlq.DeadLetterQueue:
    return dlq.DeadLetterQueue(
        boto3.client("sqs"), stack["DEAD_LETTER_QUEUE_URL"], stack["MENTIONS_QUEUE_URL"]
    )


@pytest.fixture
def outage(client, stack, team, secret, faults):  # noqa: F811
    """DynamoDB refuses post 1 until a fix is deployed: after five deliveries it is in
    the DLQ. Post 2 is fine; a poison message went to the DLQ at once."""
    faults.fail(
        "dynamodb",
        "TransactWriteItems",
        times=-1,
        code="ValidationException",
        status=400,
        when=transaction_with("1"),
    )
    send(client, secret, "1", "2")
    boto3.client("sqs").send_message(QueueUrl=stack["MENTIONS_QUEUE_URL"], MessageBody="junk")
    drain(client, stack)
    assert stored_ids(stack) == ["generic:2"]
    faults.rules.clear()  # the fix is deployed
    return faults


def test_list_shows_each_dead_letter_with_its_posts_and_reason_and_removes_nothing(outage, queue):
    letters = sorted(queue.inspect(), key=lambda letter: letter.poison)
    assert [letter.mention_ids for letter in letters] == [("generic:1",), ()]
    failed, poison = letters
    assert failed.reason == "redrive limit" and failed.receive_count >= 5
    assert poison.poison and "not a mentions message" in poison.reason
    assert len(queue.inspect()) == 2  # still there, visible again at once


def test_redrive_sends_failed_posts_back_keeps_poison_and_stores_each_post_once(
    outage, queue, client, stack
):
    assert queue.redrive() == {"moved": 1, "kept_poison": 1}
    drain(client, stack)
    assert stored_ids(stack) == ["generic:1", "generic:2"]
    assert counted(stack) == 2
    (left,) = dead_letters(stack)
    assert left["Body"] == "junk"


def test_redriving_a_post_that_was_stored_meanwhile_does_not_count_it_twice(
    outage,
    queue,
    client,
    stack,
    secret,  # noqa: F811
):
    send(client, secret, "1")  # the sender retried after the outage
    drain(client, stack)
    queue.redrive()
    drain(client, stack)
    assert stored_ids(stack) == ["generic:1", "generic:2"]
    assert counted(stack) == 2


def test_the_cli_lists_as_json_lines_and_redrives_by_stage(outage, client, stack, capsys):
    assert dlq.main(["--stage", "dev", "list"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(line["poison"] for line in lines) == [False, True]
    assert dlq.main(["--stage", "dev", "redrive", "--limit", "5"]) == 0
    assert json.loads(capsys.readouterr().out) == {"moved": 1, "kept_poison": 1}
