"""Reddit's Atom feeds through the real HTTP stack (requests, served by `responses`) and
feedparser: the recorded feed in realdata/reddit_atom/, and 304 / 429 / login-page /
truncated answers we build from the documented behaviour (PLATFORM_NOTES, "Reddit without
API approval": conditional GET, Retry-After, a login page for logged-out requests)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses

from chalicelib.errors import ConfigError
from chalicelib.sources import reddit_atom
from chalicelib.sources.watch import Watch
from tests.replay_http import need

NOW = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)
NEW = "https://www.reddit.com/r/FixtureSub/new/.rss"
COMMENTS = "https://www.reddit.com/r/FixtureSub/comments/.rss"
ATOM = {"Content-Type": "application/atom+xml; charset=UTF-8"}
EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<id>/r/FixtureSub/new/.rss</id><title>new</title></feed>"
)


@pytest.fixture
def feed(realdata) -> bytes:
    return need(realdata, "reddit_atom", "comments_feed.atom.xml").read_bytes()


@pytest.fixture
def http():
    return reddit_atom.make_client({})


def watch(everything: bool = True, terms: tuple[str, ...] = ("budget",)) -> Watch:
    return Watch.from_dict(
        {"terms": list(terms), "subreddits": [{"name": "FixtureSub", "all": everything}]}
    )


def serve(url: str, body: bytes = b"", status: int = 200, **headers: str) -> None:
    responses.add(responses.GET, url, body=body, status=status, headers=headers or ATOM)


@responses.activate
def test_posts_and_comments_become_mentions_in_praw_s_id_space(http, feed):
    serve(NEW, feed, **ATOM, ETag='"v1"')
    serve(COMMENTS, EMPTY)
    result = reddit_atom.fetch(http, None, watch=watch(), now=NOW)
    assert [m.id for m in result.mentions] == [
        "reddit:t3_1fixture",
        "reddit:t1_c0000001",
        "reddit:t1_c0000002",
    ]
    post, first, _ = result.mentions
    assert post.text == (
        "Why does the budget flag round up?\n\nA page that runs a little over the budget "
        "prints whole instead of being cut. Is that on purpose?"
    )
    assert post.author.handle == "fixture_poster" and post.created_at == "2026-09-01T11:18:08Z"
    assert first.text == "Yes. One extra tool call costs more than the tokens it would save."
    assert first.in_reply_to == "reddit:t3_1fixture"
    assert first.url.endswith("/comments/1fixture/why_does_the_budget_flag_round_up/c0000001/")
    assert result.degraded is None and result.requests == 2 and result.reads == 3


@responses.activate
def test_only_matching_entries_count_outside_an_all_subreddit(http, feed):
    serve(NEW, feed)
    serve(COMMENTS, EMPTY)
    result = reddit_atom.fetch(http, None, watch=watch(everything=False), now=NOW)
    assert [m.id for m in result.mentions] == ["reddit:t3_1fixture"]
    assert result.mentions[0].matched_terms == ("budget",)


@responses.activate
def test_the_next_run_is_a_conditional_get_and_a_304_costs_nothing(http, feed):
    # 304 Not Modified as RFC 9110 describes it: no body, the validators sent back
    serve(NEW, feed, **ATOM, ETag='"v1"', **{"Last-Modified": "Tue, 01 Sep 2026 14:02:11 GMT"})
    serve(COMMENTS, EMPTY)
    first = reddit_atom.fetch(http, None, watch=watch(), now=NOW)
    responses.reset()
    serve(NEW, status=304, ETag='"v1"')
    serve(COMMENTS, status=304)
    second = reddit_atom.fetch(http, first.next_cursor, watch=watch(), now=NOW)
    sent = responses.calls[0].request.headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Tue, 01 Sep 2026 14:02:11 GMT"
    assert second.mentions == [] and second.degraded is None
    assert json.loads(second.next_cursor) == json.loads(first.next_cursor)


@responses.activate
def test_entries_seen_before_are_not_queued_again(http, feed):
    serve(NEW, feed)
    serve(COMMENTS, EMPTY)
    first = reddit_atom.fetch(http, None, watch=watch(), now=NOW)
    again = reddit_atom.fetch(http, first.next_cursor, watch=watch(), now=NOW)
    assert len(first.mentions) == 3 and again.mentions == []


@responses.activate
def test_429_honours_retry_after_backs_off_and_keeps_the_cursor(http, feed):
    # 429 Too Many Requests with Retry-After in seconds (RFC 6585, RFC 9110 10.2.3)
    serve(NEW, b"", status=429, **{"Retry-After": "300"})
    result = reddit_atom.fetch(http, None, watch=watch(), now=NOW)
    assert result.retry_at == NOW.timestamp() + 300
    assert result.mentions == [] and result.degraded and "429" in result.degraded
    assert json.loads(result.next_cursor) == {"throttled": 1}
    # a Retry-After shorter than the back-off: the back-off wins, doubling per throttled run
    responses.reset()
    serve(NEW, b"", status=429, **{"Retry-After": "5"})
    cursor = json.dumps({"throttled": 3})
    later = reddit_atom.fetch(http, cursor, watch=watch(), now=NOW)
    assert later.retry_at == NOW.timestamp() + 8 * 60
    # and the first good run resets it
    responses.reset()
    serve(NEW, feed)
    serve(COMMENTS, EMPTY)
    ok = reddit_atom.fetch(http, later.next_cursor, watch=watch(), now=NOW)
    assert "throttled" not in json.loads(ok.next_cursor) and ok.degraded is None


@pytest.mark.parametrize(
    ("body", "headers", "why"),
    [
        (
            b"<!DOCTYPE html><html><body><form action='/login'>Log in</form></body></html>",
            {"Content-Type": "text/html; charset=utf-8"},
            "HTML page",
        ),
        (None, ATOM, "truncated"),  # the recorded feed cut in half
    ],
)
@responses.activate
def test_a_login_page_or_truncated_xml_degrades_and_keeps_that_feed_s_cursor(
    http, feed, body, headers, why
):
    serve(NEW, feed, **ATOM, ETag='"v1"')
    serve(COMMENTS, EMPTY)
    first = reddit_atom.fetch(http, None, watch=watch(), now=NOW)
    responses.reset()
    serve(NEW, body if body is not None else feed[: len(feed) // 2], **headers)
    serve(COMMENTS, EMPTY)
    bad = reddit_atom.fetch(http, first.next_cursor, watch=watch(), now=NOW)
    assert bad.degraded and why in bad.degraded and bad.mentions == []
    assert json.loads(bad.next_cursor)[NEW] == json.loads(first.next_cursor)[NEW]


@responses.activate
def test_zero_entries_right_after_entries_is_degraded_not_quiet(http, feed):
    serve(NEW, feed)
    serve(COMMENTS, EMPTY)
    first = reddit_atom.fetch(http, None, watch=watch(), now=NOW)
    responses.reset()
    serve(NEW, EMPTY)
    serve(COMMENTS, EMPTY)
    soon = reddit_atom.fetch(http, first.next_cursor, watch=watch(), now=NOW + timedelta(hours=2))
    assert soon.degraded and "0 entries" in soon.degraded
    # two days on, an empty feed is just a quiet subreddit
    quiet = reddit_atom.fetch(http, first.next_cursor, watch=watch(), now=NOW + timedelta(days=2))
    assert quiet.degraded is None


def test_with_api_credentials_the_praw_poller_reads_reddit_instead():
    with pytest.raises(ConfigError, match="reddit poller"):
        reddit_atom.make_client({"reddit_client_id": "abc"})
