"""Threads webhooks through GET/POST /webhooks/threads (Chalice test client, infra in
moto), signed with X-Hub-Signature-256 over the raw body.

Documented traffic: Meta's example ``replies`` delivery (realdata/threads/
threads_webhook_replies.docs.json, a documentation example, not a capture); the
``mentions`` delivery and the malformed bodies are built from that shape and say so.
"""

from __future__ import annotations

import copy
import json

import boto3
import pytest

from chalicelib import wiring
from chalicelib.sources import signing
from tests.conftest import ROOT
from tests.functional.conftest import drain
from tests.replay_http import need

SECRET = "threads-app-secret-for-the-test"


@pytest.fixture
def threads_secrets(stack) -> None:
    sm = boto3.client("secretsmanager")
    values = json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])
    values.update(threads_app_secret=SECRET, threads_verify_token="verify-me")
    sm.put_secret_value(SecretId=stack["SECRETS_ID"], SecretString=json.dumps(values))
    wiring.secrets.cache_clear()


@pytest.fixture
def example(realdata) -> dict:
    return json.loads(need(realdata, "threads", "threads_webhook_replies.docs.json").read_text())


def deliver(client, raw: bytes, signature: str | None = None):
    signed = signature if signature is not None else signing.hex_signature(SECRET, raw)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signed}
    return client.http.post("/webhooks/threads", headers=headers, body=raw)


def queued(stack) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack["MENTIONS_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_metas_replies_example_becomes_a_mention(client, stack, threads_secrets, example):
    raw = json.dumps(example).encode()
    response = deliver(client, raw)
    assert response.status_code == 200
    assert response.json_body == {"accepted": 1, "ids": ["threads:8901234"]}
    drain(client, stack)
    mention = wiring.mentions().get("threads:8901234")
    assert mention is not None
    assert (mention.text, mention.author.handle) == ("Reply", "test_username")
    assert mention.in_reply_to == "threads:567890"
    assert mention.url == "https://www.threads.net/@test_username/post/Pp"
    assert mention.created_at == "2024-08-07T10:33:16Z"


def test_a_mention_built_from_the_same_shape_is_accepted_too(
    client, stack, threads_secrets, example
):
    body = copy.deepcopy(example)
    body["values"] = {
        "field": "mentions",
        "value": {**example["values"]["value"], "id": "8901299", "text": "@voltera storing?"},
    }
    body["values"]["value"].pop("replied_to")
    response = deliver(client, json.dumps(body).encode())
    assert response.json_body == {"accepted": 1, "ids": ["threads:8901299"]}


def test_a_bad_signature_is_401_and_nothing_is_queued(client, stack, threads_secrets, example):
    raw = json.dumps(example).encode()
    assert deliver(client, raw, signature="sha256=" + "0" * 64).status_code == 401
    assert deliver(client, raw, signature="").status_code == 401
    assert queued(stack) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("values"), "body.values is not an object"),
        (lambda b: b["values"].update(value="x"), "body.values.value is not an object"),
        (lambda b: b["values"]["value"].update(id="abc"), "body.values.value.id is missing"),
        (
            lambda b: b["values"]["value"].update(timestamp="vanmorgen"),
            "body.values.value.timestamp is not a time",
        ),
    ],
    ids=["values", "value", "id", "timestamp"],
)
def test_a_malformed_body_is_400_naming_the_field(
    client, stack, threads_secrets, example, change, field
):
    # built from the documented example, one field broken
    body = copy.deepcopy(example)
    change(body)
    response = deliver(client, json.dumps(body).encode())
    assert response.status_code == 400
    assert field in response.json_body["error"]
    assert queued(stack) == 0


def test_other_fields_are_skipped_and_the_subscription_is_verified(
    client, stack, threads_secrets, example
):
    body = copy.deepcopy(example)
    body["values"]["field"] = "publish"
    response = deliver(client, json.dumps(body).encode())
    assert response.json_body == {"accepted": 0, "ids": [], "skipped": ["publish"]}
    ok = client.http.get(
        "/webhooks/threads?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42"
    )
    assert (ok.status_code, ok.body) == (200, b"42")
    bad = client.http.get(
        "/webhooks/threads?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42"
    )
    assert bad.status_code == 403


def test_the_brands_own_threads_reply_answers_the_case_and_is_no_mention(
    client, stack, threads_secrets, team, example, monkeypatch
):
    # GIVEN the brand's accounts (watch.json's handles: @Voltera, @VolteraHelpt) and a
    # customer's angry reply, in the shape of Meta's example, paged as a case
    monkeypatch.setenv("WATCH_CONFIG_FILE", str(ROOT / "chalicelib" / "watch.json"))
    wiring.reset()
    angry = copy.deepcopy(example)
    angry["values"]["value"].update(
        id="8901300",
        username="boze_klant",
        text="Voltera, al twee dagen geen stroom en niemand neemt op. Waardeloos!",
        timestamp="2026-11-23T08:50:00+0000",
    )
    assert deliver(client, json.dumps(angry).encode()).json_body["accepted"] == 1
    drain(client, stack)
    case = wiring.alerts().get("alert:threads:8901300")
    assert case is not None and case.answered_at is None
    # WHEN the brand's account (a watch `handles` entry) replies to it in the Threads app
    answer = copy.deepcopy(example)
    answer["values"]["value"].update(
        id="8901301",
        username="VolteraHelpt",
        text="Hoi! Vervelend. We bellen je vandaag nog.",
        timestamp="2026-11-23T09:05:00+0000",
        replied_to={"id": "8901300"},
    )
    for _ in range(2):  # redelivered: nothing more changes
        assert deliver(client, json.dumps(answer).encode()).status_code == 200
        drain(client, stack)
    # THEN the case is answered on the network at the reply's time, and the reply is no mention
    case = wiring.alerts().get("alert:threads:8901300")
    assert (case.answered_at, case.answered_via, case.answered_by) == (
        "2026-11-23T09:05:00Z",
        "network",
        "VolteraHelpt",
    )
    assert wiring.mentions().get("threads:8901301") is None
    assert len(wiring.alerts().replies.sent(case.id)) == 1
