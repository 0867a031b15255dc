"""Google Business Profile reviews: a Pub/Sub push through POST /webhooks/google-business
(Chalice test client, infra in moto), the push token (signed here by PyJWT) verified
against certificates served by `responses`, the review read with the refreshed grant.

Built from the documented shapes (PLATFORM_NOTES, "Reviews": NEW_REVIEW / UPDATED_REVIEW;
Pub/Sub's push envelope; the v4 review resource): no capture exists, and the notification's
JSON is itself unconfirmed [u]. The signing key and certificate are made in the test.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import boto3
import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib import wiring
from chalicelib.alerts.paging.source_health import describe
from chalicelib.sources import health as source_health
from tests.functional.conftest import drain

AUDIENCE = "https://api.example/webhooks/google-business"
ACCOUNT = "gbp-push@voltera-listening.iam.gserviceaccount.com"
CERTS = "https://www.googleapis.com/oauth2/v1/certs"
NAME = "accounts/111/locations/222/reviews/AbFvOqn-1"
REVIEW = f"https://mybusiness.googleapis.com/v4/{NAME}"
TOKEN_URI = "https://oauth2.googleapis.com/token"


@pytest.fixture
def google_key(google_signer):
    return google_signer


@pytest.fixture
def gbp(stack):
    sm = boto3.client("secretsmanager")
    values = json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])
    values.update(
        gbp_push_audience=AUDIENCE,
        gbp_push_account=ACCOUNT,
        gbp_client_id="client.apps.googleusercontent.com",
        gbp_client_secret="client-secret",
        gbp_refresh_token="1//refresh",
    )
    sm.put_secret_value(SecretId=stack["SECRETS_ID"], SecretString=json.dumps(values))
    wiring.secrets.cache_clear()


def push_token(google_key, expires_in: int = 3600, **claims) -> str:
    key, _ = google_key
    now = int(datetime.now(UTC).timestamp())
    body = {
        "iss": "https://accounts.google.com",
        "aud": AUDIENCE,
        "email": ACCOUNT,
        "email_verified": True,
        "sub": "1",
        "iat": now,
        "exp": now + expires_in,
        **claims,
    }
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


def envelope(kind: str = "NEW_REVIEW", review: str = NAME) -> bytes:
    data = json.dumps({"type": kind, "review": review, "location": "accounts/111/locations/222"})
    message = {
        "data": base64.b64encode(data.encode()).decode(),
        "messageId": "1",
        "publishTime": "2026-11-23T08:55:00Z",
    }
    return json.dumps({"message": message, "subscription": "projects/p/subscriptions/gbp"}).encode()


def review(stars: str, comment: str) -> dict:
    created = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "name": NAME,
        "reviewId": "AbFvOqn-1",
        "reviewer": {"displayName": "Karin", "isAnonymous": False},
        "starRating": stars,
        "comment": comment,
        "createTime": created,
        "updateTime": created,
    }


def deliver(client, body: bytes, token: str | None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.http.post("/webhooks/google-business", headers=headers, body=body)


def google(mock, google_key, answer: dict | None, status: int = 200) -> None:
    mock.get(CERTS, json={"k1": google_key[1]})
    mock.post(TOKEN_URI, json={"access_token": "ya29.gbp", "expires_in": 3600})
    if answer is not None or status != 200:
        mock.get(REVIEW, json=answer or {"error": {"code": status}}, status=status)


def test_a_new_one_star_google_review_is_read_and_becomes_a_mention(
    client, stack, team, gbp, google_key
):
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        google(mock, google_key, review("ONE", "Drie keer gebeld, niemand weet van de storing."))
        response = deliver(client, envelope(), push_token(google_key))
        read = [c.request for c in mock.calls if c.request.url == REVIEW]
    assert response.status_code == 200
    assert response.json_body == {"accepted": 1, "ids": ["google_business:AbFvOqn-1"]}
    assert read[0].headers["Authorization"] == "Bearer ya29.gbp"
    drain(client, stack)
    mention = wiring.mentions().get("google_business:AbFvOqn-1")
    assert mention is not None and mention.rating == 1 and mention.is_negative
    # the review's resource name rides in the link's fragment: the reply channel answers it
    assert mention.url == f"https://business.google.com/reviews#{NAME}"


def test_an_updated_review_replaces_its_mention_and_a_vanished_one_is_recorded(
    client, stack, team, gbp, google_key
):
    with responses.RequestsMock() as mock:
        google(mock, google_key, review("ONE", "Slecht."))
        assert deliver(client, envelope(), push_token(google_key)).status_code == 200
    drain(client, stack)
    with responses.RequestsMock() as mock:
        google(mock, google_key, review("FOUR", "Toch snel opgelost."))
        assert (
            deliver(client, envelope("UPDATED_REVIEW"), push_token(google_key)).status_code == 200
        )
    drain(client, stack)
    mention = wiring.mentions().get("google_business:AbFvOqn-1")
    assert mention is not None and (mention.rating, mention.text) == (4, "Toch snel opgelost.")
    with responses.RequestsMock() as mock:
        google(mock, google_key, None, status=404)
        gone = deliver(client, envelope("UPDATED_REVIEW"), push_token(google_key))
    assert gone.json_body == {"accepted": 0, "ids": [], "deleted": ["google_business:AbFvOqn-1"]}
    assert wiring.deleted_reviews().get("google_business:AbFvOqn-1") is not None


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://elsewhere.example"},
        {"email": "someone@example.com"},
        {"iss": "https://evil.example"},
        {"email_verified": False},
        {"expires_in": -120},  # expired two minutes ago (past the minute's leeway)
    ],
    ids=["audience", "account", "issuer", "unverified", "expired"],
)
def test_a_push_token_for_someone_else_is_401(client, stack, gbp, google_key, claims):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        google(mock, google_key, None)
        response = deliver(client, envelope(), push_token(google_key, **claims))
        assert not [c for c in mock.calls if c.request.url == REVIEW]
    assert response.status_code == 401


def test_no_token_or_a_forged_one_is_401(client, stack, gbp, google_key):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        {"aud": AUDIENCE, "email": ACCOUNT}, forger, algorithm="RS256", headers={"kid": "k1"}
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        google(mock, google_key, None)
        assert deliver(client, envelope(), None).status_code == 401
        assert deliver(client, envelope(), forged).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{}", "message is missing or not an object"),
        (json.dumps({"message": {"data": "%%%"}}).encode(), "message.data is not base64 JSON"),
        (envelope(review="accounts/111/locations/222"), "message.data.review is not a review name"),
    ],
    ids=["message", "data", "review"],
)
def test_a_malformed_push_is_400_naming_the_field(client, stack, gbp, google_key, body, field):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        google(mock, google_key, None)
        response = deliver(client, body, push_token(google_key))
    assert response.status_code == 400
    assert field in response.json_body["error"]


def test_a_revoked_grant_is_a_503_and_the_lead_is_told_once_what_to_renew(
    client, stack, gbp, google_key
):
    # Google's token endpoint answers a revoked refresh token with invalid_grant
    revoked = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
    for _ in range(3):  # Pub/Sub redelivers; three refusals in a row
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.get(CERTS, json={"k1": google_key[1]})
            mock.post(TOKEN_URI, json=revoked, status=400)
            response = deliver(client, envelope(), push_token(google_key))
        assert response.status_code == 503  # redelivered later: nothing lost
    now = datetime.now(UTC)
    (unhealthy,) = source_health.sources_to_page(wiring.state(), now)
    assert unhealthy.source == "google_business_webhook"
    _, text, _ = describe(unhealthy, now, "Europe/Amsterdam")
    assert "The Google reviews (Business Profile push) source failed 3 runs in a row" in text
    assert "renew gbp_refresh_token" in text
    source_health.mark_paged(wiring.state(), "google_business_webhook", now)
    assert source_health.sources_to_page(wiring.state(), now + timedelta(minutes=1)) == []
