"""Where mentions come from: one module per network.

Pollers expose ``fetch(client, cursor, ...) -> FetchResult``; the network client
(tweepy, praw, an HTTP session) is created by the caller and passed in, so tests
replay recorded traffic through the real client.

Webhooks expose ``verify(headers, raw_body, secret)`` (raises `SignatureError`) and
``parse(raw_body, received_at) -> list[Mention]`` (raises `MalformedPayload`).

Modules: `watch` (what we listen for), `x` (X recent search / mentions poller),
`x_webhook` (X Account Activity) and `x_activity` (the X Activity API), `reddit` (praw,
for approved apps), `reddit_atom` (the Atom feeds, no approval), `feeds` (RSS/Atom),
`meta` (Facebook Page / Instagram webhooks), `meta_graph` (the Graph catch-up read);
`registry` describes every source once, `pricing` what X bills. Nothing here imports
tweepy, praw or feedparser at import time: they load inside the functions that need them
(cold starts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Mention


@dataclass(frozen=True)
class FetchResult:
    mentions: list[Mention]
    next_cursor: str | None  # save only after `mentions` are queued
    requests: int = 0  # network requests made (budgets)
    reads: int = 0  # posts read (X bills per read)
    exhausted: bool = True  # False when stopped early (page cap, time, rate limit)
    notes: list[str] = field(default_factory=list)
    retry_at: float | None = None  # epoch seconds: the network asked us to wait until then
    # the network answered, but not as it should (429 again, a login page, truncated XML,
    # an empty feed that had posts): the cursor is saved, and source health counts a failure
    degraded: str | None = None
