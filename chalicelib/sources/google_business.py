"""Google Business Profile reviews: Pub/Sub push of NEW_REVIEW / UPDATED_REVIEW, then a read.

``POST /webhooks/google-business`` receives a Pub/Sub push (PLATFORM_NOTES, "Reviews")::

    {"message": {"data": "<base64 of {"type": "NEW_REVIEW", "review":
                 "accounts/{a}/locations/{l}/reviews/{r}", "location": "…"}>",
                 "messageId", "publishTime", "attributes"}, "subscription": "…"}

[u: the notification's JSON is not shown in the documentation we could read; the
``review`` name is what Google's notification settings describe.]

Authentication: the push subscription sends a Google-signed OIDC token
(``Authorization: Bearer``): its RS256 signature is verified against Google's published
certificates (`tokens.verify_rs256`, pyca/cryptography), then its issuer (Google), its
audience (``gbp_push_audience``, as set on the subscription), its time (a minute's
leeway) and that it was issued to the push service account (``gbp_push_account``, its
e-mail verified): what google-auth's ``verify_oauth2_token`` checks. Anything else is a
401 before the body is read.

Then the review is read (``GET https://mybusiness.googleapis.com/v4/<review name>``) with
the manager's OAuth grant (``gbp_client_id``, ``gbp_client_secret``, ``gbp_refresh_token``;
scope ``business.manage``; `google_oauth` refreshes the access token):
``google_business:<review id>`` with its stars (an update replaces the mention). A review
gone by then (404) is recorded as deleted. Google unreachable, the grant refused (revoked:
renew ``gbp_refresh_token``) or a 429 is a 503: Pub/Sub redelivers, so nothing is lost.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from ..activity import Delivery
from ..errors import (
    ConfigError,
    CredentialsRefused,
    DeliveryError,
    MalformedPayload,
    SignatureError,
)
from ..model import Author, Mention, iso, mention_id, parse_time
from . import google_oauth, tokens
from ._common import Credentials, clip, header, load_json, need_secret
from .google_oauth import GoogleSession
from .http_json import Answer, JsonHttp

SOURCE = "google_business"
API = "https://mybusiness.googleapis.com/v4"
REVIEWS_PAGE = "https://business.google.com/reviews"
REVIEW_NAME = re.compile(r"accounts/[^/#?\s]+/locations/[^/#?\s]+/reviews/[^/#?\s]+")
ISSUERS = ("accounts.google.com", "https://accounts.google.com")
LEEWAY_SECONDS = 60
TYPES = ("NEW_REVIEW", "UPDATED_REVIEW")
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
GRANT = ("gbp_client_id", "gbp_client_secret", "gbp_refresh_token")


class ReviewReader:
    """The manager's OAuth grant as a session (`google_oauth`: a refresh token)."""

    def __init__(self, credentials: Credentials, http: JsonHttp | None = None) -> None:
        self._credentials = credentials
        self._http = http
        self._session: GoogleSession | None = None

    def get(self, name: str, now: datetime) -> Answer:
        try:
            return self._authorised().get(f"{API}/{name}", now)
        except CredentialsRefused as exc:
            raise CredentialsRefused(
                f"Google refused the Business Profile grant ({exc}): renew gbp_refresh_token "
                "(sign in as a manager of the location again)"
            ) from exc
        except OSError as exc:
            raise DeliveryError(f"Google unreachable: {exc}") from exc

    def _authorised(self) -> GoogleSession:
        if self._session is None:
            client_id, client_secret, refresh = need_secret(
                self._credentials, *GRANT, source="Google Business Profile"
            )
            grant = google_oauth.refresh_grant(client_id, client_secret, refresh)
            self._session = GoogleSession(grant, http=self._http)
        return self._session


