"""X Account Activity and Meta webhooks on our own payloads: signatures, parsing, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from chalicelib.errors import MalformedPayload, SignatureError
from chalicelib.sources import meta, signing, x_webhook
from chalicelib.sources.watch import Watch

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def status(native_id: str = "1860000000000000001", user_id: str = "42", **extra) -> dict:
    return {
        "id": int(native_id),
        "id_str": native_id,
        "created_at": "Mon Nov 23 08:59:01 +0000 2026",
        "text": "@acme_nl mijn pakket is weer kwijt",
        "user": {"id_str": user_id, "screen_name": "jan", "name": "Jan", "followers_count": 87},
        "favorite_count": 1,
        "reply_count": 2,
        "retweet_count": 3,
        "quote_count": 4,
        "lang": "nl",
        **extra,
    }


def body(*events: dict, for_user: str = "999") -> bytes:
    return json.dumps({"for_user_id": for_user, "tweet_create_events": list(events)}).encode()


# ---------------------------------------------------------------- X


def test_x_signature_over_the_raw_body_verifies_and_any_change_is_refused():
    raw = body(status())
    headers = {"X-Twitter-Webhooks-Signature": signing.base64_signature("secret", raw)}
    x_webhook.verify(headers, raw, "secret")
    with pytest.raises(SignatureError):
        x_webhook.verify(headers, raw + b" ", "secret")
    with pytest.raises(SignatureError, match="missing"):
        x_webhook.verify({}, raw, "secret")
    with pytest.raises(SignatureError):
        x_webhook.verify(headers, raw, "")


def test_x_crc_answer_is_the_base64_hmac_of_the_token():
    answer = x_webhook.crc_response("abc", "secret")
    assert answer == {"response_token": signing.base64_signature("secret", b"abc")}
    with pytest.raises(MalformedPayload):
        x_webhook.crc_response("", "secret")


def test_x_event_becomes_the_same_mention_id_as_the_poller_would_give():
    [mention] = x_webhook.parse(body(status()), NOW, Watch.from_dict({"handles": ["acme_nl"]}))
    assert mention.id == "x:1860000000000000001"
    assert mention.author.handle == "jan" and mention.author.followers == 87
    assert mention.created_at == "2026-11-23T08:59:01Z"
    assert mention.url == "https://x.com/jan/status/1860000000000000001"
    assert (mention.engagement.likes, mention.engagement.replies) == (1, 2)
    assert mention.matched_terms == ("@acme_nl",)


def test_x_timestamp_ms_wins_over_created_at_and_the_id_is_the_last_resort():
    [with_ms] = x_webhook.parse(body(status(timestamp_ms="1795000000123")), NOW)
    assert with_ms.created_at == "2026-11-18T11:06:40Z"
    bare = status(created_at=None)
    [from_id] = x_webhook.parse(body(bare), NOW)
    assert from_id.created_at.startswith("2024-11-22")  # snowflake 1860000000000000001


def test_x_own_posts_and_reposts_are_not_mentions():
    own = status(user_id="999")
    repost = status("1860000000000000003", retweeted_status={"id_str": "1"})
    assert x_webhook.parse(body(own, repost, for_user="999"), NOW) == []


def test_x_other_event_kinds_give_nothing():
    raw = json.dumps({"for_user_id": "1", "favorite_events": [{"id": "x"}]}).encode()
    assert x_webhook.parse(raw, NOW) == []


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[]", body({"id_str": "abc"}), b'{"tweet_create_events": {}}'],
)
def test_x_malformed_bodies_are_refused(raw):
    with pytest.raises(MalformedPayload):
        x_webhook.parse(raw, NOW)


# ---------------------------------------------------------------- Meta


def test_meta_subscription_echoes_the_challenge_only_for_our_token():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert meta.answer_subscription(params, "tok") == "1158201444"
    with pytest.raises(SignatureError):
        meta.answer_subscription({**params, "hub.verify_token": "nope"}, "tok")
    with pytest.raises(SignatureError):
        meta.answer_subscription({**params, "hub.mode": "unsubscribe"}, "tok")
    with pytest.raises(SignatureError):
        meta.answer_subscription(params, "")
    with pytest.raises(MalformedPayload):
        meta.answer_subscription({**params, "hub.challenge": ""}, "tok")


def test_meta_signature_is_hex_hmac_in_x_hub_signature_256():
    raw = b'{"object":"page","entry":[]}'
    meta.verify({"x-hub-signature-256": signing.hex_signature("app", raw)}, raw, "app")
    with pytest.raises(SignatureError):
        meta.verify({"X-Hub-Signature-256": signing.hex_signature("other", raw)}, raw, "app")


def page_change(value: dict, field: str = "feed", page_id: str = "500") -> bytes:
    entry = {"id": page_id, "time": 1795000000, "changes": [{"field": field, "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def test_meta_page_comment_becomes_a_facebook_mention_with_its_thread():
    raw = page_change(
        {
            "from": {"id": "7", "name": "Els"},
            "item": "comment",
            "verb": "add",
            "post_id": "500_1",
            "comment_id": "500_1_9",
            "parent_id": "500_1",
            "message": "Waarom is de Acme app weer offline?",
            "created_time": 1795000100,
        }
    )
    [mention] = meta.parse(raw, NOW, Watch.from_dict({"terms": ["Acme"]}))
    assert mention.id == "facebook:500_1_9"
    assert mention.url == "https://www.facebook.com/500_1?comment_id=500_1_9"
    assert mention.author.name == "Els" and mention.in_reply_to == "facebook:500_1"
    assert mention.created_at == "2026-11-18T11:08:20Z"
    assert mention.matched_terms == ("Acme",)


@pytest.mark.parametrize(
    "value",
    [
        {"from": {"id": "500"}, "item": "status", "verb": "add", "post_id": "500_2"},  # own post
        {"from": {"id": "7"}, "item": "status", "verb": "remove", "post_id": "500_2"},
        {"from": {"id": "7"}, "item": "reaction", "verb": "add", "post_id": "500_2"},
    ],
)
def test_meta_own_posts_removals_and_reactions_are_not_mentions(value):
    assert meta.parse(page_change(value), NOW) == []


def test_meta_unknown_objects_and_fields_are_ignored():
    raw = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    assert meta.parse(raw, NOW) == []
    assert meta.parse(page_change({"x": 1}, field="ratings"), NOW) == []


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b'{"object": "page"}',
        b'{"object": "page", "entry": ["x"]}',
        page_change({"from": {"id": "7"}, "item": "status", "verb": "add"}),  # no post_id
    ],
)
def test_meta_malformed_bodies_are_refused(raw):
    with pytest.raises(MalformedPayload):
        meta.parse(raw, NOW)


@pytest.mark.parametrize("parse", [x_webhook.parse, meta.parse])
def test_absurdly_nested_json_is_malformed_not_a_crash(parse):
    with pytest.raises(MalformedPayload, match="nested too deeply"):
        parse(b"[" * 100_000 + b"]" * 100_000, NOW)


# ------------------------------------------------------------------ wrong-typed fields


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "page", "entry": [{"id": "1", "changes": 5}]},
        {
            "object": "page",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "verb": "add",
                                "item": "post",
                                "from": "not an object",
                                "post_id": "1_2",
                            },
                        }
                    ],
                }
            ],
        },
        {
            "object": "page",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "created_time": "yesterday",
                                "verb": "add",
                                "item": "post",
                                "post_id": "1_2",
                            },
                        }
                    ],
                }
            ],
        },
        {
            "object": "instagram",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {"field": "comments", "value": {"id": "9", "from": [1], "text": "hi"}}
                    ],
                }
            ],
        },
    ],
)
def test_meta_fields_of_the_wrong_type_are_a_clear_400_not_a_crash(payload):
    with pytest.raises(MalformedPayload, match="Meta webhook"):
        meta.parse(json.dumps(payload).encode(), datetime.now(UTC))


@pytest.mark.parametrize(
    "event",
    [
        {"id_str": "123", "user": "not an object", "text": "hoi"},
    ],
)
def test_x_fields_of_the_wrong_type_are_a_clear_400_not_a_crash(event):
    body = json.dumps({"for_user_id": "1", "tweet_create_events": [event]}).encode()
    with pytest.raises(MalformedPayload, match="X webhook"):
        x_webhook.parse(body, datetime.now(UTC))
