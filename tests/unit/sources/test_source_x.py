"""X poller on our own fixtures: the fields the recordings lack, errors, cursors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses
import tweepy

from chalicelib.errors import ConfigError, FatalSourceError, RetriableSourceError
from chalicelib.sources import x
from chalicelib.sources.watch import Watch

SEARCH = "https://api.twitter.com/2/tweets/search/recent"
MENTIONS = "https://api.twitter.com/2/users/783214/mentions"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def tid(n: int) -> str:
    """A post id from a minute before NOW, plus n (X ids are snowflakes: time in the id)."""
    return str(((int(NOW.timestamp() * 1000) - 60_000 - 1288834974657) << 22) + n)


WATCH = Watch.from_dict({"terms": ["Acme"], "handles": ["@acme_nl"], "authors": ["@omroep"]})


def tweet(native_id: str, text: str = "Acme is stuk", author: str = "11", **extra) -> dict:
    return {
        "id": native_id,
        "text": text,
        "author_id": author,
        "created_at": "2026-11-23T08:59:01.000Z",
        "lang": "nl",
        "conversation_id": native_id,
        "public_metrics": {"like_count": 3, "reply_count": 1, "retweet_count": 2, "quote_count": 4},
        "edit_history_tweet_ids": [native_id],
        **extra,
    }


USERS = [
    {
        "id": "11",
        "username": "jan",
        "name": "Jan de Vries",
        "verified": False,
        "public_metrics": {"followers_count": 1234},
    },
    {
        "id": "12",
        "username": "omroep",
        "name": "De Omroep",
        "public_metrics": {"followers_count": 9},
    },
]


def page(tweets: list[dict], *, newest: str | None = None, next_token: str | None = None) -> dict:
    meta: dict = {"result_count": len(tweets)}
    if tweets:
        meta |= {"newest_id": newest or tweets[0]["id"], "oldest_id": tweets[-1]["id"]}
    if next_token:
        meta["next_token"] = next_token
    body: dict = {"meta": meta}
    if tweets:
        body |= {"data": tweets, "includes": {"users": USERS}}
    return body


@pytest.fixture
def client() -> tweepy.Client:
    return tweepy.Client(bearer_token="test-token", wait_on_rate_limit=False)


@pytest.fixture
def mock():
    with responses.RequestsMock() as rsps:
        yield rsps


def sent_params(call) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(call.request.url).query))


def test_a_post_with_expansions_becomes_a_full_mention(client, mock):
    # GIVEN a page with author expansion and metrics
    reply = tweet(tid(2), referenced_tweets=[{"type": "replied_to", "id": "77"}])
    mock.get(SEARCH, json=page([tweet(tid(1)), reply]))
    # WHEN we fetch
    result = x.fetch(client, None, watch=WATCH, now=NOW)
    # THEN the mention carries author reach, engagement, terms and a link
    first = result.mentions[0]
    assert first.id == f"x:{tid(1)}"
    assert first.author.handle == "jan" and first.author.followers == 1234
    assert first.author.name == "Jan de Vries"
    assert first.url == f"https://x.com/jan/status/{tid(1)}"
    assert first.created_at == "2026-11-23T08:59:01Z"
    assert first.received_at == "2026-11-23T09:00:00Z"
    assert first.lang == "nl"
    assert (first.engagement.likes, first.engagement.replies) == (3, 1)
    assert (first.engagement.reposts, first.engagement.score) == (2, 4)
    assert first.matched_terms == ("Acme",)
    assert first.in_reply_to is None
    assert result.mentions[1].in_reply_to == "x:77"
    assert (result.requests, result.reads, result.exhausted) == (1, 2, True)
    assert json.loads(result.next_cursor) == {"since_id": tid(1)}


def test_the_request_asks_for_fields_expansions_and_the_watch_query(client, mock):
    mock.get(SEARCH, json=page([]))
    x.fetch(client, json.dumps({"since_id": tid(55)}), watch=WATCH, now=NOW, page_size=50)
    params = sent_params(mock.calls[0])
    assert params["query"] == WATCH.x_query()
    assert params["since_id"] == tid(55)
    assert params["max_results"] == "50"
    assert params["expansions"] == "author_id"
    assert set(params["tweet.fields"].split(",")) >= {
        "created_at",
        "lang",
        "public_metrics",
        "author_id",
        "conversation_id",
        "in_reply_to_user_id",
    }
    assert set(params["user.fields"].split(",")) == {
        "username",
        "name",
        "public_metrics",
        "verified",
    }
    assert "start_time" not in params


def test_first_run_looks_back_an_hour_instead_of_seven_days(client, mock):
    mock.get(SEARCH, json=page([]))
    result = x.fetch(client, None, watch=WATCH, now=NOW)
    assert sent_params(mock.calls[0])["start_time"] == "2026-11-23T08:00:00Z"
    assert result.next_cursor is None and result.mentions == []


def test_an_empty_page_keeps_the_cursor(client, mock):
    mock.get(SEARCH, json=page([]))
    result = x.fetch(client, tid(9), watch=WATCH, now=NOW)
    assert result.mentions == [] and result.exhausted
    assert json.loads(result.next_cursor) == {"since_id": tid(9)}


def test_pages_are_followed_and_since_id_moves_to_the_newest_post(client, mock):
    mock.get(SEARCH, json=page([tweet(tid(30)), tweet(tid(29))], next_token="p2"))
    mock.get(SEARCH, json=page([tweet(tid(28))]))
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW)
    assert [m.native_id for m in result.mentions] == [tid(30), tid(29), tid(28)]
    assert sent_params(mock.calls[1])["next_token"] == "p2"
    assert json.loads(result.next_cursor) == {"since_id": tid(30)}


def test_page_cap_keeps_since_id_and_resumes_from_the_next_token(client, mock):
    # GIVEN more pages than one run may read
    mock.get(SEARCH, json=page([tweet(tid(30))], next_token="p2"))
    first = x.fetch(client, tid(10), watch=WATCH, now=NOW, max_pages=1)
    # THEN since_id stays put (older posts of this pass are still unread)
    assert not first.exhausted
    assert json.loads(first.next_cursor) == {
        "since_id": tid(10),
        "next_token": "p2",
        "newest_id": tid(30),
    }
    # WHEN the next run resumes
    mock.get(SEARCH, json=page([tweet(tid(20))]))
    second = x.fetch(client, first.next_cursor, watch=WATCH, now=NOW)
    # THEN it asks for the next page with the same since_id and ends at the newest post
    params = sent_params(mock.calls[1])
    assert params["next_token"] == "p2" and params["since_id"] == tid(10)
    assert [m.native_id for m in second.mentions] == [tid(20)]
    assert json.loads(second.next_cursor) == {"since_id": tid(30)}


def test_a_resumed_first_pass_keeps_its_start_time(client, mock):
    mock.get(SEARCH, json=page([tweet(tid(30))], next_token="p2"))
    first = x.fetch(client, None, watch=WATCH, now=NOW, max_pages=1)
    mock.get(SEARCH, json=page([tweet(tid(20))]))
    x.fetch(client, first.next_cursor, watch=WATCH, now=datetime(2026, 11, 23, 9, 5, tzinfo=UTC))
    assert sent_params(mock.calls[1])["start_time"] == "2026-11-23T08:00:00Z"


def test_rate_limit_stops_keeps_the_cursor_and_reports_the_reset(client, mock):
    mock.get(
        SEARCH,
        status=429,
        json={"title": "Too Many Requests"},
        headers={"x-rate-limit-reset": "1795000000"},
    )
    result = x.fetch(client, tid(9), watch=WATCH, now=NOW)
    assert result.retry_at == 1795000000
    assert result.mentions == [] and not result.exhausted and result.requests == 0
    assert json.loads(result.next_cursor) == {"since_id": tid(9)}


def test_rate_limit_on_a_later_page_keeps_what_was_read_and_where_to_go_on(client, mock):
    mock.get(SEARCH, json=page([tweet(tid(30))], next_token="p2"))
    mock.get(SEARCH, status=429, json={}, headers={"x-rate-limit-reset": "1795000000"})
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW)
    assert [m.native_id for m in result.mentions] == [tid(30)]
    assert json.loads(result.next_cursor) == {
        "since_id": tid(10),
        "next_token": "p2",
        "newest_id": tid(30),
    }
    assert result.retry_at == 1795000000


def test_rate_limit_without_a_reset_header_waits_fifteen_minutes(client, mock):
    mock.get(SEARCH, status=429, json={})
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW)
    assert result.retry_at == NOW.timestamp() + 900


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retriable(client, mock, status):
    mock.get(SEARCH, status=status, json={})
    with pytest.raises(RetriableSourceError):
        x.fetch(client, tid(10), watch=WATCH, now=NOW)


@pytest.mark.parametrize("status", [400, 401, 403])
def test_credential_and_query_errors_are_fatal(client, mock, status):
    mock.get(SEARCH, status=status, json={})
    with pytest.raises(FatalSourceError):
        x.fetch(client, tid(10), watch=WATCH, now=NOW)


def test_it_stops_before_a_request_when_lambda_time_runs_low(client, mock):
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW, remaining_ms=lambda: 2_000)
    assert result.requests == 0 and not result.exhausted
    assert json.loads(result.next_cursor) == {"since_id": tid(10)}
    assert len(mock.calls) == 0


def test_it_stops_when_the_read_budget_is_spent(client, mock):
    mock.get(SEARCH, json=page([tweet(tid(30)), tweet(tid(29))], next_token="p2"))
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW, max_reads=2)
    assert result.reads == 2 and result.requests == 1 and not result.exhausted
    assert "budget" in result.notes[0]
    assert sent_params(mock.calls[0])["max_results"] == "10"  # X's smallest page


def test_a_watched_author_is_tagged(client, mock):
    mock.get(SEARCH, json=page([tweet(tid(30), author="12", text="over @acme_nl")]))
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW)
    assert result.mentions[0].matched_terms == ("@acme_nl", "author:@omroep")


def test_long_posts_use_the_note_tweet_text(client, mock):
    long_text = "Acme " + "x" * 400
    mock.get(SEARCH, json=page([tweet(tid(30), text="Acme xx…", note_tweet={"text": long_text})]))
    result = x.fetch(client, tid(10), watch=WATCH, now=NOW)
    assert result.mentions[0].text == long_text


def test_mentions_timeline_uses_the_configured_account_and_pagination_token(client, mock):
    watch = Watch.from_dict({"terms": ["Acme"], "x_mentions_user_id": "783214"})
    mock.get(MENTIONS, json=page([tweet(tid(30))], next_token="p2"))
    mock.get(MENTIONS, json=page([tweet(tid(29))]))
    result = x.fetch_mentions(client, None, watch=watch, now=NOW)
    assert sent_params(mock.calls[1])["pagination_token"] == "p2"
    assert [m.id for m in result.mentions] == [f"x:{tid(30)}", f"x:{tid(29)}"]


def test_mentions_timeline_without_an_account_is_a_fatal_configuration_error(client):
    with pytest.raises(FatalSourceError):
        x.fetch_mentions(client, None, watch=WATCH, now=NOW)


def test_make_client_names_the_missing_secret_without_showing_values():
    with pytest.raises(ConfigError, match="x_bearer_token"):
        x.make_client({"x_bearer_token": "  "})
    client = x.make_client({"x_bearer_token": "abc"})
    assert client.wait_on_rate_limit is False


def test_the_client_gives_up_on_a_hung_connection(mock):
    client = x.make_client({"x_bearer_token": "abc"})
    mock.get(SEARCH, json=page([]))
    x.fetch(client, tid(10), watch=WATCH, now=NOW)
    assert mock.calls[0].request.req_kwargs["timeout"] == x.REQUEST_TIMEOUT


def test_a_garbled_cursor_is_a_fatal_error(client):
    with pytest.raises(FatalSourceError):
        x.fetch(client, "not-json", watch=WATCH, now=NOW)


def test_a_since_id_older_than_seven_days_becomes_a_search_of_the_whole_window(client, mock):
    # GIVEN a quiet brand: the newest post we saw is 8 days old (X answers 400 to it)
    old = str(((int((NOW.timestamp() - 8 * 86400) * 1000) - 1288834974657) << 22) + 1)
    mock.get(SEARCH, json=page([tweet(tid(1))]))
    result = x.fetch(client, old, watch=WATCH, now=NOW)
    params = sent_params(mock.calls[0])
    assert "since_id" not in params
    assert params["start_time"] == "2026-11-16T09:05:00Z"
    assert "7-day window" in result.notes[0]
    assert json.loads(result.next_cursor) == {"since_id": tid(1)}


def test_an_expired_page_token_restarts_the_pass_from_since_id(client, mock):
    cursor = json.dumps(
        {
            "since_id": tid(0),
            "next_token": "stale",
            "newest_id": tid(9),
        }
    )
    mock.get(SEARCH, status=400, json={"errors": [{"message": "Invalid next_token"}]})
    mock.get(SEARCH, json=page([tweet(tid(10))]))
    result = x.fetch(client, cursor, watch=WATCH, now=NOW)
    assert "next_token" not in sent_params(mock.calls[1])
    assert sent_params(mock.calls[1])["since_id"] == tid(0)
    assert json.loads(result.next_cursor) == {"since_id": tid(10)}


def test_a_bad_request_without_a_saved_token_is_still_fatal(client, mock):
    mock.get(SEARCH, status=400, json={})
    with pytest.raises(FatalSourceError):
        x.fetch(client, tid(0), watch=WATCH, now=NOW)
