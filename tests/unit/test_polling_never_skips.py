"""Property: whatever mix of 429s, crashes and queue failures the X poller meets, once the
storm is over every post has been queued (some twice: dedup absorbs them), none skipped."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import tweepy
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.errors import DeliveryError
from chalicelib.sources import x
from chalicelib.sources.polling import run_poller
from chalicelib.sources.watch import Watch
from chalicelib.store import MemoryTable

WATCH = Watch.from_dict({"terms": ["Acme"]})
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FIRST_ID = (int(START.timestamp() * 1000) - 1288834974657) << 22  # X ids carry their time


class FakeX:
    """Recent search over a growing list of posts: newest first, `next_token` pages down."""

    def __init__(self) -> None:
        self.posts: list[int] = []
        self.rate_limit_after: int | None = None  # successful requests before a 429
        self.reset = 0

    def publish(self, count: int) -> None:
        top = self.posts[-1] if self.posts else FIRST_ID
        self.posts += list(range(top + 1, top + 1 + count))

    def search_recent_tweets(self, query, *, max_results, since_id=None, next_token=None, **_):
        if self.rate_limit_after is not None:
            if self.rate_limit_after == 0:
                response = SimpleNamespace(status_code=429, reason="Too Many", json=lambda: {})
                raise tweepy.TooManyRequests(response, reset_time=self.reset)
            self.rate_limit_after -= 1
        below = int(next_token) if next_token else float("inf")
        above = int(since_id) if since_id else 0
        window = sorted((p for p in self.posts if above < p < below), reverse=True)
        page = window[:max_results]
        meta = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": str(page[0]), "oldest_id": str(page[-1])}
        if len(window) > max_results:
            meta["next_token"] = str(page[-1])
        tweets = [SimpleNamespace(data={"id": str(p), "text": f"Acme {p}"}) for p in page]
        return SimpleNamespace(data=tweets, includes={}, meta=meta)


class FlakyStore(MemoryTable):
    crash_next_cursor_write = False

    def put(self, key, data) -> None:
        if key.sk == "cursor" and self.crash_next_cursor_write:
            self.crash_next_cursor_write = False
            raise TimeoutError("Lambda died before saving the cursor")
        super().put(key, data)


class FlakyQueue:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.fail_next = False

    def __call__(self, mentions) -> None:
        if self.fail_next:
            self.fail_next = False
            raise DeliveryError("SQS down")
        self.seen += [int(m.native_id) for m in mentions]


RUN = st.fixed_dictionaries(
    {
        "new_posts": st.integers(0, 35),
        "trouble": st.sampled_from(["none", "429", "crash", "queue"]),
        "pages_before_429": st.integers(0, 3),
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(RUN, min_size=1, max_size=12), st.integers(1, 4))
def test_no_post_is_ever_skipped(runs, max_pages):
    net, store, queue = FakeX(), FlakyStore(), FlakyQueue()
    now = START

    def fetch(client, cursor, **kwargs):
        return x.fetch(client, cursor, watch=WATCH, max_pages=max_pages, page_size=10, **kwargs)

    net.publish(5)
    for run in runs:
        net.publish(run["new_posts"])
        now += timedelta(minutes=5)
        net.rate_limit_after = run["pages_before_429"] if run["trouble"] == "429" else None
        net.reset = int((now + timedelta(minutes=1)).timestamp())
        store.crash_next_cursor_write = run["trouble"] == "crash"
        queue.fail_next = run["trouble"] == "queue"
        with contextlib.suppress(TimeoutError, DeliveryError):
            run_poller("x", fetch, net, store, queue, now=now)
    # the storm is over: clean runs until the poller has caught up
    net.rate_limit_after = None
    for _ in range(len(net.posts) // 10 + 3):
        now += timedelta(minutes=5)
        run_poller("x", fetch, net, store, queue, now=now)
    assert set(queue.seen) == set(net.posts)
