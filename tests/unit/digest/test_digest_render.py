"""Rendering: untrusted post text is escaped, both parts carry the same figures."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from chalicelib.digest import aggregates, loop, render, report
from chalicelib.digest.loop import LoopData
from chalicelib.digest.toplists import Entry
from chalicelib.digest.trends import DayFigures

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
        "picked up in 12 min",  # the top post's own response time
        "15.3k",  # the top post's author's followers
        "98k",  # the ambassador's reach
        "41",  # theme count
        "Spike",  # at 17:00 (18:00 local)
        "18:00",
        "failing: 4 runs in a row, last error HTTP 503",
        "language de",
        "source News",  # the display name of the source "news"
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


# ------------------------------------------------------------------ closing the loop


def loop_data() -> LoopData:
    day = date(2026, 11, 22)
    stats = {
        "total": 1204,
        "turned": 3,
        "outcome#solved": 4,
        "outcome#turned_positive": 2,
        "outcome#none": 1,
        f"tta.high#{aggregates.bucket(420)}": 2,
        f"tta.high#{aggregates.bucket(1500)}": 1,
        "met.high": 2,
        f"tta.normal#{aggregates.bucket(900)}": 12,
        "met.normal": 12,
    }
    complaint = {
        "author": "x:7",
        "id": "x:70",
        "alert_id": "alert:x:70",
        "handle": "boze_klant",
        "source": "x",
        "followers": 15300,
        "text": "Al drie dagen geen internet\u202e, niemand belt terug",
        "url": "https://x.example/70",
        "created_at": "2026-11-20T09:00:00Z",
    }
    praise = {**complaint, "id": "x:71", "text": "Monteur was er binnen een uur. Top!"}
    trend = [
        DayFigures(day - timedelta(days=back), 1000 + back, 200, 400, {}, back % 3, {"app": 1})
        for back in range(27, -1, -1)
    ]
    return LoopData(
        day=day,
        stats=stats,
        previous={"total": 1000, "turned": 1},
        cases={"opened": 40, "closed": 31},
        open_cases=[post("x:2", "Al drie dagen storing", 60.0)],
        turned=[
            Entry("x:7", (15300.0, 1.0), {"before": complaint, "after": praise, "via": "post"})
        ],
        ambassadors=frozenset({"x:7"}),
        stories=[
            Entry(
                "x:70",
                (3.0, 15300.0),
                {
                    "post": complaint,
                    "outcome": "turned_positive",
                    "note": "Called back, technician booked",
                    "lesson": "Tell planning when arrival windows are missed",
                    "alert_id": "alert:x:70",
                    "by": "sanne",
                    "ack_seconds": 240.0,
                    "took_seconds": 5400.0,
                },
            )
        ],
        lessons=[
            Entry(
                "network|ab",
                (15300.0,),
                {
                    "lesson": "Tell planning when arrival windows are missed",
                    "theme": "network",
                    "post": {**complaint},
                },
            )
        ],
        trend=trend,
        themes={"storing": 41, "monteur": 12},
        targets={"high": 15, "normal": 60, "low": 240},
        owners={"network": ("network-operations@example.com",)},
    )


def rendered_loop(case_link: loop.CaseLink = loop.no_link) -> render.RenderedDigest:
    data = replace(day_data(), loop=loop_data())
    return render.render(report.build(data, case_link=case_link), brand="Voltera")


def test_what_the_team_did_turnarounds_stories_lessons_and_trends_are_in_both_parts():
    digest = rendered_loop()
    html = re.sub(r"<[^>]+>", " ", digest.html).replace("&#43;", "+")
    html = html.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    html = " ".join(html.split())
    figures = [
        "7 cases resolved",
        "4 solved",
        "2 turned positive",
        "1 no outcome given",
        "2 of 3",  # high band within its 15-minute target
        "12 of 12",
        "9 cases open now",  # 40 opened, 31 closed
        "3 turned around this day (1 the day before)",
        "complainer",  # … -> ambassador
        "Monteur was er binnen een uur. Top!",
        "Called back, technician booked",
        "picked it up in 4 min, resolved it in 1 h 30 min",
        "Tell planning when arrival windows are missed",
        "network-operations@example.com",
        "last 7 days 7,021",  # mentions 1006 + … + 1000
        "28 days",
        "storing 41 (usually 0.0 a day)",
    ]
    for figure in figures:
        assert figure in digest.text, figure
        assert figure in html, figure


def test_a_percentile_is_never_given_for_fewer_than_ten_values():
    text = rendered_loop().text
    (high,) = [line for line in text.splitlines() if line.startswith("- high band")]
    assert "for 9 in 10" not in high and "median" not in high
    assert high.endswith("7 min, 7 min, 24 min")  # 7, 7 and 25 min, as the histogram holds them
    (normal,) = [line for line in text.splitlines() if line.startswith("- normal band")]
    assert "median" in normal and "for 9 in 10 (12)" in normal


def test_network_text_in_the_loop_sections_loses_its_bidi_controls():
    digest = rendered_loop()
    assert "\u202e" not in digest.html and "\u202e" not in digest.text
    assert "Al drie dagen geen internet , niemand belt terug" in digest.text


def test_a_case_link_from_the_case_desk_is_used_where_there_is_one():
    digest = rendered_loop(lambda alert_id: f"https://cases.example/c/{alert_id[-2:]}")
    assert (
        "https://cases.example/c/70" in digest.html and "https://cases.example/c/70" in digest.text
    )


def test_the_html_needs_no_script_and_no_image_host():
    html = rendered_loop().html
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "url(" not in html and "<link" not in html.lower()


def test_an_author_meta_sends_without_handle_or_follower_count_is_named_not_at_zero():
    # GIVEN a Facebook post among the negatives and open cases: a name, no handle, no count
    facebook = post("facebook:5", "Drie keer gebeld, drie keer een ander verhaal", 67.0, 0)
    facebook.payload.update(source="facebook", handle="", name="Annelies Peeters")
    data = replace(day_data(), negatives=[facebook])
    data = replace(data, loop=replace(loop_data(), open_cases=[facebook]))
    # WHEN the digest is rendered
    digest = render.render(report.build(data), brand="Voltera")
    # THEN both parts name her, with no "@" before nothing and no "0 followers"
    for part in (digest.text, digest.html):
        assert "Annelies Peeters on Facebook" in part or "Annelies Peeters</" in part
        assert "@ on" not in part and "0 followers" not in part and "@</" not in part
    assert "1. Annelies Peeters on Facebook, priority 67" in digest.text
    assert "* Annelies Peeters on Facebook, waiting, priority 67" in digest.text


def test_an_author_is_their_handle_else_their_name_else_someone_and_reach_only_when_known():
    assert render.author(replace(report_post(), handle="boze_klant")) == "@boze_klant"
    assert render.author(replace(report_post(), handle="", name="Annelies")) == "Annelies"
    assert render.author(replace(report_post(), handle="", name="")) == "someone"
    assert render.followers(15300) == " · 15.3k followers"
    assert render.followers(0, ", ") == "" and render.followers(None) == ""


def report_post() -> report.Post:
    return report.build(day_data()).top_negatives[0]


def test_a_band_target_counts_every_case_that_should_have_been_acknowledged():
    # GIVEN nine high-band cases alerted, one acknowledged within 15 minutes, eight never
    data = loop_data()
    stats = {k: v for k, v in data.stats.items() if not k.startswith(("tta.high", "met.high"))}
    stats |= {"alerted.high": 9, f"tta.high#{aggregates.bucket(300)}": 1, "met.high": 1}
    digest = render.render(
        report.build(replace(day_data(), loop=replace(data, stats=stats)), case_link=loop.no_link),
        brand="Voltera",
    )
    (high,) = [line for line in digest.text.splitlines() if line.startswith("- high band")]
    # THEN the line says 1 of 9, and the eight as missed
    assert "1 of 9 within target (8 late or never acknowledged)" in high
    html = " ".join(re.sub(r"<[^>]+>", " ", digest.html).split())
    assert "1 of 9 8 late or never" in html


def test_a_band_with_cases_but_no_acknowledgement_is_shown_all_missed():
    data = loop_data()
    stats = {k: v for k, v in data.stats.items() if not k.startswith(("tta.normal", "met.normal"))}
    stats["alerted.normal"] = 3
    text = render.render(
        report.build(replace(day_data(), loop=replace(data, stats=stats)), case_link=loop.no_link),
        brand="Voltera",
    ).text
    (normal,) = [line for line in text.splitlines() if line.startswith("- normal band")]
    assert "0 of 3 within target (3 late or never acknowledged)" in normal


def test_resolved_means_resolved_this_day_in_every_part_of_the_digest():
    # the day's outcome counters (4 solved, 2 turned positive, 1 none) are the one "resolved"
    data = replace(day_data(), loop=loop_data())
    outcomes = {k: v for k, v in data.loop.stats.items() if k.startswith("outcome#")}  # type: ignore[union-attr]
    # (one of the day's own posts resolved; six cases of earlier days resolved this day)
    data = replace(data, stats={**data.stats, **outcomes, "alerts#resolved": 1})
    text = render.render(report.build(data, case_link=loop.no_link), brand="Voltera").text
    assert "7 cases resolved this day" in text
    assert "1 resolved" not in text


def test_the_days_incidents_are_listed_with_posts_reach_pickup_outcome_and_lesson():
    incident = {
        "id": "alert:incident:x:1",
        "kind": "incident",
        "created_at": "2026-11-22T09:00:00Z",
        "acknowledged_at": "2026-11-22T09:04:00Z",
        "state": "resolved",
        "outcome": "solved",
        "lesson": "The outage page did not mention Amersfoort",
        "count": 7,
        "reach": 184_300,
        "card": {"kind": "incident", "label": "outage Amersfoort"},
    }
    data = replace(loop_data(), incidents={"alert:incident:x:1": incident})
    digest = render.render(
        report.build(replace(day_data(), loop=data), case_link=loop.no_link), brand="Voltera"
    )
    line = next(x for x in digest.text.splitlines() if x.startswith("- incident"))
    assert line == (
        "- incident: outage Amersfoort, 7 posts, reach 184,300, picked up in 4 min; solved;"
        " lesson: The outage page did not mention Amersfoort"
    )
    assert "outage Amersfoort" in digest.html and "picked up in 4 min" in digest.html


def test_a_failing_source_is_told_in_the_teams_language():
    # GIVEN the day's data with a poller failing (source health) WHEN rendered in Dutch
    digest = render.render(report.build(day_data()), brand="Voltera", locale="nl")
    # THEN the note is Dutch in both parts, the network's own error as it came
    for part in (digest.text, digest.html):
        assert "faalt: 4 runs achter elkaar, laatste fout HTTP 503" in part
        assert "failing:" not in part
