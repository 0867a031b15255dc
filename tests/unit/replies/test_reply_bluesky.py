"""Replies on Bluesky through the reply registry (sources/reply/bluesky.py), over XRPC
served by `responses`. The parent post is a live capture (realdata/bluesky/
atproto_thread_view_post_with_embed_media.json, MarshalX/atproto's test data); the login
and createRecord answers follow the documented XRPC shapes."""

from __future__ import annotations

import json

import pytest
import responses

from chalicelib.errors import ReplyRefused
from chalicelib.sources import bluesky
from chalicelib.sources.reply import CHANNELS, Outbound, Target
from tests.replay_http import need

PDS = "https://pds.example"
CREDENTIALS = {
    "bluesky_handle": "voltera.bsky.social",
    "bluesky_app_password": "x",
    "bluesky_pds": PDS,
}
BRAND = "did:plc:brand000000000000000000"


@pytest.fixture(autouse=True)
def no_sessions(monkeypatch):
    monkeypatch.setattr(bluesky, "_SESSIONS", {})


@pytest.fixture
def parent(realdata) -> dict:
    path = need(realdata, "bluesky", "atproto_thread_view_post_with_embed_media.json")
    return json.loads(path.read_text())["thread"]["post"]


def login() -> None:
    session = {"accessJwt": "a1", "refreshJwt": "r1", "did": BRAND}
    responses.add(responses.POST, f"{PDS}/xrpc/com.atproto.server.createSession", json=session)


@responses.activate
def test_a_reply_names_the_captured_post_as_parent_and_root(parent):
    login()
    responses.add(responses.GET, f"{PDS}/xrpc/app.bsky.feed.getPosts", json={"posts": [parent]})
    created = {"uri": f"at://{BRAND}/app.bsky.feed.post/3lreply", "cid": "bafyreply"}
    responses.add(responses.POST, f"{PDS}/xrpc/com.atproto.repo.createRecord", json=created)
    target = Target("bluesky", parent["uri"].removeprefix("at://"), "test.marshal.dev")
    sent = Outbound(CREDENTIALS).send(target, "Sorry! We kijken ernaar.", "case-key-1")
    assert sent.reply_id == f"at://{BRAND}/app.bsky.feed.post/3lreply"
    assert sent.url == "https://bsky.app/profile/voltera.bsky.social/post/3lreply"
    body = json.loads(responses.calls[-1].request.body)
    assert (body["repo"], body["collection"]) == (BRAND, "app.bsky.feed.post")
    ref = {"uri": parent["uri"], "cid": parent["cid"]}
    assert body["record"]["reply"] == {"root": ref, "parent": ref}
    assert body["record"]["text"] == "Sorry! We kijken ernaar."
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer a1"


@responses.activate
def test_a_reply_to_a_reply_keeps_its_thread_root(parent):
    login()
    root = {"uri": "at://did:plc:x/app.bsky.feed.post/3root", "cid": "bafyroot"}
    nested = {**parent, "record": {**parent["record"], "reply": {"root": root, "parent": root}}}
    responses.add(responses.GET, f"{PDS}/xrpc/app.bsky.feed.getPosts", json={"posts": [nested]})
    responses.add(
        responses.POST,
        f"{PDS}/xrpc/com.atproto.repo.createRecord",
        json={"uri": f"at://{BRAND}/app.bsky.feed.post/3l2", "cid": "c"},
    )
    Outbound(CREDENTIALS).send(Target("bluesky", parent["uri"][5:]), "ok", "k")
    reply = json.loads(responses.calls[-1].request.body)["record"]["reply"]
    assert reply["root"] == root
    assert reply["parent"] == {"uri": parent["uri"], "cid": parent["cid"]}


@responses.activate
def test_a_gone_post_and_a_revoked_password_are_refused():
    login()
    responses.add(responses.GET, f"{PDS}/xrpc/app.bsky.feed.getPosts", json={"posts": []})
    with pytest.raises(ReplyRefused) as gone:
        Outbound(CREDENTIALS).send(Target("bluesky", "did:plc:x/app.bsky.feed.post/1"), "x", "k")
    assert gone.value.reason == "deleted"
    bluesky._SESSIONS.clear()
    responses.replace(
        responses.POST,
        f"{PDS}/xrpc/com.atproto.server.createSession",
        json={"error": "AuthenticationRequired"},
        status=401,
    )
    with pytest.raises(ReplyRefused) as revoked:
        Outbound(CREDENTIALS).send(Target("bluesky", "did:plc:x/app.bsky.feed.post/1"), "x", "k")
    assert (revoked.value.reason, revoked.value.revoked) == ("revoked_token", True)


def test_bluesky_counts_300_characters():
    rule = CHANNELS["bluesky"].rule
    assert rule.check("a" * 300) == (300, True)
    assert rule.check("e\u0301" * 300) == (300, True)  # e + combining acute: one é each
    assert rule.check("a" * 301) == (301, False)
