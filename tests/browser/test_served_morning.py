"""The browser tests' modules share one served morning per worker (conftest.Morning): what
a module changed is put back before the next takes it, and a change it cannot put back is
noticed (the next module then plays a morning of its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import requests

from tests.browser.conftest import Morning


def _replies(served: Any) -> list[str]:
    path = Path(served.summary["replies_jsonl"])
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _reply(text: str) -> str:
    """A reply on X as the reply channel sends it (the stand-in answers); its id."""
    answer = requests.post(
        "https://api.twitter.com/2/tweets",
        json={"text": text, "reply": {"in_reply_to_tweet_id": "1861000000000000001"}},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["data"]["id"])


def test_what_a_module_changed_is_put_back_before_the_next_takes_the_morning(
    served_morning: Morning,
) -> None:
    served = served_morning.take()
    try:
        db, table = boto3.client("dynamodb"), served.env["STATE_TABLE"]
        topic = served.env["ALERTS_TOPIC_ARN"]
        item = db.scan(TableName=table, Limit=1)["Items"][0]
        key = {name: item[name] for name in ("pk", "sk")}
        count = db.scan(TableName=table, Select="COUNT")["Count"]
        replies = _replies(served)
        subscribed = boto3.client("sns").list_subscriptions_by_topic(TopicArn=topic)[
            "Subscriptions"
        ]
        # GIVEN a module that changes an item, adds one, pages someone and sends a reply
        db.put_item(TableName=table, Item={**item, "changed": {"S": "by the module"}})
        db.put_item(TableName=table, Item={"pk": {"S": "module"}, "sk": {"S": "added"}})
        published = served_morning.published()
        boto3.client("sns").publish(TopicArn=topic, Message="a page of the module")
        assert served.stand_ins.answering  # (the reply never leaves this process)
        first_reply = _reply("thanks, from the module")
        assert served_morning.published() == published + 1
        assert len(_replies(served)) == len(replies) + 1
    finally:
        served_morning.give_back()

    # WHEN the next module takes the morning
    served = served_morning.take()
    try:
        # THEN it is as the morning left it: the item, the table, the topic, the replies
        assert db.get_item(TableName=table, Key=key)["Item"] == item
        assert db.scan(TableName=table, Select="COUNT")["Count"] == count
        assert served_morning.published() == published
        assert _replies(served) == replies
        # AND its first reply is numbered as the first one after the morning was
        assert _reply("thanks, from the next module") == first_reply
        assert (
            boto3.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
            == subscribed
        )
    finally:
        served_morning.give_back()


def test_a_change_the_morning_cannot_put_back_is_noticed(served_morning: Morning) -> None:
    served = served_morning.take()
    try:
        sqs, url = boto3.client("sqs"), served.env["MENTIONS_QUEUE_URL"]
        assert served_morning.intact()
        # GIVEN a module that leaves a message on a queue: not put back, so noticed
        sqs.send_message(QueueUrl=url, MessageBody="{}")
        assert not served_morning.intact()
        # WHEN it takes the message off again THEN the morning is as it was
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        assert served_morning.intact()
    finally:
        served_morning.give_back()
