"""The brand's own replies, as the networks show them: which posts are the brand
answering a thread (they mark that thread's case answered; `Mention.by_brand`).

* Any source: a post whose author is one of the brand's accounts (the watch
  configuration's ``handles``, compared without ``@`` / ``u/`` and case) and that
  replies to another post (`in_reply_to`) — the X poller's and the brand timeline's
  posts, a Reddit comment by the brand's account, a Mastodon status by the brand with
  ``in_reply_to_id``. `is_brand_reply`.
* Meta: a feed comment whose ``from.id`` is the Page (`meta.py` keeps it, `by_brand`).
* X Account Activity: a post by ``for_user_id`` with ``in_reply_to_status_id``
  (`x_webhook.py`); the X Activity API's ``post.create`` with
  ``referenced_tweets[type=replied_to]``: `xaa_brand_reply`.
* The generic webhook: ``"by_brand": true`` with ``in_reply_to`` (`generic.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ...model import Author, Mention, iso, parse_time
from .._common import clip


def account(handle: str) -> str:
    """An account name as compared: no ``@`` or ``u/``, lower case."""
    name = handle.strip().lower()
    return name.removeprefix("@").removeprefix("/u/").removeprefix("u/")


def is_brand_reply(mention: Mention, brand_accounts: Iterable[str]) -> bool:
    if mention.by_brand:
        return True
    accounts = {account(h) for h in brand_accounts if h}
    return bool(mention.in_reply_to) and account(mention.author.handle) in accounts


def xaa_brand_reply(delivery: Mapping[str, Any], received_at: datetime) -> Mention | None:
    """An X Activity API ``post.create`` delivery (the brand's own posts, filter user_id =
    the brand) as the brand's reply, or None when the post answers nothing."""
    data = delivery.get("data") or {}
    if data.get("event_type") != "post.create":
        return None
    post = data.get("payload") or {}
    replied = [
        str(r.get("id"))
        for r in post.get("referenced_tweets") or []
        if isinstance(r, Mapping) and r.get("type") == "replied_to" and r.get("id")
    ]
    if not replied or not post.get("id"):
        return None
    users = {str(u.get("id")): u for u in (data.get("includes") or {}).get("users") or []}
    author = users.get(str(post.get("author_id")), {})
    created = post.get("created_at")
    return Mention(
        source="x",
        native_id=str(post["id"]),
        url=f"https://x.com/i/web/status/{post['id']}",
        author=Author(str(post.get("author_id") or ""), str(author.get("username") or "")),
        text=clip(str(post.get("text") or "")),
        created_at=iso(parse_time(created)) if created else iso(received_at),
        received_at=iso(received_at),
        in_reply_to=f"x:{replied[0]}",
        by_brand=True,
    )
