"""Bad input at the generic webhook: the right 4xx, and nothing queued or stored."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.functional.conftest import post_webhook
from tests.functional.test_walking_skeleton import post


def queued(stack) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack["MENTIONS_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_bad_signature_is_401_and_nothing_is_queued(client, stack, secret_values):
    response = post_webhook(client, post(), "not-the-secret")
    assert response.status_code == 401
    assert queued(stack) == 0


def test_missing_signature_is_401(client, stack, secret_values):
    response = post_webhook(client, post(), "", signature="")
    assert response.status_code == 401
    assert "X-Signature-256" in json.loads(response.body)["error"]


def test_malformed_json_is_400_with_a_reason(client, stack, secret_values):
    response = post_webhook(client, b"{not json", secret_values["generic_webhook_secret"])
    assert response.status_code == 400
    assert "not JSON" in json.loads(response.body)["error"]
    assert queued(stack) == 0


@pytest.mark.parametrize("field", ["id", "text", "author", "url", "created_at"])
def test_missing_field_is_400_naming_it(client, stack, secret_values, field):
    body = json.loads(post())
    del body[field]
    response = post_webhook(
        client, json.dumps(body).encode(), secret_values["generic_webhook_secret"]
    )
    assert response.status_code == 400
    assert field in json.loads(response.body)["error"]
    assert queued(stack) == 0


def test_oversized_body_is_413(client, stack, secret_values):
    body = post(text="x" * (300 * 1024))
    response = post_webhook(client, body, secret_values["generic_webhook_secret"])
    assert response.status_code == 413
    assert queued(stack) == 0


def test_wrong_content_type_is_refused(client, stack, secret_values):
    response = post_webhook(
        client, post(), secret_values["generic_webhook_secret"], content_type="text/plain"
    )
    assert response.status_code == 415


# ---------------------------------------------------------------- limits (issue 15)


def stored(stack) -> list[str]:
    table = boto3.client("dynamodb").scan(TableName=stack["MENTIONS_TABLE"])["Items"]
    return sorted(item["id"]["S"] for item in table)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"author": {"id": "42", "handle": "h" * 150_000}}, "author.handle"),
        ({"url": "https://example.com/" + "u" * 210_000}, "url"),
        ({"author": {"id": "42", "handle": "jan", "name": "n" * 500}}, "author.name"),
        ({"text": "al drie dagen storing " * 300}, "text"),
        ({"created_at": "9999-12-31T23:30:00Z"}, "created_at"),
        ({"created_at": "1970-01-02T00:00:00Z"}, "created_at"),
    ],
)
def test_a_post_over_an_input_limit_is_a_400_naming_the_field_and_nothing_is_queued(
    client, stack, secret_values, extra, field
):
    # (before: a 150 KB handle was stored, its alert refused by DynamoDB, the message
    # dead-lettered and every redrive failed the same way; a 9999 date failed its batch)
    response = post_webhook(client, post(**extra), secret_values["generic_webhook_secret"])
    assert response.status_code == 400
    assert field in json.loads(response.body)["error"]
    assert queued(stack) == 0


def test_a_generic_post_claiming_to_be_x_cannot_take_the_real_tweets_id(
    client, stack, team, secret_values
):
    # GIVEN a generic post sent as source "x" with a real tweet's id (was: x:<id>, so the
    # real tweet arriving later was dropped as its duplicate and never paged)
    response = post_webhook(
        client, post("1860000000000000001", source="x"), secret_values["generic_webhook_secret"]
    )
    # THEN it is stored in the generic id space, apart from the network's
    assert json.loads(response.body)["ids"] == ["generic-x:1860000000000000001"]


@pytest.mark.parametrize("route", ["x", "meta"])
def test_a_signed_network_body_with_an_absurd_timestamp_is_a_400_not_a_500(
    client, stack, secret_values, route
):
    # (before: OSError in parse_time, a 500, and the network retried it forever)
    if route == "x":
        body = json.dumps(
            {
                "for_user_id": "1",
                "tweet_create_events": [
                    {"id_str": "123", "text": "storing!", "timestamp_ms": 1e20, "user": {}}
                ],
            }
        ).encode()
        headers = {"x-twitter-webhooks-signature": _x_signature(secret_values, body)}
    else:
        value = {"item": "status", "verb": "add", "post_id": "1_2", "created_time": 1e20}
        entry = {"id": "1", "time": 1, "changes": [{"field": "feed", "value": value}]}
        body = json.dumps({"object": "page", "entry": [entry]}).encode()
        headers = {"X-Hub-Signature-256": _meta_signature(secret_values, body)}
    response = client.http.post(
        f"/webhooks/{route}", headers={"Content-Type": "application/json", **headers}, body=body
    )
    assert response.status_code == 400, response.body
    assert queued(stack) == 0


def _x_signature(secrets: dict[str, str], body: bytes) -> str:
    from chalicelib.sources import signing

    return signing.base64_signature(secrets["x_consumer_secret"], body)


def _meta_signature(secrets: dict[str, str], body: bytes) -> str:
    from chalicelib.sources import signing

    return signing.hex_signature(secrets["meta_app_secret"], body)
