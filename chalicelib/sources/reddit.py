"""Reddit poller (praw, read-only): new comments and posts of watched subreddits, plus a
site-wide search for the watch terms.

Each listing is one request of up to 100 items (``r/a+b/comments/?before=<fullname>``,
``r/a+b/new``, ``r/all/search/?sort=new``), made with ``reddit.get`` so a run makes
exactly the requests we count (a `ListingGenerator` may add an ``after`` page). Items
are matched locally against the watch terms, except in subreddits marked ``"all"``.

Cursor (JSON text): ``{"comments": "t1_…", "posts": "t3_…", "search": <created_utc>}``.
``before=<fullname>`` gives the page just newer than the fullname, so busy subreddits
are read without gaps; when that page is empty we check the plain newest page too,
because a deleted anchor makes ``before`` answer empty for ever.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..errors import ConfigError, FatalSourceError, RetriableSourceError
from ..model import Author, Engagement, Mention, iso, parse_time
from . import FetchResult
from ._common import Credentials, as_int, clip, json_cursor, need_secret
from .watch import Watch

SOURCE = "reddit"
PARTS = ("comments", "posts", "search")
PAGE = 100
BASE = "https://www.reddit.com"


def make_client(credentials: Credentials) -> Any:
    """A read-only `praw.Reddit` (secret keys reddit_client_id/_secret/_user_agent)."""
    client_id, client_secret, user_agent = need_secret(
        credentials,
        "reddit_client_id",
        "reddit_client_secret",
        "reddit_user_agent",
        source="Reddit poller",
    )
    return praw_client(client_id, client_secret, user_agent)


def praw_client(client_id: str, client_secret: str, user_agent: str, **login: Any) -> Any:
    """`praw.Reddit` as Lambda needs it (no update check, no async warning, a 10 s
    timeout); `login` (username, password) for the brand's own account (replies)."""
    import praw

    if "(by /u/" not in user_agent:
        raise ConfigError(
            "reddit_user_agent must read '<platform>:<app id>:<version> (by /u/<user>)'"
        )
    return praw.Reddit(
        client_id=client_id,
        client_secret=client_secret,
        user_agent=user_agent,
        check_for_updates=False,
        check_for_async=False,
        timeout=10,
        **login,
    )


def fetch(
    client: Any,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 12_000,  # more than one request's timeout
    max_requests: int = 10,
    min_rate_remaining: int = 10,
    max_reads: int | None = None,  # unused: Reddit reads are free
    parts: tuple[str, ...] = PARTS,
) -> FetchResult:
    """New comments, new posts, site-wide search (`parts` picks which) since the cursor."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown Reddit listings: {sorted(unknown)}")
    state = parse_cursor(cursor)
    run = _Run(client, now, remaining_ms, min_remaining_ms, max_requests, min_rate_remaining)
    mentions: list[Mention] = []
    subs = "+".join(p.name for p in watch.subreddits)
    everywhere = {p.name.casefold() for p in watch.subreddits if p.everything}

    try:
        if subs:
            for key, path in (("comments", f"r/{subs}/comments/"), ("posts", f"r/{subs}/new")):
                if key not in parts or not run.may_continue():
                    continue
                items, state[key] = run.listing(path, state.get(key))
                mentions += _keep(items, watch, everywhere, now)
        query = search_query(watch)
        if query and "search" in parts and run.may_continue():
            items, state["search"] = run.search(query, state.get("search"))
            mentions += _keep(items, watch, set(), now)
    except Exception as exc:
        translated = _translate(exc, now)
        if translated is exc:
            raise
        raise translated from exc

    state = {k: v for k, v in state.items() if v is not None}
    return FetchResult(
        mentions=_unique(mentions),
        next_cursor=json.dumps(state, sort_keys=True) if state else None,
        requests=run.requests,
        reads=run.reads,
        exhausted=not run.notes,
        notes=run.notes,
        retry_at=run.retry_at,
    )


def search_query(watch: Watch) -> str:
    words = [*watch.terms, *(h.lstrip("@") for h in watch.handles), *watch.hashtags]
    return " OR ".join(f'"{w}"' if " " in w else w for w in words)


def item_to_mention(item: Any, *, received_at: datetime, terms: tuple[str, ...] = ()) -> Mention:
    """A praw Comment or Submission (read from its loaded data only: no lazy fetch)."""
    data = vars(item)
    fullname = str(data.get("name") or "")
    if not fullname.startswith(("t1_", "t3_")):
        raise ValueError(f"not a Reddit comment or post: {fullname!r}")
    is_comment = fullname.startswith("t1_")
    author = data.get("author")
    handle = str(author) if author is not None else "[deleted]"
    if is_comment:
        text = data.get("body") or ""
    else:
        text = "\n\n".join(p for p in (data.get("title"), data.get("selftext")) if p)
    parent = data.get("parent_id")
    return Mention(
        source=SOURCE,
        native_id=fullname,
        url=permalink(data),
        author=Author(id=str(data.get("author_fullname") or handle), handle=handle),
        text=clip(text),
        created_at=iso(parse_time(float(data.get("created_utc") or 0))),
        received_at=iso(received_at),
        engagement=Engagement(
            likes=as_int(data.get("ups")),
            replies=as_int(data.get("num_comments")),
            score=int(data.get("score") or 0),
        ),
        matched_terms=terms,
        in_reply_to=f"{SOURCE}:{parent}" if parent else None,
    )


def permalink(data: Mapping[str, Any]) -> str:
    """The post's link; 2016 comments have no permalink, so build it from link_id + id."""
    link = data.get("permalink")
    if link:
        return BASE + str(link).split("?", 1)[0]
    if data.get("link_id") and data.get("id"):
        return f"{BASE}/comments/{str(data['link_id']).removeprefix('t3_')}/_/{data['id']}/"
    return f"{BASE}/comments/{data.get('id', '')}/"


