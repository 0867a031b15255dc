"""`python -m devstack.recorded`: every recording through its source's own parser."""

from __future__ import annotations

import json

from devstack import recorded as replay


def test_every_recording_gives_the_mentions_it_holds(realdata):
    got = {name: len(mentions) for name, mentions in replay.replay_all(realdata).items()}
    assert got == {
        "test_client_search_recent_tweets.yaml": 10,
        "test_client_get_users_mentions.yaml": 10,
        "TestSubredditListings.test_comments.json": 100,
        "TestSubredditListings.test_new.json": 100,
        "TestSubreddit.test_search.json": 6,
        # the post of the Atom feed names "budget"; its two comments do not
        "reddit_atom/comments_feed.atom.xml": 1,
        "tweet_create-user_mention.yml": 1,
        "tweet_create-user_mention_extended.yml": 1,
        "tweet_create-response.yml": 1,
        "meta:page_feed_status_add__dashboard_test": 1,
        "meta:page_mention_post_add__dashboard_test": 1,
        "meta:instagram_comments__dashboard_test": 1,
        "meta:instagram_live_comments__dashboard_test_value": 1,
        "meta:instagram_mentions_comment__meta_docs_example": 1,
        # the brand's mention notification and the #hoot post (Mastodon.py's cassettes)
        "mastodon/notifications+hashtag_tl": 2,
    }


def test_the_command_prints_one_json_line_per_recording_and_a_total(realdata, capsys):
    assert replay.main([str(realdata)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[-1] == {"recordings": "all", "mentions": 237}
    assert len(lines) == 16


def test_the_command_says_where_it_looked_when_there_is_no_data(tmp_path, capsys):
    assert replay.main([str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
