"""RSS/Atom poller with an injected HTTP function serving fixture bytes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chalicelib.errors import RetriableSourceError
from chalicelib.sources import feeds
from chalicelib.sources.feeds import HttpResponse
from chalicelib.sources.watch import Watch

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NEWS = "https://nieuws.example.nl/rss"
ALERTS = "https://alerts.example.com/acme.atom"

FIXTURES = Path(__file__).parent / "fixtures"
RSS = (FIXTURES / "news.rss").read_bytes()  # 3 items: matching, not matching, too old
ATOM = (FIXTURES / "alerts.atom").read_bytes()  # 1 entry, no watch term


class FakeWeb:
    def __init__(self, pages: Mapping[str, list[HttpResponse]]) -> None:
        self.pages = {url: list(answers) for url, answers in pages.items()}
        self.requests: list[tuple[str, dict[str, str]]] = []

    def __call__(self, url: str, headers: Mapping[str, str]) -> HttpResponse:
        self.requests.append((url, dict(headers)))
        answer = self.pages[url].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


WATCH = Watch.from_dict({"terms": ["Acme"], "feeds": [NEWS, {"url": ALERTS, "all": True}]})


def ok(body: bytes, **headers: str) -> HttpResponse:
    return HttpResponse(200, {"Content-Type": "application/xml", **headers}, body)


def test_matching_entries_and_all_entries_of_an_all_feed_become_mentions():
    web = FakeWeb({NEWS: [ok(RSS, ETag='"v1"')], ALERTS: [ok(ATOM)]})
    result = feeds.fetch(web, None, watch=WATCH, now=NOW)
    assert [m.url for m in result.mentions] == [
        "https://nieuws.example.nl/a/1",
        "https://blog.example/review",
    ]
    news, review = result.mentions
    assert news.source == "feed" and news.native_id == feeds.entry_id({"id": "nieuws-1"})
    assert news.text == (
        "Storing bij Acme treft duizenden klanten\n\n"
        "Klanten van Acme konden & kunnen niet inloggen."
    )
    assert news.created_at == "2026-11-23T06:30:00Z"
    assert news.author.handle == "nieuws.example.nl"
    assert news.matched_terms == ("Acme",)
    assert review.text == "Review: de nieuwe app\n\nLekker snel, één klik."
    assert review.author.name == "Sanne" and review.matched_terms == ()
    assert (result.requests, result.reads) == (2, 4)


def test_the_next_run_sends_etag_and_last_modified_and_a_304_costs_nothing():
    web = FakeWeb(
        {
            NEWS: [ok(RSS, ETag='"v1"', **{"Last-Modified": "Mon, 23 Nov 2026 08:00:00 GMT"})],
            ALERTS: [ok(ATOM)],
        }
    )
    first = feeds.fetch(web, None, watch=WATCH, now=NOW)
    web.pages = {NEWS: [HttpResponse(304)], ALERTS: [HttpResponse(304)]}
    second = feeds.fetch(web, first.next_cursor, watch=WATCH, now=NOW)
    sent = dict(web.requests[2][1])
    assert sent == {"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 23 Nov 2026 08:00:00 GMT"}
    assert second.mentions == []
    assert json.loads(second.next_cursor) == json.loads(first.next_cursor)


def test_entries_already_seen_are_not_repeated_when_the_feed_changes():
    web = FakeWeb({NEWS: [ok(RSS)], ALERTS: [ok(ATOM)]})
    first = feeds.fetch(web, None, watch=WATCH, now=NOW)
    web.pages = {NEWS: [ok(RSS)], ALERTS: [ok(ATOM)]}
    second = feeds.fetch(web, first.next_cursor, watch=WATCH, now=NOW)
    assert len(first.mentions) == 2 and second.mentions == []


def test_one_broken_feed_is_a_note_not_a_failure():
    web = FakeWeb({NEWS: [HttpResponse(503)], ALERTS: [ok(ATOM)]})
    result = feeds.fetch(web, None, watch=WATCH, now=NOW)
    assert len(result.mentions) == 1
    assert result.notes == [f"{NEWS}: HTTP 503"]
    assert NEWS not in json.loads(result.next_cursor)


def test_every_feed_failing_is_retriable():
    web = FakeWeb({NEWS: [TimeoutError()], ALERTS: [ok(b"<html>not a feed</html>")]})
    with pytest.raises(RetriableSourceError, match="every feed failed"):
        feeds.fetch(web, None, watch=WATCH, now=NOW)


def test_feeds_no_longer_watched_are_forgotten():
    cursor = json.dumps({"https://old.example/rss": {"etag": "x"}})
    web = FakeWeb({NEWS: [HttpResponse(304)], ALERTS: [HttpResponse(304)]})
    result = feeds.fetch(web, cursor, watch=WATCH, now=NOW)
    assert result.next_cursor is None


def test_html_becomes_plain_text():
    assert feeds.plain("<p>a &amp; <i>b</i></p>\n<p>c</p>") == "a & b\nc"
