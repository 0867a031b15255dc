"""Sources and languages that went silent, and pollers that failed, during a day. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..i18n import N_, Phrase
from ..model import parse_time
from . import aggregates

MIN_USUAL = 5  # a source or language with fewer posts the days before is not "usual"


@dataclass(frozen=True)
class Silence:
    kind: str  # "source" | "language"
    name: str
    usual: int  # posts the day before / a week before, the larger
    note: str


def silences(
    day: date,
    timezone: str,
    stats: Mapping[str, int],
    previous: Mapping[str, int],
    last_week: Mapping[str, int],
    health: Mapping[str, Mapping[str, Any]],
) -> list[Silence]:
    out: list[Silence] = []
    for kind, prefix in ((N_("source"), "source"), (N_("language"), "lang")):
        before = aggregates.names(previous, prefix) | aggregates.names(last_week, prefix)
        for name in sorted(before - aggregates.names(stats, prefix)):
            usual = max(
                int(previous.get(f"{prefix}#{name}", 0)),
                int(last_week.get(f"{prefix}#{name}", 0)),
            )
            if usual >= MIN_USUAL and name != "unknown":
                out.append(Silence(kind, name, usual, N_("no posts at all")))
    start, end = aggregates.day_bounds(day, timezone)
    for name, item in sorted(health.items()):
        failed_at = item.get("last_error_at")
        failures = int(item.get("consecutive_failures") or 0)
        if (failed_at and start <= parse_time(failed_at) < end) or failures:
            error = str(item.get("last_error") or "unknown error")[:120]
            if failures:
                note = Phrase(
                    N_("failing: %(count)s runs in a row, last error %(error)s"),
                    count=failures,
                    error=error,
                )
            else:
                note = Phrase(
                    N_("failed during the day, recovered (last error %(error)s)"), error=error
                )
            out.append(Silence("source", name, 0, note))
    return out
