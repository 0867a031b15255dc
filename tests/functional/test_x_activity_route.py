"""The X Activity API through POST /webhooks/x: every recorded sample with a real HMAC
signature (the consumer secret in moto's Secrets Manager), then the queue drained through
the triage Lambda."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest

from chalicelib import wiring
from chalicelib.model import iso
from chalicelib.sources import signing
from chalicelib.store import keys
from tests.functional.conftest import drain
from tests.replay_http import need

FOLDER = "x_activity"
# file -> (status, the answer's body); written out from the files, not computed
ANSWERS = {
    "xaa_post.mention.create.json": (200, {"accepted": 1, "ids": ["x:2080765813578191303"]}),
    "xaa_post.reply.create.json": (200, {"accepted": 1, "ids": ["x:2090000000000000001"]}),
    "xaa_post.quote.create.json": (200, {"accepted": 1, "ids": ["x:2090000000000000002"]}),
    "xaa_post.create.json": (
        200,
        {"accepted": 0, "ids": [], "brand_posts": ["x:2080761390344937796"]},
    ),
    "xaa_post.delete.json": (
        200,
        {"accepted": 0, "ids": [], "brand_posts": ["x:2080761269309813134"]},
    ),
    "xaa_post.repost.create.json": (
        200,
        {"accepted": 0, "ids": [], "skipped": ["post.repost.create"]},
    ),
    "xaa_dm.received.json": (200, {"accepted": 0, "ids": [], "skipped": ["dm.received"]}),
    "xaa_oauth.revoke.json": (200, {"accepted": 0, "ids": [], "skipped": ["oauth.revoke"]}),
    "xaa_envelope.json": (
        400,
        {"error": "X Activity: data.payload.id is missing or not a post id"},
    ),
}


def deliver(client, secret_values, raw: bytes):
    signature = signing.base64_signature(secret_values["x_consumer_secret"], raw)
    return client.http.post(
        "/webhooks/x",
        headers={"Content-Type": "application/json", "x-twitter-webhooks-signature": signature},
        body=raw,
    )


def stored_ids(stack) -> list[str]:
    table = boto3.resource("dynamodb").Table(stack["MENTIONS_TABLE"])
    return sorted(item["id"] for item in table.scan()["Items"])


def test_every_recorded_x_activity_file_gets_its_answer(client, secret_values, realdata):
    folder = realdata / FOLDER
    assert sorted(p.name for p in folder.iterdir()) == sorted(ANSWERS)
    for name, (status, body) in ANSWERS.items():
        response = deliver(client, secret_values, need(realdata, FOLDER, name).read_bytes())
        assert (response.status_code, json.loads(response.body)) == (status, body), name


def test_a_wrong_signature_is_refused_before_the_body_is_read(client, secret_values, realdata):
    raw = need(realdata, FOLDER, "xaa_post.mention.create.json").read_bytes()
    signature = signing.base64_signature("not-the-secret", raw)
    response = client.http.post(
        "/webhooks/x",
        headers={"Content-Type": "application/json", "x-twitter-webhooks-signature": signature},
        body=raw,
    )
    assert response.status_code == 401


def test_an_xaa_mention_is_one_mention_under_redelivery(client, stack, secret_values, realdata):
    # GIVEN the recorded mention, delivered three times, and the same post as a reply event
    # (another event_uuid: X sends one event per subscription that matches)
    raw = need(realdata, FOLDER, "xaa_post.mention.create.json").read_bytes()
    as_reply = json.loads(raw)
    as_reply["data"].update(event_type="post.reply.create", event_uuid="-42", tag="replies")
    for body in (raw, raw, json.dumps(as_reply).encode(), raw):
        assert deliver(client, secret_values, body).status_code == 200
    # WHEN the queue is drained through the triage Lambda
    drain(client, stack)
    # THEN one mention is stored
    assert stored_ids(stack) == ["x:2080765813578191303"]


def test_the_brand_s_posts_reach_the_state_table_not_the_mentions(
    client, stack, secret_values, realdata
):
    for name in ("xaa_post.create.json", "xaa_post.delete.json"):
        raw = need(realdata, FOLDER, name).read_bytes()
        assert deliver(client, secret_values, raw).status_code == 200
    drain(client, stack)
    assert stored_ids(stack) == []
    brand = wiring.brand_activity()
    created = brand.get("x:2080761390344937796")
    assert created is not None and created.text == "Hello from the Activity API"
    assert [p.post_id for p in brand.on_thread("x", "2080761390344937796")] == [
        "2080761390344937796"
    ]
    # the delete of a post we never saw leaves a tombstone
    assert wiring.state().get(keys.brand_post("x:2080761269309813134"))["deleted"] is True


@pytest.mark.parametrize("text", ["@voltera al drie dagen storing, waardeloos, niemand helpt"])
def test_a_negative_xaa_mention_pages_the_manager_on_duty_once(
    client, stack, secret_values, team, realdata, text
):
    raw = json.loads(need(realdata, FOLDER, "xaa_post.mention.create.json").read_bytes())
    raw["data"]["payload"]["text"] = text
    raw["data"]["payload"]["lang"] = "nl"
    raw["data"]["payload"]["created_at"] = iso(datetime.now(UTC))  # posted just now
    body = json.dumps(raw).encode()
    for _ in range(2):  # redelivered
        assert deliver(client, secret_values, body).status_code == 200
    drain(client, stack)
    # one page (one SNS message) to ann, the manager on duty; none to bob
    pages = team["ann"].messages()
    assert [p["MessageAttributes"]["recipient"]["Value"] for p in pages] == ["ann"]
    assert "2080765813578191303" in pages[0]["Message"] or "storing" in pages[0]["Message"]
    assert team["bob"].messages() == []


def test_a_delivery_is_heard_and_a_503_we_answer_starts_a_gap(
    client, stack, secret_values, realdata, monkeypatch
):
    from chalicelib.errors import DeliveryError
    from chalicelib.sources.health import Health

    raw = need(realdata, FOLDER, "xaa_post.mention.create.json").read_bytes()
    assert deliver(client, secret_values, raw).status_code == 200
    heard = Health.from_dict(wiring.state().get(keys.source_health("x_webhook")))
    assert heard.last_success is not None and heard.gap_from is None

    def refuse(*args, **kwargs):
        raise DeliveryError("SQS refused the batch")

    monkeypatch.setattr(wiring.intake(), "enqueue", refuse)
    assert deliver(client, secret_values, raw).status_code == 503
    gap = Health.from_dict(wiring.state().get(keys.source_health("x_webhook")))
    assert gap.gap_from is not None
