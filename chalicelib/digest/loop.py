"""Closing the loop, in figures: what the team did, who turned around, the cases worth
telling, the lessons, and four weeks of trends. Pure: `build(data, case_link)`.

Honest figures: a median or a 90th percentile only from `aggregates.MIN_SAMPLE` (10) values
on; below that the values themselves (as the histogram holds them, within 5 %).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import untrusted
from ..config import theme_name
from ..model import OUTCOMES
from ..triage.rising import Rising, rising_themes, themable
from . import aggregates
from .aggregates import Sample
from .incidents import IncidentLine, incident_lines
from .toplists import Entry
from .trends import DayFigures, Trend, lines

CaseLink = Callable[[str], str | None]
STORIES_SHOWN = 3
TURNED_SHOWN = 5
OPEN_SHOWN = 5
# An author who turned is marked an ambassador when their praise is on the day's
# ambassador list (the shown ones, by reach) to an audience of at least this many.
AMBASSADOR_REACH = 1000
INCIDENTS_SHOWN = 20  # a day's incidents the digest lists

OUTCOME_LABELS = {
    "answered": "answered",
    "solved": "solved",
    "turned_positive": "turned positive",
    "handed_over": "handed to a colleague",
    "no_action": "no action needed",
    "none": "no outcome given",
}


def no_link(_alert_id: str) -> str | None:
    return None


@dataclass(frozen=True)
class LoopData:
    day: date
    stats: Mapping[str, int]
    previous: Mapping[str, int]
    cases: Mapping[str, Any] = field(default_factory=dict)  # opened / closed, all time
    open_cases: Sequence[Entry] = ()
    alerts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # alert id -> item
    turned: Sequence[Entry] = ()
    ambassadors: frozenset[str] = frozenset()  # author keys on the day's ambassador list
    stories: Sequence[Entry] = ()
    lessons: Sequence[Entry] = ()
    trend: Sequence[DayFigures] = ()
    themes: Mapping[str, int] = field(default_factory=dict)  # the day's, ours excluded
    targets: Mapping[str, int] = field(default_factory=dict)  # minutes per band
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    excluded: frozenset[str] = frozenset()
    window_days: int = 14
    incidents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # id -> item


@dataclass(frozen=True)
class BandLine:
    band: str
    target_minutes: int
    met: int
    sample: Sample
    due: int = 0  # the band's cases: each should have been acknowledged within target

    @property
    def missed(self) -> int:
        """Acknowledged late, or never: every case of the band counts."""
        return max(0, self.due - self.met)


@dataclass(frozen=True)
class OpenCase:
    handle: str
    name: str
    source: str
    followers: int
    priority: float
    text: str
    url: str
    status: str  # waiting / acknowledged
    since: str
    link: str | None


@dataclass(frozen=True)
class Done:
    resolved: int
    outcomes: list[tuple[str, int]]  # (label, count), in OUTCOMES order
    bands: list[BandLine]
    open_now: int
    open_cases: list[OpenCase]


@dataclass(frozen=True)
class Turned:
    handle: str
    name: str
    source: str
    followers: int
    ambassador: bool
    via: str  # "post" | "case"
    before: str  # the complaint's excerpt ("" when only counted)
    before_note: str  # "2 negative posts on 17 Nov" when no excerpt is kept
    before_url: str
    after: str  # the positive post's excerpt, or the case's note
    after_url: str
    link: str | None


@dataclass(frozen=True)
class Story:
    handle: str
    name: str
    source: str
    followers: int
    text: str
    url: str
    outcome: str
    note: str
    lesson: str
    took_seconds: float | None
    ack_seconds: float | None
    by: str
    later: str  # what they posted after it, when they turned around
    link: str | None


@dataclass(frozen=True)
class LessonGroup:
    theme: str
    owners: tuple[str, ...]
    lessons: list[tuple[str, str | None]]  # (lesson, link to its case)


@dataclass(frozen=True)
class LoopReport:
    done: Done
    turned_today: int
    turned_before: int | None  # the day before (None: no data)
    turned_week: int  # the last 7 days (an author counted once a day)
    turned_month: int  # the last 28 days
    window_days: int
    first_day: str  # of the trend lines
    last_day: str
    turned: list[Turned]
    stories: list[Story]
    lessons: list[LessonGroup]
    trends: list[Trend]
    rising: list[Rising]
    incidents: list[IncidentLine] = field(default_factory=list)


def owners_of(theme: str, owners: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    return owners.get(theme_name(theme)) or owners.get("*", ())


def _kept(record: Any) -> Mapping[str, Any] | None:
    """A nested record, unless erasure replaced it (``{"erased": true}``)."""
    return record if isinstance(record, Mapping) and not record.get("erased") else None


def _done(data: LoopData, link: CaseLink) -> Done:
    outcomes = aggregates.outcomes(data.stats)
    bands = []
    for band, minutes in data.targets.items():
        histogram = aggregates.histogram(data.stats, aggregates.band_prefix(band))
        sample = Sample.of(histogram)
        # every case of the band should have been acknowledged in time, not only those that
        # were (days counted before `alerted.<band>` existed: the acknowledged ones)
        due = max(int(data.stats.get(f"alerted.{band}", 0)), sample.n)
        if due:
            met = int(data.stats.get(f"met.{band}", 0))
            bands.append(BandLine(band, int(minutes), met, sample, due))
    cases = []
    for entry in data.open_cases[:OPEN_SHOWN]:
        p, alert = entry.payload, data.alerts.get(str(entry.payload.get("alert_id")), {})
        state = "acknowledged" if alert.get("acknowledged_at") else "waiting"
        cases.append(
            OpenCase(
                handle=str(p.get("handle", "")),
                name=str(p.get("name", "")),
                source=str(p.get("source", "")),
                followers=int(p.get("followers", 0)),
                priority=float(p.get("priority", 0)),
                text=str(p.get("text", "")),
                url=untrusted.link(str(p.get("url", ""))),
                status=state,
                since=str(p.get("created_at", "")),
                link=link(str(p.get("alert_id", ""))),
            )
        )
    opened, closed = int(data.cases.get("opened", 0)), int(data.cases.get("closed", 0))
    return Done(
        resolved=sum(outcomes.values()),
        outcomes=[(OUTCOME_LABELS[o], outcomes[o]) for o in (*OUTCOMES, "none") if o in outcomes],
        bands=bands,
        open_now=max(opened - closed, len(data.open_cases)),
        open_cases=cases,
    )


def _turned(data: LoopData, link: CaseLink) -> list[Turned]:
    out = []
    for entry in data.turned:
        before, after = _kept(entry.payload.get("before")), _kept(entry.payload.get("after"))
        if before is None or after is None:
            continue
        person = after if entry.payload.get("via") == "post" else before
        note = ""
        if not before.get("text"):
            count = int(before.get("count", 0))
            note = f"{count} negative post{'s' if count != 1 else ''} on {before.get('day', '')}"
        out.append(
            Turned(
                handle=str(person.get("handle", "")),
                name=str(person.get("name", "")),
                source=str(person.get("source", "")),
                followers=int(person.get("followers", 0)),
                ambassador=entry.key in data.ambassadors,
                via=str(entry.payload.get("via", "")),
                before=str(before.get("text", "")),
                before_note=note,
                before_url=untrusted.link(str(before.get("url", ""))),
                after=str(after.get("text") or after.get("note") or ""),
                after_url=untrusted.link(str(after.get("url", ""))),
                link=link(str(before.get("alert_id", ""))) if before.get("alert_id") else None,
            )
        )
    return out[:TURNED_SHOWN]


def _stories(data: LoopData, link: CaseLink) -> list[Story]:
    later = {}
    for entry in data.turned:
        after = _kept(entry.payload.get("after"))
        if entry.payload.get("via") == "post" and after is not None:
            later[entry.key] = str(after.get("text", ""))
    out = []
    for entry in data.stories:
        p, post = entry.payload, _kept(entry.payload.get("post"))
        if post is None:
            continue
        out.append(
            Story(
                handle=str(post.get("handle", "")),
                name=str(post.get("name", "")),
                source=str(post.get("source", "")),
                followers=int(post.get("followers", 0)),
                text=str(post.get("text", "")),
                url=untrusted.link(str(post.get("url", ""))),
                outcome=OUTCOME_LABELS.get(str(p.get("outcome") or "none"), ""),
                note=str(p.get("note", "")),
                lesson=str(p.get("lesson", "")),
                took_seconds=_float(p.get("took_seconds")),
                ack_seconds=_float(p.get("ack_seconds")),
                by=str(p.get("by", "")),
                later=later.get(str(post.get("author", "")), ""),
                link=link(str(p.get("alert_id", ""))),
            )
        )
    return out[:STORIES_SHOWN]


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _lessons(data: LoopData, link: CaseLink) -> list[LessonGroup]:
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for entry in data.lessons:
        p, post = entry.payload, _kept(entry.payload.get("post"))
        alert_id = str(post.get("alert_id", "")) if post is not None else ""
        groups.setdefault(str(p.get("theme", "other")), []).append(
            (str(p.get("lesson", "")), link(alert_id) if alert_id else None)
        )
    return [
        LessonGroup(theme, owners_of(theme, data.owners), lessons)
        for theme, lessons in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def build(data: LoopData, case_link: CaseLink = no_link) -> LoopReport:
    history = [dict(d.themes or {}) for d in data.trend[-8:-1]]
    current = {t: n for t, n in data.themes.items() if themable(t, data.excluded)}
    previous = data.previous.get("total")
    return LoopReport(
        done=_done(data, case_link),
        turned_today=int(data.stats.get(aggregates.TURNED, 0)),
        turned_before=int(data.previous.get(aggregates.TURNED, 0)) if previous else None,
        turned_week=sum(d.turned for d in data.trend[-7:]),
        turned_month=sum(d.turned for d in data.trend),
        window_days=data.window_days,
        first_day=(data.trend[0].day if data.trend else data.day).isoformat(),
        last_day=data.day.isoformat(),
        turned=_turned(data, case_link),
        stories=_stories(data, case_link),
        lessons=_lessons(data, case_link),
        trends=lines(data.trend) if data.trend else [],
        rising=rising_themes(current, history),
        incidents=incident_lines(data.incidents, case_link, OUTCOME_LABELS),
    )
