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