def parse_cursor(cursor: str | None) -> dict[str, Any]:
    return {k: v for k, v in json_cursor(cursor, "Reddit").items() if v}


class _Run:
    """One run's requests: counts them and stops on the caps (time, requests, rate)."""

    def __init__(
        self,
        client: Any,
        now: datetime,
        remaining_ms: Callable[[], int] | None,
        min_remaining_ms: int,
        max_requests: int,
        min_rate_remaining: int,
    ) -> None:
        self.client = client
        self.now = now
        self.remaining_ms = remaining_ms
        self.min_remaining_ms = min_remaining_ms
        self.max_requests = max_requests
        self.min_rate_remaining = min_rate_remaining
        self.requests = 0
        self.reads = 0
        self.notes: list[str] = []
        self.retry_at: float | None = None

    def may_continue(self) -> bool:
        if self.notes:
            return False
        if self.requests >= self.max_requests:
            self.notes.append(f"stopped at the request cap ({self.max_requests})")
        elif self.remaining_ms is not None and self.remaining_ms() < self.min_remaining_ms:
            self.notes.append("stopped early: Lambda time is running out")
        else:
            remaining = self.client.auth.limits.get("remaining")
            if remaining is not None and remaining < self.min_rate_remaining:
                self.notes.append(f"stopped early: {remaining:.0f} Reddit requests left")
                self.retry_at = self.now.timestamp() + 60
        return not self.notes

    def get(self, path: str, params: dict[str, Any]) -> list[Any]:
        self.requests += 1
        listing = self.client.get(path, params=params)
        children = list(getattr(listing, "children", None) or [])
        self.reads += len(children)
        return children

    def listing(self, path: str, before: str | None) -> tuple[list[Any], str | None]:
        """Items newer than `before` (all of the newest page on the first run)."""
        if not before:
            items = self.get(path, {"limit": PAGE})
        else:
            items = self.get(path, {"limit": PAGE, "before": before})
            if not items and self.may_continue():
                items = self.get(path, {"limit": PAGE})  # the anchor may be gone
            items = [i for i in items if _id36(vars(i).get("name")) > _id36(before)]
        newest = max((str(vars(i)["name"]) for i in items), key=_id36, default=before)
        return items, newest

    def search(self, query: str, since: float | None) -> tuple[list[Any], float | None]:
        params = {"q": query, "sort": "new", "t": "week", "limit": PAGE, "restrict_sr": False}
        items = self.get("r/all/search/", params)
        floor = float(since or 0)
        items = [i for i in items if float(vars(i).get("created_utc") or 0) > floor]
        times = [float(vars(i).get("created_utc") or 0) for i in items]
        return items, max(times, default=since)


def _keep(items: list[Any], watch: Watch, everywhere: set[str], now: datetime) -> list[Mention]:
    kept = []
    for item in items:
        data = vars(item)
        text = " ".join(str(data.get(k) or "") for k in ("title", "selftext", "body"))
        if watch.is_excluded(text):
            continue
        terms = watch.match(text)
        handle = str(data.get("author") or "")
        if terms or str(data.get("subreddit") or "").casefold() in everywhere:
            terms = watch.tag_author(terms, handle)
            kept.append(item_to_mention(item, received_at=now, terms=terms))
    return kept


def _unique(mentions: list[Mention]) -> list[Mention]:
    return list({m.native_id: m for m in mentions}.values())


def _id36(fullname: Any) -> int:
    try:
        return int(str(fullname).split("_", 1)[1], 36)
    except (IndexError, ValueError):
        return -1


def _translate(exc: Exception, now: datetime) -> Exception:
    """praw/prawcore errors as our `SourceError`s; anything else travels unchanged."""
    import prawcore

    if isinstance(exc, prawcore.TooManyRequests):
        wait = as_int(exc.response.headers.get("retry-after")) or 60
        return RetriableSourceError("Reddit rate limit hit (429)", retry_at=now.timestamp() + wait)
    if isinstance(exc, prawcore.ServerError | prawcore.RequestException):
        return RetriableSourceError(f"Reddit unavailable: {type(exc).__name__}")
    if isinstance(exc, prawcore.OAuthException | prawcore.Forbidden | prawcore.InvalidToken):
        return FatalSourceError(f"Reddit refused our credentials: {type(exc).__name__}")
    if isinstance(exc, prawcore.NotFound | prawcore.Redirect | prawcore.BadRequest):
        return FatalSourceError(f"Reddit: a watched subreddit or the query is wrong ({exc})")
    if isinstance(exc, prawcore.ResponseException):
        code = getattr(exc.response, "status_code", 0)
        cls = RetriableSourceError if code >= 500 or code == 429 else FatalSourceError
        return cls(f"Reddit answered HTTP {code}")
    return exc
