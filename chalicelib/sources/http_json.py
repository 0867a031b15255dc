"""JSON over HTTPS for the review and open-network sources (Mastodon, App Store Connect,
Google Play, Bluesky): one requests session, a timeout, a size cap, and the answer as
plain data (`Answer`), so each source decides what a status means.

A network failure (DNS, refused, timeout) is an `OSError` naming the host, never the URL's
query or a header (tokens travel in headers). requests is imported on first use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from ..model import parse_time

MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "social-listening/0.1 (+webcare listening)"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)  # names lower-case
    body: Any = None  # the decoded JSON; None when the body was not JSON

    def header(self, name: str) -> str:
        return str(self.headers.get(name.lower(), "")).strip()


class JsonHttp:
    """``request(method, url, params=, headers=, json=) -> Answer`` over one session."""

    def __init__(self, timeout: float = 10, session: Any = None) -> None:
        import requests

        self._session = session or requests.Session()
        self._timeout = timeout

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
    ) -> Answer:
        import requests

        try:
            response = self._session.request(
                method,
                url,
                params=params,
                headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
                json=json,
                data=data,
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            host = urlsplit(url).netloc
            raise OSError(f"{host} unreachable: {type(exc).__name__}") from exc
        content = response.content[:MAX_BYTES]
        body: Any = None
        if content:
            with contextlib.suppress(ValueError):
                body = response.json()
        return Answer(
            response.status_code, {k.lower(): v for k, v in response.headers.items()}, body
        )

    def get(self, url: str, **kwargs: Any) -> Answer:
        return self.request("GET", url, **kwargs)


def wait_until(answer: Answer, now: datetime, *, at_least: float, reset_header: str = "") -> float:
    """Epoch seconds to wait for after a 429: Retry-After (seconds or an HTTP date), else
    the network's reset header (an ISO time or epoch seconds), never sooner than
    `at_least` seconds from `now`."""
    wait = at_least
    retry_after = answer.header("retry-after")
    if retry_after.isdigit():
        wait = max(wait, float(retry_after))
    elif retry_after:
        with contextlib.suppress(TypeError, ValueError):
            wait = max(wait, (parsedate_to_datetime(retry_after) - now).total_seconds())
    reset = answer.header(reset_header) if reset_header else ""
    if reset:
        with contextlib.suppress(TypeError, ValueError):
            wait = max(wait, (parse_time(reset) - now).total_seconds())
    return float(now.timestamp() + wait)


def to_next_hour(now: datetime) -> float:
    """Seconds to the next full hour (at least a minute): where an hourly quota resets."""
    top = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return max(60.0, (top - now).total_seconds())
