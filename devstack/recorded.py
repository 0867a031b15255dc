"""Replay recorded API traffic through the real clients and our sources — no network.

Loaders for tweepy VCR cassettes (gzip bodies stored base64), praw cassettes (plain JSON,
``<TEST_SUBREDDIT>`` placeholder) and Rails-dumped X Account Activity YAML; `serve` puts
recorded responses into a `responses` mock, matched on method + URL without the query
string (our clients ask for more fields than the recordings did). Use a
``RequestsMock(registry=OrderedRegistry)`` to serve each response once, in order.

`replay_all(realdata)` runs every recording we have through its source's own parser;
``python -m devstack.recorded [REALDATA]`` prints what each one gives. Local and
test use only: `responses` and `yaml` are dev dependencies, imported when called.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chalicelib.model import Mention

_RUBY_TAG = re.compile(r" ?!ruby/hash:[A-Za-z:]+")
_DROP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str  # without the query string
    status: int
    headers: dict[str, str]
    body: bytes


def tweepy_cassette(path: Path) -> list[Recorded]:
    """A VCR.py cassette: bodies are base64 (`!!binary`) of gzip JSON."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        body = response["body"]["string"]
        if isinstance(body, str):
            body = body.encode()
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        out.append(
            Recorded(
                method=request["method"],
                url=request["uri"].split("?", 1)[0],
                status=int(response["status"]["code"]),
                headers=_headers(response["headers"]),
                body=body,
            )
        )
    return out


def praw_cassette(path: Path, subreddit: str = "placeholder_subreddit") -> list[Recorded]:
    """A praw cassette (JSON); ``<TEST_SUBREDDIT>`` becomes `subreddit`."""
    text = path.read_text(encoding="utf-8").replace("<TEST_SUBREDDIT>", subreddit)
    data = json.loads(text)
    out = []
    for interaction in data["interactions"]:
        request, response = interaction["request"], interaction["response"]
        out.append(
            Recorded(
                method=request["method"],
                url=request["uri"].split("?", 1)[0],
                status=int(response["status"]["code"]),
                headers=_headers(response["headers"]),
                body=response["body"]["string"].encode(),
            )
        )
    return out


def serve(mock: Any, recorded: list[Recorded]) -> None:
    """Add `recorded` to a `responses.RequestsMock`."""
    for item in recorded:
        headers = dict(item.headers)
        content_type = headers.pop("content-type", "application/json")
        mock.add(
            item.method,
            item.url,
            body=item.body,
            status=item.status,
            headers=headers,
            content_type=content_type,
        )


def ruby_yaml(path: Path) -> Any:
    """A Rails-dumped YAML hash (X Account Activity fixtures), without its Ruby tags."""
    import yaml

    return yaml.safe_load(_RUBY_TAG.sub("", path.read_text(encoding="utf-8")))


