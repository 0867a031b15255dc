"""The brand's own posts (`BrandPost`): what it said on which thread, and what it deleted.

Three items a post (keys in `keys.py`): the post under ``brandpost#x:<id>``, a copy under
its thread (``brand#thread#x:<conversation id>``) and, for a reply, under the post it
answers (``brand#reply#x:<in_reply_to>``), so "did the brand answer this post / thread?"
is one Query. Writing is idempotent (a redelivery puts the same items); a delete marks
every copy ``deleted``; a delete that arrives before its post leaves a tombstone, and the
post then arrives deleted. Every item expires with the mentions (`expires_at`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..activity import BrandPost
from . import keys
from .state import StateTable


class BrandActivity:
    def __init__(self, state: StateTable, retention: timedelta) -> None:
        self._state = state
        self._retention = retention

    def record(self, post: BrandPost, now: datetime) -> None:
        """Store a post or a delete; raises `StoreError` (the message is redelivered)."""
        known = self._state.get(keys.brand_post(post.id))
        if post.deleted:
            self._delete(post, known, now)
            return
        if known and known.get("deleted"):
            post = BrandPost.from_dict({**post.to_dict(), "deleted": True})
        item = self._item(post, now)
        for key in _keys(post):
            self._state.put(key, item)

    def get(self, post_id: str) -> BrandPost | None:
        """A post by its id (``"x:<native id>"``), deleted or not; None when unknown."""
        found = self._state.get(keys.brand_post(post_id))
        return BrandPost.from_dict(found) if found else None

    def replies_to(self, network: str, native_id: str) -> list[BrandPost]:
        """The brand's replies to one post, oldest first (deleted ones included)."""
        partition = keys.brand_index("reply", network, native_id)
        return _oldest_first(self._state.query(partition.pk, partition.sk))

    def on_thread(self, network: str, conversation_id: str) -> list[BrandPost]:
        """The brand's posts on a thread (conversation), oldest first."""
        partition = keys.brand_index("thread", network, conversation_id)
        return _oldest_first(self._state.query(partition.pk, partition.sk))

    def _delete(self, post: BrandPost, known: dict[str, Any] | None, now: datetime) -> None:
        if not known:  # the delete came first: a tombstone the post will find
            self._state.put(keys.brand_post(post.id), self._item(post, now))
            return
        gone = BrandPost.from_dict({**known, "deleted": True})
        item = self._item(gone, now)
        for key in _keys(gone):
            self._state.put(key, item)

    def _item(self, post: BrandPost, now: datetime) -> dict[str, Any]:
        return {**post.to_dict(), "expires_at": int((now + self._retention).timestamp())}


def _keys(post: BrandPost) -> list[keys.Key]:
    out = [keys.brand_post(post.id)]
    if post.conversation_id:
        out.append(keys.brand_index("thread", post.network, post.conversation_id, post.post_id))
    if post.in_reply_to:
        out.append(keys.brand_index("reply", post.network, post.in_reply_to, post.post_id))
    return out


def _oldest_first(items: Any) -> list[BrandPost]:
    posts = [BrandPost.from_dict(item) for item in items]
    return sorted(posts, key=lambda p: (p.created_at, p.post_id))
