"""Spikes: negative volume in a rolling window against its baseline, with a cooldown.

One grouped "spike" alert instead of dozens of single ones during a storm. Pure: the
caller (alerts) keeps the per-window counts and the time of the last spike alert, and
asks `SpikePolicy.check` every minute.

A spike is a window whose negative count is at least `min_count` AND at least `factor`
times the baseline (the mean of the previous `baseline_windows` windows, at least
`baseline_floor` so that a quiet night does not make three posts a storm), and no
spike alert went out within `cooldown`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from ..model import Mention, parse_time


@dataclass(frozen=True, slots=True)
class SpikeVerdict:
    is_spike: bool
    count: int  # negative mentions in the current window
    baseline: float  # mean per window over the baseline windows
    threshold: float  # the count that makes a spike
    examples: tuple[str, ...] = ()  # mention ids, highest priority first
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SpikePolicy:
    window: timedelta = timedelta(minutes=15)
    baseline_windows: int = 8  # previous windows the baseline averages
    factor: float = 3.0
    min_count: int = 5
    baseline_floor: float = 1.0
    cooldown: timedelta = timedelta(hours=1)
    max_examples: int = 3
    # our own terms (watch configuration, brand): never a theme that explains a spike
    ignore_themes: frozenset[str] = frozenset()

    def threshold(self, baseline: float) -> float:
        return max(float(self.min_count), self.factor * max(baseline, self.baseline_floor))

    def check(
        self,
        count: int,
        previous_counts: Sequence[int],
        *,
        now: datetime,
        last_spike_at: datetime | None = None,
        examples: Iterable[Mention] = (),
    ) -> SpikeVerdict:
        """Judge the current window's negative `count` against the `previous_counts`."""
        recent = list(previous_counts)[-self.baseline_windows :]
        baseline = sum(recent) / len(recent) if recent else 0.0
        threshold = self.threshold(baseline)
        ids = tuple(m.id for m in sorted(examples, key=lambda m: -m.priority)[: self.max_examples])
        verdict = SpikeVerdict(False, count, round(baseline, 2), threshold, ids)
        if count < threshold:
            return verdict
        if last_spike_at is not None and now - last_spike_at < self.cooldown:
            minutes = int((now - last_spike_at).total_seconds() // 60)
            return replace(verdict, reason=f"cooling down: last spike alert {minutes} min ago")
        return replace(
            verdict,
            is_spike=True,
            reason=(
                f"{count} negative mentions in {_minutes(self.window)} min "
                f"(baseline {baseline:.1f} per window)"
            ),
        )


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def window_counts(
    moments: Iterable[datetime | str], *, now: datetime, window: timedelta, windows: int
) -> list[int]:
    """Counts per window, oldest first, the last being the window that ends at `now`."""
    counts = [0] * windows
    start = now - window * windows
    for moment in moments:
        at = parse_time(moment) if isinstance(moment, str) else moment
        if start <= at < now:
            index = int((at - start) / window)
            counts[min(index, windows - 1)] += 1
    return counts


def check_mentions(
    mentions: Iterable[Mention],
    *,
    now: datetime,
    policy: SpikePolicy | None = None,
    last_spike_at: datetime | None = None,
) -> SpikeVerdict:
    """Spike verdict straight from mentions (the local run and tests; Lambda keeps counts)."""
    policy = policy or SpikePolicy()
    negative = [m for m in mentions if m.is_negative]
    counts = window_counts(
        (m.created_at for m in negative),
        now=now,
        window=policy.window,
        windows=policy.baseline_windows + 1,
    )
    current_start = now - policy.window
    current = [m for m in negative if current_start <= parse_time(m.created_at) < now]
    return policy.check(
        counts[-1], counts[:-1], now=now, last_spike_at=last_spike_at, examples=current
    )
