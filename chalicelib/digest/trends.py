"""Four weeks of daily figures for the digest's trend lines, kept in one item.

`keys.trend()` holds an entry per day, ``d#<day>``, for the last `KEEP` days:

    t, n, p     mentions, negative, positive
    a           the day's time-to-acknowledge histogram ({bucket: count}, aggregates.py)
    m           authors who turned from minus to plus
    th          the day's top themes, [[theme, count], ...] (the baseline of "rising")

The digest refreshes the entries of the days it reads anyway (the day, the day before,
a week before: late acknowledgements and turnarounds reach them) and fills a missing
day from its stats, once. So a digest reads one small item for its trends, however
many days they span, and the lines do not depend on how the stats are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from ..i18n import N_
from ..store import StateTable, keys
from . import aggregates

ENTRY = "d#"
DAYS = 28
KEEP = 35
THEMES_KEPT = 12
MIN_SAMPLE = aggregates.MIN_SAMPLE


@dataclass(frozen=True)
class DayFigures:
    day: date
    total: int = 0
    negative: int = 0
    positive: int = 0
    tta: Mapping[int, int] = field(default_factory=dict)
    turned: int = 0
    themes: Mapping[str, int] | None = None  # None: not known (keep what is stored)

    def to_item(self) -> dict[str, Any]:
        return {
            "t": self.total,
            "n": self.negative,
            "p": self.positive,
            "a": {str(b): n for b, n in self.tta.items()},
            "m": self.turned,
            "th": [[name, count] for name, count in (self.themes or {}).items()],
        }

    @classmethod
    def from_item(cls, day: date, data: Mapping[str, Any]) -> DayFigures:
        return cls(
            day=day,
            total=int(data.get("t", 0)),
            negative=int(data.get("n", 0)),
            positive=int(data.get("p", 0)),
            tta={int(b): int(n) for b, n in (data.get("a") or {}).items()},
            turned=int(data.get("m", 0)),
            themes={str(pair[0]): int(pair[1]) for pair in data.get("th") or ()},
        )


def figures(day: date, stats: Mapping[str, int], themes: Mapping[str, int] | None) -> DayFigures:
    """A day's entry from its stats (and, when known, its top themes)."""
    top = None
    if themes is not None:
        top = dict(sorted(themes.items(), key=lambda kv: (-kv[1], kv[0]))[:THEMES_KEPT])
    return DayFigures(
        day=day,
        total=int(stats.get("total", 0)),
        negative=int(stats.get("sentiment#negative", 0)),
        positive=int(stats.get("sentiment#positive", 0)),
        tta=aggregates.histogram(stats, "tta"),
        turned=int(stats.get(aggregates.TURNED, 0)),
        themes=top,
    )


class TrendStore:
    def __init__(self, state: StateTable) -> None:
        self._state = state

    def days(
        self,
        last: date,
        fresh: Mapping[date, DayFigures],
        fill: Callable[[date], DayFigures],
        *,
        days: int = DAYS,
    ) -> list[DayFigures]:
        """The `days` days ending `last`, oldest first: `fresh` ones as given (stored
        themes kept when unknown), stored ones as stored, others by `fill` (then stored)."""
        key = keys.trend()
        item = self._state.get(key) or {}
        out: list[DayFigures] = []
        changed: dict[str, Any] = {}
        for back in range(days - 1, -1, -1):
            day = last - timedelta(days=back)
            name = ENTRY + day.isoformat()
            stored = item.get(name)
            if day in fresh:
                figure = fresh[day]
                if figure.themes is None and isinstance(stored, Mapping):
                    figure = replace(figure, themes=_themes(stored))
            elif isinstance(stored, Mapping):
                figure = DayFigures.from_item(day, stored)
            else:
                figure = fill(day)
            if figure.to_item() != stored:
                changed[name] = figure.to_item()
            out.append(figure)
        oldest = (last - timedelta(days=KEEP)).isoformat()
        old = [n for n in item if n.startswith(ENTRY) and n[len(ENTRY) :] < oldest]
        if not item:
            self._state.put_new(key, changed)
        elif changed or old:
            self._state.update(key, changed, remove=old)
        return out


def _themes(stored: Mapping[str, Any]) -> dict[str, int]:
    return {str(pair[0]): int(pair[1]) for pair in stored.get("th") or ()}


# ------------------------------------------------------------------ lines


@dataclass(frozen=True)
class Trend:
    name: str
    unit: str  # "count" | "share" | "seconds"
    values: tuple[float | None, ...]  # per day, oldest first (None: nothing to measure)
    week: float | None  # the last 7 days (a total, a share or a median)
    week_before: float | None  # the 7 days before them
    month: float | None  # the 28 days
    samples: int = 0  # values behind `week` (for medians: n >= MIN_SAMPLE or no median)


def lines(days: Sequence[DayFigures]) -> list[Trend]:
    week, before = days[-7:], days[-14:-7]
    return [
        Trend(
            N_("Mentions"),
            "count",
            tuple(float(d.total) for d in days),
            _sum(week, "total"),
            _sum(before, "total"),
            _sum(days, "total"),
        ),
        Trend(
            N_("Negative share"),
            "share",
            tuple(d.negative / d.total if d.total else None for d in days),
            _share(week),
            _share(before),
            _share(days),
        ),
        Trend(
            N_("Time to acknowledge (median of 7 days)"),
            "seconds",
            tuple(_median(days[max(0, i - 6) : i + 1]) for i in range(len(days))),
            _median(week),
            _median(before),
            _median(days),
            samples=sum(sum(d.tta.values()) for d in week),
        ),
        Trend(
            N_("Minus → plus"),
            "count",
            tuple(float(d.turned) for d in days),
            _sum(week, "turned"),
            _sum(before, "turned"),
            _sum(days, "turned"),
        ),
    ]


def _sum(days: Sequence[DayFigures], name: str) -> float | None:
    return float(sum(getattr(d, name) for d in days)) if days else None


def _share(days: Sequence[DayFigures]) -> float | None:
    total = sum(d.total for d in days)
    return sum(d.negative for d in days) / total if total else None


def _median(days: Sequence[DayFigures]) -> float | None:
    """The median of the days' acknowledgements together: only from `MIN_SAMPLE` on."""
    merged: dict[int, int] = {}
    for day in days:
        for bucket, count in day.tta.items():
            merged[bucket] = merged.get(bucket, 0) + count
    if sum(merged.values()) < MIN_SAMPLE:
        return None
    return aggregates.percentile(merged, 0.5)
