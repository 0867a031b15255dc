"""Recorded X API v2 traffic (tweepy cassettes) through the real tweepy.Client and our
X source. The recordings asked for no extra fields: posts carry only id and text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses
import tweepy
from responses.registries import OrderedRegistry

from chalicelib.errors import RetriableSourceError
from chalicelib.sources import x
from chalicelib.sources.watch import Watch
from tests.replay_http import need, serve, tweepy_cassette

NOW = datetime(2022, 10, 7, 22, 45, tzinfo=UTC)


@pytest.fixture
def client() -> tweepy.Client:
    return tweepy.Client(bearer_token="replay", wait_on_rate_limit=False)


def replay(realdata, name: str):
    recorded = tweepy_cassette(need(realdata, "twitter", name))
    mock = responses.RequestsMock(registry=OrderedRegistry)
    mock.start()
    serve(mock, recorded)
    return mock, recorded


@pytest.fixture
def search(realdata):
    mock, recorded = replay(realdata, "test_client_search_recent_tweets.yaml")
    yield mock, json.loads(recorded[0].body)
    mock.stop()
    mock.reset()


@pytest.fixture
def mentions(realdata):
    mock, recorded = replay(realdata, "test_client_get_users_mentions.yaml")
    yield mock, json.loads(recorded[0].body)
    mock.stop()
    mock.reset()


def test_recorded_recent_search_becomes_ten_mentions_with_the_recorded_ids(client, search):
    mock, body = search
    result = x.fetch(
        client, None, watch=Watch.from_dict({"terms": ["Tweepy"]}), now=NOW, max_pages=1
    )
    assert [m.id for m in result.mentions] == [f"x:{t['id']}" for t in body["data"]]
    assert len(result.mentions) == 10 and result.reads == 10 and result.requests == 1
    assert mock.calls[0].request.path_url.startswith("/2/tweets/search/recent?")
    assert all(m.matched_terms == ("Tweepy",) for m in result.mentions)
    assert all(m.url == f"https://x.com/i/web/status/{m.native_id}" for m in result.mentions)
    assert all(m.author.handle == "" and m.lang is None for m in result.mentions)


def test_without_created_at_the_time_comes_from_the_post_id(client, search):
    # each recorded post's text starts with the moment it was posted, to the microsecond
    result = x.fetch(
        client, None, watch=Watch.from_dict({"terms": ["Tweepy"]}), now=NOW, max_pages=1
    )
    for mention in result.mentions:
        said = datetime.strptime(mention.text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        posted = datetime.fromisoformat(mention.created_at.replace("Z", "+00:00"))
        assert abs((posted - said).total_seconds()) <= 1, mention.text


def test_the_recorded_next_token_is_kept_for_the_next_run(client, search):
    _, body = search
    result = x.fetch(
        client, None, watch=Watch.from_dict({"terms": ["Tweepy"]}), now=NOW, max_pages=1
    )
    state = json.loads(result.next_cursor)
    assert state["next_token"] == body["meta"]["next_token"]
    assert state["newest_id"] == body["meta"]["newest_id"]
    assert "since_id" not in state  # the pass is not finished: since_id must not move yet


def test_a_page_the_recording_lacks_is_a_retriable_error_not_a_skip(client, search):
    with pytest.raises(RetriableSourceError):
        x.fetch(client, None, watch=Watch.from_dict({"terms": ["Tweepy"]}), now=NOW, max_pages=2)


def test_recorded_mentions_of_an_account_become_mentions_matching_its_handle(client, mentions):
    mock, body = mentions
    watch = Watch.from_dict({"handles": ["@Twitter"], "x_mentions_user_id": "783214"})
    result = x.fetch_mentions(client, None, watch=watch, now=NOW, max_pages=1)
    assert mock.calls[0].request.path_url.startswith("/2/users/783214/mentions?")
    assert [m.native_id for m in result.mentions] == [t["id"] for t in body["data"]]
    assert [m.text for m in result.mentions] == [t["text"] for t in body["data"]]
    assert all("@Twitter" in m.matched_terms for m in result.mentions)
    assert any("🤨" in m.text for m in result.mentions)
    assert {m.created_at[:10] for m in result.mentions} == {
        "2022-10-07"
    }  # recorded Fri 7 Oct 2022, 22:43 UTC
