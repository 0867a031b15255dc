"""What every case desk page is sent with: its security headers, and the forms' CSRF tokens.

Headers (on every answer, errors included):

    Content-Security-Policy  default-src 'none'; style-src 'nonce-…'; form-action 'self';
                             frame-ancestors 'none'; base-uri 'none'; img-src 'self'
    Referrer-Policy          no-referrer (the code is in the URL: opening the post must not
                             hand it to the social network)
    Cache-Control            no-store;  X-Content-Type-Options nosniff;  X-Frame-Options DENY

No script at all. The one stylesheet is inline with a fresh nonce per answer: a page on a
phone in a train needs one request, not two, and no inline `style` attribute (nor any
other style) can run without the nonce.

A CSRF token is ``<expiry, base 36>.<nonce>.<HMAC>``, bound to the code (or board pass)
and the case the form is on, made when the page is rendered (GET writes nothing) and
spent when the form is sent: the nonce is stored once (`keys.csrf_used`, put-if-absent),
so a replayed POST is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...errors import TokenError
from ...i18n import N_
from ...store import StateTable, keys

CSRF_TTL = timedelta(hours=12)


@dataclass(frozen=True)
class Page:
    status: int
    body: str
    nonce: str
    headers: dict[str, str] = field(default_factory=dict)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def headers(nonce: str) -> dict[str, str]:
    policy = (
        "default-src 'none'; "
        f"style-src 'nonce-{nonce}'; "
        "img-src 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'; "
        "base-uri 'none'"
    )
    return {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": policy,
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }


def _mac(key: str, subject: str, expires: str, nonce: str) -> str:
    digest = hmac.new(key.encode(), f"csrf|{subject}|{expires}|{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


class Csrf:
    def __init__(self, state: StateTable, signing_key: Callable[[], str]) -> None:
        self._state = state
        self._key = signing_key

    def token(self, subject: str, now: datetime) -> str:
        expires = format(int((now + CSRF_TTL).timestamp()), "x")
        nonce = secrets.token_urlsafe(12)
        return f"{expires}.{nonce}.{_mac(self._key(), subject, expires, nonce)}"

    def spend(self, token: str, subject: str, now: datetime) -> None:
        """Check a submitted token and use it up; `TokenError` when it will not do."""
        try:
            expires, nonce, mac = token.split(".")
            until = int(expires, 16)
        except ValueError as exc:
            raise TokenError(N_("the form is missing its security token: reload the page")) from exc
        if not hmac.compare_digest(mac, _mac(self._key(), subject, expires, nonce)):
            raise TokenError(N_("the form's security token does not match: reload the page"))
        if now.timestamp() > until:
            raise TokenError(N_("the form is too old: reload the page"))
        if not self._state.put_new(keys.csrf_used(nonce), {"expires_at": until + 3600}):
            raise TokenError(N_("this form was sent already"))
