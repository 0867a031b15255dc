"""The morning's one-star App Store review, read by the App Store poller.

Apple's API is served locally (`responses`) in its documented shape
(realdata/reviews/appstore_customerReviews_list.docs.partial.json); the poller signs in
with an API key made for the demo and kept in the local stage's secret, and runs as its
schedule runs it (`polling.scheduled`, the body of ``app.poll_app_store``). The watch
configuration (chalicelib/watch.json) names the app and its territories.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

REVIEW_ID = "00000031-d3e4-0014-729e-fbd5demo0001"
PACIFIC = timezone(timedelta(hours=-8))  # Apple writes createdDate in -08:00


def review(now: datetime) -> dict[str, Any]:
    created = (now - timedelta(minutes=12)).astimezone(PACIFIC)
    return {
        "type": "customerReviews",
        "id": REVIEW_ID,
        "attributes": {
            "rating": 1,
            "title": "Doet niks meer",
            "body": "Sinds de update van gisteren kan ik niet inloggen in de app. "
            "Mijn termijnbedrag en verbruik zie ik nergens meer.",
            "reviewerNickname": "Ellen uit Zwolle",
            "createdDate": created.isoformat(timespec="seconds"),
            "territory": "NLD",
        },
    }


def poll(now: datetime, secret_id: str) -> int:
    """Run the App Store poller once against the served review; the posts it queued."""
    import boto3
    import responses
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from chalicelib import wiring
    from chalicelib.sources import app_store, polling
    from chalicelib.sources.watch import Watch

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    sm = boto3.client("secretsmanager")
    values = json.loads(sm.get_secret_value(SecretId=secret_id)["SecretString"])
    values.update(
        appstore_issuer_id="demo-issuer",
        appstore_key_id="DEMOKEY",
        appstore_private_key=key.decode(),
    )
    sm.put_secret_value(SecretId=secret_id, SecretString=json.dumps(values))
    wiring.secrets.cache_clear()

    extra = wiring.settings().extra
    place = Watch.from_settings(extra).app_store
    assert place is not None, "chalicelib/watch.json names no app_store"
    url = f"{app_store.BASE}/v1/apps/{place.app_id}/customerReviews"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for territory in place.territories:  # the review is Dutch: NLD has it, others none
            found = [review(now)] if territory == "NLD" else []
            mock.get(
                url,
                json={"data": found, "links": {"self": url}},
                match=[
                    responses.matchers.query_param_matcher(
                        {"filter[territory]": territory}, strict_match=False
                    )
                ],
            )
        outcome = polling.scheduled(
            "app_store",
            extra=extra,
            credentials=wiring.secrets(),
            store=wiring.state(),
            enqueue=wiring.intake().enqueue,
            now=now,
        )
    return outcome.queued
