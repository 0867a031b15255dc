"""Mastodon: the brand account's mentions, and the watched hashtags on chosen servers.

Per run, plain HTTP (`http_json`) to the Mastodon REST API (PLATFORM_NOTES, "Mastodon"):

    GET {home}/api/v1/notifications?types[]=mention   the brand's mentions (token with the
                                                       one scope read:notifications)
    GET {server}/api/v1/timelines/tag/{tag}            each watched hashtag on each server
                                                       (public: no token is ever sent)

Each timeline is read forward with ``min_id`` (the page just after what we saw), up to
`MAX_PAGES` pages of 40; the first run reads only the newest page. A status has another
id on every server it federates to, so a mention's native id is a hash of its ActivityPub
``uri`` where it is read on another server (``mastodon:uri-<24 hex>``); read on the
brand's home server a post keeps its id there (``mastodon:<status id>``), which the reply
path answers. In one run a post is one mention (the home server's copy first). Boosts and
the brand's own posts are left out.

What can go wrong, and what it does (the cursor of that timeline stays, nothing is lost):

    429, or fewer than 5 requests left   the run stops; retry at X-RateLimit-Reset
    401/403 on the notifications         degraded: "renew mastodon_access_token …"
    401/403/404 on a hashtag timeline    degraded: that server closed its public timelines
    5xx, not JSON, unreachable           degraded: that timeline is read again next run

Cursor (JSON text): ``{"<timeline url>": "<newest id seen>"}``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from ..model import Author, Engagement, Mention, iso, parse_time
from . import FetchResult
from ._common import Credentials, as_int, clip, json_cursor
from .http_json import Answer, JsonHttp, wait_until
from .watch import Watch
from .watch_networks import MastodonWatch

SOURCE = "mastodon"
PAGE = 40  # Mastodon's largest page
MAX_PAGES = 5  # per timeline per run
MAX_REQUESTS = 60  # per run: a fifth of the 300 requests / 5 min a token or address gets
LOW_REMAINING = 5
SCOPE = "read:notifications"
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


class MastodonClient:
    """The HTTP session and the brand's token (sent only to the home server)."""

    def __init__(self, token: str, http: JsonHttp | None = None) -> None:
        self.token = token
        self.http = http or JsonHttp()

    def get(self, url: str, params: Mapping[str, Any], *, signed: bool) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}"} if signed and self.token else {}
        return self.http.get(url, params=params, headers=headers)


def make_client(credentials: Credentials) -> MastodonClient:
    """Without ``mastodon_access_token`` only the hashtag timelines are read."""
    return MastodonClient(str(credentials.get("mastodon_access_token") or "").strip())


def timelines(place: MastodonWatch, hashtags: tuple[str, ...], token: bool) -> dict[str, bool]:
    """Timeline URL -> whether the brand's token goes with it."""
    out = {f"{place.home}/api/v1/notifications": True} if token else {}
    for server in place.servers:
        for tag in hashtags:
            out[f"{server}/api/v1/timelines/tag/{quote(tag.lstrip('#'), safe='')}"] = False
    return out


def fetch(
    client: MastodonClient,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 10_000,
    max_reads: int | None = None,  # unused: Mastodon does not bill
) -> FetchResult:
    place = watch.mastodon
    if place is None:
        return FetchResult([], cursor, notes=["no mastodon in the watch configuration"])
    state = json_cursor(cursor, "Mastodon")
    wanted = timelines(place, watch.hashtags, bool(client.token))
    run = _Run(client, watch, place, now)
    for url, signed in wanted.items():
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            run.notes.append("stopped early: Lambda time is running out")
            break
        if run.retry_at is not None or run.requests >= MAX_REQUESTS:
            break
        newest = run.read(url, signed, state.get(url))
        if newest:
            state[url] = newest
    notes = list(run.notes)
    if not client.token and place.home:
        notes.append("no mastodon_access_token: the brand's mentions are not read")
    return FetchResult(
        mentions=list(run.mentions.values()),
        next_cursor=json.dumps({k: v for k, v in state.items() if k in wanted}, sort_keys=True),
        requests=run.requests,
        reads=run.reads,
        exhausted=run.retry_at is None,
        notes=notes + run.problems,
        retry_at=run.retry_at,
        degraded="; ".join(run.problems)[:300] or None,
    )


