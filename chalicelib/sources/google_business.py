"""Google Business Profile reviews: Pub/Sub push of NEW_REVIEW / UPDATED_REVIEW, then a read.

``POST /webhooks/google-business`` receives a Pub/Sub push (PLATFORM_NOTES, "Reviews")::

    {"message": {"data": "<base64 of {"type": "NEW_REVIEW", "review":
                 "accounts/{a}/locations/{l}/reviews/{r}", "location": "…"}>",
                 "messageId", "publishTime", "attributes"}, "subscription": "…"}

[u: the notification's JSON is not shown in the documentation we could read; the
``review`` name is what Google's notification settings describe.]

Authentication: the push subscription sends a Google-signed OIDC token
(``Authorization: Bearer``); google-auth verifies its signature against Google's
certificates, its issuer, its audience (``gbp_push_audience``, as set on the
subscription) and that it was issued to the push service account (``gbp_push_account``).
Anything else is a 401 before the body is read.

Then the review is read (``GET https://mybusiness.googleapis.com/v4/<review name>``) with
the manager's OAuth grant (``gbp_client_id``, ``gbp_client_secret``, ``gbp_refresh_token``;
scope ``business.manage``): ``google_business:<review id>`` with its stars (an update
replaces the mention). A review gone by then (404) is recorded as deleted. Google
unreachable, the grant refused (revoked: renew ``gbp_refresh_token``) or a 429 is a 503:
Pub/Sub redelivers, so nothing is lost.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
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
from ._common import Credentials, clip, header, load_json, need_secret
from .http_json import Answer

SOURCE = "google_business"
API = "https://mybusiness.googleapis.com/v4"
SCOPE = "https://www.googleapis.com/auth/business.manage"
TOKEN_URI = "https://oauth2.googleapis.com/token"
TYPES = ("NEW_REVIEW", "UPDATED_REVIEW")
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}
GRANT = ("gbp_client_id", "gbp_client_secret", "gbp_refresh_token")


class ReviewReader:
    """The manager's OAuth grant as an authorised session (google-auth)."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self._session: Any = None

    def get(self, name: str) -> Answer:
        from google.auth.exceptions import RefreshError, TransportError
        from requests import RequestException

        try:
            response = self._authorised().get(f"{API}/{name}", timeout=10)
        except RefreshError as exc:
            raise CredentialsRefused(
                "Google refused the Business Profile grant: renew gbp_refresh_token "
                "(sign in as a manager of the location again)"
            ) from exc
        except (TransportError, RequestException) as exc:
            raise DeliveryError(f"Google unreachable: {type(exc).__name__}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        return Answer(response.status_code, {}, body)

    def _authorised(self) -> Any:
        if self._session is None:
            from google.auth.transport.requests import AuthorizedSession
            from google.oauth2.credentials import Credentials as UserCredentials

            client_id, client_secret, refresh = need_secret(
                self._credentials, *GRANT, source="Google Business Profile"
            )
            grant = UserCredentials(  # type: ignore[no-untyped-call]
                None,
                refresh_token=refresh,
                client_id=client_id,
                client_secret=client_secret,
                token_uri=TOKEN_URI,
                scopes=[SCOPE],
            )
            self._session = AuthorizedSession(grant)  # type: ignore[no-untyped-call]
        return self._session


class Push:
    """The route's webhook: verify Google's push token, then read the review."""

    def __init__(self, credentials: Credentials, reader: ReviewReader | None = None) -> None:
        self._credentials = credentials
        self._reader = reader or ReviewReader(credentials)

    def verify(self, headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
        """`secret` is the audience the push subscription names."""
        (account,) = need_secret(self._credentials, "gbp_push_account", source="Google push")
        given = (header(headers, "Authorization") or "").strip()
        if not given.lower().startswith("bearer "):
            raise SignatureError("missing Authorization header (Bearer)")
        token = given[7:].strip()
        _looks_like_google_token(token)  # no request to Google for a token of another kind
        claims = _verified(token, secret)
        if claims.get("email") != account or not claims.get("email_verified"):
            raise SignatureError("the push token was not issued to the push service account")

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
        answer = self._reader.get(name)
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
        url=f"https://business.google.com/reviews?review={review_id}",
        author=Author(id=name, handle=name, name=name),
        text=clip(str(review.get("comment") or "")),
        created_at=iso(created),
        received_at=iso(received_at),
        rating=stars,
    )


def _looks_like_google_token(token: str) -> None:
    """A JWT whose header names RS256 and a key id, else `SignatureError`."""
    head = token.split(".")[0] if token.count(".") == 2 else ""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError):
        decoded = None
    if not isinstance(decoded, dict) or decoded.get("alg") != "RS256" or not decoded.get("kid"):
        raise SignatureError("the push token is not a Google-signed JWT")


def _verified(token: str, audience: str) -> Mapping[str, Any]:
    from google.auth.exceptions import GoogleAuthError, TransportError
    from google.auth.transport.requests import Request
    from google.oauth2 import id_token

    if not audience:
        raise ConfigError("gbp_push_audience is empty")
    try:
        claims: Mapping[str, Any] = id_token.verify_oauth2_token(  # type: ignore[no-untyped-call]
            token, Request(), audience=audience
        )
    except TransportError as exc:
        raise DeliveryError("Google's certificates unreachable: retry later") from exc
    except (ValueError, GoogleAuthError) as exc:
        raise SignatureError(f"the push token does not verify ({type(exc).__name__})") from exc
    return claims


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
