"""App Store Connect customer reviews through the real HTTP stack (requests, served by
`responses`) and the real JWT library (PyJWT over cryptography).

Documented traffic: Apple's example answer (realdata/reviews/
appstore_customerReviews_list.docs.partial.json, a provider documentation example, not a
capture). Every other answer is built from that documented shape and says so. The signing
key is generated per test: no key is in the repository.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.errors import ConfigError
from chalicelib.sources import app_store
from chalicelib.sources.watch import Watch
from tests.replay_http import need

APP = "682658836"
LIST = f"https://api.appstoreconnect.apple.com/v1/apps/{APP}/customerReviews"
NOW = datetime(2017, 11, 15, 17, 0, tzinfo=UTC)
DOCS_ID = "00000028-b08c-0014-729e-fbd500000000"


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def client(key) -> app_store.AppStoreClient:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return app_store.make_client(
        {"appstore_issuer_id": "issuer-1", "appstore_key_id": "KEY123", "appstore_private_key": pem}
    )


@pytest.fixture
def documented(realdata) -> dict:
    path = need(realdata, "reviews", "appstore_customerReviews_list.docs.partial.json")
    return json.loads(path.read_text())


def watch(*territories: str) -> Watch:
    return Watch.from_dict(
        {"terms": ["Voltera"], "app_store": {"app_id": APP, "territories": list(territories)}}
    )


def review(rid: str, created: str, rating: int = 3, body: str = "Gaat wel.") -> dict:
    """A customerReviews resource in the documented shape."""
    return {
        "type": "customerReviews",
        "id": rid,
        "attributes": {
            "rating": rating,
            "title": "",
            "body": body,
            "reviewerNickname": "Jan",
            "createdDate": created,
            "territory": "NLD",
        },
    }


def page(*reviews: dict, next_url: str | None = None) -> dict:
    body: dict = {"data": list(reviews), "links": {"self": LIST}}
    if next_url:
        body["links"]["next"] = next_url
    return body


@responses.activate
def test_apples_documented_review_becomes_a_mention_with_its_stars(client, key, documented):
    responses.add(responses.GET, LIST, json=documented)
    result = app_store.fetch(client, None, watch=watch("USA"), now=NOW)
    (mention,) = result.mentions
    assert mention.id == f"app_store:{DOCS_ID}"
    assert mention.rating == 5
    assert mention.text == "Awesome!!!\n\nIt's a really fantastic app!"
    assert mention.author.handle == "Anne Johnson"
    assert mention.created_at == "2017-11-15T16:10:34Z"  # 08:10:34-08:00
    assert mention.url == f"https://apps.apple.com/app/id{APP}?see-all=reviews"
    # the request: newest first, the territory, a JWT Apple accepts
    request = responses.calls[0].request
    assert parse_qs(urlsplit(request.url).query) == {
        "sort": ["-createdDate"],
        "limit": ["200"],
        "filter[territory]": ["USA"],
    }
    token = request.headers["Authorization"].removeprefix("Bearer ")
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": "KEY123", "typ": "JWT"}
    claims = jwt.decode(
        token,
        key.public_key(),
        algorithms=["ES256"],
        audience="appstoreconnect-v1",
        options={"verify_exp": False},
    )
    assert claims["iss"] == "issuer-1"
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["exp"] - claims["iat"] == 20 * 60
    assert json.loads(result.next_cursor) == {
        "USA": {"newest": "2017-11-15T16:10:34Z", "seen": {DOCS_ID: "2017-11-15T16:10:34Z"}}
    }


@responses.activate
def test_each_territory_is_read_newest_first_down_to_its_cursor(client):
    # built from the documented shape: NLD has two new reviews on page 1 and, on page 2, one
    # new and then one older than the cursor; BEL has nothing new
    cursor = {
        "NLD": {"newest": "2017-11-15T10:00:00Z", "seen": {"old": "2017-11-15T10:00:00Z"}},
        "BEL": {"newest": "2017-11-14T10:00:00Z", "seen": {}},
    }
    second = f"{LIST}?cursor=Mg.AAAA&limit=200"
    responses.add(
        responses.GET,
        LIST,
        json=page(
            review("n3", "2017-11-15T16:00:00Z"),
            review("n2", "2017-11-15T15:00:00Z"),
            next_url=second,
        ),
        match=[
            responses.matchers.query_param_matcher(
                {"sort": "-createdDate", "limit": "200", "filter[territory]": "NLD"}
            )
        ],
    )
    responses.add(
        responses.GET,
        second,
        json=page(
            review("n1", "2017-11-15T11:00:00Z"),
            review("old", "2017-11-15T10:00:00Z"),
            review("older", "2017-11-15T09:00:00Z"),
            next_url=f"{LIST}?cursor=Mw",
        ),
    )
    responses.add(
        responses.GET,
        LIST,
        json=page(review("b0", "2017-11-14T09:00:00Z")),
        match=[
            responses.matchers.query_param_matcher(
                {"sort": "-createdDate", "limit": "200", "filter[territory]": "BEL"}
            )
        ],
    )
    result = app_store.fetch(client, json.dumps(cursor), watch=watch("NLD", "BEL"), now=NOW)
    assert [m.native_id for m in result.mentions] == ["n3", "n2", "n1"]
    assert result.requests == 3  # NLD page 1, NLD page 2 (stops at "older"), BEL page 1
    state = json.loads(result.next_cursor)
    assert state["NLD"]["newest"] == "2017-11-15T16:00:00Z"
    assert state["BEL"] == cursor["BEL"]


@responses.activate
def test_an_edited_review_is_sent_again_under_the_same_id_and_a_seen_one_is_not(client):
    # built from the documented shape: "e1" was read at 10:00 with one star; its author
    # edited it (a later date, five stars); "s1" is unchanged since we read it
    cursor = {
        "NLD": {
            "newest": "2017-11-15T12:00:00Z",
            "seen": {"e1": "2017-11-15T10:00:00Z", "s1": "2017-11-15T12:00:00Z"},
        }
    }
    responses.add(
        responses.GET,
        LIST,
        json=page(
            review("e1", "2017-11-15T16:30:00Z", rating=5, body="Opgelost, dank!"),
            review("s1", "2017-11-15T12:00:00Z"),
        ),
    )
    result = app_store.fetch(client, json.dumps(cursor), watch=watch("NLD"), now=NOW)
    assert [(m.id, m.rating, m.text) for m in result.mentions] == [
        ("app_store:e1", 5, "Opgelost, dank!")
    ]
    assert json.loads(result.next_cursor)["NLD"]["seen"]["e1"] == "2017-11-15T16:30:00Z"


@responses.activate
def test_the_first_run_takes_only_the_last_seven_days(client):
    responses.add(
        responses.GET,
        LIST,
        json=page(review("new", "2017-11-10T00:00:00Z"), review("ancient", "2017-10-01T00:00:00Z")),
    )
    result = app_store.fetch(client, None, watch=watch(), now=NOW)
    assert [m.native_id for m in result.mentions] == ["new"]
    request = responses.calls[0].request
    assert "filter%5Bterritory%5D" not in request.url  # no territories: every territory
    assert json.loads(result.next_cursor) == {
        "*": {"newest": "2017-11-10T00:00:00Z", "seen": {"new": "2017-11-10T00:00:00Z"}}
    }


@responses.activate
def test_a_revoked_key_degrades_the_source_saying_what_to_renew(client):
    # documented shape of an App Store Connect error: {"errors": [{"status": "401", ...}]}
    errors = {
        "errors": [
            {
                "status": "401",
                "code": "NOT_AUTHORIZED",
                "title": "Authentication credentials are missing or invalid.",
            }
        ]
    }
    responses.add(responses.GET, LIST, json=errors, status=401)
    cursor = json.dumps({"NLD": {"newest": "2017-11-15T12:00:00Z", "seen": {}}})
    result = app_store.fetch(client, cursor, watch=watch("NLD", "BEL"), now=NOW)
    assert result.mentions == [] and result.requests == 1  # BEL is not tried
    assert result.degraded == (
        "App Store Connect refused API key KEY123 (HTTP 401): renew appstore_private_key / "
        "appstore_key_id (a key with the Customer Support role, Users and Access > Integrations)"
    )
    assert json.loads(result.next_cursor)["NLD"] == json.loads(cursor)["NLD"]


@responses.activate
def test_a_429_waits_for_the_next_hour(client):
    responses.add(responses.GET, LIST, json={"errors": [{"status": "429"}]}, status=429)
    result = app_store.fetch(client, None, watch=watch("NLD"), now=NOW + timedelta(minutes=20))
    assert result.retry_at == datetime(2017, 11, 15, 18, 0, tzinfo=UTC).timestamp()
    assert result.mentions == []


def test_missing_keys_are_named_and_a_bad_key_never_shown():
    with pytest.raises(ConfigError, match="appstore_key_id, appstore_private_key"):
        app_store.make_client({"appstore_issuer_id": "i"})
    bad = app_store.make_client(
        {"appstore_issuer_id": "i", "appstore_key_id": "k", "appstore_private_key": "not-a-key"}
    )
    with pytest.raises(ConfigError) as error:
        bad.token(NOW)
    assert "not-a-key" not in str(error.value)


def test_a_review_without_stars_or_date_is_skipped():
    assert (
        app_store.review_to_mention(
            {"id": "1", "attributes": {"rating": 9, "createdDate": "2017-11-15T00:00:00Z"}},
            APP,
            received_at=NOW,
        )
        is None
    )
    assert (
        app_store.review_to_mention({"id": "1", "attributes": {"rating": 2}}, APP, received_at=NOW)
        is None
    )
    assert app_store.review_to_mention({"id": "1"}, APP, received_at=NOW) is None


@responses.activate
def test_a_backlog_longer_than_a_run_is_read_on_in_the_next_run(client, monkeypatch):
    # built from the documented shape; one page a run, so the backlog spans two runs
    monkeypatch.setattr(app_store, "MAX_PAGES", 1)
    second = f"{LIST}?cursor=Mg&limit=200&filter[territory]=NLD"
    responses.add(
        responses.GET,
        LIST,
        json=page(review("n2", "2017-11-15T16:00:00Z"), next_url=second),
        match=[
            responses.matchers.query_param_matcher(
                {"sort": "-createdDate", "limit": "200", "filter[territory]": "NLD"}
            )
        ],
    )
    responses.add(
        responses.GET,
        LIST,
        json=page(review("n1", "2017-11-15T13:00:00Z"), review("old", "2017-11-15T09:00:00Z")),
        match=[
            responses.matchers.query_param_matcher(
                {"cursor": "Mg", "limit": "200", "filter[territory]": "NLD"}
            )
        ],
    )
    cursor = json.dumps({"NLD": {"newest": "2017-11-15T10:00:00Z", "seen": {}}})
    one = app_store.fetch(client, cursor, watch=watch("NLD"), now=NOW)
    state = json.loads(one.next_cursor)["NLD"]
    assert [m.native_id for m in one.mentions] == ["n2"]
    assert (state["newest"], state["resume"], state["top"]) == (
        "2017-11-15T10:00:00Z",
        second,
        "2017-11-15T16:00:00Z",
    )
    two = app_store.fetch(client, one.next_cursor, watch=watch("NLD"), now=NOW)
    assert [m.native_id for m in two.mentions] == ["n1"]
    state = json.loads(two.next_cursor)["NLD"]
    assert state["newest"] == "2017-11-15T16:00:00Z" and "resume" not in state
