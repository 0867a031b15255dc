"""RSS / Atom feeds (news, review sites, blogs), parsed with feedparser.

`fetch(http_get, cursor, ...)` asks each watched feed for what changed (ETag /
Last-Modified, so an unchanged feed costs a 304), keeps entries it has not seen and
that match the watch terms (or every entry of a feed marked ``"all"``).

`http_get(url, headers) -> HttpResponse` is injectable: `make_client()` gives one on
urllib; tests pass one that serves fixture bytes.

Cursor (JSON text): ``{"<feed url>": {"etag": …, "modified": …, "seen": [<ids>]}}``;
a mention's native id is a stable hash of the entry id (or link, or title).
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..errors import RetriableSourceError
from ..model import Author, Mention, iso
from . import FetchResult
from ._common import clip, json_cursor
from .watch import Watch

SOURCE = "feed"
SEEN_KEPT = 500  # entry ids remembered per feed
MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "social-listening/0.1 (+feeds)"
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


HttpGet = Callable[[str, Mapping[str, str]], HttpResponse]


def make_client(credentials: object = None, timeout: float = 10) -> HttpGet:
    """An `http_get` on urllib (feeds need no credentials)."""

    def http_get(url: str, headers: Mapping[str, str]) -> HttpResponse:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return HttpResponse(
                    response.status, dict(response.headers), response.read(MAX_BYTES)
                )
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, dict(exc.headers or {}), b"")

    return http_get


def fetch(
    http_get: HttpGet,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 12_000,  # more than one request's timeout
    max_age: timedelta = timedelta(days=3),
    max_reads: int | None = None,  # unused: feeds are free
) -> FetchResult:
    import feedparser

    state = parse_cursor(cursor)
    mentions: list[Mention] = []
    notes: list[str] = []
    failures = requests = reads = 0
    stopped = False
    for place in watch.feeds:
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            notes.append("stopped early: Lambda time is running out")
            stopped = True
            break
        feed_state = dict(state.get(place.name) or {})
        headers = {}
        if feed_state.get("etag"):
            headers["If-None-Match"] = feed_state["etag"]
        if feed_state.get("modified"):
            headers["If-Modified-Since"] = feed_state["modified"]
        requests += 1
        try:
            response = http_get(place.name, headers)
        except OSError as exc:
            failures += 1
            notes.append(f"{place.name}: unreachable ({type(exc).__name__})")
            continue
        if response.status == 304:
            continue
        if response.status != 200:
            failures += 1
            notes.append(f"{place.name}: HTTP {response.status}")
            continue
        parsed = feedparser.parse(response.body, response_headers=_lower(response.headers))
        if not parsed.entries and (parsed.bozo or not parsed.get("version")):
            failures += 1
            notes.append(f"{place.name}: not an RSS/Atom feed")
            continue
        seen = list(feed_state.get("seen") or [])
        known = set(seen)
        site = urlsplit(place.name).hostname or place.name
        source_title = str(parsed.feed.get("title") or site)
        for entry in parsed.entries:
            reads += 1
            native_id = entry_id(entry)
            if native_id in known:
                continue
            seen.append(native_id)
            known.add(native_id)
            mention = entry_to_mention(
                entry, native_id, site=site, feed_title=source_title, received_at=now
            )
            if datetime.fromisoformat(mention.created_at.replace("Z", "+00:00")) < now - max_age:
                continue
            text = mention.text
            if watch.is_excluded(text):
                continue
            terms = watch.match(text)
            if terms or place.everything:
                mentions.append(mention.with_(matched_terms=terms))
        response_headers = _lower(response.headers)
        feed_state["etag"] = response_headers.get("etag") or None
        feed_state["modified"] = response_headers.get("last-modified") or None
        feed_state["seen"] = seen[-SEEN_KEPT:]
        state[place.name] = {k: v for k, v in feed_state.items() if v}

    if watch.feeds and failures == requests and requests:
        raise RetriableSourceError("every feed failed: " + "; ".join(notes))
    # forget feeds no longer watched
    state = {url: s for url, s in state.items() if url in {p.name for p in watch.feeds}}
    return FetchResult(
        mentions=mentions,
        next_cursor=json.dumps(state, sort_keys=True) if state else None,
        requests=requests,
        reads=reads,
        exhausted=not stopped,
        notes=notes,
    )


def entry_id(entry: Mapping[str, Any]) -> str:
    key = entry.get("id") or entry.get("link") or entry.get("title") or ""
    if not key:
        raise ValueError("a feed entry with no id, link or title")
    return hashlib.sha256(str(key).encode()).hexdigest()[:24]


def entry_to_mention(
    entry: Mapping[str, Any],
    native_id: str,
    *,
    site: str,
    feed_title: str,
    received_at: datetime,
) -> Mention:
    title = plain(entry.get("title"))
    summary = plain(entry.get("summary"))
    text = title if not summary or summary == title else f"{title}\n\n{summary}"
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    created = datetime.fromtimestamp(calendar.timegm(when), UTC) if when else received_at
    return Mention(
        source=SOURCE,
        native_id=native_id,
        url=str(entry.get("link") or ""),
        author=Author(id=site, handle=site, name=str(entry.get("author") or feed_title)),
        text=clip(text),
        created_at=iso(created),
        received_at=iso(received_at),
        lang=None,
    )


def plain(value: Any) -> str:
    """HTML to plain text: tags out, entities decoded, whitespace tidied."""
    text = html.unescape(_TAG.sub(" ", str(value or "")))
    return "\n".join(_SPACE.sub(" ", line).strip() for line in text.splitlines()).strip()


def parse_cursor(cursor: str | None) -> dict[str, Any]:
    return json_cursor(cursor, "feed")


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
