"""Short case codes (`<base>/c/<code>`) and signed shift-board passes (`<base>/board/<pass>`).

A case code is 16 characters of `secrets.token_urlsafe` (96 random bits), short enough
for a one-segment SMS. It is stored (`keys.case_code`, under the code's SHA-256, so a copy
of the table holds no working link) with what it grants:

    scope "act"    the case page of one alert, acting as the recipient it was sent to
    scope "view"   the same page with no actions (the digest's links for marketing)

and it expires (`valid_until`; the item itself goes with DynamoDB's TTL a day later).
Opening a code only reads; what it allows is decided again at every request
(`desk/case_desk.py`), so a code for a case handed over or resolved no longer acts. An "act" code
stores its manager's generation (`Team.generation`) and is refused once that moved on
(the manager was removed or their links revoked); a "view" code is for a reader, not
a manager, and has none.

A board pass is not stored: ``<manager>.<expiry, base 36>.<HMAC-SHA256, 22 chars>``, signed
with the stage's `ack_signing_key` over the manager's generation too (no generation in
the text: a pass from before generations, generation 0, still reads), valid until the
end of the shift plus a grace period and at most `linking.PASS_LIFETIME`, so every page,
e-mail and case page can carry one without writing anything, and a revoked manager's
pass stops matching its signature at once.

For the digest (view links for marketing):

    code = wiring.case_codes().issue(alert_id, "digest", now, scope="view", ttl=timedelta(days=7))
    url = codes.case_url(settings.public_base_url, code)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...errors import TokenError
from ...i18n import N_
from ...model import iso, parse_time
from ...store import StateTable, keys

SCOPES = ("act", "view")
CODE_BYTES = 12  # 96 bits -> 16 characters
CODE = re.compile(r"^[A-Za-z0-9_-]{16}$")
DEFAULT_TTL = timedelta(hours=72)
KEEP_AFTER_EXPIRY = timedelta(days=1)  # the item lingers (TTL) to say "expired", not "unknown"
Generation = Callable[[str], int | None]  # a manager's current one; None: not on the team
PASS = re.compile(r"^([a-z0-9][a-z0-9_-]{0,39})\.([0-9a-z]{1,9})\.([A-Za-z0-9_-]{22})$")


@dataclass(frozen=True)
class Grant:
    """What a code or a board pass allows: whose it is, for which alert, how far."""

    scope: str  # "act" | "view" | "board"
    recipient: str  # the manager it was sent to ("digest" or any label for view codes)
    alert_id: str = ""  # empty for a board pass
    valid_until: str = ""
    code: str = ""  # the code or pass as it appears in the URL


def case_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/c/{code}"


def board_url(base_url: str, board_pass: str) -> str:
    return f"{base_url.rstrip('/')}/board/{board_pass}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:40]


class CaseCodes:
    def __init__(self, state: StateTable, generation: Generation) -> None:
        self._state = state
        self._generation = generation

    def issue(
        self,
        alert_id: str,
        recipient: str,
        now: datetime,
        *,
        scope: str = "act",
        ttl: timedelta = DEFAULT_TTL,
    ) -> str:
        """A new code for `recipient` to open `alert_id` (scope "act" or "view")."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
        if not alert_id or not recipient:
            raise ValueError("a code needs an alert and a recipient")
        valid_until = now + ttl
        item = {
            "scope": scope,
            "alert_id": alert_id,
            "recipient": recipient,
            "issued_at": iso(now),
            "valid_until": iso(valid_until),
            "expires_at": int((valid_until + KEEP_AFTER_EXPIRY).timestamp()),
        }
        if scope == "act":  # not on the team (any more): a code that never acts
            current = self._generation(recipient)
            item["generation"] = -1 if current is None else current
        while True:  # 96 random bits: a collision is a theoretical retry
            code = secrets.token_urlsafe(CODE_BYTES)
            if self._state.put_new(keys.case_code(_digest(code)), item):
                return code

    def check(self, code: str, now: datetime) -> Grant:
        """The grant of a code; `TokenError` when malformed, unknown or expired."""
        if not CODE.match(code or ""):
            raise TokenError(N_("this link is not valid"))
        item = self._state.get(keys.case_code(_digest(code)))
        if item is None:
            raise TokenError(N_("this link is not valid"))
        if now > parse_time(item["valid_until"]):
            raise TokenError(N_("this link has expired"))
        if item["scope"] == "act" and self._generation(item["recipient"]) != int(
            item.get("generation", 0)
        ):
            raise TokenError(N_("this link was withdrawn"))
        return Grant(
            scope=item["scope"],
            recipient=item["recipient"],
            alert_id=item["alert_id"],
            valid_until=item["valid_until"],
            code=code,
        )


def _mac(key: str, manager: str, expires: str, generation: int | None) -> str:
    """Over the generation too; generation 0 signs as passes did before there were any,
    and a manager not on the team signs with a mark no check ever uses."""
    signed = f"board|{manager}|{expires}"
    if generation != 0:
        signed += f"|{'-' if generation is None else generation}"
    digest = hmac.new(key.encode(), signed.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode()[:22]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


class BoardPasses:
    """Signed, expiring passes to one manager's shift board (nothing stored)."""

    def __init__(self, signing_key: Callable[[], str], generation: Generation) -> None:
        self._key = signing_key
        self._generation = generation

    def issue(self, manager: str, until: datetime) -> str:
        expires = _base36(int(until.timestamp()))
        mac = _mac(self._key(), manager, expires, self._generation(manager))
        return f"{manager}.{expires}.{mac}"

    def check(self, board_pass: str, now: datetime) -> Grant:
        match = PASS.match(board_pass or "")
        if not match:
            raise TokenError(N_("this link is not valid"))
        manager, expires, mac = match.groups()
        generation = self._generation(manager)  # removed or revoked: no longer matches
        if generation is None or not hmac.compare_digest(
            mac, _mac(self._key(), manager, expires, generation)
        ):
            raise TokenError(N_("this link is not valid"))
        until = int(expires, 36)
        if now.timestamp() > until:
            raise TokenError(N_("this board link has expired: open the one in your latest page"))
        return Grant("board", manager, valid_until=iso(parse_time(until)), code=board_pass)
