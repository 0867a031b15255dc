"""Bluesky over plain XRPC (requests, served by `responses`).

The posts are live captures (realdata/bluesky/: MarshalX/atproto's test data, captured from
the network): their uri, cid, record and author, wrapped in the documented
``listNotifications`` envelope (reason, indexedAt). The login, refresh, 429 and refused
login follow the documented XRPC shapes ({"error", "message"}) and say so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from chalicelib.sources import bluesky
from chalicelib.sources.watch import Watch
from tests.replay_http import need

PDS = "https://pds.example"
LOGIN = f"{PDS}/xrpc/com.atproto.server.createSession"
REFRESH = f"{PDS}/xrpc/com.atproto.server.refreshSession"
LIST = f"{PDS}/xrpc/app.bsky.notification.listNotifications"
SEARCH = f"{PDS}/xrpc/app.bsky.feed.searchPosts"
BRAND = "did:plc:brand000000000000000000"
NOW = datetime(2024, 2, 22, 20, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_sessions(monkeypatch):
    monkeypatch.setattr(bluesky, "_SESSIONS", {})


@pytest.fixture
def client() -> bluesky.BlueskyClient:
    return bluesky.make_client(
        {
            "bluesky_handle": "@voltera.bsky.social",
            "bluesky_app_password": "abcd-efgh-ijkl-mnop",
            "bluesky_pds": PDS,
        }
    )


@pytest.fixture
def captured(realdata) -> dict:
    """Two captured posts and the captured author, as notifications would carry them."""
    thread = json.loads(
        need(realdata, "bluesky", "atproto_thread_view_post_with_embed_media.json").read_text()
    )
    first = json.loads(need(realdata, "bluesky", "atproto_post_record.json").read_text())
    second = json.loads(need(realdata, "bluesky", "atproto_extended_post_record.json").read_text())
    return {"author": thread["thread"]["post"]["author"], "posts": [first, second]}


def notification(post: dict, author: dict, reason: str, indexed: str) -> dict:
    """The documented listNotifications item around a captured record."""
    return {
        "uri": post["uri"],
        "cid": post["cid"],
        "author": author,
        "reason": reason,
        "record": post["value"],
        "isRead": False,
        "indexedAt": indexed,
        "labels": [],
    }


def logged_in(access: str = "access-1") -> None:
    session = {
        "accessJwt": access,
        "refreshJwt": "refresh-1",
        "did": BRAND,
        "handle": "voltera.bsky.social",
    }
    responses.add(responses.POST, LOGIN, json=session)
    responses.add(responses.GET, SEARCH, json={"posts": []})  # nothing found, unless a test says


def watch() -> Watch:
    return Watch.from_dict({"terms": ["text114"]})


@responses.activate
def test_mentions_and_replies_become_mentions_real_captured_posts(client, captured):
    logged_in()
    first, second = captured["posts"]
    items = [
        notification(first, captured["author"], "mention", "2024-02-22T19:58:14.000Z"),
        notification(second, captured["author"], "reply", "2024-02-22T19:00:00.000Z"),
    ]
    responses.add(responses.GET, LIST, json={"notifications": items})
    result = bluesky.fetch(client, None, watch=watch(), now=NOW)
    assert [m.id for m in result.mentions] == [
        "bluesky:did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3k2yihcrp6f2c",
        "bluesky:did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3k2yinh52ne2x",
    ]
    one, two = result.mentions
    assert (one.text, one.author.handle, one.matched_terms) == (
        "new text114",
        "test.marshal.dev",
        ("text114",),
    )
    assert one.url == "https://bsky.app/profile/test.marshal.dev/post/3k2yihcrp6f2c"
    assert one.created_at == "2024-02-22T19:58:13Z"
    # the second record's createdAt has no time zone (as captured): indexedAt stands in
    assert (two.text, two.lang, two.created_at) == ("regress test", "en", "2024-02-22T19:00:00Z")
    login = json.loads(responses.calls[0].request.body)
    assert login == {"identifier": "voltera.bsky.social", "password": "abcd-efgh-ijkl-mnop"}
    read = responses.calls[1].request
    assert read.headers["Authorization"] == "Bearer access-1"
    assert parse_qs(urlsplit(read.url).query) == {
        "limit": ["50"],
        "reasons": ["mention", "reply", "quote"],
    }
    assert json.loads(result.next_cursor)["newest"] == "2024-02-22T19:58:14Z"


@responses.activate
def test_one_login_per_container_and_an_expired_token_is_refreshed(client, captured):
    # documented: an expired access token is a 400 {"error": "ExpiredToken"}
    logged_in()
    responses.add(responses.GET, LIST, json={"notifications": []})
    bluesky.fetch(client, None, watch=watch(), now=NOW)
    responses.add(
        responses.GET,
        LIST,
        json={"error": "ExpiredToken", "message": "Token has expired"},
        status=400,
    )
    responses.add(
        responses.POST,
        REFRESH,
        json={"accessJwt": "access-2", "refreshJwt": "refresh-2", "did": BRAND},
    )
    responses.add(responses.GET, LIST, json={"notifications": []})
    again = bluesky.make_client(
        {"bluesky_handle": "voltera.bsky.social", "bluesky_app_password": "x", "bluesky_pds": PDS}
    )
    result = bluesky.fetch(again, None, watch=watch(), now=NOW)
    assert result.degraded is None
    calls = [c for c in responses.calls if not c.request.url.startswith(SEARCH)]
    methods = [(c.request.method, c.request.url.split("?")[0]) for c in calls]
    assert methods == [
        ("POST", LOGIN),
        ("GET", LIST),
        ("GET", LIST),
        ("POST", REFRESH),
        ("GET", LIST),
    ]
    assert calls[3].request.headers["Authorization"] == "Bearer refresh-1"
    assert calls[4].request.headers["Authorization"] == "Bearer access-2"


@responses.activate
def test_the_brands_own_posts_and_what_it_saw_are_not_sent_again(client, captured):
    logged_in()
    first, second = captured["posts"]
    own_author = {**captured["author"], "did": BRAND}
    items = [
        notification(first, own_author, "reply", "2024-02-22T20:10:00.000Z"),
        notification(second, captured["author"], "mention", "2024-02-22T20:00:00.000Z"),
    ]
    responses.add(responses.GET, LIST, json={"notifications": items})
    cursor = json.dumps(
        {"newest": "2024-02-22T20:00:00Z", "seen": {second["uri"]: "2024-02-22T20:00:00Z"}}
    )
    result = bluesky.fetch(client, cursor, watch=watch(), now=NOW)
    assert result.mentions == []


@responses.activate
def test_a_revoked_app_password_degrades_the_source_saying_what_to_renew(client):
    # documented: createSession answers 401 {"error": "AuthenticationRequired"}
    responses.add(
        responses.POST,
        LOGIN,
        json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
        status=401,
    )
    cursor = json.dumps({"newest": "2024-02-22T19:00:00Z", "seen": {}})
    result = bluesky.fetch(client, cursor, watch=watch(), now=NOW)
    assert result.degraded == (
        "Bluesky refused the login of voltera.bsky.social (HTTP 401 AuthenticationRequired): "
        "renew bluesky_app_password (Settings > Privacy and security > App passwords; no DM access)"
    )
    assert "abcd" not in result.degraded
    assert json.loads(result.next_cursor)["newest"] == "2024-02-22T19:00:00Z"


@responses.activate
def test_a_429_waits_for_ratelimit_reset(client):
    logged_in()
    reset = int(datetime(2024, 2, 22, 20, 35, tzinfo=UTC).timestamp())
    responses.add(
        responses.GET,
        LIST,
        json={"error": "RateLimitExceeded"},
        status=429,
        headers={"ratelimit-reset": str(reset)},
    )
    result = bluesky.fetch(client, None, watch=watch(), now=NOW)
    assert result.retry_at == reset
    assert result.degraded == "Bluesky: 429 rate limited"


@responses.activate
def test_watch_terms_are_searched_since_the_last_search(client, captured):
    # a captured post, in the documented searchPosts postView shape (uri, cid, author, record)
    logged_in()
    first, second = captured["posts"]
    found = {
        "uri": first["uri"],
        "cid": first["cid"],
        "author": captured["author"],
        "record": first["value"],
        "likeCount": 4,
        "indexedAt": "2024-02-22T19:58:14.000Z",
    }
    excluded = {
        **found,
        "uri": second["uri"],
        "record": {**second["value"], "text": "text114 volleybal"},
    }
    responses.replace(responses.GET, SEARCH, json={"posts": [found, excluded]})
    responses.add(responses.GET, LIST, json={"notifications": []})
    watching = Watch.from_dict(
        {"terms": ["text114"], "hashtags": ["#volterastoring"], "exclude": ["volleybal"]}
    )
    cursor = json.dumps(
        {"newest": "2024-02-22T19:00:00Z", "seen": {}, "searched": "2024-02-22T20:25:00Z"}
    )
    result = bluesky.fetch(client, cursor, watch=watching, now=NOW)
    assert [(m.native_id, m.engagement.likes, m.matched_terms) for m in result.mentions] == [
        ("did:plc:kvwvcn5iqfooopmyzvb4qzba/app.bsky.feed.post/3k2yihcrp6f2c", 4, ("text114",))
    ]
    asked = [
        parse_qs(urlsplit(c.request.url).query)
        for c in responses.calls
        if c.request.url.startswith(SEARCH)
    ]
    assert [(q["q"], q["since"], q["sort"]) for q in asked] == [
        (["text114"], ["2024-02-22T20:25:00Z"], ["latest"]),
        (["#volterastoring"], ["2024-02-22T20:25:00Z"], ["latest"]),
    ]
    assert json.loads(result.next_cursor)["searched"] == "2024-02-22T20:30:00Z"
