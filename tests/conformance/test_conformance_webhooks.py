"""Real webhook samples: X Account Activity fixtures, the X signature and CRC vectors, and
Meta's sample payloads, through our verification and parsing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from chalicelib.errors import SignatureError
from chalicelib.sources import meta, signing, x_webhook
from tests.replay_http import need, ruby_yaml

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AAA = ("webhooks", "x_account_activity")


@pytest.fixture
def vector(realdata) -> dict:
    return json.loads(need(realdata, *AAA, "webhook1_tweet.signature_vector.json").read_text())


def test_the_recorded_x_signature_verifies_over_the_raw_body(vector):
    headers = {vector["header_name"]: vector["header_value"]}
    raw = vector["raw_body"].encode()
    x_webhook.verify(headers, raw, vector["consumer_secret"])
    with pytest.raises(SignatureError):
        x_webhook.verify(headers, raw.replace(b"Hey", b"Hoi"), vector["consumer_secret"])
    with pytest.raises(SignatureError):
        x_webhook.verify(headers, raw, "not-DDD")


def test_the_signed_body_is_the_fixture_and_its_post_is_the_account_s_own(realdata, vector):
    fixture = json.loads(need(realdata, *AAA, "webhook1_tweet.json").read_text())
    raw = vector["raw_body"].encode()
    assert json.loads(raw) == fixture["params"]
    # the post is by the subscribed account itself (user 123 = for_user_id): not a mention
    assert x_webhook.parse(raw, NOW) == []
    [event] = fixture["params"]["tweet_create_events"]
    mention = x_webhook.status_to_mention(event, received_at=NOW)
    assert mention.id == "x:1063212927510081536"
    assert mention.text == "Hey @medenhofer !  #hello1234 https://t.co/f1kffFlwpN"
    assert mention.author.handle == "zammadhq" and mention.author.followers == 427
    assert mention.created_at == "2018-11-15T23:31:30Z"


def test_the_recorded_crc_vector_gets_the_expected_answer(realdata):
    crc = json.loads(need(realdata, "webhooks", "x_crc", "x_crc_test_vector.json").read_text())
    answer = x_webhook.crc_response(crc["crc_token"], crc["consumer_secret"])
    assert answer == crc["expected_response"]


@pytest.mark.parametrize(
    ("name", "native_id", "in_reply_to", "text_start"),
    [
        (
            "tweet_create-user_mention.yml",
            "1205348660982083584",
            None,
            "@ScruffyMcG This is a test of Twitter API webhooks.",
        ),
        (
            "tweet_create-user_mention_extended.yml",
            "1209097192914313216",
            None,
            "@ScruffyMcG\n This is a test of Zammad's handling of extended tweets.",
        ),
        (
            "tweet_create-response.yml",
            "1207623566339919872",
            "x:1205348660982083584",
            "@ScruffyMcG This is only a test.",
        ),
    ],
)
def test_recorded_account_activity_events_become_mentions(
    realdata, name, native_id, in_reply_to, text_start
):
    payload = ruby_yaml(need(realdata, *AAA, name))
    raw = json.dumps(payload).encode()
    [mention] = x_webhook.parse(raw, NOW)
    event = payload["tweet_create_events"][0]
    assert mention.id == f"x:{native_id}"
    assert mention.text.startswith(text_start)
    assert mention.in_reply_to == in_reply_to
    assert mention.author.handle == "pennbrooke1" and mention.author.id == "1205290247124217856"
    assert mention.lang == "en"
    assert mention.created_at == datetime.fromtimestamp(
        int(event["timestamp_ms"]) / 1000, UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_long_recorded_post_keeps_its_full_text(realdata):
    payload = ruby_yaml(need(realdata, *AAA, "tweet_create-user_mention_extended.yml"))
    [mention] = x_webhook.parse(json.dumps(payload).encode(), NOW)
    full = payload["tweet_create_events"][0]["extended_tweet"]["full_text"]
    assert payload["tweet_create_events"][0]["truncated"] is True
    assert mention.text == full and len(full) > 140


# ---------------------------------------------------------------- Meta


@pytest.fixture
def samples(realdata) -> dict:
    path = need(realdata, "webhooks", "meta", "meta_webhook_sample_payloads.json")
    return json.loads(path.read_text())["samples"]


def signed(payload: dict, secret: str = "app-secret") -> tuple[dict[str, str], bytes]:
    # Meta escapes non-ASCII as \uXXXX; the HMAC is over exactly these bytes
    raw = json.dumps(payload).encode()
    return {"X-Hub-Signature-256": signing.hex_signature(secret, raw)}, raw


def test_meta_page_feed_sample_verifies_and_becomes_a_facebook_mention(samples):
    headers, raw = signed(samples["page_feed_status_add__dashboard_test"])
    meta.verify(headers, raw, "app-secret")
    [mention] = meta.parse(raw, NOW)
    assert mention.id == "facebook:44444444_444444444"
    assert mention.text == "Example post content."
    assert mention.author.name == "Test Page" and mention.author.id == "1067280970047460"
    assert mention.created_at == "2018-11-30T20:14:02Z"
    assert mention.url == "https://www.facebook.com/44444444_444444444"


def test_meta_page_mention_sample_becomes_a_textless_mention_with_a_link(samples):
    _, raw = signed(samples["page_mention_post_add__dashboard_test"])
    [mention] = meta.parse(raw, NOW)
    assert mention.id == "facebook:44444444_444444444"
    assert mention.author.name == "Example Name" and mention.text == ""
    assert mention.created_at == "2018-11-30T20:14:40Z"


def test_meta_instagram_comment_sample_becomes_an_instagram_mention(samples):
    headers, raw = signed(samples["instagram_comments__dashboard_test"])
    meta.verify(headers, raw, "app-secret")
    [mention] = meta.parse(raw, NOW)
    assert mention.id == "instagram:17865799348089039"
    assert mention.text == "This is an example."
    assert mention.author.handle == "test" and mention.author.id == "232323232"
    assert mention.in_reply_to == "instagram:1231231234"


def test_meta_instagram_live_comment_and_mention_samples(samples):
    live = {
        "object": "instagram",
        "entry": [
            {
                "id": "0",
                "time": 1695061705,
                "changes": [samples["instagram_live_comments__dashboard_test_value"]],
            }
        ],
    }
    [comment] = meta.parse(json.dumps(live).encode(), NOW)
    assert comment.id == "instagram:17865799348089039" and comment.in_reply_to is None
    [tagged] = meta.parse(
        json.dumps(samples["instagram_mentions_comment__meta_docs_example"][0]).encode(), NOW
    )
    assert tagged.id == "instagram:17894227972186120"
    assert tagged.created_at == "2018-03-09T19:16:08Z"


def test_a_meta_sample_signed_with_another_secret_is_refused(samples):
    headers, raw = signed(samples["page_feed_status_add__dashboard_test"], "someone-else")
    with pytest.raises(SignatureError):
        meta.verify(headers, raw, "app-secret")
