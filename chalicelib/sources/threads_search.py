"""Threads keyword search: posts naming the brand that do not @mention it.

    GET https://graph.threads.net/v1.0/keyword_search?q=<term>&search_type=RECENT
        &fields=id,text,media_type,permalink,timestamp,username&since=<epoch s>

with the brand's long-lived Threads token (``threads_access_token``, sent as a Bearer
header, never in the URL) and the ``threads_keyword_search`` permission (without it
Threads answers with the brand's own posts only: PLATFORM_NOTES, "Threads"). One query per
watched term a run, ``since`` the last run; posts are ``threads:<id>``, the webhook's id
space, so a post seen by both is one mention.

Threads allows 2,200 queries a rolling day: the cursor counts the UTC day's queries and a
run stops at `DAILY_QUERIES` (2,000). An expired token or a missing permission degrades
the source saying what to renew; a rate-limit answer waits for the next full hour.

Cursor (JSON text): ``{"since": <epoch s>, "seen": [ids], "day": "<YYYY-MM-DD>",
"queries": n}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..errors import MalformedPayload
from ..model import Mention
from . import FetchResult
from ._common import Credentials, json_cursor, need_secret
from .http_json import Answer, JsonHttp, to_next_hour, wait_until
from .threads import post_to_mention
from .watch import Watch

SOURCE = "threads"
GRAPH = "https://graph.threads.net/v1.0"
URL = f"{GRAPH}/keyword_search"
FIELDS = "id,text,media_type,permalink,timestamp,username"
DAILY_QUERIES = 2_000  # of the 2,200 a rolling day Threads allows
FIRST_LOOKBACK = timedelta(hours=1)
SEEN_KEPT = 500
RATE_CODES = {4, 17, 32, 613}


class ThreadsClient:
    def __init__(self, token: str, http: JsonHttp | None = None) -> None:
        self._token = token
        self.http = http or JsonHttp()

    def search(self, params: Mapping[str, Any]) -> Answer:
        return self.http.get(URL, params=params, headers={"Authorization": f"Bearer {self._token}"})

    def post(self, url: str, form: Mapping[str, str]) -> Answer:
        """A form POST with the token (the reply channel: `reply/threads.py`)."""
        headers = {"Authorization": f"Bearer {self._token}"}
        return self.http.request("POST", url, headers=headers, data=form)


def make_client(credentials: Credentials) -> ThreadsClient:
    (token,) = need_secret(credentials, "threads_access_token", source="Threads")
    return ThreadsClient(token)


def fetch(
    client: ThreadsClient,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 10_000,
    max_reads: int | None = None,  # unused: Threads does not bill
) -> FetchResult:
    state = json_cursor(cursor, "Threads search")
    day = now.strftime("%Y-%m-%d")
    spent = int(state.get("queries") or 0) if state.get("day") == day else 0
    since = int(state.get("since") or (now - FIRST_LOOKBACK).timestamp())
    seen = list(state.get("seen") or [])
    known = set(seen)
    found: dict[str, Mention] = {}
    notes: list[str] = []
    problem: str | None = None
    retry_at: float | None = None
    requests = reads = 0
    stopped = False
    for term in watch.terms:
        if spent + requests >= DAILY_QUERIES:
            notes.append(f"{DAILY_QUERIES} queries today: the rest waits for tomorrow")
            stopped = True
            break
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            notes.append("stopped early: Lambda time is running out")
            stopped = True
            break
        requests += 1
        params = {"q": term, "search_type": "RECENT", "fields": FIELDS, "since": since}
        try:
            answer = client.search(params)
        except OSError as exc:
            problem = str(exc)
            break
        code = error_code(answer)
        if answer.status == 429 or code in RATE_CODES:
            retry_at = wait_until(answer, now, at_least=to_next_hour(now))
            problem = f"Threads: rate limited (HTTP {answer.status}, code {code})"
            break
        if code == 190 or answer.status == 401:
            problem = (
                "Threads refused threads_access_token (expired or revoked): renew it (a "
                "long-lived token lasts 60 days; refresh it with th_refresh_token before then)"
            )
            break
        if code in (10, 200) or answer.status == 403:
            problem = "Threads: the app lacks the threads_keyword_search permission"
            break
        if answer.status != 200 or not isinstance(answer.body, dict):
            problem = f"Threads: HTTP {answer.status}, not a list of posts"
            break
        for item in answer.body.get("data") or []:
            reads += 1
            try:
                mention = post_to_mention(item, "data[]", now)
            except MalformedPayload as exc:
                notes.append(str(exc)[:120])
                continue
            if mention.native_id in known or watch.is_excluded(mention.text):
                continue
            known.add(mention.native_id)
            seen.append(mention.native_id)
            terms = watch.tag_author(watch.match(mention.text), mention.author.handle)
            found.setdefault(mention.id, mention.with_(matched_terms=terms))
    complete = problem is None and not stopped
    next_state = {
        # a run that read every term moves `since`; otherwise the next one asks again
        "since": int(now.timestamp()) if complete else since,
        "seen": seen[-SEEN_KEPT:],
        "day": day,
        "queries": spent + requests,
    }
    return FetchResult(
        mentions=list(found.values()),
        next_cursor=json.dumps(next_state, sort_keys=True),
        requests=requests,
        reads=reads,
        exhausted=retry_at is None,
        notes=notes + ([problem] if problem else []),
        retry_at=retry_at,
        degraded=problem[:300] if problem else None,
    )


def error_code(answer: Answer) -> int | None:
    """The Graph API error's ``code`` (190: the token, 10/200: a permission, 4/17/32/613:
    rate limits), else None."""
    error = answer.body.get("error") if isinstance(answer.body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None
