"""Reddit without API approval: each watched subreddit's Atom feeds on www.reddit.com.

New API keys need Reddit's approval (since 2025-11) and the logged-out ``.json`` answers
403 (since 2026-05); the Atom feeds still answer (PLATFORM_NOTES, "Reddit without API
approval"). Per subreddit two feeds: new posts (``/r/{sub}/new/.rss``) and new comments
(``/r/{sub}/comments/.rss``), read with a conditional GET (ETag / Last-Modified: an
unchanged feed is a 304) and parsed with feedparser. Entry ids are Reddit's fullnames,
``t3_…`` (post) and ``t1_…`` (comment): a mention is ``reddit:t3_…``, praw's id space, so a
team that later gets API approval (the ``reddit`` poller) sees no post twice.

What can go wrong, and what it does (the cursor of that feed stays, nothing is lost):

    429                          the run stops; retry after Retry-After, at least a back-off
                                 that doubles per throttled run (1 min .. 1 h)
    HTML (a login page),         that feed is skipped this run
    truncated or broken XML,
    0 entries after entries in
    the last day
    any of these                 the run is *degraded* (`FetchResult.degraded`): source
                                 health counts a failure and pages once after 3 in a row

Cursor (JSON text): ``{"throttled": n, "<feed url>": {"etag", "modified", "seen": [ids],
"entries_at": <ISO time of the last run that saw entries>}}``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import ConfigError, RetriableSourceError
from ..model import Author, Mention, iso, parse_time
from . import FetchResult
from ._common import Credentials, clip, json_cursor
from .feeds import HttpGet, HttpResponse, plain
from .reddit import SOURCE
from .watch import Watch

BASE = "https://www.reddit.com"
USER_AGENT = "social-listening/0.1 (Atom reader; +https://github.com/)"
SEEN_KEPT = 500
MAX_BYTES = 5 * 1024 * 1024
BACK_OFF = timedelta(minutes=1)
MAX_BACK_OFF = timedelta(hours=1)
EMPTY_AFTER = timedelta(days=1)  # 0 entries this soon after entries: suspicious


def make_client(credentials: Credentials, timeout: float = 10) -> HttpGet:
    """An `http_get` over requests. With praw credentials the ``reddit`` poller reads
    Reddit instead: this one is then skipped (one log line)."""
    if str(credentials.get("reddit_client_id") or "").strip():
        raise ConfigError("Reddit API credentials configured: the reddit poller reads Reddit")
    import requests

    session = requests.Session()

    def http_get(url: str, headers: Mapping[str, str]) -> HttpResponse:
        try:
            response = session.get(
                url, headers={"User-Agent": USER_AGENT, **headers}, timeout=timeout
            )
        except requests.RequestException as exc:
            raise OSError(f"Reddit unreachable: {type(exc).__name__}") from exc
        return HttpResponse(
            response.status_code, dict(response.headers), response.content[:MAX_BYTES]
        )

    return http_get


def feed_urls(subreddit: str) -> tuple[str, str]:
    return f"{BASE}/r/{subreddit}/new/.rss", f"{BASE}/r/{subreddit}/comments/.rss"


def fetch(
    http_get: HttpGet,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 12_000,
    max_reads: int | None = None,  # unused: the feeds are free
) -> FetchResult:
    import feedparser

    state = json_cursor(cursor, "Reddit Atom")
    throttled = int(state.get("throttled") or 0)
    mentions: list[Mention] = []
    notes: list[str] = []
    problems: list[str] = []
    requests = reads = 0
    retry_at: float | None = None
    wanted = {url: place for place in watch.subreddits for url in feed_urls(place.name)}
    for url, place in wanted.items():
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            notes.append("stopped early: Lambda time is running out")
            break
        feed = dict(state.get(url) or {})
        headers = {"If-None-Match": feed["etag"]} if feed.get("etag") else {}
        if feed.get("modified"):
            headers["If-Modified-Since"] = feed["modified"]
        requests += 1
        try:
            response = http_get(url, headers)
        except OSError as exc:
            raise RetriableSourceError(str(exc)) from exc
        if response.status == 429:
            throttled += 1
            retry_at = _retry_at(response, throttled, now)
            problems.append(f"{url}: 429 ({throttled} throttled runs in a row)")
            break
        if response.status == 304:
            continue
        if response.status != 200:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        parsed = feedparser.parse(response.body, response_headers=_lower(response.headers))
        problem = _suspicious(parsed, response, feed, now)
        if problem:
            problems.append(f"{url}: {problem}")
            continue  # this feed's cursor stays: the next run reads it again
        seen = list(feed.get("seen") or [])
        known = set(seen)
        for entry in parsed.entries:
            reads += 1
            mention = entry_to_mention(entry, received_at=now)
            if mention is None or mention.native_id in known:
                continue
            seen.append(mention.native_id)
            known.add(mention.native_id)
            if watch.is_excluded(mention.text):
                continue
            terms = watch.match(mention.text)
            if terms or place.everything:
                mentions.append(mention.with_(matched_terms=terms))
        lowered = _lower(response.headers)
        feed.update(etag=lowered.get("etag"), modified=lowered.get("last-modified"))
        feed["seen"] = seen[-SEEN_KEPT:]
        if parsed.entries:
            feed["entries_at"] = iso(now)
        state[url] = {k: v for k, v in feed.items() if v}
    if retry_at is None:
        throttled = 0
    next_state = {k: v for k, v in state.items() if k in wanted}
    next_state["throttled"] = throttled
    return FetchResult(
        mentions=mentions,
        next_cursor=json.dumps({k: v for k, v in next_state.items() if v}, sort_keys=True) or None,
        requests=requests,
        reads=reads,
        exhausted=retry_at is None,
        notes=notes + problems,
        retry_at=retry_at,
        degraded="; ".join(problems)[:300] or None,
    )


def entry_to_mention(entry: Mapping[str, Any], *, received_at: datetime) -> Mention | None:
    """An Atom entry of a post (``t3_``) or comment (``t1_``); None for anything else."""
    fullname = str(entry.get("id") or "")
    if not fullname.startswith(("t1_", "t3_")):
        return None
    content = plain((entry.get("content") or [{}])[0].get("value"))
    content = content.split(" submitted by ", 1)[0].strip()  # the post footer Reddit adds
    title = plain(entry.get("title"))
    text = content if fullname.startswith("t1_") else "\n\n".join(p for p in (title, content) if p)
    handle = str((entry.get("author_detail") or {}).get("name") or entry.get("author") or "")
    handle = handle.removeprefix("/u/") or "[deleted]"
    stamp = entry.get("published") or entry.get("updated")
    link = str(entry.get("link") or "")
    return Mention(
        source=SOURCE,
        native_id=fullname,
        url=link,
        author=Author(id=handle, handle=handle),
        text=clip(text),
        created_at=iso(parse_time(stamp) if stamp else received_at),
        received_at=iso(received_at),
        in_reply_to=_post_of(link) if fullname.startswith("t1_") else None,
    )


def _post_of(link: str) -> str | None:
    """A comment's post (``reddit:t3_…``) from its link ``…/comments/<post id>/…``."""
    parts = link.split("/comments/", 1)
    post = parts[1].split("/", 1)[0] if len(parts) == 2 else ""
    return f"{SOURCE}:t3_{post}" if post.isalnum() else None


def _suspicious(parsed: Any, response: HttpResponse, feed: Mapping[str, Any], now: datetime) -> str:
    kind = _lower(response.headers).get("content-type", "")
    if "html" in kind and "xml" not in kind:
        return "an HTML page, not a feed (a login page?)"
    if parsed.bozo or not parsed.get("version", "").startswith("atom"):
        return "not a complete Atom feed (truncated or broken XML)"
    last = feed.get("entries_at")
    if not parsed.entries and last and now - parse_time(last) < EMPTY_AFTER:
        return f"0 entries, after entries at {last}"
    return ""


def _retry_at(response: HttpResponse, throttled: int, now: datetime) -> float:
    """Retry-After (seconds or an HTTP date), at least the doubling back-off."""
    back_off = min(BACK_OFF * 2 ** (throttled - 1), MAX_BACK_OFF)
    wait = back_off.total_seconds()
    raw = _lower(response.headers).get("retry-after", "").strip()
    if raw.isdigit():
        wait = max(wait, float(raw))
    elif raw:
        with contextlib.suppress(TypeError, ValueError):
            wait = max(wait, (parsedate_to_datetime(raw) - now).total_seconds())
    return float(now.timestamp() + wait)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
