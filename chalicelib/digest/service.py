"""Send the digest for the team's previous local day, exactly once.

EventBridge cron is UTC, so the schedule fires hourly and the digest goes out at the
first fire on or after the team's local hour (DST-safe: the hour is compared in the
team's zone). A claim item per day, ``digest#<day> / send``, makes it once:

    (none) --claim--> sending --SES ok--> sent          later fires: nothing to do
                         |  \\--SES error--> failed --next fire--> sending (retry)
                         \\-- Lambda died: the lease runs out --next fire--> sending

Claims move with conditional writes, so two fires at once cannot both send. A failed
send raises (the Lambda's error metric) and is retried at every later fire, also the
next days (`CATCH_UP_DAYS`); from `ALERT_AFTER` failures on it logs an error.

Reading a day costs a handful of items (see `gather`), never the day's mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..config import Settings
from ..errors import DeliveryError
from ..logs import get_logger
from ..model import alert_id_for, iso, parse_time
from ..store import StateTable, day_counters, keys
from ..store.keys import Key
from ..triage import DEFAULT_MIN_PRIORITY
from . import aggregates, mailer, render, report
from .ingest import AMBASSADORS, NEGATIVES, THEMES
from .tally import OPEN
from .toplists import TopLists

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient

log = get_logger("digest")

LEASE = timedelta(minutes=15)  # longer than the Lambda timeout
CATCH_UP_DAYS = 2  # a digest that failed is retried on the following days too
ALERT_AFTER = 3  # failed attempts before the log says ERROR
POLLED = ("x", "x_mentions", "reddit", "feeds")  # pollers with a health item (sources/health.py)


@dataclass(frozen=True)
class DigestResult:
    day: str
    sent: bool
    reason: str
    message_id: str | None = None
    html: str | None = None
    text: str | None = None
    subject: str | None = None


def _claim_key(day: date) -> Key:
    return keys.digest_claim(day.isoformat())


class DigestService:
    def __init__(
        self,
        *,
        settings: Settings,
        state: StateTable,
        ses: SESClient,
        lists: TopLists | None = None,
    ) -> None:
        self._settings = settings
        self._state = state
        self._ses = ses
        self._lists = lists or TopLists(state)

    # ------------------------------------------------------------ what to send

    def due_day(self, now: datetime) -> date | None:
        """Yesterday (team-local) from the configured local hour on, else None."""
        local = now.astimezone(ZoneInfo(self._settings.timezone))
        if local.hour < self._settings.digest_local_hour:
            return None
        return local.date() - timedelta(days=1)

    def gather(self, day: date) -> report.DayData:
        """The items one digest reads: 3 stats, 9 list shards, <= 10 alerts, a few health."""
        stats = self._stats(day)
        previous = self._stats(day - timedelta(days=1))
        last_week = self._stats(day - timedelta(days=7))
        key = day.isoformat()
        negatives = self._lists.read(key, NEGATIVES)
        alerts = {}
        for entry in negatives:
            if float(entry.payload.get("priority", 0)) >= DEFAULT_MIN_PRIORITY:
                item = self._state.get(keys.alert(alert_id_for(entry.key)))
                if item:
                    alerts[entry.key] = item
        names = set(POLLED)
        for counters in (stats, previous, last_week):
            names |= aggregates.names(counters, "source")
        health = {}
        for name in sorted(names):
            item = self._state.get(keys.source_health(name))
            if item:
                health[name] = item
        return report.DayData(
            day=day,
            timezone=self._settings.timezone,
            stats=stats,
            previous=previous,
            last_week=last_week,
            negatives=negatives,
            alerts=alerts,
            ambassadors=self._lists.read(key, AMBASSADORS),
            themes=self._lists.read(key, THEMES),
            open_alerts=self._lists.read(key, OPEN),
            health=health,
        )

    def _stats(self, day: date) -> dict[str, int]:
        """The day's counters: one Query over its stats shards (store/counters.py)."""
        return day_counters(self._state, day.isoformat())

    def preview(self, day: date) -> render.RenderedDigest:
        return render.render(
            report.build(self.gather(day)),
            brand=self._settings.brand,
            unsubscribe_url=self._unsubscribe(),
        )

    def _unsubscribe(self) -> str:
        return f"mailto:{self._settings.digest_sender}?subject=unsubscribe"

    # ------------------------------------------------------------ sending, once

    def run(self, now: datetime, *, day: date | None = None) -> DigestResult:
        """One fire of the hourly schedule (or a forced `day`): send what is due, once."""
        days = [day] if day else self._due_days(now)
        if not days:
            return DigestResult("", sent=False, reason="not the digest hour")
        result = DigestResult("", sent=False, reason="nothing due")
        failure: DeliveryError | None = None
        for due in days:
            try:
                result = self._send_once(due, now)
            except DeliveryError as error:
                failure = error
        if failure is not None:
            raise failure
        return result

    def _due_days(self, now: datetime) -> list[date]:
        today = self.due_day(now)
        local_today = now.astimezone(ZoneInfo(self._settings.timezone)).date()
        days = []
        for back in range(CATCH_UP_DAYS, 0, -1):
            earlier = local_today - timedelta(days=back + 1)
            claim = self._state.get(_claim_key(earlier))
            if claim and claim.get("state") != "sent":
                days.append(earlier)
        if today is not None:
            days.append(today)
        return days

    def _claim(self, day: date, now: datetime) -> int | None:
        """Take the day's send; the attempt number, or None when it is sent or in hand."""
        key = _claim_key(day)
        fresh = {"state": "sending", "attempts": 1, "lease_until": iso(now + LEASE)}
        if self._state.put_new(key, {**fresh, "claimed_at": iso(now)}):
            return 1
        claim = self._state.get(key) or {}
        state, attempts = claim.get("state"), int(claim.get("attempts", 0))
        stale = state == "sending" and parse_time(claim.get("lease_until", iso(now))) < now
        if state != "failed" and not stale:
            return None
        taken = self._state.update(
            key,
            {**fresh, "attempts": attempts + 1, "claimed_at": iso(now)},
            expect={"state": state, "attempts": attempts},
        )
        return attempts + 1 if taken else None

    def _send_once(self, day: date, now: datetime) -> DigestResult:
        attempt = self._claim(day, now)
        if attempt is None:
            return DigestResult(day.isoformat(), sent=False, reason="already sent or sending")
        key = _claim_key(day)
        try:
            digest = self.preview(day)
            message = mailer.compose(
                digest,
                sender=self._settings.digest_sender,
                recipients=self._settings.digest_recipients,
                unsubscribe=self._unsubscribe(),
            )
            message_id = mailer.send(
                self._ses,
                message,
                sender=self._settings.digest_sender,
                recipients=self._settings.digest_recipients,
            )
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"[:300]
            self._state.update(
                key,
                {"state": "failed", "last_error": reason, "failed_at": iso(now)},
                expect={"state": "sending", "attempts": attempt},
            )
            fields = {"day": day.isoformat(), "attempts": attempt, "error": reason}
            if attempt >= ALERT_AFTER:
                log.error(
                    "digest keeps failing; retried at the next fire", extra={"fields": fields}
                )
            else:
                log.warning("digest not sent; retried at the next fire", extra={"fields": fields})
            if isinstance(error, DeliveryError):
                raise
            raise DeliveryError(f"digest {day}: {reason}") from error
        self._state.update(
            key,
            {"state": "sent", "sent_at": iso(now), "message_id": message_id, "lease_until": None},
        )
        log.info(
            "digest sent",
            extra={
                "fields": {
                    "day": day.isoformat(),
                    "attempts": attempt,
                    "recipients": len(self._settings.digest_recipients),
                }
            },
        )
        return DigestResult(
            day.isoformat(),
            sent=True,
            reason="sent",
            message_id=message_id,
            html=digest.html,
            text=digest.text,
            subject=digest.subject,
        )


__all__ = ["DeliveryError", "DigestResult", "DigestService"]
