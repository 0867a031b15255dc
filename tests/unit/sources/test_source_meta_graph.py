"""The Meta catch-up read over HTTP (`responses`): a Page feed built from the documented
shape (PLATFORM_NOTES, "Meta Graph"), carrying the recorded comments page from
realdata/meta_graph/ as its post's comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from chalicelib.errors import ConfigError, FatalSourceError, RetriableSourceError
from chalicelib.sources import meta_graph
from chalicelib.sources.watch import Watch
from tests.replay_http import need

NOW = datetime(2021, 8, 13, 9, 0, tzinfo=UTC)
PAGE = "19292868552"
FEED = f"https://graph.facebook.com/v25.0/{PAGE}/feed"
SECRETS = {"meta_page_token": "page-token", "meta_page_id": PAGE}
WATCH = Watch.from_dict({"terms": ["Instagram"]})


@pytest.fixture
def feed(realdata) -> dict:
    comments = json.loads(
        need(realdata, "meta_graph", "pyfacebook_fb_comments_p1.json").read_text()
    )
    post = {
        "id": f"{PAGE}_10158407654328553",
        "message": "Our new Page is live",
        "created_time": "2021-08-10T18:00:00+0000",
        "from": {"id": PAGE, "name": "Facebook for Developers"},
        "comments": comments,
    }
    return {"data": [post]}


@responses.activate
def test_the_catch_up_read_gives_every_comment_but_the_page_s_own_post(feed):
    responses.add(responses.GET, FEED, json=feed)
    client = meta_graph.make_client(SECRETS)
    result = meta_graph.fetch(client, None, watch=WATCH, now=NOW)
    # the recorded page holds 10 comments (their ids come from the permalinks)
    assert len(result.mentions) == len(feed["data"][0]["comments"]["data"]) == 10
    first = result.mentions[0]
    assert first.id == "facebook:10158407654328553_10158407835073553"
    assert first.in_reply_to == f"facebook:{PAGE}_10158407654328553"
    assert first.created_at == "2021-08-10T18:45:03Z"
    reply = next(m for m in result.mentions if m.text.startswith("Hi, please access"))
    assert reply.native_id == "10158407654328553_10158409983033553"
    assert json.loads(result.next_cursor) == {
        "since": int(datetime(2021, 8, 12, 18, 30, 51, tzinfo=UTC).timestamp())
    }
    sent = responses.calls[0].request
    assert "access_token=page-token" in sent.url and "since=" in sent.url
    assert [m.matched_terms for m in result.mentions][1] == ("Instagram",)


@responses.activate
@pytest.mark.parametrize(
    ("status", "error"), [(503, RetriableSourceError), (400, FatalSourceError)]
)
def test_graph_errors_are_retriable_or_fatal(status, error):
    responses.add(responses.GET, FEED, json={"error": {}}, status=status)
    with pytest.raises(error):
        meta_graph.fetch(meta_graph.make_client(SECRETS), None, watch=WATCH, now=NOW)


def test_the_graph_version_is_v25():
    assert meta_graph.GRAPH == "https://graph.facebook.com/v25.0"


def test_without_a_page_token_the_catch_up_is_skipped():
    with pytest.raises(ConfigError, match="meta_page_token"):
        meta_graph.make_client({})
