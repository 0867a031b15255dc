"""How the digest writes a figure, in the reader's language: counts, shares, changes,
durations, samples and trend lines (Babel through `Lang`). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from ..i18n import EN, N_, Lang
from .aggregates import Sample
from .report import Change
from .trends import Trend

NO_DATA = N_("no data")


def number(value: float | int | None, lang: Lang = EN) -> str:
    """1234567 -> "1,234,567" (en), "1.234.567" (nl)."""
    return lang.number(value)


def percent(fraction: float | None, lang: Lang = EN) -> str:
    return "—" if fraction is None else lang.percent(round(fraction, 2))


def compact(value: float | int | None, lang: Lang = EN) -> str:
    """Reach: 15300 -> "15.3k" ("15,3k" in Dutch), 2100000 -> "2.1M"."""
    if value is None:
        return "—"
    value = float(value)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return lang.decimal(value / limit) + suffix
    return f"{value:.0f}"


def delta(value: float, before: float | None, lang: Lang = EN) -> str:
    """Relative change of a count: "+12%", "−5%", "±0%", "new"; "no data" for no day."""
    if before is None:
        return lang.gettext(NO_DATA)
    change = Change.relative(value, before)
    if change is None:
        return lang.gettext("new") if value else "—"
    if round(change * 100) == 0:
        return "±0%"
    sign = "+" if change > 0 else "−"
    return f"{sign}{abs(change) * 100:.0f}%"


def points(value: float, before: float | None, lang: Lang = EN) -> str:
    """Change of a share in percentage points: "+3 pt", "−1 pt", "±0 pt"."""
    if before is None:
        return lang.gettext(NO_DATA)
    diff = round((value - before) * 100)
    sign = "±" if diff == 0 else ("+" if diff > 0 else "−")
    return lang._("%(change)s pt", change=f"{sign}{abs(diff)}")


def duration(seconds: float | None, lang: Lang = EN) -> str:
    """A response time as a person says it: "45 s", "12 min", "3 h 20 min", "2 d 4 h"."""
    if seconds is None:
        return "—"
    s = max(0, round(seconds))
    if s < 60:
        return lang._("%(n)s s", n=s)
    minutes = round(s / 60)
    if minutes < 60:
        return lang._("%(n)s min", n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if minutes:
            return lang._("%(h)s h %(m)s min", h=hours, m=minutes)
        return lang._("%(n)s h", n=hours)
    days, hours = divmod(hours, 24)
    return lang._("%(d)s d %(h)s h", d=days, h=hours) if hours else lang._("%(n)s d", n=days)


def sample(s: Sample, *, unit: str = "", lang: Lang = EN) -> str:
    """Durations told honestly: "12 min median, 24 min for 9 in 10 (36)" from 10 values on,
    else the values themselves: "3 min, 5 min, 12 min"; "—" for none."""
    if s.n == 0:
        return "—"
    if s.median is None:
        return ", ".join(duration(v, lang) for v in s.values)
    return lang._(
        "%(median)s median, %(p90)s for 9 in 10 (%(n)s)",
        median=duration(s.median, lang),
        p90=duration(s.p90, lang),
        n=lang.number(s.n) + unit,
    )


SPARKS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[float | None]) -> str:
    """A line of block characters (the plain-text trend); "·" where there was nothing."""
    known = [v for v in values if v is not None]
    top = max(known, default=0) or 1
    return "".join("·" if v is None else SPARKS[min(7, round(7 * v / top))] for v in values)


def trend_figure(t: Trend, value: float | None, lang: Lang = EN) -> str:
    if value is None:
        return lang.gettext("too few to tell") if t.unit == "seconds" else "—"
    if t.unit == "share":
        return percent(value, lang)
    if t.unit == "seconds":
        return duration(value, lang)
    return number(value, lang)


def trend_change(t: Trend, lang: Lang = EN) -> str:
    """The last 7 days against the 7 before: relative for counts and times, points for shares."""
    if t.week is None or t.week_before is None:
        return ""
    if t.unit == "share":
        return points(t.week, t.week_before, lang)
    return delta(t.week, t.week_before, lang)
