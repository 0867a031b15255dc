"""Small helpers the source modules share (no network, no AWS)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from ..errors import ConfigError, FatalSourceError, MalformedPayload
from ..model import parse_time

MAX_TEXT = 4000  # characters of a post we keep: enough to judge it, small in DynamoDB
X_EPOCH_MS = 1288834974657  # Twitter snowflake epoch


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (API Gateway, Chalice and tests disagree on case)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def clip(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def as_int(value: Any) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def snowflake_time(native_id: str | int) -> datetime:
    """When an X post was created, read from its id (X ids are snowflakes)."""
    return parse_time((int(native_id) >> 22) + X_EPOCH_MS)  # ValueError past year 9999


def load_json(raw_body: bytes, what: str) -> Any:
    try:
        return json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedPayload(f"{what}: body is not JSON") from exc
    except RecursionError as exc:  # "[[[[…" thousands deep: refuse, never a 5xx
        raise MalformedPayload(f"{what}: JSON nested too deeply") from exc


class Credentials(Protocol):
    """A dict, or the app's `Secrets` (anything with ``get(key) -> str | None``)."""

    def get(self, key: str, /) -> str | None: ...


def need_secret(credentials: Credentials, *keys: str, source: str) -> list[str]:
    """The values of `keys`; `ConfigError` naming (never showing) the missing ones."""
    values = {key: str(credentials.get(key) or "").strip() for key in keys}
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise ConfigError(f"{source}: secret keys missing: {', '.join(missing)}")
    return [values[key] for key in keys]


def json_cursor(cursor: str | None, source: str) -> dict[str, Any]:
    """A poller's saved cursor: a JSON object (empty when there is none yet)."""
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except ValueError as exc:
        raise FatalSourceError(f"{source} cursor is not JSON") from exc
    if not isinstance(state, dict):
        raise FatalSourceError(f"{source} cursor is not a JSON object")
    return state
