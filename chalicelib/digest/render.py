"""Render a `DayReport` as an e-mail: subject, HTML and plain text (Jinja2, autoescaped).

Both parts format every figure with the same filters below, so they carry the same
numbers. The HTML is table layout with inline styles only (what Outlook, Gmail and
Apple Mail all render), 600 px wide and fluid on a phone; its bar charts — the hours of
the day and the 28-day trend lines — are table cells with a width or height, so no
image host and no script is needed; the plain text draws the same lines in characters.
Text from the networks goes through `untrusted.line` / `block` (`shown`, `paragraph`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import i18n, untrusted
from ..alerts.paging.message import who
from ..i18n import EN, Lang
from ..sources import registry
from .figures import (
    NO_DATA,
    compact,
    delta,
    duration,
    number,
    percent,
    points,
    sample,
    spark,
    trend_change,
    trend_figure,
)
from .report import Change, DayReport

if TYPE_CHECKING:
    from .lessons import OwnerMail

QUOTE = 160  # characters of a post the digest quotes, cut at a word with "…"
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


def bar_height(value: float | None, values: Sequence[float | None], full: int = 40) -> int:
    largest = max((v for v in values if v is not None), default=0)
    return bar_width(value or 0, largest, full)


def shown(text: object, limit: int | None = None) -> str:
    """Network text on one line (`untrusted.line`): no control, bidi or invisible characters."""
    return untrusted.line(str(text or ""), limit)


def author(record: object) -> str:
    """An author in one line, as a page names them (`alerts.message.who`): "@handle" where
    the network has handles, else their name (Facebook, feeds, forums), else "someone"."""
    return who(
        {
            "source": getattr(record, "source", ""),
            "handle": getattr(record, "handle", ""),
            "name": getattr(record, "name", ""),
        }
    )


def followers(count: int | float | None, before: str = " · ", lang: Lang = EN) -> str:
    """ " · 2.3k followers", or nothing where the network sends no count (Meta, feeds)."""
    number_of = int(count or 0)
    if number_of <= 0:
        return ""
    reach = compact(number_of, lang)
    return before + lang.ngettext("%(reach)s follower", "%(reach)s followers", number_of) % {
        "reach": reach
    }


def excerpt(text: object, limit: int = 140) -> str:
    """`shown`, cut at a word before `limit` characters, with "…"."""
    flat = shown(text)
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def source_name(source: object, lang: Lang = EN) -> str:
    """ "generic-reddit" -> "Reddit", "feeds" -> "News and blogs" / "Nieuws en blogs"."""
    return lang.gettext(registry.display(str(source or "")))


def quote(text: object, limit: int = QUOTE) -> str:
    """A post as the digest quotes it: whole up to `limit` characters, else cut at a word
    with "…" (a quote never ends mid-word)."""
    return excerpt(text, limit)


def paragraph(text: object) -> str:
    return untrusted.block(str(text or ""))


def trend_colour(value: float, before: float | None, *, bad_when_up: bool = False) -> str:
    change = Change.relative(value, before)
    if change is None or abs(change) < 0.05:
        return "#667085"
    up = change > 0
    return "#b42318" if up == bad_when_up else "#067647"


def long_date(day: str, lang: Lang = EN) -> str:
    return lang.day(date.fromisoformat(day), "EEEE d MMMM y")


def short_date(day: str, lang: Lang = EN) -> str:
    return lang.day(date.fromisoformat(day), "EEE d MMM")


def weekday(day: str, lang: Lang = EN) -> str:
    return lang.weekday(date.fromisoformat(day))


def bar_width(value: float, largest: float, full: int = 100) -> int:
    """Width in % of a bar, at least 1 for a non-zero value."""
    if not value or not largest:
        return 0
    return max(1, round(full * value / largest))


@cache
def _environment(code: str) -> Any:
    """The digest's templates in language `code`, every figure written in it."""
    lang = Lang(code)
    env = i18n.jinja_environment(
        "chalicelib.digest",
        code,
        autoescape=_autoescape(),
    )

    def bound(function: Any) -> Any:
        return functools.partial(function, lang=lang)

    env.filters.update(
        number=bound(number),
        percent=bound(percent),
        compact=bound(compact),
        duration=bound(duration),
        long_date=bound(long_date),
        short_date=bound(short_date),
        weekday=bound(weekday),
        sample=bound(sample),
        spark=spark,
        shown=shown,
        author=author,
        followers=bound(followers),
        excerpt=excerpt,
        quote=quote,
        paragraph=paragraph,
        source_name=bound(source_name),
    )
    env.globals.update(
        delta=bound(delta),
        points=bound(points),
        trend_colour=trend_colour,
        bar_width=bar_width,
        bar_height=bar_height,
        trend_figure=bound(trend_figure),
        trend_change=bound(trend_change),
        colours=COLOURS,
    )
    return env


