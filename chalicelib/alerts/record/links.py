"""Signed, expiring acknowledge links, bound to one alert and one recipient.

Token: ``<expires>.<recipient>.<base64url HMAC-SHA256(key, "ack|alert|recipient|expires")>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

from ...errors import TokenError

DEFAULT_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class TokenClaims:
    action: str
    alert_id: str
    recipient: str
    expires: int


def _mac(key: str, action: str, alert_id: str, recipient: str, expires: int) -> str:
    message = f"{action}|{alert_id}|{recipient}|{expires}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(
    key: str,
    alert_id: str,
    recipient: str,
    now: float,
    *,
    action: str = "ack",
    ttl: int = DEFAULT_TTL_SECONDS,
) -> str:
    expires = int(now) + ttl
    return f"{expires}.{recipient}.{_mac(key, action, alert_id, recipient, expires)}"


def check_token(
    key: str, token: str, alert_id: str, now: float, *, action: str = "ack"
) -> TokenClaims:
    try:
        expires_text, rest = token.split(".", 1)
        recipient, mac = rest.rsplit(".", 1)
        expires = int(expires_text)
    except ValueError as exc:
        raise TokenError("malformed token") from exc
    expected = _mac(key, action, alert_id, recipient, expires)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        raise TokenError("token does not match this alert")
    if now > expires:
        raise TokenError("link has expired")
    return TokenClaims(action, alert_id, recipient, expires)


def link(base_url: str, alert_id: str, token: str, *, action: str = "ack") -> str:
    return f"{base_url}/alerts/{quote(alert_id, safe=':')}/{action}?token={quote(token, safe='')}"
