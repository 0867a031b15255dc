"""What ingest adds to a day's aggregates, and how the digest reads them back. Pure.

A day is the team's local calendar day (Europe/Amsterdam by default), so it has 23, 24
or 25 hours. Per mention, in the same conditional transaction as the mention itself
(`store.MentionStore.insert`), these counters are added to the day's stats item
(`keys.day_stats(day)`); this module owns the names of its counters:

    total                       every mention
    sentiment#<label>           negative / neutral / positive / unknown
    source#<source>             and source#<source>#<label>
    lang#<lang>                 and lang#<lang>#<label>
    reach#<label>               sum of the authors' followers
    h#<UTC hour>                mentions per UTC hour (``h#2026-10-25T01``), and
    hn#<UTC hour>               negative mentions per UTC hour: the day's curve and spikes

The themes of negative mentions are counted in the day's theme tally, a bounded list
(`ingest.THEMES`), not here: an unbounded vocabulary never grows an item.

The alert tally (`tally.py`) adds, guarded so each alert counts once:

    alerts#alerted, alerts#acknowledged, alerts#resolved
    tta#<bucket>, ttr#<bucket>  time to acknowledge / resolve, log-scale histogram
    tta.<band>#<bucket>         time to acknowledge per alert band (high, normal, low)
    alerted.<band>              cases of the band: each should have been acknowledged
    met.<band>                  acknowledged within the band's target

and, on the day a case is resolved (not the day of its post: "what the team did"),

    outcome#<outcome>           cases resolved, by how they ended (model.OUTCOMES; "none")

and on the day an author turned from minus to plus (`turnaround.py`), once per author:

    turned                      authors whose complaint was followed by a positive post
                                within the window, or whose case ended "turned_positive"
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..model import Mention, parse_time

LABELS = ("negative", "neutral", "positive", "unknown")
MAX_THEMES_COUNTED = 5
# Histogram buckets grow by 10 %: an estimate is within 5 % of the true value.
BUCKET_GROWTH = 1.1
MIN_SAMPLE = 10  # a median or percentile only from this many values on


def label_of(mention: Mention) -> str:
    return mention.sentiment.label if mention.sentiment else "unknown"


def praises(mention: Mention) -> bool:
    """A positive post that praises: what the ambassador list takes. A positive question
    ("What is the best way to contact support") or a request is not praise; a post judged
    before triage said what the customer needs (need "") counts as its label says."""
    sentiment = mention.sentiment
    return (
        sentiment is not None
        and sentiment.label == "positive"
        and sentiment.need
        in (
            "praise",
            "",
        )
    )


def local_day(moment: datetime | str, timezone: str) -> str:
    """The team's calendar day of a moment (`YYYY-MM-DD`)."""
    at = parse_time(moment) if isinstance(moment, str) else moment
    return at.astimezone(ZoneInfo(timezone)).date().isoformat()


def hour_key(moment: datetime | str) -> str:
    """The UTC hour of a moment, `YYYY-MM-DDTHH`: unambiguous on DST change days."""
    at = parse_time(moment) if isinstance(moment, str) else moment
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H")


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day, timezone-aware: 23 h in spring, 25 h in autumn."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start, end


@dataclass(frozen=True, slots=True)
class Hour:
    key: str  # UTC hour, `YYYY-MM-DDTHH`
    label: str  # local clock, e.g. "02:00" or "02:00 (2nd)" on the autumn change day
    start: datetime  # local, aware


def day_hours(day: date, timezone: str) -> list[Hour]:
    """Every hour of a local day, in order (23, 24 or 25 of them)."""
    start, end = day_bounds(day, timezone)
    zone = ZoneInfo(timezone)
    moment = start.astimezone(UTC)
    hours: list[Hour] = []
    seen: set[str] = set()
    while moment < end:
        local = moment.astimezone(zone)
        label = local.strftime("%H:00")
        if label in seen:
            label += " (2nd)"
        seen.add(label)
        hours.append(Hour(hour_key(moment), label, local))
        moment += timedelta(hours=1)
    return hours


def names(counters: Mapping[str, int], prefix: str) -> set[str]:
    """The names counted under `prefix` (`source#x` -> x; not `source#x#negative`)."""
    out = set()
    for key in counters:
        parts = key.split("#")
        if parts[0] == prefix and len(parts) == 2:
            out.add(parts[1])
    return out


def ingest_counts(mention: Mention) -> dict[str, int]:
    """Counters one mention adds to its day's stats item."""
    label = label_of(mention)
    lang = mention.lang or "unknown"
    hour = hour_key(mention.created_at)
    counts = {
        "total": 1,
        f"sentiment#{label}": 1,
        f"source#{mention.source}": 1,
        f"source#{mention.source}#{label}": 1,
        f"lang#{lang}": 1,
        f"lang#{lang}#{label}": 1,
        f"h#{hour}": 1,
    }
    followers = max(0, int(mention.author.followers or 0))
    if followers:
        counts[f"reach#{label}"] = followers
    if label == "negative":
        counts[f"hn#{hour}"] = 1
    return counts


