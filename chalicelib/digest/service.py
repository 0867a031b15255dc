"""Send the digest for the team's previous local day, exactly once.

EventBridge cron is UTC, so the schedule fires hourly and the digest goes out at the
first fire on or after the team's local hour (DST-safe: the hour is compared in the
team's zone). A claim item per day, ``digest#<day> / send``, makes it once
(`claims.py`: never twice, also when recording "sent" fails after SES accepted). A
failed send raises (the Lambda's error metric) and is retried at every later fire,
also the next days (`CATCH_UP_DAYS`); from `claims.ALERT_AFTER` failures on it logs
an error.

Reading a day costs a handful of items (see `gather`), never the day's mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..config import Settings
from ..errors import DeliveryError
from ..model import alert_id_for
from ..sources import registry
from ..store import StateTable, day_counters, keys
from ..store.keys import Key
from ..triage import DEFAULT_MIN_PRIORITY
from ..triage.rising import themable
from . import aggregates, loop, render, report, trends
from .claims import Claims, send_once
from .ingest import AMBASSADORS, NEGATIVES, THEMES
from .outcomes import CASES, LESSONS, OPEN_CASES, STORIES
from .toplists import Entry, TopLists
from .turnaround import TURNED

if TYPE_CHECKING:
    from mypy_boto3_ses.client import SESClient

CATCH_UP_DAYS = 2  # a digest that failed is retried on the following days too


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
        case_link: loop.CaseLink = loop.no_link,
        excluded: frozenset[str] = frozenset(),
    ) -> None:
        self._settings = settings
        self._state = state
        self._ses = ses
        self._lists = lists or TopLists(state)
        self._case_link = case_link  # alert id -> the case page's link (or None)
        self._excluded = excluded  # our own terms: never a theme
        self._claims = Claims(state)
        self._trends = trends.TrendStore(state)

    # ------------------------------------------------------------ what to send

    def due_day(self, now: datetime) -> date | None:
        """Yesterday (team-local) from the configured local hour on, else None."""
        local = now.astimezone(ZoneInfo(self._settings.timezone))
        if local.hour < self._settings.digest_local_hour:
            return None
        return local.date() - timedelta(days=1)

    def gather(self, day: date) -> report.DayData:
        """The items one digest reads: 3 stats, 13 list shards, <= 10 alerts, a few health,
        the open cases (2 shards, their count, <= 5 alerts in one batch), the trend item."""
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
        names = {source.name for source in registry.SOURCES}  # those that ran have health
        for counters in (stats, previous, last_week):
            names |= aggregates.names(counters, "source")
        wanted = {keys.source_health(name): name for name in sorted(names)}
        found = self._state.get_many(wanted)  # one request for every source's health
        health = {wanted[key]: item for key, item in sorted(found.items())}
        ambassadors = self._lists.read(key, AMBASSADORS)
        themes = [e for e in self._lists.read(key, THEMES) if themable(e.key, self._excluded)]
        return report.DayData(
            day=day,
            timezone=self._settings.timezone,
            stats=stats,
            previous=previous,
            last_week=last_week,
            negatives=negatives,
            alerts=alerts,
            ambassadors=ambassadors,
            themes=themes,
            health=health,
            excluded=self._excluded,
            loop=self._loop(day, stats, previous, last_week, ambassadors, themes),
        )

    def _loop(
        self,
        day: date,
        stats: dict[str, int],
        previous: dict[str, int],
        last_week: dict[str, int],
        ambassadors: list[Entry],
        themes: list[Entry],
    ) -> loop.LoopData:
        key = day.isoformat()
        open_cases = self._lists.read("", OPEN_CASES)
        ids = [str(e.payload.get("alert_id")) for e in open_cases[: loop.OPEN_SHOWN]]
        found = self._state.get_many([keys.alert(i) for i in ids]) if ids else {}
        today = {e.key: int(e.rank[0]) for e in themes}
        opened = self._state.get(keys.incidents("day", key)) or {}
        incident_ids = [k[2:] for k in opened if k.startswith("i#")][: loop.INCIDENTS_SHOWN]
        incidents = (
            self._state.get_many([keys.alert(i) for i in incident_ids]) if incident_ids else {}
        )
        fresh = {
            day: trends.figures(day, stats, today),
            day - timedelta(days=1): trends.figures(day - timedelta(days=1), previous, None),
            day - timedelta(days=7): trends.figures(day - timedelta(days=7), last_week, None),
        }
        return loop.LoopData(
            day=day,
            stats=stats,
            previous=previous,
            cases=self._state.get(keys.standing_counts(CASES)) or {},
            open_cases=open_cases,
            alerts={i: found.get(keys.alert(i), {}) for i in ids},
            turned=self._lists.read(key, TURNED),
            ambassadors=frozenset(
                e.key
                for e in ambassadors[: report.AMBASSADORS_SHOWN]
                if int(e.payload.get("followers", 0)) >= loop.AMBASSADOR_REACH
            ),
            stories=self._lists.read(key, STORIES),
            lessons=self._lists.read(key, LESSONS),
            trend=self._trends.days(day, fresh, lambda d: self._figures(d, day)),
            themes=today,
            targets=self._settings.response_targets,
            owners=self._settings.lesson_owners,
            excluded=self._excluded,
            window_days=self._settings.turnaround_days,
            incidents={
                i: incidents[keys.alert(i)] for i in incident_ids if keys.alert(i) in incidents
            },
        )

    def _figures(self, day: date, digest_day: date) -> trends.DayFigures:
        """A day the trend item does not hold yet: its stats (and, in the week before the
        digest's day, its themes: the baseline of "rising")."""
        themes = None
        if day >= digest_day - timedelta(days=7):
            listed = self._lists.read(day.isoformat(), THEMES)
            themes = {e.key: int(e.rank[0]) for e in listed if themable(e.key, self._excluded)}
        return trends.figures(day, self._stats(day), themes)

    def _stats(self, day: date) -> dict[str, int]:
        """The day's counters: one Query over its stats shards (store/counters.py)."""
        return day_counters(self._state, day.isoformat())

    def preview(self, day: date) -> render.RenderedDigest:
        return render.render(
            report.build(self.gather(day), case_link=self._case_link),
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
            if claim and claim.get("state") not in ("sent", "uncertain"):
                days.append(earlier)
        if today is not None:
            days.append(today)
        return days

    def _send_once(self, day: date, now: datetime) -> DigestResult:
        s = self._settings
        done = send_once(
            self._claims,
            _claim_key(day),
            now,
            ses=self._ses,
            sender=s.digest_sender,
            recipients=s.digest_recipients,
            render=lambda: self.preview(day),
            unsubscribe=self._unsubscribe(),
            label=f"digest {day}",
            fields={"day": day.isoformat(), "mail": "digest"},
        )
        mail = done.mail
        return DigestResult(
            day.isoformat(),
            sent=done.sent,
            reason=done.reason,
            message_id=done.message_id,
            html=mail.html if mail else None,
            text=mail.text if mail else None,
            subject=mail.subject if mail else None,
        )

    def resend(self, day: date, now: datetime) -> DigestResult:
        """An operator's deliberate resend of a day (an "uncertain" one that did not arrive)."""
        self._claims.reset(_claim_key(day))
        return self._send_once(day, now)


__all__ = ["DeliveryError", "DigestResult", "DigestService"]
