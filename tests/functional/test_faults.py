"""Faults injected into AWS calls: nothing lost, nothing doubled.

Errors come from botocore hooks on the app's own clients (`chalicelib.chaos.Faults`), so
the code under test runs unchanged; each fault stands for one that outlasted botocore's
retries. The harness (queue draining, inboxes, counting) uses clients without faults.
`local.drain_queue` plays Lambda's event source: a failed invocation makes its messages
visible again, and after five receives the redrive policy moves one to the DLQ.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import wiring
from chalicelib.errors import DeliveryError
from chalicelib.model import Mention
from chalicelib.sources import generic
from chalicelib.store import keys
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.test_walking_skeleton import post, sent_emails

DYNAMODB_MAX_DIGITS = 38  # DynamoDB refuses numbers with more significant digits


# ---------------------------------------------------------------- what ended where


def stored_ids(stack: dict[str, str]) -> list[str]:
    db = boto3.client("dynamodb")
    items = db.scan(TableName=stack["MENTIONS_TABLE"], ProjectionExpression="id")["Items"]
    return sorted(item["id"]["S"] for item in items)


def counted(stack: dict[str, str]) -> int:
    """Mentions counted in the day statistics, all days together."""
    db = boto3.client("dynamodb")
    items = db.scan(TableName=stack["STATE_TABLE"])["Items"]
    return sum(
        int(item.get("total", {}).get("N", 0))
        for item in items
        if keys.is_day_stats(keys.Key(item["pk"]["S"], item["sk"]["S"]))
    )


def queue_bodies(url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    out = []
    while True:
        got = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=300,
            MessageAttributeNames=["All"],
        )
        if not got.get("Messages"):
            return out
        out += got["Messages"]


def dead_letters(stack: dict[str, str]) -> list[dict[str, Any]]:
    return queue_bodies(stack["DEAD_LETTER_QUEUE_URL"])


def quarantined(stack: dict[str, str]) -> dict[str, str]:
    """What triage quarantined: ref -> reason."""
    return {item.ref: item.reason for item in wiring.quarantine().items()}


def pages_by_alert(inbox) -> dict[str, int]:
    pages: dict[str, int] = {}
    for envelope in inbox.messages():
        alert_id = envelope["MessageAttributes"]["alert_id"]["Value"]
        pages[alert_id] = pages.get(alert_id, 0) + 1
    return pages


def send(client, secret: str, *native_ids: str) -> None:
    for native_id in native_ids:
        response = post_webhook(client, post(native_id), secret)
        assert response.status_code == 202, response.body


def minute_job(client, minutes: int = 1) -> None:
    client.lambda_.invoke(
        "alerts_every_minute", scheduled(client, datetime.now(UTC) + timedelta(minutes=minutes))
    )


# ---------------------------------------------------------------- DynamoDB


def test_a_throttled_transaction_is_retried_and_each_post_is_stored_and_counted_once(
    client, stack, team, secret, faults
):
    # GIVEN three posts queued; WHEN the first transaction is cancelled by throttling
    send(client, secret, "101", "102", "103")
    faults.fail("dynamodb", "TransactWriteItems", code="TransactionCanceledException")
    counts = drain(client, stack)
    # THEN it is tried again after a jittered wait, in the same invocation (was: the
    # whole batch failed and came back), and each post is stored, counted, paged once
    assert faults.injected["dynamodb.TransactWriteItems"] == 1
    assert counts["failed_batches"] == 0
    assert stored_ids(stack) == ["generic:101", "generic:102", "generic:103"]
    assert counted(stack) == 3
    assert pages_by_alert(team["ann"]) == {f"alert:generic:{n}": 1 for n in ("101", "102", "103")}
    assert dead_letters(stack) == []


def test_batch_get_item_leaving_keys_unprocessed_still_finds_the_stored_duplicate(
    client, stack, team, secret, faults
):
    send(client, secret, "201")
    drain(client, stack)
    # WHEN the same post comes again and BatchGetItem answers with UnprocessedKeys
    send(client, secret, "201")
    faults.unprocessed_batches = 1
    drain(client, stack)
    # THEN the store asked again, saw the duplicate, and nothing was doubled
    assert faults.injected["dynamodb.BatchGetItem.unprocessed"] == 1
    assert stored_ids(stack) == ["generic:201"]
    assert counted(stack) == 1
    assert pages_by_alert(team["ann"]) == {"alert:generic:201": 1}


def test_a_throttled_batch_get_item_returns_the_whole_batch_and_loses_nothing(
    client, stack, team, secret, faults
):
    send(client, secret, "301", "302")
    faults.fail(
        "dynamodb", "BatchGetItem", code="ProvisionedThroughputExceededException", status=400
    )
    counts = drain(client, stack)
    assert counts["failed_batches"] == 1
    assert stored_ids(stack) == ["generic:301", "generic:302"]
    assert counted(stack) == 2


def test_a_crash_after_storing_before_alerting_still_alerts_once_on_redelivery(
    client, stack, team, secret, faults
):
    # GIVEN the alert's conditional put fails once (the Lambda died after the mention's
    # transaction, before the alert was written)
    def alert_put(params: dict[str, Any]) -> bool:
        return params.get("Item", {}).get("pk", {}).get("S", "").startswith("alert#")

    faults.fail("dynamodb", "PutItem", code="InternalServerError", when=alert_put)
    send(client, secret, "401")
    drain(client, stack)
    # THEN the redelivered message found the stored mention still `new` and alerted once
    assert faults.injected["dynamodb.PutItem"] == 1
    assert counted(stack) == 1
    assert pages_by_alert(team["ann"]) == {"alert:generic:401": 1}
    assert wiring.mentions().get("generic:401").status == "alerted"


def too_precise(params: Any) -> bool:
    """DynamoDB's own rule: a number with more than 38 significant digits is refused."""
    if isinstance(params, dict):
        if set(params) == {"N"}:
            digits = params["N"].lstrip("-").replace(".", "").strip("0")
            return len(digits) > DYNAMODB_MAX_DIGITS
        return any(too_precise(value) for value in params.values())
    if isinstance(params, list):
        return any(too_precise(value) for value in params)
    return False


