"""The brand's own replies, recognised where each network shows them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.consumer.brand_replies import as_mention
from chalicelib.errors import MalformedPayload
from chalicelib.model import Author, Mention
from chalicelib.sources import generic, meta, reddit, x_activity, x_webhook
from chalicelib.sources.reply.seen import is_brand_reply
from tests.replay_http import need, praw_cassette, ruby_yaml

NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
PAGE = "1067280970047460"


def page_comment(sender: str, parent: str | None = "1067280970047460_111") -> bytes:
    """A Page feed comment change, built from Meta's documented shape (Webhooks for Pages,
    field "feed": value {item, verb, comment_id, post_id, parent_id, from {id, name},
    message, created_time}); Meta sends none we could record for a Page's own comment."""
    value = {
        "from": {"id": sender, "name": "Voltera" if sender == PAGE else "Anna de Vries"},
        "item": "comment",
        "verb": "add",
        "post_id": "1067280970047460_111",
        "comment_id": "1067280970047460_222",
        "message": "Hoi Anna, we kijken ernaar!",
        "created_time": 1795464000,
    }
    if parent:
        value["parent_id"] = parent
    body = {
        "object": "page",
        "entry": [{"id": PAGE, "time": 1795464000, "changes": [{"field": "feed", "value": value}]}],
    }
    return json.dumps(body).encode()


def test_a_page_comment_by_the_page_is_the_brands_reply_to_its_parent():
    (reply,) = meta.parse(page_comment(PAGE, parent="1067280970047460_999"), NOW)
    assert reply.by_brand and reply.in_reply_to == "facebook:1067280970047460_999"
    assert (reply.native_id, reply.text) == ("1067280970047460_222", "Hoi Anna, we kijken ernaar!")
    assert reply.created_at == "2026-11-23T20:00:00Z"
    (customer,) = meta.parse(page_comment("42", parent="1067280970047460_999"), NOW)
    assert not customer.by_brand  # someone else's comment stays a mention


def test_the_pages_own_status_post_is_still_nothing(realdata):
    path = need(realdata, "webhooks", "meta", "meta_webhook_sample_payloads.json")
    sample = json.loads(path.read_text())["samples"]["page_feed_status_add__dashboard_test"]
    sample["entry"][0]["id"] = sample["entry"][0]["changes"][0]["value"]["from"]["id"]
    assert meta.parse(json.dumps(sample).encode(), NOW) == []


def test_xaa_post_create_that_replies_answers_the_case_of_the_post(realdata, make_kit):
    delivery = json.loads(need(realdata, "x_activity", "xaa_post.create.json").read_text())
    (post,) = x_activity.parse(delivery, NOW, None).brand_posts
    assert post.in_reply_to is None  # the recorded example answers nothing
    # the documented field of a reply (X API v2 post: referenced_tweets type replied_to)
    payload = delivery["data"]["payload"]
    payload["referenced_tweets"] = [{"type": "replied_to", "id": "2080000000000000001"}]
    (post,) = x_activity.parse(delivery, NOW, None).brand_posts
    reply = as_mention(post)
    assert reply.by_brand and reply.in_reply_to == "x:2080000000000000001"
    kit = make_kit()
    alert, _ = kit.case("2080000000000000001", source="x")
    assert kit.replies.brand_replied(reply) and not kit.replies.brand_replied(reply)
    stored = kit.records.get(alert.id)
    assert (stored.answered_at, stored.answered_via) == ("2026-07-24T21:05:48Z", "network")
    (seen,) = kit.replies.sent(alert.id)
    assert (seen["text"], seen["reply_id"]) == ("Hello from the Activity API", post.post_id)


def test_an_account_activity_post_by_the_brand_that_replies_is_kept_as_its_reply(realdata):
    event = ruby_yaml(need(realdata, "webhooks", "x_account_activity", "tweet_create-response.yml"))
    assert [m.by_brand for m in x_webhook.parse(json.dumps(event).encode(), NOW)] == [False]
    # the same recorded reply, as if the subscribed account (for_user_id) had written it
    event["tweet_create_events"][0]["user"]["id_str"] = event["for_user_id"]
    (reply,) = x_webhook.parse(json.dumps(event).encode(), NOW)
    assert reply.by_brand and reply.in_reply_to == "x:1205348660982083584"


def test_a_reddit_comment_by_the_brands_account_is_its_reply(realdata):
    recorded = praw_cassette(need(realdata, "reddit", "TestComment.test_reply.json"))
    data = json.loads(recorded[1].body)["json"]["data"]["things"][0]["data"]
    comment = reddit.item_to_mention(SimpleNamespace(**data), received_at=NOW)
    assert comment.in_reply_to == "reddit:t1_d1616q2"
    assert is_brand_reply(comment, ["@Voltera", "<USERNAME>"])  # the recording's account
    assert not is_brand_reply(comment, ["@Voltera"])


def test_a_brand_account_post_that_answers_nothing_is_not_a_reply():
    post = Mention(
        "x",
        "1",
        "",
        Author("9", "VolteraHelpt"),
        "Storing voorbij!",
        "2026-11-23T20:00:00Z",
        "2026-11-23T20:00:01Z",
    )
    assert not is_brand_reply(post, ["@VolteraHelpt"])
    assert is_brand_reply(post.with_(in_reply_to="x:5"), ["@volterahelpt"])


def test_the_generic_webhook_documents_by_brand_with_in_reply_to():
    body = {"id": "r1", "text": "Opgelost!", "author": "voltera", "url": "https://forum.example/r1",
            "created_at": "2026-11-23T20:00:00Z", "source": "forum", "by_brand": True,
            "in_reply_to": "p7"}  # fmt: skip
    (reply,) = generic.parse(json.dumps(body).encode(), NOW)
    assert reply.by_brand and reply.in_reply_to == "generic-forum:p7"
    with pytest.raises(MalformedPayload, match="by_brand needs in_reply_to"):
        generic.parse(json.dumps({**body, "in_reply_to": None}).encode(), NOW)
    with pytest.raises(MalformedPayload, match="by_brand must be true or false"):
        generic.parse(json.dumps({**body, "by_brand": "yes"}).encode(), NOW)
