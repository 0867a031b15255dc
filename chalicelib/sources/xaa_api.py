"""The X Activity API's management calls: webhooks, subscriptions, replays (over requests).

    POST /2/webhooks {"url"}                              register our webhook (app bearer)
    GET  /2/webhooks                                      list them
    POST /2/activity/subscriptions {"event_type", "filter": {"user_id"}, "tag", "webhook_id"}
                                                          subscribe the brand (the brand's
                                                          OAuth 2.0 user token for mention,
                                                          reply, quote; app bearer otherwise)
    GET  /2/activity/subscriptions                        list them
    POST /2/webhooks/replay {"webhook_id", "from_date", "to_date"}
                                                          redeliver a gap (yyyymmddhhmm UTC,
                                                          within the last 24 hours)

(PLATFORM_NOTES, "X Activity API".) Every call raises `RetriableSourceError` (429, 5xx,
unreachable) or `FatalSourceError` (any other refusal), with X's error text clipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..errors import ConfigError, FatalSourceError, RetriableSourceError
from ._common import Credentials, need_secret
from .x_activity import MENTION_EVENTS

API = "https://api.x.com/2"
TIMEOUT = 10
REPLAY_WINDOW = timedelta(hours=24)
USER_TOKEN_EVENTS = MENTION_EVENTS | {"dm.received"}  # X requires the brand's user token


@dataclass(frozen=True)
class XaaApi:
    bearer_token: str  # the app's bearer token (x_bearer_token)
    user_token: str = ""  # the brand's OAuth 2.0 user token (x_brand_user_token)

    def register_webhook(self, url: str) -> dict[str, Any]:
        return self._call("POST", "/webhooks", {"url": url})

    def webhooks(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/webhooks").get("data") or [])

    def subscribe(self, webhook_id: str, user_id: str, event_type: str) -> dict[str, Any]:
        body = {
            "event_type": event_type,
            "filter": {"user_id": user_id},
            "tag": event_type,
            "webhook_id": webhook_id,
        }
        user = event_type in USER_TOKEN_EVENTS
        if user and not self.user_token:
            raise FatalSourceError(
                f"{event_type} needs the brand's user token (x_brand_user_token)"
            )
        return self._call("POST", "/activity/subscriptions", body, user=user)

    def subscriptions(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "/activity/subscriptions").get("data") or [])

    def replay(self, webhook_id: str, since: datetime, now: datetime) -> dict[str, Any]:
        """Ask X to deliver again what it sent from `since` (clipped to the last 24 h)."""
        start = max(since, now - REPLAY_WINDOW + timedelta(minutes=1))
        body = {"webhook_id": webhook_id, "from_date": _stamp(start), "to_date": _stamp(now)}
        return self._call("POST", "/webhooks/replay", body)

    def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, user: bool = False
    ) -> dict[str, Any]:
        import requests

        token = self.user_token if user else self.bearer_token
        try:
            response = requests.request(
                method,
                API + path,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise RetriableSourceError(f"X unreachable: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise RetriableSourceError(f"X answered HTTP {response.status_code}")
        if response.status_code >= 400:
            raise FatalSourceError(
                f"X refused {method} {path} (HTTP {response.status_code}): {response.text[:200]}"
            )
        data = response.json() if response.content else {}
        return data if isinstance(data, dict) else {"data": data}


def replayer(credentials: Credentials) -> Callable[[str, datetime, datetime], Any]:
    """The catch-up job's replay: X only (Meta redelivers nothing), with the app bearer
    token and the webhook's id (``x_bearer_token``, ``x_webhook_id``)."""

    def replay(source: str, since: datetime, now: datetime) -> Any:
        if source != "x_webhook":
            raise ConfigError(f"{source}: the network offers no replay")
        token, webhook_id = need_secret(
            credentials, "x_bearer_token", "x_webhook_id", source="X replay"
        )
        return XaaApi(token).replay(webhook_id, since, now)

    return replay


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%d%H%M")