def test_a_post_dynamodb_refuses_fails_alone_and_never_takes_good_posts_to_the_dlq(
    client, stack, team, secret, faults
):
    # GIVEN DynamoDB's validation (moto does not check number precision) and, among
    # nine good posts, one whose follower count has 45 digits
    faults.fail(
        "dynamodb",
        "TransactWriteItems",
        times=-1,
        code="ValidationException",
        status=400,
        when=too_precise,
    )
    send(client, secret, *(f"50{n}" for n in range(9)))
    # (the generic webhook refuses such a count; a poller's parser might not)
    (good,) = generic.parse(post("599"), datetime.now(UTC))
    huge = good.with_(author=replace(good.author, followers=int("9" * 45)))
    wiring.intake().enqueue([huge])
    # WHEN the queue is drained
    counts = drain(client, stack)
    # THEN the good ones are stored and counted once; the bad one is quarantined with the
    # reason at once (was: retried five times into the DLQ, then redriven in vain)
    assert stored_ids(stack) == [f"generic:50{n}" for n in range(9)]
    assert counted(stack) == 9
    assert counts["failed_batches"] == 0 and dead_letters(stack) == []
    assert list(quarantined(stack)) == ["generic:599"]
    assert "followers" in quarantined(stack)["generic:599"]
    alerts = [wiring.alerts().get(f"alert:generic:50{n}") for n in range(9)]
    assert all(alert is not None for alert in alerts)


# ---------------------------------------------------------------- poison and SQS


def test_a_poison_message_is_quarantined_with_its_reason_and_good_ones_are_stored(
    client, stack, team, secret, faults
):
    send(client, secret, *(f"60{n}" for n in range(9)))
    boto3.client("sqs").send_message(QueueUrl=stack["MENTIONS_QUEUE_URL"], MessageBody="{oops")
    counts = drain(client, stack)
    assert counts["failed_batches"] == 0  # poison is not retried
    assert stored_ids(stack) == [f"generic:60{n}" for n in range(9)]
    ((_, reason),) = quarantined(stack).items()
    assert "not a mentions message" in reason
    assert [i.body for i in wiring.quarantine().items()] == ["{oops"]
    # not in the DLQ: that holds transient failures only, which are redriven by themselves
    assert dead_letters(stack) == [] and queue_bodies(stack["MENTIONS_QUEUE_URL"]) == []


def test_when_the_quarantine_cannot_be_written_the_batch_comes_back_and_nothing_is_doubled(
    client, stack, team, secret, faults
):
    send(client, secret, "701", "702")
    boto3.client("sqs").send_message(QueueUrl=stack["MENTIONS_QUEUE_URL"], MessageBody="[]")

    def quarantine_item(params: dict[str, Any]) -> bool:
        return params.get("Item", {}).get("pk", {}).get("S", "").startswith("quarantine#")

    faults.fail("dynamodb", "PutItem", code="InternalServerError", when=quarantine_item)
    drain(client, stack)
    assert stored_ids(stack) == ["generic:701", "generic:702"]
    assert counted(stack) == 2
    assert pages_by_alert(team["ann"]) == {"alert:generic:701": 1, "alert:generic:702": 1}
    assert len(quarantined(stack)) == 1 and dead_letters(stack) == []