class Push:
    """The route's webhook: verify Google's push token, then read the review."""

    def __init__(
        self,
        credentials: Credentials,
        reader: ReviewReader | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        http: JsonHttp | None = None,
    ) -> None:
        self._credentials = credentials
        self._http = http
        self._reader = reader or ReviewReader(credentials, http)
        self._clock = clock

    def verify(self, headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
        """`secret` is the audience the push subscription names."""
        (account,) = need_secret(self._credentials, "gbp_push_account", source="Google push")
        given = (header(headers, "Authorization") or "").strip()
        if not given.lower().startswith("bearer "):
            raise SignatureError("missing Authorization header (Bearer)")
        token = given[7:].strip()
        # no request to Google for a token of another kind
        head = tokens.header_of(token)
        if head.get("alg") != "RS256" or not head.get("kid"):
            raise SignatureError("the push token is not a Google-signed JWT")
        claims = self._verified(token, secret)
        if claims.get("email") != account or claims.get("email_verified") is not True:
            raise SignatureError("the push token was not issued to the push service account")

    def _verified(self, token: str, audience: str) -> Mapping[str, Any]:
        """The claims of a token Google signed for `audience`, current and from Google."""
        if not audience:
            raise ConfigError("gbp_push_audience is empty")
        try:
            certificates = google_oauth.certificates(self._http)
        except OSError as exc:
            raise DeliveryError("Google's certificates unreachable: retry later") from exc
        claims = tokens.verify_rs256(token, certificates)
        now = self._clock().timestamp()
        if claims.get("iss") not in ISSUERS:
            raise SignatureError("the push token was not issued by Google")
        if claims.get("aud") != audience:
            raise SignatureError("the push token is for another audience")
        expires, issued = claims.get("exp"), claims.get("iat")
        if not isinstance(expires, int | float) or not isinstance(issued, int | float):
            raise SignatureError("the push token has no exp or iat")
        if expires + LEEWAY_SECONDS < now or issued - LEEWAY_SECONDS > now:
            raise SignatureError("the push token has expired or is not valid yet")
        return claims

    def parse(self, raw_body: bytes, received_at: datetime) -> list[Mention]:
        return list(self.parse_delivery(raw_body, received_at).mentions)

    def parse_delivery(self, raw_body: bytes, received_at: datetime) -> Delivery:
        notification = _notification(raw_body)
        kind = notification.get("type")
        if kind not in TYPES:
            return Delivery(skipped=(str(kind)[:60],))
        name = notification.get("review")
        if not isinstance(name, str) or "/reviews/" not in name:
            raise MalformedPayload("Google push: message.data.review is not a review name")
        answer = self._reader.get(name, received_at)
        if answer.status == 404:
            return Delivery(deleted=(mention_id(SOURCE, name.rsplit("/", 1)[-1]),))
        if answer.status == 429 or answer.status >= 500:
            raise DeliveryError(f"Google Business Profile: HTTP {answer.status}, retry later")
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise DeliveryError(f"Google Business Profile: HTTP {answer.status} reading {name}")
        mention = review_to_mention(answer.body, received_at)
        if mention is None:
            raise DeliveryError(f"Google Business Profile: {name} has no stars or time")
        return Delivery(mentions=(mention,))


def push(credentials: Credentials) -> Push:
    return Push(credentials)


def review_to_mention(review: Mapping[str, Any], received_at: datetime) -> Mention | None:
    """A v4 review resource as a mention with its stars; None when incomplete."""
    review_id = str(review.get("reviewId") or str(review.get("name") or "").rsplit("/", 1)[-1])
    stars = STARS.get(str(review.get("starRating") or ""))
    try:
        created = parse_time(str(review.get("createTime") or ""))
    except ValueError:
        return None
    if not review_id or stars is None:
        return None
    reviewer = review.get("reviewer") if isinstance(review.get("reviewer"), dict) else {}
    name = str((reviewer or {}).get("displayName") or "").strip() or "Google reviewer"
    return Mention(
        source=SOURCE,
        native_id=review_id,
        url=review_link(str(review.get("name") or ""), review_id),
        author=Author(id=name, handle=name, name=name),
        text=clip(str(review.get("comment") or "")),
        created_at=iso(created),
        received_at=iso(received_at),
        rating=stars,
    )


def review_link(name: str, review_id: str) -> str:
    """The Business Profile's reviews page, the review's resource name after the ``#``
    (never sent to Google by a browser): the reply channel answers that name."""
    if REVIEW_NAME.fullmatch(name):
        return f"{REVIEWS_PAGE}#{name}"
    return f"{REVIEWS_PAGE}?review={review_id}"


def review_name(url: str) -> str:
    """The resource name `review_link` put in `url`; "" when there is none."""
    name = url.partition("#")[2] if url.startswith(REVIEWS_PAGE + "#") else ""
    return name if REVIEW_NAME.fullmatch(name) else ""


def _notification(raw_body: bytes) -> Mapping[str, Any]:
    envelope = load_json(raw_body, "Google push")
    message = envelope.get("message") if isinstance(envelope, dict) else None
    if not isinstance(message, dict):
        raise MalformedPayload("Google push: message is missing or not an object")
    data = message.get("data")
    if not isinstance(data, str) or not data:
        raise MalformedPayload("Google push: message.data is missing")
    try:
        decoded = json.loads(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise MalformedPayload("Google push: message.data is not base64 JSON") from exc
    if not isinstance(decoded, dict):
        raise MalformedPayload("Google push: message.data is not a JSON object")
    return decoded
