"""Replies to App Store reviews: ``POST /v1/customerReviewResponses`` (App Store Connect).

The request Apple documents (``CustomerReviewResponseV1CreateRequest``)::

    {"data": {"type": "customerReviewResponses",
              "attributes": {"responseBody": "<text>"},
              "relationships": {"review": {"data": {"type": "customerReviews",
                                                    "id": "<review id>"}}}}}

answered ``201`` with the response resource (``data.id``, ``attributes.state``:
``PENDING_PUBLISH`` until Apple shows it). A review has at most one response and the same
call creates or replaces it, so a request sent twice leaves one reply. Signed with the
poller's API key (`sources/app_store.py`: ES256 by pyca/cryptography; the key needs the
Customer Support role). 5,970 characters [u: the limit App Store Connect's own form
shows; the API documentation states none].
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...errors import ConfigError, ReplyRefused, ReplyUncertain
from ...i18n import N_, Phrase
from .. import app_store
from .._common import Credentials
from . import Channel, Sent, Target
from .length import Rule

LIMIT = 5970
PATH = "/v1/customerReviewResponses"


def connect(credentials: Credentials) -> app_store.AppStoreClient:
    return app_store.make_client(credentials)


def request_body(review_id: str, text: str) -> dict[str, Any]:
    review = {"data": {"type": "customerReviews", "id": review_id}}
    return {
        "data": {
            "type": "customerReviewResponses",
            "attributes": {"responseBody": text},
            "relationships": {"review": review},
        }
    }


def post(client: app_store.AppStoreClient, target: Target, text: str, key: str) -> Sent:
    try:
        token = client.token(datetime.now(UTC))
        answer = client.http.request(
            "POST",
            app_store.BASE + PATH,
            headers={"Authorization": f"Bearer {token}"},
            json=request_body(target.native_id, text),
        )
    except ConfigError as error:  # names the secret, never the key
        raise ReplyRefused(
            "refused", Phrase(N_("%(error)s: fix it in the stage's secret."), error=str(error))
        ) from error
    except OSError as error:
        raise ReplyUncertain(f"App Store Connect did not answer: {error}") from error
    if answer.status in (200, 201):
        data = answer.body.get("data") if isinstance(answer.body, dict) else None
        reply_id = str((data or {}).get("id") or f"response-to-{target.native_id}")
        return Sent(reply_id, target.url)
    if answer.status == 401:
        raise ReplyRefused(
            "revoked_token",
            N_(
                "App Store Connect no longer accepts the API key. The team lead was told; "
                "reply in App Store Connect for now."
            ),
            revoked=True,
        )
    if answer.status == 403:
        raise ReplyRefused(
            "refused",
            N_(
                "App Store Connect: this API key may not answer reviews (it needs the "
                "Customer Support role). Reply in App Store Connect for now."
            ),
        )
    if answer.status == 404:
        raise ReplyRefused("deleted", N_("The review is gone: nothing to answer."))
    if answer.status == 429:
        raise ReplyRefused(
            "rate_limited", N_("App Store Connect says: too many requests. Try later.")
        )
    if answer.status >= 500:
        raise ReplyUncertain(f"App Store Connect answered {answer.status}")
    raise ReplyRefused(
        "refused",
        Phrase(N_("App Store Connect refused the reply (%(said)s)."), said=_detail(answer.body)),
    )


def _detail(body: Any) -> str:
    """Apple's first error's ``detail`` (JSON:API errors), cut short."""
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    return str(first.get("detail") or first.get("title") or "no reason given")[:120]


CHANNEL = Channel(
    "app_store",
    "App Store",
    app_store.SECRETS,
    connect,
    post,
    Rule(LIMIT, "characters"),
)