def test_when_deleting_the_finished_records_fails_they_come_back_as_harmless_duplicates(
    client, stack, team, secret, faults
):
    # GIVEN one record fails (its alert) so the handler deletes the others itself,
    # and that DeleteMessageBatch fails
    def alert_801(params: dict[str, Any]) -> bool:
        return params.get("Item", {}).get("pk", {}).get("S", "") == "alert#alert:generic:801"

    faults.fail("dynamodb", "PutItem", code="InternalServerError", when=alert_801)
    faults.fail("sqs", "DeleteMessageBatch", code="InternalError")
    send(client, secret, "801", "802", "803")
    drain(client, stack)
    # THEN every record was handled again, and still: stored, counted, paged once each
    assert faults.injected["sqs.DeleteMessageBatch"] == 1
    assert counted(stack) == 3
    assert pages_by_alert(team["ann"]) == {f"alert:generic:{n}": 1 for n in ("801", "802", "803")}


def test_when_sqs_refuses_the_webhook_answers_503_and_the_senders_retry_is_stored_once(
    client, stack, team, secret, faults
):
    faults.fail("sqs", "SendMessageBatch", code="ServiceUnavailable", status=503)
    refused = post_webhook(client, post("901"), secret)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
    assert queue_bodies(stack["MENTIONS_QUEUE_URL"]) == []
    # WHEN the sender retries (as webhook senders do on 5xx)
    assert post_webhook(client, post("901"), secret).status_code == 202
    drain(client, stack)
    assert stored_ids(stack) == ["generic:901"] and counted(stack) == 1


def test_a_partial_sqs_failure_is_a_503_never_a_202_and_the_retry_doubles_nothing(
    client, stack, team, secret, faults
):
    # GIVEN 30 posts in one request: two SQS messages; SQS fails the second one twice
    posts = [json.loads(post(f"95{n:02d}")) for n in range(30)]
    body = json.dumps(posts).encode()
    faults.partial_sends = 2
    assert post_webhook(client, body, secret).status_code == 503
    # WHEN the sender retries the whole request
    assert post_webhook(client, body, secret).status_code == 202
    drain(client, stack)
    # THEN the 25 posts queued by the failed attempt are absorbed as duplicates
    assert stored_ids(stack) == sorted(f"generic:95{n:02d}" for n in range(30))
    assert counted(stack) == 30


# ---------------------------------------------------------------- SNS, SES


def test_when_sns_refuses_the_page_the_alert_waits_and_the_minute_job_pages_once(
    client, stack, team, secret, faults, capsys
):
    faults.fail("sns", "Publish", code="InternalError")
    send(client, secret, "1001")  # (posted 5 minutes ago)
    counts = drain(client, stack)
    assert counts["failed_batches"] == 0  # stored and alert kept: nothing to retry
    assert team["ann"].messages() == []
    assert wiring.alerts().get("alert:generic:1001").pending_page == "ann"
    capsys.readouterr()
    minute_job(client, 1)
    minute_job(client, 2)
    assert pages_by_alert(team["ann"]) == {"alert:generic:1001": 1}
    # AND the minute job's metrics count the page, and its wait from the post (~6 min)
    runs = [m for m in emf_lines(capsys) if m["service"] == "alerts_every_minute"]
    assert [(m["Resent"], m["Pages"], m["PageFailures"]) for m in runs] == [
        ([1.0], [1.0], [0.0]),
        ([0.0], [0.0], [0.0]),
    ]
    [waited] = runs[0]["PostToPage"]
    assert 355 <= waited <= 420 and "PostToPage" not in runs[1]


