"""Reddit poller on our own listings, through the real praw client over `responses`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from chalicelib.errors import ConfigError, FatalSourceError, RetriableSourceError
from chalicelib.sources import reddit
from chalicelib.sources.watch import Watch

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TOKEN = "https://www.reddit.com/api/v1/access_token"
COMMENTS = "https://oauth.reddit.com/r/thenetherlands+acme/comments/"
NEW = "https://oauth.reddit.com/r/thenetherlands+acme/new"
SEARCH = "https://oauth.reddit.com/r/all/search/"
WATCH = Watch.from_dict(
    {
        "terms": ["Acme"],
        "exclude": ["Acme anvil"],
        "subreddits": ["thenetherlands", {"name": "acme", "all": True}],
    }
)
CREDENTIALS = {
    "reddit_client_id": "id",
    "reddit_client_secret": "secret",
    "reddit_user_agent": "lambda:nl.acme.listening:0.1 (by /u/acme_webcare)",
}


def comment(id36: str, body: str, subreddit: str = "thenetherlands", **extra) -> dict:
    data = {
        "id": id36,
        "name": f"t1_{id36}",
        "body": body,
        "author": "piet",
        "author_fullname": "t2_abc",
        "created_utc": 1795000000.0,
        "link_id": "t3_zz1",
        "parent_id": "t3_zz1",
        "subreddit": subreddit,
        "score": 5,
        "ups": 5,
        "permalink": f"/r/{subreddit}/comments/zz1/titel/{id36}/",
        **extra,
    }
    return {"kind": "t1", "data": data}


def post(id36: str, title: str, selftext: str = "", subreddit: str = "acme", **extra) -> dict:
    data = {
        "id": id36,
        "name": f"t3_{id36}",
        "title": title,
        "selftext": selftext,
        "author": "kees",
        "created_utc": 1795000300.0,
        "subreddit": subreddit,
        "score": 12,
        "ups": 12,
        "num_comments": 3,
        "permalink": f"/r/{subreddit}/comments/{id36}/titel/",
        **extra,
    }
    return {"kind": "t3", "data": data}


def listing(*children: dict) -> dict:
    return {"kind": "Listing", "data": {"children": list(children), "after": None, "before": None}}


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(
            TOKEN,
            json={"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"},
        )
        yield rsps


@pytest.fixture
def client():
    return reddit.make_client(CREDENTIALS)


def params_of(call) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(call.request.url).query))


def api_calls(mock) -> list:
    return [c for c in mock.calls if "oauth.reddit.com" in c.request.url]


def test_matching_comments_and_everything_from_our_own_subreddit_become_mentions(client, mock):
    mock.get(
        COMMENTS,
        json=listing(
            comment("c3", "Acme heeft mijn geld nog steeds niet terug"),
            comment("c2", "Mooi weer vandaag"),
            comment("c1", "Een Acme anvil gekocht"),
            comment("c0", "geen merknaam hier", subreddit="acme"),
        ),
    )
    mock.get(NEW, json=listing(post("p1", "Storing?", "Alles plat", subreddit="acme")))
    mock.get(SEARCH, json=listing())
    result = reddit.fetch(client, None, watch=WATCH, now=NOW)
    ids = [m.id for m in result.mentions]
    assert ids == ["reddit:t1_c3", "reddit:t1_c0", "reddit:t3_p1"]
    first = result.mentions[0]
    assert first.matched_terms == ("Acme",)
    assert first.url == "https://www.reddit.com/r/thenetherlands/comments/zz1/titel/c3/"
    assert first.author.handle == "piet" and first.author.id == "t2_abc"
    assert first.created_at == "2026-11-18T11:06:40Z"
    assert first.in_reply_to == "reddit:t3_zz1"
    assert result.mentions[2].text == "Storing?\n\nAlles plat"
    assert result.mentions[2].engagement.replies == 3
    assert (result.requests, result.reads, result.exhausted) == (3, 5, True)
    assert json.loads(result.next_cursor) == {"comments": "t1_c3", "posts": "t3_p1"}


def test_one_request_per_listing_with_the_before_cursor(client, mock):
    mock.get(COMMENTS, json=listing(comment("c9", "Acme!")))
    mock.get(NEW, json=listing(post("p9", "Acme")))
    mock.get(SEARCH, json=listing())
    cursor = json.dumps({"comments": "t1_c3", "posts": "t3_p1", "search": 1795000000.0})
    result = reddit.fetch(client, cursor, watch=WATCH, now=NOW)
    calls = api_calls(mock)
    assert len(calls) == 3 == result.requests
    assert params_of(calls[0]) | {"raw_json": "1"} == {
        "limit": "100",
        "before": "t1_c3",
        "raw_json": "1",
    }
    assert params_of(calls[1])["before"] == "t3_p1"
    search = params_of(calls[2])
    assert (search["q"], search["sort"], search["limit"]) == ("Acme", "new", "100")
    assert json.loads(result.next_cursor)["comments"] == "t1_c9"


def test_an_empty_before_page_is_checked_against_the_newest_page(client, mock):
    # GIVEN the anchor comment was deleted: `before` answers empty for ever
    mock.get(COMMENTS, json=listing())
    mock.get(
        COMMENTS, json=listing(comment("c5", "Acme"), comment("c4", "Acme"), comment("c2", "Acme"))
    )
    mock.get(NEW, json=listing())
    mock.get(NEW, json=listing())
    mock.get(SEARCH, json=listing())
    cursor = json.dumps({"comments": "t1_c3", "posts": "t3_p1"})
    result = reddit.fetch(client, cursor, watch=WATCH, now=NOW)
    # THEN newer comments are found on the plain page, older ones are not repeated
    assert [m.native_id for m in result.mentions] == ["t1_c5", "t1_c4"]
    assert json.loads(result.next_cursor)["comments"] == "t1_c5"
    assert json.loads(result.next_cursor)["posts"] == "t3_p1"


def test_search_keeps_only_posts_newer_than_the_last_one_seen(client, mock):
    watch = Watch.from_dict({"terms": ["Acme", "Acme Bank"]})
    mock.get(
        SEARCH,
        json=listing(
            post("s2", "Acme Bank down", subreddit="europe", created_utc=1795000900.0),
            post("s1", "Acme Bank down again", subreddit="europe", created_utc=1795000000.0),
        ),
    )
    result = reddit.fetch(client, json.dumps({"search": 1795000000.0}), watch=watch, now=NOW)
    assert params_of(api_calls(mock)[0])["q"] == 'Acme OR "Acme Bank"'
    assert [m.native_id for m in result.mentions] == ["t3_s2"]
    assert json.loads(result.next_cursor) == {"search": 1795000900.0}


def test_a_comment_without_permalink_links_through_its_post():
    mention = reddit.permalink({"id": "d4y8bdp", "link_id": "t3_4r4inc"})
    assert mention == "https://www.reddit.com/comments/4r4inc/_/d4y8bdp/"


def test_the_request_cap_stops_the_run_and_says_so(client, mock):
    mock.get(COMMENTS, json=listing(comment("c9", "Acme")))
    result = reddit.fetch(client, None, watch=WATCH, now=NOW, max_requests=1)
    assert result.requests == 1 and not result.exhausted
    assert "request cap" in result.notes[0]
    assert json.loads(result.next_cursor) == {"comments": "t1_c9"}


def test_low_rate_limit_headroom_stops_before_the_next_request(client, mock):
    headers = {"x-ratelimit-remaining": "3", "x-ratelimit-used": "97", "x-ratelimit-reset": "1"}
    mock.get(COMMENTS, json=listing(comment("c9", "Acme")), headers=headers)
    result = reddit.fetch(client, None, watch=WATCH, now=NOW)
    assert result.requests == 1 and not result.exhausted
    assert result.retry_at == NOW.timestamp() + 60


def test_lambda_time_running_out_stops_before_any_request(client, mock):
    result = reddit.fetch(client, None, watch=WATCH, now=NOW, remaining_ms=lambda: 100)
    assert result.requests == 0 and api_calls(mock) == []
    assert result.next_cursor is None


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, RetriableSourceError),
        (503, RetriableSourceError),
        (403, FatalSourceError),
        (404, FatalSourceError),
    ],
)
def test_http_errors_map_to_retriable_or_fatal(client, mock, status, error, monkeypatch):
    # prawcore retries a 5xx twice, sleeping between tries (a few seconds in all)
    monkeypatch.setattr("prawcore.sessions.time.sleep", lambda seconds: None)
    mock.get(COMMENTS, status=status, json={})
    with pytest.raises(error):
        reddit.fetch(client, None, watch=WATCH, now=NOW)


def test_a_429_is_retriable_after_the_wait_reddit_asks_for(client, mock):
    mock.get(COMMENTS, status=429, json={}, headers={"retry-after": "30"})
    with pytest.raises(RetriableSourceError) as caught:
        reddit.fetch(client, None, watch=WATCH, now=NOW)
    assert caught.value.retry_at == NOW.timestamp() + 30


def test_refused_credentials_are_fatal(client, mock):
    mock.replace(responses.POST, TOKEN, status=401, json={"error": "invalid_grant"})
    with pytest.raises(FatalSourceError):
        reddit.fetch(client, None, watch=WATCH, now=NOW)


def test_make_client_wants_all_three_keys_and_a_proper_user_agent():
    with pytest.raises(ConfigError, match="reddit_client_secret"):
        reddit.make_client({**CREDENTIALS, "reddit_client_secret": ""})
    with pytest.raises(ConfigError, match="by /u/"):
        reddit.make_client({**CREDENTIALS, "reddit_user_agent": "python-requests"})
    assert reddit.make_client(CREDENTIALS).read_only
