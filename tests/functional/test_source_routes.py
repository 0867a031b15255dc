"""Meta and X webhook routes and the poller schedules, through the Chalice test client
with the infra deployed into moto; recorded real samples where we have them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import responses
from chalice.test import LambdaContext

from chalicelib import wiring
from chalicelib.sources import signing
from chalicelib.store import keys
from tests.functional.conftest import drain, scheduled
from tests.replay_http import need, ruby_yaml

SEARCH = "https://api.twitter.com/2/tweets/search/recent"


def set_secrets(stack: dict[str, str], **values: str) -> dict[str, str]:
    sm = boto3.client("secretsmanager")
    current = json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])
    current.update(values)
    sm.put_secret_value(SecretId=stack["SECRETS_ID"], SecretString=json.dumps(current))
    wiring.secrets.cache_clear()
    return current


def queued(stack) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack["MENTIONS_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def post_json(client, path: str, body: bytes, headers: dict[str, str]):
    return client.http.post(
        path, headers={"Content-Type": "application/json", **headers}, body=body
    )


# ---------------------------------------------------------------- Meta


def test_meta_handshake_echoes_the_challenge_only_for_our_verify_token(client, secret_values):
    token = secret_values["meta_verify_token"]
    ok = client.http.get(
        f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"
    )
    assert ok.status_code == 200 and ok.body == b"1158201444"
    wrong = client.http.get(
        "/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444"
    )
    assert wrong.status_code == 403 and b"1158201444" not in wrong.body


def test_meta_sample_signed_with_the_app_secret_is_queued(client, stack, secret_values, realdata):
    path = need(realdata, "webhooks", "meta", "meta_webhook_sample_payloads.json")
    sample = json.loads(path.read_text())["samples"]["instagram_comments__dashboard_test"]
    body = json.dumps(sample).encode()
    signature = signing.hex_signature(secret_values["meta_app_secret"], body)
    response = post_json(client, "/webhooks/meta", body, {"X-Hub-Signature-256": signature})
    assert response.status_code == 200
    assert json.loads(response.body)["ids"] == ["instagram:17865799348089039"]
    assert queued(stack) == 1


def test_meta_post_with_a_wrong_signature_is_401_and_nothing_is_queued(client, stack):
    body = b'{"object": "page", "entry": []}'
    signature = signing.hex_signature("not-our-secret", body)
    response = post_json(client, "/webhooks/meta", body, {"X-Hub-Signature-256": signature})
    assert response.status_code == 401
    assert queued(stack) == 0


# ---------------------------------------------------------------- X


def test_x_crc_vector_gets_the_recorded_answer(client, stack, realdata):
    vector = json.loads(need(realdata, "webhooks", "x_crc", "x_crc_test_vector.json").read_text())
    set_secrets(stack, x_consumer_secret=vector["consumer_secret"])
    response = client.http.get(f"/webhooks/x?crc_token={vector['crc_token']}")
    assert response.status_code == 200
    assert json.loads(response.body) == vector["expected_response"]


def test_x_crc_without_a_token_is_refused(client, stack):
    assert client.http.get("/webhooks/x").status_code == 403


def test_x_recorded_signed_delivery_passes_the_route(client, stack, realdata):
    path = need(realdata, "webhooks", "x_account_activity", "webhook1_tweet.signature_vector.json")
    vector = json.loads(path.read_text())
    set_secrets(stack, x_consumer_secret=vector["consumer_secret"])
    body = vector["raw_body"].encode()
    response = post_json(
        client, "/webhooks/x", body, {vector["header_name"]: vector["header_value"]}
    )
    assert response.status_code == 200
    assert json.loads(response.body)["accepted"] == 0  # the account's own post
    tampered = post_json(
        client, "/webhooks/x", body + b" ", {vector["header_name"]: vector["header_value"]}
    )
    assert tampered.status_code == 401


def test_x_recorded_mention_event_is_queued(client, stack, secret_values, realdata):
    path = need(realdata, "webhooks", "x_account_activity", "tweet_create-user_mention.yml")
    body = json.dumps(ruby_yaml(path)).encode()
    signature = signing.base64_signature(secret_values["x_consumer_secret"], body)
    response = post_json(client, "/webhooks/x", body, {"x-twitter-webhooks-signature": signature})
    assert response.status_code == 200
    assert json.loads(response.body)["ids"] == ["x:1205348660982083584"]
    assert queued(stack) == 1


# ---------------------------------------------------------------- pollers


@pytest.fixture
def watching(stack, monkeypatch):
    # chalice's test context says 3 s are left; a deployed poller has a minute
    monkeypatch.setattr(LambdaContext, "get_remaining_time_in_millis", lambda self: 60_000)
    monkeypatch.setenv("WATCH_CONFIG", json.dumps({"terms": ["Voltera"]}))
    wiring.settings.cache_clear()
    set_secrets(stack, x_bearer_token="test-bearer")


def test_the_same_post_from_the_x_webhook_and_the_x_poller_is_one_mention(
    client, stack, secret_values, watching
):
    created = datetime.now(UTC) - timedelta(minutes=3)
    native_id = "1860000000000000077"
    event = {
        "id_str": native_id,
        "text": "Voltera laat me al drie dagen zonder stroom zitten, schandalig",
        "timestamp_ms": str(int(created.timestamp() * 1000)),
        "user": {"id_str": "55", "screen_name": "boos", "name": "Boos", "followers_count": 10},
        "lang": "nl",
    }
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [event]}).encode()
    signature = signing.base64_signature(secret_values["x_consumer_secret"], body)
    assert (
        post_json(
            client, "/webhooks/x", body, {"x-twitter-webhooks-signature": signature}
        ).status_code
        == 200
    )
    page = {
        "data": [
            {
                "id": native_id,
                "text": event["text"],
                "author_id": "55",
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),  # X's format
                "edit_history_tweet_ids": [native_id],
            }
        ],
        "includes": {"users": [{"id": "55", "username": "boos", "name": "Boos"}]},
        "meta": {"newest_id": native_id, "result_count": 1},
    }
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add_passthru("https://")  # moto's AWS calls do not go through requests
        mock.get(SEARCH, json=page)
        client.lambda_.invoke("poll_x", scheduled(client, datetime.now(UTC)))
    assert queued(stack) == 2
    drain(client, stack)
    stored = list(wiring.mentions().by_day(created.strftime("%Y-%m-%d")))
    assert [m.id for m in stored] == [f"x:{native_id}"]
    assert stored[0].matched_terms == ("Voltera",)
    cursor = wiring.state().get(keys.source_cursor("x"))
    assert json.loads(cursor["cursor"]) == {"since_id": native_id}
    assert int(cursor["reads"]) == 1


def test_a_poller_without_credentials_is_skipped_and_keeps_no_state(client, stack, watching):
    client.lambda_.invoke("poll_reddit", scheduled(client, datetime.now(UTC)))
    assert wiring.state().get(keys.source_cursor("reddit")) is None
    assert queued(stack) == 0


def test_a_poller_without_a_watch_configuration_is_skipped(client, stack, monkeypatch):
    monkeypatch.delenv("WATCH_CONFIG", raising=False)
    wiring.settings.cache_clear()
    client.lambda_.invoke("poll_feeds", scheduled(client, datetime.now(UTC)))
    assert wiring.state().get(keys.source_cursor("feeds")) is None