def emf_lines(capsys: Any) -> list[dict[str, Any]]:
    """The embedded-metric-format lines the handlers printed (one per emit)."""
    lines = [line for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    return [json.loads(line) for line in lines]


def records_a_page(params: dict) -> bool:
    """The conditional update that records a page SNS accepted."""
    names = params.get("ExpressionAttributeNames", {})
    return names.get("#e0") == "pending_page" and "#e0" in params.get("ConditionExpression", "")


def test_when_dynamodb_refuses_to_record_an_accepted_page_once_it_is_not_sent_again(
    client, stack, team, secret, faults
):
    # GIVEN SNS takes the page but the first write recording it fails
    faults.fail("dynamodb", "UpdateItem", code="InternalServerError", when=records_a_page)
    send(client, secret, "1051")
    drain(client, stack)
    # WHEN the minute job runs THEN the page was recorded on the retry: one page in all
    minute_job(client, 1)
    minute_job(client, 2)
    assert pages_by_alert(team["ann"]) == {"alert:generic:1051": 1}
    assert wiring.alerts().get("alert:generic:1051").pending_page is None


def test_when_ses_refuses_the_digest_the_next_hourly_fire_sends_it_once(
    client, stack, team, secret, faults
):
    send(client, secret, "1101")
    drain(client, stack)
    tz = wiring.settings().tz
    morning = datetime.combine(
        datetime.now(tz).date() + timedelta(days=1), datetime.min.time(), tzinfo=tz
    ).replace(hour=8, minute=5)
    faults.fail("ses", "SendRawEmail", code="Throttling", status=400)
    with pytest.raises(Exception, match="SES"):
        client.lambda_.invoke("daily_digest", scheduled(client, morning))
    assert sent_emails() == []
    client.lambda_.invoke("daily_digest", scheduled(client, morning + timedelta(hours=1)))
    client.lambda_.invoke("daily_digest", scheduled(client, morning + timedelta(hours=2)))
    assert len(sent_emails()) == 1


# ---------------------------------------------------------------- pollers, end to end


class Network:
    """A network whose posts are numbered; the cursor is the newest number read.

    `errors` are raised by the next runs, as the sources map them (X 429 -> retriable
    with a reset time, X 503 and Reddit 500 -> retriable: tests/unit/sources).
    """

    def __init__(self) -> None:
        self.newest = 0
        self.errors: list[Exception] = []

    def fetch(self, client, cursor, *, now, remaining_ms=None, max_reads=None):
        from chalicelib.sources import FetchResult

        if self.errors:
            raise self.errors.pop(0)
        since = int(cursor or 0)
        posts = [
            Mention.from_dict({**json.loads(post(f"n{n}")), **POLLED, "native_id": f"n{n}"})
            for n in range(since + 1, self.newest + 1)
        ]
        return FetchResult(posts, str(self.newest), requests=1, reads=len(posts))


POLLED = {"source": "x", "received_at": "2026-11-23T09:00:00Z"}


class CrashBeforeCursor:
    """The state store of a Lambda that dies after queueing, before saving the cursor."""

    def __init__(self, store) -> None:
        self.store = store
        self.crash = True

    def get(self, key):
        return self.store.get(key)

    def put(self, key, data):
        if self.crash and key.sk == "cursor":
            raise TimeoutError("Task timed out after 60.00 seconds")
        self.store.put(key, data)


def test_poller_faults_and_a_crash_before_the_cursor_never_skip_and_never_double_a_post(
    client, stack, team, faults
):
    from chalicelib.errors import RetriableSourceError
    from chalicelib.sources.polling import run_poller

    network = Network()
    store = CrashBeforeCursor(wiring.state())
    now = datetime.now(UTC)

    def run() -> str:
        outcome = run_poller("x", network.fetch, None, store, wiring.intake().enqueue, now=now)
        return outcome.status

    # GIVEN posts 1-3; the run queues them and dies before saving its cursor
    network.newest = 3
    with pytest.raises(TimeoutError):
        run()
    store.crash = False
    # WHEN the next runs meet X 503, Reddit-style 500, a 429, and SQS refusing the batch
    network.newest = 5
    network.errors = [
        RetriableSourceError("X 503 Service Unavailable"),
        RetriableSourceError("Reddit 500 Internal Server Error"),
    ]
    assert run() == "failed" and run() == "failed"
    faults.fail("sqs", "SendMessageBatch", code="ServiceUnavailable", status=503)
    with pytest.raises(DeliveryError):
        run()
    assert wiring.state().get(keys.source_cursor("x")).get("cursor") is None
    assert run() == "ok"  # queues 1-5 again from the old cursor
    network.newest = 6
    network.errors = [RetriableSourceError("X 429", retry_at=now.timestamp() - 1)]
    assert run() == "failed"
    assert run() == "ok"
    drain(client, stack)
    # THEN posts 1-6 are each stored and counted once, whatever was queued twice
    assert stored_ids(stack) == [f"x:n{n}" for n in range(1, 7)]
    assert counted(stack) == 6
    assert wiring.state().get(keys.source_cursor("x"))["cursor"] == "6"
    assert all(n == 1 for n in pages_by_alert(team["ann"]).values())
