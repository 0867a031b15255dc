"""The brand's own posts through the mentions queue: their own messages, recorded after
triage, a store failure retried (consumer/brand_posts.py, intake/queue.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.activity import BrandPost
from chalicelib.consumer.brand_posts import WithBrandPosts
from chalicelib.consumer.pipeline import BatchOutcome, Message
from chalicelib.errors import StoreError
from chalicelib.intake.queue import decode, decode_brand_posts, encode
from chalicelib.store import MemoryTable
from chalicelib.store.brand import BrandActivity

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
REPLY = BrandPost(
    network="x",
    post_id="30",
    text="We kijken ernaar",
    created_at="2026-12-07T08:59:00Z",
    in_reply_to="20",
    conversation_id="10",
)


class TriageSeen:
    """Stands in for `Triage`: records what it was handed, stores nothing."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def handle_batch(self, messages):
        self.seen += [m.message_id for m in messages]
        return BatchOutcome()


class RefusingTable(MemoryTable):
    def put(self, key, data):
        raise StoreError("DynamoDB is down", code="ServiceUnavailable")


def test_a_brand_post_message_holds_no_mentions_and_gives_its_posts_back():
    body = encode([], [REPLY])
    assert decode(body) == []  # a consumer that does not know brand posts sees nothing
    assert decode_brand_posts(body) == [REPLY]
    assert decode_brand_posts(encode([])) == []


def test_brand_posts_are_recorded_after_triage_and_redelivery_changes_nothing():
    state = MemoryTable()
    triage = TriageSeen()
    handler = WithBrandPosts(triage, BrandActivity(state, timedelta(days=90)), lambda: NOW)
    message = Message("m1", encode([], [REPLY]))
    for _ in range(2):
        outcome = handler.handle_batch([message])
        assert outcome.failed == set()
    assert triage.seen == ["m1", "m1"]
    assert [p.post_id for p in BrandActivity(state, timedelta(days=1)).replies_to("x", "20")] == [
        "30"
    ]


def test_a_store_failure_fails_that_message_alone():
    handler = WithBrandPosts(
        TriageSeen(), BrandActivity(RefusingTable(), timedelta(days=90)), lambda: NOW
    )
    outcome = handler.handle_batch([Message("m1", encode([], [REPLY])), Message("m2", encode([]))])
    assert outcome.failed == {"m1"}
