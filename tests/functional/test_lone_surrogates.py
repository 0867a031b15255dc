"""A lone UTF-16 surrogate ("\\ud800") in a post never stops a source (issue 25, item 1).

JSON may spell a lone surrogate (`"\\ud800"`) and `json.loads` hands it on as a str no
UTF-8 encoder accepts. Every route and poller must queue the post with U+FFFD in its place,
queue the good posts beside it, and (a poller) move its cursor.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from chalice.test import LambdaContext

from chalicelib import wiring
from chalicelib.sources import signing
from chalicelib.store import keys
from tests.functional.conftest import drain, post_webhook, scheduled
from tests.functional.test_walking_skeleton import post

SEARCH = "https://api.twitter.com/2/tweets/search/recent"
LONE = "\ud800"
REPLACED = "\ufffd"


def queued_bodies(stack) -> list[dict]:
    sqs = boto3.client("sqs")
    out = []
    while True:
        got = sqs.receive_message(
            QueueUrl=stack["MENTIONS_QUEUE_URL"], MaxNumberOfMessages=10, VisibilityTimeout=0
        )
        batch = got.get("Messages", [])
        if not batch:
            return out
        for message in batch:
            out.append(json.loads(message["Body"]))
            sqs.delete_message(
                QueueUrl=stack["MENTIONS_QUEUE_URL"], ReceiptHandle=message["ReceiptHandle"]
            )


def queued_texts(stack) -> list[str]:
    return sorted(m["text"] for body in queued_bodies(stack) for m in body["mentions"])


def json_body(data: dict) -> bytes:
    # ensure_ascii (the default) writes the lone surrogate as the escape \ud800, as a sender would
    body = json.dumps(data).encode()
    assert b"\\ud800" in body
    return body


def test_generic_webhook_queues_a_post_with_a_lone_surrogate(client, stack, secret_values):
    body = json_body(json.loads(post(text=f"storing {LONE} al drie dagen")))
    response = post_webhook(client, body, secret_values["generic_webhook_secret"])
    assert response.status_code == 202, response.body
    assert queued_texts(stack) == [f"storing {REPLACED} al drie dagen"]


def test_x_webhook_queues_a_post_with_a_lone_surrogate(client, stack, secret_values):
    created = datetime.now(UTC) - timedelta(minutes=3)
    event = {
        "id_str": "1860000000000000091",
        "text": f"Voltera {LONE} geen stroom",
        "timestamp_ms": str(int(created.timestamp() * 1000)),
        "user": {"id_str": "55", "screen_name": "boos", "name": "Boos", "followers_count": 10},
        "lang": "nl",
    }
    body = json_body({"for_user_id": "1", "tweet_create_events": [event]})
    signature = signing.base64_signature(secret_values["x_consumer_secret"], body)
    response = client.http.post(
        "/webhooks/x",
        headers={"Content-Type": "application/json", "x-twitter-webhooks-signature": signature},
        body=body,
    )
    assert response.status_code == 200, response.body
    assert queued_texts(stack) == [f"Voltera {REPLACED} geen stroom"]


def test_meta_webhook_queues_a_comment_with_a_lone_surrogate(client, stack, secret_values):
    comment = {
        "from": {"id": "232323232", "username": "test"},
        "media": {"id": "123123123", "media_product_type": "FEED"},
        "id": "17865799348089040",
        "parent_id": "1231231234",
        "text": f"waar blijft mijn pakket {LONE}",
    }
    body = json_body(
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "0",
                    "time": 1695061705,
                    "changes": [{"field": "comments", "value": comment}],
                }
            ],
        }
    )
    signature = signing.hex_signature(secret_values["meta_app_secret"], body)
    response = client.http.post(
        "/webhooks/meta",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
        body=body,
    )
    assert response.status_code == 200, response.body
    assert queued_texts(stack) == [f"waar blijft mijn pakket {REPLACED}"]


@pytest.fixture
def watching(stack, monkeypatch):
    monkeypatch.setattr(LambdaContext, "get_remaining_time_in_millis", lambda self: 60_000)
    monkeypatch.setenv("WATCH_CONFIG", json.dumps({"terms": ["Voltera"]}))
    wiring.settings.cache_clear()
    sm = boto3.client("secretsmanager")
    current = json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])
    current["x_bearer_token"] = "test-bearer"
    sm.put_secret_value(SecretId=stack["SECRETS_ID"], SecretString=json.dumps(current))
    wiring.secrets.cache_clear()


def test_x_poller_queues_the_page_and_moves_its_cursor_past_a_lone_surrogate(
    client, stack, watching
):
    import responses

    created = (datetime.now(UTC) - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    tweets = [
        ("1860000000000000102", f"Voltera {LONE} storing"),
        ("1860000000000000101", "Voltera laat me al drie dagen zonder stroom zitten"),
    ]
    page = {
        "data": [
            {
                "id": i,
                "text": t,
                "author_id": "55",
                "created_at": created,
                "edit_history_tweet_ids": [i],
            }
            for i, t in tweets
        ],
        "includes": {"users": [{"id": "55", "username": "boos", "name": "Boos"}]},
        "meta": {"newest_id": tweets[0][0], "result_count": 2},
    }
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.add_passthru("https://")
        mock.get(SEARCH, body=json_body(page), content_type="application/json")
        client.lambda_.invoke("poll_x", scheduled(client, datetime.now(UTC)))
    cursor = wiring.state().get(keys.source_cursor("x"))
    assert cursor is not None and json.loads(cursor["cursor"]) == {"since_id": tweets[0][0]}
    drain(client, stack)
    day = created[:10]
    stored = {m.id: m.text for m in wiring.mentions().by_day(day)}
    assert stored == {
        "x:1860000000000000102": f"Voltera {REPLACED} storing",
        "x:1860000000000000101": "Voltera laat me al drie dagen zonder stroom zitten",
    }
