"""A day in figures, from the day's counters and its negative posts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import Mention

LABELS = ("negative", "neutral", "positive", "unknown")


@dataclass(frozen=True)
class SourceLine:
    source: str
    total: int
    by_label: Mapping[str, int]


@dataclass(frozen=True)
class DayReport:
    day: str
    total: int
    by_label: Mapping[str, int]
    sources: list[SourceLine]
    negatives: list[Mention] = field(default_factory=list)

    @property
    def negative_share(self) -> float:
        return self.by_label.get("negative", 0) / self.total if self.total else 0.0


def build(
    day: str, counters: Mapping[str, int], negatives: Iterable[Mention], *, top: int = 10
) -> DayReport:
    """`counters` is the day's stats item (see pipeline.day_counts)."""
    by_label = {label: int(counters.get(f"sentiment#{label}", 0)) for label in LABELS}
    sources = []
    for key, value in sorted(counters.items()):
        parts = key.split("#")
        if parts[0] == "source" and len(parts) == 2:
            source = parts[1]
            sources.append(
                SourceLine(
                    source=source,
                    total=int(value),
                    by_label={lb: int(counters.get(f"source#{source}#{lb}", 0)) for lb in LABELS},
                )
            )
    sources.sort(key=lambda line: -line.total)
    ranked = sorted(negatives, key=lambda m: (-m.priority, m.created_at))[:top]
    return DayReport(
        day=day,
        total=int(counters.get("total", 0)),
        by_label=by_label,
        sources=sources,
        negatives=ranked,
    )
