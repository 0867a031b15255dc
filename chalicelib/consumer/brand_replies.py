"""The brand's own posts, taken out of triage: they are no mentions, they answer a case.

A source keeps the brand account's replies with `Mention.by_brand` (Meta: a Page comment;
X: the brand's post with ``in_reply_to``; the generic webhook's ``by_brand``); any post by
one of the brand's accounts (the watch ``handles``) that replies to another is one too
(`sources/reply/seen.py`: the pollers' X, Reddit and Mastodon posts). They ride the queue
with the mentions; before triage, `BrandAwareTriage` takes them out of their messages (a
message without one is handed on untouched: a substring test or two) and marks
the case of the post each replies to answered on the network, at the reply's time
(`alerts/desk/replies.py`, idempotent). The X Activity API's brand posts (`activity.BrandPost`,
messages of their own, recorded by `brand_posts.WithBrandPosts`) answer cases the same
way, after triage. A failure to record one retries its whole message,
which triage's own idempotency makes harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from ..activity import BrandPost
from ..alerts.desk.replies import Replies
from ..errors import InputError, StoreError
from ..intake.queue import decode, decode_brand_posts, encode
from ..logs import get_logger
from ..model import Author, Mention
from ..sources.reply.seen import account, is_brand_reply
from .pipeline import BatchOutcome, Message

log = get_logger("consumer.brand")
MARK = '"by_brand":true'
POSTS = '"brand_posts"'


class Batches(Protocol):
    """Triage, or triage wrapped (`brand_posts.WithBrandPosts`)."""

    def handle_batch(self, messages: Sequence[Message]) -> BatchOutcome: ...


class BrandAwareTriage:
    def __init__(
        self, triage: Batches, replies: Replies | None, brand_accounts: Iterable[str] = ()
    ) -> None:
        self._triage = triage
        self._replies = replies
        self._accounts = tuple(sorted({account(h) for h in brand_accounts if account(h)}))
        self._marks = (MARK, *(f'"handle":"{a}"' for a in self._accounts))

    def _maybe(self, body: str) -> bool:
        """Might a message hold a brand post? (no JSON decoded for most messages)"""
        if MARK in body:
            return True
        lowered = body.lower() if self._accounts else ""
        return any(mark in lowered for mark in self._marks[1:])

    def handle_batch(self, messages: Sequence[Message]) -> BatchOutcome:
        rest: list[Message] = []
        failed: set[str] = set()
        answered = 0
        for message in messages:
            if not self._maybe(message.body):
                rest.append(message)
                continue
            try:
                mentions = decode(message.body)
            except InputError:
                rest.append(message)  # triage quarantines it
                continue
            try:
                answered += self._answer([m for m in mentions if self._is_brand(m)])
            except StoreError:
                log.warning("brand reply not recorded; its message is retried")
                failed.add(message.message_id)
                continue
            others = [m for m in mentions if not self._is_brand(m)]
            if others:
                rest.append(Message(message.message_id, encode(others)))
        outcome = self._triage.handle_batch(rest) if rest else BatchOutcome()
        outcome.failed |= failed
        answered += self._brand_posts(rest, outcome)
        if answered:
            log.info("cases answered on the network", extra={"fields": {"cases": answered}})
        return outcome

    def _brand_posts(self, messages: Sequence[Message], outcome: BatchOutcome) -> int:
        """The X Activity API's brand posts (`activity.BrandPost`, recorded by the wrapped
        `WithBrandPosts`): a reply among them answers the case of the post it replies to."""
        answered = 0
        for message in messages:
            if POSTS not in message.body or message.message_id in outcome.poison:
                continue
            try:
                posts = [p for p in decode_brand_posts(message.body) if p.in_reply_to]
                answered += self._answer([as_mention(p) for p in posts if not p.deleted])
            except (InputError, StoreError):
                outcome.failed.add(message.message_id)
        return answered

    def _is_brand(self, mention: Mention) -> bool:
        return is_brand_reply(mention, self._accounts)

    def _answer(self, posts: list[Mention]) -> int:
        if self._replies is None:
            return 0
        return sum(1 for post in posts if self._replies.brand_replied(post))


def as_mention(post: BrandPost) -> Mention:
    """A brand post that replies, as the brand's reply (`Mention.by_brand`)."""
    return Mention(
        source=post.network,
        native_id=post.post_id,
        url="",
        author=Author(post.author_id, ""),
        text=post.text,
        created_at=post.created_at or post.received_at,
        received_at=post.received_at or post.created_at,
        in_reply_to=f"{post.network}:{post.in_reply_to}",
        by_brand=True,
    )