def _headers(raw: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in raw.items():
        if key.lower() in _DROP_HEADERS:
            continue  # the body is served decoded
        out[key.lower()] = value[0] if isinstance(value, list) else str(value)
    return out


# ---------------------------------------------------------------- every recording, replayed

TWITTER = {
    "test_client_search_recent_tweets.yaml": ("search", {"terms": ["Tweepy"]}),
    "test_client_get_users_mentions.yaml": (
        "mentions",
        {"handles": ["@Twitter"], "x_mentions_user_id": "783214"},
    ),
}
# recording -> (the listing it recorded, watch configuration)
REDDIT = {
    "TestSubredditListings.test_comments.json": ("comments", {"name": "askreddit", "all": True}),
    "TestSubredditListings.test_new.json": ("posts", {"name": "askreddit", "all": True}),
    "TestSubreddit.test_search.json": ("search", None),
}
X_EVENTS = (
    "tweet_create-user_mention.yml",
    "tweet_create-user_mention_extended.yml",
    "tweet_create-response.yml",
)


def replay_all(realdata: Path, now: datetime | None = None) -> dict[str, list[Mention]]:
    """Recording name -> the mentions our source makes of it (recordings absent are left out)."""
    import responses
    from responses.registries import OrderedRegistry

    from chalicelib.sources import meta, reddit, x, x_webhook
    from chalicelib.sources.watch import Watch

    now = now or datetime.now(UTC)
    out: dict[str, list[Mention]] = {}
    for name, (kind, doc) in TWITTER.items():
        path = realdata / "twitter" / name
        if path.is_file():
            client = _tweepy_client()
            with responses.RequestsMock(registry=OrderedRegistry) as mock:
                serve(mock, tweepy_cassette(path))
                fetch = x.fetch if kind == "search" else x.fetch_mentions
                result = fetch(client, None, watch=Watch.from_dict(doc), now=now, max_pages=1)
            out[name] = result.mentions
    reddit_credentials = {
        "reddit_client_id": "replay",
        "reddit_client_secret": "replay",
        "reddit_user_agent": "replay:listening:0 (by /u/replay)",
    }
    for name, (part, subreddit) in REDDIT.items():
        path = realdata / "reddit" / name
        if path.is_file():
            watch = Watch.from_dict(
                {"terms": ["praw"], "subreddits": [subreddit] if subreddit else []}
            )
            with responses.RequestsMock(registry=OrderedRegistry) as mock:
                serve(mock, praw_cassette(path))
                client = reddit.make_client(reddit_credentials)
                result = reddit.fetch(client, None, watch=watch, now=now, parts=(part,))
            out[name] = result.mentions
    atom = realdata / "reddit_atom" / "comments_feed.atom.xml"
    if atom.is_file():  # Reddit without API approval: the Atom feed of a subreddit
        out["reddit_atom/comments_feed.atom.xml"] = _reddit_atom(atom.read_bytes(), now)
    mastodon_mentions = _mastodon(realdata / "mastodon", now)
    if mastodon_mentions is not None:  # the brand's mention and a watched hashtag
        out["mastodon/notifications+hashtag_tl"] = mastodon_mentions
    events = realdata / "webhooks" / "x_account_activity"
    for name in X_EVENTS:
        if (events / name).is_file():
            raw = json.dumps(ruby_yaml(events / name)).encode()
            out[name] = x_webhook.parse(raw, now)
    samples_path = realdata / "webhooks" / "meta" / "meta_webhook_sample_payloads.json"
    if samples_path.is_file():
        samples = json.loads(samples_path.read_text(encoding="utf-8"))["samples"]
        for key, sample in samples.items():
            payloads = sample if isinstance(sample, list) else [sample]
            mentions: list[Mention] = []
            for payload in payloads:
                if "entry" not in payload:  # a bare change value: wrap it as Meta sends it
                    payload = {
                        "object": "instagram",
                        "entry": [{"id": "0", "time": 0, "changes": [payload]}],
                    }
                mentions += meta.parse(json.dumps(payload).encode(), now)
            out[f"meta:{key}"] = mentions
    return out


def _reddit_atom(feed: bytes, now: datetime) -> list[Mention]:
    """The recorded Atom feed served as r/FixtureSub's new posts (its comments feed empty),
    read by the Atom poller through requests and feedparser."""
    import responses

    from chalicelib.sources import reddit_atom
    from chalicelib.sources.watch import Watch

    posts, comments = reddit_atom.feed_urls("FixtureSub")
    empty = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>c</id></feed>'
    atom = {"Content-Type": "application/atom+xml"}
    watch = Watch.from_dict({"terms": ["budget"], "subreddits": [{"name": "FixtureSub"}]})
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, posts, body=feed, headers=atom)
        mock.add(responses.GET, comments, body=empty, headers=atom)
        client = reddit_atom.make_client({})
        return reddit_atom.fetch(client, None, watch=watch, now=now).mentions


def _tweepy_client() -> Any:
    import tweepy

    return tweepy.Client(bearer_token="replay", wait_on_rate_limit=False)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    default = Path(__file__).resolve().parents[2] / "shared" / "realdata"
    realdata = Path(argv[0] if argv else os.environ.get("REALDATA") or default)
    if not realdata.is_dir():
        print(f"no recorded data at {realdata} (give a path or set REALDATA)", file=sys.stderr)
        return 2
    total = 0
    for name, mentions in replay_all(realdata).items():
        total += len(mentions)
        first = mentions[0] if mentions else None
        line: dict[str, Any] = {"recording": name, "mentions": len(mentions)}
        if first is not None:
            line |= {"first": first.id, "text": first.text[:70], "url": first.url}
        print(json.dumps(line, ensure_ascii=False))
    print(json.dumps({"recordings": "all", "mentions": total}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def _mastodon(folder: Path, now: datetime) -> list[Mention] | None:
    """The Mastodon.py cassettes' notification and #hoot timeline through the Mastodon
    poller (plain requests), the placeholder token standing in for the brand's."""
    import responses

    from chalicelib.sources import mastodon
    from chalicelib.sources.watch import Watch

    names = ("mastodonpy_test_notifications_mentions_only.yaml", "mastodonpy_test_hashtag_tl.yaml")
    if not all((folder / name).is_file() for name in names):
        return None
    wanted = {"/api/v1/notifications", "/api/v1/timelines/tag/hoot"}
    recorded = [
        item
        for name in names
        for item in tweepy_cassette(folder / name)
        if item.method == "GET" and item.url.split("localhost:3000", 1)[-1] in wanted
    ]
    watch = Watch.from_dict(
        {
            "handles": ["@mastodonpy_test"],
            "hashtags": ["#hoot"],
            "mastodon": {"home": "http://localhost:3000"},
        }
    )
    client = mastodon.make_client({"mastodon_access_token": "__MASTODON_PY_TEST_ACCESS_TOKEN"})
    with responses.RequestsMock() as mock:
        serve(mock, recorded)
        return mastodon.fetch(client, None, watch=watch, now=now).mentions
