"""Meta Graph API reads: the one place the Graph version is named, and the catch-up read
of a Facebook Page's recent posts and their comments.

Meta's webhooks can stop silently (a wrong app setting) and Meta redelivers no gap. When
the Meta webhook has been quiet past its quiet time (`registry`), the catch-up poller
(`sources/catch_up.py`) reads ``GET /{page-id}/feed`` (recent posts, with their comments)
and stores what the webhook missed; ids are the webhook's (``facebook:<post id>``,
``facebook:<post id>_<comment id>``), so what both saw is one mention. The Page's own
posts and replies are left out, as in the webhook.

Cursor (JSON text): ``{"since": <epoch seconds of the newest item read>}``; the first read
looks back `FIRST_LOOKBACK`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import FatalSourceError, RetriableSourceError
from ..model import Author, Mention, iso, parse_time
from . import FetchResult
from ._common import Credentials, clip, json_cursor, need_secret
from .watch import Watch

GRAPH_VERSION = "v25.0"  # runs to 2028-07-29 (v21.0 ends 2027-01-21): change it here only
GRAPH = f"https://graph.facebook.com/{GRAPH_VERSION}"
SOURCE = "facebook"
FIRST_LOOKBACK = timedelta(days=1)
FIELDS = (
    "id,message,created_time,from,permalink_url,"
    "comments.limit(100){id,message,created_time,from,permalink_url,parent}"
)


@dataclass(frozen=True)
class GraphClient:
    page_id: str
    get: Callable[[str, Mapping[str, str]], Any]  # (path, params) -> JSON, or raises


def make_client(credentials: Credentials, timeout: float = 10) -> GraphClient:
    """A Graph reader with the Page token (``meta_page_token``, ``meta_page_id``)."""
    token, page_id = need_secret(
        credentials, "meta_page_token", "meta_page_id", source="Meta catch-up"
    )
    import requests

    session = requests.Session()

    def get(path: str, params: Mapping[str, str]) -> Any:
        try:
            response = session.get(
                f"{GRAPH}/{path}", params={**params, "access_token": token}, timeout=timeout
            )
        except requests.RequestException as exc:
            raise RetriableSourceError(f"Graph unreachable: {type(exc).__name__}") from exc
        if response.status_code in (429, 500, 502, 503, 504):
            raise RetriableSourceError(f"Graph answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise FatalSourceError(f"Graph refused the read (HTTP {response.status_code})")
        return response.json()

    return GraphClient(page_id, get)


def fetch(
    client: GraphClient,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    max_reads: int | None = None,  # unused: Graph reads are free
) -> FetchResult:
    state = json_cursor(cursor, "Meta catch-up")
    since = float(state.get("since") or (now - FIRST_LOOKBACK).timestamp())
    body = client.get(f"{client.page_id}/feed", {"fields": FIELDS, "since": str(int(since))})
    mentions: list[Mention] = []
    newest = since
    reads = 0
    for post in body.get("data") or []:
        items = [post, *((post.get("comments") or {}).get("data") or [])]
        for item in items:
            reads += 1
            mention = item_to_mention(item, client.page_id, post_id=str(post["id"]), now=now)
            if mention is None:
                continue
            newest = max(newest, parse_time(mention.created_at).timestamp())
            terms = watch.match(mention.text)
            mentions.append(mention.with_(matched_terms=terms) if terms else mention)
    return FetchResult(
        mentions=mentions,
        next_cursor=json.dumps({"since": int(newest)}),
        requests=1,
        reads=reads,
    )


def item_to_mention(
    item: Mapping[str, Any], page_id: str, *, post_id: str, now: datetime
) -> Mention | None:
    """A Graph post or comment; None for the Page's own."""
    sender = item.get("from") or {}
    if str(sender.get("id") or "") == page_id:
        return None
    native_id = str(item.get("id") or _comment_id(item, post_id))
    if not native_id:
        return None
    parent = (item.get("parent") or {}).get("id")
    is_comment = native_id != post_id
    created = item.get("created_time")
    return Mention(
        source=SOURCE,
        native_id=native_id,
        url=str(item.get("permalink_url") or f"https://www.facebook.com/{post_id}"),
        author=Author(
            id=str(sender.get("id") or ""), handle="", name=str(sender.get("name") or "")
        ),
        text=clip(item.get("message")),
        created_at=iso(parse_time(str(created).replace("+0000", "+00:00")) if created else now),
        received_at=iso(now),
        in_reply_to=f"{SOURCE}:{parent or post_id}" if is_comment else None,
    )


def _comment_id(item: Mapping[str, Any], post_id: str) -> str:
    """``<post id>_<comment id>`` from a permalink (reads that asked for no `id`)."""
    query = parse_qs(urlsplit(str(item.get("permalink_url") or "")).query)
    comment = (query.get("reply_comment_id") or query.get("comment_id") or [""])[0]
    return f"{post_id.split('_')[-1]}_{comment}" if comment else ""
