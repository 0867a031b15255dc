"""Replies through the real clients over recorded reply traffic (../shared/realdata):
tweepy ``create_tweet`` (twitter/test_client_create_and_delete_tweet.yaml), a Graph
comment create (meta_graph/pyfacebook_fb_comment_create_resp.json), Mastodon's status
reply (mastodon/mastodonpy_test_status_reply.yaml) and praw's ``Comment.reply``
(reddit/TestComment.test_reply.json). The refusals are built from each network's
documented error shapes (said so at each)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import responses
from responses.registries import OrderedRegistry

from chalicelib.errors import ReplyRefused, ReplyUncertain
from chalicelib.sources.reply import Outbound, Target
from chalicelib.sources.reply import mastodon as mastodon_reply
from chalicelib.sources.reply import meta as meta_reply
from chalicelib.sources.reply import reddit as reddit_reply
from chalicelib.sources.reply import x as x_reply
from tests.replay_http import need, praw_cassette, serve, tweepy_cassette

X_KEYS = {k: "replay" for k in x_reply.KEYS}
GRAPH = "https://graph.facebook.com/v25.0"


@pytest.fixture
def mock():
    with responses.RequestsMock(registry=OrderedRegistry) as served:
        yield served


def test_x_reply_goes_through_tweepy_and_keeps_the_recorded_id(realdata, mock):
    recorded = tweepy_cassette(
        need(realdata, "twitter", "test_client_create_and_delete_tweet.yaml")
    )
    serve(mock, recorded[:1])  # POST /2/tweets -> 201 {"data": {"id": "1456012973835788293"}}
    outbound = Outbound(X_KEYS)
    target = Target("x", "1455953449328877568", "tweepy", summoned=True)
    sent = outbound.send(target, "Test Tweet", "key-1")
    assert sent.reply_id == "1456012973835788293"
    assert sent.url == "https://x.com/i/web/status/1456012973835788293"
    body = json.loads(mock.calls[0].request.body)
    assert body == {"text": "Test Tweet", "reply": {"in_reply_to_tweet_id": "1455953449328877568"}}
    assert mock.calls[0].request.headers["Authorization"].startswith("OAuth ")  # user context


def test_x_refuses_a_reply_nobody_summoned_in_plain_words(mock):
    # X's documented problem shape for a 403 (detail/title/type), the 2026 reply rule's text
    mock.add(
        "POST",
        "https://api.twitter.com/2/tweets",
        status=403,
        json={
            "detail": "Reply to this conversation is not allowed because you have not been "
            "mentioned or otherwise engaged by the author of the post you are replying to.",
            "title": "Forbidden",
            "status": 403,
            "type": "about:blank",
            "errors": [
                {
                    "message": "Reply to this conversation is not allowed because you have "
                    "not been mentioned or otherwise engaged by the author of the post you "
                    "are replying to."
                }
            ],
        },
    )
    with pytest.raises(ReplyRefused) as refused:
        Outbound(X_KEYS).send(Target("x", "1", "a", summoned=True), "hi", "k")
    assert refused.value.reason == "not_summoned" and not refused.value.revoked
    assert "mention or quote the brand" in refused.value.advice


def test_x_unauthorized_is_a_revoked_token(mock):
    mock.add(
        "POST",
        "https://api.twitter.com/2/tweets",
        status=401,
        json={"title": "Unauthorized", "detail": "Unauthorized", "status": 401},
    )
    with pytest.raises(ReplyRefused) as refused:
        Outbound(X_KEYS).send(Target("x", "1", "a", summoned=True), "hi", "k")
    assert (refused.value.reason, refused.value.revoked) == ("revoked_token", True)


def test_x_server_error_is_uncertain_never_refused(mock):
    mock.add(
        "POST",
        "https://api.twitter.com/2/tweets",
        status=503,
        json={"title": "Service Unavailable"},
    )
    with pytest.raises(ReplyUncertain):
        Outbound(X_KEYS).send(Target("x", "1", "a", summoned=True), "hi", "k")


def test_facebook_comment_reply_through_the_graph_api(realdata, mock):
    answer = need(realdata, "meta_graph", "pyfacebook_fb_comment_create_resp.json")
    recorded = json.loads(answer.read_text())
    mock.add("POST", f"{GRAPH}/245778718206154_1/comments", json=recorded)
    sent = Outbound({"meta_page_token": "page-token"}).send(
        Target("facebook", "245778718206154_1"), "Hoi Ann, we kijken ernaar", "k"
    )
    assert sent.reply_id == "245778718206154_229887283291835"
    assert sent.url == recorded["permalink_url"]
    form = parse_qs(mock.calls[0].request.body)
    assert form == {"message": ["Hoi Ann, we kijken ernaar"], "access_token": ["page-token"]}
    assert "access_token" not in mock.calls[0].request.url  # never in a URL (logs)


def test_instagram_reply_posts_to_replies(mock):
    # Graph's documented answer to POST /{ig-comment-id}/replies is {"id": …}
    mock.add("POST", f"{GRAPH}/17847314687296283/replies", json={"id": "17858893269000001"})
    sent = Outbound({"meta_page_token": "t"}).send(
        Target("instagram", "17847314687296283"), "Thanks!", "k"
    )
    assert sent.reply_id == "17858893269000001"


@pytest.mark.parametrize(
    ("error", "reason", "revoked"),
    [
        # Graph's documented error object: code 190 (OAuthException), subcode 463 = expired
        ({"code": 190, "error_subcode": 463, "type": "OAuthException"}, "expired_token", True),
        ({"code": 190, "error_subcode": 460, "type": "OAuthException"}, "revoked_token", True),
        ({"code": 100, "error_subcode": 33, "type": "GraphMethodException"}, "deleted", False),
        ({"code": 32, "type": "OAuthException"}, "rate_limited", False),
    ],
)
def test_graph_errors_become_refusals_in_plain_words(mock, error, reason, revoked):
    mock.add("POST", f"{GRAPH}/1_2/comments", status=400, json={"error": {"message": "x", **error}})
    with pytest.raises(ReplyRefused) as refused:
        Outbound({"meta_page_token": "t"}).send(Target("facebook", "1_2"), "hi", "k")
    assert (refused.value.reason, refused.value.revoked) == (reason, revoked)


def test_mastodon_reply_matches_the_recorded_request_and_keeps_its_id(realdata, mock):
    recorded = tweepy_cassette(need(realdata, "mastodon", "mastodonpy_test_status_reply.yaml"))
    reply = recorded[2]  # POST /api/v1/statuses with in_reply_to_id
    serve(mock, [reply])
    recorded_body = json.loads(reply.body)
    outbound = Outbound(
        {"mastodon_base_url": "http://localhost:3000", "mastodon_access_token": "replay"}
    )
    target = Target("mastodon", recorded_body["in_reply_to_id"], "mastodonpy_test_2")
    sent = outbound.send(target, "same!", "case-key-1")
    assert sent.reply_id == recorded_body["id"] == "117020583258292382"
    form = parse_qs(mock.calls[0].request.body)
    # the recorded request's fields, as Mastodon.py sent them (status addressed to the author)
    assert form["status"] == ["@mastodonpy_test_2 same!"]
    assert form["in_reply_to_id"] == ["117020583245459824"]
    assert mock.calls[0].request.headers["Idempotency-Key"] == "case-key-1"


def test_mastodon_401_is_a_revoked_token_404_a_deleted_post(mock):
    base = "https://social.example"
    mock.add(
        "POST", f"{base}/api/v1/statuses", status=401, json={"error": "The access token is invalid"}
    )
    mock.add("POST", f"{base}/api/v1/statuses", status=404, json={"error": "Record not found"})
    outbound = Outbound({"mastodon_base_url": base, "mastodon_access_token": "t"})
    with pytest.raises(ReplyRefused) as first:
        outbound.send(Target("mastodon", "1"), "hi", "k")
    with pytest.raises(ReplyRefused) as second:
        outbound.send(Target("mastodon", "1"), "hi", "k")
    assert (first.value.reason, first.value.revoked) == ("revoked_token", True)
    assert second.value.reason == "deleted"


def test_a_mastodon_post_read_on_another_server_is_not_answered_from_here(mock):
    # its native id is the hash of its uri (sources/mastodon.py), not a status id on our
    # server: nothing is sent (`mock` would refuse any request)
    outbound = Outbound(
        {"mastodon_base_url": "https://social.example", "mastodon_access_token": "t"}
    )
    with pytest.raises(ReplyRefused) as refused:
        outbound.send(Target("mastodon", "uri-247647fbe962db21382c0ae5"), "hi", "k")
    assert refused.value.reason == "refused"
    assert "another Mastodon server" in str(refused.value.advice)
    assert len(mock.calls) == 0


REDDIT = {
    "reddit_client_id": "replay",
    "reddit_client_secret": "replay",
    "reddit_user_agent": "test:nl.example.webcare:0.1 (by /u/example)",
    "reddit_username": "example",
    "reddit_password": "replay",
}


def test_reddit_comment_reply_through_praw_keeps_the_recorded_id(realdata, mock):
    recorded = praw_cassette(need(realdata, "reddit", "TestComment.test_reply.json"))
    serve(mock, recorded)  # the password grant, then POST /api/comment/
    sent = Outbound(REDDIT).send(Target("reddit", "t1_d1616q2"), "Comment reply", "k")
    assert sent.reply_id == "t1_d1680wu"
    assert sent.url == "https://www.reddit.com/comments/4b1tfm/_/d1680wu/"
    form = parse_qs(mock.calls[1].request.body)
    assert form["thing_id"] == ["t1_d1616q2"] and form["text"] == ["Comment reply"]
    assert parse_qs(mock.calls[0].request.body)["grant_type"] == ["password"]


def test_reddit_submission_reply_through_praw(realdata, mock):
    recorded = praw_cassette(need(realdata, "reddit", "TestSubmission.test_reply.json"))
    serve(mock, recorded)
    body = json.loads(recorded[-1].body)
    expected = body["json"]["data"]["things"][0]["data"]["name"]
    sent = Outbound(REDDIT).send(Target("reddit", "t3_4b1tfm"), "Test reply", "k")
    assert sent.reply_id == expected
    assert parse_qs(mock.calls[-1].request.body)["thing_id"] == ["t3_4b1tfm"]


def test_reddit_refusal_of_a_deleted_comment(mock):
    # Reddit's documented API error shape: json.errors = [[code, message, field]]
    mock.add(
        "POST",
        "https://www.reddit.com/api/v1/access_token",
        json={"access_token": "a", "token_type": "bearer", "expires_in": 3600, "scope": "*"},
    )
    mock.add(
        "POST",
        "https://oauth.reddit.com/api/comment/",
        json={"json": {"errors": [["DELETED_COMMENT", "that comment has been deleted", "parent"]]}},
    )
    with pytest.raises(ReplyRefused) as refused:
        Outbound(REDDIT).send(Target("reddit", "t1_abc"), "hi", "k")
    assert refused.value.reason == "deleted"


def test_a_network_without_its_secrets_has_no_channel():
    outbound = Outbound({"meta_page_token": "t"})
    assert outbound.channel("facebook") is not None
    assert outbound.channel("x") is None
    assert "no X credentials" in outbound.why_not(Target("x", "1", summoned=True))
    assert outbound.why_not(Target("feeds", "1")) == "Replies to feeds are not sent from here."
    assert "mention or quote" in Outbound(X_KEYS).why_not(Target("x", "1", summoned=False))


def test_reply_modules_load_no_network_library_at_import():
    import subprocess
    import sys

    code = (
        "import sys; import chalicelib.sources.reply as r; "
        "print(any(m in sys.modules for m in ('tweepy', 'praw', 'requests')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_registry_entry_has_a_length_rule_and_a_module():
    from chalicelib.sources.reply import CHANNELS

    assert set(CHANNELS) == {
        "x",
        "facebook",
        "instagram",
        "mastodon",
        "reddit",
        "bluesky",
        "threads",
        "app_store",
        "google_play",
        "google_business",
    }
    for channel in CHANNELS.values():
        assert channel.rule.limit > 0 and channel.secret_keys
    assert CHANNELS["x"].cost_usd == 0.010 and CHANNELS["x"].needs_summons
    assert CHANNELS["mastodon"] is mastodon_reply.CHANNEL
    assert CHANNELS["facebook"] is meta_reply.FACEBOOK
    assert CHANNELS["reddit"] is reddit_reply.CHANNEL
