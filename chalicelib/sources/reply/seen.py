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
  ``referenced_tweets[type=replied_to]`` (`x_activity.py`: a `BrandPost`, which
  `consumer/brand_replies.py` reads as the brand's reply).
* The generic webhook: ``"by_brand": true`` with ``in_reply_to`` (`generic.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from ...model import Mention


def account(handle: str) -> str:
    """An account name as compared: no ``@`` or ``u/``, lower case."""
    name = handle.strip().lower()
    return name.removeprefix("@").removeprefix("/u/").removeprefix("u/")


def is_brand_reply(mention: Mention, brand_accounts: Iterable[str]) -> bool:
    if mention.by_brand:
        return True
    accounts = {account(h) for h in brand_accounts if h}
    return bool(mention.in_reply_to) and account(mention.author.handle) in accounts
