"""Rendering: untrusted post text is escaped, both parts carry the same figures."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from chalicelib.digest import aggregates, render, report
from chalicelib.digest.toplists import Entry

SCRIPT = '<script>alert("pwned")</script> & <img src=x onerror=alert(1)> "quoted"'


def post(key: str, text: str, priority: float = 80.0, followers: int = 15300) -> Entry:
    return Entry(
        key,
        (priority, float(followers)),
        {
            "id": key,
            "source": "x",
            "url": f"https://x.example/{key}",
            "handle": "boze_klant",
            "name": "Boze Klant",
            "followers": followers,
            "text": text,
            "lang": "nl",
            "created_at": "2026-11-22T18:10:00Z",
            "priority": priority,
            "engagement": 12,
            "themes": ["#storing"],
        },
    )


def day_data() -> report.DayData:
    stats = {
        "total": 1204,
        "sentiment#negative": 205,
        "sentiment#positive": 480,
        "sentiment#neutral": 519,
        "source#x": 700,
        "source#x#negative": 150,
        "source#x#positive": 250,
        "source#reddit": 504,
        "source#reddit#negative": 55,
        "lang#nl": 800,
        "lang#nl#negative": 160,
        "lang#en": 404,
        "reach#negative": 2_340_000,
        "alerts#alerted": 40,
        "alerts#acknowledged": 36,
        "alerts#resolved": 30,
        f"tta#{aggregates.bucket(720)}": 20,
        f"tta#{aggregates.bucket(1500)}": 16,
        f"ttr#{aggregates.bucket(7200)}": 30,
        "h#2026-11-22T17": 300,
        "hn#2026-11-22T17": 90,
        "h#2026-11-22T08": 40,
        "hn#2026-11-22T08": 2,
    }
    previous = {"total": 1000, "sentiment#negative": 150, "source#x": 650, "source#news": 40}
    last_week = {"total": 1100, "sentiment#negative": 160, "lang#de": 12}
    return report.DayData(
        day=date(2026, 11, 22),
        timezone="Europe/Amsterdam",
        stats=stats,
        previous=previous,
        last_week=last_week,
        negatives=[post("x:1", SCRIPT), post("x:2", "Al drie dagen storing", 60.0)],
        alerts={
            "x:1": {
                "state": "acknowledged",
                "acknowledged_by": "ann",
                "created_at": "2026-11-22T18:11:00Z",
                "acknowledged_at": "2026-11-22T18:23:00Z",
            }
        },
        ambassadors=[post("x:9", "Super geholpen, top!", 0, 98000)],
        themes=[Entry("#storing", (41.0,), {}), Entry("monteur", (12.0,), {})],
        open_alerts=[post("x:2", "Al drie dagen storing", 60.0)],
        health={"reddit": {"consecutive_failures": 4, "last_error": "HTTP 503"}},
    )


def rendered() -> render.RenderedDigest:
    return render.render(
        report.build(day_data()), brand="Voltera", unsubscribe_url="mailto:u@example.com"
    )


def test_post_text_is_escaped_in_the_html_part():
    html = rendered().html
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; &lt;img" in html


def test_subject_carries_the_date_and_the_headline_figures():
    subject = rendered().subject
    assert subject == (
        "Voltera social digest Sun 22 Nov: 1,204 mentions (+20% vs the day before), 17% negative"
    )


def test_subject_has_no_trend_when_the_day_before_had_no_mentions():
    data = replace(day_data(), previous={"total": 0})
    subject = render.render(
        report.build(data), brand="Voltera", unsubscribe_url="mailto:u@example.com"
    ).subject
    assert subject == "Voltera social digest Sun 22 Nov: 1,204 mentions, 17% negative"


def test_the_text_part_carries_the_same_figures_as_the_html_part():
    digest = rendered()
    text = digest.text
    html = re.sub(r"<[^>]+>", " ", digest.html).replace("&#43;", "+")
    figures = [
        "1,204",  # mentions
        "+20%",  # vs the day before
        "+9%",  # vs last Sunday
        "17%",  # negative share
        "+2 pt",  # negative share vs the day before
        "2.3M",  # reach of negative posts
        "205",  # negative posts
        "40",  # alerted
        "36",  # acknowledged
        "30",  # resolved
        "13 min",  # median time to acknowledge (12 min, from a 10 % histogram bucket)
        "24 min",  # p90 time to acknowledge (25 min)
        "2 h 4 min",  # median time to resolve (2 h)
        "ack in 12 min",  # the top post's own response time
        "15.3k",  # the top post's author's followers
        "98k",  # the ambassador's reach
        "41",  # theme count
        "Spike",  # at 17:00 (18:00 local)
        "18:00",
        "failing: 4 runs in a row, last error HTTP 503",
        "language de",
        "source news",
    ]
    for figure in figures:
        assert figure in text, figure
        assert figure.lower() in html.lower(), figure


def test_a_day_without_posts_renders_without_errors_and_says_so():
    empty = report.DayData(date(2026, 11, 22), "Europe/Amsterdam", {}, {}, {})
    digest = render.render(report.build(empty), brand="Voltera")
    assert "No mentions this day." in digest.text and "No mentions this day." in digest.html
    assert "0 mentions" in digest.subject


def test_durations_read_like_a_person_says_them():
    assert [render.duration(s) for s in (None, 40, 720, 7200, 11_000, 200_000)] == [
        "—",
        "40 s",
        "12 min",
        "2 h",
        "3 h 3 min",
        "2 d 7 h",
    ]
