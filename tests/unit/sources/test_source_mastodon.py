"""Mastodon through the real HTTP stack (requests, served by `responses`).

Real recorded traffic: the Mastodon.py cassettes in realdata/mastodon/ (a Mastodon 4.6
server, 2026-08): the mention notification and the ``#hoot`` hashtag timeline, served with
their recorded bodies and headers (X-RateLimit-*). Built from the documented shape
(PLATFORM_NOTES, "Mastodon"), each test says so: a 429, a refused token, a server that
closed its hashtag timelines, a boost, the same post on a second server.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from chalicelib.alerts.paging.source_health import describe
from chalicelib.errors import ConfigError
from chalicelib.sources import health, mastodon
from chalicelib.sources.polling import run_poller
from chalicelib.sources.watch import Watch
from chalicelib.store import MemoryTable, keys
from tests.replay_http import need, tweepy_cassette

NOW = datetime(2026, 8, 1, 14, 0, tzinfo=UTC)
HOME = "http://localhost:3000"
NOTIFICATIONS = f"{HOME}/api/v1/notifications"
HOOT = f"{HOME}/api/v1/timelines/tag/hoot"
OTHER = "https://mastodon.example"
TOKEN = "__MASTODON_PY_TEST_ACCESS_TOKEN"  # the cassettes' placeholder, not a secret
MENTION_ID = "mastodon:117020577157693549"  # its id on the home server: the reply path's
HOOT_ID = "mastodon:117020593741189701"
# the #hoot post read only on another server: sha256 of its uri, first 24 hex
HOOT_ELSEWHERE = "mastodon:uri-247647fbe962db21382c0ae5"


def recorded(realdata, cassette: str, method: str, path: str):
    """The interaction of `cassette` for `method` + `path` (body and headers as recorded)."""
    found = need(realdata, "mastodon", cassette)
    for item in tweepy_cassette(found):
        if item.method == method and urlsplit(item.url).path == path:
            return item
    raise AssertionError(f"{cassette} has no {method} {path}")


def serve(url: str, item=None, *, body=None, status: int = 200, **headers: str) -> None:
    if item is not None:
        recorded_headers = {k: v for k, v in item.headers.items() if k != "content-type"}
        headers = {**recorded_headers, **{k.lower(): v for k, v in headers.items()}}
        body = item.body
    elif not isinstance(body, bytes):
        body = json.dumps(body).encode()
    responses.add(
        responses.GET,
        url,
        body=body,
        status=status,
        headers=headers,
        content_type="application/json",
    )


def watch(**mastodon_place) -> Watch:
    place = {"home": HOME, "account": "admin", **mastodon_place}
    return Watch.from_dict(
        {"handles": ["@mastodonpy_test"], "hashtags": ["#hoot"], "mastodon": place}
    )


def sent(url: str) -> list:
    return [c.request for c in responses.calls if c.request.url.split("?")[0] == url]


@responses.activate
def test_the_brands_mention_notification_becomes_a_mention_real_cassette(realdata):
    # GIVEN the recorded notifications answer (one mention of @mastodonpy_test by admin)
    item = recorded(
        realdata, "mastodonpy_test_notifications_mentions_only.yaml", "GET", "/api/v1/notifications"
    )
    serve(NOTIFICATIONS, item)
    serve(HOOT, body=[])
    # WHEN the poller runs with the brand's token, the brand being @mastodonpy_test
    client = mastodon.make_client({"mastodon_access_token": TOKEN})
    result = mastodon.fetch(client, None, watch=watch(account="mastodonpy_test"), now=NOW)
    # THEN one mention, its text as the customer wrote it, the token sent only there
    assert [m.id for m in result.mentions] == [MENTION_ID]
    mention = result.mentions[0]
    assert mention.text == "@mastodonpy_test hello!"
    assert mention.author.handle == "admin@localhost:3000"
    assert mention.url == "http://localhost:3000/@admin/117020577157693549"
    assert mention.created_at == "2026-08-01T13:51:42Z"
    assert mention.lang == "en"
    assert mention.matched_terms == ("@mastodonpy_test",)
    (request,) = sent(NOTIFICATIONS)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert parse_qs(urlsplit(request.url).query) == {"limit": ["40"], "types[]": ["mention"]}
    assert "Authorization" not in sent(HOOT)[0].headers
    assert json.loads(result.next_cursor) == {NOTIFICATIONS: "21"}
    assert (result.requests, result.reads, result.degraded) == (2, 1, None)


@responses.activate
def test_a_watched_hashtag_is_read_without_any_token_real_cassette(realdata):
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    serve(HOOT, item)
    # no token: the hashtag timelines only, and the run says what it leaves out
    result = mastodon.fetch(mastodon.make_client({}), None, watch=watch(), now=NOW)
    assert [m.id for m in result.mentions] == [HOOT_ID]
    mention = result.mentions[0]
    assert mention.text == "#hoot (hashtag toot)"
    assert mention.author.handle == "mastodonpy_test_2@localhost:3000"
    assert (mention.lang, mention.matched_terms) == ("ja", ("#hoot",))
    assert sent(NOTIFICATIONS) == []
    assert "Authorization" not in sent(HOOT)[0].headers
    assert "no mastodon_access_token: the brand's mentions are not read" in result.notes
    assert json.loads(result.next_cursor) == {HOOT: "117020593741189701"}


@responses.activate
def test_the_same_post_on_a_second_server_is_one_mention_with_the_home_id(realdata):
    # built from the recorded status: the copy another server holds has its own id and
    # names the author with their domain, but the ActivityPub uri is the same
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    serve(HOOT, item)
    elsewhere = copy.deepcopy(json.loads(item.body))
    elsewhere[0]["id"] = "113000000000000001"
    elsewhere[0]["account"]["acct"] = "mastodonpy_test_2@localhost:3000"
    serve(f"{OTHER}/api/v1/timelines/tag/hoot", body=elsewhere)
    result = mastodon.fetch(mastodon.make_client({}), None, watch=watch(servers=[OTHER]), now=NOW)
    assert [m.id for m in result.mentions] == [HOOT_ID]
    assert result.mentions[0].author.handle == "mastodonpy_test_2@localhost:3000"
    assert result.reads == 2


@responses.activate
def test_later_runs_read_forward_from_the_newest_id_seen(realdata):
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    status = json.loads(item.body)[0]
    # built from the recorded status: a full page, then a shorter one, then nothing new
    page = [{**status, "id": str(200 + i), "uri": f"{status['uri']}-{i}"} for i in range(40)]
    serve(HOOT, body=page)
    serve(HOOT, body=page[:3])
    cursor = json.dumps({HOOT: "117"})
    result = mastodon.fetch(mastodon.make_client({}), cursor, watch=watch(), now=NOW)
    queries = [parse_qs(urlsplit(r.url).query)["min_id"] for r in sent(HOOT)]
    assert queries == [["117"], ["239"]]
    assert len(result.mentions) == 40  # the second page repeats three of the first
    assert json.loads(result.next_cursor) == {HOOT: "239"}
    responses.replace(responses.GET, HOOT, json=[])
    again = mastodon.fetch(mastodon.make_client({}), result.next_cursor, watch=watch(), now=NOW)
    assert (again.mentions, json.loads(again.next_cursor)) == ([], {HOOT: "239"})


@responses.activate
def test_boosts_and_the_brands_own_posts_are_not_mentions(realdata):
    # built from the recorded status: a boost of it, and a post by the brand's own account
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    status = json.loads(item.body)[0]
    boost = {**status, "id": "300", "uri": status["uri"] + "/activity", "reblog": status}
    own = {**status, "id": "301", "uri": status["uri"] + "-own"}
    own["account"] = {**status["account"], "acct": "admin", "url": f"{HOME}/@admin"}
    serve(HOOT, body=[own, boost])
    result = mastodon.fetch(mastodon.make_client({}), None, watch=watch(), now=NOW)
    assert result.mentions == []
    assert result.reads == 2


@responses.activate
def test_a_429_stops_the_run_until_the_window_resets(realdata):
    # documented shape: Mastodon answers 429 with X-RateLimit-Reset (an ISO time)
    reset = "2026-08-01T14:05:00.000000Z"
    serve(
        NOTIFICATIONS,
        body={"error": "Too many requests"},
        status=429,
        **{"X-RateLimit-Reset": reset},
    )
    cursor = json.dumps({NOTIFICATIONS: "20"})
    client = mastodon.make_client({"mastodon_access_token": TOKEN})
    result = mastodon.fetch(client, cursor, watch=watch(), now=NOW)
    assert result.retry_at == datetime(2026, 8, 1, 14, 5, tzinfo=UTC).timestamp()
    assert sent(HOOT) == []  # nothing more this run
    assert json.loads(result.next_cursor) == {NOTIFICATIONS: "20"}
    assert result.degraded == "localhost:3000: 429 rate limited"


@responses.activate
def test_the_run_stops_when_few_requests_are_left_in_the_window(realdata):
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    # the recorded answer, its X-RateLimit-Remaining lowered to 2 (reset as recorded)
    serve(HOOT, item, **{"X-RateLimit-Remaining": "2"})
    just_after = datetime(2026, 8, 1, 13, 56, tzinfo=UTC)
    result = mastodon.fetch(
        mastodon.make_client({}), None, watch=watch(servers=[OTHER]), now=just_after
    )
    assert len(result.mentions) == 1
    assert result.retry_at == datetime(2026, 8, 1, 14, 0, 0, 70144, tzinfo=UTC).timestamp()
    assert sent(f"{OTHER}/api/v1/timelines/tag/hoot") == []
    assert result.degraded is None


@responses.activate
def test_a_revoked_token_degrades_the_source_and_pages_once_saying_what_to_renew(realdata):
    # documented shape: a revoked token is a 401 {"error": "The access token was revoked"}
    serve(NOTIFICATIONS, body={"error": "The access token was revoked"}, status=401)
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    serve(HOOT, item)
    store, queued = MemoryTable(), []
    client = mastodon.make_client({"mastodon_access_token": "revoked"})

    def fetch(client, cursor, **kwargs):
        return mastodon.fetch(client, cursor, watch=watch(), **kwargs)

    for minute in (0, 5, 10, 15):
        outcome = run_poller(
            "mastodon", fetch, client, store, queued.extend, now=NOW + timedelta(minutes=minute)
        )
    # the hashtags are still read; the notifications cursor never moved
    assert outcome.status == "degraded"
    assert [m.id for m in queued] == [HOOT_ID] * 4
    cursor = json.loads(store.get(keys.source_cursor("mastodon"))["cursor"])
    assert NOTIFICATIONS not in cursor
    later = NOW + timedelta(minutes=16)
    (unhealthy,) = health.sources_to_page(store, later)
    _, text, _ = describe(unhealthy, later, "Europe/Amsterdam")
    assert "The Mastodon source failed 4 runs in a row" in text
    renew = "renew mastodon_access_token (an application on localhost:3000 with the scope "
    assert renew + "read:notifications)" in text
    health.mark_paged(store, "mastodon", later)
    assert health.sources_to_page(store, later + timedelta(minutes=5)) == []


@responses.activate
def test_a_server_that_closed_its_hashtag_timelines_is_named(realdata):
    # documented: a server may close its public timelines (401, or an empty list)
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    serve(HOOT, item)
    serve(
        f"{OTHER}/api/v1/timelines/tag/hoot",
        body={"error": "This method requires an authenticated user"},
        status=401,
    )
    result = mastodon.fetch(mastodon.make_client({}), None, watch=watch(servers=[OTHER]), now=NOW)
    assert [m.id for m in result.mentions] == [HOOT_ID]
    assert result.degraded == (
        "mastodon.example does not show its hashtag timelines (HTTP 401): "
        "remove it from mastodon.servers"
    )


def test_the_watch_configuration_refuses_a_server_that_is_not_a_url():
    with pytest.raises(ConfigError, match=r"mastodon\.servers must be a server URL"):
        watch(servers=["mastodon.social"])
    place = watch(servers=[OTHER + "/"]).mastodon
    assert place is not None
    assert place.servers == (HOME, OTHER)
    assert place.brand == "admin@localhost:3000"


def test_html_paragraphs_and_breaks_become_lines():
    content = (
        "<p>Storing &amp; geen stroom<br>sinds 8:00</p><p><a href='x'>#<span>voltera</span></a></p>"
    )
    assert mastodon.to_text(content) == "Storing & geen stroom\nsinds 8:00\n#voltera"


@responses.activate
def test_a_post_read_only_on_another_server_is_named_by_its_uri(realdata):
    # built from the recorded status, as another server would serve it (its own id)
    item = recorded(
        realdata, "mastodonpy_test_hashtag_tl.yaml", "GET", "/api/v1/timelines/tag/hoot"
    )
    elsewhere = copy.deepcopy(json.loads(item.body))
    elsewhere[0]["id"] = "113000000000000001"
    elsewhere[0]["account"]["acct"] = "mastodonpy_test_2@localhost:3000"
    serve(HOOT, body=[])
    serve(f"{OTHER}/api/v1/timelines/tag/hoot", body=elsewhere)
    result = mastodon.fetch(mastodon.make_client({}), None, watch=watch(servers=[OTHER]), now=NOW)
    assert [m.id for m in result.mentions] == [HOOT_ELSEWHERE]
