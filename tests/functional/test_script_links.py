"""A feed entry's `javascript:` or `data:` link never reaches a page, the case page or the
digest as a link (issue 25, item 2): one rule, `untrusted.link`, for every channel."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from chalice.test import LambdaContext

from chalicelib import wiring
from chalicelib.sources import feeds
from tests.functional.conftest import drain, scheduled
from tests.functional.test_walking_skeleton import COMPLAINT, sent_emails

FEED = "https://klachten.example.nl/rss"
SCRIPT = "javascript:alert(document.cookie)"
DATA = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
TABBED = "java\tscript:alert(2)"


def rss(posted: datetime) -> bytes:
    items = "".join(
        f"<item><title>{COMPLAINT}</title><link>{link}</link><guid>klacht-{n}</guid>"
        f"<pubDate>{format_datetime(posted)}</pubDate></item>"
        for n, link in enumerate([SCRIPT, DATA, TABBED, "https://klachten.example.nl/k/9"])
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Klachten</title><link>https://klachten.example.nl/</link>{items}"
        "</channel></rss>"
    ).encode()


class FeedResponse(io.BytesIO):
    status = 200

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/rss+xml"}

    def __enter__(self) -> FeedResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def feed_poll(stack, monkeypatch):
    monkeypatch.setattr(LambdaContext, "get_remaining_time_in_millis", lambda self: 60_000)
    monkeypatch.setenv(
        "WATCH_CONFIG", json.dumps({"terms": ["Voltera"], "feeds": [{"url": FEED, "all": True}]})
    )
    wiring.settings.cache_clear()
    posted = datetime.now(UTC) - timedelta(minutes=10)

    def urlopen(request, timeout):  # the network edge: the feed answers with our RSS
        assert request.full_url == FEED
        return FeedResponse(rss(posted))

    monkeypatch.setattr(feeds.urllib.request, "urlopen", urlopen)


def test_script_links_from_a_feed_reach_no_page_case_page_or_digest(client, stack, team, feed_poll):
    client.lambda_.invoke("poll_feeds", scheduled(client, datetime.now(UTC)))
    drain(client, stack)
    stored = sorted(m.url for m in wiring.mentions().by_day(datetime.now(UTC).strftime("%Y-%m-%d")))
    assert len(stored) == 4  # the posts are kept: only their links are not shown

    pages = team["ann"].messages()
    assert pages, "the complaints page the manager on duty"
    written = "\n".join(p["Message"] for p in pages)
    assert "https://klachten.example.nl/k/9" in written
    for bad in ("javascript", "script:", "data:"):
        assert bad not in written.lower()

    tz = wiring.settings().tz
    morning = datetime.combine(
        datetime.now(tz).date() + timedelta(days=1), datetime.min.time(), tzinfo=tz
    ).replace(hour=8, minute=5)
    client.lambda_.invoke("daily_digest", scheduled(client, morning))
    (email,) = sent_emails()
    raw = email.raw_data
    assert "klachten.example.nl/k/9" in raw
    for bad in ("javascript", "script:", "data:text"):
        assert bad not in raw.lower()
