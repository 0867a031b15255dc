"""The brand's own activity on a network: a `BrandPost`, and what a webhook delivery holds.

A post by the brand's account (X Activity API ``post.create``, ``post.delete``) is not a
mention: it is the brand acting on a thread (a reply answers the post `in_reply_to`; the
thread is `conversation_id`). It travels through the mentions queue in messages of its
own and is stored by `store.brand.BrandActivity` (docs/sources.md, "The brand's own posts").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .model import Mention, mention_id


@dataclass(frozen=True, slots=True)
class BrandPost:
    """The brand's own post (X Activity `post.create`/`post.delete`): its activity on a
    thread, never a mention. Ids are the network's (no "x:"); a delete: deleted, no text.
    store/brand.py keeps it by thread and by the post it answers (docs/sources.md)."""

    network: str  # "x"
    post_id: str
    text: str = ""
    created_at: str = ""  # UTC ISO 8601 ("" for a delete)
    received_at: str = ""
    in_reply_to: str | None = None  # the post it answers
    conversation_id: str | None = None  # the thread
    author_id: str = ""
    deleted: bool = False

    def __post_init__(self) -> None:
        if not self.network or ":" in self.network or not self.post_id:
            raise ValueError(f"bad brand post: {self.network!r}, {self.post_id!r}")

    @property
    def id(self) -> str:
        return mention_id(self.network, self.post_id)  # the mentions' id space

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BrandPost:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(
            **{
                **known,
                "post_id": str(known.get("post_id", "")),
                "deleted": bool(known.get("deleted")),
            }
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """One webhook delivery: mentions, the brand's own posts, event types skipped (200),
    and the mention ids of reviews their authors deleted (recorded, not mentions)."""

    mentions: tuple[Mention, ...] = ()
    brand_posts: tuple[BrandPost, ...] = ()
    skipped: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
