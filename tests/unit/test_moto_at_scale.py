"""`devstack.moto_stack.at_scale()` makes moto faster, never different: the same queries,
scans, receives and transactions answer the same with and without it."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from devstack import moto_stack


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in moto_stack.FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def shape(aws: None) -> dict[str, Any]:
    """The state table as infra/template.yaml makes it (pk/sk, gsi1)."""
    env = moto_stack.provision("dev")
    table: dict[str, Any] = boto3.client("dynamodb").describe_table(TableName=env["STATE_TABLE"])[
        "Table"
    ]
    return table


def state_table(db: Any, rng: random.Random, table: dict[str, Any]) -> None:
    """A table of that shape, "t", filled."""
    db.create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=table["AttributeDefinitions"],
        KeySchema=table["KeySchema"],
        GlobalSecondaryIndexes=[
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
            for index in table["GlobalSecondaryIndexes"]
        ],
    )
    for i in range(400):
        item = {"pk": {"S": f"p{rng.randrange(12)}"}, "sk": {"S": f"s{i:04d}"}}
        if rng.random() < 0.6:
            item["gsi1pk"] = {"S": rng.choice(("due", "held"))}
            item["gsi1sk"] = {"S": f"2026-11-{rng.randrange(1, 29):02d}T{i % 24:02d}"}
        db.put_item(TableName="t", Item=item)
    db.put_item(TableName="t", Item={"pk": {"S": "p1"}, "sk": {"S": "taken"}})


def answers(db: Any) -> list[Any]:
    """Queries as the app makes them (a partition, a prefix, an index up to a time, pages
    of a few), a scan, and the cancellation of a transaction."""
    out: list[Any] = []
    for pk in ("p0", "p3", "p11", "nobody"):
        out.append(
            db.query(
                TableName="t",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": pk}},
            )["Items"]
        )
        out.append(
            db.query(
                TableName="t",
                KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                ExpressionAttributeValues={":p": {"S": pk}, ":s": {"S": "s01"}},
                ScanIndexForward=False,
            )["Items"]
        )
    for name in ("due", "held"):
        pages, start = [], None
        while True:
            extra = {"ExclusiveStartKey": start} if start else {}
            got = db.query(
                TableName="t",
                IndexName="gsi1",
                Limit=7,
                KeyConditionExpression="gsi1pk = :n AND gsi1sk <= :t",
                ExpressionAttributeValues={":n": {"S": name}, ":t": {"S": "2026-11-15"}},
                **extra,
            )
            pages.append(got["Items"])
            start = got.get("LastEvaluatedKey")
            if not start:
                break
        out.append(pages)
    out.append(db.scan(TableName="t", Limit=50)["Items"])
    try:
        db.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"pk": {"S": "p0"}, "sk": {"S": "new"}}}},
                {
                    "Put": {
                        "TableName": "t",
                        "Item": {"pk": {"S": "p1"}, "sk": {"S": "taken"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    except db.exceptions.TransactionCanceledException as error:
        out.append([r.get("Code") for r in error.response["CancellationReasons"]])
    out.append(db.get_item(TableName="t", Key={"pk": {"S": "p0"}, "sk": {"S": "new"}}).get("Item"))
    return out


def churn(db: Any, rng: random.Random) -> None:
    """Updates that move items into, within and out of the index, deletes, new puts."""
    for i in rng.sample(range(400), 120):
        key = {"pk": {"S": f"p{i % 12}"}, "sk": {"S": f"s{i:04d}"}}
        roll = rng.random()
        if roll < 0.4:
            db.update_item(
                TableName="t",
                Key=key,
                UpdateExpression="SET gsi1pk = :n, gsi1sk = :t",
                ExpressionAttributeValues={
                    ":n": {"S": rng.choice(("due", "held"))},
                    ":t": {"S": f"2026-11-{rng.randrange(1, 29):02d}"},
                },
            )
        elif roll < 0.7:
            db.update_item(TableName="t", Key=key, UpdateExpression="REMOVE gsi1pk, gsi1sk")
        elif roll < 0.85:
            db.delete_item(TableName="t", Key=key)
        else:
            db.put_item(
                TableName="t", Item={**key, "gsi1pk": {"S": "due"}, "gsi1sk": {"S": "2026-11-02"}}
            )


def test_moto_at_scale_answers_as_moto_does(shape: dict[str, Any]) -> None:
    db = boto3.client("dynamodb")
    state_table(db, random.Random(3), shape)
    plain = answers(db)
    with moto_stack.at_scale():
        fast = answers(db)
    assert fast == plain
    # the index map follows every write: the same churn on two copies answers the same
    with moto_stack.at_scale():
        answers(db)  # (builds the map)
        churn(db, random.Random(5))
        fast = answers(db)
    other = boto3.client("dynamodb", region_name="eu-central-1")
    state_table(other, random.Random(3), shape)
    churn(other, random.Random(5))
    assert fast == answers(other)
    assert any(plain[:8]) and plain[-2] == ["None", "ConditionalCheckFailed"]
    assert plain[-1] is None  # the cancelled transaction left nothing


def test_moto_at_scale_receives_what_moto_receives(aws: None) -> None:
    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for i in range(30):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    with moto_stack.at_scale():
        bodies = []
        while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            bodies += [m["Body"] for m in got]
    assert sorted(bodies) == sorted(f"m{i}" for i in range(30))


def queue_attributes(sqs: Any, urls: list[str]) -> list[Any]:
    out: list[Any] = []
    for url in urls:
        out.append(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])
        for names in (["ApproximateNumberOfMessages", "RedrivePolicy"], ["FifoQueue", "Policy"]):
            out.append(
                sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names).get("Attributes")
            )
    return out


def test_moto_at_scale_gives_queue_attributes_as_moto_does(aws: None) -> None:
    sqs = boto3.client("sqs")
    dead = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    target = dead_arn["Attributes"]["QueueArn"]
    redrive = f'{{"deadLetterTargetArn": "{target}", "maxReceiveCount": 5}}'
    main = sqs.create_queue(
        QueueName="main", Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "60"}
    )["QueueUrl"]
    fifo = sqs.create_queue(
        QueueName="q.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=main, MessageBody=f"m{i}")
        sqs.send_message(QueueUrl=main, MessageBody=f"later{i}", DelaySeconds=60)
    sqs.receive_message(QueueUrl=main, MaxNumberOfMessages=2)  # two in flight
    urls = [dead, main, fifo]
    plain = queue_attributes(sqs, urls)
    with moto_stack.at_scale():
        fast = queue_attributes(sqs, urls)
        # content-based deduplication still works: the second copy is dropped
        for _ in range(2):
            sqs.send_message(QueueUrl=fifo, MessageBody="same", MessageGroupId="g")
        got = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
    assert fast == plain
    assert fast[3]["ApproximateNumberOfMessages"] == "3"
    assert fast[3]["ApproximateNumberOfMessagesDelayed"] == "5"
    assert fast[3]["ApproximateNumberOfMessagesNotVisible"] == "2"
    assert [m["Body"] for m in got] == ["same"]


def test_moto_at_scale_still_refuses_an_item_over_400_kb(aws: None) -> None:
    db = boto3.client("dynamodb")
    db.create_table(
        TableName="big",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    # a little under the limit in one attribute, over it only with the second
    near = {"pk": {"S": "a"}, "one": {"S": "x" * 300_000}, "two": {"S": "y" * 105_000}}
    refused = []
    for scaled in (False, True):
        with moto_stack.at_scale() if scaled else contextlib.nullcontext():
            db.put_item(TableName="big", Item={**near, "two": {"S": "y" * 1_000}})
            with pytest.raises(db.exceptions.ClientError) as raised:
                db.put_item(TableName="big", Item=near)
            refused.append(raised.value.response["Error"]["Message"])
    assert refused[0] == refused[1]
    assert "size" in refused[0].lower()


def updates(db: Any, table: str) -> list[Any]:
    """The same update expressions again and again (one parse serves them), with new
    values, a counter, a list append, and one that names a value it does not give."""
    out: list[Any] = []
    expression = "SET note = :n, pages = list_append(if_not_exists(pages, :e), :p) ADD hits :one"
    for i in range(3):
        for key in ("a", "b"):
            out.append(
                db.update_item(
                    TableName=table,
                    Key={"pk": {"S": key}},
                    UpdateExpression=expression,
                    ExpressionAttributeValues={
                        ":n": {"S": f"{key}{i}"},
                        ":e": {"L": []},
                        ":p": {"L": [{"N": str(i)}]},
                        ":one": {"N": "1"},
                    },
                    ReturnValues="ALL_NEW",
                )["Attributes"]
            )
        try:
            db.update_item(
                TableName=table,
                Key={"pk": {"S": "a"}},
                UpdateExpression="SET note = :missing",
                ExpressionAttributeValues={":n": {"S": "x"}},
            )
        except db.exceptions.ClientError as error:
            out.append(error.response["Error"])
    return out


def test_moto_at_scale_updates_as_moto_does(aws: None) -> None:
    db = boto3.client("dynamodb")
    for name in ("plain", "fast"):
        db.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
    plain = updates(db, "plain")
    with moto_stack.at_scale():
        fast = updates(db, "fast")
    assert fast == plain
    assert plain[-1]["Code"] == "ValidationException"
    assert plain[-2]["pages"] == {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}
