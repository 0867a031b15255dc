"""Recorded Reddit traffic (praw cassettes) through the real praw.Reddit and our Reddit
source. Each cassette starts with the OAuth token request; 2016 comments lack permalink."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import responses
from responses.registries import OrderedRegistry

from chalicelib.sources import reddit
from chalicelib.sources.watch import Watch
from tests.replay_http import need, praw_cassette, serve

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CREDENTIALS = {
    "reddit_client_id": "replay",
    "reddit_client_secret": "replay",
    "reddit_user_agent": "test:nl.example.listening:0.1 (by /u/example)",
}
COMMENTS = "TestSubredditListings.test_comments.json"
NEW = "TestSubredditListings.test_new.json"
SEARCH = "TestSubreddit.test_search.json"


@pytest.fixture
def replay(realdata) -> Iterator:
    """`replay(name, ...)` serves those cassettes in order (one token request in all)."""
    mock = responses.RequestsMock(registry=OrderedRegistry)
    mock.start()
    bodies: dict[str, list[dict]] = {}

    def load(*names: str) -> dict[str, list[dict]]:
        for i, name in enumerate(names):
            recorded = praw_cassette(need(realdata, "reddit", name))
            serve(mock, recorded if i == 0 else recorded[1:])
            bodies[name] = [json.loads(r.body) for r in recorded[1:]]
        return bodies

    yield load
    mock.stop()
    mock.reset()


def children(body: dict) -> list[dict]:
    return [c["data"] for c in body["data"]["children"]]


def test_recorded_comments_of_an_all_subreddit_become_100_mentions(replay):
    recorded = children(replay(COMMENTS)[COMMENTS][0])
    watch = Watch.from_dict({"terms": ["Acme"], "subreddits": [{"name": "askreddit", "all": True}]})
    # the cap of one request keeps the run to the recorded comments listing
    client = reddit.make_client(CREDENTIALS)
    result = reddit.fetch(client, None, watch=watch, now=NOW, max_requests=1)
    assert len(result.mentions) == 100 == len(recorded)
    assert (result.requests, result.reads) == (1, 100)
    assert [m.id for m in result.mentions] == [f"reddit:{c['name']}" for c in recorded]
    first = result.mentions[0]
    assert first.native_id == "t1_d4y8bdp"
    assert first.author.handle == "preppypuppy"
    assert first.text == "great, life is so much better when you can do what you enjoy for a living"
    assert first.created_at == "2016-07-04T00:04:50Z"
    assert first.in_reply_to == "reddit:t3_4r4inc"
    # 2016 comments have no permalink: every link is built from link_id + id
    assert all(c.get("permalink") is None for c in recorded)
    for mention, raw in zip(result.mentions, recorded, strict=True):
        post = raw["link_id"].removeprefix("t3_")
        assert mention.url == f"https://www.reddit.com/comments/{post}/_/{raw['id']}/"
    newest = max(recorded, key=lambda c: int(c["id"], 36))["name"]
    assert json.loads(result.next_cursor)["comments"] == newest


def test_recorded_comments_are_matched_locally_against_the_watch_terms(replay):
    replay(COMMENTS)
    watch = Watch.from_dict({"terms": ["life"], "subreddits": ["askreddit"]})
    client = reddit.make_client(CREDENTIALS)
    result = reddit.fetch(client, None, watch=watch, now=NOW, max_requests=1)
    assert "t1_d4y8bdp" in [m.native_id for m in result.mentions]
    assert 0 < len(result.mentions) < 100
    assert all(re.search(r"\blife\b", m.text, re.IGNORECASE) for m in result.mentions)
    assert all(m.matched_terms == ("life",) for m in result.mentions)


def test_recorded_new_posts_and_search_results_become_mentions(replay):
    bodies = replay(COMMENTS, NEW, SEARCH)
    posts = children(bodies[NEW][0])
    found = children(bodies[SEARCH][0])
    watch = Watch.from_dict({"terms": ["praw"], "subreddits": [{"name": "askreddit", "all": True}]})
    result = reddit.fetch(reddit.make_client(CREDENTIALS), None, watch=watch, now=NOW)
    assert result.requests == 3
    by_id = {m.native_id: m for m in result.mentions}
    assert len(by_id) == 100 + len(posts) + len(found) == 206
    submission = by_id["t3_48fbm9"]
    assert submission.text.startswith("[Serious] Parents of Reddit, what's the biggest lie")
    assert submission.url == (
        "https://www.reddit.com/r/AskReddit/comments/48fbm9/"
        "serious_parents_of_reddit_whats_the_biggest_lie/"
    )
    assert submission.engagement.replies == 1
    for raw in found:
        hit = by_id[raw["name"]]
        assert hit.matched_terms == ("praw",)
        assert hit.url == "https://www.reddit.com" + raw["permalink"].split("?")[0]
    state = json.loads(result.next_cursor)
    assert state["posts"] == max((p["name"] for p in posts), key=lambda n: int(n[3:], 36))
    assert state["search"] == max(p["created_utc"] for p in found)


def test_each_listing_can_be_polled_alone(replay):
    replay(NEW)
    watch = Watch.from_dict({"terms": ["x"], "subreddits": [{"name": "askreddit", "all": True}]})
    client = reddit.make_client(CREDENTIALS)
    result = reddit.fetch(client, None, watch=watch, now=NOW, parts=("posts",))
    assert result.requests == 1 and len(result.mentions) == 100
    assert all(m.native_id.startswith("t3_") for m in result.mentions)
    with pytest.raises(ValueError, match="unknown"):
        reddit.fetch(client, None, watch=watch, now=NOW, parts=("hot",))
