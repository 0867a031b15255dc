"""What the review and open-network pollers cost: requests per 1,000 mentions and a month.

    .venv/bin/python benchmarks/source_costs.py [--json]

Each poller's own `fetch` runs over synthetic answers in its network's documented shape,
served by `responses` (no network): 1,000 new posts waiting in one timeline (a burst:
how many requests to read them all, and in how many runs), then a quiet run (what every
scheduled run costs with nothing new). The month is the registry's schedule for a team
of our size (the Voltera watch: 2 hashtags on 3 Mastodon servers, 2 App Store territories,
one Android app, one Bluesky account) at the quiet run's requests, plus the requests its
mentions add.

Money: the three APIs do not bill; what remains is Lambda (one invocation per run at the
function's memory, `SECONDS_PER_REQUEST` of network wait per request: an assumption, the
CPU time is measured here and is small), the poll log line per run, and one Secrets
Manager read per cold start (the secret is cached per container). Triage and storage of
the mentions cost what every mention costs (benchmarks/monthly_cost.py). eu-west-1 list
prices, no free tier.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PRICES = {
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "cloudwatch_logs_ingest_gb": 0.57,
    "secrets_manager_api": 0.05 / 1e4,
}
MEMORY_GB = 128 / 1024  # the pollers' Lambda memory (Chalice's default)
SECONDS_PER_REQUEST = 0.3  # assumed network wait per HTTPS request from eu-west-1
LOG_BYTES_PER_RUN = 400  # the "poll" line and Lambda's START/END/REPORT lines
COLD_STARTS_A_DAY = 24  # a container lives about an hour between 5-15 minute runs
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TEAM = {
    "terms": ["Voltera"],
    "hashtags": ["#voltera", "#volterastoring"],
    "mastodon": {
        "home": "https://mastodon.nl",
        "account": "voltera",
        "servers": ["https://mastodon.social", "https://mastodon.online"],
    },
    "app_store": {"app_id": "1234567890", "territories": ["NLD", "BEL"]},
    "google_play": {"package": "nl.voltera.app"},
}


def _mastodon(mock: Any, backlog: int) -> None:
    import re

    statuses = [
        {
            "id": str(10_000 + i),
            "uri": f"https://example.social/users/u{i}/statuses/{i}",
            "url": f"https://example.social/@u{i}/{i}",
            "created_at": "2026-12-07T08:00:00Z",
            "content": "<p>@voltera storing?</p>",
            "account": {"acct": f"u{i}@example.social", "url": f"https://example.social/@u{i}"},
        }
        for i in range(backlog)
    ]

    def notifications(request: Any) -> tuple[int, dict[str, str], str]:
        from urllib.parse import parse_qs, urlsplit

        after = int(parse_qs(urlsplit(request.url).query).get("min_id", ["0"])[0])
        newer = [s for s in statuses if int(s["id"]) > after]
        page = newer[:40] if after else newer[-40:]
        items = [{"id": s["id"], "type": "mention", "status": s} for s in page]
        return 200, {}, json.dumps(items)

    mock.add_callback("GET", "https://mastodon.nl/api/v1/notifications", notifications)
    mock.add("GET", re.compile(r"https://[^/]+/api/v1/timelines/tag/.*"), json=[])


def _app_store(mock: Any, backlog: int) -> None:
    url = "https://api.appstoreconnect.apple.com/v1/apps/1234567890/customerReviews"
    reviews = [
        {
            "type": "customerReviews",
            "id": f"r{i}",
            "attributes": {
                "rating": 1 + i % 5,
                "title": "",
                "body": "Werkt niet",
                "reviewerNickname": "x",
                "createdDate": (NOW - timedelta(seconds=i + 1)).isoformat(),
                "territory": "NLD",
            },
        }
        for i in range(backlog)
    ]

    def listing(request: Any) -> tuple[int, dict[str, str], str]:
        from urllib.parse import parse_qs, urlsplit

        query = parse_qs(urlsplit(request.url).query)
        start = int(query.get("cursor", ["0"])[0])
        mine = reviews if query.get("filter[territory]", ["NLD"])[0] == "NLD" else []
        page = mine[start : start + 200]
        body: dict[str, Any] = {"data": page, "links": {"self": url}}
        if start + 200 < len(mine):
            body["links"]["next"] = f"{url}?cursor={start + 200}&filter[territory]=NLD"
        return 200, {}, json.dumps(body)

    mock.add_callback("GET", url, listing)


def _google_play(mock: Any, backlog: int) -> None:
    url = (
        "https://androidpublisher.googleapis.com/androidpublisher/v3/applications/"
        "nl.voltera.app/reviews"
    )
    reviews = [
        {
            "reviewId": f"gp:{i}",
            "authorName": "x",
            "comments": [
                {
                    "userComment": {
                        "text": "Werkt niet",
                        "starRating": 1 + i % 5,
                        "lastModified": {"seconds": str(int(NOW.timestamp()) - i - 1)},
                    }
                }
            ],
        }
        for i in range(backlog)
    ]

    def listing(request: Any) -> tuple[int, dict[str, str], str]:
        from urllib.parse import parse_qs, urlsplit

        start = int(parse_qs(urlsplit(request.url).query).get("token", ["0"])[0])
        body: dict[str, Any] = {"reviews": reviews[start : start + 100]}
        if start + 100 < len(reviews):
            body["tokenPagination"] = {"nextPageToken": str(start + 100)}
        return 200, {}, json.dumps(body)

    mock.add_callback("GET", url, listing)
    token = {"access_token": "t", "expires_in": 3600}
    mock.add("POST", "https://oauth2.googleapis.com/token", json=token)


def _bluesky(mock: Any, backlog: int) -> None:
    pds = "https://bsky.social/xrpc"
    session = {"accessJwt": "a", "refreshJwt": "r", "did": "did:plc:brand"}
    mock.add("POST", f"{pds}/com.atproto.server.createSession", json=session)
    items = [
        {
            "uri": f"at://did:plc:u{i}/app.bsky.feed.post/{i}",
            "author": {"did": f"did:plc:u{i}", "handle": f"u{i}.bsky.social"},
            "reason": "mention",
            "record": {"text": "@voltera storing?", "createdAt": "2026-12-07T08:00:00Z"},
            "indexedAt": (NOW - timedelta(seconds=i + 1)).isoformat(),
        }
        for i in range(backlog)
    ]

    def listing(request: Any) -> tuple[int, dict[str, str], str]:
        from urllib.parse import parse_qs, urlsplit

        start = int(parse_qs(urlsplit(request.url).query).get("cursor", ["0"])[0])
        body: dict[str, Any] = {"notifications": items[start : start + 50]}
        if start + 50 < len(items):
            body["cursor"] = str(start + 50)
        return 200, {}, json.dumps(body)

    mock.add_callback("GET", f"{pds}/app.bsky.notification.listNotifications", listing)
    mock.add("GET", f"{pds}/app.bsky.feed.searchPosts", json={"posts": []})


def _clients() -> dict[str, Callable[[], Any]]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    from chalicelib.sources import app_store, bluesky, google_play, mastodon

    pkcs8 = serialization.PrivateFormat.PKCS8
    pem = serialization.Encoding.PEM
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        pem, pkcs8, serialization.NoEncryption()
    )
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        pem, pkcs8, serialization.NoEncryption()
    )
    account = {
        "type": "service_account",
        "private_key": rsa_key.decode(),
        "client_email": "bench@example.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return {
        "mastodon": lambda: mastodon.make_client({"mastodon_access_token": "t"}),
        "app_store": lambda: app_store.make_client(
            {
                "appstore_issuer_id": "i",
                "appstore_key_id": "k",
                "appstore_private_key": ec_key.decode(),
            }
        ),
        "google_play": lambda: google_play.make_client(
            {"google_play_service_account": json.dumps(account)}
        ),
        "bluesky": lambda: bluesky.make_client(
            {"bluesky_handle": "voltera.bsky.social", "bluesky_app_password": "x"}
        ),
    }


SERVE = {
    "mastodon": _mastodon,
    "app_store": _app_store,
    "google_play": _google_play,
    "bluesky": _bluesky,
}


def measure(name: str, backlog: int = 1500) -> dict[str, Any]:
    """Read a backlog of `backlog` new posts run after run, then one quiet run."""
    import importlib

    import responses

    from chalicelib.sources import registry
    from chalicelib.sources.watch import Watch

    source = registry.get(name)
    module = importlib.import_module(f"chalicelib.sources.{source.module}")
    watch = Watch.from_dict(TEAM)
    client = _clients()[name]()
    cursor: str | None = _primed(name)
    runs = requests = mentions = 0
    cpu = 0.0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        SERVE[name](mock, backlog)
        while mentions < backlog and runs < 100:
            started = time.process_time()
            result = module.fetch(client, cursor, watch=watch, now=NOW + timedelta(minutes=runs))
            cpu += time.process_time() - started
            runs, requests = runs + 1, requests + result.requests
            mentions += len(result.mentions)
            cursor = result.next_cursor
            if not result.mentions:
                break
        before = len(mock.calls)
        quiet = module.fetch(client, cursor, watch=watch, now=NOW + timedelta(minutes=runs + 1))
        token_calls = sum(1 for c in mock.calls[before:] if c.request.method == "POST")
        logins = sum(1 for c in mock.calls if "createSession" in c.request.url)
    return {
        "backlog": backlog,
        "mentions_read": mentions,
        "runs_to_read_it": runs,
        "requests_per_1000": round(requests * 1000 / max(mentions, 1), 1),
        "requests_a_quiet_run": quiet.requests + token_calls,
        "cpu_seconds_a_run": round(cpu / max(runs, 1), 4),
        "logins": logins,
        "every_minutes": source.every_minutes,
    }


def _primed(name: str) -> str | None:
    """A cursor from before the backlog (so every post of it counts as new)."""
    past = int((NOW - timedelta(days=1)).timestamp())
    if name == "mastodon":
        return json.dumps({"https://mastodon.nl/api/v1/notifications": "9999"})
    if name == "bluesky":
        return json.dumps({"newest": (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")})
    if name == "app_store":
        stamp = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps({t: {"newest": stamp, "seen": {}} for t in ("NLD", "BEL")})
    return json.dumps({"newest": past, "seen": {}})


def month(figures: dict[str, Any], mentions_a_month: int) -> dict[str, Any]:
    runs = 30 * 24 * 60 // figures["every_minutes"]
    requests = runs * figures["requests_a_quiet_run"] + round(
        figures["requests_per_1000"] * mentions_a_month / 1000
    )
    seconds = runs * figures["cpu_seconds_a_run"] + requests * SECONDS_PER_REQUEST
    dollars = (
        runs * PRICES["lambda_request"]
        + seconds * MEMORY_GB * PRICES["lambda_gb_second"]
        + runs * LOG_BYTES_PER_RUN / 1e9 * PRICES["cloudwatch_logs_ingest_gb"]
        + 30 * COLD_STARTS_A_DAY * PRICES["secrets_manager_api"]
    )
    return {
        "runs": runs,
        "requests": requests,
        "dollars": round(dollars, 3),
        "dollars_per_1000_mentions": round(
            (figures["requests_per_1000"] * SECONDS_PER_REQUEST)
            * MEMORY_GB
            * PRICES["lambda_gb_second"],
            6,
        ),
    }


# mentions a month for a team of our size (a Dutch energy brand: the demo's Voltera)
TEAM_MONTH = {"mastodon": 300, "app_store": 150, "google_play": 400, "bluesky": 600}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out = {}
    for name in SERVE:
        figures = measure(name)
        figures["month"] = month(figures, TEAM_MONTH[name])
        figures["team_mentions_a_month"] = TEAM_MONTH[name]
        out[name] = figures
    if args.json:
        print(json.dumps(out))
    else:
        for name, f in out.items():
            m = f["month"]
            print(
                f"{name}: {f['requests_per_1000']} requests / 1,000 mentions "
                f"({f['runs_to_read_it']} runs for a backlog of {f['backlog']}), "
                f"{f['requests_a_quiet_run']} a quiet run; month ({f['team_mentions_a_month']} "
                f"mentions): {m['runs']} runs, {m['requests']} requests, ${m['dollars']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
