"""Google Play reviews: the service account's signed token request (RS256 over
cryptography, verified here by PyJWT), then the calls with its access token, through
requests served by `responses`.

Built from the documented shape: realdata/reviews/googleplay_reviews_list.shape.json (the
reference's shape, placeholder values) with our values put in its places; the token answer
and the errors follow Google's documented OAuth and API error shapes. No capture exists.
The service account's key is generated per test: no key is in the repository.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.errors import ConfigError
from chalicelib.sources import google_play
from chalicelib.sources.watch import Watch
from tests.replay_http import need

PACKAGE = "nl.voltera.app"
REVIEWS = (
    f"https://androidpublisher.googleapis.com/androidpublisher/v3/applications/{PACKAGE}/reviews"
)
TOKEN_URI = "https://oauth2.googleapis.com/token"
NOW = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
ACCOUNT = "listening@voltera-play.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def client(key) -> google_play.PlayClient:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "voltera-play",
        "private_key_id": "k1",
        "private_key": pem,
        "client_email": ACCOUNT,
        "client_id": "1",
        "token_uri": TOKEN_URI,
    }
    return google_play.make_client({"google_play_service_account": json.dumps(info)})


@pytest.fixture
def shape(realdata) -> dict:
    path = need(realdata, "reviews", "googleplay_reviews_list.shape.json")
    return json.loads(path.read_text())


def listing(shape: dict, *reviews: tuple[str, int, int, str], next_token: str | None = None):
    """The documented list shape with our reviews: (id, stars, seconds ago, text)."""
    body = copy.deepcopy(shape)
    body.pop("_note")
    template = body["reviews"][0]
    body["reviews"] = []
    for review_id, stars, ago, text in reviews:
        item = copy.deepcopy(template)
        item["reviewId"], item["authorName"] = review_id, "Pieter"
        comment = item["comments"][0]["userComment"]
        comment.update(text=text, starRating=stars, reviewerLanguage="nl_NL", thumbsUpCount=3)
        comment["lastModified"] = {"seconds": str(int(NOW.timestamp()) - ago), "nanos": 0}
        body["reviews"].append(item)
    if next_token:
        body["tokenPagination"] = {"nextPageToken": next_token}
    else:
        body.pop("tokenPagination")
    return body


def watch() -> Watch:
    return Watch.from_dict({"terms": ["Voltera"], "google_play": {"package": PACKAGE}})


def token_ok() -> None:
    responses.add(
        responses.POST,
        TOKEN_URI,
        json={"access_token": "ya29.test", "expires_in": 3599, "token_type": "Bearer"},
    )


@responses.activate
def test_a_review_in_the_documented_shape_becomes_a_mention_with_its_stars(client, key, shape):
    token_ok()
    responses.add(
        responses.GET,
        REVIEWS,
        json=listing(shape, ("gp:AOqp-1", 1, 600, "\tWerkt niet meer sinds de update")),
    )
    result = google_play.fetch(client, None, watch=watch(), now=NOW)
    (mention,) = result.mentions
    assert mention.id == "google_play:gp:AOqp-1"
    assert (mention.rating, mention.text, mention.lang) == (
        1,
        "Werkt niet meer sinds de update",
        "nl",
    )
    assert mention.created_at == "2026-12-07T07:20:00Z"
    assert mention.engagement.likes == 3
    assert (
        mention.url == f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId=gp:AOqp-1"
    )
    # a token asked for with the service account's signed assertion, which an independent
    # JWT implementation (PyJWT) verifies with the account's public key
    body = responses.calls[0].request.body
    grant = parse_qs(body.decode() if isinstance(body, bytes) else body)
    assert grant["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assertion = grant["assertion"][0]
    assert jwt.get_unverified_header(assertion) == {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    claims = jwt.decode(
        assertion,
        key.public_key(),
        algorithms=["RS256"],
        audience=TOKEN_URI,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == ACCOUNT
    assert claims["scope"] == "https://www.googleapis.com/auth/androidpublisher"
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["exp"] - claims["iat"] == 3600
    read = responses.calls[1].request
    assert read.headers["Authorization"] == "Bearer ya29.test"
    assert parse_qs(urlsplit(read.url).query) == {"maxResults": ["100"]}
    state = json.loads(result.next_cursor)
    assert state == {
        "hour": "2026-12-07T07",
        "newest": int(NOW.timestamp()) - 600,
        "requests": 1,
        "seen": {"gp:AOqp-1": int(NOW.timestamp()) - 600},
    }


@responses.activate
def test_later_runs_stop_at_what_they_saw_and_an_edit_comes_again(client, shape):
    token_ok()
    seen_at = int(NOW.timestamp()) - 3600
    cursor = {"newest": seen_at, "seen": {"old": seen_at - 60, "edited": seen_at}}
    # page 1: one new review and "edited" modified again (5 stars now); page 2 holds
    # "old", unchanged and older than what we saw: no third page is asked for
    responses.add(
        responses.GET,
        REVIEWS,
        json=listing(
            shape, ("new", 2, 60, "Traag"), ("edited", 5, 120, "Opgelost, top"), next_token="p2"
        ),
        match=[responses.matchers.query_param_matcher({"maxResults": "100"})],
    )
    responses.add(
        responses.GET,
        REVIEWS,
        json=listing(shape, ("old", 3, 3660, "Gaat wel"), next_token="p3"),
        match=[responses.matchers.query_param_matcher({"maxResults": "100", "token": "p2"})],
    )
    result = google_play.fetch(client, json.dumps(cursor), watch=watch(), now=NOW)
    assert [(m.native_id, m.rating) for m in result.mentions] == [("new", 2), ("edited", 5)]
    assert result.requests == 2
    state = json.loads(result.next_cursor)
    assert state["newest"] == int(NOW.timestamp()) - 60
    assert state["seen"]["edited"] == int(NOW.timestamp()) - 120


@responses.activate
def test_the_hour_s_reads_stay_within_google_s_quota(client, shape):
    cursor = {"hour": "2026-12-07T07", "requests": 180}
    result = google_play.fetch(client, json.dumps(cursor), watch=watch(), now=NOW)
    assert result.requests == 0 and len(responses.calls) == 0
    assert result.notes == ["180 requests this hour: the rest waits for the next"]
    # the next hour starts again from zero
    token_ok()
    responses.add(responses.GET, REVIEWS, json=listing(shape))
    later = google_play.fetch(
        client, result.next_cursor, watch=watch(), now=NOW + timedelta(hours=1)
    )
    assert json.loads(later.next_cursor)["requests"] == 1


@responses.activate
def test_a_quota_error_backs_off_to_the_next_hour(client):
    token_ok()
    # Google's documented error shape for a rate limit
    error = {
        "error": {
            "code": 403,
            "message": "Rate limit exceeded",
            "errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}],
        }
    }
    responses.add(responses.GET, REVIEWS, json=error, status=403)
    result = google_play.fetch(client, None, watch=watch(), now=NOW)
    assert result.retry_at == datetime(2026, 12, 7, 8, 0, tzinfo=UTC).timestamp()
    assert result.degraded == "Google Play quota: HTTP 403 (200 review reads an hour)"


@responses.activate
def test_a_deleted_key_degrades_the_source_saying_what_to_renew(client):
    # Google's token endpoint answers a deleted or disabled key with invalid_grant
    responses.add(
        responses.POST,
        TOKEN_URI,
        json={"error": "invalid_grant", "error_description": "Invalid JWT Signature."},
        status=400,
    )
    cursor = json.dumps({"newest": 1, "seen": {}})
    result = google_play.fetch(client, cursor, watch=watch(), now=NOW)
    assert result.mentions == []
    assert result.degraded is not None
    assert result.degraded.startswith(f"Google refused the service account {ACCOUNT} (")
    assert result.degraded.endswith(
        "renew google_play_service_account (a new JSON key for that account)"
    )
    assert "PRIVATE KEY" not in result.degraded
    assert json.loads(result.next_cursor)["newest"] == 1


@responses.activate
def test_an_account_without_the_permission_is_told_what_to_grant(client):
    token_ok()
    error = {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }
    responses.add(responses.GET, REVIEWS, json=error, status=403)
    result = google_play.fetch(client, None, watch=watch(), now=NOW)
    assert result.degraded == (
        f"Google Play refused {ACCOUNT} (HTTP 403): in Play Console, Users and permissions, "
        "give it 'Reply to reviews' for the app"
    )


def test_a_key_that_is_not_a_service_account_key_is_a_config_error_without_the_key():
    with pytest.raises(ConfigError, match="not the JSON key"):
        google_play.make_client({"google_play_service_account": "-----BEGIN PRIVATE KEY-----"})
    with pytest.raises(ConfigError, match="not a service account key") as error:
        google_play.make_client(
            {"google_play_service_account": json.dumps({"private_key": "secret-bits"})}
        )
    assert "secret-bits" not in str(error.value)


@responses.activate
def test_a_backlog_longer_than_a_run_is_read_on_in_the_next_run(client, shape, monkeypatch):
    # built from the documented shape; one page a run, so the backlog spans two runs
    monkeypatch.setattr(google_play, "MAX_PAGES", 1)
    token_ok()
    floor = int(NOW.timestamp()) - 3600
    first = [("a", 1, 60, "x"), ("b", 2, 120, "y")]
    responses.add(
        responses.GET,
        REVIEWS,
        json=listing(shape, *first, next_token="p2"),
        match=[responses.matchers.query_param_matcher({"maxResults": "100"})],
    )
    responses.add(
        responses.GET,
        REVIEWS,
        json=listing(shape, ("c", 3, 1800, "z"), ("old", 4, 3700, "w")),
        match=[responses.matchers.query_param_matcher({"maxResults": "100", "token": "p2"})],
    )
    one = google_play.fetch(client, json.dumps({"newest": floor}), watch=watch(), now=NOW)
    state = json.loads(one.next_cursor)
    assert [m.native_id for m in one.mentions] == ["a", "b"]
    # the floor stays until the backlog is read; the page not read is kept
    assert (state["newest"], state["resume"], state["top"]) == (
        floor,
        "p2",
        int(NOW.timestamp()) - 60,
    )
    two = google_play.fetch(client, one.next_cursor, watch=watch(), now=NOW)
    assert [m.native_id for m in two.mentions] == ["c", "old"]
    state = json.loads(two.next_cursor)
    assert state["newest"] == int(NOW.timestamp()) - 60 and "resume" not in state
