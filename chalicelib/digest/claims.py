"""Send a mail exactly once (the daily digest, each weekly lessons mail): a claim item
moves with conditional writes, so two fires at once cannot both send:

    (none) --take--> rendering --about to call SES--> sending --SES accepted--> sent
                      |   ^                             |  \\--SES refused--> failed
                      |   \\--lease ran out (died) --    |                      |
                      |                                 \\--died, or "sent" could not
                      \\--render failed--> failed             be recorded--> uncertain
    failed --next fire--> rendering (a retry)               uncertain: never resent by itself

SES has no idempotency key: once it may have been called, a retry could send the mail
twice. So only "rendering" (reading and rendering: most of the time) is retried after
its lease; a claim left in "sending" — the Lambda died during the SES call, or DynamoDB
refused to record "sent" after SES accepted (three tries) — becomes "uncertain": the
next fire logs an ERROR and sends nothing, and the invocation that lost the record
logs the SES message id. An operator who finds it was not sent resends deliberately
(`python -m tools digest --date … --resend`). Errors that prove SES did not take the
mail (an answer with an error code, no connection) are "failed" and retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..errors import DeliveryError, StoreError
from ..logs import get_logger
from ..model import iso, parse_time
from ..store import StateTable
from ..store.keys import Key
from . import mailer
from .render import RenderedDigest

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient

log = get_logger("digest")

LEASE = timedelta(minutes=15)  # longer than the Lambda timeout
RECORD_ATTEMPTS = 3
ALERT_AFTER = 3  # failed attempts before the log says ERROR


@dataclass(frozen=True)
class Claim:
    key: Key
    attempt: int


@dataclass(frozen=True)
class Sent:
    sent: bool
    reason: str
    message_id: str | None = None
    mail: RenderedDigest | None = None


class Claims:
    def __init__(self, state: StateTable, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._state = state
        self._sleep = sleep

    def take(self, key: Key, now: datetime) -> tuple[Claim | None, str]:
        """The claim for one attempt, or None and why not (sent, in hand, uncertain)."""
        fresh = {"state": "rendering", "lease_until": iso(now + LEASE), "claimed_at": iso(now)}
        if self._state.put_new(key, {**fresh, "attempts": 1}):
            return Claim(key, 1), "claimed"
        claim = self._state.get(key) or {}
        state, attempts = claim.get("state"), int(claim.get("attempts", 0))
        stale = parse_time(claim.get("lease_until") or iso(now)) < now
        if state == "sent":
            return None, "already sent"
        if state == "uncertain":
            return None, "uncertain: it may have gone out; not sent again"
        if state == "sending":
            if not stale:
                return None, "being sent"
            self._state.update(
                key,
                {"state": "uncertain", "uncertain_at": iso(now)},
                expect={"state": "sending", "attempts": attempts},
            )
            log.error(
                "a mail was being sent when its Lambda stopped: it may have gone out, so it "
                "is not sent again; check and resend it deliberately if it did not",
                extra={"fields": {"claim": f"{key.pk}/{key.sk}", "attempts": attempts}},
            )
            return None, "uncertain: it may have gone out; not sent again"
        if state == "rendering" and not stale:
            return None, "being prepared"
        taken = self._state.update(
            key, {**fresh, "attempts": attempts + 1}, expect={"state": state, "attempts": attempts}
        )
        return (Claim(key, attempts + 1), "claimed") if taken else (None, "taken by another fire")

    def sending(self, claim: Claim, now: datetime, message_ref: str) -> bool:
        """Just before the SES call: from here on this attempt is never retried by itself."""
        return self._state.update(
            claim.key,
            {"state": "sending", "sending_at": iso(now), "message_ref": message_ref},
            expect={"state": "rendering", "attempts": claim.attempt},
        )

    def sent(self, claim: Claim, now: datetime, message_id: str) -> bool:
        """Record what SES accepted; False when DynamoDB refused every try."""
        changes = {"state": "sent", "sent_at": iso(now), "message_id": message_id}
        for attempt in range(RECORD_ATTEMPTS):
            try:
                self._state.update(claim.key, {**changes, "lease_until": None})
                return True
            except StoreError:
                if attempt + 1 < RECORD_ATTEMPTS:
                    self._sleep(0.2 * 2**attempt)
        return False

    def failed(self, claim: Claim, now: datetime, reason: str, *, uncertain: bool = False) -> None:
        state = "uncertain" if uncertain else "failed"
        self._state.update(
            claim.key,
            {"state": state, "last_error": reason, "failed_at": iso(now)},
            expect={"attempts": claim.attempt},
        )

    def reset(self, key: Key) -> None:
        """An operator's deliberate resend: forget the claim (`tools digest --resend`)."""
        self._state.delete(key)


def send_once(
    claims: Claims,
    key: Key,
    now: datetime,
    *,
    ses: SESClient,
    sender: str,
    recipients: Sequence[str],
    render: Callable[[], RenderedDigest],
    unsubscribe: str,
    label: str,
    fields: Mapping[str, Any],
) -> Sent:
    """Render and send one mail under `key`'s claim; raises `DeliveryError` when it failed
    (`mailer.MaybeSent` when SES may have taken it) and `StoreError` when "sent" could not
    be recorded."""
    claim, reason = claims.take(key, now)
    if claim is None:
        return Sent(False, reason)
    fields = {**fields, "attempts": claim.attempt}
    try:
        mail = render()
        message = mailer.compose(
            mail, sender=sender, recipients=recipients, unsubscribe=unsubscribe
        )
    except Exception as error:
        _failed(claims, claim, now, error, fields)
        if isinstance(error, DeliveryError):
            raise
        raise DeliveryError(f"{label}: {type(error).__name__}: {error}") from error
    if not claims.sending(claim, now, str(message["Message-ID"])):
        return Sent(False, "taken by another fire")
    try:
        message_id = mailer.send(ses, message, sender=sender, recipients=recipients)
    except mailer.MaybeSent as error:
        _failed(claims, claim, now, error, fields, uncertain=True)
        raise
    except DeliveryError as error:
        _failed(claims, claim, now, error, fields)
        raise
    if not claims.sent(claim, now, message_id):
        log.error(
            "sent, but the claim could not be marked sent: it stays uncertain and is not "
            "sent again",
            extra={"fields": {**fields, "message_id": message_id}},
        )
        raise StoreError(f"{label}: sent as {message_id}, not recorded")
    log.info("mail sent", extra={"fields": {**fields, "recipients": len(recipients)}})
    return Sent(True, "sent", message_id, mail)


def _failed(
    claims: Claims,
    claim: Claim,
    now: datetime,
    error: Exception,
    fields: dict[str, Any],
    *,
    uncertain: bool = False,
) -> None:
    reason = f"{type(error).__name__}: {error}"[:300]
    try:
        claims.failed(claim, now, reason, uncertain=uncertain)
    except StoreError:
        log.warning("could not record a failed send", extra={"fields": fields})
    fields = {**fields, "error": reason}
    if uncertain:
        log.error("SES's answer was lost: the mail may have gone out", extra={"fields": fields})
    elif claim.attempt >= ALERT_AFTER:
        log.error("mail keeps failing; retried at the next fire", extra={"fields": fields})
    else:
        log.warning("mail not sent; retried at the next fire", extra={"fields": fields})
