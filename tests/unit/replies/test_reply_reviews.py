"""Replies to reviews through the reply registry: App Store Connect's
customerReviewResponses and Google Play's reviews:reply, over requests served by
`responses`.

Documented traffic only, no capture exists: Google Play's request and answer are the
shape in realdata/reviews/googleplay_reviews_reply.shape.json (placeholder values
replaced by ours); App Store Connect's are Apple's documented
CustomerReviewResponseV1CreateRequest / CustomerReviewResponseV1Response, written out
here. The signing keys are made per test: none is in the repository.
"""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from chalicelib.errors import ReplyRefused, ReplyUncertain
from chalicelib.sources.reply import CHANNELS, Outbound, Target
from tests.replay_http import need

RESPONSES = "https://api.appstoreconnect.apple.com/v1/customerReviewResponses"
TOKEN_URI = "https://oauth2.googleapis.com/token"
PACKAGE = "nl.voltera.app"
PLAY_REPLY = (
    "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/"
    f"{PACKAGE}/reviews/gp%3AAOqp-1:reply"  # the id as a URI template encodes it
)
PLAY_URL = f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId=gp:AOqp-1"


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="module")
def apple_key():
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def google_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def apple(apple_key) -> Outbound:
    return Outbound(
        {
            "appstore_issuer_id": "issuer-1",
            "appstore_key_id": "KEY123",
            "appstore_private_key": pem(apple_key),
        }
    )


@pytest.fixture
def play(google_key) -> Outbound:
    account = {
        "client_email": "listening@voltera-play.iam.gserviceaccount.com",
        "private_key": pem(google_key),
        "private_key_id": "k1",
        "token_uri": TOKEN_URI,
    }
    return Outbound({"google_play_service_account": json.dumps(account)})


@pytest.fixture
def play_shape(realdata) -> dict:
    return json.loads(need(realdata, "reviews", "googleplay_reviews_reply.shape.json").read_text())


APP_REVIEW = Target("app_store", "00000028-b08c-0014-729e-fbd500000000", "Anne Johnson")


@responses.activate
def test_an_app_store_reply_is_apples_documented_request_signed_with_the_api_key(apple, apple_key):
    created = {
        "data": {
            "type": "customerReviewResponses",
            "id": "resp-1",
            "attributes": {"responseBody": "Sorry!", "state": "PENDING_PUBLISH"},
        }
    }
    responses.post(RESPONSES, json=created, status=201)
    sent = apple.send(APP_REVIEW, "Sorry! We lossen het op.", "case-key-1")
    assert sent.reply_id == "resp-1"
    request = responses.calls[0].request
    assert json.loads(request.body) == {
        "data": {
            "type": "customerReviewResponses",
            "attributes": {"responseBody": "Sorry! We lossen het op."},
            "relationships": {
                "review": {
                    "data": {
                        "type": "customerReviews",
                        "id": "00000028-b08c-0014-729e-fbd500000000",
                    }
                }
            },
        }
    }
    token = request.headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(
        token, apple_key.public_key(), algorithms=["ES256"], audience="appstoreconnect-v1"
    )
    assert claims["iss"] == "issuer-1"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (401, {"errors": [{"status": "401"}]}, "revoked_token"),
        (403, {"errors": [{"status": "403"}]}, "refused"),
        (404, {"errors": [{"status": "404"}]}, "deleted"),
        (429, {"errors": [{"status": "429"}]}, "rate_limited"),
        (
            409,
            {"errors": [{"status": "409", "detail": "The review has a response in review."}]},
            "refused",
        ),
    ],
)
@responses.activate
def test_an_app_store_refusal_says_why_and_a_revoked_key_is_reported(apple, status, body, reason):
    responses.post(RESPONSES, json=body, status=status)
    with pytest.raises(ReplyRefused) as refused:
        apple.send(APP_REVIEW, "Sorry!", "k")
    assert refused.value.reason == reason
    assert refused.value.revoked == (status == 401)
    if status == 409:
        assert "The review has a response in review." in refused.value.advice


@responses.activate
def test_an_app_store_5xx_leaves_the_reply_uncertain(apple):
    responses.post(RESPONSES, status=503)
    with pytest.raises(ReplyUncertain):
        apple.send(APP_REVIEW, "Sorry!", "k")


def play_review(url: str = PLAY_URL) -> Target:
    return Target("google_play", "gp:AOqp-1", "Pieter", url=url)


def google_token() -> None:
    responses.post(TOKEN_URI, json={"access_token": "ya29.play", "expires_in": 3600})


