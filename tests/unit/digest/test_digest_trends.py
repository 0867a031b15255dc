"""Trends over four weeks in one item, "why the spike" (themes that rose), honest figures."""

from __future__ import annotations

from datetime import date, timedelta

from chalicelib.digest import aggregates, trends
from chalicelib.digest.aggregates import Sample
from chalicelib.digest.trends import DayFigures, TrendStore
from chalicelib.store import MemoryTable, keys
from chalicelib.triage.rising import excluded_terms, rising_themes, themable, window_themes

DAY = date(2026, 11, 22)


def stats(total: int, negative: int, acks: int = 0, turned: int = 0) -> dict[str, int]:
    out = {"total": total, "sentiment#negative": negative, "turned": turned}
    if acks:
        out[f"tta#{aggregates.bucket(300)}"] = acks
    return out


class CountingTable(MemoryTable):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get(self, key: keys.Key) -> dict[str, object] | None:
        self.reads += 1
        return super().get(key)


def test_the_trend_item_fills_a_missing_day_once_and_then_reads_one_item():
    state = CountingTable()
    filled: list[date] = []

    def fill(day: date) -> DayFigures:
        filled.append(day)
        return trends.figures(day, stats(100, 20), None)

    first = TrendStore(state).days(DAY, {DAY: trends.figures(DAY, stats(120, 30), {})}, fill)
    assert len(first) == 28 and first[-1].total == 120 and len(filled) == 27
    filled.clear()
    reads = state.reads
    again = TrendStore(state).days(DAY, {DAY: trends.figures(DAY, stats(130, 30), {})}, fill)
    assert filled == [] and state.reads == reads + 1  # one item, however many days
    assert again[-1].total == 130  # the day itself is refreshed: late counts reach it
    assert again[0].total == 100


def test_the_trend_item_forgets_days_older_than_five_weeks():
    state = MemoryTable()
    for back in range(60, -1, -1):
        day = DAY - timedelta(days=back)
        TrendStore(state).days(day, {day: trends.figures(day, stats(10, 1), {})}, _never)
    entries = [k for k in state.get(keys.trend()) or {} if k.startswith("d#")]
    assert len(entries) == trends.KEEP + 1  # the day and the 35 before it


def _never(day: date) -> DayFigures:
    return DayFigures(day)


def test_a_median_time_to_acknowledge_needs_ten_acknowledgements():
    days = [
        trends.figures(DAY - timedelta(days=b), stats(10, 2, acks=1), None)
        for b in range(27, -1, -1)
    ]
    line = {t.name: t for t in trends.lines(days)}["Time to acknowledge (median of 7 days)"]
    assert line.week is None  # 7 acknowledgements in the last 7 days: no median
    assert line.month is not None  # 28 of them: a median
    assert all(v is None for v in line.values[:9]) and line.values[-1] is None


def test_weekly_lines_compare_the_last_seven_days_with_the_seven_before():
    days = [
        trends.figures(DAY - timedelta(days=b), stats(200 if b < 7 else 100, 50, turned=1), None)
        for b in range(27, -1, -1)
    ]
    lines = {t.name: t for t in trends.lines(days)}
    assert (lines["Mentions"].week, lines["Mentions"].week_before) == (1400.0, 700.0)
    assert lines["Negative share"].week == 0.25 and lines["Negative share"].week_before == 0.5
    assert lines["Minus → plus"].month == 28.0


def test_a_sample_under_ten_values_gives_the_values_not_a_percentile():
    three = Sample.of({aggregates.bucket(180): 2, aggregates.bucket(720): 1})
    assert three.median is None and three.p90 is None and len(three.values) == 3
    many = Sample.of({aggregates.bucket(180): 12})
    assert many.median is not None and many.values == ()


def test_a_theme_rose_when_it_doubled_its_baseline_and_reached_three():
    history = [{"storing": 1, "factuur": 4}] * 7
    rose = rising_themes({"storing": 9, "factuur": 5, "app": 2, "monteur": 3}, history)
    assert [(r.name, r.count, r.baseline) for r in rose] == [
        ("storing", 9, 1.0),
        ("monteur", 3, 0.0),
    ]


def test_our_own_terms_handles_and_hashtags_are_never_themes():
    excluded = excluded_terms(["Voltera Energie", "@VolteraHelpt", "#volterastoring", "Voltera"])
    assert not any(
        themable(t, excluded) for t in ("voltera", "#voltera", "volterahelpt", "#VolteraStoring")
    )
    assert themable("storing", excluded) and themable("#storing", excluded)


def test_the_spike_window_names_the_theme_that_rose_above_the_windows_before_it():
    quiet = {"count": 1, "t#factuur": 1}
    storm = {"count": 9, "t#storing": 8, "t#factuur": 1}
    buckets = [quiet] * 8 + [{}] + [storm] * 3  # 5-minute buckets, 3 to a window
    rose = window_themes(buckets, per_window=3)
    assert [(r.name, r.count) for r in rose] == [("storing", 24)]
