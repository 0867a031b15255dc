"""Threads keyword search through requests, served by `responses`.

Built from the documented shape: each post carries the fields of Meta's Threads webhook
example (realdata/threads/threads_webhook_replies.docs.json: id, username, text,
permalink, timestamp), which keyword search returns under ``data``; the errors follow the
Graph API error shape ({"error": {"code", "message"}}). No capture exists.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from chalicelib.sources import threads_search
from chalicelib.sources.watch import Watch
from tests.replay_http import need

NOW = datetime(2024, 8, 7, 11, 0, tzinfo=UTC)


@pytest.fixture
def post(realdata) -> dict:
    example = json.loads(need(realdata, "threads", "threads_webhook_replies.docs.json").read_text())
    value = example["values"]["value"]
    return {k: value[k] for k in ("id", "username", "text", "media_type", "permalink", "timestamp")}


@pytest.fixture
def client() -> threads_search.ThreadsClient:
    return threads_search.make_client({"threads_access_token": "THAA-test"})


def watch() -> Watch:
    return Watch.from_dict({"terms": ["Voltera", "Voltera Energie"], "exclude": ["volleybal"]})


@responses.activate
def test_each_term_is_one_query_since_the_last_run(client, post):
    found = {**post, "text": "Voltera ligt er weer uit"}
    responses.add(responses.GET, threads_search.URL, json={"data": [found]})
    responses.add(
        responses.GET,
        threads_search.URL,
        json={"data": [found, {**post, "id": "8901235", "text": "Voltera volleybal"}]},
    )
    cursor = json.dumps({"since": 1723024800, "seen": []})
    result = threads_search.fetch(client, cursor, watch=watch(), now=NOW)
    assert [m.id for m in result.mentions] == ["threads:8901234"]  # once; the excluded left out
    assert result.mentions[0].matched_terms == ("Voltera",)
    queries = [parse_qs(urlsplit(c.request.url).query) for c in responses.calls]
    assert [q["q"] for q in queries] == [["Voltera"], ["Voltera Energie"]]
    assert all(q["since"] == ["1723024800"] and q["search_type"] == ["RECENT"] for q in queries)
    assert "access_token" not in responses.calls[0].request.url  # the token goes in a header
    assert responses.calls[0].request.headers["Authorization"] == "Bearer THAA-test"
    state = json.loads(result.next_cursor)
    assert (state["since"], state["queries"], state["day"]) == (
        int(NOW.timestamp()),
        2,
        "2024-08-07",
    )


@responses.activate
def test_the_day_s_queries_stay_within_threads_limit(client):
    cursor = json.dumps({"day": "2024-08-07", "queries": 2_000, "since": 1723024800})
    result = threads_search.fetch(client, cursor, watch=watch(), now=NOW)
    assert len(responses.calls) == 0
    assert result.notes == ["2000 queries today: the rest waits for tomorrow"]
    assert json.loads(result.next_cursor)["since"] == 1723024800  # asked again tomorrow


@responses.activate
def test_an_expired_token_degrades_saying_what_to_renew(client):
    error = {
        "error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}
    }
    responses.add(responses.GET, threads_search.URL, json=error, status=400)
    result = threads_search.fetch(client, None, watch=watch(), now=NOW)
    assert result.degraded is not None and result.degraded.startswith(
        "Threads refused threads_access_token (expired or revoked): renew it"
    )


@responses.activate
def test_a_rate_limit_waits_for_the_next_hour(client):
    error = {"error": {"message": "Application request limit reached", "code": 4}}
    responses.add(responses.GET, threads_search.URL, json=error, status=400)
    result = threads_search.fetch(client, None, watch=watch(), now=NOW)
    assert result.retry_at == datetime(2024, 8, 7, 12, 0, tzinfo=UTC).timestamp()


@responses.activate
def test_without_the_permission_the_source_says_so(client):
    error = {"error": {"message": "(#10) Application does not have permission", "code": 10}}
    responses.add(responses.GET, threads_search.URL, json=error, status=403)
    result = threads_search.fetch(client, None, watch=watch(), now=NOW)
    assert result.degraded == "Threads: the app lacks the threads_keyword_search permission"