def _autoescape() -> Any:
    import jinja2  # loaded only by the digest function (cold start of the others)

    return jinja2.select_autoescape(["html"], default_for_string=False)


def subject(report: DayReport, brand: str, lang: Lang = EN) -> str:
    """The date and the headline figure, e.g.
    "Voltera social digest Sun 22 Nov: 1,204 mentions (+8% vs the day before), 17% negative".
    """
    change = delta(report.total.value, report.total.previous, lang)
    quiet = ("—", lang.gettext("new"), lang.gettext(NO_DATA))
    trend = lang._(" (%(change)s vs the day before)", change=change) if change not in quiet else ""
    return lang._(
        "%(brand)s social digest %(day)s: %(mentions)s%(trend)s, %(negative)s negative",
        brand=brand,
        day=short_date(report.day, lang),
        mentions=lang.n_("%(num)s mention", "%(num)s mentions", round(report.total.value)),
        trend=trend,
        negative=percent(report.negative_share.value, lang),
    )


def summary(report: DayReport, brand: str, lang: Lang = EN) -> list[str]:
    """The day in three lines, for a reader who reads no further: what was said, what the
    team did, and who turned around (or, without the loop, the busiest hour)."""
    total = round(report.total.value)
    change = delta(report.total.value, report.total.previous, lang)
    lines = [
        lang.n_(
            "%(num)s post mentioned %(brand)s: %(negative)s negative (%(share)s), "
            "%(positive)s positive; %(change)s vs the day before.",
            "%(num)s posts mentioned %(brand)s: %(negative)s negative (%(share)s), "
            "%(positive)s positive; %(change)s vs the day before.",
            total,
            brand=brand,
            negative=number(report.by_label.get("negative", 0), lang),
            share=percent(report.negative_share.value, lang),
            positive=number(report.by_label.get("positive", 0), lang),
            change=change,
        )
    ]
    handling = report.handling
    open_now = report.loop.done.open_now if report.loop else handling.open
    lines.append(
        lang._(
            "The team picked up %(acknowledged)s of %(alerted)s alerts (%(time)s) and "
            "resolved %(resolved)s; %(open)s still open.",
            acknowledged=number(handling.acknowledged, lang),
            alerted=number(handling.alerted, lang),
            time=sample(handling.tta, lang=lang),
            resolved=number(report.loop.done.resolved if report.loop else handling.resolved, lang),
            open=number(open_now, lang),
        )
    )
    if report.loop is not None:
        lines.append(
            lang.n_(
                "%(num)s customer turned from minus to plus (%(week)s in the last 7 days).",
                "%(num)s customers turned from minus to plus (%(week)s in the last 7 days).",
                report.loop.turned_today,
                week=number(report.loop.turned_week, lang),
            )
        )
    elif report.busiest_hour is not None:
        lines.append(
            lang._(
                "Busiest hour %(hour)s: %(posts)s posts, %(negative)s negative.",
                hour=report.busiest_hour.label,
                posts=number(report.busiest_hour.total, lang),
                negative=number(report.busiest_hour.negative, lang),
            )
        )
    return lines


def render(
    report: DayReport, *, brand: str, unsubscribe_url: str = "", locale: str = "en"
) -> RenderedDigest:
    lang = Lang(locale)
    title = subject(report, brand, lang)
    context = {
        "summary": summary(report, brand, lang),
        "r": report,
        "brand": brand,
        "subject": title,
        "unsubscribe_url": unsubscribe_url,
        "labels": ("negative", "neutral", "positive", "unknown"),
        "largest_source": max((s.total.value for s in report.sources), default=0),
        "largest_hour": max((h.total for h in report.hours), default=0),
        "largest_theme": max((t.count for t in report.themes), default=0),
    }
    env = _environment(lang.code)
    return RenderedDigest(
        subject=title,
        html=env.get_template("digest.html").render(context),
        text=env.get_template("digest.txt").render(context),
    )


def render_lessons(
    mail: OwnerMail, *, brand: str, unsubscribe_url: str = "", locale: str = "en"
) -> RenderedDigest:
    """The weekly "what customers taught us" mail to one theme owner."""
    lang = Lang(locale)
    themes = ", ".join(t.theme for t in mail.themes[:3]) + ("…" if len(mail.themes) > 3 else "")
    title = lang._(
        "%(brand)s: what customers taught us, %(first)s – %(last)s (%(themes)s)",
        brand=brand,
        first=short_date(mail.first_day, lang),
        last=short_date(mail.last_day, lang),
        themes=themes,
    )
    context = {"m": mail, "brand": brand, "subject": title, "unsubscribe_url": unsubscribe_url}
    env = _environment(lang.code)
    return RenderedDigest(
        subject=title,
        html=env.get_template("lessons.html").render(context),
        text=env.get_template("lessons.txt").render(context),
    )
