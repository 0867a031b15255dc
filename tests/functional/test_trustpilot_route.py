"""Trustpilot service-review webhooks through POST /webhooks/trustpilot (Chalice test
client, infra in moto), then the triage Lambda.

Built from the documented shape (PLATFORM_NOTES, "Reviews": ``{"events": [{"eventName",
"eventData": {id, stars, title, text, createdAt, consumer {id, name}}}]}``): no capture of
a Trustpilot delivery exists. Authentication is HTTP Basic (docs/sources.md, Trustpilot).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib import wiring
from chalicelib.model import iso
from tests.functional.conftest import drain
from tests.functional.test_faults import pages_by_alert

CREDENTIALS = "trustpilot:s3cret-long-enough"


@pytest.fixture
def basic(stack) -> str:
    sm = boto3.client("secretsmanager")
    values = json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])
    values["trustpilot_webhook_basic"] = CREDENTIALS
    sm.put_secret_value(SecretId=stack["SECRETS_ID"], SecretString=json.dumps(values))
    wiring.secrets.cache_clear()
    return "Basic " + base64.b64encode(CREDENTIALS.encode()).decode()


def event(name: str, review_id: str = "5f1a9d0e2b3c4d5e6f7a8b9c", **data) -> dict:
    created = iso(datetime.now(UTC) - timedelta(minutes=5))
    body = {
        "id": review_id,
        "stars": 1,
        "title": "Nooit meer",
        "text": "Al twee weken geen stroom en niemand belt terug.",
        "createdAt": created,
        "consumer": {"id": "c-77", "name": "Henk"},
        "language": "nl",
    }
    return {"eventName": name, "version": "1", "eventData": {**body, **data}}


def deliver(client, authorization: str | None, *events: dict, raw: bytes | None = None):
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    body = raw if raw is not None else json.dumps({"events": list(events)}).encode()
    return client.http.post("/webhooks/trustpilot", headers=headers, body=body)


def queued(stack) -> int:
    attrs = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack["MENTIONS_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_a_one_star_review_is_a_mention_with_its_stars_and_pages(client, stack, team, basic):
    response = deliver(client, basic, event("service-review-created"))
    assert response.status_code == 200
    assert response.json_body == {"accepted": 1, "ids": ["trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c"]}
    drain(client, stack)
    mention = wiring.mentions().get("trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c")
    assert mention is not None and mention.rating == 1 and mention.is_negative
    assert mention.text == "Nooit meer\n\nAl twee weken geen stroom en niemand belt terug."
    assert pages_by_alert(team["ann"]) == {"alert:trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c": 1}


def test_an_updated_review_replaces_its_mention_and_a_deleted_one_is_recorded(
    client, stack, team, basic
):
    assert deliver(client, basic, event("service-review-created")).status_code == 200
    drain(client, stack)
    later = event("service-review-updated", stars=4, text="Opgelost na een belletje, dank.")
    assert deliver(client, basic, later).status_code == 200
    drain(client, stack)
    mention = wiring.mentions().get("trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c")
    assert mention is not None and (mention.rating, mention.text) == (
        4,
        "Nooit meer\n\nOpgelost na een belletje, dank.",
    )
    gone = deliver(
        client,
        basic,
        {"eventName": "service-review-deleted", "eventData": {"id": "5f1a9d0e2b3c4d5e6f7a8b9c"}},
    )
    assert gone.status_code == 200
    assert gone.json_body == {
        "accepted": 0,
        "ids": [],
        "deleted": ["trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c"],
    }
    record = wiring.deleted_reviews().get("trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c")
    assert record is not None and record["mention_id"] == "trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c"
    assert queued(stack) == 0  # a deletion is no mention
    # the stored mention stays (what the customer wrote did happen), one of it
    assert wiring.mentions().get("trustpilot:5f1a9d0e2b3c4d5e6f7a8b9c") is not None


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic " + base64.b64encode(b"trustpilot:wrong").decode(), "Bearer abc", "Basic %%%"],
    ids=["missing", "wrong", "not-basic", "not-base64"],
)
def test_bad_credentials_are_401_and_nothing_is_queued(client, stack, basic, authorization):
    response = deliver(client, authorization, event("service-review-created"))
    assert response.status_code == 401
    assert queued(stack) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body is not JSON"),
        (json.dumps({"event": []}).encode(), "events is missing or not a list"),
        (json.dumps({"events": [{"eventData": {}}]}).encode(), "events[0].eventName is missing"),
        (
            json.dumps(
                {
                    "events": [
                        event("service-review-created"),
                        event("service-review-created", stars=9),
                    ]
                }
            ).encode(),
            "events[1].eventData.stars is not 1..5",
        ),
        (
            json.dumps(
                {"events": [event("service-review-created", createdAt="gisteren")]}
            ).encode(),
            "events[0].eventData.createdAt is not a time",
        ),
        (
            json.dumps({"events": [event("service-review-created", id="")]}).encode(),
            "events[0].eventData.id is missing",
        ),
    ],
)
def test_a_malformed_body_is_400_naming_the_field_and_nothing_is_half_stored(
    client, stack, basic, body, field
):
    response = deliver(client, basic, raw=body)
    assert response.status_code == 400
    assert field in response.json_body["error"]
    assert queued(stack) == 0


def test_other_event_names_are_skipped_with_200(client, stack, basic):
    response = deliver(client, basic, {"eventName": "product-review-created", "eventData": {}})
    assert response.status_code == 200
    assert response.json_body == {"accepted": 0, "ids": [], "skipped": ["product-review-created"]}
