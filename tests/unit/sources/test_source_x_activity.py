"""X Activity API envelopes built from the documented shape (PLATFORM_NOTES, "X Activity
API"): what each event type becomes, and bad input named by its field."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import MalformedPayload
from chalicelib.sources import x_webhook

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
BRAND = "1111"


def envelope(event_type: str, payload: Any, **data: Any) -> bytes:
    body = {
        "data": {
            "event_uuid": "77",
            "filter": {"user_id": BRAND},
            "event_type": event_type,
            "tag": "t",
            "payload": payload,
            "includes": {},
            **data,
        }
    }
    return json.dumps(body).encode()


def post(post_id: str = "2090000000000000009", author: str = "2222", **more: Any) -> dict:
    return {
        "id": post_id,
        "text": "@acme storing al 3 dagen",
        "author_id": author,
        "created_at": "2026-12-07T08:59:00.000Z",
        **more,
    }


def test_the_brand_s_reply_is_recorded_with_the_post_and_thread_it_answers():
    # GIVEN the brand's own reply, as post.create sends it
    raw = envelope(
        "post.create",
        post(author=BRAND, in_reply_to_tweet_id="2090000000000000001", conversation_id="2080"),
    )
    # WHEN it is read
    delivery = x_webhook.parse_delivery(raw, NOW)
    # THEN it is the brand's activity on that thread, not a mention
    assert delivery.mentions == ()
    [reply] = delivery.brand_posts
    assert (reply.in_reply_to, reply.conversation_id) == ("2090000000000000001", "2080")
    assert reply.created_at == "2026-12-07T08:59:00Z" and not reply.deleted


def test_a_reply_without_in_reply_to_tweet_id_takes_it_from_referenced_tweets():
    refs = [{"type": "quoted", "id": "5"}, {"type": "replied_to", "id": "2090000000000000004"}]
    raw = envelope("post.create", post(author=BRAND, referenced_tweets=refs))
    [reply] = x_webhook.parse_delivery(raw, NOW).brand_posts
    assert reply.in_reply_to == "2090000000000000004"


def test_a_mention_event_written_by_the_brand_itself_is_never_a_mention():
    raw = envelope("post.mention.create", post(author=BRAND))
    delivery = x_webhook.parse_delivery(raw, NOW)
    assert delivery.mentions == () and [p.post_id for p in delivery.brand_posts] == [
        "2090000000000000009"
    ]


def test_users_in_includes_are_read_bare_or_wrapped_in_data():
    user = {"id": "2222", "username": "klant", "name": "Klant", "public_metrics": {}}
    for users in ([user], [{"data": user}]):
        raw = envelope("post.reply.create", post(), includes={"users": users})
        [mention] = x_webhook.parse_delivery(raw, NOW).mentions
        assert mention.author.handle == "klant"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"data": "post"}', "data is not an object"),
        (b'{"data": {"payload": {}}}', "data.event_type"),
        (envelope("post.mention.create", "text"), "data.payload is not"),
        (envelope("post.mention.create", post(post_id="")), "data.payload.id"),
        (envelope("post.mention.create", post(post_id="12abc")), "data.payload.id"),
        (envelope("post.reply.create", {"id": "2090000000000000009"}), "data.payload.text"),
        (envelope("post.delete", {"author_id": BRAND}), "data.payload.id"),
        (envelope("post.create", post(author=BRAND, created_at="gisteren")), "created_at"),
    ],
)
def test_bad_envelopes_are_refused_naming_the_field(raw, field):
    with pytest.raises(MalformedPayload, match=field.replace(".", r"\.")):
        x_webhook.parse_delivery(raw, NOW)


def test_an_event_type_we_do_not_subscribe_to_is_skipped_not_refused():
    delivery = x_webhook.parse_delivery(envelope("post.like.create", "anything"), NOW)
    assert delivery.skipped == ("post.like.create",)
    assert delivery.mentions == () and delivery.brand_posts == ()


def test_account_activity_bodies_still_give_their_mentions():
    body = {
        "for_user_id": BRAND,
        "tweet_create_events": [
            {"id_str": "1205348660982083584", "text": "hoi @acme", "user": {"id_str": "9"}}
        ],
    }
    delivery = x_webhook.parse_delivery(json.dumps(body).encode(), NOW)
    assert [m.id for m in delivery.mentions] == ["x:1205348660982083584"]