class _Run:
    """One run's reading: requests made, posts read, what went wrong."""

    def __init__(self, client: MastodonClient, watch: Watch, place: MastodonWatch, now: datetime):
        self.client, self.watch, self.place, self.now = client, watch, place, now
        self.mentions: dict[str, Mention] = {}
        self.requests = self.reads = 0
        self.retry_at: float | None = None
        self.notes: list[str] = []
        self.problems: list[str] = []

    def read(self, url: str, signed: bool, since: str | None) -> str | None:
        """Read one timeline forward from `since`; the newest id seen (None: no change)."""
        newest = since
        for _ in range(MAX_PAGES if since else 1):
            params: dict[str, Any] = {"limit": PAGE}
            if signed:
                params["types[]"] = "mention"
            if newest:
                params["min_id"] = newest
            items = self._page(url, params, signed)
            if items is None:
                return newest if newest != since else None
            for item in items:
                self.reads += 1
                status = item.get("status") if signed else item
                home = url.startswith(self.place.home + "/")
                mention = self._mention(status, signed, home)
                if mention is not None:  # one per post: the home server's copy comes first
                    self.mentions.setdefault(str(status.get("uri")), mention)
            ids = [str(item.get("id")) for item in items if str(item.get("id") or "").isdigit()]
            if ids:
                newest = max([*ids, newest or "0"], key=int)
            if len(items) < PAGE or not since or self.requests >= MAX_REQUESTS:
                break
        return newest if newest != since else None

    def _page(self, url: str, params: Mapping[str, Any], signed: bool) -> list[Any] | None:
        host = urlsplit(url).netloc
        self.requests += 1
        try:
            answer = self.client.get(url, params, signed=signed)
        except OSError as exc:
            self.problems.append(str(exc))
            return None
        if answer.status == 429:
            self.retry_at = wait_until(
                answer, self.now, at_least=60, reset_header="x-ratelimit-reset"
            )
            self.problems.append(f"{host}: 429 rate limited")
            return None
        if answer.status in (401, 403) and signed:
            self.problems.append(
                f"{host} refused the access token (HTTP {answer.status}): renew "
                f"mastodon_access_token (an application on {host} with the scope {SCOPE})"
            )
            return None
        if answer.status in (401, 403, 404):
            self.problems.append(
                f"{host} does not show its hashtag timelines (HTTP {answer.status}): "
                "remove it from mastodon.servers"
            )
            return None
        if answer.status != 200 or not isinstance(answer.body, list):
            self.problems.append(f"{host}: HTTP {answer.status}, not a list of posts")
            return None
        remaining = answer.header("x-ratelimit-remaining")
        if remaining.isdigit() and int(remaining) < LOW_REMAINING:
            self.retry_at = wait_until(
                answer, self.now, at_least=60, reset_header="x-ratelimit-reset"
            )
            self.notes.append(f"{host}: {remaining} requests left in the window: stopping")
        return [item for item in answer.body if isinstance(item, dict)]

    def _mention(self, status: Any, notified: bool, home: bool) -> Mention | None:
        if not isinstance(status, dict) or status.get("reblog"):
            return None  # a deleted post's notification, or a boost
        mention = status_to_mention(status, received_at=self.now, home=home)
        if mention is None or (self.place.brand and mention.author.handle == self.place.brand):
            return None
        if not notified and self.watch.is_excluded(mention.text):
            return None
        terms = self.watch.tag_author(self.watch.match(mention.text), mention.author.handle)
        return mention.with_(matched_terms=terms)


def status_to_mention(
    status: Mapping[str, Any], *, received_at: datetime, home: bool = True
) -> Mention | None:
    """A Mastodon status as a mention; None without an ``uri``.

    Read on the brand's home server (`home`), its id there is the native id: the reply
    path answers it with ``in_reply_to_id`` (sources/reply/mastodon.py). Read on another
    server, the id is that server's: the native id is then ``uri-`` and a hash of its
    ActivityPub uri (the same on every other server; no reply from the case page).
    A local account's ``acct`` has no domain: the handle becomes ``user@<its server>``."""
    uri = str(status.get("uri") or "")
    if not uri:
        return None
    account = status.get("account") or {}
    acct = str(account.get("acct") or account.get("username") or "")
    host = urlsplit(str(account.get("url") or uri)).netloc
    handle = (acct if "@" in acct else f"{acct}@{host}").lower()
    created = status.get("created_at")
    warning = str(status.get("spoiler_text") or "").strip()
    text = "\n\n".join(p for p in (warning, to_text(status.get("content"))) if p)
    return Mention(
        source=SOURCE,
        native_id=str(status.get("id"))
        if home and str(status.get("id")).isdigit()
        else native_id(uri),
        url=str(status.get("url") or uri),
        author=Author(
            id=str(account.get("url") or handle),
            handle=handle,
            name=str(account.get("display_name") or ""),
            followers=as_int(account.get("followers_count")),
        ),
        text=clip(text),
        created_at=iso(parse_time(created) if created else received_at),
        received_at=iso(received_at),
        lang=str(status["language"]) if status.get("language") else None,
        engagement=Engagement(
            likes=as_int(status.get("favourites_count")),
            replies=as_int(status.get("replies_count")),
            reposts=as_int(status.get("reblogs_count")),
        ),
    )


def native_id(uri: str) -> str:
    """A post read on another server: a hash of its ActivityPub uri (the same on each)."""
    return "uri-" + hashlib.sha256(uri.encode()).hexdigest()[:24]


def to_text(content: Any) -> str:
    """Mastodon's status HTML as text: paragraphs and line breaks kept, tags out."""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", str(content or ""))))
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()
