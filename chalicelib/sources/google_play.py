"""Google Play reviews (Android Publisher API v3), as a service account, within quota.

    GET https://androidpublisher.googleapis.com/androidpublisher/v3/applications/{package}/reviews
        ?maxResults=100[&token=<next page>]

The service account's JSON key signs its token request (RS256 by pyca/cryptography, the
documented HTTP/REST way: `google_oauth`), the access token (scope ``androidpublisher``)
is kept for its hour; requests carries the calls (PLATFORM_NOTES, "Reviews"). The list
holds reviews with text modified in the last 7 days, most recently modified first [u: the
order is not documented; we read every page down to the newest review we saw, so an
out-of-order page costs a page, never a review].

A review is ``google_play:<review id>`` with its stars (`Mention.rating`), text, language
(``reviewerLanguage``) and thumbs-up count. An edited review has a later
``lastModified`` and the same id: it is sent again and replaces its mention. Deleted
reviews leave the list; Google does not say so.

Quota: Google allows 200 review reads an hour per app. The cursor counts this hour's
requests; a run stops at `HOURLY_REQUESTS` (180: room for an operator's manual read),
and pages are read only while reviews are new (at most `MAX_PAGES` a run; a run every
15 minutes normally makes 4 requests an hour).

    credentials refused (a deleted or disabled key)    degraded: renew google_play_service_account
    403 permission denied                               degraded: grant the account in Play Console
    429, or 403 rateLimitExceeded / quotaExceeded       skipped until the next full hour

Cursor (JSON text): ``{"newest": <epoch s>, "seen": {"<id>": <epoch s>}, "hour":
"<YYYY-MM-DDTHH>", "requests": n}``, and while a backlog is being read across runs
``"resume": "<page token>", "top": <epoch s of the newest review of the backlog>``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..errors import ConfigError, CredentialsRefused
from ..model import Author, Engagement, Mention, iso, parse_time
from . import FetchResult, google_oauth
from ._common import Credentials, as_int, clip, json_cursor, need_secret
from .google_oauth import GoogleSession
from .http_json import Answer, to_next_hour, wait_until
from .watch import Watch

SOURCE = "google_play"
BASE = "https://androidpublisher.googleapis.com/androidpublisher/v3/applications"
SCOPE = "https://www.googleapis.com/auth/androidpublisher"
PAGE = 100
MAX_PAGES = 5
HOURLY_REQUESTS = 180  # Google's quota: 200 review reads an hour per app
SEEN_KEPT = 500
_QUOTA_REASONS = ("rateLimitExceeded", "quotaExceeded", "userRateLimitExceeded")


class PlayClient:
    """The service account's session (`google_oauth.GoogleSession`: its token fetched when
    needed, kept until a minute before it expires)."""

    def __init__(self, session: GoogleSession, account: str) -> None:
        self.session = session
        self.account = account  # the service account's e-mail, named in messages

    def get(self, url: str, params: Mapping[str, Any], now: datetime) -> Answer:
        return self.session.get(url, now, params=params)


def make_client(credentials: Credentials) -> PlayClient:
    """From ``google_play_service_account``: the service account's JSON key, as Google
    gives it."""
    (raw,) = need_secret(credentials, "google_play_service_account", source="Google Play")
    try:
        info = json.loads(raw)
    except ValueError as exc:
        raise ConfigError("google_play_service_account is not the JSON key Google gives") from exc
    if not isinstance(info, dict):
        raise ConfigError("google_play_service_account is not the JSON key Google gives")
    grant = google_oauth.service_account_grant(info, SCOPE, secret="google_play_service_account")
    token_uri = str(info.get("token_uri") or google_oauth.TOKEN_URI)
    return PlayClient(GoogleSession(grant, token_uri=token_uri), str(info["client_email"]))


def fetch(
    client: PlayClient,
    cursor: str | None,
    *,
    watch: Watch,
    now: datetime,
    remaining_ms: Callable[[], int] | None = None,
    min_remaining_ms: int = 10_000,
    max_reads: int | None = None,  # unused: the API does not bill
) -> FetchResult:
    place = watch.google_play
    if place is None:
        return FetchResult([], cursor, notes=["no google_play in the watch configuration"])
    state = json_cursor(cursor, "Google Play")
    hour = now.strftime("%Y-%m-%dT%H")
    spent = int(state.get("requests") or 0) if state.get("hour") == hour else 0
    newest = int(state.get("newest") or 0)
    seen: dict[str, int] = {k: int(v) for k, v in dict(state.get("seen") or {}).items()}
    url = f"{BASE}/{place.package}/reviews"
    resume = state.get("resume")  # the page a stopped run did not read
    params: dict[str, Any] = {"maxResults": PAGE, **({"token": resume} if resume else {})}
    found: dict[str, Mention] = {}
    stamps: dict[str, int] = {}
    notes: list[str] = []
    problem: str | None = None
    retry_at: float | None = None
    requests = reads = 0
    complete = False
    for _ in range(MAX_PAGES):
        if spent + requests >= HOURLY_REQUESTS:
            notes.append(f"{HOURLY_REQUESTS} requests this hour: the rest waits for the next")
            break
        if remaining_ms is not None and remaining_ms() < min_remaining_ms:
            notes.append("stopped early: Lambda time is running out")
            break
        requests += 1
        try:
            answer = client.get(url, params, now)
        except CredentialsRefused as exc:
            problem = (
                f"Google refused the service account {client.account} ({exc}): renew "
                "google_play_service_account (a new JSON key for that account)"
            )
            break
        except OSError as exc:
            problem = str(exc)
            break
        if answer.status == 429 or over_quota(answer):
            retry_at = wait_until(answer, now, at_least=to_next_hour(now))
            problem = f"Google Play quota: HTTP {answer.status} (200 review reads an hour)"
            break
        if answer.status in (401, 403):
            problem = (
                f"Google Play refused {client.account} (HTTP {answer.status}): in Play Console, "
                "Users and permissions, give it 'Reply to reviews' for the app"
            )
            break
        if answer.status == 400 and "token" in params:
            notes.append("the saved page token was refused: reading from the top")
            params = {"maxResults": PAGE}
            break
        if answer.status != 200 or not isinstance(answer.body, dict):
            problem = f"Google Play: HTTP {answer.status}, not a list of reviews"
            break
        older = False
        for item in answer.body.get("reviews") or []:
            reads += 1
            mention, stamp = review_to_mention(item, place.package, received_at=now)
            if mention is None:
                notes.append("a review without its user comment skipped")
                continue
            older = older or stamp < newest  # past what we saw: the pages after are older
            if seen.get(mention.native_id) != stamp:  # new, or edited since we read it
                found.setdefault(mention.native_id, mention)
                stamps.setdefault(mention.native_id, stamp)
        token = (answer.body.get("tokenPagination") or {}).get("nextPageToken")
        if not token or older:
            complete = True
            break
        params = {"maxResults": PAGE, "token": token}
    seen.update(stamps)
    kept = dict(sorted(seen.items(), key=lambda kv: kv[1])[-SEEN_KEPT:])
    # The newest review read moves the floor only once every page down to the old floor
    # is read: a run stopped halfway (page cap, the hour's requests, an error) leaves the
    # page it did not read for the next run, and the floor where it was.
    top = max([int(state.get("top") or 0), *stamps.values()])
    next_state: dict[str, Any] = {"seen": kept, "hour": hour, "requests": spent + requests}
    if complete:
        next_state["newest"] = max(newest, top) or None
    else:
        next_state.update(newest=newest or None, top=top or None, resume=params.get("token"))
    return FetchResult(
        mentions=list(found.values()),
        next_cursor=json.dumps(
            {k: v for k, v in next_state.items() if v is not None}, sort_keys=True
        ),
        requests=requests,
        reads=reads,
        exhausted=retry_at is None,
        notes=notes + ([problem] if problem else []),
        retry_at=retry_at,
        degraded=problem[:300] if problem else None,
    )


def review_to_mention(
    item: Any, package: str, *, received_at: datetime
) -> tuple[Mention | None, int]:
    """A review as a mention with its stars, and its lastModified (epoch seconds)."""
    if not isinstance(item, Mapping):
        return None, 0
    comment: Mapping[str, Any] = {}
    for entry in item.get("comments") or []:
        if isinstance(entry, Mapping) and isinstance(entry.get("userComment"), Mapping):
            comment = entry["userComment"]
            break
    review_id = str(item.get("reviewId") or "")
    rating = comment.get("starRating")
    stamp = as_int((comment.get("lastModified") or {}).get("seconds"))
    if not review_id or not isinstance(rating, int) or not 1 <= rating <= 5 or not stamp:
        return None, 0
    author = str(item.get("authorName") or "").strip() or "Google Play user"
    language = str(comment.get("reviewerLanguage") or "").replace("-", "_").split("_")[0]
    return (
        Mention(
            source=SOURCE,
            native_id=review_id,
            url=f"https://play.google.com/store/apps/details?id={package}&reviewId={review_id}",
            author=Author(id=author, handle=author, name=author),
            text=clip(str(comment.get("text") or "")),
            created_at=iso(parse_time(stamp)),
            received_at=iso(received_at),
            lang=language.lower() or None,
            engagement=Engagement(likes=as_int(comment.get("thumbsUpCount"))),
            rating=rating,
        ),
        stamp,
    )


def over_quota(answer: Answer) -> bool:
    """A 403 that is Google's quota, not a missing permission."""
    if answer.status != 403 or not isinstance(answer.body, dict):
        return False
    errors = (answer.body.get("error") or {}).get("errors") or []
    return any(isinstance(e, dict) and e.get("reason") in _QUOTA_REASONS for e in errors)
