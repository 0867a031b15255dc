"""X (Twitter) API v2 poller: recent search for the watch query, or a user's mentions.

`make_client(credentials)` builds a `tweepy.Client` (app-only bearer token, never
sleeping on rate limits); `fetch(client, cursor, ...)` reads the posts newer than
the cursor and normalises them with `tweet_to_mention`.

Cursor (JSON text): ``{"since_id": "<newest post queued>"}`` and, while a run stopped in
the middle of the pages (page cap, time, 429), ``"next_token"`` plus ``"newest_id"`` (and
``"start_time"`` on a first pass) so the next run goes on where this one stopped and only
then moves `since_id` forward. A crash before the cursor is saved repeats posts (dedup
absorbs them), never skips them. A cursor older than X's 7-day search window, or a page
token X no longer accepts, restarts the search within the window instead of failing.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack

from ..errors import FatalSourceError, RetriableSourceError
from ..model import Author, Engagement, Mention, iso, parse_time
from . import FetchResult
from ._common import Credentials, as_int, clip, json_cursor, need_secret, snowflake_time
from .watch import Watch

SOURCE = "x"
TWEET_FIELDS = [
    "created_at",
    "lang",
    "public_metrics",
    "author_id",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "note_tweet",
]
USER_FIELDS = ["username", "name", "public_metrics", "verified"]
_NO_LANGUAGE = {"und", "qme", "qht", "zxx", "art"}
REQUEST_TIMEOUT = 10  # seconds
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)  # recent search reaches 7 days back

log = logging.getLogger(__name__)


def make_client(credentials: Credentials) -> Any:
    """A `tweepy.Client` with the app's bearer token (secret key ``x_bearer_token``)."""
    import tweepy

    (token,) = need_secret(credentials, "x_bearer_token", source="X poller")
    # tweepy logs request headers (the bearer token) at DEBUG: keep it above that
    logging.getLogger("tweepy.client").setLevel(logging.INFO)
    client = tweepy.Client(bearer_token=token, wait_on_rate_limit=False)
    # requests waits for ever by default; a hung connection must not eat the Lambda's time
    client.session.request = functools.partial(client.session.request, timeout=REQUEST_TIMEOUT)
    return client


class Paging(TypedDict, total=False):
    """How far one run reads (defaults in `_fetch`)."""

    max_pages: int
    page_size: int
    remaining_ms: Callable[[], int] | None
    min_remaining_ms: int  # more than one request's timeout
    max_reads: int | None
    initial_lookback: timedelta


def fetch(
    client: Any, cursor: str | None, *, watch: Watch, now: datetime, **paging: Unpack[Paging]
) -> FetchResult:
    """Recent search (`search_recent_tweets`) for `watch.x_query()`."""

    def call(**params: Any) -> Any:
        return client.search_recent_tweets(watch.x_query(), **params)

    return _fetch(call, "next_token", cursor, watch=watch, now=now, **paging)


def fetch_mentions(
    client: Any,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    user_id: str | None = None,
    **paging: Unpack[Paging],
) -> FetchResult:
    """Posts mentioning our account (`get_users_mentions`): the same cursor rules."""
    account = user_id or watch.x_mentions_user_id
    if not account:
        raise FatalSourceError("X mentions: no x_mentions_user_id in the watch configuration")

    def call(**params: Any) -> Any:
        return client.get_users_mentions(account, **params)

    return _fetch(call, "pagination_token", cursor, watch=watch, now=now, **paging)


