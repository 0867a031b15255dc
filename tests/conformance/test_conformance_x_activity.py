"""Every X Activity API sample in realdata/x_activity/ through the X webhook's parser.

The expected values are read off the files by eye and written out here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.activity import BrandPost
from chalicelib.errors import MalformedPayload
from chalicelib.sources import x_webhook
from tests.replay_http import need

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
FOLDER = "x_activity"

# file -> (mention ids, brand post ids, skipped event types); None: refused (400)
EXPECTED: dict[str, tuple[list[str], list[str], list[str]] | None] = {
    "xaa_post.mention.create.json": (["x:2080765813578191303"], [], []),
    "xaa_post.reply.create.json": (["x:2090000000000000001"], [], []),
    "xaa_post.quote.create.json": (["x:2090000000000000002"], [], []),
    "xaa_post.create.json": ([], ["x:2080761390344937796"], []),
    "xaa_post.delete.json": ([], ["x:2080761269309813134"], []),
    "xaa_post.repost.create.json": ([], [], ["post.repost.create"]),
    "xaa_dm.received.json": ([], [], ["dm.received"]),
    "xaa_oauth.revoke.json": ([], [], ["oauth.revoke"]),
    "xaa_envelope.json": None,  # a post.create with an empty payload: no post id
}


def test_the_table_names_every_file_in_the_folder(realdata):
    folder = realdata / FOLDER
    if not folder.is_dir():
        pytest.skip(f"no {folder}")
    assert sorted(p.name for p in folder.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_recorded_event_becomes_what_it_stands_for(realdata, name):
    raw = need(realdata, FOLDER, name).read_bytes()
    expected = EXPECTED[name]
    if expected is None:
        with pytest.raises(MalformedPayload, match=r"data\.payload\.id"):
            x_webhook.parse_delivery(raw, NOW)
        return
    delivery = x_webhook.parse_delivery(raw, NOW)
    assert [m.id for m in delivery.mentions] == expected[0]
    assert [p.id for p in delivery.brand_posts] == expected[1]
    assert list(delivery.skipped) == expected[2]


def test_a_mention_carries_its_author_from_includes_and_no_language_for_und(realdata):
    raw = need(realdata, FOLDER, "xaa_post.mention.create.json").read_bytes()
    [mention] = x_webhook.parse_delivery(raw, NOW).mentions
    assert mention.text == "hey @ExampleUser"
    assert mention.author.id == "2222222222222222222"
    assert mention.author.handle == "OtherUser" and mention.author.followers == 97
    assert mention.created_at == "2026-07-24T21:23:23Z"
    assert mention.lang is None
    assert mention.url == "https://x.com/OtherUser/status/2080765813578191303"


def test_a_reply_to_the_brand_points_at_the_post_it_answers(realdata):
    raw = need(realdata, FOLDER, "xaa_post.reply.create.json").read_bytes()
    [mention] = x_webhook.parse_delivery(raw, NOW).mentions
    assert mention.in_reply_to == "x:2080761390344937796"
    assert mention.text == "@ExampleUser Great post \u2014 thanks for sharing!"


def test_the_brand_s_own_post_is_its_activity_not_a_mention(realdata):
    raw = need(realdata, FOLDER, "xaa_post.create.json").read_bytes()
    delivery = x_webhook.parse_delivery(raw, NOW)
    assert x_webhook.parse(raw, NOW) == []
    assert delivery.brand_posts == (
        BrandPost(
            network="x",
            post_id="2080761390344937796",
            text="Hello from the Activity API",
            created_at="2026-07-24T21:05:48Z",
            received_at="2026-12-07T09:00:00Z",
            in_reply_to=None,
            conversation_id="2080761390344937796",
            author_id="1111111111111111111",
        ),
    )


def test_a_delete_of_the_brand_s_post_is_recorded_as_deleted(realdata):
    raw = need(realdata, FOLDER, "xaa_post.delete.json").read_bytes()
    [gone] = x_webhook.parse_delivery(raw, NOW).brand_posts
    assert gone.deleted and gone.post_id == "2080761269309813134" and gone.text == ""
