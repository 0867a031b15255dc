"""The brand's own posts by thread and by the post they answer (store/brand.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.activity import BrandPost
from chalicelib.store import MemoryTable, keys
from chalicelib.store.brand import BrandActivity

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def reply(post_id: str = "30", at: str = "2026-12-07T09:01:00Z", **more) -> BrandPost:
    values = {"text": "Sorry, we kijken ernaar", "created_at": at, "in_reply_to": "20"}
    return BrandPost(network="x", post_id=post_id, conversation_id="10", **{**values, **more})


def test_a_reply_is_found_by_the_post_it_answers_and_by_its_thread():
    state = MemoryTable()
    brand = BrandActivity(state, timedelta(days=90))
    brand.record(reply(), NOW)
    brand.record(reply(), NOW)  # redelivered: the same items
    assert [p.post_id for p in brand.replies_to("x", "20")] == ["30"]
    assert [p.post_id for p in brand.on_thread("x", "10")] == ["30"]
    assert brand.replies_to("x", "10") == []
    item = state.get(keys.brand_post("x:30"))
    assert item is not None and item["expires_at"] == int((NOW + timedelta(days=90)).timestamp())


def test_thread_posts_come_oldest_first():
    brand = BrandActivity(MemoryTable(), timedelta(days=90))
    brand.record(reply("31", "2026-12-07T09:05:00Z"), NOW)
    brand.record(reply("30", "2026-12-07T09:01:00Z"), NOW)
    assert [p.post_id for p in brand.on_thread("x", "10")] == ["30", "31"]


def test_a_delete_marks_every_copy_deleted():
    brand = BrandActivity(MemoryTable(), timedelta(days=90))
    brand.record(reply(), NOW)
    brand.record(BrandPost(network="x", post_id="30", deleted=True), NOW)
    assert [p.deleted for p in brand.replies_to("x", "20")] == [True]
    assert [p.deleted for p in brand.on_thread("x", "10")] == [True]
    got = brand.get("x:30")
    assert got is not None and got.deleted and got.text == "Sorry, we kijken ernaar"


def test_a_delete_that_arrives_first_leaves_the_post_deleted_when_it_comes():
    brand = BrandActivity(MemoryTable(), timedelta(days=90))
    brand.record(BrandPost(network="x", post_id="30", deleted=True), NOW)
    brand.record(reply(), NOW)
    assert [p.deleted for p in brand.replies_to("x", "20")] == [True]


def test_an_unknown_post_is_none():
    assert BrandActivity(MemoryTable(), timedelta(days=1)).get("x:404") is None
