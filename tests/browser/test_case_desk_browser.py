"""From a recorded SMS to a handled case, on a phone: real Chromium, 390 px, no JavaScript.

GIVEN the demo's morning on a moto server (its SMS recorded in pages.jsonl)
WHEN the on-duty manager opens the case link of her first SMS, acknowledges, looks at her
     board, resolves the case with an outcome and a lesson
THEN every step shows what happened, the board changes, nothing breaks the page's CSP,
     and no element is wider than the phone.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from chalicelib import wiring
from chalicelib.model import parse_time
from devstack import phones
from tests.browser.conftest import PHONE, follow, phone_page


def _single(alert_id: str) -> bool:
    alert = wiring.alerts().get(alert_id)
    return bool(alert and alert.kind == "mention" and not alert.incident_id)


def _fits(page: Any) -> None:
    """Nothing sticks out of a 390 px screen (measured by the browser's layout)."""
    for box in page.locator(".card, .button, blockquote, h1").all():
        bounds = box.bounding_box()
        if bounds is not None:
            assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= PHONE["width"] + 0.5


def test_a_manager_goes_from_a_recorded_sms_to_a_handled_case_on_a_phone(
    browser, served, screenshots: Path, clock, reads
):
    records = phones.read_jsonl(Path(served.summary["pages_jsonl"]))
    texts = [r for r in records if r["channel"] == "sms" and r["recipient"] == "sanne"]
    assert texts and all(r["segments"] == 1 and r["encoding"] == "GSM-7" for r in texts)
    # this walk reads the English pages: sanne's own choice in a Dutch team (both
    # languages at night: test_night_browser.py)
    reads("sanne", "en")
    # the last case of one post she was texted (an incident has a page of its own)
    singles = [r for r in texts if _single(r["alert_id"])]
    link = phones.case_links(singles)[-1]
    alert_id = next(r["alert_id"] for r in singles if r["body"].endswith(link))
    # she opens it 17 minutes after it paged: past the high band's 15-minute target; the
    # clock stands still from there for the whole visit (a loaded machine changes nothing)
    paged = parse_time(wiring.alerts().get(alert_id).created_at)
    clock.move_to(paged + timedelta(minutes=17, seconds=20), tick=False)

    page = phone_page(browser)
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))

    # the case page, straight from the SMS
    assert page.goto(link).status == 200
    assert page.get_by_role("heading", name="Negative post on").is_visible()
    assert page.get_by_role("link", name="Open the post on").get_attribute("rel") == (
        "noreferrer noopener"
    )
    assert page.get_by_text("Paged sanne (SMS + e-mail)").is_visible()
    assert page.locator(".badge.late").inner_text() == "17 min / 15"
    _fits(page)
    page.screenshot(path=str(screenshots / "case-page.png"), full_page=True)

    # acknowledge
    follow(page, page.get_by_role("button", name="Acknowledge: I am on it"))
    assert page.get_by_role("status").inner_text().startswith("Acknowledged")
    assert page.get_by_text("Acknowledged by sanne").is_visible()

    # the board: the case is hers now
    follow(page, page.get_by_role("link", name="Your shift board"))
    yours = page.locator("h2", has_text="Yours")
    assert (yours.text_content() or "").startswith("Yours: acknowledged, not resolved (1)")
    held_before = page.locator("a.case-link").count()
    _fits(page)
    page.screenshot(path=str(screenshots / "board.png"), full_page=True)

    # back to the case from the board, resolve it with an outcome and a lesson
    follow(page, page.locator(f'a.case-link[href$="/{alert_id}"]'))
    page.get_by_label("Solved").check()
    page.get_by_label("Note (optional)").fill("Called back, technician booked")
    page.get_by_label("Lesson for the organisation (optional)").fill(
        "The outage page did not mention Amersfoort"
    )
    page.get_by_label("The lesson is about (theme)").fill("storing")
    follow(page, page.get_by_role("button", name="Resolve"))
    assert page.get_by_role("status").inner_text().startswith("Resolved")
    assert page.get_by_text(
        "Lesson (storing): The outage page did not mention Amersfoort"
    ).is_visible()
    _fits(page)
    page.screenshot(path=str(screenshots / "case-resolved.png"), full_page=True)

    # the board has changed
    follow(page, page.get_by_role("link", name="Your shift board"))
    assert page.get_by_text("You hold no open case.").is_visible()
    assert page.locator("a.case-link").count() == held_before - 1

    stored = wiring.alerts().get(alert_id)
    assert (stored.state, stored.outcome, stored.lesson_theme) == ("resolved", "solved", "storing")
    assert not [c for c in complaints if "Content Security Policy" in c]
    page.context.close()


