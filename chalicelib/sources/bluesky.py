"""Bluesky: the brand account's mentions, replies and quotes, over plain XRPC.

Logged in with an app password through the account's PDS (PLATFORM_NOTES, "Bluesky";
unauthenticated search is off since 2025-01-21), per run:

    GET {pds}/xrpc/app.bsky.notification.listNotifications?limit=50
        &reasons=mention&reasons=reply&reasons=quote[&cursor=…]

newest first, down to the newest notification seen (``indexedAt``); a backlog longer
than `MAX_PAGES` pages is read on in the next run (the floor stays until it is read).
Then one ``app.bsky.feed.searchPosts?q=<term>&sort=latest&since=<last run>`` per watch
term and hashtag (through the PDS, logged in: Bluesky turned unauthenticated search off),
for posts that name the brand without tagging it.
A post is ``bluesky:<did>/app.bsky.feed.post/<rkey>`` (its at:// uri without the
scheme); a reply names its parent the same way in ``in_reply_to``. The brand's own posts
are left out. No SDK: the atproto package is large and Lambda needs three calls.

Sessions: ``com.atproto.server.createSession`` is limited to 30 per 5 minutes and 300 a
day per account, so a container keeps its session (`_SESSIONS`) and renews it with
``refreshSession`` when the access token expires; a run every 5 minutes logs in once per
container, not 288 times a day.

    login refused (app password revoked)  degraded: "renew bluesky_app_password …"
    429                                    the run stops until ``ratelimit-reset``

Cursor (JSON text): ``{"newest": "<ISO>", "seen": {"<uri>": "<ISO>"}, "searched":
"<ISO of the last complete search>"}``, and while a
backlog is read ``"resume": "<cursor>", "top": "<ISO>"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..model import Author, Engagement, Mention, iso, parse_time
from . import FetchResult
from ._common import Credentials, as_int, clip, json_cursor, need_secret
from .http_json import Answer, JsonHttp, wait_until
from .watch import Watch

SOURCE = "bluesky"
PDS = "https://bsky.social"
REASONS = ("mention", "reply", "quote")
PAGE = 50
SEARCH_PAGE = 25  # posts a term a run (searchPosts allows 100)
MAX_PAGES = 4
FIRST_LOOKBACK = timedelta(days=1)
SEEN_KEPT = 500
SECRETS = ("bluesky_handle", "bluesky_app_password")

# (pds, handle) -> {"accessJwt", "refreshJwt", "did"}: one login per container (above)
_SESSIONS: dict[tuple[str, str], dict[str, str]] = {}


class LoginRefused(Exception):
    """The PDS refused the handle and app password."""


class RateLimited(Exception):
    def __init__(self, answer: Answer) -> None:
        super().__init__("429")
        self.answer = answer


class BlueskyClient:
    def __init__(self, handle: str, password: str, pds: str = PDS, http: JsonHttp | None = None):
        self.handle, self._password, self.pds = handle, password, pds.rstrip("/")
        self.http = http or JsonHttp()

    @property
    def did(self) -> str:
        return self._session()["did"]

    def get(self, nsid: str, params: Mapping[str, Any]) -> Answer:
        """An authenticated XRPC query; an expired access token is renewed once."""
        answer = self._get(nsid, params)
        if answer.status in (400, 401) and _error(answer) in ("ExpiredToken", "InvalidToken"):
            self._renew()
            answer = self._get(nsid, params)
        if answer.status == 429:
            raise RateLimited(answer)
        return answer

    def procedure(self, nsid: str, body: Mapping[str, Any]) -> Answer:
        """An authenticated XRPC procedure (POST), renewing an expired token once."""
        answer = self._post(nsid, body)
        if answer.status in (400, 401) and _error(answer) in ("ExpiredToken", "InvalidToken"):
            self._renew()
            answer = self._post(nsid, body)
        if answer.status == 429:
            raise RateLimited(answer)
        return answer

    def _post(self, nsid: str, body: Mapping[str, Any]) -> Answer:
        token = self._session()["accessJwt"]
        return self.http.request(
            "POST",
            f"{self.pds}/xrpc/{nsid}",
            json=dict(body),
            headers={"Authorization": f"Bearer {token}"},
        )

    def _get(self, nsid: str, params: Mapping[str, Any]) -> Answer:
        token = self._session()["accessJwt"]
        url = f"{self.pds}/xrpc/{nsid}"
        return self.http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})

    def _session(self) -> dict[str, str]:
        key = (self.pds, self.handle)
        if key not in _SESSIONS:
            _SESSIONS[key] = self._login()
        return _SESSIONS[key]

    def _login(self) -> dict[str, str]:
        answer = self.http.request(
            "POST",
            f"{self.pds}/xrpc/com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self._password},
        )
        if answer.status == 429:
            raise RateLimited(answer)
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise LoginRefused(f"HTTP {answer.status} {_error(answer)}".strip())
        return {k: str(answer.body.get(k) or "") for k in ("accessJwt", "refreshJwt", "did")}

    def _renew(self) -> None:
        key = (self.pds, self.handle)
        session = _SESSIONS.pop(key, None)
        if session and session.get("refreshJwt"):
            answer = self.http.request(
                "POST",
                f"{self.pds}/xrpc/com.atproto.server.refreshSession",
                headers={"Authorization": f"Bearer {session['refreshJwt']}"},
            )
            if answer.status == 200 and isinstance(answer.body, dict):
                _SESSIONS[key] = {
                    k: str(answer.body.get(k) or "") for k in ("accessJwt", "refreshJwt", "did")
                }
                return
        _SESSIONS[key] = self._login()


def make_client(credentials: Credentials) -> BlueskyClient:
    handle, password = need_secret(credentials, *SECRETS, source="Bluesky")
    pds = str(credentials.get("bluesky_pds") or "").strip() or PDS
    return BlueskyClient(handle.lstrip("@"), password, pds)


def fetch(
    client: BlueskyClient,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 10_000,
    max_reads: int | None = None,  # unused: Bluesky does not bill
) -> FetchResult:
    state = json_cursor(cursor, "Bluesky")
    newest = str(state.get("newest") or "")
    floor = newest or iso(now - FIRST_LOOKBACK)
    seen: dict[str, str] = dict(state.get("seen") or {})
    page_cursor = state.get("resume")
    searched_from = str(state.get("searched") or iso(now - FIRST_LOOKBACK))
    found: dict[str, Mention] = {}
    stamps: list[str] = []  # indexedAt of the notifications taken this run
    notes: list[str] = []
    problem: str | None = None
    retry_at: float | None = None
    requests = reads = 0
    complete = False
    try:
        own = client.did
        for _ in range(MAX_PAGES):
            if remaining_ms is not None and remaining_ms() < min_remaining_ms:
                notes.append("stopped early: Lambda time is running out")
                break
            params: dict[str, Any] = {"limit": PAGE, "reasons": list(REASONS)}
            if page_cursor:
                params["cursor"] = page_cursor
            requests += 1
            answer = client.get("app.bsky.notification.listNotifications", params)
            if answer.status != 200 or not isinstance(answer.body, dict):
                problem = f"Bluesky: HTTP {answer.status} {_error(answer)}".strip()
                break
            older = False
            for item in answer.body.get("notifications") or []:
                reads += 1
                stamp = str(item.get("indexedAt") or "") if isinstance(item, dict) else ""
                if not stamp or item.get("reason") not in REASONS:
                    continue
                stamp = iso(parse_time(stamp))
                if stamp < floor:
                    older = True
                    break
                mention = notification_to_mention(item, received_at=now)
                if mention is None or mention.author.id == own:
                    continue
                if seen.get(item["uri"]) != stamp:
                    found.setdefault(
                        mention.id, mention.with_(matched_terms=_terms(watch, mention))
                    )
                    seen[item["uri"]] = stamp
                    stamps.append(stamp)
            page_cursor = answer.body.get("cursor")
            if older or not page_cursor:
                complete = True
                break
        terms = (*watch.terms, *watch.hashtags) if problem is None else ()
        for term in terms:
            if remaining_ms is not None and remaining_ms() < min_remaining_ms:
                notes.append("stopped early: Lambda time is running out")
                terms = ()
                break
            requests += 1
            query = {"q": term, "sort": "latest", "since": searched_from, "limit": SEARCH_PAGE}
            answer = client.get("app.bsky.feed.searchPosts", query)
            if answer.status != 200 or not isinstance(answer.body, dict):
                problem = f"Bluesky search: HTTP {answer.status} {_error(answer)}".strip()
                break
            for post in answer.body.get("posts") or []:
                reads += 1
                mention = notification_to_mention(post, received_at=now)
                if mention is None or mention.author.id == own:
                    continue
                if not watch.is_excluded(mention.text):
                    found.setdefault(
                        mention.id, mention.with_(matched_terms=_terms(watch, mention))
                    )
        if terms and problem is None:
            searched_from = iso(now)
    except LoginRefused as exc:
        problem = (
            f"Bluesky refused the login of {client.handle} ({exc}): renew bluesky_app_password"
            " (Settings > Privacy and security > App passwords; no DM access)"
        )
    except RateLimited as exc:
        retry_at = wait_until(exc.answer, now, at_least=60, reset_header="ratelimit-reset")
        problem = "Bluesky: 429 rate limited"
    except OSError as exc:
        problem = str(exc)
    top = max([str(state.get("top") or ""), *stamps])
    kept = dict(sorted(seen.items(), key=lambda kv: kv[1])[-SEEN_KEPT:])
    next_state: dict[str, Any] = (
        {"newest": max(newest, top)}
        if complete
        else {
            "newest": newest,
            "top": top,
            "resume": page_cursor if requests and not problem else state.get("resume"),
        }
    )
    next_state = {**{k: v for k, v in next_state.items() if v}, "seen": kept}
    next_state["searched"] = searched_from
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


def notification_to_mention(item: Mapping[str, Any], *, received_at: datetime) -> Mention | None:
    """A mention/reply/quote notification (its post record) as a mention."""
    uri = str(item.get("uri") or "")
    record = item.get("record")
    author = item.get("author") or {}
    if not uri.startswith("at://") or not isinstance(record, Mapping):
        return None
    did = str(author.get("did") or uri.removeprefix("at://").split("/", 1)[0])
    handle = str(author.get("handle") or did)
    rkey = uri.rsplit("/", 1)[-1]
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    langs = record.get("langs") or []
    created = _time(record.get("createdAt")) or _time(item.get("indexedAt")) or received_at
    return Mention(
        source=SOURCE,
        native_id=uri.removeprefix("at://"),
        url=f"https://bsky.app/profile/{handle}/post/{rkey}",
        author=Author(id=did, handle=handle, name=str(author.get("displayName") or "")),
        text=clip(str(record.get("text") or "")),
        created_at=iso(created),
        received_at=iso(received_at),
        lang=str(langs[0]).split("-")[0].lower() if langs else None,
        engagement=Engagement(
            likes=as_int(item.get("likeCount")),
            replies=as_int(item.get("replyCount")),
            reposts=as_int(item.get("repostCount")),
        ),
        in_reply_to=f"{SOURCE}:{str(parent).removeprefix('at://')}" if parent else None,
    )


def _time(value: Any) -> datetime | None:
    """A record's time; None when absent or without a time zone (clients write both)."""
    try:
        return parse_time(str(value)) if value else None
    except ValueError:
        return None


def _terms(watch: Watch, mention: Mention) -> tuple[str, ...]:
    return watch.tag_author(watch.match(mention.text), mention.author.handle)


def _error(answer: Answer) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    return str(body.get("error") or "")
