"""Send the digest for the team's previous local day, once.

EventBridge cron is UTC, so the schedule fires hourly and the digest goes out when
the team's local hour matches (DST-safe). A claim item per day makes it exactly
once: a second fire finds the claim; a failed send releases it for the next fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..config import Settings
from ..errors import DeliveryError
from ..logs import get_logger
from ..model import iso
from ..store import MentionStore, StateStore
from . import mailer, render, report

log = get_logger("digest")


@dataclass(frozen=True)
class DigestResult:
    day: str
    sent: bool
    reason: str
    message_id: str | None = None
    html: str | None = None
    text: str | None = None
    subject: str | None = None


class DigestService:
    def __init__(
        self, *, settings: Settings, state: StateStore, mentions: MentionStore, ses: Any
    ) -> None:
        self._settings = settings
        self._state = state
        self._mentions = mentions
        self._ses = ses

    def due_day(self, now: datetime) -> date | None:
        """Yesterday (team-local) from the configured local hour on, else None.

        Later fires that day find the claim and do nothing, or retry a failed send.
        """
        local = now.astimezone(ZoneInfo(self._settings.timezone))
        if local.hour < self._settings.digest_local_hour:
            return None
        return local.date() - timedelta(days=1)

    def preview(self, day: date) -> render.RenderedDigest:
        counters = self._state.get(f"day#{day.isoformat()}", "stats") or {}
        negatives = [m for m in self._mentions.by_day(day.isoformat()) if m.is_negative]
        day_report = report.build(day.isoformat(), counters, negatives)
        return render.render(day_report, brand=self._settings.brand)

    def run(self, now: datetime, *, day: date | None = None) -> DigestResult:
        day = day or self.due_day(now)
        if day is None:
            return DigestResult("", sent=False, reason="not the digest hour")
        key = (f"digest#{day.isoformat()}", "send")
        if not self._state.put_new(*key, {"state": "sending", "claimed_at": iso(now)}):
            return DigestResult(day.isoformat(), sent=False, reason="already sent or sending")
        try:
            digest = self.preview(day)
            message = mailer.compose(
                digest,
                sender=self._settings.digest_sender,
                recipients=self._settings.digest_recipients,
                unsubscribe=f"mailto:{self._settings.digest_sender}?subject=unsubscribe",
            )
            message_id = mailer.send(
                self._ses,
                message,
                sender=self._settings.digest_sender,
                recipients=self._settings.digest_recipients,
            )
        except Exception:
            self._state.delete(*key)  # the next hourly fire tries again
            raise
        self._state.update(*key, {"state": "sent", "sent_at": iso(now), "message_id": message_id})
        log.info(
            "digest sent",
            extra={
                "fields": {
                    "day": day.isoformat(),
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