@responses.activate
def test_a_google_play_reply_is_the_documented_request_to_the_reviews_app(play, play_shape):
    google_token()
    answer = copy.deepcopy(play_shape["response"])
    answer["result"].update(replyText="Sorry!", lastEdited={"seconds": "1796628600", "nanos": 0})
    responses.post(PLAY_REPLY, json=answer)
    sent = play.send(play_review(), "Sorry! Een update komt morgen.", "k")
    assert (sent.reply_id, sent.url) == ("gp:AOqp-1", PLAY_URL)
    token_request, reply = responses.calls
    assert parse_qs(token_request.request.body)["grant_type"] == [
        "urn:ietf:params:oauth:grant-type:jwt-bearer"
    ]
    body = json.loads(reply.request.body)
    assert set(body) == set(play_shape["request"])  # the documented request's fields
    assert body == {"replyText": "Sorry! Een update komt morgen."}
    assert reply.request.headers["Authorization"] == "Bearer ya29.play"


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (
            403,
            {"error": {"code": 403, "message": "The caller does not have permission"}},
            "refused",
        ),
        (
            403,
            {"error": {"code": 403, "errors": [{"reason": "quotaExceeded"}]}},
            "rate_limited",
        ),
        (404, {"error": {"code": 404, "message": "Review not found"}}, "deleted"),
        (400, {"error": {"code": 400, "message": "Reply text too long"}}, "refused"),
    ],
    ids=["permission", "quota", "gone", "too-long"],
)
@responses.activate
def test_a_google_play_refusal_says_why(play, status, body, reason):
    google_token()
    responses.post(PLAY_REPLY, json=body, status=status)
    with pytest.raises(ReplyRefused) as refused:
        play.send(play_review(), "Sorry!", "k")
    assert refused.value.reason == reason
    if status == 400:
        assert "Reply text too long" in refused.value.advice


@responses.activate
def test_a_deleted_service_account_key_is_reported_as_revoked(play):
    responses.post(TOKEN_URI, json={"error": "invalid_grant"}, status=400)
    with pytest.raises(ReplyRefused) as refused:
        play.send(play_review(), "Sorry!", "k")
    assert (refused.value.reason, refused.value.revoked) == ("revoked_token", True)


def test_a_review_link_without_its_app_is_refused_before_any_request(play):
    # any request would fail the test (a RequestsMock with nothing registered)
    with responses.RequestsMock(), pytest.raises(ReplyRefused, match="names no app"):
        play.send(play_review(url="https://play.google.com/store"), "Sorry!", "k")


def test_the_review_channels_count_their_limits():
    assert CHANNELS["google_play"].rule.check("x" * 350) == (350, True)
    assert CHANNELS["google_play"].rule.check("x" * 351) == (351, False)
    assert CHANNELS["app_store"].rule.check("x" * 5971) == (5971, False)


def test_the_local_stand_ins_answer_review_replies_and_write_them_down(apple, play, tmp_path):
    from devstack.reply_standins import standing_in

    out = tmp_path / "replies.jsonl"
    with standing_in(out):
        apple.send(APP_REVIEW, "Sorry, Anne!", "k1")
        play.send(play_review(), "Sorry, Pieter!", "k2")
        Outbound(GBP_CREDENTIALS).send(google_review(), "Sorry, Karin!", "k3")
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(x["network"], x["in_reply_to"], x["text"]) for x in lines] == [
        ("app_store", APP_REVIEW.native_id, "Sorry, Anne!"),
        ("google_play", "gp:AOqp-1", "Sorry, Pieter!"),
        ("google_business", GBP_NAME, "Sorry, Karin!"),
    ]


GBP_NAME = "accounts/111/locations/222/reviews/AbFvOqn-1"
GBP_REPLY = f"https://mybusiness.googleapis.com/v4/{GBP_NAME}/reply"
GBP_CREDENTIALS = {
    "gbp_client_id": "client.apps.googleusercontent.com",
    "gbp_client_secret": "client-secret",
    "gbp_refresh_token": "1//refresh",
}


def google_review(url: str = f"https://business.google.com/reviews#{GBP_NAME}") -> Target:
    return Target("google_business", "AbFvOqn-1", "Karin", url=url)


@responses.activate
def test_a_google_review_reply_puts_the_comment_on_the_review_the_push_named():
    # the documented call: PUT <review name>/reply {"comment"} -> ReviewReply
    responses.post(TOKEN_URI, json={"access_token": "ya29.gbp", "expires_in": 3600})
    responses.put(
        GBP_REPLY, json={"comment": "Sorry!", "updateTime": "2026-11-23T09:30:00.000000Z"}
    )
    sent = Outbound(GBP_CREDENTIALS).send(google_review(), "Sorry, Karin!", "k")
    assert sent.reply_id == "AbFvOqn-1/reply"
    token_request, reply = responses.calls
    assert parse_qs(token_request.request.body)["grant_type"] == ["refresh_token"]
    assert json.loads(reply.request.body) == {"comment": "Sorry, Karin!"}
    assert reply.request.headers["Authorization"] == "Bearer ya29.gbp"


@responses.activate
def test_a_google_review_reply_refused_says_why():
    responses.post(TOKEN_URI, json={"access_token": "ya29.gbp", "expires_in": 3600})
    responses.put(GBP_REPLY, json={"error": {"code": 404, "message": "not found"}}, status=404)
    with pytest.raises(ReplyRefused) as gone:
        Outbound(GBP_CREDENTIALS).send(google_review(), "Sorry!", "k")
    assert gone.value.reason == "deleted"
    responses.replace(responses.POST, TOKEN_URI, json={"error": "invalid_grant"}, status=400)
    with pytest.raises(ReplyRefused) as revoked:
        Outbound(GBP_CREDENTIALS).send(google_review(), "Sorry!", "k")
    assert (revoked.value.reason, revoked.value.revoked) == ("revoked_token", True)
    with pytest.raises(ReplyRefused, match="names no location"):
        Outbound(GBP_CREDENTIALS).send(
            google_review("https://business.google.com/reviews"), "x", "k"
        )


def test_a_google_review_reply_counts_bytes():
    rule = CHANNELS["google_business"].rule
    assert rule.check("é" * 2048) == (4096, True)
    assert rule.check("é" * 2048 + "x") == (4097, False)