def _fetch(
    call: Callable[..., Any],
    token_param: str,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    max_pages: int = 5,
    page_size: int = 100,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 12_000,
    max_reads: int | None = None,
    initial_lookback: timedelta = timedelta(hours=1),
) -> FetchResult:
    import requests
    import tweepy

    if not 10 <= page_size <= 100:
        raise ValueError("X pages hold 10..100 posts")
    state = parse_cursor(cursor)
    since_id = state.get("since_id")
    token = state.get("next_token")
    newest = state.get("newest_id")  # newest post of a half-read pass, kept until it ends
    # without since_id (first run) look back a little; a resumed pass keeps its start
    start_time = None if since_id else state.get("start_time") or iso(now - initial_lookback)
    mentions: list[Mention] = []
    requests_made = reads = 0
    notes: list[str] = []
    # X refuses a since_id or start_time older than its 7-day window (HTTP 400, for ever):
    # posts that old are out of reach anyway, so search from the start of the window
    oldest = now - SEARCH_WINDOW
    if (since_id and snowflake_time(since_id) < oldest) or (
        start_time and parse_time(start_time) < oldest
    ):
        notes.append("cursor older than X's 7-day window: searching the whole window")
        since_id, token, newest, start_time = None, None, None, iso(oldest)
    retry_at: float | None = None
    finished = False

    while requests_made < max_pages:
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            notes.append("stopped early: Lambda time is running out")
            break
        if max_reads is not None and reads >= max_reads:
            notes.append("stopped early: monthly read budget reached")
            break
        size = page_size if max_reads is None else max(10, min(page_size, max_reads - reads))
        params: dict[str, Any] = {
            "max_results": size,
            "tweet_fields": TWEET_FIELDS,
            "expansions": ["author_id"],
            "user_fields": USER_FIELDS,
        }
        if since_id:
            params["since_id"] = since_id
        else:
            params["start_time"] = start_time
        if token:
            params[token_param] = token
        try:
            response = call(**params)
        except tweepy.TooManyRequests as exc:
            retry_at = float(exc.reset_time) if exc.reset_time else now.timestamp() + 900
            notes.append(f"rate limited until {retry_at:.0f}")
            break
        except tweepy.TwitterServerError as exc:
            raise RetriableSourceError(f"X answered {_status(exc)}") from exc
        except tweepy.BadRequest as exc:
            if token is None or token != state.get("next_token"):
                raise FatalSourceError(f"X refused the request ({_status(exc)})") from exc
            # the saved page token expired: read the pass again from the top (no post lost)
            notes.append("X refused the saved page token: reading the pass again")
            requests_made += 1
            token = newest = None
            continue
        except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
            raise FatalSourceError(f"X refused the request ({_status(exc)})") from exc
        except tweepy.HTTPException as exc:
            raise RetriableSourceError(f"X answered {_status(exc)}") from exc
        except requests.RequestException as exc:
            raise RetriableSourceError(f"X unreachable: {type(exc).__name__}") from exc
        requests_made += 1
        tweets = [t.data for t in (response.data or [])]
        users = {str(u.data["id"]): u.data for u in (response.includes or {}).get("users", [])}
        reads += len(tweets)
        mentions += [tweet_to_mention(t, users, watch=watch, received_at=now) for t in tweets]
        meta = response.meta or {}
        if newest is None and meta.get("newest_id"):
            newest = str(meta["newest_id"])
        token = meta.get("next_token")
        if not token:
            finished = True
            break
    else:
        notes.append(f"stopped at the page cap ({max_pages})")

    if finished:
        next_state = {"since_id": newest or since_id} if (newest or since_id) else {}
    else:
        next_state = {
            "since_id": since_id,
            "start_time": start_time if token else None,
            "next_token": token,
            "newest_id": newest,
        }
    return FetchResult(
        mentions=mentions,
        next_cursor=dump_cursor(next_state),
        requests=requests_made,
        reads=reads,
        exhausted=finished,
        notes=notes,
        retry_at=retry_at,
    )


def tweet_to_mention(
    tweet: Mapping[str, Any],
    users: Mapping[str, Mapping[str, Any]],
    *,
    watch: Watch | None,
    received_at: datetime,
) -> Mention:
    """An API v2 post (plus the `includes.users` it points at) as a Mention.

    Copes with the bare shape (id and text only): the creation time then comes from
    the id, and the author is unknown.
    """
    native_id = str(tweet["id"])
    author_id = str(tweet.get("author_id") or "")
    user = users.get(author_id, {})
    handle = str(user.get("username") or "")
    text = clip((tweet.get("note_tweet") or {}).get("text") or tweet.get("text"))
    metrics = tweet.get("public_metrics") or {}
    created = tweet.get("created_at")
    lang = tweet.get("lang")
    terms = watch.tag_author(watch.match(text), handle) if watch else ()
    return Mention(
        source=SOURCE,
        native_id=native_id,
        url=post_url(native_id, handle),
        author=Author(
            id=author_id,
            handle=handle,
            name=str(user.get("name") or ""),
            followers=as_int((user.get("public_metrics") or {}).get("followers_count")),
        ),
        text=text,
        created_at=iso(parse_time(created) if created else snowflake_time(native_id)),
        received_at=iso(received_at),
        lang=None if not lang or lang in _NO_LANGUAGE else str(lang),
        engagement=Engagement(
            likes=as_int(metrics.get("like_count")),
            replies=as_int(metrics.get("reply_count")),
            reposts=as_int(metrics.get("retweet_count")),
            score=as_int(metrics.get("quote_count")),
        ),
        matched_terms=terms,
        in_reply_to=_replied_to(tweet, native_id),
    )


def post_url(native_id: str, handle: str = "") -> str:
    if handle:
        return f"https://x.com/{handle}/status/{native_id}"
    return f"https://x.com/i/web/status/{native_id}"


def parse_cursor(cursor: str | None) -> dict[str, str]:
    """The cursor state; a bare numeric id (an older cursor) means ``since_id``."""
    if not cursor:
        return {}
    if cursor.isdigit():
        return {"since_id": cursor}
    return {k: str(v) for k, v in json_cursor(cursor, "X").items() if v}


def dump_cursor(state: Mapping[str, str | None]) -> str | None:
    clean = {k: v for k, v in state.items() if v}
    return json.dumps(clean, sort_keys=True) if clean else None


def _replied_to(tweet: Mapping[str, Any], native_id: str) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if ref.get("type") == "replied_to" and ref.get("id"):
            return f"{SOURCE}:{ref['id']}"
    conversation = tweet.get("conversation_id")
    if conversation and str(conversation) != native_id:
        return f"{SOURCE}:{conversation}"
    return None


def _status(exc: Any) -> str:
    response = getattr(exc, "response", None)
    return f"HTTP {getattr(response, 'status_code', '?')}"