def test_the_case_page_keeps_its_style_under_the_strict_policy(browser, served):
    """With JavaScript on, Chromium reports any style or script the CSP blocks."""
    records = phones.read_jsonl(Path(served.summary["pages_jsonl"]))
    link = phones.case_links(records)[0]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    page.goto(link)
    # the stylesheet applied (its nonce matched): the page's grey, the cards' white
    assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == (
        "rgb(242, 244, 247)"
    )
    assert page.locator(".card").first.evaluate("c => getComputedStyle(c).backgroundColor") == (
        "rgb(255, 255, 255)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert [m for m in blocked if "Content Security Policy" in m or "Refused" in m] == []
    context.close()


def test_marketing_reads_the_demo_digest_and_opens_a_case_from_it_on_a_phone(
    browser, served, screenshots: Path
):
    """The morning's digest (after four weeks of history) as webmail shows it, at a mail
    pane's 800 px and a phone's 390 px; its case links are view-only case pages."""
    from tests.browser.test_digest_browser import as_webmail, show

    html = Path(served.summary["digest_html"]).read_text()
    for width, name in ((800, "digest-loop.png"), (390, "digest-phone.png")):
        seen = show(browser, as_webmail(html), width, screenshots / name)
        assert seen["scroll"] <= width and seen["requests"] == []
        # the team is Dutch (TEAM_LOCALE's default): so is its digest
        for heading in ("Wat het team deed", "Min → plus", "Cases om te vertellen", "Vier weken"):
            assert heading in seen["text"], heading
    case_links = [u for u in re.findall(r'href="([^"]+)"', html) if "/c/" in u]
    assert case_links and all(u.startswith(served.base_url + "/c/") for u in case_links)

    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    for case_link in (case_links[0], case_links[-1]):  # the day's incident, a single case
        assert page.goto(case_link).status == 200
        assert page.get_by_role("heading", level=1).is_visible()
        assert page.get_by_role("button").count() == 0  # marketing reads; only managers act
    _fits(page)
    context.close()

    weekly = sorted(Path(served.summary["digest_html"]).parent.glob("weekly-*.html"))
    assert weekly, "the demo's Monday sends each theme owner last week's lessons"
    seen = show(browser, as_webmail(weekly[0].read_text()), 800, screenshots / "weekly-lessons.png")
    assert seen["scroll"] <= 800 and "wat klanten ons leerden" in seen["text"].lower()


def test_a_manager_answers_a_case_with_a_saved_reply_on_a_phone(
    browser, served, screenshots: Path, clock, reads
):
    """Open the case link of an SMS, acknowledge if need be, tap a saved reply, send it:
    the stand-in network gets it once, the timeline shows it. Taps and seconds from
    opening the link to the sent reply are measured (docs/oncall.md)."""
    import json
    import time

    records = phones.read_jsonl(Path(served.summary["pages_jsonl"]))
    replies_jsonl = Path(served.summary["replies_jsonl"])
    before = len(replies_jsonl.read_text().splitlines()) if replies_jsonl.exists() else 0

    def answerable(record: dict[str, Any]) -> bool:
        """Open, not answered, on a network the page sends to: Facebook, or X when the
        author named the brand (X's rule)."""
        alert = wiring.alerts().get(record["alert_id"])
        card = alert.card if alert else {}
        named = "@voltera" in str(card.get("text", "")).lower()
        network = card.get("source") == "facebook" or (card.get("source") == "x" and named)
        return bool(alert and network and not alert.answered_at and alert.state != "resolved")

    reads("sanne", "en")  # the English page (the team is Dutch)

    def case_link(record: dict[str, Any]) -> str:
        """The case link in a page: the end of an SMS, a line of an e-mail."""
        found = re.search(r"https?://\S+/c/[A-Za-z0-9_-]+", record["body"])
        return found.group(0) if found else ""

    wanted = [r for r in records if r["recipient"] == "sanne" and answerable(r) and case_link(r)]
    assert wanted, "the demo's morning pages sanne for posts the page can answer"
    record = wanted[0]
    link = case_link(record)
    created = parse_time(wiring.alerts().get(record["alert_id"]).created_at)
    clock.move_to(created + timedelta(minutes=4), tick=False)

    page = phone_page(browser)
    started, taps = time.perf_counter(), 0
    assert page.goto(link).status == 200
    if page.get_by_role("button", name="Acknowledge: I am on it").count():
        follow(page, page.get_by_role("button", name="Acknowledge: I am on it"))
        taps += 1
    chip = page.locator("a.chip").first
    chosen = chip.inner_text()
    follow(page, chip)
    taps += 1
    box = page.get_by_label("Your reply (plain text)")
    text = box.input_value()
    assert text and "C-" in text
    network = wiring.alerts().get(record["alert_id"]).card["source"]
    counted = page.locator("p.count").inner_text()
    assert counted.startswith(f"{len(text)} of ") and "too long" not in counted
    _fits(page)
    page.screenshot(path=str(screenshots / "case-reply.png"), full_page=True)
    follow(page, page.get_by_role("button", name=f"Send the reply on {network}"))
    taps += 1
    seconds = time.perf_counter() - started
    assert page.get_by_role("status").inner_text() == "Sent: your reply is on the network."
    assert page.get_by_text(f'Reply sent by sanne: "{text}"').is_visible()
    lines = replies_jsonl.read_text().splitlines()
    assert len(lines) == before + 1 and json.loads(lines[-1])["text"] == text
    stored = wiring.alerts().get(record["alert_id"])
    assert (stored.answered_via, stored.answered_by) == ("product", "sanne")
    print(f"\nreply from the case link: {taps} taps, {seconds:.2f} s ({chosen})")
    page.context.close()


def test_make_serve_answers_the_recorded_links_over_http(served) -> None:
    # (no browser: plain HTTP against the same served morning as the browser tests)
    records = phones.read_jsonl(Path(served.summary["pages_jsonl"]))
    texts = [r for r in records if r["channel"] == "sms"]
    assert texts and {r["segments"] for r in texts} == {1}
    assert {r["encoding"] for r in texts} == {"GSM-7"}
    assert {r["channel"] for r in records} == {"sms", "email"}
    for link in (phones.case_links(texts)[0], served.board_url()):
        assert link.startswith(served.base_url)
        with urllib.request.urlopen(link) as answer:
            assert answer.status == 200
            assert answer.headers["Referrer-Policy"] == "no-referrer"
    try:
        urllib.request.urlopen(served.base_url + "/c/AAAAAAAAAAAAAAAA")
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
    else:
        raise AssertionError("a guessed code opened a case")
