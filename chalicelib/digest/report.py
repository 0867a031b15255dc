"""A day in figures, from the day aggregates kept at ingest (`DayData`). Pure.

`build(data)` turns the handful of items the digest reads — three days' stats, the
bounded lists, the top negatives' alerts, the sources' health — into a `DayReport`
that both templates render, so the HTML and the plain-text part carry the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ..model import parse_time
from ..triage.spikes import SpikePolicy
from . import aggregates
from .aggregates import LABELS
from .toplists import Entry

AMBASSADORS_SHOWN = 5
OPEN_SHOWN = 5  # the rest are in the top negative posts or counted
MIN_USUAL = 5  # a source or language with fewer posts the days before is not "usual"
SPIKE_POLICY = SpikePolicy(window=timedelta(hours=1), baseline_windows=6, min_count=5)


@dataclass(frozen=True)
class DayData:
    """What the digest reads for one day (see service.DigestService.gather)."""

    day: date
    timezone: str
    stats: Mapping[str, int]
    previous: Mapping[str, int]  # the day before
    last_week: Mapping[str, int]  # the same weekday a week before
    negatives: Sequence[Entry] = ()
    alerts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # mention id -> alert
    ambassadors: Sequence[Entry] = ()
    themes: Sequence[Entry] = ()
    open_alerts: Sequence[Entry] = ()
    health: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # source -> Health


@dataclass(frozen=True)
class Change:
    """A figure with the same figure the day before and a week before."""

    value: float
    previous: float | None  # None: no data at all that day (before the app ran)
    last_week: float | None

    @staticmethod
    def relative(value: float, before: float | None) -> float | None:
        return None if not before else (value - before) / before


@dataclass(frozen=True)
class SourceLine:
    name: str
    total: Change
    by_label: Mapping[str, int]
    negative_share: Change
    positive_share: Change


@dataclass(frozen=True)
class Handling:
    negative: int
    alerted: int
    acknowledged: int
    resolved: int
    open: int
    tta_median: float | None  # seconds, from the page to the acknowledgement
    tta_p90: float | None
    ttr_median: float | None  # seconds, from the page to the resolution
    ttr_p90: float | None


@dataclass(frozen=True)
class Post:
    id: str
    source: str
    url: str
    handle: str
    name: str
    followers: int
    text: str
    lang: str
    created_at: str
    priority: float
    engagement: int
    themes: tuple[str, ...]
    status: str = ""  # not alerted / waiting / acknowledged / resolved
    handled_by: str = ""
    ack_seconds: float | None = None


@dataclass(frozen=True)
class Theme:
    name: str
    count: int


@dataclass(frozen=True)
class HourBar:
    label: str
    total: int
    negative: int
    spike: bool


@dataclass(frozen=True)
class Silence:
    kind: str  # "source" | "language"
    name: str
    usual: int  # posts the day before / a week before, the larger
    note: str


@dataclass(frozen=True)
class DayReport:
    day: str
    weekday: str
    total: Change
    by_label: Mapping[str, int]
    negative_share: Change
    positive_share: Change
    negative_reach: int
    sources: list[SourceLine]
    languages: list[SourceLine]
    handling: Handling
    top_negatives: list[Post]
    open_posts: list[Post]
    ambassadors: list[Post]
    themes: list[Theme]
    hours: list[HourBar]
    silences: list[Silence]

    @property
    def spikes(self) -> list[HourBar]:
        return [h for h in self.hours if h.spike]

    @property
    def busiest_hour(self) -> HourBar | None:
        return max(self.hours, key=lambda h: h.total) if any(h.total for h in self.hours) else None


def _share(counters: Mapping[str, int], key: str, total_key: str) -> float:
    total = int(counters.get(total_key, 0))
    return int(counters.get(key, 0)) / total if total else 0.0


def _known(counters: Mapping[str, int], value: float) -> float | None:
    return value if counters.get("total") else None


def _change(data: DayData, key: str) -> Change:
    return Change(
        int(data.stats.get(key, 0)),
        _known(data.previous, int(data.previous.get(key, 0))),
        _known(data.last_week, int(data.last_week.get(key, 0))),
    )


def _share_change(data: DayData, key: str, total_key: str) -> Change:
    return Change(
        _share(data.stats, key, total_key),
        _known(data.previous, _share(data.previous, key, total_key)),
        _known(data.last_week, _share(data.last_week, key, total_key)),
    )


def _lines(data: DayData, prefix: str) -> list[SourceLine]:
    names = aggregates.names(data.stats, prefix)
    lines = [
        SourceLine(
            name=name,
            total=_change(data, f"{prefix}#{name}"),
            by_label={lb: int(data.stats.get(f"{prefix}#{name}#{lb}", 0)) for lb in LABELS},
            negative_share=_share_change(data, f"{prefix}#{name}#negative", f"{prefix}#{name}"),
            positive_share=_share_change(data, f"{prefix}#{name}#positive", f"{prefix}#{name}"),
        )
        for name in names
    ]
    return sorted(lines, key=lambda line: (-line.total.value, line.name))


def _handling(data: DayData) -> Handling:
    stats = data.stats
    tta = aggregates.histogram(stats, "tta")
    ttr = aggregates.histogram(stats, "ttr")
    alerted = int(stats.get("alerts#alerted", 0))
    acknowledged = int(stats.get("alerts#acknowledged", 0))
    return Handling(
        negative=int(stats.get("sentiment#negative", 0)),
        alerted=alerted,
        acknowledged=acknowledged,
        resolved=int(stats.get("alerts#resolved", 0)),
        open=max(0, alerted - acknowledged),
        tta_median=aggregates.percentile(tta, 0.5),
        tta_p90=aggregates.percentile(tta, 0.9),
        ttr_median=aggregates.percentile(ttr, 0.5),
        ttr_p90=aggregates.percentile(ttr, 0.9),
    )


def _post(entry: Entry, alert: Mapping[str, Any] | None = None) -> Post:
    p = entry.payload
    status, handled_by, ack_seconds = "", "", None
    if alert is not None:
        state = str(alert.get("state", ""))
        status = {"acknowledged": "acknowledged", "resolved": "resolved"}.get(state, "waiting")
        handled_by = str(alert.get("resolved_by") or alert.get("acknowledged_by") or "")
        if alert.get("acknowledged_at") and alert.get("created_at"):
            ack_seconds = (
                parse_time(alert["acknowledged_at"]) - parse_time(alert["created_at"])
            ).total_seconds()
    elif entry.payload.get("alert_id"):
        status = "waiting"
    else:
        status = "not alerted"
    return Post(
        id=str(p.get("id", entry.key)),
        source=str(p.get("source", "")),
        url=str(p.get("url", "")),
        handle=str(p.get("handle", "")),
        name=str(p.get("name", "")),
        followers=int(p.get("followers", 0)),
        text=str(p.get("text", "")),
        lang=str(p.get("lang", "")),
        created_at=str(p.get("created_at", "")),
        priority=float(p.get("priority", 0)),
        engagement=int(p.get("engagement", 0)),
        themes=tuple(p.get("themes") or ()),
        status=status,
        handled_by=handled_by,
        ack_seconds=ack_seconds,
    )


def _hours(data: DayData) -> list[HourBar]:
    bars: list[HourBar] = []
    negatives: list[int] = []
    for hour in aggregates.day_hours(data.day, data.timezone):
        total = int(data.stats.get(f"h#{hour.key}", 0))
        negative = int(data.stats.get(f"hn#{hour.key}", 0))
        verdict = SPIKE_POLICY.check(negative, negatives, now=hour.start)
        bars.append(HourBar(hour.label, total, negative, verdict.is_spike))
        negatives.append(negative)
    return bars


def _silences(data: DayData) -> list[Silence]:
    out: list[Silence] = []
    for kind, prefix in (("source", "source"), ("language", "lang")):
        before = aggregates.names(data.previous, prefix) | aggregates.names(data.last_week, prefix)
        for name in sorted(before - aggregates.names(data.stats, prefix)):
            usual = max(
                int(data.previous.get(f"{prefix}#{name}", 0)),
                int(data.last_week.get(f"{prefix}#{name}", 0)),
            )
            if usual >= MIN_USUAL and name != "unknown":
                out.append(Silence(kind, name, usual, "no posts at all"))
    start, end = aggregates.day_bounds(data.day, data.timezone)
    for name, health in sorted(data.health.items()):
        failed_at = health.get("last_error_at")
        failures = int(health.get("consecutive_failures") or 0)
        if (failed_at and start <= parse_time(failed_at) < end) or failures:
            error = str(health.get("last_error") or "unknown error")[:120]
            if failures:
                note = f"failing: {failures} runs in a row, last error {error}"
            else:
                note = f"failed during the day, recovered (last error {error})"
            out.append(Silence("source", name, 0, note))
    return out


def build(data: DayData, *, top: int = 10) -> DayReport:
    """The report of one day from its aggregates."""
    sources = _lines(data, "source")
    languages = _lines(data, "lang")
    top_negatives = [
        _post(e, data.alerts.get(str(e.payload.get("id", e.key)))) for e in data.negatives[:top]
    ]
    return DayReport(
        day=data.day.isoformat(),
        weekday=datetime.combine(data.day, datetime.min.time()).strftime("%A"),
        total=_change(data, "total"),
        by_label={label: int(data.stats.get(f"sentiment#{label}", 0)) for label in LABELS},
        negative_share=_share_change(data, "sentiment#negative", "total"),
        positive_share=_share_change(data, "sentiment#positive", "total"),
        negative_reach=int(data.stats.get("reach#negative", 0)),
        sources=sources,
        languages=languages,
        handling=_handling(data),
        top_negatives=top_negatives,
        open_posts=[_post(e) for e in data.open_alerts[:OPEN_SHOWN]],
        ambassadors=[_post(e) for e in data.ambassadors[:AMBASSADORS_SHOWN]],
        themes=[Theme(e.key, int(e.rank[0])) for e in data.themes[:top]],
        hours=_hours(data),
        silences=_silences(data),
    )