def counted_themes(mention: Mention) -> list[str]:
    """The themes a mention counts for: those of a negative post, the first few."""
    if label_of(mention) != "negative":
        return []
    return list(dict.fromkeys(t for t in mention.themes if t))[:MAX_THEMES_COUNTED]


def alert_counts(
    event: str, seconds: float | None = None, *, band: str = "", target: float | None = None
) -> dict[str, int]:
    """Counters one alert event adds to its day: `alerted`, or `acknowledged` / `resolved`
    with the time it took (seconds since the alert) in its histogram; an acknowledgement
    also per `band`, and whether it was within the band's `target` (seconds)."""
    counts = {f"alerts#{event}": 1}
    if event == "alerted" and band:
        counts[f"alerted.{band}"] = 1
    if seconds is not None:
        counts[f"{DURATION_PREFIX[event]}#{bucket(seconds)}"] = 1
        if event == "acknowledged" and band:
            counts[f"{band_prefix(band)}#{bucket(seconds)}"] = 1
            if target is not None and seconds <= target:
                counts[f"met.{band}"] = 1
    return counts


DURATION_PREFIX = {"acknowledged": "tta", "resolved": "ttr"}
TURNED = "turned"


def band_prefix(band: str) -> str:
    """The histogram of acknowledgements in `band` (`tta.high#<bucket>`)."""
    return f"tta.{band}"


def outcome_counts(outcome: str | None) -> dict[str, int]:
    """What resolving a case adds to the day it was resolved on."""
    return {f"outcome#{outcome or 'none'}": 1}


def lesson_counts(theme: str, lesson: str) -> dict[str, int]:
    """A case resolved with a lesson, on its week's lesson counter (`keys.week_lessons`):
    per theme, and per lesson (its key: theme and a hash of the text)."""
    return {f"lessons#{theme}": 1, f"lesson#{lesson}": 1}


def lessons_per_theme(counters: Mapping[str, Any], prefix: str = "lessons#") -> dict[str, int]:
    """Cases with a lesson per theme (or, with ``prefix="lesson#"``, per lesson)."""
    return {
        key[len(prefix) :]: int(value)
        for key, value in counters.items()
        if key.startswith(prefix) and isinstance(value, int | float)
    }


def outcomes(counters: Mapping[str, int]) -> dict[str, int]:
    """Cases resolved that day, by outcome."""
    return {
        key.split("#", 1)[1]: int(value)
        for key, value in counters.items()
        if key.startswith("outcome#") and value
    }


# ------------------------------------------------------------------ durations


def bucket(seconds: float) -> int:
    """Histogram bucket of a duration: bucket b holds (1.1^(b-1), 1.1^b] seconds."""
    if seconds <= 1:
        return 0
    return math.ceil(math.log(seconds) / math.log(BUCKET_GROWTH) - 1e-9)


def bucket_value(index: int) -> float:
    """A representative duration of a bucket: the geometric middle of its bounds."""
    if index <= 0:
        return 1.0
    return float(BUCKET_GROWTH ** (index - 0.5))


def percentile(histogram: Mapping[int, int], fraction: float) -> float | None:
    """Nearest-rank percentile from a bucket histogram; None when it is empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= rank:
            return bucket_value(index)
    return bucket_value(max(histogram))


def histogram(counters: Mapping[str, int], prefix: str) -> dict[int, int]:
    """The buckets stored as `<prefix>#<bucket>` counters."""
    out: dict[int, int] = {}
    for key, value in counters.items():
        if key.startswith(prefix + "#"):
            out[int(key.split("#", 1)[1])] = int(value)
    return out


def values(histogram: Mapping[int, int]) -> list[float]:
    """Each duration the histogram holds (its bucket's value, within 5 %), smallest first."""
    return [bucket_value(i) for i in sorted(histogram) for _ in range(int(histogram[i]))]


def exact_percentile(values: Iterable[float], fraction: float) -> float | None:
    """Nearest-rank percentile of raw values (what the histogram estimates)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@dataclass(frozen=True)
class Sample:
    """Durations, told honestly: median and p90 from MIN_SAMPLE values, else the values."""

    n: int
    median: float | None
    p90: float | None
    values: tuple[float, ...]

    @classmethod
    def of(cls, histogram: Mapping[int, int]) -> Sample:
        n = sum(histogram.values())
        if n >= MIN_SAMPLE:
            p50, p90 = percentile(histogram, 0.5), percentile(histogram, 0.9)
            return cls(n, p50, p90, ())
        return cls(n, None, None, tuple(values(histogram)))
