"""A poll's posts are fitted to the input limits before they are queued (issue 15)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from chalicelib.model import Author, Mention
from chalicelib.sources import FetchResult, feeds
from chalicelib.sources.polling import run_poller
from chalicelib.sources.watch import Watch
from chalicelib.store import MemoryTable, keys

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><guid>a</guid><title>Voltera storing in Utrecht</title>
<pubDate>Fri, 31 Dec 9999 23:30:00 +0000</pubDate><link>https://news.example/a</link></item>
<item><guid>b</guid><title>Voltera storing voorbij</title>
<pubDate>Mon, 23 Nov 2026 08:00:00 +0000</pubDate><link>https://news.example/b</link></item>
</channel></rss>"""


def test_a_feed_entry_dated_9999_is_skipped_and_logged_and_the_rest_is_queued(caplog):
    # GIVEN a feed with an entry dated in the last hour of 9999 (was: polled, queued,
    # cursor saved, and at triage its batch failed with OverflowError)
    watch = Watch.from_dict(
        {"terms": ["voltera"], "feeds": [{"url": "https://news.example/rss", "all": True}]}
    )

    def http_get(url, headers):
        return feeds.HttpResponse(200, {}, RSS)

    queued: list[Mention] = []
    store = MemoryTable()
    with caplog.at_level(logging.WARNING):
        outcome = run_poller(
            "feeds",
            lambda client, cursor, **kw: feeds.fetch(client, cursor, watch=watch, **kw),
            http_get,
            store,
            queued.extend,
            now=NOW,
        )
    # THEN only the sane one is queued, the cursor moves on, and the log says why
    assert [m.text for m in queued] == ["Voltera storing voorbij"]
    assert outcome.status == "ok" and outcome.queued == 1
    assert store.get(keys.source_cursor("feeds"))["cursor"]
    assert any("9999" in str(getattr(r, "fields", {})) for r in caplog.records)


def test_a_polled_post_over_a_limit_is_cut_to_it_and_queued():
    long = Mention(
        source="reddit",
        native_id="t1_x",
        url="https://reddit.com/" + "u" * 5000,
        author=Author("t2_a", "h" * 500, name="n" * 900, followers=10**40),
        text="storing",
        created_at="2026-11-23T08:00:00Z",
        received_at="2026-11-23T08:00:00Z",
    )
    queued: list[Mention] = []
    run_poller(
        "reddit",
        lambda client, cursor, **kw: FetchResult([long], "c"),
        None,
        MemoryTable(),
        queued.extend,
        now=NOW,
    )
    (fitted,) = queued
    assert len(fitted.url) == 2048 and len(fitted.author.handle) == 100
    assert len(fitted.author.name) == 200 and fitted.author.followers == 10**10
