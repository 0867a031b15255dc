"""The whole path, end to end, on moto: webhook -> queue -> triage -> DynamoDB -> SNS -> SES."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib import wiring
from chalicelib.model import iso
from chalicelib.store import day_counters, keys
from devstack import moto_stack
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.desk import act, case_link

COMPLAINT = (
    "Worst service ever. Three days without internet, nobody helps and I am furious. "
    "Cancelling my contract today!"
)


def post(native_id: str = "1001", text: str = COMPLAINT, **extra) -> bytes:
    created = datetime.now(UTC) - timedelta(minutes=5)
    body = {
        "id": native_id,
        "text": text,
        "author": {"id": "42", "handle": "boze_klant", "name": "Boze Klant", "followers": 15000},
        "url": f"https://forum.example.com/t/{native_id}",
        "created_at": iso(created),
        **extra,
    }
    return json.dumps(body).encode()


def sent_emails() -> list:
    return list(ses_backends[DEFAULT_ACCOUNT_ID][moto_stack.REGION].sent_messages)


def test_signed_webhook_becomes_one_mention_one_alert_to_the_on_duty_manager_and_the_digest(
    client, stack, team, secret_values
):
    # GIVEN ann on duty, bob not; WHEN a signed negative post arrives
    response = post_webhook(client, post(), secret_values["generic_webhook_secret"])
    assert response.status_code == 202
    assert json.loads(response.body) == {"accepted": 1, "ids": ["generic:1001"]}

    # THEN the queue carries it to triage, which stores it and pages ann only
    drain(client, stack)
    mention = wiring.mentions().get("generic:1001")
    assert mention is not None
    assert mention.sentiment.label == "negative"
    assert mention.status == "alerted"
    ann, bob = team["ann"].messages(), team["bob"].messages()
    assert len(ann) == 1 and bob == []
    assert ann[0]["MessageAttributes"]["recipient"]["Value"] == "ann"
    # (the author by name: the generic webhook's network sends names, never "@handles")
    assert "Boze Klant" in ann[0]["Message"] and "/c/" in ann[0]["Message"]

    # AND the next morning's digest, at 08:05 local, carries the post
    local_day = datetime.now(wiring.settings().tz).date()
    morning = datetime.combine(
        local_day + timedelta(days=1), datetime.min.time(), tzinfo=wiring.settings().tz
    ).replace(hour=8, minute=5)
    client.lambda_.invoke("daily_digest", scheduled(client, morning))
    emails = sent_emails()
    assert len(emails) == 1
    raw = emails[0].raw_data
    assert "Three days without internet" in raw
    assert "List-Unsubscribe" in raw and "text/html" in raw and "text/plain" in raw


def test_same_webhook_twice_and_same_queue_message_twice_give_one_mention_one_alert(
    client, stack, team, secret_values
):
    body = post("2002")
    for _ in range(2):
        response = post_webhook(client, body, secret_values["generic_webhook_secret"])
        assert response.status_code == 202
    # the same SQS message delivered twice: invoke the handler with one event two times
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=stack["MENTIONS_QUEUE_URL"], MaxNumberOfMessages=10)[
        "Messages"
    ]
    event = moto_stack.sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:mentions")
    client.lambda_.invoke("triage", event)
    client.lambda_.invoke("triage", event)

    stats = day_counters(wiring.state(), f"{datetime.now(wiring.settings().tz).date()}")
    assert stats["total"] == 1
    assert len(team["ann"].messages()) == 1
    assert team["bob"].messages() == []


def test_the_case_link_acknowledges_the_alert_and_mention_and_refuses_a_guessed_code(
    client, stack, team, secret_values
):
    post_webhook(client, post("3003"), secret_values["generic_webhook_secret"])
    drain(client, stack)
    path = case_link(team["ann"].messages()[0])

    guessed = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    assert client.http.get(guessed).status_code == 403
    assert act(client, guessed).status_code == 403

    # opening the link (as a mail scanner would) shows the case and changes nothing
    opened = client.http.get(path)
    assert opened.status_code == 200 and b'<form method="post"' in opened.body
    assert wiring.alerts().get("alert:generic:3003").state == "sent"

    response = act(client, path)
    assert response.status_code == 200
    assert b"Acknowledged" in response.body
    assert wiring.mentions().get("generic:3003").status == "acknowledged"
    alert = wiring.alerts().get("alert:generic:3003")
    assert alert.state == "acknowledged" and alert.acknowledged_by == "ann"
    # the alert keeps the post's text, so it expires with the mention (RETENTION_DAYS)
    item = wiring.state().get(keys.alert("alert:generic:3003"))
    mention = wiring.mentions().get("generic:3003")
    assert abs(item["expires_at"] - mention.expires_at) < 60
    # a second tap is harmless
    again = act(client, path, "resolve", outcome="answered")
    assert again.status_code == 200 and wiring.alerts().get("alert:generic:3003").outcome == (
        "answered"
    )


def test_digest_is_sent_once_when_the_schedule_fires_twice(client, stack, team, secret_values):
    post_webhook(client, post("4004"), secret_values["generic_webhook_secret"])
    drain(client, stack)
    tz = wiring.settings().tz
    morning = datetime.combine(
        datetime.now(tz).date() + timedelta(days=1), datetime.min.time(), tzinfo=tz
    ).replace(hour=8, minute=5)
    client.lambda_.invoke("daily_digest", scheduled(client, morning))
    client.lambda_.invoke("daily_digest", scheduled(client, morning + timedelta(hours=1)))
    client.lambda_.invoke("daily_digest", scheduled(client, morning - timedelta(hours=2)))
    assert len(sent_emails()) == 1
