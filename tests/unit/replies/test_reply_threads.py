"""Replies on Threads through the reply registry (sources/reply/threads.py), over requests
served by `responses`. Documented traffic only, no capture exists: Meta's "Create
replies" example answers (``{"id": …}`` for the container and for the published reply)
and the Graph API's error shape (``{"error": {"message", "code"}}``). The post replied to
is Meta's documented webhook example's (realdata/threads/threads_webhook_replies.docs.json).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import responses

from chalicelib.errors import ReplyRefused, ReplyUncertain
from chalicelib.sources.reply import CHANNELS, Outbound, Target
from tests.replay_http import need

CREATE = "https://graph.threads.net/v1.0/me/threads"
PUBLISH = "https://graph.threads.net/v1.0/me/threads_publish"
CREDENTIALS = {"threads_access_token": "THAA-token"}


@pytest.fixture
def parent(realdata) -> Target:
    example = json.loads(need(realdata, "threads", "threads_webhook_replies.docs.json").read_text())
    value = example["values"]["value"]
    return Target("threads", value["id"], value["username"], url=value["permalink"])


@responses.activate
def test_a_reply_is_a_container_replying_to_the_post_then_its_publication(parent):
    responses.post(CREATE, json={"id": "1234567890"})
    responses.post(PUBLISH, json={"id": "1234567"})
    sent = Outbound(CREDENTIALS).send(parent, "Hoi! We kijken ernaar.", "k")
    assert sent.reply_id == "1234567"
    create, publish = responses.calls
    assert parse_qs(create.request.body) == {
        "media_type": ["TEXT"],
        "text": ["Hoi! We kijken ernaar."],
        "reply_to_id": ["8901234"],
    }
    assert parse_qs(publish.request.body) == {"creation_id": ["1234567890"]}
    assert {c.request.headers["Authorization"] for c in responses.calls} == {"Bearer THAA-token"}
    assert "THAA-token" not in create.request.url  # the token never in a URL


@pytest.mark.parametrize(
    ("status", "error", "reason", "revoked"),
    [
        (401, {"message": "Error validating access token", "code": 190}, "revoked_token", True),
        (403, {"message": "Application does not have permission", "code": 10}, "refused", False),
        (400, {"message": "Application request limit reached", "code": 4}, "rate_limited", False),
        (400, {"message": "Invalid parameter", "code": 100}, "refused", False),
    ],
    ids=["token", "permission", "rate", "invalid"],
)
@responses.activate
def test_a_refused_container_posts_nothing_and_says_why(parent, status, error, reason, revoked):
    responses.post(CREATE, json={"error": error}, status=status)
    with pytest.raises(ReplyRefused) as refused:
        Outbound(CREDENTIALS).send(parent, "Sorry!", "k")
    assert (refused.value.reason, refused.value.revoked) == (reason, revoked)
    assert len(responses.calls) == 1  # never published
    if error["code"] == 100:
        assert "Invalid parameter" in refused.value.advice


@responses.activate
def test_a_publication_without_an_answer_may_be_posted(parent):
    responses.post(CREATE, json={"id": "1234567890"})
    responses.post(PUBLISH, status=502)
    with pytest.raises(ReplyUncertain):
        Outbound(CREDENTIALS).send(parent, "Sorry!", "k")


def test_threads_counts_an_emoji_as_its_bytes():
    rule = CHANNELS["threads"].rule
    assert rule.count("Sorry é") == 7
    assert rule.count("Sorry 🙏") == 6 + 4  # U+1F64F is 4 bytes in UTF-8
    assert rule.count("✔") == 3  # a BMP symbol counts as its bytes too
    assert rule.check("x" * 500) == (500, True) and not rule.check("x" * 501)[1]


def test_the_local_stand_in_publishes_a_threads_reply_and_writes_it_down(parent, tmp_path):
    from devstack.reply_standins import standing_in

    out = tmp_path / "replies.jsonl"
    with standing_in(out):
        sent = Outbound(CREDENTIALS).send(parent, "Hoi!", "k")
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert (line["network"], line["in_reply_to"], line["text"]) == ("threads", "8901234", "Hoi!")
    assert sent.reply_id == line["reply_id"]
