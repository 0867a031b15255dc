"""App Store reviews on the app's own schedule (`poll_app_store`), through the queue,
triage and paging, with the infra deployed into moto and the stage's secret holding a key
generated in the test. Apple's answers are built from its documented shape
(realdata/reviews/appstore_customerReviews_list.docs.partial.json), served by `responses`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import responses
from chalice.test import LambdaContext
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib import wiring
from tests.functional.conftest import drain, scheduled
from tests.functional.test_faults import pages_by_alert

APP = "1234567890"
REVIEWS = f"https://api.appstoreconnect.apple.com/v1/apps/{APP}/customerReviews"
ID = "app_store:00000099-aaaa-0014-729e-fbd500000000"


@pytest.fixture
def app_store(stack, monkeypatch):
    """The watch names the app; the stage's secret holds an API key made for the test."""
    monkeypatch.setattr(LambdaContext, "get_remaining_time_in_millis", lambda self: 60_000)
    watch = {"terms": ["Voltera"], "app_store": {"app_id": APP, "territories": ["NLD"]}}
    monkeypatch.setenv("WATCH_CONFIG", json.dumps(watch))
    wiring.settings.cache_clear()
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    sm = boto3.client("secretsmanager")
    values = json.loads(sm.get_secret_value(SecretId=stack["SECRETS_ID"])["SecretString"])
    values.update(appstore_issuer_id="issuer", appstore_key_id="KEY1", appstore_private_key=pem)
    sm.put_secret_value(SecretId=stack["SECRETS_ID"], SecretString=json.dumps(values))
    wiring.secrets.cache_clear()


def listing(rating: int, title: str, body: str, created: datetime) -> dict:
    review = {
        "type": "customerReviews",
        "id": "00000099-aaaa-0014-729e-fbd500000000",
        "attributes": {
            "rating": rating,
            "title": title,
            "body": body,
            "reviewerNickname": "Ellen uit Zwolle",
            "createdDate": created.strftime("%Y-%m-%dT%H:%M:%S-08:00"),
            "territory": "NLD",
        },
    }
    return {"data": [review], "links": {"self": REVIEWS}}


def poll(client, answer: dict, at: datetime) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        mock.get(REVIEWS, json=answer)
        client.lambda_.invoke("poll_app_store", scheduled(client, at))


def test_a_one_star_app_review_naming_the_outage_pages_the_manager_on_duty(
    client, stack, team, app_store
):
    now = datetime.now(UTC)
    created = now - timedelta(minutes=10) - timedelta(hours=8)  # Apple writes -08:00
    words = "App doet niks meer", "Sinds de storing van vanochtend kan ik niet inloggen."
    poll(client, listing(1, *words, created), now)
    drain(client, stack)
    mention = wiring.mentions().get(ID)
    assert mention is not None and mention.rating == 1 and mention.is_negative
    assert mention.reasons[0] == "rating: 1 star"
    assert mention.priority >= 40  # the normal band: paged
    assert pages_by_alert(team["ann"]) == {f"alert:{ID}": 1}
    assert pages_by_alert(team["bob"]) == {}  # off duty


def test_a_one_star_review_with_neutral_words_waits_on_the_board(client, stack, team, app_store):
    now = datetime.now(UTC)
    created = now - timedelta(minutes=10) - timedelta(hours=8)
    poll(client, listing(1, "Nieuwe versie", "Sinds de update van vanochtend.", created), now)
    drain(client, stack)
    mention = wiring.mentions().get(ID)
    assert mention is not None and mention.is_negative and mention.priority == 31.5
    alert = wiring.alerts().get(f"alert:{ID}")
    assert alert is not None and alert.state == "board"  # low band: on the board, no page
    assert pages_by_alert(team["ann"]) == {}


def test_a_review_edited_from_five_stars_to_one_replaces_its_mention_and_pages_once(
    client, stack, team, app_store
):
    now = datetime.now(UTC)
    first = now - timedelta(minutes=40) - timedelta(hours=8)
    poll(client, listing(5, "Top", "Fijne app, alles werkt.", first), now - timedelta(minutes=30))
    drain(client, stack)
    assert pages_by_alert(team["ann"]) == {}
    # the author edits it: one star, other words, a later createdDate, the same id
    edited = now - timedelta(minutes=5) - timedelta(hours=8)
    poll(client, listing(1, "Top", "Werkt niet meer.", edited), now)
    drain(client, stack)
    mention = wiring.mentions().get(ID)
    assert mention is not None
    assert (mention.rating, mention.text) == (1, "Top\n\nWerkt niet meer.")
    assert mention.is_negative
    day = mention.day
    assert [m.id for m in wiring.mentions().by_day(day)] == [mention.id]  # one, not two
    assert pages_by_alert(team["ann"]) == {f"alert:{ID}": 1}
