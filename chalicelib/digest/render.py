"""Render a `DayReport` as an e-mail: subject, HTML and plain text (Jinja2, autoescaped).

Both parts format every figure with the same filters below, so they carry the same
numbers. The HTML is table layout with inline styles only (what Outlook, Gmail and
Apple Mail all render), 600 px wide and fluid on a phone; its bar charts — the hours of
the day and the 28-day trend lines — are table cells with a width or height, so no
image host and no script is needed; the plain text draws the same lines in characters.
Text from the networks goes through `untrusted.line` / `block` (`shown`, `paragraph`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import untrusted
from ..alerts.message import who
from .aggregates import Sample
from .report import Change, DayReport
from .trends import Trend

if TYPE_CHECKING:
    from .lessons import OwnerMail

NO_DATA = "no data"
COLOURS = {
    "negative": "#d92d20",
    "neutral": "#98a2b3",
    "positive": "#12b76a",
    "unknown": "#d0d5dd",
}


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    html: str
    text: str


def number(value: float | int | None) -> str:
    """1234567 -> "1,234,567"."""
    return "—" if value is None else f"{round(value):,}"


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{fraction * 100:.0f}%"


def compact(value: float | int | None) -> str:
    """Reach: 15300 -> "15.3k", 2100000 -> "2.1M"."""
    if value is None:
        return "—"
    value = float(value)
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return text + suffix
    return f"{value:.0f}"


def delta(value: float, before: float | None) -> str:
    """Relative change of a count: "+12%", "−5%", "±0%", "new"; "no data" for no day."""
    if before is None:
        return NO_DATA
    change = Change.relative(value, before)
    if change is None:
        return "new" if value else "—"
    if round(change * 100) == 0:
        return "±0%"
    sign = "+" if change > 0 else "−"
    return f"{sign}{abs(change) * 100:.0f}%"


def points(value: float, before: float | None) -> str:
    """Change of a share in percentage points: "+3 pt", "−1 pt", "±0 pt"."""
    if before is None:
        return NO_DATA
    diff = round((value - before) * 100)
    if diff == 0:
        return "±0 pt"
    return f"{'+' if diff > 0 else '−'}{abs(diff)} pt"


def duration(seconds: float | None) -> str:
    """A response time as a person says it: "45 s", "12 min", "3 h 20 min", "2 d 4 h"."""
    if seconds is None:
        return "—"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    minutes = round(s / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def sample(s: Sample, *, unit: str = "") -> str:
    """Durations told honestly: "12 min median, 24 min for 9 in 10 (36)" from 10 values on,
    else the values themselves: "3 min, 5 min, 12 min"; "—" for none."""
    if s.n == 0:
        return "—"
    if s.median is None:
        return ", ".join(duration(v) for v in s.values)
    return f"{duration(s.median)} median, {duration(s.p90)} for 9 in 10 ({s.n:,}{unit})"


SPARKS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[float | None]) -> str:
    """A line of block characters (the plain-text trend); "·" where there was nothing."""
    known = [v for v in values if v is not None]
    top = max(known, default=0) or 1
    return "".join("·" if v is None else SPARKS[min(7, round(7 * v / top))] for v in values)


def trend_figure(t: Trend, value: float | None) -> str:
    if value is None:
        return "too few to tell" if t.unit == "seconds" else "—"
    if t.unit == "share":
        return percent(value)
    if t.unit == "seconds":
        return duration(value)
    return number(value)


def trend_change(t: Trend) -> str:
    """The last 7 days against the 7 before: relative for counts and times, points for shares."""
    if t.week is None or t.week_before is None:
        return ""
    if t.unit == "share":
        return points(t.week, t.week_before)
    return delta(t.week, t.week_before)


def bar_height(value: float | None, values: Sequence[float | None], full: int = 40) -> int:
    largest = max((v for v in values if v is not None), default=0)
    return bar_width(value or 0, largest, full)


def shown(text: object, limit: int | None = None) -> str:
    """Network text on one line (`untrusted.line`): no control, bidi or invisible characters."""
    return untrusted.line(str(text or ""), limit)


def author(record: object) -> str:
    """An author in one line, as a page names them (`alerts.message.who`): "@handle",
    else their name (Meta sends no handle), else "someone"."""
    return who({"handle": getattr(record, "handle", ""), "name": getattr(record, "name", "")})


def followers(count: int | float | None, before: str = " · ") -> str:
    """ " · 2.3k followers", or nothing where the network sends no count (Meta, feeds)."""
    number_of = int(count or 0)
    return f"{before}{compact(number_of)} followers" if number_of > 0 else ""


def excerpt(text: object, limit: int = 140) -> str:
    """`shown`, cut at a word before `limit` characters, with "…"."""
    flat = shown(text)
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def paragraph(text: object) -> str:
    return untrusted.block(str(text or ""))


def trend_colour(value: float, before: float | None, *, bad_when_up: bool = False) -> str:
    change = Change.relative(value, before)
    if change is None or abs(change) < 0.05:
        return "#667085"
    up = change > 0
    return "#b42318" if up == bad_when_up else "#067647"


def long_date(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.strftime('%A')} {d.day} {d.strftime('%B %Y')}"


def short_date(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b')}"


def bar_width(value: float, largest: float, full: int = 100) -> int:
    """Width in % of a bar, at least 1 for a non-zero value."""
    if not value or not largest:
        return 0
    return max(1, round(full * value / largest))


@cache
def _environment() -> Any:
    import jinja2  # loaded only by the digest function (cold start of the others)

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib.digest", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        number=number,
        percent=percent,
        compact=compact,
        duration=duration,
        long_date=long_date,
        short_date=short_date,
        sample=sample,
        spark=spark,
        shown=shown,
        author=author,
        followers=followers,
        excerpt=excerpt,
        paragraph=paragraph,
    )
    env.globals.update(
        delta=delta,
        points=points,
        trend_colour=trend_colour,
        bar_width=bar_width,
        bar_height=bar_height,
        trend_figure=trend_figure,
        trend_change=trend_change,
        colours=COLOURS,
    )
    return env


def subject(report: DayReport, brand: str) -> str:
    """The date and the headline figure, e.g.
    "Voltera social digest Sun 22 Nov: 1,204 mentions (+8% vs the day before), 17% negative".
    """
    change = delta(report.total.value, report.total.previous)
    trend = f" ({change} vs the day before)" if change not in ("—", "new", NO_DATA) else ""
    return (
        f"{brand} social digest {short_date(report.day)}: {number(report.total.value)} "
        f"mentions{trend}, {percent(report.negative_share.value)} negative"
    )


def render(report: DayReport, *, brand: str, unsubscribe_url: str = "") -> RenderedDigest:
    title = subject(report, brand)
    context = {
        "r": report,
        "brand": brand,
        "subject": title,
        "unsubscribe_url": unsubscribe_url,
        "labels": ("negative", "neutral", "positive", "unknown"),
        "largest_source": max((s.total.value for s in report.sources), default=0),
        "largest_hour": max((h.total for h in report.hours), default=0),
        "largest_theme": max((t.count for t in report.themes), default=0),
    }
    env = _environment()
    return RenderedDigest(
        subject=title,
        html=env.get_template("digest.html").render(context),
        text=env.get_template("digest.txt").render(context),
    )


def render_lessons(mail: OwnerMail, *, brand: str, unsubscribe_url: str = "") -> RenderedDigest:
    """The weekly "what customers taught us" mail to one theme owner."""
    themes = ", ".join(t.theme for t in mail.themes[:3]) + ("…" if len(mail.themes) > 3 else "")
    title = (
        f"{brand}: what customers taught us, {short_date(mail.first_day)} – "
        f"{short_date(mail.last_day)} ({themes})"
    )
    context = {"m": mail, "brand": brand, "subject": title, "unsubscribe_url": unsubscribe_url}
    env = _environment()
    return RenderedDigest(
        subject=title,
        html=env.get_template("lessons.html").render(context),
        text=env.get_template("lessons.txt").render(context),
    )
