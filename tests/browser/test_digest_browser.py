"""The digest and the weekly lessons mail in headless Chromium, at a desktop mail pane's
800 px and a phone's 390 px, the way webmail shows them: no script, no <head> styles,
no request for anything outside the message (Playwright drives Debian's chromium, as
the other browser tests: tests/browser/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.digest import lessons, render
from tests.unit.digest.test_digest_render import rendered_loop

WIDTHS = (800, 390)


def as_webmail(html: str) -> str:
    """What Gmail keeps of a message: the body's inline styles, no <head>, no <style>."""
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    assert body is not None
    return f"<!DOCTYPE html><html><body>{body.group(1)}</body></html>"


def show(browser: Any, html: str, width: int, shot: Path) -> dict[str, Any]:
    """Open `html` at `width` with scripts off; every request but the page's own fails."""
    page = browser.new_page(viewport={"width": width, "height": 900}, java_script_enabled=False)
    asked: list[str] = []
    page.route("**/*", lambda route: (asked.append(route.request.url), route.abort()))
    page.set_content(html, wait_until="load")
    page.screenshot(path=str(shot), full_page=True)
    measured = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth,
            bars: document.querySelectorAll('td[valign=bottom]').length,
            text: document.body.innerText,
        })"""
    )
    page.close()
    return {**measured, "requests": asked}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_digest_fits_the_pane_and_draws_its_trend_lines_without_script_or_images(
    browser, width, tmp_path
):
    digest = rendered_loop()
    seen = show(browser, as_webmail(digest.html), width, tmp_path / f"digest-{width}.png")
    assert seen["scroll"] <= width  # nothing wider than the phone or the pane
    assert seen["requests"] == []  # no image host, no font, nothing fetched
    assert seen["bars"] >= 4 * 28 + 24  # four 28-day lines and the hours, as table cells
    for heading in ("What the team did", "Minus → plus", "Cases worth telling", "Four weeks"):
        assert heading in seen["text"], heading
    # AND the figures a reader sees are the plain-text part's
    for figure in ("7 cases resolved", "9 cases open now", "complainer → ambassador"):
        assert figure in seen["text"]
    assert "7 cases resolved" in digest.text and "9 cases open now" in digest.text


@pytest.mark.parametrize("width", WIDTHS)
def test_the_weekly_lessons_mail_fits_the_pane_without_script_or_images(browser, width, tmp_path):
    mail = lessons.OwnerMail(
        owner="finance-team@example.com",
        week="2026-W48",
        first_day="2026-11-23",
        last_day="2026-11-29",
        themes=[
            lessons.ThemeLessons(
                theme="billing",
                cases=4,
                cases_before=1,
                lessons=[
                    lessons.Lesson(
                        "Explain an advance-payment change in the app before the invoice "
                        "goes out; the current letter reads like a mistake.",
                        3,
                        "handed to a colleague",
                        "2026-11-24T10:00:00Z",
                        None,
                        "https://cases.example/c/k3",
                    )
                ],
                related=[lessons.Related("voorschot", 17, 6)],
                examples=[
                    lessons.Example(
                        "boze_klant",
                        "x",
                        15300,
                        "Voltera heeft mijn voorschot verhoogd zonder uitleg. Belachelijk!",
                        "https://x.example/1",
                        None,
                    )
                ],
            )
        ],
    )
    rendered = render.render_lessons(mail, brand="Voltera")
    seen = show(browser, as_webmail(rendered.html), width, tmp_path / f"weekly-{width}.png")
    assert seen["scroll"] <= width and seen["requests"] == []
    assert "voorschot: 17 negative posts this week, 6 the week before" in seen["text"]
    assert "voorschot: 17 negative posts this week, 6 the week before" in rendered.text
