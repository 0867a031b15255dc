"""A day in figures, from the day aggregates kept at ingest (`DayData`). Pure.

`build(data)` turns the handful of items the digest reads — three days' stats, the
bounded lists, the top negatives' alerts, the sources' health — into a `DayReport`
that both templates render, so the HTML and the plain-text part carry the same figures.
What the team did, who turned around, the stories, lessons and trends are `loop.py`'s.
A median or percentile is given from 10 values on (`aggregates.Sample`), else the values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .. import untrusted
from ..model import parse_time
from ..sources import registry
from ..triage.rising import themable
from ..triage.spikes import SpikePolicy
from . import aggregates, loop
from .aggregates import LABELS, Sample
from .answering import Answering
from .answering import report as answering_report
from .loop import LoopData, LoopReport
from .silences import Silence, silences
from .spend import spend
from .toplists import Entry

AMBASSADORS_SHOWN = 5
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
    health: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # source -> Health
    excluded: frozenset[str] = frozenset()  # our own terms: never a theme
    loop: LoopData | None = None


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
    label: str = ""  # how the digest names it (a network's display name)


@dataclass(frozen=True)
class Handling:
    negative: int
    alerted: int
    acknowledged: int
    resolved: int
    open: int
    tta: Sample  # seconds, from the page to the acknowledgement
    ttr: Sample  # seconds, from the page to the resolution
    answering: Answering | None = None  # first replies on the network (answering.py)

    @property
    def tta_median(self) -> float | None:
        return self.tta.median


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
    ambassadors: list[Post]
    themes: list[Theme]
    hours: list[HourBar]
    silences: list[Silence]
    loop: LoopReport | None = None
    spend: list[tuple[str, float]] = field(default_factory=list)  # X dollars this month

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
            label=registry.network_name(name) if prefix == "source" else name,
        )
        for name in names
    ]
    return sorted(lines, key=lambda line: (-line.total.value, line.name))


def _handling(data: DayData) -> Handling:
    stats = data.stats
    alerted = int(stats.get("alerts#alerted", 0))
    acknowledged = int(stats.get("alerts#acknowledged", 0))
    return Handling(
        negative=int(stats.get("sentiment#negative", 0)),
        alerted=alerted,
        acknowledged=acknowledged,
        # "resolved" is one thing across the digest: cases resolved on this day, whenever
        # their post came (each has one outcome counter; the loop's "N cases resolved")
        resolved=sum(aggregates.outcomes(stats).values()),
        open=max(0, alerted - acknowledged),
        tta=Sample.of(aggregates.histogram(stats, "tta")),
        ttr=Sample.of(aggregates.histogram(stats, "ttr")),
        answering=answering_report(stats),
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
        url=untrusted.link(str(p.get("url", ""))),
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


def build(data: DayData, *, top: int = 10, case_link: loop.CaseLink = loop.no_link) -> DayReport:
    """The report of one day from its aggregates; `case_link` links a case's page."""
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
        ambassadors=[_post(e) for e in data.ambassadors[:AMBASSADORS_SHOWN]],
        themes=[
            Theme(e.key, int(e.rank[0])) for e in data.themes if themable(e.key, data.excluded)
        ][:top],
        hours=_hours(data),
        silences=silences(
            data.day, data.timezone, data.stats, data.previous, data.last_week, data.health
        ),
        loop=loop.build(data.loop, case_link) if data.loop is not None else None,
        spend=spend(data.day.strftime("%Y-%m"), data.health),
    )
