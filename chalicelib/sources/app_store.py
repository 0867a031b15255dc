"""App Store customer reviews (App Store Connect API), newest first, per territory.

    GET https://api.appstoreconnect.apple.com/v1/apps/{app id}/customerReviews
        ?sort=-createdDate&limit=200&filter[territory]=NLD

signed with a JWT (ES256 by pyca/cryptography, `tokens.es256`; PLATFORM_NOTES, "Reviews"):
header ``kid`` = the key id, claims ``iss`` = the issuer id, ``aud`` =
``appstoreconnect-v1``, ``iat``, ``exp`` 20 minutes on (Apple's maximum). One token a run.

Per territory the team serves (`AppStoreWatch.territories`; none: one unfiltered read),
pages are read newest first until a review older than the newest one seen; the first run
takes the last `FIRST_LOOKBACK` only. A review is ``app_store:<review id>`` with its stars
(`Mention.rating`); a review its author edited comes back with the same id and a later
date, and is sent again: the consumer replaces the stored mention (text or stars changed).
Apple does not say when a review is deleted: it simply stops being listed.

What can go wrong, and what it does (the cursor stays, nothing is lost):

    401/403            degraded: "App Store Connect refused API key <kid> … renew"
    429                the run stops; retry at the next full hour (Apple's limit is
                       3,600 requests an hour per key) or Retry-After, if later
    5xx, not JSON      degraded: that territory is read again next run

Cursor (JSON text): ``{"<territory or *>": {"newest": "<ISO>", "seen": {"<id>": "<ISO>"}}}``,
and while a backlog is read across runs ``"resume": "<next page URL>", "top": "<ISO>"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..model import Author, Mention, iso, parse_time
from . import FetchResult, tokens
from ._common import Credentials, clip, json_cursor, need_secret
from .http_json import Answer, JsonHttp, to_next_hour, wait_until
from .watch import Watch

SOURCE = "app_store"
BASE = "https://api.appstoreconnect.apple.com"
AUDIENCE = "appstoreconnect-v1"
TOKEN_LIFETIME = timedelta(minutes=20)
PAGE = 200
MAX_PAGES = 5  # per territory per run
FIRST_LOOKBACK = timedelta(days=7)
SEEN_KEPT = 200
SECRETS = ("appstore_issuer_id", "appstore_key_id", "appstore_private_key")
ALL = "*"


class AppStoreClient:
    """The API key (issuer id, key id, .p8 private key) and the HTTP session."""

    def __init__(self, issuer_id: str, key_id: str, private_key: str, http: JsonHttp | None = None):
        self.issuer_id, self.key_id, self._private_key = issuer_id, key_id, private_key
        self.http = http or JsonHttp()

    def token(self, now: datetime) -> str:
        """A JWT for App Store Connect, valid 20 minutes from `now`."""
        issued = int(now.timestamp())
        claims = {
            "iss": self.issuer_id,
            "iat": issued,
            "exp": issued + int(TOKEN_LIFETIME.total_seconds()),
            "aud": AUDIENCE,
        }
        return tokens.es256(claims, self.key_id, self._private_key, secret="appstore_private_key")

    def get(self, url: str, params: Mapping[str, Any] | None, token: str) -> Answer:
        return self.http.get(url, params=params, headers={"Authorization": f"Bearer {token}"})


def make_client(credentials: Credentials) -> AppStoreClient:
    issuer_id, key_id, private_key = need_secret(credentials, *SECRETS, source="App Store")
    return AppStoreClient(issuer_id, key_id, private_key.replace("\\n", "\n"))


def fetch(
    client: AppStoreClient,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 10_000,
    max_reads: int | None = None,  # unused: the API does not bill
) -> FetchResult:
    place = watch.app_store
    if place is None:
        return FetchResult([], cursor, notes=["no app_store in the watch configuration"])
    state = json_cursor(cursor, "App Store")
    token = client.token(now)
    run = _Run(client, token, place.app_id, now)
    territories = place.territories or (ALL,)
    for territory in territories:
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            run.notes.append("stopped early: Lambda time is running out")
            break
        if run.retry_at is not None or run.refused:
            break
        state[territory] = run.read(territory, state.get(territory) or {})
    unique = {m.id: m for m in reversed(run.mentions)}  # one per review, the first read
    return FetchResult(
        mentions=list(reversed(unique.values())),
        next_cursor=json.dumps({t: state[t] for t in territories if t in state}, sort_keys=True),
        requests=run.requests,
        reads=run.reads,
        exhausted=run.retry_at is None,
        notes=run.notes + run.problems,
        retry_at=run.retry_at,
        degraded="; ".join(run.problems)[:300] or None,
    )


class _Run:
    def __init__(self, client: AppStoreClient, token: str, app_id: str, now: datetime):
        self.client, self.token, self.app_id, self.now = client, token, app_id, now
        self.mentions: list[Mention] = []
        self.requests = self.reads = 0
        self.retry_at: float | None = None
        self.refused = False
        self.notes: list[str] = []
        self.problems: list[str] = []

    def read(self, territory: str, place: Mapping[str, Any]) -> dict[str, Any]:
        """Read one territory newest first, down to its cursor; its next cursor.

        The newest review read becomes the floor only once every page down to the old
        floor is read: a run stopped halfway (page cap, an error) leaves the page it did
        not read (``resume``) for the next run, and the floor where it was."""
        newest = str(place.get("newest") or "")
        seen: dict[str, str] = dict(place.get("seen") or {})
        floor = newest or iso(self.now - FIRST_LOOKBACK)
        url: str | None = place.get("resume") or f"{BASE}/v1/apps/{self.app_id}/customerReviews"
        params: dict[str, Any] | None = None
        if not place.get("resume"):
            params = {"sort": "-createdDate", "limit": PAGE}
            if territory != ALL:
                params["filter[territory]"] = territory
        found: list[Mention] = []
        complete = False
        for _ in range(MAX_PAGES):
            page = self._page(str(url), params, territory)
            if page is None:
                break  # `url` is the page to read next run
            older = False
            for item in page.get("data") or []:
                self.reads += 1
                mention = review_to_mention(item, self.app_id, received_at=self.now)
                if mention is None:
                    self.notes.append(f"{territory}: a review without its attributes skipped")
                    continue
                if mention.created_at < floor:
                    older = True
                    break
                if seen.get(mention.native_id) != mention.created_at:
                    found.append(mention)
            next_link = (page.get("links") or {}).get("next")
            if older or not next_link:
                complete = True
                break
            url, params = str(next_link), None
        self.mentions.extend(found)
        for mention in found:
            seen[mention.native_id] = mention.created_at
        recent = dict(sorted(seen.items(), key=lambda kv: kv[1])[-SEEN_KEPT:])
        top = max([str(place.get("top") or ""), *(m.created_at for m in found)])
        state: dict[str, Any] = (
            {"newest": max(newest, top)}
            if complete
            else {
                "newest": newest,
                "top": top,
                "resume": url if params is None else None,  # None: the first page failed
            }
        )
        return {**{k: v for k, v in state.items() if v}, "seen": recent}

    def _page(self, url: str, params: Mapping[str, Any] | None, territory: str) -> Any:
        self.requests += 1
        try:
            answer = self.client.get(url, params, self.token)
        except OSError as exc:
            self.problems.append(f"{territory}: {exc}")
            return None
        if answer.status in (401, 403):
            self.refused = True
            self.problems.append(
                f"App Store Connect refused API key {self.client.key_id} (HTTP {answer.status}):"
                " renew appstore_private_key / appstore_key_id (a key with the Customer"
                " Support role, Users and Access > Integrations)"
            )
            return None
        if answer.status == 429:
            self.retry_at = wait_until(answer, self.now, at_least=to_next_hour(self.now))
            self.problems.append(f"{territory}: 429 rate limited (3,600 requests an hour)")
            return None
        if answer.status != 200 or not isinstance(answer.body, dict):
            self.problems.append(f"{territory}: HTTP {answer.status}, not a list of reviews")
            return None
        return answer.body


def review_to_mention(item: Any, app_id: str, *, received_at: datetime) -> Mention | None:
    """A ``customerReviews`` resource as a mention with its stars; None when incomplete."""
    if not isinstance(item, Mapping) or not isinstance(item.get("attributes"), Mapping):
        return None
    attributes = item["attributes"]
    review_id = str(item.get("id") or "")
    rating = attributes.get("rating")
    created = attributes.get("createdDate")
    if not review_id or not isinstance(rating, int) or not 1 <= rating <= 5 or not created:
        return None
    nickname = str(attributes.get("reviewerNickname") or "").strip() or "App Store reviewer"
    title = str(attributes.get("title") or "").strip()
    body = str(attributes.get("body") or "").strip()
    return Mention(
        source=SOURCE,
        native_id=review_id,
        url=f"https://apps.apple.com/app/id{app_id}?see-all=reviews",
        author=Author(id=nickname, handle=nickname, name=nickname),
        text=clip("\n\n".join(p for p in (title, body) if p)),
        created_at=iso(parse_time(str(created))),
        received_at=iso(received_at),
        rating=rating,
    )
